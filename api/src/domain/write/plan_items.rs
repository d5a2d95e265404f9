//! Creating, changing and withdrawing plan items. The number fixes the item's kind and parent;
//! it never changes, and a withdrawn item's number (and so its code) is never used again.

use entity::{enums::PlanItemStatus, plan, plan_item};

use super::prelude::*;
use crate::domain::numbering::ItemNumber;

/// A new plan item.
#[derive(Debug, Clone, Default)]
pub struct NewPlanItem {
    /// Code of the plan.
    pub plan: String,
    /// Number, e.g. `3.1.12`; its parent `3.1` must exist and be active.
    pub number: String,
    /// Titles.
    pub title: Bilingual,
    /// Descriptions.
    pub description: Bilingual,
    /// First year of its time frame.
    pub start_year: Option<i32>,
    /// Last year of its time frame.
    pub end_year: Option<i32>,
}

/// The plan an item belongs to, after checking that the actor may edit it.
pub async fn editable_plan(write: &WriteTransaction, plan_id: Uuid) -> ApiResult<plan::Model> {
    let plan = write.load_object::<plan::Model>(plan_id).await?;
    write
        .actor
        .require_plan_editor(plan.level, plan.owner_organisation_id)?;
    Ok(plan)
}

/// The plan item with canonical code `code` (named by `field`) and its plan, if the actor may
/// edit that plan and the item is not withdrawn: what every write on an item's relations needs.
pub async fn editable_item(
    write: &WriteTransaction,
    field: &str,
    code: &str,
) -> ApiResult<(plan_item::Model, plan::Model)> {
    let item = item_by_code(&write.txn, field, code).await?;
    let plan = editable_plan(write, item.plan_id).await?;
    if item.status == PlanItemStatus::Withdrawn {
        return Err(ApiError::invalid(field, format!("{} is withdrawn", item.code)));
    }
    Ok((item, plan))
}

/// The plan item with key `id`, for a change made on the client's `version`, if the actor may edit
/// its plan.
async fn edit_item(write: &WriteTransaction, id: Uuid, version: i32) -> ApiResult<Edit<plan_item::Model>> {
    let before = write.load_object::<plan_item::Model>(id).await?;
    editable_plan(write, before.plan_id).await?;
    Edit::based_on(before, version)
}

fn check_time_frame(start: Option<i32>, end: Option<i32>) -> ApiResult<()> {
    match (start, end) {
        (Some(start), Some(end)) => validation::period("input.startYear", start, "input.endYear", end),
        (Some(year), None) => validation::period("input.startYear", year, "input.startYear", year),
        (None, Some(year)) => validation::period("input.endYear", year, "input.endYear", year),
        (None, None) => Ok(()),
    }
}

