//! Indicators and their values.

use crate::domain::entity_type::EntityType;
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};

use super::{in_write, payload};
use crate::domain::bilingual::Bilingual;
use crate::domain::write::indicators::{self, IndicatorChanges, NewIndicator, NewIndicatorValue};
use crate::graphql::{
    context::{patch, patch_texts},
    node_id::decode_as,
    types::{
        enums::{IndicatorDirection, IndicatorValueKind, Sex},
        indicator::{Indicator, IndicatorValue},
    },
};

/// A new indicator of an item of a plan you may edit.
#[derive(InputObject)]
pub struct CreateIndicatorInput {
    /// Canonical code of the measured item.
    pub plan_item: String,
    /// Code within the item, e.g. `I1`.
    pub code: String,
    /// Ukrainian name (a name in at least one language is required).
    pub name_uk: Option<String>,
    /// English name.
    pub name_en: Option<String>,
    /// Unit of measure, e.g. `percent`.
    pub unit: String,
    /// Which way the indicator should move.
    pub direction: IndicatorDirection,
    /// Related SDG indicator, e.g. `5.5.1`.
    pub sdg_indicator: Option<String>,
    /// Where the values come from.
    pub data_source: Option<String>,
}

/// Changes to an indicator, based on the version last read.
#[derive(InputObject)]
pub struct UpdateIndicatorInput {
    /// The indicator's global ID.
    pub id: ID,
    /// The `version` you last read.
    pub version: i32,
    /// Ukrainian name.
    pub name_uk: MaybeUndefined<String>,
    /// English name.
    pub name_en: MaybeUndefined<String>,
    /// Unit of measure.
    pub unit: Option<String>,
    /// Direction.
    pub direction: Option<IndicatorDirection>,
    /// Related SDG indicator.
    pub sdg_indicator: MaybeUndefined<String>,
    /// Where the values come from.
    pub data_source: MaybeUndefined<String>,
}

/// Withdraws an object, based on the version last read.
#[derive(InputObject)]
pub struct WithdrawInput {
    /// The object's global ID.
    pub id: ID,
    /// The `version` you last read.
    pub version: i32,
    /// Why it is withdrawn.
    pub reason: String,
}

/// A new indicator value. Baselines and targets are recorded by the plan's editors; ACTUAL
/// values also by the organisation responsible for the item (with `indicators:report`).
#[derive(InputObject)]
pub struct CreateIndicatorValueInput {
    /// The indicator's global ID.
    pub indicator: ID,
    /// Baseline, target or actual.
    pub kind: IndicatorValueKind,
    /// First year of the period.
    pub period_start_year: i32,
    /// Last year of the period (the same as the first for one year).
    pub period_end_year: i32,
    /// The value in the indicator's unit.
    pub value: f64,
    /// F, M or T (total).
    pub sex: Sex,
    /// ISO 3166-2 code of the region; the whole country when left out.
    pub region: Option<String>,
    /// Where the value comes from.
    pub source: Option<String>,
}

/// Changes to an indicator value, based on the version last read.
#[derive(InputObject)]
pub struct UpdateIndicatorValueInput {
    /// The value's global ID.
    pub id: ID,
    /// The `version` you last read.
    pub version: i32,
    /// The new value.
    pub value: Option<f64>,
    /// Where the value comes from.
    pub source: MaybeUndefined<String>,
}

payload! {
    /// The result of an indicator mutation.
    IndicatorPayload {
        /// The indicator as it is now.
        indicator: Indicator,
    }
}

payload! {
    /// The result of an indicator value mutation.
    IndicatorValuePayload {
        /// The value as it is now.
        indicator_value: IndicatorValue,
    }
}

#[derive(Default)]
pub struct IndicatorMutation;

#[Object]
impl IndicatorMutation {
    /// Creates an indicator.
    async fn create_indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new indicator.")] input: CreateIndicatorInput,
    ) -> Result<IndicatorPayload> {
        let new = NewIndicator {
            plan_item: input.plan_item,
            code: input.code,
            name: Bilingual::new(input.name_uk, input.name_en),
            unit: input.unit,
            direction: input.direction.into(),
            sdg_indicator: input.sdg_indicator,
            data_source: input.data_source,
        };
        Ok(in_write!(ctx, |write| indicators::create_indicator(&mut write, new)).into())
    }

    /// Changes an indicator.
    async fn update_indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: UpdateIndicatorInput,
    ) -> Result<IndicatorPayload> {
        let id = decode_as("input.id", &input.id, EntityType::Indicator)?;
        let changes = IndicatorChanges {
            name: patch_texts(input.name_uk, input.name_en),
            unit: input.unit,
            direction: input.direction.map(Into::into),
            sdg_indicator: patch(input.sdg_indicator),
            data_source: patch(input.data_source),
        };
        Ok(in_write!(ctx, |write| indicators::update_indicator(
            &mut write,
            id,
            input.version,
            changes
        ))
        .into())
    }

    /// Withdraws an indicator with a reason.
    async fn withdraw_indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which indicator and why.")] input: WithdrawInput,
    ) -> Result<IndicatorPayload> {
        let id = decode_as("input.id", &input.id, EntityType::Indicator)?;
        Ok(in_write!(ctx, |write| indicators::withdraw_indicator(
            &mut write,
            id,
            input.version,
            &input.reason
        ))
        .into())
    }

    /// Records a baseline, target or actual value of an indicator.
    async fn create_indicator_value(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The value.")] input: CreateIndicatorValueInput,
    ) -> Result<IndicatorValuePayload> {
        let new = NewIndicatorValue {
            indicator: decode_as("input.indicator", &input.indicator, EntityType::Indicator)?,
            kind: input.kind.into(),
            period_start_year: input.period_start_year,
            period_end_year: input.period_end_year,
            value: input.value,
            sex: input.sex.into(),
            region: input.region,
            source: input.source,
        };
        Ok(in_write!(ctx, |write| indicators::create_indicator_value(&mut write, new)).into())
    }

    /// Changes an indicator value.
    async fn update_indicator_value(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: UpdateIndicatorValueInput,
    ) -> Result<IndicatorValuePayload> {
        let id = decode_as("input.id", &input.id, EntityType::IndicatorValue)?;
        let source = patch(input.source);
        Ok(in_write!(ctx, |write| indicators::update_indicator_value(
            &mut write,
            id,
            input.version,
            input.value,
            source
        ))
        .into())
    }

    /// Withdraws an indicator value with a reason.
    async fn withdraw_indicator_value(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which value and why.")] input: WithdrawInput,
    ) -> Result<IndicatorValuePayload> {
        let id = decode_as("input.id", &input.id, EntityType::IndicatorValue)?;
        Ok(in_write!(ctx, |write| indicators::withdraw_indicator_value(
            &mut write,
            id,
            input.version,
            &input.reason
        ))
        .into())
    }
}
