//! Indicators (by the editors of the item's plan) and their values: baselines and targets by the
//! plan's editors; ACTUAL values also by the organisations responsible for the item.

use entity::{
    enums::{IndicatorDirection, IndicatorValueKind, ResponsibilityRole, Sex},
    indicator, indicator_value, plan_item, responsibility,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use super::{
    Patch, existing,
    plan_items::{editable_item, editable_plan},
    region_by_code, withdrawn,
};
use crate::{
    domain::{
        access::Scope,
        audit::{Action, Change, WriteTransaction, check_version},
        ids::new_id,
        indicators::{canonical_code, sort_key},
        search, validation,
    },
    error::{ApiError, ApiResult},
};

/// A new indicator.
#[derive(Debug, Clone)]
pub struct NewIndicator {
    /// Canonical code of the measured item.
    pub plan_item: String,
    /// Code within the item, e.g. `I1`.
    pub code: String,
    /// Ukrainian name.
    pub name_uk: Option<String>,
    /// English name.
    pub name_en: Option<String>,
    /// Unit.
    pub unit: String,
    /// Direction.
    pub direction: IndicatorDirection,
    /// SDG indicator.
    pub sdg_indicator: Option<String>,
    /// Data source.
    pub data_source: Option<String>,
}

/// Creates an indicator.
pub async fn create_indicator(
    write: &mut WriteTransaction,
    input: NewIndicator,
) -> ApiResult<indicator::Model> {
    let (item, _) = editable_item(write, "input.planItem", &input.plan_item).await?;
    let code = validation::code("input.code", &input.code)?;
    let taken = indicator::Entity::find()
        .filter(indicator::Column::PlanItemId.eq(item.id))
        .filter(indicator::Column::Code.eq(&code))
        .count(&write.txn)
        .await?;
    if taken > 0 {
        return Err(ApiError::invalid(
            "input.code",
            format!("{} already has an indicator `{code}`", item.code),
        ));
    }
    let mut model = indicator::Model {
        id: new_id(),
        plan_item_id: item.id,
        sort_key: sort_key(&item, &code),
        code,
        name_uk: validation::optional_text("input.nameUk", input.name_uk.as_deref(), 2000)?,
        name_en: validation::optional_text("input.nameEn", input.name_en.as_deref(), 2000)?,
        unit: validation::text("input.unit", &input.unit, 100)?,
        direction: input.direction,
        sdg_indicator: input
            .sdg_indicator
            .as_deref()
            .map(|s| validation::sdg_indicator("input.sdgIndicator", s))
            .transpose()?,
        data_source: validation::optional_text("input.dataSource", input.data_source.as_deref(), 2000)?,
        search_text: String::new(),
        withdrawn_at: None,
        withdrawal_reason: None,
        created_at: write.now,
        updated_at: write.now,
        version: 1,
    };
    if model.name_uk.is_none() && model.name_en.is_none() {
        return Err(ApiError::invalid(
            "input.nameUk",
            "give a name in at least one language",
        ));
    }
    model.search_text = search::indicator_text(&model);
    let created = model.into_active_model().reset_all().insert(&write.txn).await?;
    let code = canonical_code(&created.sort_key);
    write
        .audit(indicator_change(&created, &code, Action::Create, None))
        .await?;
    Ok(created)
}

/// Changes to an indicator; fields left out keep their values.
#[derive(Debug, Clone, Default)]
pub struct IndicatorChanges {
    /// Ukrainian name.
    pub name_uk: Patch<String>,
    /// English name.
    pub name_en: Patch<String>,
    /// Unit.
    pub unit: Option<String>,
    /// Direction.
    pub direction: Option<IndicatorDirection>,
    /// SDG indicator.
    pub sdg_indicator: Patch<String>,
    /// Data source.
    pub data_source: Patch<String>,
}

async fn editable_indicator(
    write: &WriteTransaction,
    id: Uuid,
) -> ApiResult<(indicator::Model, plan_item::Model)> {
    let indicator = existing::<indicator::Entity>(&write.txn, id, "indicator").await?;
    let item = existing::<plan_item::Entity>(&write.txn, indicator.plan_item_id, "plan item").await?;
    editable_plan(write, item.plan_id).await?;
    Ok((indicator, item))
}

/// Changes an indicator based on `version`.
pub async fn update_indicator(
    write: &mut WriteTransaction,
    id: Uuid,
    version: i32,
    changes: IndicatorChanges,
) -> ApiResult<indicator::Model> {
    let (before, _) = editable_indicator(write, id).await?;
    check_version(version, before.version, "the indicator")?;
    if before.withdrawn_at.is_some() {
        return Err(ApiError::invalid(
            "input.id",
            "the indicator is withdrawn; withdrawn indicators are not changed",
        ));
    }
    let mut after = before.clone();
    if let Some(v) = changes.name_uk {
        after.name_uk = validation::optional_text("input.nameUk", v.as_deref(), 2000)?;
    }
    if let Some(v) = changes.name_en {
        after.name_en = validation::optional_text("input.nameEn", v.as_deref(), 2000)?;
    }
    if after.name_uk.is_none() && after.name_en.is_none() {
        return Err(ApiError::invalid(
            "input.nameUk",
            "give a name in at least one language",
        ));
    }
    if let Some(unit) = changes.unit {
        after.unit = validation::text("input.unit", &unit, 100)?;
    }
    after.direction = changes.direction.unwrap_or(after.direction);
    if let Some(v) = changes.sdg_indicator {
        after.sdg_indicator = v
            .as_deref()
            .map(|s| validation::sdg_indicator("input.sdgIndicator", s))
            .transpose()?;
    }
    if let Some(v) = changes.data_source {
        after.data_source = validation::optional_text("input.dataSource", v.as_deref(), 2000)?;
    }
    after.search_text = search::indicator_text(&after);
    after.updated_at = write.now;
    after.version += 1;
    let saved = after.into_active_model().reset_all().update(&write.txn).await?;
    let code = canonical_code(&saved.sort_key);
    write
        .audit(indicator_change(&saved, &code, Action::Update, Some(&before)))
        .await?;
    Ok(saved)
}

/// Withdraws an indicator with a reason.
pub async fn withdraw_indicator(
    write: &mut WriteTransaction,
    id: Uuid,
    version: i32,
    reason: &str,
) -> ApiResult<indicator::Model> {
    let (before, _) = editable_indicator(write, id).await?;
    check_version(version, before.version, "the indicator")?;
    let after = withdrawn(&before, "the indicator", reason, write.now)?;
    let saved = after.into_active_model().reset_all().update(&write.txn).await?;
    let code = canonical_code(&saved.sort_key);
    write
        .audit(indicator_change(&saved, &code, Action::Withdraw, Some(&before)))
        .await?;
    Ok(saved)
}

/// The audit record of an indicator change; `code` is its canonical code (`canonical_code`), the
/// one `indicator(code:)` resolves.
fn indicator_change<'a>(
    after: &'a indicator::Model,
    code: &'a Option<String>,
    action: Action,
    before: Option<&'a indicator::Model>,
) -> Change<'a, indicator::Model> {
    Change {
        entity_type: "Indicator",
        entity_id: after.id,
        entity_code: code.as_deref(),
        action,
        version: after.version,
        before,
        after: Some(after),
        public: true,
    }
}

