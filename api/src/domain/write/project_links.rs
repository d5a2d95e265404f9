//! Creating, changing and withdrawing project links (by the organisations that own them).

use chrono::NaiveDate;
use entity::{
    enums::ParticipantRole, project_dac_purpose, project_link, project_participant, project_plan_item,
    project_region,
};
use sea_orm::IntoActiveModel;

use super::{prelude::*, rows::Row};

/// A budget as the client gives it.
#[derive(Debug, Clone)]
pub struct BudgetInput {
    /// Decimal amount, e.g. `1250.50`.
    pub amount: String,
    /// ISO 4217 currency.
    pub currency: String,
}

/// The fields of a project link.
#[derive(Debug, Clone, Default)]
pub struct ProjectLinkFields {
    /// Titles.
    pub title: BilingualPatch,
    /// IATI activity identifier.
    pub iati_identifier: Patch<String>,
    /// Budget.
    pub budget: Patch<BudgetInput>,
    /// Start date.
    pub start_date: Patch<NaiveDate>,
    /// End date.
    pub end_date: Patch<NaiveDate>,
    /// Public page.
    pub url: Patch<String>,
    /// OECD gender marker 0-2.
    pub gender_marker: Patch<i32>,
    /// DAC purpose codes (replaces the list when given).
    pub dac_purposes: Option<Vec<String>>,
    /// Participants as (organisation code or identifier, role) (replaces the list when given).
    pub participants: Option<Vec<(String, ParticipantRole)>>,
    /// ISO region codes (replaces the list when given).
    pub regions: Option<Vec<String>>,
}

async fn apply(
    write: &WriteTransaction,
    link: &mut project_link::Model,
    fields: &ProjectLinkFields,
) -> ApiResult<()> {
    let db = &write.txn;
    let title = fields
        .title
        .clone()
        .apply("input.title", 1000, &mut link.title_uk, &mut link.title_en)?;
    title.required("input.titleEn", "title")?;
    if let Some(v) = &fields.iati_identifier {
        link.iati_identifier = match v {
            Some(text) => {
                let id = validation::iati_identifier("input.iatiIdentifier", text)?;
                let taken = project_link::Entity::find()
                    .filter(project_link::Column::IatiIdentifier.eq(&id))
                    .filter(project_link::Column::Id.ne(link.id));
                if exists(db, taken).await? {
                    return Err(ApiError::invalid(
                        "input.iatiIdentifier",
                        format!("`{id}` is already linked"),
                    ));
                }
                Some(id)
            }
            None => None,
        };
    }
    if let Some(v) = &fields.budget {
        match v {
            Some(budget) => {
                link.budget_amount_cents =
                    Some(validation::amount_cents("input.budget.amount", &budget.amount)?);
                link.budget_currency = Some(validation::currency("input.budget.currency", &budget.currency)?);
            }
            None => {
                link.budget_amount_cents = None;
                link.budget_currency = None;
            }
        }
    }
    if let Some(v) = fields.start_date {
        link.start_date = v;
    }
    if let Some(v) = fields.end_date {
        link.end_date = v;
    }
    if let (Some(start), Some(end)) = (link.start_date, link.end_date)
        && end < start
    {
        return Err(ApiError::invalid(
            "input.endDate",
            "the project ends before it starts",
        ));
    }
    if let Some(v) = &fields.url {
        link.url = v
            .as_deref()
            .map(|u| validation::url("input.url", u))
            .transpose()?;
    }
    if let Some(v) = fields.gender_marker {
        link.gender_marker = match v {
            Some(marker @ 0..=2) => Some(i16::try_from(marker).unwrap_or_default()),
            Some(other) => {
                return Err(ApiError::invalid(
                    "input.genderMarker",
                    format!("{other} is not 0, 1 or 2"),
                ));
            }
            None => None,
        };
    }
    link.search_text = search::project_link_text(link);
    Ok(())
}

