//! Webhooks: organisations register endpoints that receive the public change feed as it grows,
//! filtered by object type, plan, region and organisation. This module owns the endpoints'
//! management (every change is a write with its own, non-public, audit event); `address` decides
//! where deliveries may go, `signing` signs them, `filters` chooses the changes an endpoint
//! receives, `read` lists endpoints and their delivery logs, and `outbox` is what the delivery
//! worker reads and records.

pub mod address;
pub mod filters;
pub mod outbox;
mod read;
pub mod signing;

pub use read::{find_webhook, list_webhooks, recent_deliveries};

use chrono::{DateTime, Duration, Utc};
use entity::{organisation, plan, region, webhook_cursor, webhook_endpoint, webhook_secret};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr};
use uuid::Uuid;

use self::address::AddressPolicy;
use super::{
    access::Scope,
    audit::{Action, WriteTransaction},
    ids::new_id,
    validation,
    write::{Patch, rows::Edit},
};
use crate::domain::lookup::rows_with;
use crate::domain::write::rows::new_row;
use crate::error::{ApiError, ApiResult};

/// The longest a rotated-out secret may keep signing.
pub const MAX_OVERLAP_SECONDS: i64 = 7 * 24 * 3600;

/// Which changes an endpoint receives: each list narrows (an empty list does not), and a change
/// must pass every list that is given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// Object types, e.g. `PlanItem`.
    pub entity_types: Vec<String>,
    /// Plan codes: the plans and everything in them (items, indicators).
    pub plans: Vec<String>,
    /// Region codes: the regions, and the plans of those regions with everything in them.
    pub regions: Vec<String>,
    /// Organisation registry codes: the organisations, the plans they own with everything in
    /// them, and the project links they own.
    pub organisations: Vec<String>,
}

/// An endpoint to register.
pub struct NewWebhook {
    /// The organisation that will own it.
    pub organisation: Uuid,
    /// Where to post.
    pub url: String,
    /// What it is for.
    pub description: Option<String>,
    /// Which changes it receives.
    pub filters: Filters,
}

/// A change to an endpoint; `None` keeps a field as it is.
#[derive(Default)]
pub struct WebhookPatch {
    /// A new URL.
    pub url: Option<String>,
    /// A new description (`Some(None)` clears it).
    pub description: Patch<String>,
    /// Turn deliveries on or off; turning them on also lifts a disabling by the registry.
    pub enabled: Option<bool>,
    /// New object types.
    pub entity_types: Option<Vec<String>>,
    /// New plan codes.
    pub plans: Option<Vec<String>>,
    /// New region codes.
    pub regions: Option<Vec<String>>,
    /// New organisation codes.
    pub organisations: Option<Vec<String>>,
}

/// An endpoint with its delivery state.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// The endpoint.
    pub endpoint: webhook_endpoint::Model,
    /// Its place in the feed and retry state.
    pub cursor: Option<webhook_cursor::Model>,
}

/// Splits a stored space-separated list.
pub fn split(list: &str) -> Vec<String> {
    list.split_whitespace().map(str::to_owned).collect()
}

/// The types an endpoint may ask for: those of the public change feed.
fn check_entity_types(field: &str, types: &[String]) -> ApiResult<String> {
    use super::entity_type::EntityType;
    let public = |t: EntityType| {
        !matches!(
            t,
            EntityType::ApiToken | EntityType::Webhook | EntityType::Vocabulary
        )
    };
    for name in types {
        if !EntityType::parse(name).is_some_and(public) {
            let known: Vec<&str> = EntityType::ALL
                .iter()
                .copied()
                .filter(|t| public(*t))
                .map(EntityType::as_str)
                .collect();
            return Err(ApiError::invalid(
                field,
                format!("`{name}` is not a type of the change feed ({})", known.join(", ")),
            ));
        }
    }
    Ok(types.join(" "))
}

