//! From sheets of text to typed rows, without the database: item numbers and kinds, years,
//! amounts, dates, the closed vocabularies (kinds, roles, financing sources, directions, sexes),
//! numbering within the file (duplicates). Every problem is collected, not only the first.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use entity::enums::{
    FundingSource, IndicatorDirection, IndicatorValueKind, LegalActKind, PlanActRole, PlanItemKind,
    PlanLevel, ResponsibilityRole, Sex,
};
use serde::de::DeserializeOwned;

use super::{
    report::{Problem, ProblemCode},
    sheets::{Sheet, SheetName},
};
use crate::domain::{bilingual::Bilingual, numbering::ItemNumber, validation, write::plan_acts::NewPlanAct};

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

/// A value of a closed vocabulary from its wire string (`STATE_BUDGET`), case-insensitively.
pub fn wire<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(
        text.trim().to_uppercase().replace([' ', '-'], "_"),
    ))
    .ok()
}

/// The cells of one row, read by column name, collecting problems.
struct Cells<'a> {
    sheet: &'static str,
    row: usize,
    header: &'a [String],
    cells: &'a [String],
}

impl Cells<'_> {
    fn get(&self, column: &str) -> Option<&str> {
        let index = self.header.iter().position(|c| c == column)?;
        self.cells
            .get(index)
            .map(String::as_str)
            .filter(|c| !c.is_empty())
    }

    fn problem(&self, column: &str, code: ProblemCode, uk: String, en: String) -> Problem {
        Problem::cell(self.sheet, self.row, Some(column), code, uk, en)
    }

    fn list(&self, column: &str) -> Vec<String> {
        self.get(column)
            .map(|cell| {
                cell.split([';', '\n'])
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn year(&self, column: &str, problems: &mut Vec<Problem>) -> Option<i32> {
        let text = self.get(column)?;
        match text.parse::<i32>() {
            Ok(year) if (1990..=2100).contains(&year) => Some(year),
            _ => {
                problems.push(self.problem(
                    column,
                    ProblemCode::BadNumber,
                    format!("`{text}` не є роком між 1990 і 2100"),
                    format!("`{text}` is not a year between 1990 and 2100"),
                ));
                None
            }
        }
    }

    fn text(&self, column: &str, max: usize, problems: &mut Vec<Problem>) -> Option<String> {
        let text = self.get(column)?;
        if text.chars().count() > max {
            problems.push(self.problem(
                column,
                ProblemCode::BadValue,
                format!("не більше {max} символів"),
                format!("at most {max} characters"),
            ));
            return None;
        }
        Some(text.to_owned())
    }

    fn bilingual(&self, stem: &str, max: usize, problems: &mut Vec<Problem>) -> Bilingual {
        Bilingual::new(
            self.text(&format!("{stem}_uk"), max, problems),
            self.text(&format!("{stem}_en"), max, problems),
        )
    }

    fn closed<T: DeserializeOwned>(
        &self,
        column: &str,
        text: &str,
        allowed: &str,
        problems: &mut Vec<Problem>,
    ) -> Option<T> {
        let value = wire(text);
        if value.is_none() {
            problems.push(self.problem(
                column,
                ProblemCode::BadValue,
                format!("`{text}` не є одним із значень: {allowed}"),
                format!("`{text}` is not one of {allowed}"),
            ));
        }
        value
    }
}

/// Refuses columns a sheet does not have, and reports a missing required one.
fn check_columns(sheet: &Sheet, known: &[&str], required: &[&str], problems: &mut Vec<Problem>) -> bool {
    let name = sheet.name.as_str();
    for column in &sheet.header {
        if !column.is_empty() && !known.contains(&column.as_str()) {
            problems.push(Problem::cell(
                name,
                1,
                Some(column),
                ProblemCode::UnknownColumn,
                format!("невідомий стовпець `{column}`; стовпці: {}", known.join(", ")),
                format!("unknown column `{column}`; the columns are {}", known.join(", ")),
            ));
        }
    }
    let mut complete = true;
    for column in required {
        if !sheet.header.iter().any(|c| c == column) {
            complete = false;
            problems.push(Problem::file(
                ProblemCode::MissingColumn,
                name,
                format!("бракує стовпця `{column}`"),
                format!("the column `{column}` is missing"),
            ));
        }
    }
    complete
}

/// Reads the sheets into typed rows; every problem found is in the second value.
pub fn parse(sheets: &[Sheet]) -> (Parsed, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut parsed = Parsed::default();
    for sheet in sheets {
        match sheet.name {
            SheetName::Plan => parsed.plan = Some(plan_sheet(sheet, &mut problems)),
            SheetName::Items => parsed.items = item_sheet(sheet, &mut problems),
            SheetName::Indicators => parsed.indicators = indicator_sheet(sheet, &mut problems),
        }
    }
    if !sheets.iter().any(|s| s.name == SheetName::Items) {
        problems.push(Problem::file(
            ProblemCode::MissingSheet,
            "items",
            "бракує аркуша `items` (або файлу …items.csv)".to_owned(),
            "the `items` sheet (or an …items.csv file) is missing".to_owned(),
        ));
    }
    (parsed, problems)
}

fn plan_sheet(sheet: &Sheet, problems: &mut Vec<Problem>) -> PlanRow {
    let mut plan = PlanRow::default();
    if !check_columns(sheet, &["field", "value"], &["field", "value"], problems) {
        return plan;
    }
    let mut values: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for (row, cells) in &sheet.rows {
        let c = Cells {
            sheet: "plan",
            row: *row,
            header: &sheet.header,
            cells,
        };
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
    let at = |field: &str| Cells {
        sheet: "plan",
        row: row_of(field),
        header: &header,
        cells: &cells,
    };
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

/// `2023-05-10` (also `10.05.2023`, as Ukrainian spreadsheets write dates).
fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d.%m.%Y"))
        .ok()
}

fn item_sheet(sheet: &Sheet, problems: &mut Vec<Problem>) -> Vec<ItemRow> {
    let mut items = Vec::new();
    if !check_columns(sheet, ITEM_COLUMNS, &["number"], problems) {
        return items;
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (row, cells) in &sheet.rows {
        let c = Cells {
            sheet: "items",
            row: *row,
            header: &sheet.header,
            cells,
        };
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

fn indicator_sheet(sheet: &Sheet, problems: &mut Vec<Problem>) -> Vec<IndicatorRow> {
    let mut indicators: Vec<IndicatorRow> = Vec::new();
    if !check_columns(sheet, INDICATOR_COLUMNS, &["item", "code"], problems) {
        return indicators;
    }
    for (row, cells) in &sheet.rows {
        let c = Cells {
            sheet: "indicators",
            row: *row,
            header: &sheet.header,
            cells,
        };
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
