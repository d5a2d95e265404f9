//! Reading plans.

use entity::{
    enums::{PlanLevel, PlanStatus},
    plan,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::error::ApiResult;

/// Narrows a list of plans; every field left empty matches all plans.
#[derive(Debug, Default, Clone)]
pub struct PlanFilter {
    /// Only plans of this level.
    pub level: Option<PlanLevel>,
    /// Only plans with this status.
    pub status: Option<PlanStatus>,
}

/// Plans matching `filter`, ordered by code.
pub async fn list_plans(db: &impl ConnectionTrait, filter: &PlanFilter) -> ApiResult<Vec<plan::Model>> {
    let mut query = plan::Entity::find();
    if let Some(level) = filter.level {
        query = query.filter(plan::Column::Level.eq(level));
    }
    if let Some(status) = filter.status {
        query = query.filter(plan::Column::Status.eq(status));
    }
    Ok(query.order_by_asc(plan::Column::Code).all(db).await?)
}

/// The plan with `code`, if there is one.
pub async fn find_plan_by_code(db: &impl ConnectionTrait, code: &str) -> ApiResult<Option<plan::Model>> {
    Ok(plan::Entity::find()
        .filter(plan::Column::Code.eq(code))
        .one(db)
        .await?)
}
