//! Reading a sheet's cells by column name: texts, lists, years, dates and closed vocabularies,
//! each bad cell collected as a problem naming its sheet, row and column.

use chrono::NaiveDate;
use serde::de::DeserializeOwned;

use crate::domain::{
    bilingual::Bilingual,
    import::plan::{
        report::{Problem, ProblemCode},
        sheets::Sheet,
    },
};

/// A value of a closed vocabulary from its wire string (`STATE_BUDGET`), case-insensitively.
pub fn wire<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(
        text.trim().to_uppercase().replace([' ', '-'], "_"),
    ))
    .ok()
}

/// The cells of one row, read by column name, collecting problems.
pub(super) struct Cells<'a> {
    sheet: &'static str,
    pub(super) row: usize,
    header: &'a [String],
    cells: &'a [String],
}

impl<'a> Cells<'a> {
    /// Row `row` of the sheet `sheet`, its `cells` read by the column names in `header`.
    pub(super) fn new(sheet: &'static str, row: usize, header: &'a [String], cells: &'a [String]) -> Self {
        Self {
            sheet,
            row,
            header,
            cells,
        }
    }

    pub(super) fn get(&self, column: &str) -> Option<&str> {
        let index = self.header.iter().position(|c| c == column)?;
        self.cells
            .get(index)
            .map(String::as_str)
            .filter(|c| !c.is_empty())
    }

    pub(super) fn problem(&self, column: &str, code: ProblemCode, uk: String, en: String) -> Problem {
        Problem::cell(self.sheet, self.row, Some(column), code, uk, en)
    }

    pub(super) fn list(&self, column: &str) -> Vec<String> {
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

    pub(super) fn year(&self, column: &str, problems: &mut Vec<Problem>) -> Option<i32> {
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

    pub(super) fn text(&self, column: &str, max: usize, problems: &mut Vec<Problem>) -> Option<String> {
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

    pub(super) fn bilingual(&self, stem: &str, max: usize, problems: &mut Vec<Problem>) -> Bilingual {
        Bilingual::new(
            self.text(&format!("{stem}_uk"), max, problems),
            self.text(&format!("{stem}_en"), max, problems),
        )
    }

    pub(super) fn closed<T: DeserializeOwned>(
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
pub(super) fn check_columns(
    sheet: &Sheet,
    known: &[&str],
    required: &[&str],
    problems: &mut Vec<Problem>,
) -> bool {
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

/// `2023-05-10` (also `10.05.2023`, as Ukrainian spreadsheets write dates).
pub(super) fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d.%m.%Y"))
        .ok()
}
