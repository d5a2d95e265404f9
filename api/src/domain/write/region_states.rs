//! Recording what is known about a region that has no regional plan for a national plan
//! (`recordRegionPlanState`): "no approved plan, per <source>, as of <date>" (NO_PLAN) or a
//! temporarily occupied territory (NOT_APPLICABLE), or clearing the record (back to UNKNOWN).
//! A state about a national plan is a change to that plan: administrators only, one audit event
//! on the plan (UPDATE), and the plan one version on.

use chrono::NaiveDate;
use entity::{
    enums::{PlanLevel, RegionPlanState},
    plan, region_plan_state,
};

use sea_orm::ModelTrait;

use super::prelude::*;

/// A region's state to record against a national plan.
#[derive(Debug, Clone)]
pub struct RegionStateInput {
    /// The national plan's code.
    pub plan: String,
    /// The region's ISO 3166-2 code.
    pub region: String,
    /// The state; `None` clears the record.
    pub state: Option<RegionPlanState>,
    /// The document or statement the state is taken from (required with a state).
    pub source: Option<String>,
    /// The date the source states it for, when it gives one.
    pub as_of: Option<NaiveDate>,
}

/// Records (or, with no state, clears) a region's state and returns the national plan.
pub async fn record_region_plan_state(
    write: &mut WriteTransaction,
    input: RegionStateInput,
) -> ApiResult<plan::Model> {
    let db = &write.txn;
    let before = plan_by_code(db, "input.plan", &input.plan).await?;
    write
        .actor
        .require_plan_editor(PlanLevel::National, before.owner_organisation_id)?;
    if before.withdrawn_at.is_some() {
        return Err(ApiError::invalid("input.plan", "the plan is withdrawn"));
    }
    if before.level != PlanLevel::National {
        return Err(ApiError::invalid(
            "input.plan",
            "a region's state is recorded against a national plan",
        ));
    }
    let region_id = region_by_code(db, "input.region", &input.region).await?;
    let current = region_plan_state::Entity::find()
        .filter(region_plan_state::Column::PlanId.eq(before.id))
        .filter(region_plan_state::Column::RegionId.eq(region_id))
        .one(db)
        .await?;
    match input.state {
        Some(state) => {
            let source = validation::text("input.source", input.source.as_deref().unwrap_or_default(), 2000)?;
            if input
                .as_of
                .is_some_and(|d| d > crate::domain::calendar::kyiv_date(write.now))
            {
                return Err(ApiError::invalid("input.asOf", "the date is in the future"));
            }
            let row = match &current {
                Some(row) => region_plan_state::Model {
                    state,
                    source,
                    as_of: input.as_of,
                    ..row.clone()
                },
                None => new_row!(region_plan_state::Model {
                    id: new_id(),
                    plan_id: before.id,
                    region_id,
                    state,
                    source,
                    as_of: input.as_of,
                }),
            };
            if current
                .as_ref()
                .is_some_and(|c| (c.state, &c.source, c.as_of) == (state, &row.source, row.as_of))
            {
                return Err(ApiError::invalid("input.state", "this state is already recorded"));
            }
            match &current {
                Some(stored) => write.update_part(stored, row).await?,
                None => write.insert(row).await?,
            };
        }
        None => {
            let Some(row) = current else {
                return Err(ApiError::invalid(
                    "input.state",
                    "no state is recorded for this region",
                ));
            };
            row.delete(db).await?;
        }
    }
    write.save(Edit::of(before), Action::Update).await
}
