//! Creating, changing and withdrawing plans (national plans by administrators; regional,
//! departmental and local plans by their owners).

use entity::{
    enums::{PlanLevel, PlanStatus},
    plan,
};

use super::{plan_items::editable_plan, prelude::*};

/// A new plan.
#[derive(Debug, Clone)]
pub struct NewPlan {
    /// Stable code, e.g. `UA-46-RAP-2026-2030`.
    pub code: String,
    /// Level.
    pub level: PlanLevel,
    /// Titles.
    pub title: Bilingual,
    /// First year.
    pub start_year: i32,
    /// Last year.
    pub end_year: i32,
    /// Status (DRAFT when left out).
    pub status: Option<PlanStatus>,
    /// Code of the national plan this plan localizes (required for regional plans).
    pub parent_plan: Option<String>,
    /// Code of the plan it replaces.
    pub supersedes: Option<String>,
    /// ISO code of the region (required for regional plans).
    pub region: Option<String>,
    /// Owner's code or identifier (the acting organisation when left out).
    pub owner: Option<String>,
    /// Where the record is taken from.
    pub source_document: Option<String>,
}

/// Creates a plan.
pub async fn create_plan(write: &mut WriteTransaction, input: NewPlan) -> ApiResult<plan::Model> {
    let db = &write.txn;
    let code = validation::code("input.code", &input.code)?;
    validation::period(
        "input.startYear",
        input.start_year,
        "input.endYear",
        input.end_year,
    )?;
    let owner = match &input.owner {
        Some(key) => organisation_by_key(db, "input.owner", key).await?.id,
        None => write
            .actor
            .organisation()
            .ok_or_else(|| ApiError::invalid("input.owner", "required from the command line"))?,
    };
    write.actor.require_plan_editor(input.level, owner)?;
    if exists(db, plan::Entity::find().filter(plan::Column::Code.eq(&code))).await? {
        return Err(ApiError::invalid(
            "input.code",
            format!("a plan `{code}` already exists"),
        ));
    }
    let parent = match &input.parent_plan {
        Some(code) => Some(plan_by_code(db, "input.parentPlan", code).await?),
        None => None,
    };
    if let Some(parent) = &parent
        && parent.level != PlanLevel::National
    {
        return Err(ApiError::invalid(
            "input.parentPlan",
            "a plan localizes a national plan",
        ));
    }
    if input.level == PlanLevel::National && parent.is_some() {
        return Err(ApiError::invalid(
            "input.parentPlan",
            "a national plan localizes no other plan",
        ));
    }
    let region_id = match &input.region {
        Some(code) => Some(region_by_code(db, "input.region", code).await?),
        None => None,
    };
    if input.level == PlanLevel::Regional && (region_id.is_none() || parent.is_none()) {
        let field = if region_id.is_none() {
            "input.region"
        } else {
            "input.parentPlan"
        };
        return Err(ApiError::invalid(
            field,
            "a regional plan needs its region and the national plan it localizes",
        ));
    }
    if input.level == PlanLevel::Regional
        && let Some(owner_region) = entity::organisation::Entity::find_by_id(owner)
            .one(db)
            .await?
            .and_then(|o| o.region_id)
        && region_id != Some(owner_region)
    {
        return Err(ApiError::invalid(
            "input.region",
            "a regional plan is for its owner's own region",
        ));
    }
    let supersedes_id = match &input.supersedes {
        Some(code) => {
            let superseded = plan_by_code(db, "input.supersedes", code).await?;
            // Declaring a plan superseded is a change to that plan: its editors' call.
            write
                .actor
                .require_plan_editor(superseded.level, superseded.owner_organisation_id)?;
            Some(superseded.id)
        }
        None => None,
    };
    let title = input.title.checked("input.title", 1000)?;
    let model = new_row!(plan::Model {
        id: new_id(),
        code,
        level: input.level,
        title_uk: title.uk,
        title_en: title.en,
        start_year: input.start_year,
        end_year: input.end_year,
        status: stored_status(input.status)?.unwrap_or(PlanStatus::Draft),
        parent_plan_id: parent.map(|p| p.id),
        supersedes_id,
        region_id,
        owner_organisation_id: owner,
        source_document: validation::optional_text(
            "input.sourceDocument",
            input.source_document.as_deref(),
            2000,
        )?,
        withdrawn_at: None,
        withdrawal_reason: None,
    });
    write.create(model).await
}

/// Changes to a plan; fields left out keep their values.
#[derive(Debug, Clone, Default)]
pub struct PlanChanges {
    /// Titles.
    pub title: BilingualPatch,
    /// First year.
    pub start_year: Option<i32>,
    /// Last year.
    pub end_year: Option<i32>,
    /// Status.
    pub status: Option<PlanStatus>,
    /// Source document.
    pub source_document: Patch<String>,
}

/// Changes a plan based on `version`.
pub async fn update_plan(
    write: &mut WriteTransaction,
    id: Uuid,
    version: i32,
    changes: PlanChanges,
) -> ApiResult<plan::Model> {
    let mut after = Edit::based_on(editable_plan(write, id).await?, version)?;
    let row = &mut *after;
    changes
        .title
        .apply("input.title", 1000, &mut row.title_uk, &mut row.title_en)?;
    after.start_year = changes.start_year.unwrap_or(after.start_year);
    after.end_year = changes.end_year.unwrap_or(after.end_year);
    validation::period(
        "input.startYear",
        after.start_year,
        "input.endYear",
        after.end_year,
    )?;
    after.status = stored_status(changes.status)?.unwrap_or(after.status);
    if let Some(source) = changes.source_document {
        after.source_document = validation::optional_text("input.sourceDocument", source.as_deref(), 2000)?;
    }
    write.save(after, Action::Update).await
}

/// Withdraws a plan: it stays readable, marked withdrawn with the reason.
pub async fn withdraw_plan(
    write: &mut WriteTransaction,
    id: Uuid,
    version: i32,
    reason: &str,
) -> ApiResult<plan::Model> {
    let mut after = Edit::based_on(editable_plan(write, id).await?, version)?;
    after.withdraw("the plan", reason, write.now)?;
    write.save(after, Action::Withdraw).await
}

/// A status a write may store: `WITHDRAWN` is what a withdrawn plan reads as, reached only
/// through `withdrawPlan` (which records when and why).
fn stored_status(status: Option<PlanStatus>) -> ApiResult<Option<PlanStatus>> {
    if status == Some(PlanStatus::Withdrawn) {
        return Err(ApiError::invalid(
            "input.status",
            "a plan is withdrawn with withdrawPlan, which records the reason",
        ));
    }
    Ok(status)
}
