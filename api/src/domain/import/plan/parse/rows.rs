//! The file read into typed rows, still without the database: what `super::parse` answers and
//! the apply step consumes.

use std::collections::BTreeMap;

use entity::enums::{
    FundingSource, IndicatorDirection, IndicatorValueKind, PlanLevel, ResponsibilityRole, Sex,
};

use crate::domain::{bilingual::Bilingual, numbering::ItemNumber, write::plan_acts::NewPlanAct};

/// The `plan` sheet: the plan and its approving act.
#[derive(Debug, Clone, Default)]
pub struct PlanRow {
    /// The plan's code.
    pub code: Option<String>,
    /// Its level.
    pub level: Option<PlanLevel>,
    /// Titles.
    pub title: Bilingual,
    /// First year.
    pub start_year: Option<i32>,
    /// Last year.
    pub end_year: Option<i32>,
    /// Region (ISO code).
    pub region: Option<String>,
    /// The national plan it localizes.
    pub parent_plan: Option<String>,
    /// Owner's code or identifier.
    pub owner: Option<String>,
    /// Where the record is taken from.
    pub source_document: Option<String>,
    /// The approving act, to record against the plan with this sheet's code.
    pub act: Option<NewPlanAct>,
    /// The row number of each field.
    pub rows: BTreeMap<String, usize>,
}

/// A financing line of an item.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FundingRow {
    /// Source.
    pub source: FundingSource,
    /// Estimated amount in hundredths.
    pub amount_cents: Option<i64>,
    /// Currency of the amount.
    pub currency: Option<String>,
    /// Note as the plan states it.
    pub note: Option<String>,
}

/// A row of the `items` sheet.
#[derive(Debug, Clone)]
pub struct ItemRow {
    /// Row number.
    pub row: usize,
    /// Number.
    pub number: ItemNumber,
    /// Titles.
    pub title: Bilingual,
    /// Descriptions.
    pub description: Bilingual,
    /// First year.
    pub start_year: Option<i32>,
    /// Last year.
    pub end_year: Option<i32>,
    /// Organisation (code or identifier) and role.
    pub responsibilities: Vec<(String, ResponsibilityRole)>,
    /// Financing lines.
    pub funding: Vec<FundingRow>,
    /// Target group codes.
    pub target_groups: Vec<String>,
    /// National items implemented (numbers or canonical codes).
    pub implements: Vec<String>,
}

/// A value of an indicator.
#[derive(Debug, Clone)]
pub struct ValueRow {
    /// Row number.
    pub row: usize,
    /// Baseline or target.
    pub kind: IndicatorValueKind,
    /// First year of the period.
    pub start: i32,
    /// Last year.
    pub end: i32,
    /// Sex.
    pub sex: Sex,
    /// The value.
    pub value: f64,
}

/// An indicator with its values (its rows of the `indicators` sheet).
#[derive(Debug, Clone)]
pub struct IndicatorRow {
    /// The row of its first line.
    pub row: usize,
    /// The item's number.
    pub item: ItemNumber,
    /// The code within the item.
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
    /// Baselines and targets.
    pub values: Vec<ValueRow>,
}

/// The file, typed.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// The `plan` sheet, if given.
    pub plan: Option<PlanRow>,
    /// The items, in file order.
    pub items: Vec<ItemRow>,
    /// The indicators, in file order.
    pub indicators: Vec<IndicatorRow>,
}