/// A value to record.
#[derive(Debug, Clone)]
pub struct NewIndicatorValue {
    /// The indicator's key.
    pub indicator: Uuid,
    /// Baseline, target or actual.
    pub kind: IndicatorValueKind,
    /// First year.
    pub period_start_year: i32,
    /// Last year.
    pub period_end_year: i32,
    /// The value.
    pub value: f64,
    /// Sex disaggregation.
    pub sex: Sex,
    /// ISO region code; whole country when left out.
    pub region: Option<String>,
    /// Source of the value.
    pub source: Option<String>,
}

/// Refuses unless the actor may record (or, with `reported_by` of an existing value, change) a
/// value of `kind` for an indicator of `item`: plan editors any kind; organisations responsible for
/// the item ACTUAL values with `indicators:report`, and only values they reported themselves.
async fn check_value_writer(
    write: &WriteTransaction,
    item: &plan_item::Model,
    kind: IndicatorValueKind,
    reported_by: Option<Option<Uuid>>,
) -> ApiResult<()> {
    let editor = editable_plan(write, item.plan_id).await;
    if editor.is_ok() {
        return Ok(());
    }
    if kind == IndicatorValueKind::Actual && write.actor.has(Scope::IndicatorsReport) {
        let responsible = match write.actor.organisation() {
            Some(organisation) => {
                responsibility::Entity::find()
                    .filter(responsibility::Column::PlanItemId.eq(item.id))
                    .filter(responsibility::Column::OrganisationId.eq(organisation))
                    .filter(responsibility::Column::Role.eq(ResponsibilityRole::Responsible))
                    .count(&write.txn)
                    .await?
                    > 0
            }
            None => false,
        };
        // A reporter changes only the values it reported itself.
        let own = reported_by.is_none_or(|by| by.is_some() && by == write.actor.organisation());
        if responsible && own {
            return Ok(());
        }
        return Err(ApiError::Forbidden(
            "only the organisation responsible for the item reports its actual values".to_owned(),
        ));
    }
    editor.map(|_| ())
}

