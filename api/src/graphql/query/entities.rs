//! Apollo Federation 2 entity resolvers: how a router turns another subgraph's reference to a
//! registry object into the object. Plans, plan items and target groups are keyed by `id` and by
//! `code`; indicators by `id` and by `planItem { code } code`; organisations by `id`, `code` and
//! `identifiers` (any one org-id identifier names it); regions by `id` and `code`; project links
//! by `id`. They are not fields of `Query`: the router calls them through `_entities`, and every
//! lookup is batched. A reference to nothing resolves to `null`.

use async_graphql::{Context, ID, InputObject, Object, Result};

use crate::{
    error::ApiError,
    graphql::{
        context::{loaders, related},
        natural_keys::NaturalKey,
        node_id,
        types::{
            Loaded, indicator::Indicator, organisation::Organisation, plan::Plan, plan_item::PlanItem,
            project_link::ProjectLink, region::Region, target_group::TargetGroup,
        },
    },
};

/// The part of an indicator's key that names its plan item (`planItem { code }`): an indicator's
/// own `code` is unique only within its item.
#[derive(InputObject)]
pub struct PlanItemKey {
    /// The plan item's canonical code, e.g. `UA-NAP-2021-2025/3.1.12`.
    pub code: String,
}

/// The entity resolvers, merged into `Query` (where they add `_entities` and `_service`).
#[derive(Default)]
pub struct EntityQuery;

/// The object with global ID `id`.
async fn by_id<T: Loaded>(ctx: &Context<'_>, id: &ID) -> Result<Option<T>> {
    related(ctx, node_id::decode_as("id", id, T::TYPE)?, T::loader, T::from).await
}

/// The object named by natural key `key` of `kind`.
async fn by_key<T: Loaded>(ctx: &Context<'_>, kind: NaturalKey, key: String) -> Result<Option<T>> {
    let loaders = loaders(ctx)?;
    let id = loaders
        .ids_by_natural_key
        .load_one((kind, key))
        .await
        .map_err(ApiError::from)?;
    related(ctx, id, T::loader, T::from).await
}

#[Object]
impl EntityQuery {
    #[graphql(entity)]
    async fn plan_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Plan>> {
        by_id(ctx, &id).await
    }

    #[graphql(entity)]
    async fn plan_by_code(&self, ctx: &Context<'_>, code: String) -> Result<Option<Plan>> {
        by_key(ctx, NaturalKey::PlanCode, code).await
    }

    #[graphql(entity)]
    async fn plan_item_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<PlanItem>> {
        by_id(ctx, &id).await
    }

    #[graphql(entity)]
    async fn plan_item_by_code(&self, ctx: &Context<'_>, code: String) -> Result<Option<PlanItem>> {
        by_key(ctx, NaturalKey::PlanItemCode, code).await
    }

    #[graphql(entity)]
    async fn indicator_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Indicator>> {
        by_id(ctx, &id).await
    }

    #[graphql(entity)]
    async fn indicator_by_item_and_code(
        &self,
        ctx: &Context<'_>,
        plan_item: PlanItemKey,
        code: String,
    ) -> Result<Option<Indicator>> {
        let canonical = format!(
            "{}{}{code}",
            plan_item.code,
            crate::domain::numbering::CODE_SEPARATOR
        );
        by_key(ctx, NaturalKey::IndicatorCode, canonical).await
    }

    #[graphql(entity)]
    async fn target_group_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<TargetGroup>> {
        by_id(ctx, &id).await
    }

    #[graphql(entity)]
    async fn target_group_by_code(&self, ctx: &Context<'_>, code: String) -> Result<Option<TargetGroup>> {
        by_key(ctx, NaturalKey::TargetGroupCode, code).await
    }

    #[graphql(entity)]
    async fn organisation_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Organisation>> {
        by_id(ctx, &id).await
    }

    #[graphql(entity)]
    async fn organisation_by_code(&self, ctx: &Context<'_>, code: String) -> Result<Option<Organisation>> {
        by_key(ctx, NaturalKey::OrganisationCode, code).await
    }

    #[graphql(entity)]
    async fn organisation_by_identifiers(
        &self,
        ctx: &Context<'_>,
        identifiers: Vec<String>,
    ) -> Result<Option<Organisation>> {
        for identifier in identifiers {
            let found = by_key(ctx, NaturalKey::OrganisationIdentifier, identifier).await?;
            if found.is_some() {
                return Ok(found);
            }
        }
        Ok(None)
    }

    #[graphql(entity)]
    async fn region_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Region>> {
        by_id(ctx, &id).await
    }

    #[graphql(entity)]
    async fn region_by_code(&self, ctx: &Context<'_>, code: String) -> Result<Option<Region>> {
        by_key(ctx, NaturalKey::RegionCode, code).await
    }

    #[graphql(entity)]
    async fn project_link_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<ProjectLink>> {
        by_id(ctx, &id).await
    }
}
