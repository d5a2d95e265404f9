//! `importPlan`: a plan from a spreadsheet uploaded per the GraphQL multipart request spec.

use std::io::Read;

use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject, Upload};

use crate::{
    domain::import::plan::{self as plan_import, ImportFile, ImportReport, PlanImport},
    error::ApiError,
    graphql::{
        context::{actor, db, language},
        language::Language,
    },
};

/// The most bytes `importPlan` reads from its files (`NAP_IMPORT_MAX_BYTES`), set per request.
#[derive(Debug, Clone, Copy)]
pub struct ImportLimit(pub usize);

/// A plan import: the files and what to do with them.
#[derive(InputObject)]
pub struct ImportPlanInput {
    /// Code of the plan to import into, e.g. `UA-46-RAP-2023-2025`. It is created from the file's
    /// `plan` sheet when it does not exist (if your organisation may create it).
    pub plan: String,
    /// The spreadsheet: an `.xlsx` workbook with the sheets `items`, optionally `plan` and
    /// `indicators`; or a `…items.csv` file (send the `…plan.csv` and `…indicators.csv` files in
    /// `moreFiles`). Sent per the GraphQL multipart request spec.
    pub file: Upload,
    /// Further CSV files of the same import (`…plan.csv`, `…indicators.csv`).
    pub more_files: Option<Vec<Upload>>,
    /// Only report what the import would do; change nothing.
    #[graphql(default = false)]
    pub dry_run: bool,
    /// Withdraw the plan's items and indicators that the file does not list (left as they are
    /// otherwise).
    #[graphql(default = false)]
    pub withdraw_missing: bool,
}

/// What an import does with an object.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    /// Created.
    Create,
    /// Changed.
    Update,
    /// Already as the file describes it.
    Unchanged,
    /// Missing from the file, withdrawn (`withdrawMissing`).
    Withdraw,
    /// Missing from the file, left as it is.
    Kept,
}

/// One object of the import.
#[derive(SimpleObject)]
pub struct ImportRow {
    /// The sheet: `plan`, `items` or `indicators`.
    pub sheet: String,
    /// The row number as a spreadsheet shows it; null for an object missing from the file.
    pub row: Option<i32>,
    /// The object's code: a plan code, an item code, or `<item code>/<indicator code>`.
    pub code: String,
    /// What is done with it.
    pub outcome: ImportOutcome,
}

/// A problem in the file; with any, nothing is changed.
#[derive(SimpleObject)]
pub struct ImportProblem {
    /// The sheet (`plan`, `items`, `indicators`), or the file's name for a problem with a file.
    pub sheet: String,
    /// The row number as a spreadsheet shows it, when the problem is in a row.
    pub row: Option<i32>,
    /// The column's name, when the problem is in a cell.
    pub column: Option<String>,
    /// A stable code: FILE_TOO_LARGE, UNREADABLE_FILE, UNKNOWN_SHEET, MISSING_SHEET, MISSING_COLUMN,
    /// UNKNOWN_COLUMN, REQUIRED, BAD_ITEM_NUMBER, DUPLICATE_NUMBER, SKIPPED_NUMBER, MISSING_PARENT,
    /// BAD_KIND, BAD_NUMBER, BAD_DATE, BAD_VALUE, UNKNOWN_ORGANISATION, UNKNOWN_TARGET_GROUP,
    /// UNKNOWN_ITEM, UNKNOWN_REGION, UNKNOWN_PLAN, PLAN_MISMATCH or REFUSED.
    pub code: String,
    /// What is wrong, in the request's language (`Accept-Language`, or `lang`).
    pub message: String,
}

/// The counts of an import's report.
#[derive(SimpleObject)]
pub struct ImportCounts {
    /// Objects created.
    pub create: i32,
    /// Objects changed.
    pub update: i32,
    /// Objects already as the file describes them.
    pub unchanged: i32,
    /// Objects missing from the file and withdrawn.
    pub withdraw: i32,
    /// Objects missing from the file and left as they are.
    pub kept: i32,
}

