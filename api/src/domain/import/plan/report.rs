//! What a plan import reports: per row, what it does (create, update, leave alone, withdraw), and
//! every problem with its sheet, row, column, a stable code and a message in Ukrainian and English.

use std::fmt;

/// The stable codes of import problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProblemCode {
    /// The files together are over the size limit.
    FileTooLarge,
    /// A file is not a readable XLSX workbook or CSV file.
    UnreadableFile,
    /// A sheet (or CSV file name) that is not `plan`, `items` or `indicators`, or one given twice.
    UnknownSheet,
    /// The `items` sheet is missing.
    MissingSheet,
    /// A column the sheet needs is missing.
    MissingColumn,
    /// A column the sheet does not have.
    UnknownColumn,
    /// A required cell is empty.
    Required,
    /// An item number that is not `3`, `3.1`, `3.1.12` or `3.1.12.1`.
    BadItemNumber,
    /// An item number given twice.
    DuplicateNumber,
    /// Numbering that skips a number among siblings (`1.1`, `1.3` without `1.2`).
    SkippedNumber,
    /// An item whose parent is neither in the file nor an active item of the plan.
    MissingParent,
    /// A kind that is not the one the number's depth gives, or not a kind at all.
    BadKind,
    /// A cell that should hold a number (a year, an amount, a value) and does not.
    BadNumber,
    /// A cell that should hold a date (`YYYY-MM-DD`) and does not.
    BadDate,
    /// A cell that is not one of the values its column allows.
    BadValue,
    /// An organisation code or identifier the registry does not know.
    UnknownOrganisation,
    /// A target group code the registry does not know.
    UnknownTargetGroup,
    /// A plan item (a national item, an indicator's item) that does not exist.
    UnknownItem,
    /// A region code the registry does not know.
    UnknownRegion,
    /// The plan does not exist and the file has no `plan` sheet to create it.
    UnknownPlan,
    /// The `plan` sheet describes another plan than the one imported into.
    PlanMismatch,
    /// A rule of the registry refused the row (the message says which).
    Refused,
}

impl ProblemCode {
    /// The wire name.
    pub fn as_wire(self) -> &'static str {
        match self {
            Self::FileTooLarge => "FILE_TOO_LARGE",
            Self::UnreadableFile => "UNREADABLE_FILE",
            Self::UnknownSheet => "UNKNOWN_SHEET",
            Self::MissingSheet => "MISSING_SHEET",
            Self::MissingColumn => "MISSING_COLUMN",
            Self::UnknownColumn => "UNKNOWN_COLUMN",
            Self::Required => "REQUIRED",
            Self::BadItemNumber => "BAD_ITEM_NUMBER",
            Self::DuplicateNumber => "DUPLICATE_NUMBER",
            Self::SkippedNumber => "SKIPPED_NUMBER",
            Self::MissingParent => "MISSING_PARENT",
            Self::BadKind => "BAD_KIND",
            Self::BadNumber => "BAD_NUMBER",
            Self::BadDate => "BAD_DATE",
            Self::BadValue => "BAD_VALUE",
            Self::UnknownOrganisation => "UNKNOWN_ORGANISATION",
            Self::UnknownTargetGroup => "UNKNOWN_TARGET_GROUP",
            Self::UnknownItem => "UNKNOWN_ITEM",
            Self::UnknownRegion => "UNKNOWN_REGION",
            Self::UnknownPlan => "UNKNOWN_PLAN",
            Self::PlanMismatch => "PLAN_MISMATCH",
            Self::Refused => "REFUSED",
        }
    }
}

/// One problem found in the files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The sheet (`plan`, `items`, `indicators`), or the file's name for a problem with a file.
    pub sheet: String,
    /// The row number as a spreadsheet shows it, when the problem is in a row.
    pub row: Option<usize>,
    /// The column's name, when the problem is in a cell.
    pub column: Option<String>,
    /// The stable code.
    pub code: ProblemCode,
    /// The message in Ukrainian.
    pub message_uk: String,
    /// The message in English.
    pub message_en: String,
}

