//! Authentication: the registry's signing keys (`keys`), the JWTs it issues and accepts
//! (`tokens`), and turning a request's `Authorization` header into the acting organisation
//! (`Authenticator`). Who may do what once authenticated is `crate::domain::access`.

pub mod keys;
pub mod tokens;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};
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

/// Token records kept at most (beyond it the kept records are dropped and read again).
const KEPT_RECORDS: usize = 4096;

/// A token record found valid, with its organisation in force, at a change sequence.
struct Checked {
    sequence: i64,
    record: api_token::Model,
}

/// Checks bearer tokens against the keys and the token records.
#[derive(Clone)]
pub struct Authenticator {
    tokens: Arc<TokenService>,
    db: DatabaseConnection,
    /// Records found valid, by token id. One is reused only at the change sequence it was checked
    /// at: a revocation or a withdrawn organisation is a write, and every write moves the
    /// sequence, so a kept record is exactly as current as one read again.
    checked: Arc<Mutex<HashMap<uuid::Uuid, Checked>>>,
}

impl Authenticator {
    /// An authenticator over `tokens` and the token records in `db`.
    pub fn new(tokens: Arc<TokenService>, db: DatabaseConnection) -> Self {
        Self {
            tokens,
            db,
            checked: Arc::default(),
        }
    }

    /// The token service (to issue tokens and publish keys).
    pub fn tokens(&self) -> &TokenService {
        &self.tokens
    }

    /// The actor behind an `Authorization` header value: `None` when there is no header, an
    /// UNAUTHENTICATED error when the token is malformed, badly signed, for another issuer or
    /// audience, expired, revoked or unknown. With `sequence`, the registry's change sequence as
    /// of a moment after the request arrived, a record already checked at that sequence is not
    /// read again.
    pub async fn authenticate(
        &self,
        header: Option<&str>,
        sequence: Option<i64>,
    ) -> ApiResult<Option<Actor>> {
        let Some(header) = header else { return Ok(None) };
        let token = bearer_token(header).ok_or(ApiError::Unauthenticated)?;
        let claims = self.tokens.verify(token)?;
        let kept = sequence.and_then(|sequence| {
            self.checked_records()
                .get(&claims.jti)
                .filter(|checked| checked.sequence == sequence)
                .map(|checked| checked.record.clone())
        });
        let record = match kept {
            Some(record) => record,
            // Boxed: the query's future is large, and every request awaits this function.
            None => Box::pin(self.read_record(claims.jti, sequence)).await?,
        };
        // Expiry is a matter of time, not of writes: checked on every use.
        if record.organisation_id != claims.org || !is_active(&record) {
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
            if let Some(checked) = self.checked_records().get_mut(&record.id) {
                checked.record.last_used_at = Some(now);
            }
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

    fn checked_records(&self) -> std::sync::MutexGuard<'_, HashMap<uuid::Uuid, Checked>> {
        self.checked.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Reads token `id`'s record and checks that it is in force and its organisation not
    /// withdrawn (a dissolved or reorganised organisation no longer acts); keeps it, when
    /// `sequence` is known, for later requests at the same sequence.
    async fn read_record(&self, id: uuid::Uuid, sequence: Option<i64>) -> ApiResult<api_token::Model> {
        let record = api_token::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        if !is_active(&record) {
            return Err(ApiError::Unauthenticated);
        }
        let organisation = organisation::Entity::find_by_id(record.organisation_id)
            .one(&self.db)
            .await?;
        if organisation.is_none_or(|o| o.withdrawn_at.is_some()) {
            return Err(ApiError::Unauthenticated);
        }
        if let Some(sequence) = sequence {
            let mut checked = self.checked_records();
            if checked.len() >= KEPT_RECORDS {
                checked.clear();
            }
            checked.insert(
                id,
                Checked {
                    sequence,
                    record: record.clone(),
                },
            );
        }
        Ok(record)
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
