//! The Relay `Node` interface and lookups by global ID.

use async_graphql::{ID, Interface};
use uuid::Uuid;

use super::{
    indicator::{Indicator, IndicatorValue},
    organisation::Organisation,
    plan::LegalAct,
    plan::Plan,
    plan_item::PlanItem,
    project_link::ProjectLink,
    region::Region,
    target_group::TargetGroup,
};
use crate::{
    domain::entity_type::EntityType,
    error::{ApiError, ApiResult},
    graphql::loaders::{Loaders, one},
};

/// An object with a global ID, fetchable with `node(id:)`.
#[derive(Interface)]
#[graphql(field(
    name = "id",
    ty = "ID",
    desc = "Global ID, stable across restarts and re-seeding."
))]
pub enum Node {
    /// A plan.
    Plan(Plan),
    /// A plan item.
    PlanItem(PlanItem),
    /// An indicator.
    Indicator(Indicator),
    /// A value of an indicator.
    IndicatorValue(IndicatorValue),
    /// A target group.
    TargetGroup(TargetGroup),
    /// An organisation.
    Organisation(Organisation),
    /// A region.
    Region(Region),
    /// A project link.
    ProjectLink(ProjectLink),
    /// A legal act.
    LegalAct(LegalAct),
}

/// The object with key `id` of `type_name`, or `None` when there is none. An unknown type name
/// means the ID was not made by this registry: a client error naming `field`.
pub async fn load_node(loaders: &Loaders, field: &str, type_name: &str, id: Uuid) -> ApiResult<Option<Node>> {
    Ok(match EntityType::parse(type_name) {
        Some(EntityType::Plan) => one(&loaders.plans, id).await?.map(|m| Node::Plan(Plan(m))),
        Some(EntityType::PlanItem) => one(&loaders.plan_items, id)
            .await?
            .map(|m| Node::PlanItem(PlanItem(m))),
        Some(EntityType::Indicator) => one(&loaders.indicators, id)
            .await?
            .map(|m| Node::Indicator(Indicator(m))),
        Some(EntityType::IndicatorValue) => one(&loaders.indicator_values, id)
            .await?
            .map(|m| Node::IndicatorValue(IndicatorValue(m))),
        Some(EntityType::TargetGroup) => one(&loaders.target_groups, id)
            .await?
            .map(|m| Node::TargetGroup(TargetGroup(m))),
        Some(EntityType::Organisation) => one(&loaders.organisations, id)
            .await?
            .map(|m| Node::Organisation(Organisation(m))),
        Some(EntityType::Region) => one(&loaders.regions, id).await?.map(|m| Node::Region(Region(m))),
        Some(EntityType::ProjectLink) => one(&loaders.project_links, id)
            .await?
            .map(|m| Node::ProjectLink(ProjectLink(m))),
        Some(EntityType::LegalAct) => one(&loaders.legal_acts, id)
            .await?
            .map(|m| Node::LegalAct(LegalAct(m))),
        _ => {
            return Err(ApiError::invalid(
                field,
                format!("`{type_name}` is not a type of this registry"),
            ));
        }
    })
}
