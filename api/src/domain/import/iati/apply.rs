//! Applying one resolved activity: create or update its project link (by IATI identifier), or
//! leave it when nothing changed since the last import, each in its own write with one audit
//! event; a dry run stops before writing.

use entity::{organisation, project_budget, project_iati_record, project_link, project_plan_item};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::{
    ActivityReport, Outcome,
    reader::Activity,
    resolve::{Resolved, resolve},
};
use crate::domain::{bilingual::Bilingual, write::rows::new_row};
use crate::{
    domain::{
        access::Actor,
        audit::WriteTransaction,
        ids::new_id,
        write::{
            item_by_code,
            project_links::{
                BudgetInput, ProjectLinkFields, create_project_link, replace, update_project_link,
            },
        },
    },
    error::{ApiError, ApiResult},
};

fn fields(resolved: &Resolved) -> ProjectLinkFields {
    // The link's own budget holds one currency; with several, the totals are in project_budgets only.
    let budget = match resolved.budgets.iter().collect::<Vec<_>>().as_slice() {
        [(currency, cents)] => Some(BudgetInput {
            amount: format!("{}.{:02}", *cents / 100, *cents % 100),
            currency: (*currency).clone(),
        }),
        _ => None,
    };
    ProjectLinkFields {
        title: Bilingual::new(resolved.title_uk.clone(), resolved.title_en.clone()).into(),
        iati_identifier: Some(Some(resolved.identifier.clone())),
        budget: Some(budget),
        start_date: Some(resolved.start_date),
        end_date: Some(resolved.end_date),
        url: None,
        gender_marker: Some(resolved.gender_marker),
        dac_purposes: Some(resolved.dac_purposes.clone()),
        participants: Some(resolved.participants.clone()),
        regions: Some(resolved.regions.clone()),
    }
}

/// Replaces what the link holds beyond its own row: plan items, budgets per currency and the
/// import record.
async fn store_parts(
    write: &WriteTransaction,
    link: &project_link::Model,
    resolved: &Resolved,
    digest: String,
) -> ApiResult<()> {
    let db = &write.txn;
    let mut items = Vec::new();
    for (index, code) in resolved.plan_items.iter().enumerate() {
        let item = item_by_code(db, &format!("tag[{}]/@code", index + 1), code).await?;
        items.push(new_row!(project_plan_item::Model {
            id: new_id(),
            project_link_id: link.id,
            plan_item_id: item.id,
        }));
    }
    replace(write, project_plan_item::Column::ProjectLinkId, link.id, items).await?;
    let budgets: Vec<_> = resolved
        .budgets
        .iter()
        .map(|(currency, cents)| {
            new_row!(project_budget::Model {
                id: new_id(),
                project_link_id: link.id,
                currency: currency.clone(),
                amount_cents: *cents,
            })
        })
        .collect();
    replace(write, project_budget::Column::ProjectLinkId, link.id, budgets).await?;
    let stored = project_iati_record::Entity::find()
        .filter(project_iati_record::Column::ProjectLinkId.eq(link.id))
        .one(db)
        .await?;
    match stored {
        Some(stored) => {
            let mut row = stored.clone();
            row.last_updated_at = resolved.last_updated;
            row.content_digest = digest;
            write.update_part(&stored, row).await?;
        }
        None => {
            write
                .insert(new_row!(project_iati_record::Model {
                    id: new_id(),
                    project_link_id: link.id,
                    last_updated_at: resolved.last_updated,
                    content_digest: digest,
                }))
                .await?;
        }
    }
    Ok(())
}

