//! The `items` sheet: one row per item, with its responsibilities, financing lines, target groups
//! and `implements` links; numbering checked within the file.

use std::collections::{BTreeMap, BTreeSet};

use entity::enums::{FundingSource, PlanItemKind, ResponsibilityRole};

use super::{
    cells::{Cells, check_columns, wire},
    rows::{FundingRow, ItemRow},
};
use crate::domain::{
    import::plan::{
        report::{Problem, ProblemCode},
        sheets::Sheet,
    },
    numbering::ItemNumber,
    validation,
};

const ITEM_COLUMNS: &[&str] = &[
    "number",
    "kind",
    "title_uk",
    "title_en",
    "description_uk",
    "description_en",
    "start_year",
    "end_year",
    "responsible",
    "co_executors",
    "by_consent",
    "coordinators",
    "financing",
    "currency",
    "financing_note",
    "target_groups",
    "implements",
];

/// The items of the sheet, in file order (problems collected in `problems`).
pub(super) fn read(sheet: &Sheet, problems: &mut Vec<Problem>) -> Vec<ItemRow> {
    let mut items = Vec::new();
    if !check_columns(sheet, ITEM_COLUMNS, &["number"], problems) {
        return items;
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (row, cells) in &sheet.rows {
        let c = Cells::new("items", *row, &sheet.header, cells);
        let Some(text) = c.get("number") else {
            problems.push(c.problem(
                "number",
                ProblemCode::Required,
                "вкажіть номер пункту, напр. 3.1.12".to_owned(),
                "give the item's number, e.g. 3.1.12".to_owned(),
            ));
            continue;
        };
        let number = match ItemNumber::parse(text) {
            Ok(number) => number,
            Err(message) => {
                problems.push(c.problem(
                    "number",
                    ProblemCode::BadItemNumber,
                    format!("`{text}` не є номером пункту на кшталт 3.1.12 (до чотирьох рівнів, без нулів попереду)"),
                    message,
                ));
                continue;
            }
        };
        if let Some(first) = seen.insert(number.to_string(), *row) {
            problems.push(c.problem(
                "number",
                ProblemCode::DuplicateNumber,
                format!("номер {number} уже є в рядку {first}"),
                format!("the number {number} is already in row {first}"),
            ));
        }
        if let Some(kind) = c.get("kind") {
            let given: Option<PlanItemKind> = wire(kind);
            if given != Some(number.kind()) {
                problems.push(c.problem(
                    "kind",
                    ProblemCode::BadKind,
                    format!("номер {number} означає {}, а не `{kind}`", number.kind().as_wire()),
                    format!(
                        "the number {number} is a {}, not `{kind}` (STRATEGIC_GOAL, OPERATIONAL_GOAL, TASK, ACTIVITY by depth)",
                        number.kind().as_wire()
                    ),
                ));
            }
        }
        let title = c.bilingual("title", 2000, problems);
        if title.uk.is_none() && title.en.is_none() {
            problems.push(c.problem(
                "title_uk",
                ProblemCode::Required,
                "вкажіть назву хоча б однією мовою".to_owned(),
                "give a title in at least one language".to_owned(),
            ));
        }
        let description = c.bilingual("description", 20_000, problems);
        let start_year = c.year("start_year", problems);
        let end_year = c.year("end_year", problems);
        if let (Some(start), Some(end)) = (start_year, end_year)
            && start > end
        {
            problems.push(c.problem(
                "end_year",
                ProblemCode::BadNumber,
                format!("строк закінчується ({end}) раніше, ніж починається ({start})"),
                format!("the time frame ends ({end}) before it starts ({start})"),
            ));
        }
        let mut responsibilities = Vec::new();
        for (column, role) in [
            ("responsible", ResponsibilityRole::Responsible),
            ("co_executors", ResponsibilityRole::CoExecutor),
            ("by_consent", ResponsibilityRole::ByConsent),
            ("coordinators", ResponsibilityRole::Coordinator),
        ] {
            for organisation in c.list(column) {
                if !responsibilities.contains(&(organisation.clone(), role)) {
                    responsibilities.push((organisation, role));
                }
            }
        }
        let funding = funding(&c, problems);
        let item = ItemRow {
            row: *row,
            number,
            title,
            description,
            start_year,
            end_year,
            responsibilities,
            funding,
            target_groups: c
                .list("target_groups")
                .into_iter()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
            implements: c
                .list("implements")
                .into_iter()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
        };
        items.push(item);
    }
    items
}

/// `STATE_BUDGET: 150000.00; LOCAL_BUDGET` with `currency` (UAH when empty) and `financing_note`.
fn funding(c: &Cells<'_>, problems: &mut Vec<Problem>) -> Vec<FundingRow> {
    let mut lines = Vec::new();
    let currency = match c.get("currency") {
        Some(code) => match validation::currency("currency", &code.to_uppercase()) {
            Ok(code) => Some(code),
            Err(_) => {
                problems.push(c.problem(
                    "currency",
                    ProblemCode::BadValue,
                    format!("`{code}` не є кодом валюти ISO 4217, напр. UAH"),
                    format!("`{code}` is not an ISO 4217 currency code such as UAH"),
                ));
                None
            }
        },
        None => Some("UAH".to_owned()),
    };
    let note = c.get("financing_note").map(str::to_owned);
    for part in c.list("financing") {
        let (source, amount) = match part.split_once(':') {
            Some((source, amount)) => (source.trim(), Some(amount.trim())),
            None => (part.as_str(), None),
        };
        let Some(source) = c.closed::<FundingSource>(
            "financing",
            source,
            "STATE_BUDGET, LOCAL_BUDGET, INTERNATIONAL_ASSISTANCE, OTHER",
            problems,
        ) else {
            continue;
        };
        let amount_cents = match amount {
            None => None,
            Some(text) => {
                let compact: String = text.chars().filter(|ch| !ch.is_whitespace()).collect();
                match validation::amount_cents("financing", &compact) {
                    Ok(cents) => Some(cents),
                    Err(_) => {
                        problems.push(c.problem(
                            "financing",
                            ProblemCode::BadNumber,
                            format!("`{text}` не є сумою на кшталт 150000.00 (крапка перед копійками)"),
                            format!("`{text}` is not an amount such as 150000.00"),
                        ));
                        continue;
                    }
                }
            }
        };
        lines.push(FundingRow {
            source,
            currency: amount_cents.and(currency.clone()),
            amount_cents,
            note: note.clone(),
        });
    }
    lines.sort();
    lines.dedup();
    lines
}