/// Creates a plan item.
pub async fn create_plan_item(
    write: &mut WriteTransaction,
    input: NewPlanItem,
) -> ApiResult<plan_item::Model> {
    let plan = plan_by_code(&write.txn, "input.plan", &input.plan).await?;
    write
        .actor
        .require_plan_editor(plan.level, plan.owner_organisation_id)?;
    let db = &write.txn;
    let number =
        ItemNumber::parse(&input.number).map_err(|message| ApiError::invalid("input.number", message))?;
    let taken = plan_item::Entity::find()
        .filter(plan_item::Column::PlanId.eq(plan.id))
        .filter(plan_item::Column::Number.eq(number.to_string()));
    if exists(db, taken).await? {
        return Err(ApiError::invalid(
            "input.number",
            format!(
                "{number} is already used in {} (a withdrawn item's number is never reused)",
                plan.code
            ),
        ));
    }
    let parent_id = match number.parent() {
        None => None,
        Some(parent_number) => {
            let parent = plan_item::Entity::find()
                .filter(plan_item::Column::PlanId.eq(plan.id))
                .filter(plan_item::Column::Number.eq(parent_number.to_string()))
                .one(db)
                .await?
                .ok_or_else(|| {
                    ApiError::invalid(
                        "input.number",
                        format!("its parent {parent_number} does not exist in {}", plan.code),
                    )
                })?;
            if parent.status == PlanItemStatus::Withdrawn {
                return Err(ApiError::invalid(
                    "input.number",
                    format!("its parent {parent_number} is withdrawn"),
                ));
            }
            Some(parent.id)
        }
    };
    check_time_frame(input.start_year, input.end_year)?;
    let title = input.title.checked("input.title", 2000)?;
    let description = input.description.checked("input.description", 20_000)?;
    let mut model = new_row!(plan_item::Model {
        id: new_id(),
        plan_id: plan.id,
        kind: number.kind(),
        code: number.canonical_code(&plan.code),
        number: number.to_string(),
        sort_key: number.sort_key(),
        parent_id,
        title_uk: title.uk.clone(),
        title_en: title.en.clone(),
        description_uk: description.uk,
        description_en: description.en,
        status: PlanItemStatus::Active,
        withdrawal_reason: None,
        withdrawn_at: None,
        start_year: input.start_year,
        end_year: input.end_year,
        search_text: String::new(),
    });
    title.required("input.titleUk", "title")?;
    model.search_text = search::plan_item_text(&model);
    write.create(model).await
}

/// Changes to a plan item; fields left out keep their values. The number never changes.
#[derive(Debug, Clone, Default)]
pub struct PlanItemChanges {
    /// Titles.
    pub title: BilingualPatch,
    /// Descriptions.
    pub description: BilingualPatch,
    /// First year of the time frame.
    pub start_year: Patch<i32>,
    /// Last year of the time frame.
    pub end_year: Patch<i32>,
}

/// Changes a plan item based on `version`.
pub async fn update_plan_item(
    write: &mut WriteTransaction,
    id: Uuid,
    version: i32,
    changes: PlanItemChanges,
) -> ApiResult<plan_item::Model> {
    let mut after = edit_item(write, id, version).await?;
    if after.status == PlanItemStatus::Withdrawn {
        return Err(ApiError::invalid(
            "input.id",
            "the item is withdrawn; withdrawn items are not changed",
        ));
    }
    let row = &mut *after;
    let title = changes
        .title
        .apply("input.title", 2000, &mut row.title_uk, &mut row.title_en)?;
    changes.description.apply(
        "input.description",
        20_000,
        &mut row.description_uk,
        &mut row.description_en,
    )?;
    if let Some(v) = changes.start_year {
        after.start_year = v;
    }
    if let Some(v) = changes.end_year {
        after.end_year = v;
    }
    check_time_frame(after.start_year, after.end_year)?;
    title.required("input.titleUk", "title")?;
    after.search_text = search::plan_item_text(&after);
    write.save(after, Action::Update).await
}

/// Withdraws a published item with a reason. Its active children must be withdrawn first.
pub async fn withdraw_plan_item(
    write: &mut WriteTransaction,
    id: Uuid,
    version: i32,
    reason: &str,
) -> ApiResult<plan_item::Model> {
    let mut after = edit_item(write, id, version).await?;
    if after.status == PlanItemStatus::Withdrawn {
        return Err(ApiError::invalid("input.id", "the item is already withdrawn"));
    }
    let active_children = plan_item::Entity::find()
        .filter(plan_item::Column::ParentId.eq(id))
        .filter(plan_item::Column::Status.eq(PlanItemStatus::Active))
        .count(&write.txn)
        .await?;
    if active_children > 0 {
        return Err(ApiError::invalid(
            "input.id",
            format!("withdraw its {active_children} active child item(s) first"),
        ));
    }
    after.status = PlanItemStatus::Withdrawn;
    after.withdrawal_reason = Some(validation::text("input.reason", reason, 2000)?);
    after.withdrawn_at = Some(write.now);
    write.save(after, Action::Withdraw).await
}
