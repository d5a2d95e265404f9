//! `createWebhook`, `updateWebhook`, `deleteWebhook` and `rotateWebhookSecret`, for holders of
//! `webhooks:manage` (their own organisation's endpoints) and administrators.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use super::{in_write, named_or_own_organisation, payload};
use crate::{
    domain::{
        entity_type::EntityType,
        webhooks::{self, Filters, NewWebhook, WebhookPatch},
    },
    graphql::{context::patch, node_id::decode_as, types::webhook::Webhook},
    webhooks::Hub,
};

/// An endpoint to register. It receives the public changes made from now on that pass every
/// filter given (a filter left out or empty lets everything through).
#[derive(InputObject)]
pub struct CreateWebhookInput {
    /// Where to post: an `https://` (or `http://`) URL on a public address, without credentials.
    pub url: String,
    /// What it is for.
    pub description: Option<String>,
    /// Registry code or identifier of the owning organisation; yours when left out
    /// (administrators may name any).
    pub organisation: Option<String>,
    /// Only changes of these object types, e.g. `PlanItem`.
    #[graphql(default)]
    pub entity_types: Vec<String>,
    /// Only changes of these plans (codes) and their items and indicators.
    #[graphql(default)]
    pub plans: Vec<String>,
    /// Only changes of these regions (ISO 3166-2 codes) and of their plans.
    #[graphql(default)]
    pub regions: Vec<String>,
    /// Only changes of these organisations (registry codes) and of the plans and project links
    /// they own.
    #[graphql(default)]
    pub organisations: Vec<String>,
}

/// A change to a webhook; fields left out stay as they are.
#[derive(InputObject)]
pub struct UpdateWebhookInput {
    /// The webhook's global ID.
    pub id: ID,
    /// The version you read (CONFLICT when it has changed since).
    pub version: i32,
    /// A new URL.
    pub url: Option<String>,
    /// A new description; null clears it.
    pub description: MaybeUndefined<String>,
    /// `false` pauses deliveries; `true` resumes them, also after the registry disabled the
    /// endpoint (delivery resumes with the change that failed).
    pub enabled: Option<bool>,
    /// New object types (empty for all).
    pub entity_types: Option<Vec<String>>,
    /// New plan codes (empty for all).
    pub plans: Option<Vec<String>>,
    /// New region codes (empty for all).
    pub regions: Option<Vec<String>>,
    /// New organisation codes (empty for all).
    pub organisations: Option<Vec<String>>,
}

/// A webhook to delete.
#[derive(InputObject)]
pub struct DeleteWebhookInput {
    /// The webhook's global ID.
    pub id: ID,
}

/// A webhook whose secret to replace.
#[derive(InputObject)]
pub struct RotateWebhookSecretInput {
    /// The webhook's global ID.
    pub id: ID,
    /// How long the secrets in use keep signing beside the new one, in seconds (0 to 604800;
    /// default 86400, a day). Deliveries carry one signature per signing secret.
    #[graphql(default = 86400)]
    pub overlap_seconds: i32,
}

/// A registered webhook and its secret.
#[derive(SimpleObject)]
pub struct CreateWebhookPayload {
    /// The webhook.
    pub webhook: Webhook,
    /// The signing secret (`whsec_<base64>`), shown only here, once: verify deliveries with it.
    pub secret: String,
}

payload! {
    /// A changed webhook.
    UpdateWebhookPayload {
        /// The webhook.
        webhook: Webhook,
    }
}

payload! {
    /// A deleted webhook.
    DeleteWebhookPayload {
        /// The webhook, now deleted.
        webhook: Webhook,
    }
}

/// A webhook with a new secret.
#[derive(SimpleObject)]
pub struct RotateWebhookSecretPayload {
    /// The webhook.
    pub webhook: Webhook,
    /// The new signing secret (`whsec_<base64>`), shown only here, once.
    pub secret: String,
    /// When the previous secrets stop signing.
    pub previous_secrets_expire_at: DateTime<Utc>,
}

#[derive(Default)]
pub struct WebhookMutation;

#[Object]
impl WebhookMutation {
    /// Registers a webhook; its secret is in the answer, once.
    async fn create_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The webhook to register.")] input: CreateWebhookInput,
    ) -> Result<CreateWebhookPayload> {
        let organisation = named_or_own_organisation(ctx, input.organisation.as_deref()).await?;
        let hub = ctx.data::<Hub>()?;
        let new = NewWebhook {
            organisation,
            url: input.url,
            description: input.description,
            filters: Filters {
                entity_types: input.entity_types,
                plans: input.plans,
                regions: input.regions,
                organisations: input.organisations,
            },
        };
        let (webhook, secret) = in_write!(ctx, |write| webhooks::create_webhook(
            &mut write,
            hub.policy(),
            new
        ));
        Ok(CreateWebhookPayload {
            webhook: Webhook(webhook),
            secret,
        })
    }

    /// Changes a webhook's address, description, filters, or whether it is on.
    async fn update_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The change.")] input: UpdateWebhookInput,
    ) -> Result<UpdateWebhookPayload> {
        let id = decode_as("input.id", &input.id, EntityType::Webhook)?;
        let hub = ctx.data::<Hub>()?;
        let change = WebhookPatch {
            url: input.url,
            description: patch(input.description),
            enabled: input.enabled,
            entity_types: input.entity_types,
            plans: input.plans,
            regions: input.regions,
            organisations: input.organisations,
        };
        Ok(in_write!(ctx, |write| webhooks::update_webhook(
            &mut write,
            hub.policy(),
            id,
            input.version,
            change
        ))
        .into())
    }

    /// Deletes a webhook: nothing more is delivered to it.
    async fn delete_webhook(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The webhook to delete.")] input: DeleteWebhookInput,
    ) -> Result<DeleteWebhookPayload> {
        let id = decode_as("input.id", &input.id, EntityType::Webhook)?;
        Ok(in_write!(ctx, |write| webhooks::delete_webhook(&mut write, id)).into())
    }

    /// Gives a webhook a new secret, shown once; the old one keeps signing for the overlap.
    async fn rotate_webhook_secret(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The webhook and the overlap.")] input: RotateWebhookSecretInput,
    ) -> Result<RotateWebhookSecretPayload> {
        let id = decode_as("input.id", &input.id, EntityType::Webhook)?;
        let overlap = i64::from(input.overlap_seconds);
        let (webhook, secret, until) = in_write!(ctx, |write| webhooks::rotate_webhook_secret(
            &mut write, id, overlap
        ));
        Ok(RotateWebhookSecretPayload {
            webhook: Webhook(webhook),
            secret,
            previous_secrets_expire_at: until,
        })
    }
}
