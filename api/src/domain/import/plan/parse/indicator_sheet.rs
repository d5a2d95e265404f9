//! The `indicators` sheet: an indicator per item and code, its first row naming it, every row
//! giving a baseline or target value.

use entity::enums::{IndicatorDirection, IndicatorValueKind, Sex};

use super::{
    cells::{Cells, check_columns, wire},
    rows::{IndicatorRow, ValueRow},
};
use crate::domain::{
    import::plan::{
        report::{Problem, ProblemCode},
        sheets::Sheet,
    },
    numbering::ItemNumber,
    validation,
};

const INDICATOR_COLUMNS: &[&str] = &[
    "item",
    "code",
    "name_uk",
    "name_en",
    "unit",
    "direction",
    "sdg_indicator",
    "data_source",
    "value_kind",
    "period",
    "sex",
    "value",
];

/// The indicators of the sheet, in file order (problems collected in `problems`).
pub(super) fn read(sheet: &Sheet, problems: &mut Vec<Problem>) -> Vec<IndicatorRow> {
    let mut indicators: Vec<IndicatorRow> = Vec::new();
    if !check_columns(sheet, INDICATOR_COLUMNS, &["item", "code"], problems) {
        return indicators;
    }
    for (row, cells) in &sheet.rows {
        let c = Cells::new("indicators", *row, &sheet.header, cells);
        let (Some(item_text), Some(code)) = (c.get("item"), c.get("code")) else {
            let column = if c.get("item").is_none() { "item" } else { "code" };
            problems.push(c.problem(
                column,
                ProblemCode::Required,
                "вкажіть номер пункту (item) і код показника (code)".to_owned(),
                "give the item's number (item) and the indicator's code (code)".to_owned(),
            ));
            continue;
        };
        let Ok(item) = ItemNumber::parse(item_text) else {
            problems.push(c.problem(
                "item",
                ProblemCode::BadItemNumber,
                format!("`{item_text}` не є номером пункту"),
                format!("`{item_text}` is not an item number such as 3.1"),
            ));
            continue;
        };
        if validation::code("code", code).is_err() {
            problems.push(c.problem(
                "code",
                ProblemCode::BadValue,
                format!("`{code}` не є кодом показника, напр. I1"),
                format!("`{code}` is not an indicator code such as I1"),
            ));
            continue;
        }
        let value = indicator_value(&c, problems);
        let existing = indicators.iter_mut().find(|i| i.item == item && i.code == code);
        match existing {
            Some(indicator) => {
                if let Some(value) = value {
                    if indicator.values.iter().any(|v| {
                        (v.kind, v.start, v.end, v.sex) == (value.kind, value.start, value.end, value.sex)
                    }) {
                        problems.push(c.problem(
                            "period",
                            ProblemCode::DuplicateNumber,
                            "таке значення (вид, період, стать) уже є вище".to_owned(),
                            "this value (kind, period, sex) is already given above".to_owned(),
                        ));
                    } else {
                        indicator.values.push(value);
                    }
                }
            }
            None => {
                let name = c.bilingual("name", 2000, problems);
                if name.uk.is_none() && name.en.is_none() {
                    problems.push(c.problem(
                        "name_uk",
                        ProblemCode::Required,
                        "вкажіть назву показника хоча б однією мовою (у першому його рядку)".to_owned(),
                        "give the indicator's name in at least one language (on its first row)".to_owned(),
                    ));
                }
                let Some(unit) = c.text("unit", 100, problems) else {
                    problems.push(c.problem(
                        "unit",
                        ProblemCode::Required,
                        "вкажіть одиницю виміру (у першому рядку показника)".to_owned(),
                        "give the unit (on the indicator's first row)".to_owned(),
                    ));
                    continue;
                };
                let direction = c
                    .get("direction")
                    .map_or(Some(IndicatorDirection::Increase), |d| {
                        c.closed("direction", d, "INCREASE, DECREASE, MAINTAIN", problems)
                    });
                let sdg_indicator = c.get("sdg_indicator").and_then(|s| {
                    validation::sdg_indicator("sdg_indicator", s)
                        .map_err(|_| {
                            problems.push(c.problem(
                                "sdg_indicator",
                                ProblemCode::BadValue,
                                format!("`{s}` не є показником ЦСР на кшталт 5.5.1"),
                                format!("`{s}` is not an SDG indicator such as 5.5.1"),
                            ));
                        })
                        .ok()
                });
                let Some(direction) = direction else { continue };
                indicators.push(IndicatorRow {
                    row: *row,
                    item,
                    code: code.to_owned(),
                    name,
                    unit,
                    direction,
                    sdg_indicator,
                    data_source: c.text("data_source", 2000, problems),
                    values: value.into_iter().collect(),
                });
            }
        }
    }
    indicators
}

/// The value of an indicator row, if it gives one (`value_kind`, `period`, `sex`, `value`).
fn indicator_value(c: &Cells<'_>, problems: &mut Vec<Problem>) -> Option<ValueRow> {
    if c.get("value").is_none() && c.get("value_kind").is_none() && c.get("period").is_none() {
        return None;
    }
    let kind = match c.get("value_kind") {
        None => {
            problems.push(c.problem(
                "value_kind",
                ProblemCode::Required,
                "вкажіть вид значення: BASELINE або TARGET".to_owned(),
                "give the value's kind: BASELINE or TARGET".to_owned(),
            ));
            None
        }
        Some(text) => match wire::<IndicatorValueKind>(text) {
            Some(kind @ (IndicatorValueKind::Baseline | IndicatorValueKind::Target)) => Some(kind),
            _ => {
                problems.push(c.problem(
                    "value_kind",
                    ProblemCode::BadValue,
                    format!("`{text}` не є BASELINE чи TARGET (фактичні значення подають звітом)"),
                    format!("`{text}` is not BASELINE or TARGET (actual values are reported, not imported)"),
                ));
                None
            }
        },
    };
    let period = c.get("period").and_then(|text| {
        let (start, end) = text.split_once('-').unwrap_or((text, text));
        match (start.trim().parse::<i32>(), end.trim().parse::<i32>()) {
            (Ok(start), Ok(end)) if (1990..=2100).contains(&start) && (start..=2100).contains(&end) => {
                Some((start, end))
            }
            _ => {
                problems.push(c.problem(
                    "period",
                    ProblemCode::BadNumber,
                    format!("`{text}` не є роком чи періодом на кшталт 2024 або 2026-2027"),
                    format!("`{text}` is not a year or period such as 2024 or 2026-2027"),
                ));
                None
            }
        }
    });
    if c.get("period").is_none() {
        problems.push(c.problem(
            "period",
            ProblemCode::Required,
            "вкажіть рік чи період значення".to_owned(),
            "give the value's year or period".to_owned(),
        ));
    }
    let sex = c
        .get("sex")
        .map_or(Some(Sex::Total), |s| c.closed("sex", s, "F, M, T", problems));
    let value = match c.get("value") {
        None => {
            problems.push(c.problem(
                "value",
                ProblemCode::Required,
                "вкажіть значення".to_owned(),
                "give the value".to_owned(),
            ));
            None
        }
        Some(text) => match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Some(v),
            _ => {
                problems.push(c.problem(
                    "value",
                    ProblemCode::BadNumber,
                    format!("`{text}` не є числом (крапка перед дробовою частиною)"),
                    format!("`{text}` is not a number"),
                ));
                None
            }
        },
    };
    Some(ValueRow {
        row: c.row,
        kind: kind?,
        start: period?.0,
        end: period?.1,
        sex: sex?,
        value: value?,
    })
}