async fn replace_children(write: &WriteTransaction, id: Uuid, fields: &ProjectLinkFields) -> ApiResult<()> {
    let db = &write.txn;
    if let Some(codes) = &fields.dac_purposes {
        let mut valid = Vec::new();
        for (index, code) in codes.iter().enumerate() {
            valid.push(validation::dac_purpose(
                &format!("input.dacPurposes[{index}]"),
                code,
            )?);
        }
        valid.sort();
        valid.dedup();
        let rows = valid.into_iter().map(|code| {
            new_row!(project_dac_purpose::Model {
                id: new_id(),
                project_link_id: id,
                code,
            })
        });
        replace(write, project_dac_purpose::Column::ProjectLinkId, id, rows).await?;
    }
    if let Some(participants) = &fields.participants {
        let mut rows: Vec<(Uuid, ParticipantRole)> = Vec::new();
        for (index, (key, role)) in participants.iter().enumerate() {
            let organisation =
                organisation_by_key(db, &format!("input.participants[{index}].organisation"), key).await?;
            if !rows.contains(&(organisation.id, *role)) {
                rows.push((organisation.id, *role));
            }
        }
        let rows = rows.into_iter().map(|(organisation_id, role)| {
            new_row!(project_participant::Model {
                id: new_id(),
                project_link_id: id,
                organisation_id,
                role,
            })
        });
        replace(write, project_participant::Column::ProjectLinkId, id, rows).await?;
    }
    if let Some(codes) = &fields.regions {
        let mut ids = Vec::new();
        for (index, code) in codes.iter().enumerate() {
            let region = region_by_code(db, &format!("input.regions[{index}]"), code).await?;
            if !ids.contains(&region) {
                ids.push(region);
            }
        }
        let rows = ids.into_iter().map(|region_id| {
            new_row!(project_region::Model {
                id: new_id(),
                project_link_id: id,
                region_id,
            })
        });
        replace(write, project_region::Column::ProjectLinkId, id, rows).await?;
    }
    Ok(())
}

/// Replaces the rows of link `id` in a table of its parts (`link_column` naming the link) with
/// `rows`.
pub async fn replace<R: Row + IntoActiveModel<R::Active>>(
    write: &WriteTransaction,
    link_column: <R::Entity as EntityTrait>::Column,
    id: Uuid,
    rows: impl IntoIterator<Item = R>,
) -> ApiResult<()> {
    R::Entity::delete_many()
        .filter(link_column.eq(id))
        .exec(&write.txn)
        .await?;
    for row in rows {
        write.insert(row).await?;
    }
    Ok(())
}

/// Creates a project link owned by `owner` (the acting organisation when left out), linked to
/// the plan items with canonical codes `plan_items`.
pub async fn create_project_link(
    write: &mut WriteTransaction,
    owner: Option<&str>,
    fields: ProjectLinkFields,
    plan_items: &[String],
) -> ApiResult<project_link::Model> {
    let owner = match owner {
        Some(key) => organisation_by_key(&write.txn, "input.owner", key).await?.id,
        None => write
            .actor
            .organisation()
            .ok_or_else(|| ApiError::invalid("input.owner", "required from the command line"))?,
    };
    write.actor.require_owner(Scope::ProjectsWrite, owner)?;
    let mut link = new_row!(project_link::Model {
        id: new_id(),
        title_uk: None,
        title_en: None,
        iati_identifier: None,
        budget_amount_cents: None,
        budget_currency: None,
        start_date: None,
        end_date: None,
        url: None,
        gender_marker: None,
        owner_organisation_id: owner,
        search_text: String::new(),
        withdrawn_at: None,
        withdrawal_reason: None,
    });
    apply(write, &mut link, &fields).await?;
    let created = write.create(link).await?;
    replace_children(write, created.id, &fields).await?;
    for (index, code) in plan_items.iter().enumerate() {
        let item = item_by_code(&write.txn, &format!("input.planItems[{index}]"), code).await?;
        let linked = project_plan_item::Entity::find()
            .filter(project_plan_item::Column::ProjectLinkId.eq(created.id))
            .filter(project_plan_item::Column::PlanItemId.eq(item.id));
        if !exists(&write.txn, linked).await? {
            write
                .insert(new_row!(project_plan_item::Model {
                    id: new_id(),
                    project_link_id: created.id,
                    plan_item_id: item.id,
                }))
                .await?;
        }
    }
    Ok(created)
}

/// The project link with key `id`, for a change made on the client's `version`, if the actor may
/// change its owner's links.
async fn editable_link(
    write: &WriteTransaction,
    id: Uuid,
    version: i32,
) -> ApiResult<Edit<project_link::Model>> {
    let before = write.load_object::<project_link::Model>(id).await?;
    write
        .actor
        .require_owner(Scope::ProjectsWrite, before.owner_organisation_id)?;
    Edit::based_on(before, version)
}

/// Changes a project link based on `version`.
pub async fn update_project_link(
    write: &mut WriteTransaction,
    id: Uuid,
    version: i32,
    fields: ProjectLinkFields,
) -> ApiResult<project_link::Model> {
    let mut after = editable_link(write, id, version).await?;
    if after.withdrawn_at.is_some() {
        return Err(ApiError::invalid(
            "input.id",
            "the project link is withdrawn; withdrawn links are not changed",
        ));
    }
    apply(write, &mut after, &fields).await?;
    replace_children(write, id, &fields).await?;
    write.save(after, Action::Update).await
}

/// Withdraws a project link with a reason.
pub async fn withdraw_project_link(
    write: &mut WriteTransaction,
    id: Uuid,
    version: i32,
    reason: &str,
) -> ApiResult<project_link::Model> {
    let mut after = editable_link(write, id, version).await?;
    after.withdraw("the project link", reason, write.now)?;
    write.save(after, Action::Withdraw).await
}
