//! From sheets of text to typed rows, without the database: item numbers and kinds, years,
//! amounts, dates, the closed vocabularies (kinds, roles, financing sources, directions, sexes),
//! numbering within the file (duplicates). Every problem is collected, not only the first.

mod cells;
mod indicator_sheet;
mod item_sheet;
mod plan_sheet;
mod rows;

pub use rows::{FundingRow, IndicatorRow, ItemRow, Parsed, PlanRow, ValueRow};

use super::{
    report::{Problem, ProblemCode},
    sheets::{Sheet, SheetName},
};

/// Reads the sheets into typed rows; every problem found is in the second value.
pub fn parse(sheets: &[Sheet]) -> (Parsed, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut parsed = Parsed::default();
    for sheet in sheets {
        match sheet.name {
            SheetName::Plan => parsed.plan = Some(plan_sheet::read(sheet, &mut problems)),
            SheetName::Items => parsed.items = item_sheet::read(sheet, &mut problems),
            SheetName::Indicators => parsed.indicators = indicator_sheet::read(sheet, &mut problems),
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
