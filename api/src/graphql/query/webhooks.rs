//! `webhooks` and `webhook`: an organisation's endpoints and their delivery logs, for holders of
//! `webhooks:manage` (administrators see every organisation's).

use async_graphql::{Context, ID, Object, Result};

use crate::{
    domain::{entity_type::EntityType, webhooks},
    graphql::{
        context::{actor, db},
        node_id::decode_as,
        types::webhook::Webhook,
    },
};

#[derive(Default)]
pub struct WebhookQuery;

#[Object]
impl WebhookQuery {
    /// The webhooks you may manage, oldest first: your organisation's (needs a token with
    /// `webhooks:manage`); administrators see every organisation's.
    async fn webhooks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this organisation's (registry code or identifier; administrators).")]
        organisation: Option<String>,
    ) -> Result<Vec<Webhook>> {
        let organisation = match organisation {
            Some(key) => Some(
                crate::domain::write::organisation_by_key(db(ctx)?, "organisation", &key)
                    .await?
                    .id,
            ),
            None => None,
        };
        Ok(webhooks::list_webhooks(db(ctx)?, actor(ctx)?, organisation)
            .await?
            .into_iter()
            .map(Webhook)
            .collect())
    }

    /// One webhook by global ID; null when it does not exist or is not yours.
    async fn webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The webhook's global ID.")] id: ID,
    ) -> Result<Option<Webhook>> {
        let id = decode_as("id", &id, EntityType::Webhook)?;
        Ok(webhooks::find_webhook(db(ctx)?, actor(ctx)?, id)
            .await?
            .map(Webhook))
    }
}
