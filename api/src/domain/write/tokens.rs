//! Token records: issuing (the signed token string is made by `crate::auth`, never stored) and
//! revoking. Organisation managers act for their own organisation and never grant scopes wider
//! than their own; administrators and the command line may act for any organisation.

use std::collections::BTreeSet;

use chrono::{Duration, Utc};
use entity::api_token;

use super::prelude::*;
use crate::domain::access::{Actor, format_scopes};

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
    let target = write
        .load_object::<entity::organisation::Model>(organisation)
        .await?;
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
        let issuer = write.load_object::<api_token::Model>(issuer).await?;
        expires_at = expires_at.min(issuer.expires_at);
    }
    let model = new_row!(api_token::Model {
        id: new_id(),
        organisation_id: organisation,
        scopes: format_scopes(scopes),
        label: validation::text("input.label", label, 200)?,
        created_by: write.actor.audit_name(),
        expires_at,
        revoked_at: None,
        last_used_at: None,
    });
    write.create(model).await
}

/// Revokes the token `id`; it is refused from its next request on.
pub async fn revoke_token(write: &mut WriteTransaction, id: Uuid) -> ApiResult<api_token::Model> {
    let before = write.load_object::<api_token::Model>(id).await?;
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
    let mut after = Edit::of(before);
    after.revoked_at = Some(write.now);
    write.save(after, Action::Revoke).await
}

/// Whether the stored token `record` is accepted now.
pub fn is_active(record: &api_token::Model) -> bool {
    record.revoked_at.is_none() && record.expires_at > Utc::now()
}