/// The report of `importPlan`.
#[derive(SimpleObject)]
pub struct ImportPlanPayload {
    /// The plan imported into.
    pub plan: String,
    /// Whether this was a dry run (nothing written).
    pub dry_run: bool,
    /// Whether changes were written: false for a dry run, an import with problems, or a file the
    /// registry already matches.
    pub applied: bool,
    /// The change sequence number of all the import's changes (one number for the whole import),
    /// when written.
    pub sequence: Option<i64>,
    /// How many objects each outcome has.
    pub counts: ImportCounts,
    /// What is done with each object.
    pub rows: Vec<ImportRow>,
    /// Every problem found; with any, nothing was changed.
    pub problems: Vec<ImportProblem>,
}

fn small(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl ImportPlanPayload {
    fn from_report(report: ImportReport, lang: Language) -> Self {
        use plan_import::Outcome as O;
        let outcome = |o: O| match o {
            O::Create => ImportOutcome::Create,
            O::Update => ImportOutcome::Update,
            O::Unchanged => ImportOutcome::Unchanged,
            O::Withdraw => ImportOutcome::Withdraw,
            O::Kept => ImportOutcome::Kept,
        };
        Self {
            counts: ImportCounts {
                create: small(report.count(O::Create)),
                update: small(report.count(O::Update)),
                unchanged: small(report.count(O::Unchanged)),
                withdraw: small(report.count(O::Withdraw)),
                kept: small(report.count(O::Kept)),
            },
            plan: report.plan,
            dry_run: report.dry_run,
            applied: report.applied,
            sequence: report.sequence,
            rows: report
                .rows
                .into_iter()
                .map(|r| ImportRow {
                    sheet: r.sheet,
                    row: r.row.map(small),
                    code: r.code,
                    outcome: outcome(r.outcome),
                })
                .collect(),
            problems: report
                .problems
                .into_iter()
                .map(|p| ImportProblem {
                    sheet: p.sheet,
                    row: p.row.map(small),
                    column: p.column,
                    code: p.code.as_wire().to_owned(),
                    message: match lang {
                        Language::Uk => p.message_uk,
                        Language::En => p.message_en,
                    },
                })
                .collect(),
        }
    }
}

/// Reads an upload, refusing one over `limit` bytes.
fn read_upload(
    ctx: &Context<'_>,
    upload: &Upload,
    field: &str,
    limit: usize,
) -> Result<ImportFile, ApiError> {
    let value = upload
        .value(ctx)
        .map_err(|e| ApiError::invalid(field, format!("the upload cannot be read: {e}")))?;
    let name = value.filename.clone();
    let mut bytes = Vec::new();
    let max = u64::try_from(limit).unwrap_or(u64::MAX);
    value
        .into_read()
        .take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ApiError::invalid(field, format!("the upload cannot be read: {e}")))?;
    Ok(ImportFile { name, bytes })
}

#[derive(Default)]
pub struct ImportMutation;

#[Object]
impl ImportMutation {
    /// Imports a plan from a spreadsheet (see the README, "Importing plans", and
    /// `docs/plan-import.md` for the template), gated like the single writes: your organisation
    /// imports only into plans it may edit. All or nothing: one transaction, one change sequence
    /// number, one audit event per changed object; a file with any problem changes nothing and
    /// the report lists every problem. Importing the same file again changes nothing.
    async fn import_plan(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The plan, the file and the options.")] input: ImportPlanInput,
    ) -> Result<ImportPlanPayload> {
        let actor = actor(ctx)?;
        let limit = ctx.data_opt::<ImportLimit>().map_or(4 * 1024 * 1024, |l| l.0);
        let mut files = vec![read_upload(ctx, &input.file, "input.file", limit)?];
        for upload in input.more_files.iter().flatten() {
            files.push(read_upload(ctx, upload, "input.moreFiles", limit)?);
        }
        let request = PlanImport {
            plan: input.plan,
            files,
            dry_run: input.dry_run,
            withdraw_missing: input.withdraw_missing,
            max_bytes: limit,
        };
        let report = plan_import::import_plan(db(ctx)?, actor, request).await?;
        Ok(ImportPlanPayload::from_report(report, language(ctx, None)))
    }
}
