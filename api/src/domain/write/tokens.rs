//! Token records: issuing (the signed token string is made by `crate::auth`, never stored) and
//! revoking. Organisation managers act for their own organisation and never grant scopes wider
//! than their own; administrators and the command line may act for any organisation.

use std::collections::BTreeSet;

use chrono::{Duration, Utc};
use entity::api_token;
use sea_orm::{ActiveModelTrait, IntoActiveModel};
use uuid::Uuid;

use super::existing;
use crate::{
    domain::{
        access::{Actor, Scope, format_scopes},
        audit::{Action, Change, WriteTransaction},
        ids::new_id,
        validation,
    },
    error::{ApiError, ApiResult},
};

/// The longest life a token may have.
pub const MAX_TOKEN_DAYS: i64 = 365;

/// Checks that `actor` may issue a token with `scopes` for `organisation`.
pub fn check_issuer(actor: &Actor, organisation: Uuid, scopes: &BTreeSet<Scope>) -> ApiResult<()> {
    if let Actor::Token { organisation_id, .. } = actor {
        actor.require(Scope::TokensManage)?;
        if *organisation_id != organisation && !actor.has(Scope::Admin) {
            return Err(ApiError::Forbidden(
                "a manager issues tokens for its own organisation only".to_owned(),
            ));
        }
        if let Some(wider) = scopes.iter().find(|scope| !actor.has(**scope)) {
            return Err(ApiError::Forbidden(format!(
                "cannot grant `{wider}`, which this token does not hold"
            )));
        }
    }
    Ok(())
}

/// Records a new token for `organisation`, valid for `days` days.
pub async fn record_token(
    write: &mut WriteTransaction,
    organisation: Uuid,
    scopes: &BTreeSet<Scope>,
    days: i64,
    label: &str,
) -> ApiResult<api_token::Model> {
    check_issuer(&write.actor, organisation, scopes)?;
    if scopes.is_empty() {
        return Err(ApiError::invalid("input.scopes", "give at least one scope"));
    }
    if !(1..=MAX_TOKEN_DAYS).contains(&days) {
        return Err(ApiError::invalid(
            "input.ttlDays",
            format!("a token lives 1 to {MAX_TOKEN_DAYS} days, not {days}"),
        ));
    }
    let target = existing::<entity::organisation::Entity>(&write.txn, organisation, "organisation").await?;
    if target.withdrawn_at.is_some() {
        return Err(ApiError::invalid(
            "input.organisation",
            format!("`{}` is withdrawn", target.code),
        ));
    }
    let mut expires_at = write.now + Duration::days(days);
    // A token never outlives the token that issued it, so revoking or outliving a leaked manager
    // token cannot leave longer-lived tokens behind.
    if let Some(issuer) = write.actor.token() {
        let issuer = existing::<api_token::Entity>(&write.txn, issuer, "token").await?;
        expires_at = expires_at.min(issuer.expires_at);
    }
    let model = api_token::Model {
        id: new_id(),
        organisation_id: organisation,
        scopes: format_scopes(scopes),
        label: validation::text("input.label", label, 200)?,
        created_by: write.actor.audit_name(),
        expires_at,
        revoked_at: None,
        last_used_at: None,
        created_at: write.now,
        updated_at: write.now,
        version: 1,
    };
    let created = model.into_active_model().reset_all().insert(&write.txn).await?;
    write.audit(change(&created, Action::Issue, None)).await?;
    Ok(created)
}

/// Revokes the token `id`; it is refused from its next request on.
pub async fn revoke_token(write: &mut WriteTransaction, id: Uuid) -> ApiResult<api_token::Model> {
    let before = existing::<api_token::Entity>(&write.txn, id, "token").await?;
    if let Actor::Token { organisation_id, .. } = &write.actor {
        write.actor.require(Scope::TokensManage)?;
        if *organisation_id != before.organisation_id && !write.actor.has(Scope::Admin) {
            return Err(ApiError::Forbidden(
                "a manager revokes its own organisation's tokens only".to_owned(),
            ));
        }
    }
    if before.revoked_at.is_some() {
        return Err(ApiError::invalid("input.id", "the token is already revoked"));
    }
    let mut after = before.clone();
    after.revoked_at = Some(write.now);
    after.updated_at = write.now;
    after.version += 1;
    let saved = after.into_active_model().reset_all().update(&write.txn).await?;
    write.audit(change(&saved, Action::Revoke, Some(&before))).await?;
    Ok(saved)
}

/// Whether the stored token `record` is accepted now.
pub fn is_active(record: &api_token::Model) -> bool {
    record.revoked_at.is_none() && record.expires_at > Utc::now()
}

fn change<'a>(
    after: &'a api_token::Model,
    action: Action,
    before: Option<&'a api_token::Model>,
) -> Change<'a, api_token::Model> {
    Change {
        entity_type: "ApiToken",
        entity_id: after.id,
        entity_code: Some(&after.label),
        action,
        version: after.version,
        before,
        after: Some(after),
        public: false,
    }
}