/// Whether the stored link already reflects the activity: the same content, or an activity no
/// newer than the one imported. Gives the note for the report.
async fn unchanged_note(
    db: &impl ConnectionTrait,
    link: &project_link::Model,
    resolved: &Resolved,
    digest: &str,
) -> ApiResult<Option<String>> {
    let Some(record) = project_iati_record::Entity::find()
        .filter(project_iati_record::Column::ProjectLinkId.eq(link.id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if let (Some(stored), Some(given)) = (record.last_updated_at, resolved.last_updated)
        && given < stored
    {
        return Ok(Some(format!(
            "last-updated-datetime {given} is older than the {stored} already imported"
        )));
    }
    Ok((record.content_digest == digest).then(|| "the link already says what the activity says".to_owned()))
}

/// The owner of an activity's link when the import names none: the registry organisation its
/// `<reporting-org>` names (by org-id identifier or registry code), if the actor may write its links.
async fn reporting_owner(
    db: &DatabaseConnection,
    actor: &Actor,
    activity: &Activity,
) -> ApiResult<organisation::Model> {
    let field = "reporting-org/@ref";
    let key = activity.reporting_org.as_deref().ok_or_else(|| {
        ApiError::invalid(
            field,
            "the activity names no reporting organisation: name the owner of its link (`--org`)",
        )
    })?;
    let owner = crate::domain::organisations::find_organisation(db, key)
        .await?
        .ok_or_else(|| {
            ApiError::invalid(
                field,
                format!(
                    "the reporting organisation `{key}` is not in the registry: register it, or name the owner of the link (`--org`)"
                ),
            )
        })?;
    actor.require_owner(crate::domain::access::Scope::ProjectsWrite, owner.id)?;
    Ok(owner)
}

/// Applies `activity` for `owner` (for its reporting organisation when `None`); errors refuse it
/// (nothing written for it).
pub async fn apply(
    db: &DatabaseConnection,
    actor: &Actor,
    owner: Option<&organisation::Model>,
    activity: &Activity,
    dry_run: bool,
) -> ApiResult<ActivityReport> {
    let Some(resolved) = resolve(db, activity).await? else {
        let mut report =
            ActivityReport::new(activity.position, activity.identifier.clone(), Outcome::Skipped);
        report.note = Some("no registry tag: the activity links to no plan item".to_owned());
        return Ok(report);
    };
    let reporting;
    let owner = match owner {
        Some(owner) => owner,
        None => {
            reporting = reporting_owner(db, actor, activity).await?;
            &reporting
        }
    };
    let digest = resolved.digest()?;
    let existing = project_link::Entity::find()
        .filter(project_link::Column::IatiIdentifier.eq(&resolved.identifier))
        .one(db)
        .await?;
    let mut report = ActivityReport::new(
        activity.position,
        Some(resolved.identifier.clone()),
        Outcome::Created,
    );
    report.plan_items = resolved.plan_items.clone();
    report.unknown_organisations = resolved.unknown_organisations.clone();
    match existing {
        Some(link) => {
            if link.owner_organisation_id != owner.id {
                return Err(ApiError::Forbidden(format!(
                    "the project link `{}` belongs to another organisation",
                    resolved.identifier
                )));
            }
            if link.withdrawn_at.is_some() {
                return Err(ApiError::invalid(
                    "iati-identifier",
                    "the project link is withdrawn; withdrawn links are not changed",
                ));
            }
            report.project_link_id = Some(link.id);
            if let Some(note) = unchanged_note(db, &link, &resolved, &digest).await? {
                report.outcome = Outcome::Unchanged;
                report.note = Some(note);
                return Ok(report);
            }
            report.outcome = Outcome::Updated;
            if dry_run {
                return Ok(report);
            }
            let mut write = WriteTransaction::begin(db, actor).await?;
            let saved = update_project_link(&mut write, link.id, link.version, fields(&resolved)).await?;
            store_parts(&write, &saved, &resolved, digest).await?;
            write.commit().await?;
        }
        None => {
            if dry_run {
                return Ok(report);
            }
            let mut write = WriteTransaction::begin(db, actor).await?;
            let created = create_project_link(&mut write, Some(&owner.code), fields(&resolved), &[]).await?;
            store_parts(&write, &created, &resolved, digest).await?;
            write.commit().await?;
            report.project_link_id = Some(created.id);
        }
    }
    Ok(report)
}
