//! `issueToken` and `revokeToken`, for organisation managers and administrators.

use crate::domain::entity_type::EntityType;
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};

use super::{in_write, named_or_own_organisation, payload};
use crate::{
    domain::{access::parse_scopes, write::tokens},
    error::ApiError,
    graphql::{context::token_service, node_id::decode_as, types::token::ApiToken},
};

/// A token to issue. Managers issue tokens for their own organisation, never with scopes they do
/// not hold; administrators for any organisation.
#[derive(InputObject)]
pub struct IssueTokenInput {
    /// Registry code or identifier of the organisation the token acts for; your own when left out.
    pub organisation: Option<String>,
    /// Scopes: `registry:admin`, `plans:write`, `projects:write`, `indicators:report`, `tokens:manage`, `webhooks:manage`.
    pub scopes: Vec<String>,
    /// Lifetime in days, 1 to 365.
    pub ttl_days: i32,
    /// What the token is for.
    pub label: String,
}

/// A token to revoke.
#[derive(InputObject)]
pub struct RevokeTokenInput {
    /// The token's global ID.
    pub id: ID,
}

/// A newly issued token. The token string is shown only here, once; the registry keeps no copy.
#[derive(SimpleObject)]
pub struct IssueTokenPayload {
    /// The bearer token to send as `Authorization: Bearer <token>`.
    pub token: String,
    /// Its record.
    pub api_token: ApiToken,
}

payload! {
    /// The result of revoking a token.
    RevokeTokenPayload {
        /// The token's record, now revoked.
        api_token: ApiToken,
    }
}

#[derive(Default)]
pub struct TokenMutation;

#[Object]
impl TokenMutation {
    /// Issues a token.
    async fn issue_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token to issue.")] input: IssueTokenInput,
    ) -> Result<IssueTokenPayload> {
        let scopes =
            parse_scopes(&input.scopes.join(" ")).map_err(|e| ApiError::invalid("input.scopes", e))?;
        let organisation = named_or_own_organisation(ctx, input.organisation.as_deref()).await?;
        let signer = token_service(ctx)?;
        let (record, token) = in_write!(ctx, |write| async {
            let record = tokens::record_token(
                &mut write,
                organisation,
                &scopes,
                i64::from(input.ttl_days),
                &input.label,
            )
            .await?;
            let token = signer.sign(
                record.id,
                organisation,
                &scopes,
                record.created_at,
                record.expires_at,
            )?;
            Ok::<_, ApiError>((record, token))
        });
        Ok(IssueTokenPayload {
            token,
            api_token: ApiToken(record),
        })
    }

    /// Revokes a token; it is refused from its next request on.
    async fn revoke_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token to revoke.")] input: RevokeTokenInput,
    ) -> Result<RevokeTokenPayload> {
        let id = decode_as("input.id", &input.id, EntityType::ApiToken)?;
        Ok(in_write!(ctx, |write| tokens::revoke_token(&mut write, id)).into())
    }
}
