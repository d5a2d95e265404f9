//! The Relay `Node` interface and lookups by global ID.

use async_graphql::{ID, Interface};
use uuid::Uuid;

use super::{
    Loaded,
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

/// The object of type `T` with key `id`, through the request's loader.
async fn loaded<T: Loaded>(loaders: &Loaders, id: Uuid) -> ApiResult<Option<T>> {
    Ok(one(T::loader(loaders), id).await?.map(T::from))
}

/// The object with key `id` of `type_name`, or `None` when there is none. An unknown type name
/// means the ID was not made by this registry: a client error naming `field`.
pub async fn load_node(loaders: &Loaders, field: &str, type_name: &str, id: Uuid) -> ApiResult<Option<Node>> {
    Ok(match EntityType::parse(type_name) {
        Some(EntityType::Plan) => loaded::<Plan>(loaders, id).await?.map(Node::Plan),
        Some(EntityType::PlanItem) => loaded::<PlanItem>(loaders, id).await?.map(Node::PlanItem),
        Some(EntityType::Indicator) => loaded::<Indicator>(loaders, id).await?.map(Node::Indicator),
        Some(EntityType::IndicatorValue) => loaded::<IndicatorValue>(loaders, id)
            .await?
            .map(Node::IndicatorValue),
        Some(EntityType::TargetGroup) => loaded::<TargetGroup>(loaders, id).await?.map(Node::TargetGroup),
        Some(EntityType::Organisation) => loaded::<Organisation>(loaders, id).await?.map(Node::Organisation),
        Some(EntityType::Region) => loaded::<Region>(loaders, id).await?.map(Node::Region),
        Some(EntityType::ProjectLink) => loaded::<ProjectLink>(loaders, id).await?.map(Node::ProjectLink),
        Some(EntityType::LegalAct) => loaded::<LegalAct>(loaders, id).await?.map(Node::LegalAct),
        _ => {
            return Err(ApiError::invalid(
                field,
                format!("`{type_name}` is not a type of this registry"),
            ));
        }
    })
}
