//! The `coverage` export: for each national plan, one row per region with its regional plan (or
//! none), the plan's status and approving act, how many national items it implements, and the
//! region's coverage status with its re-alignment deadline (the rule is `domain::alignment`), and its
//! community plans with how many of them, and of the national items, the chain below reaches.

use entity::{enums::PlanLevel, plan};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::{Cell, ExportFilter, RowWriter};
use crate::{domain::coverage::plan_coverage, error::ApiResult};

/// The header row.
pub const COLUMNS: &[&str] = &[
    "plan_code",
    "region_code",
    "region_name",
    "regional_plan_code",
    "regional_plan_title",
    "regional_plan_status",
    "approving_act_number",
    "approving_act_date",
    "approving_act_title",
    "items_implemented",
    "coverage_status",
    "national_change_act_number",
    "national_change_act_date",
    "realignment_due_on",
    "reapproved_on",
    "recorded_state_source",
    "recorded_state_as_of",
    "community_plans",
    "community_plans_implementing",
    "community_items_implemented",
];

/// Writes the rows (a few dozen per national plan, so each plan's rows are read at once).
pub async fn export(db: &DatabaseConnection, filter: &ExportFilter, out: &mut RowWriter) -> ApiResult<()> {
    let lang = filter.lang;
    let mut plans = plan::Entity::find().filter(plan::Column::Level.eq(PlanLevel::National));
    if let Some(code) = &filter.plan {
        plans = plans.filter(plan::Column::Code.eq(code.as_str()));
    }
    if !filter.include_withdrawn {
        plans = plans.filter(plan::Column::WithdrawnAt.is_null());
    }
    for national in plans.order_by_asc(plan::Column::Code).all(db).await? {
        for row in plan_coverage(db, &national).await? {
            if filter
                .region
                .as_ref()
                .is_some_and(|code| *code != row.region.code)
            {
                continue;
            }
            let regional = row.plan.as_ref();
            let act = row.approval.as_ref();
            out.row(vec![
                Cell::from(national.code.as_str()),
                Cell::from(row.region.code.as_str()),
                Cell::from(lang.pick(Some(&row.region.name_uk), Some(&row.region.name_en))),
                Cell::text(regional.map(|p| p.code.clone())),
                Cell::text(regional.map(|p| lang.pick(p.title_uk.as_deref(), p.title_en.as_deref()))),
                Cell::text(regional.map(|p| p.status.as_wire())),
                Cell::text(act.map(|a| a.number.clone())),
                Cell::text(act.map(|a| a.adopted_on.to_string())),
                Cell::text(act.map(|a| lang.pick(a.title_uk.as_deref(), a.title_en.as_deref()))),
                Cell::Int(i64::try_from(row.implemented_items).unwrap_or(i64::MAX)),
                Cell::from(row.alignment.status.as_wire()),
                Cell::text(row.national_change.as_ref().map(|a| a.number.clone())),
                Cell::text(row.national_change.as_ref().map(|a| a.adopted_on.to_string())),
                Cell::text(row.alignment.due_on.map(|d| d.to_string())),
                Cell::text(row.alignment.reapproved_on.map(|d| d.to_string())),
                Cell::text(row.state.as_ref().map(|s| s.source.clone())),
                Cell::text(row.state.as_ref().and_then(|s| s.as_of).map(|d| d.to_string())),
                Cell::Int(i64::try_from(row.community_plans).unwrap_or(i64::MAX)),
                Cell::Int(i64::try_from(row.community_implementing_plans).unwrap_or(i64::MAX)),
                Cell::Int(i64::try_from(row.community_implemented_items).unwrap_or(i64::MAX)),
            ])
            .await?;
        }
    }
    Ok(())
}
