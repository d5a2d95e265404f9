//! `importIati`: an organisation with `projects:write` uploads an IATI activity file (GraphQL
//! multipart request) and gets the import's report; see `domain::import::iati`.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject, Upload};

use crate::{
    config::DEFAULT_IATI_MAX_FILE_BYTES,
    domain::{
        entity_type::EntityType,
        import::iati::{self, ActivityReport, ImportOptions, ImportSummary, Limits, Outcome},
    },
    error::ApiError,
    graphql::{context, node_id},
};

/// An IATI activity file to import.
#[derive(InputObject)]
pub struct ImportIatiInput {
    /// The IATI 2.03 activity file (a multipart upload).
    pub file: Upload,
    /// Report what the import would do without writing anything.
    #[graphql(default)]
    pub dry_run: bool,
    /// Owning organisation's code or identifier (administrators only); the token's organisation when left out.
    pub owner: Option<String>,
}

/// What an import did with one activity.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum IatiImportOutcome {
    /// A new project link (in a dry run: would be created).
    Created,
    /// The existing link was changed.
    Updated,
    /// The link already says what the activity says, or the activity is older than the one imported.
    Unchanged,
    /// No registry tag: the activity links to no plan item.
    Skipped,
    /// Refused; nothing was changed for it.
    Refused,
}

impl From<Outcome> for IatiImportOutcome {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Created => Self::Created,
            Outcome::Updated => Self::Updated,
            Outcome::Unchanged => Self::Unchanged,
            Outcome::Skipped => Self::Skipped,
            Outcome::Refused => Self::Refused,
        }
    }
}

/// Why an activity was refused.
#[derive(SimpleObject)]
pub struct IatiRefusal {
    /// Stable error code: `BAD_USER_INPUT`, `FORBIDDEN` or `CONFLICT`.
    pub code: String,
    /// The XML path of the value at fault, e.g. `budget[2]/value/@currency`.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// The report of one activity of an imported file.
#[derive(SimpleObject)]
pub struct IatiActivityReport {
    /// Its place in the file, from 1.
    pub position: i32,
    /// Its IATI identifier, as given.
    pub iati_identifier: Option<String>,
    /// What the import did.
    pub outcome: IatiImportOutcome,
    /// Global ID of the project link created, updated or left unchanged.
    pub project_link_id: Option<ID>,
    /// Canonical codes of the plan items it links to.
    pub plan_items: Vec<String>,
    /// Participating organisations the registry does not know (`ref`, or the name): not created.
    pub unknown_organisations: Vec<String>,
    /// Why it was left unchanged or skipped.
    pub note: Option<String>,
    /// Why it was refused.
    pub refusal: Option<IatiRefusal>,
}

impl From<ActivityReport> for IatiActivityReport {
    fn from(report: ActivityReport) -> Self {
        Self {
            position: i32::try_from(report.position).unwrap_or(i32::MAX),
            iati_identifier: report.iati_identifier,
            outcome: report.outcome.into(),
            project_link_id: report
                .project_link_id
                .map(|id| node_id::encode(EntityType::ProjectLink, id)),
            plan_items: report.plan_items,
            unknown_organisations: report.unknown_organisations,
            note: report.note,
            refusal: report.refusal.map(|r| IatiRefusal {
                code: r.code.to_owned(),
                field: r.field,
                message: r.message,
            }),
        }
    }
}

/// The report of an IATI import.
#[derive(SimpleObject)]
pub struct ImportIatiPayload {
    /// Whether nothing was written.
    pub dry_run: bool,
    /// Activities read.
    pub activities: i32,
    /// Links created.
    pub created: i32,
    /// Links updated.
    pub updated: i32,
    /// Activities whose link was left unchanged.
    pub unchanged: i32,
    /// Activities without a registry tag.
    pub skipped: i32,
    /// Activities refused.
    pub refused: i32,
    /// Every activity, in file order.
    pub reports: Vec<IatiActivityReport>,
}

fn count(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

#[derive(Default)]
pub struct IatiImportMutation;

#[Object]
impl IatiImportMutation {
    /// Creates or updates project links from an IATI 2.03 activity file: each activity with a
    /// registry tag becomes a link owned by the organisation, in its own transaction (a refused
    /// activity changes nothing; the others go in). A file that is not well-formed or breaks a
    /// limit is refused whole before anything is written. Needs `projects:write`.
    async fn import_iati(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file and how to import it.")] input: ImportIatiInput,
    ) -> Result<ImportIatiPayload> {
        let actor = context::actor(ctx)?;
        let db = context::db(ctx)?;
        let upload = input
            .file
            .value(ctx)
            .map_err(|e| ApiError::invalid("input.file", format!("cannot read the upload: {e}")))?;
        let content: &[u8] = &upload.content;
        let limits = Limits::with_file_size(DEFAULT_IATI_MAX_FILE_BYTES);
        iati::check(content, limits).map_err(|e| ApiError::invalid("input.file", e.message))?;
        let options = ImportOptions {
            owner: input.owner,
            dry_run: input.dry_run,
            limits,
        };
        let mut reports = Vec::new();
        let summary: ImportSummary = iati::import_activities(db, actor, content, &options, |report| {
            reports.push(IatiActivityReport::from(report.clone()));
        })
        .await?;
        Ok(ImportIatiPayload {
            dry_run: summary.dry_run,
            activities: count(summary.activities),
            created: count(summary.created),
            updated: count(summary.updated),
            unchanged: count(summary.unchanged),
            skipped: count(summary.skipped),
            refused: count(summary.refused),
            reports,
        })
    }
}
