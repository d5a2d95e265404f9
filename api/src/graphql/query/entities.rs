//! Apollo Federation 2 entity resolvers: how a router turns another subgraph's reference to a
//! registry object into the object. Plans, plan items and target groups are keyed by `id` and by
//! `code`; indicators by `id` and by `planItem { code } code`; organisations by `id`, `code` and
//! `identifiers` (any one org-id identifier names it); regions by `id` and `code`; project links
//! by `id`. They are not fields of `Query`: the router calls them through `_entities`, and every
//! lookup is batched. A reference to nothing resolves to `null`.

use async_graphql::{Context, ID, InputObject, Object, Result};
use entity::{indicator, organisation, plan, plan_item, project_link, region, target_group};

use crate::{
    domain::entity_type::EntityType,
    error::ApiError,
    graphql::{
        context::loaders,
        loaders::{Group, Loaders, one},
        natural_keys::NaturalKey,
        node_id,
        types::{
            indicator::Indicator, organisation::Organisation, plan::Plan, plan_item::PlanItem,
            project_link::ProjectLink, region::Region, target_group::TargetGroup,
        },
    },
    read_model::table::Readable,
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

/// The row of type `type_name` with global ID `id`, through `loader`.
async fn by_id<E>(
    ctx: &Context<'_>,
    id: &ID,
    type_name: EntityType,
    loader: fn(&Loaders) -> &Group<E>,
) -> Result<Option<E::Model>>
where
    E: Readable,
{
    let key = node_id::decode_as("id", id, type_name)?;
    Ok(one(loader(loaders(ctx)?), key).await?)
}

/// The row named by natural key `key` of `kind`, through `loader`.
async fn by_key<E>(
    ctx: &Context<'_>,
    kind: NaturalKey,
    key: String,
    loader: fn(&Loaders) -> &Group<E>,
) -> Result<Option<E::Model>>
where
    E: Readable,
{
    let loaders = loaders(ctx)?;
    let id = loaders
        .ids_by_natural_key
        .load_one((kind, key))
        .await
        .map_err(ApiError::from)?;
    match id {
        Some(id) => Ok(one(loader(loaders), id).await?),
        None => Ok(None),
    }
}

#[Object]
impl EntityQuery {
    #[graphql(entity)]
    async fn plan_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Plan>> {
        Ok(by_id::<plan::Entity>(ctx, &id, EntityType::Plan, |l| &l.plans)
            .await?
            .map(Plan))
    }

    #[graphql(entity)]
    async fn plan_by_code(&self, ctx: &Context<'_>, code: String) -> Result<Option<Plan>> {
        Ok(
            by_key::<plan::Entity>(ctx, NaturalKey::PlanCode, code, |l| &l.plans)
                .await?
                .map(Plan),
        )
    }

    #[graphql(entity)]
    async fn plan_item_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<PlanItem>> {
        Ok(
            by_id::<plan_item::Entity>(ctx, &id, EntityType::PlanItem, |l| &l.plan_items)
                .await?
                .map(PlanItem),
        )
    }

    #[graphql(entity)]
    async fn plan_item_by_code(&self, ctx: &Context<'_>, code: String) -> Result<Option<PlanItem>> {
        Ok(
            by_key::<plan_item::Entity>(ctx, NaturalKey::PlanItemCode, code, |l| &l.plan_items)
                .await?
                .map(PlanItem),
        )
    }

    #[graphql(entity)]
    async fn indicator_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Indicator>> {
        Ok(
            by_id::<indicator::Entity>(ctx, &id, EntityType::Indicator, |l| &l.indicators)
                .await?
                .map(Indicator),
        )
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
        Ok(
            by_key::<indicator::Entity>(ctx, NaturalKey::IndicatorCode, canonical, |l| &l.indicators)
                .await?
                .map(Indicator),
        )
    }

    #[graphql(entity)]
    async fn target_group_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<TargetGroup>> {
        Ok(
            by_id::<target_group::Entity>(ctx, &id, EntityType::TargetGroup, |l| &l.target_groups)
                .await?
                .map(TargetGroup),
        )
    }

    #[graphql(entity)]
    async fn target_group_by_code(&self, ctx: &Context<'_>, code: String) -> Result<Option<TargetGroup>> {
        Ok(
            by_key::<target_group::Entity>(ctx, NaturalKey::TargetGroupCode, code, |l| &l.target_groups)
                .await?
                .map(TargetGroup),
        )
    }

    #[graphql(entity)]
    async fn organisation_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Organisation>> {
        Ok(
            by_id::<organisation::Entity>(ctx, &id, EntityType::Organisation, |l| &l.organisations)
                .await?
                .map(Organisation),
        )
    }

    #[graphql(entity)]
    async fn organisation_by_code(&self, ctx: &Context<'_>, code: String) -> Result<Option<Organisation>> {
        Ok(
            by_key::<organisation::Entity>(ctx, NaturalKey::OrganisationCode, code, |l| &l.organisations)
                .await?
                .map(Organisation),
        )
    }

    #[graphql(entity)]
    async fn organisation_by_identifiers(
        &self,
        ctx: &Context<'_>,
        identifiers: Vec<String>,
    ) -> Result<Option<Organisation>> {
        for identifier in identifiers {
            let found =
                by_key::<organisation::Entity>(ctx, NaturalKey::OrganisationIdentifier, identifier, |l| {
                    &l.organisations
                })
                .await?;
            if let Some(organisation) = found {
                return Ok(Some(Organisation(organisation)));
            }
        }
        Ok(None)
    }

    #[graphql(entity)]
    async fn region_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Region>> {
        Ok(
            by_id::<region::Entity>(ctx, &id, EntityType::Region, |l| &l.regions)
                .await?
                .map(Region),
        )
    }

    #[graphql(entity)]
    async fn region_by_code(&self, ctx: &Context<'_>, code: String) -> Result<Option<Region>> {
        Ok(
            by_key::<region::Entity>(ctx, NaturalKey::RegionCode, code, |l| &l.regions)
                .await?
                .map(Region),
        )
    }

    #[graphql(entity)]
    async fn project_link_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<ProjectLink>> {
        Ok(
            by_id::<project_link::Entity>(ctx, &id, EntityType::ProjectLink, |l| &l.project_links)
                .await?
                .map(ProjectLink),
        )
    }
}
