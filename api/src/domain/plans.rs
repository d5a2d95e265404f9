//! Reading plans.

use entity::{
    enums::{PlanLevel, PlanStatus},
    plan,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{
    lookup,
    pagination::{KeyKind, KeyValue, Page, PageRequest, paginate_by},
};
use crate::error::ApiResult;

/// Narrows a list of plans; every field left empty matches all plans.
#[derive(Debug, Default, Clone)]
pub struct PlanFilter {
    /// Only plans of this level.
    pub level: Option<PlanLevel>,
    /// Only plans with this status; `Withdrawn` matches the withdrawn plans, every other status
    /// only plans in force.
    pub status: Option<PlanStatus>,
    /// Without `status`: also withdrawn plans.
    pub include_withdrawn: bool,
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
    match filter.status {
        Some(PlanStatus::Withdrawn) => query = query.filter(plan::Column::WithdrawnAt.is_not_null()),
        Some(status) => {
            query = query
                .filter(plan::Column::Status.eq(status))
                .filter(plan::Column::WithdrawnAt.is_null());
        }
        None if !filter.include_withdrawn => query = query.filter(plan::Column::WithdrawnAt.is_null()),
        None => {}
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
    let code = |p: &plan::Model| KeyValue::from(p.code.as_str());
    paginate_by(db, query, plan::Column::Code, KeyKind::Text, code, page).await
}

/// The status a plan reads as: `Withdrawn` once withdrawn (the stored status keeps where it stood
/// before), else the stored status.
pub fn effective_status(plan: &plan::Model) -> PlanStatus {
    if plan.withdrawn_at.is_some() {
        PlanStatus::Withdrawn
    } else {
        plan.status
    }
}

/// The plan with `code`, if there is one.
pub async fn find_plan_by_code(db: &impl ConnectionTrait, code: &str) -> ApiResult<Option<plan::Model>> {
    lookup::by_code::<plan::Entity>(db, plan::Column::Code, code).await
}
