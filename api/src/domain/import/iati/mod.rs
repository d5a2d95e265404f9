//! Ingest of IATI 2.03 activity files (`nap-registry import iati`, the `importIati` mutation).
//!
//! The file is streamed (`reader`: one activity in memory at a time, no entity ever resolved,
//! limits on size and depth). Each activity that carries a registry tag (`resolve`) becomes a
//! project link owned by the importing organisation, created or updated by its IATI identifier
//! (`apply`), each activity in its own transaction with its own audit event: an activity is
//! refused on its own (and then changes nothing) while the others go in. Activities without a
//! registry tag are skipped; links whose activity is no longer in a file are left as they are.

pub mod activity;
pub mod apply;
mod metered;
pub mod reader;
pub mod resolve;

use std::io::BufRead;

use sea_orm::{DatabaseConnection, EntityTrait};
use serde::Serialize;
use uuid::Uuid;

pub use reader::{Limits, check};

use crate::{
    domain::{access::Actor, access::Scope, write::organisation_by_key},
    error::{ApiError, ApiResult},
};

/// What an import did with one activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Outcome {
    /// A new project link (in a dry run: would be created).
    Created,
    /// The existing link was changed.
    Updated,
    /// The link already says what the activity says, or the activity is older than the one imported.
    Unchanged,
    /// No registry tag: not linked to any plan item.
    Skipped,
    /// Refused; nothing was changed for it.
    Refused,
}

/// Why an activity was refused: the stable error code, the XML path at fault and a message.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Refusal {
    /// `BAD_USER_INPUT`, `FORBIDDEN` or `CONFLICT`.
    pub code: &'static str,
    /// The path of the value at fault, e.g. `budget[2]/value/@currency`.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl Refusal {
    fn of(error: &ApiError) -> Self {
        let (field, message) = match error {
            ApiError::Validation { field, message } => (Some(field.clone()), message.clone()),
            other => (None, other.message()),
        };
        Self {
            code: error.code().as_str(),
            field,
            message,
        }
    }
}

/// The report of one activity.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityReport {
    /// Its place in the file, from 1.
    pub position: u64,
    /// Its IATI identifier, as given.
    pub iati_identifier: Option<String>,
    /// What the import did.
    pub outcome: Outcome,
    /// The project link created, updated or left unchanged.
    pub project_link_id: Option<Uuid>,
    /// The canonical codes of the plan items it links to.
    pub plan_items: Vec<String>,
    /// Participating organisations the registry does not know (`ref`, or the name): not created.
    pub unknown_organisations: Vec<String>,
    /// Why it was left unchanged or skipped.
    pub note: Option<String>,
    /// Why it was refused.
    pub refusal: Option<Refusal>,
}

impl ActivityReport {
    fn new(position: u64, iati_identifier: Option<String>, outcome: Outcome) -> Self {
        Self {
            position,
            iati_identifier,
            outcome,
            project_link_id: None,
            plan_items: Vec::new(),
            unknown_organisations: Vec::new(),
            note: None,
            refusal: None,
        }
    }
}

/// The totals of an import.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    /// Whether nothing was written.
    pub dry_run: bool,
    /// Activities read.
    pub activities: u64,
    /// Links created.
    pub created: u64,
    /// Links updated.
    pub updated: u64,
    /// Activities whose link was left unchanged.
    pub unchanged: u64,
    /// Activities without a registry tag.
    pub skipped: u64,
    /// Activities refused.
    pub refused: u64,
    /// Why reading stopped before the end of the file (the activities before it were imported).
    pub file_error: Option<String>,
}

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The organisation that owns the links (code or identifier); when left out, the acting
    /// organisation, or for the operator each activity's reporting organisation.
    pub owner: Option<String>,
    /// Report without writing.
    pub dry_run: bool,
    /// The reader's limits.
    pub limits: Limits,
}

/// Imports the activities of `source` as `actor`, calling `each` with every activity's report as
/// it is done. Refuses the whole import (before reading) when the actor may not write the owner's
/// project links; a database failure stops it. A file that stops being readable stops the
/// import there: the summary says why (to change nothing on a bad file, `check` it first).
pub async fn import_activities(
    db: &DatabaseConnection,
    actor: &Actor,
    source: impl BufRead,
    options: &ImportOptions,
    mut each: impl FnMut(&ActivityReport),
) -> ApiResult<ImportSummary> {
    // Named, or the acting organisation; the operator naming none imports each activity for its
    // reporting organisation.
    let owner = match options.owner.as_deref() {
        Some(key) => Some(organisation_by_key(db, "owner", key).await?),
        None => match actor.organisation() {
            Some(id) => Some(
                entity::organisation::Entity::find_by_id(id)
                    .one(db)
                    .await?
                    .ok_or_else(|| {
                        ApiError::invalid("owner", "the acting organisation is not in the registry")
                    })?,
            ),
            None => None,
        },
    };
    if let Some(owner) = &owner {
        actor.require_owner(Scope::ProjectsWrite, owner.id)?;
    }
    let mut summary = ImportSummary {
        dry_run: options.dry_run,
        ..ImportSummary::default()
    };
    let mut reader = reader::ActivityReader::new(source, options.limits);
    loop {
        let activity = match reader.next_activity() {
            Ok(Some(activity)) => activity,
            Ok(None) => break,
            Err(error) => {
                summary.file_error = Some(error.message);
                break;
            }
        };
        summary.activities += 1;
        let report = match apply::apply(db, actor, owner.as_ref(), &activity, options.dry_run).await {
            Ok(report) => report,
            Err(error @ (ApiError::Database(_) | ApiError::Internal(_))) => return Err(error),
            Err(error) => {
                let mut report =
                    ActivityReport::new(activity.position, activity.identifier.clone(), Outcome::Refused);
                report.refusal = Some(Refusal::of(&error));
                report
            }
        };
        match report.outcome {
            Outcome::Created => summary.created += 1,
            Outcome::Updated => summary.updated += 1,
            Outcome::Unchanged => summary.unchanged += 1,
            Outcome::Skipped => summary.skipped += 1,
            Outcome::Refused => summary.refused += 1,
        }
        each(&report);
    }
    Ok(summary)
}