impl Problem {
    /// A problem with a whole file.
    pub fn file(code: ProblemCode, file: &str, uk: String, en: String) -> Self {
        Self {
            sheet: file.to_owned(),
            row: None,
            column: None,
            code,
            message_uk: uk,
            message_en: en,
        }
    }

    /// A problem in a cell (or a row, without a column).
    pub fn cell(
        sheet: &str,
        row: usize,
        column: Option<&str>,
        code: ProblemCode,
        uk: String,
        en: String,
    ) -> Self {
        Self {
            sheet: sheet.to_owned(),
            row: Some(row),
            column: column.map(str::to_owned),
            code,
            message_uk: uk,
            message_en: en,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.sheet)?;
        if let Some(row) = self.row {
            write!(f, ", row {row}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column {column}")?;
        }
        write!(f, ": {} {}", self.code.as_wire(), self.message_en)
    }
}

/// What an import does with a row of the file (or an object missing from it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// The object is created.
    Create,
    /// The object is changed.
    Update,
    /// The object is already as the row describes it.
    Unchanged,
    /// An object missing from the file is withdrawn (only when asked to).
    Withdraw,
    /// An object missing from the file is left as it is (withdraw it by asking to).
    Kept,
}

impl Outcome {
    /// The wire name.
    pub fn as_wire(self) -> &'static str {
        match self {
            Self::Create => "CREATE",
            Self::Update => "UPDATE",
            Self::Unchanged => "UNCHANGED",
            Self::Withdraw => "WITHDRAW",
            Self::Kept => "KEPT",
        }
    }
}

/// What the import does with one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowReport {
    /// The sheet.
    pub sheet: String,
    /// The row number (none for an object missing from the file).
    pub row: Option<usize>,
    /// The object's canonical code (a plan code, an item code, `<item code>/<indicator code>`).
    pub code: String,
    /// What is done with it.
    pub outcome: Outcome,
}

/// The report of an import or dry run.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// The plan imported into.
    pub plan: String,
    /// Whether this was a dry run (nothing written).
    pub dry_run: bool,
    /// Whether the changes were written (false for a dry run, a failed import, or nothing to do).
    pub applied: bool,
    /// The change sequence number of the import's changes, when written.
    pub sequence: Option<i64>,
    /// What is done with each object.
    pub rows: Vec<RowReport>,
    /// Every problem found; with any, nothing is written.
    pub problems: Vec<Problem>,
}

impl ImportReport {
    /// How many rows have `outcome`.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.rows.iter().filter(|r| r.outcome == outcome).count()
    }

    /// The report as text for the command line, messages in English or Ukrainian.
    pub fn to_text(&self, ukrainian: bool) -> String {
        use fmt::Write as _;
        let mut text = String::new();
        let state = match (self.problems.is_empty(), self.dry_run, self.applied) {
            (false, _, _) => "refused: nothing was changed",
            (true, true, _) => "dry run: nothing was changed",
            (true, false, true) => "imported",
            (true, false, false) => "nothing to change",
        };
        let _ = writeln!(text, "plan {}: {state}", self.plan);
        let _ = writeln!(
            text,
            "create {}, update {}, unchanged {}, withdraw {}, kept {}",
            self.count(Outcome::Create),
            self.count(Outcome::Update),
            self.count(Outcome::Unchanged),
            self.count(Outcome::Withdraw),
            self.count(Outcome::Kept)
        );
        if let Some(sequence) = self.sequence {
            let _ = writeln!(text, "change sequence {sequence}");
        }
        for row in &self.rows {
            let place = row.row.map_or_else(String::new, |r| format!(" row {r}"));
            let _ = writeln!(
                text,
                "  {:<9} {}{place}: {}",
                row.outcome.as_wire(),
                row.sheet,
                row.code
            );
        }
        for problem in &self.problems {
            let message = if ukrainian {
                &problem.message_uk
            } else {
                &problem.message_en
            };
            let mut place = problem.sheet.clone();
            if let Some(row) = problem.row {
                let _ = write!(place, ", row {row}");
            }
            if let Some(column) = &problem.column {
                let _ = write!(place, ", column {column}");
            }
            let _ = writeln!(text, "  ERROR {place}: {} {message}", problem.code.as_wire());
        }
        text
    }
}
