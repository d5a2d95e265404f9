//! The query entry points.

use async_graphql::{Context, InputObject, Object};
use sea_orm::DatabaseConnection;

use super::types::{
    enums::{PlanLevel, PlanStatus},
    plan::Plan,
};
use crate::domain::plans::{self, PlanFilter as DomainPlanFilter};

/// Narrows `plans`; fields left out match every plan.
#[derive(InputObject, Debug, Default)]
pub struct PlanFilter {
    /// Only plans of this level.
    pub level: Option<PlanLevel>,
    /// Only plans with this status.
    pub status: Option<PlanStatus>,
}

/// The query root of the schema.
#[derive(Default)]
pub struct QueryRoot;

/// Reading the registry. Everything here is public and needs no token.
#[Object(name = "Query")]
impl QueryRoot {
    /// Plans, ordered by code.
    async fn plans(&self, ctx: &Context<'_>, filter: Option<PlanFilter>) -> async_graphql::Result<Vec<Plan>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let filter = filter.unwrap_or_default();
        let filter = DomainPlanFilter {
            level: filter.level.map(Into::into),
            status: filter.status.map(Into::into),
        };
        Ok(plans::list_plans(db, &filter)
            .await?
            .into_iter()
            .map(Plan)
            .collect())
    }

    /// The plan with this code (e.g. `UA-NAP-2021-2025`), or null if there is none.
    async fn plan(&self, ctx: &Context<'_>, code: String) -> async_graphql::Result<Option<Plan>> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(plans::find_plan_by_code(db, &code).await?.map(Plan))
    }
}
