//! Indicators (by the editors of the item's plan) and their values: baselines and targets by the
//! plan's editors; ACTUAL values also by the organisations responsible for the item.

use entity::{
    enums::{IndicatorDirection, IndicatorValueKind, ResponsibilityRole, Sex},
    indicator, indicator_value, plan_item, responsibility,
};

use super::plan_items::{editable_item, editable_plan};
use super::prelude::*;
use crate::domain::indicators::sort_key;

/// A new indicator.
#[derive(Debug, Clone)]
pub struct NewIndicator {
    /// Canonical code of the measured item.
    pub plan_item: String,
    /// Code within the item, e.g. `I1`.
    pub code: String,
    /// Names.
    pub name: Bilingual,
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
        .filter(indicator::Column::Code.eq(&code));
    if exists(&write.txn, taken).await? {
        return Err(ApiError::invalid(
            "input.code",
            format!("{} already has an indicator `{code}`", item.code),
        ));
    }
    let name = input.name.checked("input.name", 2000)?;
    let mut model = new_row!(indicator::Model {
        id: new_id(),
        plan_item_id: item.id,
        sort_key: sort_key(&item, &code),
        code,
        name_uk: name.uk.clone(),
        name_en: name.en.clone(),
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
    });
    name.required("input.nameUk", "name")?;
    model.search_text = search::indicator_text(&model);
    write.create(model).await
}

/// Changes to an indicator; fields left out keep their values.
#[derive(Debug, Clone, Default)]
pub struct IndicatorChanges {
    /// Names.
    pub name: BilingualPatch,
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
    let indicator = write.load_object::<indicator::Model>(id).await?;
    let item = write
        .load_object::<plan_item::Model>(indicator.plan_item_id)
        .await?;
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
    let mut after = Edit::based_on(before, version)?;
    if after.withdrawn_at.is_some() {
        return Err(ApiError::invalid(
            "input.id",
            "the indicator is withdrawn; withdrawn indicators are not changed",
        ));
    }
    let row = &mut *after;
    let name = changes
        .name
        .apply("input.name", 2000, &mut row.name_uk, &mut row.name_en)?;
    name.required("input.nameUk", "name")?;
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
    write.save(after, Action::Update).await
}

/// Withdraws an indicator with a reason.
pub async fn withdraw_indicator(
    write: &mut WriteTransaction,
    id: Uuid,
    version: i32,
    reason: &str,
) -> ApiResult<indicator::Model> {
    let (before, _) = editable_indicator(write, id).await?;
    let mut after = Edit::based_on(before, version)?;
    after.withdraw("the indicator", reason, write.now)?;
    write.save(after, Action::Withdraw).await
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
                let responsibility = responsibility::Entity::find()
                    .filter(responsibility::Column::PlanItemId.eq(item.id))
                    .filter(responsibility::Column::OrganisationId.eq(organisation))
                    .filter(responsibility::Column::Role.eq(ResponsibilityRole::Responsible));
                exists(&write.txn, responsibility).await?
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

/// The value with key `id`, if the actor may change it.
async fn editable_value(write: &WriteTransaction, id: Uuid) -> ApiResult<indicator_value::Model> {
    let value = write.load_object::<indicator_value::Model>(id).await?;
    let indicator = write.load_object::<indicator::Model>(value.indicator_id).await?;
    let item = write
        .load_object::<plan_item::Model>(indicator.plan_item_id)
        .await?;
    check_value_writer(write, &item, value.kind, Some(value.reported_by_id)).await?;
    Ok(value)
}

/// Records an indicator value.
pub async fn create_indicator_value(
    write: &mut WriteTransaction,
    input: NewIndicatorValue,
) -> ApiResult<indicator_value::Model> {
    let indicator = write.load_object::<indicator::Model>(input.indicator).await?;
    let item = write
        .load_object::<plan_item::Model>(indicator.plan_item_id)
        .await?;
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
    let model = new_row!(indicator_value::Model {
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
    });
    write.create(model).await
}

/// Changes a value's number or source based on `version`.
pub async fn update_indicator_value(
    write: &mut WriteTransaction,
    id: Uuid,
    version: i32,
    value: Option<f64>,
    source: Patch<String>,
) -> ApiResult<indicator_value::Model> {
    let before = editable_value(write, id).await?;
    let mut after = Edit::based_on(before, version)?;
    if let Some(value) = value {
        if !value.is_finite() {
            return Err(ApiError::invalid("input.value", "must be a finite number"));
        }
        after.value = value;
    }
    if let Some(v) = source {
        after.source = validation::optional_text("input.source", v.as_deref(), 2000)?;
    }
    write.save(after, Action::Update).await
}

/// Withdraws a value with a reason.
pub async fn withdraw_indicator_value(
    write: &mut WriteTransaction,
    id: Uuid,
    version: i32,
    reason: &str,
) -> ApiResult<indicator_value::Model> {
    let before = editable_value(write, id).await?;
    let mut after = Edit::based_on(before, version)?;
    after.withdraw("the value", reason, write.now)?;
    write.save(after, Action::Withdraw).await
}