/// Records an indicator value.
pub async fn create_indicator_value(
    write: &mut WriteTransaction,
    input: NewIndicatorValue,
) -> ApiResult<indicator_value::Model> {
    let indicator = existing::<indicator::Entity>(&write.txn, input.indicator, "indicator").await?;
    let item = existing::<plan_item::Entity>(&write.txn, indicator.plan_item_id, "plan item").await?;
    check_value_writer(write, &item, input.kind, None).await?;
    if indicator.withdrawn_at.is_some() {
        return Err(ApiError::invalid("input.indicator", "the indicator is withdrawn"));
    }
    validation::period(
        "input.periodStartYear",
        input.period_start_year,
        "input.periodEndYear",
        input.period_end_year,
    )?;
    if !input.value.is_finite() {
        return Err(ApiError::invalid("input.value", "must be a finite number"));
    }
    let region_id = match &input.region {
        Some(code) => Some(region_by_code(&write.txn, "input.region", code).await?),
        None => None,
    };
    let model = indicator_value::Model {
        id: new_id(),
        indicator_id: indicator.id,
        kind: input.kind,
        period_start_year: input.period_start_year,
        period_end_year: input.period_end_year,
        value: input.value,
        sex: input.sex,
        region_id,
        source: validation::optional_text("input.source", input.source.as_deref(), 2000)?,
        reported_by_id: write.actor.organisation(),
        withdrawn_at: None,
        withdrawal_reason: None,
        created_at: write.now,
        updated_at: write.now,
        version: 1,
    };
    let created = model.into_active_model().reset_all().insert(&write.txn).await?;
    write.audit(value_change(&created, Action::Create, None)).await?;
    Ok(created)
}

/// Changes a value's number or source based on `version`.
pub async fn update_indicator_value(
    write: &mut WriteTransaction,
    id: Uuid,
    version: i32,
    value: Option<f64>,
    source: Patch<String>,
) -> ApiResult<indicator_value::Model> {
    let before = existing::<indicator_value::Entity>(&write.txn, id, "indicator value").await?;
    let indicator = existing::<indicator::Entity>(&write.txn, before.indicator_id, "indicator").await?;
    let item = existing::<plan_item::Entity>(&write.txn, indicator.plan_item_id, "plan item").await?;
    check_value_writer(write, &item, before.kind, Some(before.reported_by_id)).await?;
    check_version(version, before.version, "the indicator value")?;
    let mut after = before.clone();
    if let Some(value) = value {
        if !value.is_finite() {
            return Err(ApiError::invalid("input.value", "must be a finite number"));
        }
        after.value = value;
    }
    if let Some(v) = source {
        after.source = validation::optional_text("input.source", v.as_deref(), 2000)?;
    }
    after.updated_at = write.now;
    after.version += 1;
    let saved = after.into_active_model().reset_all().update(&write.txn).await?;
    write
        .audit(value_change(&saved, Action::Update, Some(&before)))
        .await?;
    Ok(saved)
}

/// Withdraws a value with a reason.
pub async fn withdraw_indicator_value(
    write: &mut WriteTransaction,
    id: Uuid,
    version: i32,
    reason: &str,
) -> ApiResult<indicator_value::Model> {
    let before = existing::<indicator_value::Entity>(&write.txn, id, "indicator value").await?;
    let indicator = existing::<indicator::Entity>(&write.txn, before.indicator_id, "indicator").await?;
    let item = existing::<plan_item::Entity>(&write.txn, indicator.plan_item_id, "plan item").await?;
    check_value_writer(write, &item, before.kind, Some(before.reported_by_id)).await?;
    check_version(version, before.version, "the indicator value")?;
    let after = withdrawn(&before, "the value", reason, write.now)?;
    let saved = after.into_active_model().reset_all().update(&write.txn).await?;
    write
        .audit(value_change(&saved, Action::Withdraw, Some(&before)))
        .await?;
    Ok(saved)
}

fn value_change<'a>(
    after: &'a indicator_value::Model,
    action: Action,
    before: Option<&'a indicator_value::Model>,
) -> Change<'a, indicator_value::Model> {
    Change {
        entity_type: "IndicatorValue",
        entity_id: after.id,
        entity_code: None,
        action,
        version: after.version,
        before,
        after: Some(after),
        public: true,
    }
}
