//! The `plan` sheet: one `field`, `value` row per field of the plan and its approving act.

use std::collections::BTreeMap;

use entity::enums::{LegalActKind, PlanActRole};

use super::{
    cells::{Cells, check_columns, date},
    rows::PlanRow,
};
use crate::domain::{
    bilingual::Bilingual,
    import::plan::{
        report::{Problem, ProblemCode},
        sheets::Sheet,
    },
    write::plan_acts::NewPlanAct,
};

const PLAN_FIELDS: &[&str] = &[
    "code",
    "level",
    "title_uk",
    "title_en",
    "start_year",
    "end_year",
    "region",
    "parent_plan",
    "owner",
    "source_document",
    "act_kind",
    "act_number",
    "act_date",
    "act_title_uk",
    "act_title_en",
    "act_url",
    "act_issuer",
];

/// The plan and its approving act as the sheet gives them (problems collected in `problems`).
pub(super) fn read(sheet: &Sheet, problems: &mut Vec<Problem>) -> PlanRow {
    let mut plan = PlanRow::default();
    if !check_columns(sheet, &["field", "value"], &["field", "value"], problems) {
        return plan;
    }
    let mut values: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for (row, cells) in &sheet.rows {
        let c = Cells::new("plan", *row, &sheet.header, cells);
        let Some(field) = c.get("field").map(|f| f.to_lowercase().replace([' ', '-'], "_")) else {
            continue;
        };
        if !PLAN_FIELDS.contains(&field.as_str()) {
            problems.push(c.problem(
                "field",
                ProblemCode::UnknownColumn,
                format!("невідоме поле `{field}`; поля: {}", PLAN_FIELDS.join(", ")),
                format!(
                    "unknown field `{field}`; the fields are {}",
                    PLAN_FIELDS.join(", ")
                ),
            ));
            continue;
        }
        plan.rows.insert(field.clone(), *row);
        if let Some(value) = c.get("value") {
            values.insert(field, (*row, value.to_owned()));
        }
    }
    // Each field reads as a one-row sheet whose column is the field's name.
    let header: Vec<String> = values.keys().cloned().collect();
    let cells: Vec<String> = values.values().map(|(_, v)| v.clone()).collect();
    let row_of = |field: &str| values.get(field).map_or(1, |(row, _)| *row);
    let at = |field: &str| Cells::new("plan", row_of(field), &header, &cells);
    plan.code = at("code").get("code").map(str::to_owned);
    plan.level = at("level")
        .get("level")
        .and_then(|l| at("level").closed("level", l, "REGIONAL, DEPARTMENTAL, LOCAL, NATIONAL", problems));
    plan.title = Bilingual::new(
        at("title_uk").text("title_uk", 1000, problems),
        at("title_en").text("title_en", 1000, problems),
    );
    plan.start_year = at("start_year").year("start_year", problems);
    plan.end_year = at("end_year").year("end_year", problems);
    plan.region = at("region").get("region").map(str::to_owned);
    plan.parent_plan = at("parent_plan").get("parent_plan").map(str::to_owned);
    plan.owner = at("owner").get("owner").map(str::to_owned);
    plan.source_document = at("source_document").text("source_document", 2000, problems);
    let act_given = ["act_kind", "act_number", "act_date"]
        .iter()
        .any(|f| values.contains_key(*f));
    if act_given {
        let kind = at("act_kind")
            .get("act_kind")
            .map_or(Some(LegalActKind::Order), |k| {
                at("act_kind").closed(
                    "act_kind",
                    k,
                    "ORDER, RESOLUTION, DECREE, LAW, DECISION, OTHER",
                    problems,
                )
            });
        let number = at("act_number").text("act_number", 64, problems);
        if number.is_none() && !values.contains_key("act_number") {
            problems.push(at("act_number").problem(
                "act_number",
                ProblemCode::Required,
                "вкажіть номер акта, що затверджує план".to_owned(),
                "give the number of the act approving the plan".to_owned(),
            ));
        }
        let date = match values.get("act_date") {
            None => {
                problems.push(at("act_date").problem(
                    "act_date",
                    ProblemCode::Required,
                    "вкажіть дату акта (РРРР-ММ-ДД)".to_owned(),
                    "give the act's date (YYYY-MM-DD)".to_owned(),
                ));
                None
            }
            Some((_, text)) => date(text).or_else(|| {
                problems.push(at("act_date").problem(
                    "act_date",
                    ProblemCode::BadDate,
                    format!("`{text}` не є датою РРРР-ММ-ДД"),
                    format!("`{text}` is not a date YYYY-MM-DD"),
                ));
                None
            }),
        };
        if let (Some(kind), Some(number), Some(adopted_on)) = (kind, number, date) {
            plan.act = Some(NewPlanAct {
                plan: plan.code.clone().unwrap_or_default(),
                role: PlanActRole::Approves,
                kind,
                number,
                adopted_on,
                title: Bilingual::new(
                    at("act_title_uk").text("act_title_uk", 1000, problems),
                    at("act_title_en").text("act_title_en", 1000, problems),
                ),
                url: at("act_url").get("act_url").map(str::to_owned),
                issuer: at("act_issuer").get("act_issuer").map(str::to_owned),
            });
        }
    }
    plan
}
