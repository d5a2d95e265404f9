//! Apollo Federation 2 entity resolvers: how a router turns another subgraph's reference to a
//! registry object into the object. Plans, plan items and target groups are keyed by `id` and by
//! `code`; indicators by `id` and by `planItem { code } code`; organisations by `id`, `code` and
//! `identifiers` (any one org-id identifier names it); regions by `id` and `code`; project links
//! by `id`. They are not fields of `Query`: the router calls them through `_entities`, and every
//! lookup is batched. A reference to nothing resolves to `null`.

use async_graphql::{Context, ID, InputObject, Object, Result};

use crate::{
    domain::entity_type::EntityType,
    error::ApiError,
    graphql::{
        context::{loaders, related},
        loaders::{Group, Loaders},
        natural_keys::NaturalKey,
        node_id,
        types::{
            indicator::Indicator, organisation::Organisation, plan::Plan, plan_item::PlanItem,
            project_link::ProjectLink, region::Region, target_group::TargetGroup,
        },
    },
    read_model::table::{Readable, Row},
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

/// The row of type `type_name` with global ID `id`, through `loader`, as `wrap` makes it.
async fn by_id<E, T>(
    ctx: &Context<'_>,
    id: &ID,
    type_name: EntityType,
    loader: fn(&Loaders) -> &Group<E>,
    wrap: fn(Row<E>) -> T,
) -> Result<Option<T>>
where
    E: Readable,
{
    related(ctx, node_id::decode_as("id", id, type_name)?, loader, wrap).await
}

/// The row named by natural key `key` of `kind`, through `loader`, as `wrap` makes it.
async fn by_key<E, T>(
    ctx: &Context<'_>,
    kind: NaturalKey,
    key: String,
    loader: fn(&Loaders) -> &Group<E>,
    wrap: fn(Row<E>) -> T,
) -> Result<Option<T>>
where
    E: Readable,
{
    let loaders = loaders(ctx)?;
    let id = loaders
        .ids_by_natural_key
        .load_one((kind, key))
        .await
        .map_err(ApiError::from)?;
    related(ctx, id, loader, wrap).await
}

#[Object]
impl EntityQuery {
    #[graphql(entity)]
    async fn plan_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Plan>> {
        by_id(ctx, &id, EntityType::Plan, |l| &l.plans, Plan).await
    }

    #[graphql(entity)]
    async fn plan_by_code(&self, ctx: &Context<'_>, code: String) -> Result<Option<Plan>> {
        by_key(ctx, NaturalKey::PlanCode, code, |l| &l.plans, Plan).await
    }

    #[graphql(entity)]
    async fn plan_item_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<PlanItem>> {
        by_id(ctx, &id, EntityType::PlanItem, |l| &l.plan_items, PlanItem).await
    }

    #[graphql(entity)]
    async fn plan_item_by_code(&self, ctx: &Context<'_>, code: String) -> Result<Option<PlanItem>> {
        by_key(ctx, NaturalKey::PlanItemCode, code, |l| &l.plan_items, PlanItem).await
    }

    #[graphql(entity)]
    async fn indicator_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Indicator>> {
        by_id(ctx, &id, EntityType::Indicator, |l| &l.indicators, Indicator).await
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
        by_key(
            ctx,
            NaturalKey::IndicatorCode,
            canonical,
            |l| &l.indicators,
            Indicator,
        )
        .await
    }

    #[graphql(entity)]
    async fn target_group_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<TargetGroup>> {
        by_id(
            ctx,
            &id,
            EntityType::TargetGroup,
            |l| &l.target_groups,
            TargetGroup,
        )
        .await
    }

    #[graphql(entity)]
    async fn target_group_by_code(&self, ctx: &Context<'_>, code: String) -> Result<Option<TargetGroup>> {
        by_key(
            ctx,
            NaturalKey::TargetGroupCode,
            code,
            |l| &l.target_groups,
            TargetGroup,
        )
        .await
    }

    #[graphql(entity)]
    async fn organisation_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Organisation>> {
        by_id(
            ctx,
            &id,
            EntityType::Organisation,
            |l| &l.organisations,
            Organisation,
        )
        .await
    }

    #[graphql(entity)]
    async fn organisation_by_code(&self, ctx: &Context<'_>, code: String) -> Result<Option<Organisation>> {
        by_key(
            ctx,
            NaturalKey::OrganisationCode,
            code,
            |l| &l.organisations,
            Organisation,
        )
        .await
    }

    #[graphql(entity)]
    async fn organisation_by_identifiers(
        &self,
        ctx: &Context<'_>,
        identifiers: Vec<String>,
    ) -> Result<Option<Organisation>> {
        for identifier in identifiers {
            let found = by_key(
                ctx,
                NaturalKey::OrganisationIdentifier,
                identifier,
                |l| &l.organisations,
                Organisation,
            )
            .await?;
            if found.is_some() {
                return Ok(found);
            }
        }
        Ok(None)
    }

    #[graphql(entity)]
    async fn region_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Region>> {
        by_id(ctx, &id, EntityType::Region, |l| &l.regions, Region).await
    }

    #[graphql(entity)]
    async fn region_by_code(&self, ctx: &Context<'_>, code: String) -> Result<Option<Region>> {
        by_key(ctx, NaturalKey::RegionCode, code, |l| &l.regions, Region).await
    }

    #[graphql(entity)]
    async fn project_link_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<ProjectLink>> {
        by_id(
            ctx,
            &id,
            EntityType::ProjectLink,
            |l| &l.project_links,
            ProjectLink,
        )
        .await
    }
}
