//! Reading plans.

use entity::{
    enums::{PlanLevel, PlanStatus},
    plan,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr};

use super::{
    lookup,
    pagination::{KeyKind, KeyValue, Page, PageRequest, paginate},
};
use crate::error::ApiResult;

/// Narrows a list of plans; every field left empty matches all plans.
#[derive(Debug, Default, Clone)]
pub struct PlanFilter {
    /// Only plans of this level.
    pub level: Option<PlanLevel>,
    /// Only plans with this status.
    pub status: Option<PlanStatus>,
    /// Only plans of the region with this ISO 3166-2 code.
    pub region: Option<String>,
    /// Only plans that localize the plan with this code.
    pub parent_plan: Option<String>,
}

/// A page of plans matching `filter`, ordered by code.
pub async fn list_plans(
    db: &impl ConnectionTrait,
    filter: &PlanFilter,
    page: &PageRequest,
) -> ApiResult<Page<plan::Model>> {
    let mut query = plan::Entity::find();
    if let Some(level) = filter.level {
        query = query.filter(plan::Column::Level.eq(level));
    }
    if let Some(status) = filter.status {
        query = query.filter(plan::Column::Status.eq(status));
    }
    if let Some(code) = &filter.region {
        query = query.filter(lookup::equals_key(
            plan::Column::RegionId,
            lookup::region_id(db, code).await?,
        ));
    }
    if let Some(code) = &filter.parent_plan {
        query = query.filter(lookup::equals_key(
            plan::Column::ParentPlanId,
            lookup::plan_id(db, code).await?,
        ));
    }
    paginate(
        db,
        query,
        &[Expr::col(plan::Column::Code)],
        &[KeyKind::Text],
        |p| vec![KeyValue::from(p.code.as_str())],
        page,
    )
    .await
}

/// The plan with `code`, if there is one.
pub async fn find_plan_by_code(db: &impl ConnectionTrait, code: &str) -> ApiResult<Option<plan::Model>> {
    Ok(plan::Entity::find()
        .filter(plan::Column::Code.eq(code))
        .one(db)
        .await?)
}