/// Checks that every code of `codes` (the filter `input.<what>s`) names a row of the table of
/// `column` (its `code` column).
async fn check_codes<C>(
    db: &impl ConnectionTrait,
    codes: &[String],
    column: C,
    what: &str,
) -> ApiResult<String>
where
    C: ColumnTrait<EntityName: EntityTrait>,
{
    let field = format!("input.{what}s");
    let mut seen = Vec::new();
    for code in codes {
        let code = code.trim();
        if code.is_empty() || code.contains(char::is_whitespace) {
            return Err(ApiError::invalid(field, format!("`{code}` is not a {what} code")));
        }
        let found = C::EntityName::find().filter(column.eq(code)).one(db).await?;
        if found.is_none() {
            return Err(ApiError::invalid(
                field,
                format!("no {what} has the code `{code}`"),
            ));
        }
        if !seen.iter().any(|s: &String| s == code) {
            seen.push(code.to_owned());
        }
    }
    Ok(seen.join(" "))
}

async fn check_filters(
    db: &impl ConnectionTrait,
    filters: &Filters,
) -> ApiResult<(String, String, String, String)> {
    Ok((
        check_entity_types("input.entityTypes", &filters.entity_types)?,
        check_codes(db, &filters.plans, plan::Column::Code, "plan").await?,
        check_codes(db, &filters.regions, region::Column::Code, "region").await?,
        check_codes(
            db,
            &filters.organisations,
            organisation::Column::Code,
            "organisation",
        )
        .await?,
    ))
}

/// Registers an endpoint for `new.organisation`; returns it and its secret, shown only now. It
/// receives the changes made after it is registered.
pub async fn create_webhook(
    write: &mut WriteTransaction,
    policy: &AddressPolicy,
    new: NewWebhook,
) -> ApiResult<(Webhook, String)> {
    write
        .actor
        .require_owner(Scope::WebhooksManage, new.organisation)?;
    address::check_url("input.url", &new.url, policy).await?;
    let description = validation::optional_text("input.description", new.description.as_deref(), 500)?;
    let (entity_types, plans, regions, organisations) = check_filters(&write.txn, &new.filters).await?;
    let owner = write.load_object::<organisation::Model>(new.organisation).await?;
    if owner.withdrawn_at.is_some() {
        return Err(ApiError::invalid(
            "input.organisation",
            format!("`{}` is withdrawn", owner.code),
        ));
    }
    let endpoint = write
        .create(new_row!(webhook_endpoint::Model {
            id: new_id(),
            organisation_id: new.organisation,
            url: new.url.trim().to_owned(),
            description,
            enabled: true,
            entity_types,
            plan_codes: plans,
            region_codes: regions,
            organisation_codes: organisations,
            deleted_at: None,
        }))
        .await?;
    let shown = add_secret(write, endpoint.id).await?;
    let cursor = write
        .insert(new_row!(webhook_cursor::Model {
            id: endpoint.id,
            // This write's own number: the endpoint receives what is written after it.
            last_sequence: write.sequence,
            failed_attempts: 0,
            next_attempt_at: None,
            failing_since: None,
            disabled_at: None,
            disabled_reason: None,
            lease_owner: None,
            lease_until: None,
        }))
        .await?;
    Ok((
        Webhook {
            endpoint,
            cursor: Some(cursor),
        },
        shown,
    ))
}

async fn add_secret(write: &WriteTransaction, endpoint: Uuid) -> ApiResult<String> {
    let (stored, shown) = signing::generate_secret();
    write
        .insert(new_row!(webhook_secret::Model {
            id: new_id(),
            endpoint_id: endpoint,
            secret: stored,
            expires_at: None,
        }))
        .await?;
    Ok(shown)
}

/// Loads an endpoint that is not deleted, for a change by its owner (or an administrator).
async fn load_for_change(write: &WriteTransaction, id: Uuid) -> ApiResult<webhook_endpoint::Model> {
    let endpoint = write.load_object::<webhook_endpoint::Model>(id).await?;
    if endpoint.deleted_at.is_some() {
        return Err(ApiError::NotFound {
            what: "webhook".to_owned(),
        });
    }
    write
        .actor
        .require_owner(Scope::WebhooksManage, endpoint.organisation_id)
        .map_err(|_| ApiError::Forbidden("this webhook belongs to another organisation".to_owned()))?;
    Ok(endpoint)
}

