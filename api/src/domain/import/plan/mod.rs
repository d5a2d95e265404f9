//! Plan import from spreadsheets (XLSX, or CSV files): read the files into sheets (`sheets`), the
//! sheets into typed rows (`parse`), check what they name against the registry (`resolve`), and
//! apply the differences in one batch write (`apply`): one transaction, one step of the change
//! sequence, one audit event per changed object. Any problem, and a dry run, changes nothing; a
//! file that matches the registry changes nothing either. The template is in
//! `docs/plan-import.md`.

pub mod apply;
pub mod parse;
pub mod report;
pub mod resolve;
pub mod sheets;

use sea_orm::DatabaseConnection;

pub use report::{ImportReport, Outcome, Problem, ProblemCode, RowReport};
pub use sheets::ImportFile;

use crate::{
    domain::{access::Actor, audit::WriteTransaction},
    error::{ApiError, ApiResult},
};

/// An import of spreadsheet files into a plan.
#[derive(Debug, Clone)]
pub struct PlanImport {
    /// The plan's code, e.g. `UA-46-RAP-2023-2025`.
    pub plan: String,
    /// The workbook, or the CSV files (one per sheet).
    pub files: Vec<ImportFile>,
    /// Report without writing.
    pub dry_run: bool,
    /// Withdraw the plan's items and indicators that the file does not list.
    pub withdraw_missing: bool,
    /// The most bytes the files may hold together.
    pub max_bytes: usize,
}

/// Imports `request` as `actor`. Problems with the file come back in the report (and nothing is
/// written); an actor who may not edit (or create) the plan gets FORBIDDEN.
pub async fn import_plan(
    db: &DatabaseConnection,
    actor: &Actor,
    request: PlanImport,
) -> ApiResult<ImportReport> {
    let mut report = ImportReport {
        plan: request.plan.clone(),
        dry_run: request.dry_run,
        ..ImportReport::default()
    };
    let sheets = match sheets::read(&request.files, request.max_bytes) {
        Ok(sheets) => sheets,
        Err(problems) => {
            report.problems = problems;
            return Ok(report);
        }
    };
    let (parsed, mut problems) = parse::parse(&sheets);
    let mut write = WriteTransaction::begin_batch(db, actor).await?;
    let resolved = resolve::resolve(&write.txn, &request.plan, &parsed, &mut problems).await?;
    if let Some(plan) = &resolved.plan {
        // Only an editor of the plan learns what its import would do.
        write
            .actor
            .require_plan_editor(plan.level, plan.owner_organisation_id)?;
    }
    if !problems.is_empty() {
        write.rollback().await?;
        report.problems = problems;
        return Ok(report);
    }
    let applied = apply::apply(
        &mut write,
        &request.plan,
        &parsed,
        &resolved,
        request.withdraw_missing,
    )
    .await;
    match applied {
        Ok(rows) => report.rows = rows,
        Err(apply::Failure {
            sheet,
            row,
            error: ApiError::Validation { field, message },
        }) => {
            write.rollback().await?;
            report.problems.push(refused(sheet, row, &field, &message));
            return Ok(report);
        }
        Err(apply::Failure { error, .. }) => return Err(error),
    }
    if request.dry_run {
        write.rollback().await?;
        return Ok(report);
    }
    let sequence = write.sequence;
    if write.commit_batch().await? > 0 {
        report.applied = true;
        report.sequence = Some(sequence);
    }
    Ok(report)
}

/// A rule of the registry refused a row: the column the failing field comes from, where known.
fn refused(sheet: &str, row: Option<usize>, field: &str, message: &str) -> Problem {
    let column = match field.rsplit('.').next().unwrap_or(field) {
        "titleUk" => Some("title_uk"),
        "titleEn" => Some("title_en"),
        "descriptionUk" => Some("description_uk"),
        "descriptionEn" => Some("description_en"),
        "startYear" => Some("start_year"),
        "endYear" => Some("end_year"),
        "number" => Some("number"),
        "organisation" => Some("responsible"),
        "targetGroup" => Some("target_groups"),
        "implements" => Some("implements"),
        "code" => Some("code"),
        "unit" => Some("unit"),
        "sdgIndicator" => Some("sdg_indicator"),
        "region" => Some("region"),
        "parentPlan" => Some("parent_plan"),
        "owner" => Some("owner"),
        "adoptedOn" => Some("act_date"),
        _ => None,
    };
    Problem {
        sheet: sheet.to_owned(),
        row,
        column: column.map(str::to_owned),
        code: ProblemCode::Refused,
        message_uk: format!("реєстр відхилив рядок ({field}): {message}"),
        message_en: format!("the registry refused the row ({field}): {message}"),
    }
}
