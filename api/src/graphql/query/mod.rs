//! The query entry points, one object per area, merged into the schema's `Query` type. Everything
//! here is public and needs no token, but `webhooks` and `webhook` (an organisation's own).

mod audit;
mod entities;
mod indicators;
mod node;
mod organisations;
mod plan_items;
mod plans;
mod project_links;
mod target_groups;
mod webhooks;

use async_graphql::MergedObject;

/// The query root of the schema.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    node::NodeQuery,
    plans::PlanQuery,
    plan_items::PlanItemQuery,
    indicators::IndicatorQuery,
    target_groups::TargetGroupQuery,
    organisations::OrganisationQuery,
    project_links::ProjectLinkQuery,
    audit::AuditQuery,
    entities::EntityQuery,
    webhooks::WebhookQuery,
);