/// Changes an endpoint based on its `version`.
pub async fn update_webhook(
    write: &mut WriteTransaction,
    policy: &AddressPolicy,
    id: Uuid,
    version: i32,
    patch: WebhookPatch,
) -> ApiResult<Webhook> {
    let stored = load_for_change(write, id).await?;
    let mut edit = Edit::based_on(stored, version)?;
    if let Some(url) = patch.url {
        address::check_url("input.url", &url, policy).await?;
        edit.url = url.trim().to_owned();
    }
    if let Some(description) = patch.description {
        edit.description = validation::optional_text("input.description", description.as_deref(), 500)?;
    }
    let filters = Filters {
        entity_types: patch.entity_types.clone().unwrap_or_default(),
        plans: patch.plans.clone().unwrap_or_default(),
        regions: patch.regions.clone().unwrap_or_default(),
        organisations: patch.organisations.clone().unwrap_or_default(),
    };
    let (types, plans, regions, organisations) = check_filters(&write.txn, &filters).await?;
    if patch.entity_types.is_some() {
        edit.entity_types = types;
    }
    if patch.plans.is_some() {
        edit.plan_codes = plans;
    }
    if patch.regions.is_some() {
        edit.region_codes = regions;
    }
    if patch.organisations.is_some() {
        edit.organisation_codes = organisations;
    }
    if let Some(enabled) = patch.enabled {
        edit.enabled = enabled;
        if enabled {
            // Turning an endpoint on lifts the registry's disabling: delivery resumes with the
            // change that failed, nothing skipped.
            outbox::without_retries(webhook_cursor::Entity::update_many())
                .col_expr(
                    webhook_cursor::Column::DisabledAt,
                    Expr::value(Option::<DateTime<Utc>>::None),
                )
                .col_expr(
                    webhook_cursor::Column::DisabledReason,
                    Expr::value(Option::<String>::None),
                )
                .col_expr(webhook_cursor::Column::UpdatedAt, Expr::value(write.now))
                .filter(webhook_cursor::Column::Id.eq(id))
                .exec(&write.txn)
                .await?;
        }
    }
    let endpoint = write.save(edit, Action::Update).await?;
    let cursor = webhook_cursor::Entity::find_by_id(id).one(&write.txn).await?;
    Ok(Webhook { endpoint, cursor })
}

/// Deletes an endpoint: it receives nothing more and is no longer listed.
pub async fn delete_webhook(write: &mut WriteTransaction, id: Uuid) -> ApiResult<Webhook> {
    let stored = load_for_change(write, id).await?;
    let mut edit = Edit::of(stored);
    edit.enabled = false;
    edit.deleted_at = Some(write.now);
    let endpoint = write.save(edit, Action::Withdraw).await?;
    Ok(Webhook {
        endpoint,
        cursor: None,
    })
}

/// Gives an endpoint a new secret, shown only now. Secrets in use keep signing (a second
/// signature) for `overlap_seconds` (0 to a week), so receivers can switch without losing a
/// delivery. Returns the endpoint, the new secret, and when the old ones stop signing.
pub async fn rotate_webhook_secret(
    write: &mut WriteTransaction,
    id: Uuid,
    overlap_seconds: i64,
) -> ApiResult<(Webhook, String, DateTime<Utc>)> {
    if !(0..=MAX_OVERLAP_SECONDS).contains(&overlap_seconds) {
        return Err(ApiError::invalid(
            "input.overlapSeconds",
            format!("0 to {MAX_OVERLAP_SECONDS} seconds, not {overlap_seconds}"),
        ));
    }
    let stored = load_for_change(write, id).await?;
    let until = write.now + Duration::seconds(overlap_seconds);
    let signing = rows_with(&write.txn, webhook_secret::Column::EndpointId, id, None).await?;
    for secret in signing {
        if secret.expires_at.is_none_or(|expires| expires > until) {
            let mut expiring = secret.clone();
            expiring.expires_at = Some(until);
            write.update_part(&secret, expiring).await?;
        }
    }
    let shown = add_secret(write, id).await?;
    let endpoint = write.save(Edit::of(stored), Action::Update).await?;
    let cursor = webhook_cursor::Entity::find_by_id(id).one(&write.txn).await?;
    Ok((Webhook { endpoint, cursor }, shown, until))
}
