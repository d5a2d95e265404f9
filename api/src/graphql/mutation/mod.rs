//! The mutations, one object per area, merged into the schema's `Mutation` type. Every mutation
//! needs a bearer token; each runs in one transaction with one audit event, and a refused or failed
//! mutation changes nothing. Mutations are named `verbNoun` and take one `input` object.

mod coverage;
mod iati_import;
mod import;
mod indicators;
mod links;
mod organisations;
mod plan_items;
mod plans;
mod project_links;
mod target_groups;
mod tokens;
mod vocabulary_editions;
mod webhooks;

use async_graphql::{Context, MergedObject, Result};

use crate::{
    error::ApiError,
    graphql::context::{actor, db},
};

pub use import::ImportLimit;

/// The mutation root of the schema. Every mutation needs a bearer token, runs in its own
/// transaction and records its own audit event: a refused or failed mutation changes nothing.
/// Several mutations in one request (one document with several fields) run one after the other
/// and each commits on its own: if a later one is refused, the earlier ones stay committed (and
/// the response carries their results next to the error). A request is not a transaction; to make
/// several changes all or nothing, use one mutation that takes them all.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    plans::PlanMutation,
    plan_items::PlanItemMutation,
    indicators::IndicatorMutation,
    target_groups::TargetGroupMutation,
    organisations::OrganisationMutation,
    project_links::ProjectLinkMutation,
    iati_import::IatiImportMutation,
    links::LinkMutation,
    coverage::CoverageMutation,
    import::ImportMutation,
    tokens::TokenMutation,
    webhooks::WebhookMutation,
    vocabulary_editions::VocabularyEditionMutation,
);

/// Runs `$body` (an expression using `write`) in a write transaction for the request's actor and
/// commits it; evaluates to the body's value.
macro_rules! in_write {
    ($ctx:expr, |$write:ident| $body:expr) => {{
        let actor = $crate::graphql::context::actor($ctx)?;
        let db = $crate::graphql::context::db($ctx)?;
        let mut $write = $crate::domain::audit::WriteTransaction::begin(db, actor).await?;
        let value = $body.await?;
        $write.commit().await?;
        // The webhook worker delivers the change now rather than at its next poll.
        if let Some(hub) = $ctx.data_opt::<$crate::webhooks::Hub>() {
            hub.wake();
        }
        value
    }};
}
pub(crate) use in_write;

/// Declares `$payload`, the result of the mutations that answer one object as it is now (`$field`
/// of type `$object`), made from the row they wrote with `.into()`.
macro_rules! payload {
    (
        $(#[$doc:meta])*
        $payload:ident {
            $(#[$field_doc:meta])*
            $field:ident: $object:ty $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(async_graphql::SimpleObject)]
        pub struct $payload {
            $(#[$field_doc])*
            pub $field: $object,
        }

        impl<M> From<M> for $payload
        where
            $object: From<M>,
        {
            fn from(row: M) -> Self {
                Self {
                    $field: <$object>::from(row),
                }
            }
        }
    };
}
pub(crate) use payload;

/// The organisation `key` names (registry code or identifier), else the acting organisation:
/// whom an issued token or a registered webhook is for (`BAD_USER_INPUT` on `input.organisation`
/// when neither names one).
async fn named_or_own_organisation(ctx: &Context<'_>, key: Option<&str>) -> Result<uuid::Uuid> {
    Ok(match key {
        Some(key) => {
            crate::domain::write::organisation_by_key(db(ctx)?, "input.organisation", key)
                .await?
                .id
        }
        None => actor(ctx)?
            .organisation()
            .ok_or_else(|| ApiError::invalid("input.organisation", "required"))?,
    })
}
