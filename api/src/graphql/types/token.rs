//! `ApiToken`: the record of an issued token (never the token itself).

use crate::domain::entity_type::EntityType;
use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};
use entity::api_token;

use super::organisation::Organisation;
use crate::graphql::node_id;

/// A token record row.
pub struct ApiToken(pub api_token::Model);

impl From<api_token::Model> for ApiToken {
    fn from(token: api_token::Model) -> Self {
        Self(token)
    }
}

/// The record of an issued API token. The token string is shown once, when issued, and never stored.
#[Object]
impl ApiToken {
    /// Global ID (the token's `jti` inside).
    pub async fn id(&self) -> ID {
        node_id::encode(EntityType::ApiToken, self.0.id)
    }

    /// The organisation it acts for.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        Organisation::of(ctx, self.0.organisation_id).await
    }

    /// Granted scopes.
    async fn scopes(&self) -> Vec<String> {
        self.0
            .scopes
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// What it is for.
    async fn label(&self) -> &str {
        &self.0.label
    }

    /// Who issued it: `cli` or `token:<jti>`.
    async fn created_by(&self) -> &str {
        &self.0.created_by
    }

    /// When it was issued.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it stops being accepted.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.expires_at
    }

    /// When it was revoked; null while valid.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }

    /// When it was last accepted (to the minute).
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at
    }
}
