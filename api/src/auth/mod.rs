//! Authentication: the registry's signing keys (`keys`), the JWTs it issues and accepts
//! (`tokens`), and turning a request's `Authorization` header into the acting organisation
//! (`Authenticator`). Who may do what once authenticated is `crate::domain::access`.

pub mod keys;
pub mod tokens;

use std::sync::Arc;
use tracing::Instrument;

use chrono::{Duration, Utc};
use entity::{api_token, organisation};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, sea_query::Expr};

use crate::{
    domain::{
        access::{Actor, parse_scopes},
        write::tokens::is_active,
    },
    error::{ApiError, ApiResult},
};

pub use keys::KeyRing;
pub use tokens::TokenService;

/// The token of an `Authorization: Bearer <token>` value; the scheme is case-insensitive
/// (RFC 9110 section 11.1).
pub fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once([' ', '\t'])?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// How often `last_used_at` is written for a token in steady use.
const LAST_USED_RESOLUTION: Duration = Duration::seconds(60);

/// Checks bearer tokens against the keys and the token records.
#[derive(Clone)]
pub struct Authenticator {
    tokens: Arc<TokenService>,
    db: DatabaseConnection,
}

impl Authenticator {
    /// An authenticator over `tokens` and the token records in `db`.
    pub fn new(tokens: Arc<TokenService>, db: DatabaseConnection) -> Self {
        Self { tokens, db }
    }

    /// The token service (to issue tokens and publish keys).
    pub fn tokens(&self) -> &TokenService {
        &self.tokens
    }

    /// The actor behind an `Authorization` header value: `None` when there is no header, an
    /// UNAUTHENTICATED error when the token is malformed, badly signed, for another issuer or
    /// audience, expired, revoked or unknown.
    pub async fn authenticate(&self, header: Option<&str>) -> ApiResult<Option<Actor>> {
        let Some(header) = header else { return Ok(None) };
        let token = bearer_token(header).ok_or(ApiError::Unauthenticated)?;
        let claims = self.tokens.verify(token)?;
        let record = api_token::Entity::find_by_id(claims.jti)
            .one(&self.db)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        if record.organisation_id != claims.org || !is_active(&record) {
            return Err(ApiError::Unauthenticated);
        }
        // A withdrawn organisation (dissolved or reorganised) no longer acts.
        let organisation = organisation::Entity::find_by_id(record.organisation_id)
            .one(&self.db)
            .await?;
        if organisation.is_none_or(|o| o.withdrawn_at.is_some()) {
            return Err(ApiError::Unauthenticated);
        }
        let scopes = parse_scopes(&record.scopes).map_err(ApiError::Internal)?;
        let now = Utc::now();
        if record
            .last_used_at
            .is_none_or(|last| now - last > LAST_USED_RESOLUTION)
        {
            // Only this column, and only while not revoked: a revocation committed meanwhile must
            // never be overwritten. Bookkeeping only, done beside the request: it must neither
            // refuse a valid token nor make the request wait for a lock.
            let update = api_token::Entity::update_many()
                .col_expr(api_token::Column::LastUsedAt, Expr::val(now))
                .filter(api_token::Column::Id.eq(record.id))
                .filter(api_token::Column::RevokedAt.is_null());
            let db = self.db.clone();
            tokio::spawn(
                async move {
                    if let Err(error) = update.exec(&db).await {
                        tracing::warn!(%error, "could not record token use");
                    }
                }
                // Its log lines carry the request's id.
                .instrument(tracing::Span::current()),
            );
        }
        Ok(Some(Actor::Token {
            organisation_id: record.organisation_id,
            token_id: record.id,
            scopes,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::bearer_token;

    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        for header in ["Bearer abc", "bearer abc", "BEARER abc", "BeArEr   abc "] {
            assert_eq!(bearer_token(header), Some("abc"), "{header}");
        }
        for header in ["Basic abc", "Bearer", "Bearer  ", "Bearerabc", "abc"] {
            assert_eq!(bearer_token(header), None, "{header}");
        }
    }
}
