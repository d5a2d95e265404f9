//! Organisations, changed by registry administrators (and the operator's command line). A new
//! name is added to the name history instead of overwriting it.

use entity::{
    enums::OrganisationKind, organisation, organisation_identifier, organisation_name,
    organisation_succession,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use super::{Patch, existing, organisation_by_key, region_by_code, withdrawn};
use crate::{
    domain::{
        access::Scope,
        audit::{Action, Change, WriteTransaction, check_version},
        ids::new_id,
        search, validation,
    },
    error::{ApiError, ApiResult},
};

/// A new organisation.
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    /// Registry code, e.g. `ua-womens-fund`.
    pub code: String,
    /// Kind of body.
    pub kind: OrganisationKind,
    /// Ukrainian name.
    pub name_uk: Option<String>,
    /// English name.
    pub name_en: Option<String>,
    /// Org-id identifiers.
    pub identifiers: Vec<String>,
    /// ISO code of the region it serves.
    pub region: Option<String>,
}

async fn add_identifiers(
    write: &WriteTransaction,
    organisation: Uuid,
    identifiers: &[String],
) -> ApiResult<()> {
    for (index, text) in identifiers.iter().enumerate() {
        let field = format!("input.identifiers[{index}]");
        let identifier = validation::organisation_identifier(&field, text)?;
        let taken = organisation_identifier::Entity::find()
            .filter(organisation_identifier::Column::Identifier.eq(&identifier))
            .count(&write.txn)
            .await?;
        if taken > 0 {
            return Err(ApiError::invalid(
                field,
                format!("`{identifier}` already identifies an organisation"),
            ));
        }
        let scheme = crate::reference_data::canonical::identifier_scheme(&identifier).unwrap_or_default();
        organisation_identifier::Model {
            id: new_id(),
            organisation_id: organisation,
            scheme,
            identifier,
            created_at: write.now,
            updated_at: write.now,
            version: 1,
        }
        .into_active_model()
        .reset_all()
        .insert(&write.txn)
        .await?;
    }
    Ok(())
}

async fn refresh_search_text(
    write: &WriteTransaction,
    organisation: &mut organisation::Model,
) -> ApiResult<()> {
    let identifiers = organisation_identifier::Entity::find()
        .filter(organisation_identifier::Column::OrganisationId.eq(organisation.id))
        .all(&write.txn)
        .await?;
    let names = organisation_name::Entity::find()
        .filter(organisation_name::Column::OrganisationId.eq(organisation.id))
        .all(&write.txn)
        .await?;
    let extra: Vec<String> = identifiers
        .into_iter()
        .map(|i| i.identifier)
        .chain(names.into_iter().flat_map(|n| [n.name_uk, n.name_en]).flatten())
        .collect();
    organisation.search_text = search::organisation_text(organisation, extra.iter().map(String::as_str));
    Ok(())
}

/// Creates an organisation.
pub async fn create_organisation(
    write: &mut WriteTransaction,
    input: NewOrganisation,
) -> ApiResult<organisation::Model> {
    write.actor.require(Scope::Admin)?;
    let code = validation::code("input.code", &input.code)?;
    if organisation::Entity::find()
        .filter(organisation::Column::Code.eq(&code))
        .count(&write.txn)
        .await?
        > 0
    {
        return Err(ApiError::invalid(
            "input.code",
            format!("an organisation `{code}` already exists"),
        ));
    }
    let region_id = match &input.region {
        Some(code) => Some(region_by_code(&write.txn, "input.region", code).await?),
        None => None,
    };
    let name_uk = validation::optional_text("input.nameUk", input.name_uk.as_deref(), 500)?;
    let name_en = validation::optional_text("input.nameEn", input.name_en.as_deref(), 500)?;
    if name_uk.is_none() && name_en.is_none() {
        return Err(ApiError::invalid(
            "input.nameUk",
            "give a name in at least one language",
        ));
    }
    let model = organisation::Model {
        id: new_id(),
        code,
        kind: input.kind,
        name_uk: name_uk.clone(),
        name_en: name_en.clone(),
        region_id,
        search_text: String::new(),
        withdrawn_at: None,
        withdrawal_reason: None,
        created_at: write.now,
        updated_at: write.now,
        version: 1,
    };
    let created = model.into_active_model().reset_all().insert(&write.txn).await?;
    organisation_name::Model {
        id: new_id(),
        organisation_id: created.id,
        name_uk,
        name_en,
        valid_from: Some(write.now.date_naive()),
        valid_until: None,
        created_at: write.now,
        updated_at: write.now,
        version: 1,
    }
    .into_active_model()
    .reset_all()
    .insert(&write.txn)
    .await?;
    add_identifiers(write, created.id, &input.identifiers).await?;
    let mut created = created;
    refresh_search_text(write, &mut created).await?;
    let created = created.into_active_model().reset_all().update(&write.txn).await?;
    write.audit(change(&created, Action::Create, None)).await?;
    Ok(created)
}

/// Changes to an organisation; a changed name closes the current name in the history.
#[derive(Debug, Clone, Default)]
pub struct OrganisationChanges {
    /// Kind.
    pub kind: Option<OrganisationKind>,
    /// New Ukrainian name.
    pub name_uk: Patch<String>,
    /// New English name.
    pub name_en: Patch<String>,
    /// ISO region code.
    pub region: Patch<String>,
    /// Identifiers to add.
    pub add_identifiers: Vec<String>,
}

/// Changes an organisation based on `version`.
pub async fn update_organisation(
    write: &mut WriteTransaction,
    id: Uuid,
    version: i32,
    changes: OrganisationChanges,
) -> ApiResult<organisation::Model> {
    write.actor.require(Scope::Admin)?;
    let before = existing::<organisation::Entity>(&write.txn, id, "organisation").await?;
    check_version(version, before.version, "the organisation")?;
    let mut after = before.clone();
    after.kind = changes.kind.unwrap_or(after.kind);
    if let Some(v) = changes.name_uk {
        after.name_uk = validation::optional_text("input.nameUk", v.as_deref(), 500)?;
    }
    if let Some(v) = changes.name_en {
        after.name_en = validation::optional_text("input.nameEn", v.as_deref(), 500)?;
    }
    if after.name_uk.is_none() && after.name_en.is_none() {
        return Err(ApiError::invalid(
            "input.nameUk",
            "give a name in at least one language",
        ));
    }
    if let Some(region) = changes.region {
        after.region_id = match region {
            Some(code) => Some(region_by_code(&write.txn, "input.region", &code).await?),
            None => None,
        };
    }
    if (after.name_uk.clone(), after.name_en.clone()) != (before.name_uk.clone(), before.name_en.clone()) {
        let today = write.now.date_naive();
        let current = organisation_name::Entity::find()
            .filter(organisation_name::Column::OrganisationId.eq(id))
            .filter(organisation_name::Column::ValidUntil.is_null())
            .all(&write.txn)
            .await?;
        for name in current {
            let mut closed = name.clone();
            closed.valid_until = Some(today);
            closed.updated_at = write.now;
            closed.version += 1;
            closed.into_active_model().reset_all().update(&write.txn).await?;
        }
        organisation_name::Model {
            id: new_id(),
            organisation_id: id,
            name_uk: after.name_uk.clone(),
            name_en: after.name_en.clone(),
            valid_from: Some(today),
            valid_until: None,
            created_at: write.now,
            updated_at: write.now,
            version: 1,
        }
        .into_active_model()
        .reset_all()
        .insert(&write.txn)
        .await?;
    }
    add_identifiers(write, id, &changes.add_identifiers).await?;
    refresh_search_text(write, &mut after).await?;
    after.updated_at = write.now;
    after.version += 1;
    let saved = after.into_active_model().reset_all().update(&write.txn).await?;
    write.audit(change(&saved, Action::Update, Some(&before))).await?;
    Ok(saved)
}

/// Withdraws an organisation (it ceased or was reorganised), optionally naming its successor.
pub async fn withdraw_organisation(
    write: &mut WriteTransaction,
    id: Uuid,
    version: i32,
    reason: &str,
    successor: Option<&str>,
) -> ApiResult<organisation::Model> {
    write.actor.require(Scope::Admin)?;
    let before = existing::<organisation::Entity>(&write.txn, id, "organisation").await?;
    check_version(version, before.version, "the organisation")?;
    let after = withdrawn(&before, "the organisation", reason, write.now)?;
    if let Some(key) = successor {
        let successor = organisation_by_key(&write.txn, "input.successor", key).await?;
        if successor.id == id {
            return Err(ApiError::invalid(
                "input.successor",
                "an organisation cannot succeed itself",
            ));
        }
        organisation_succession::Model {
            id: new_id(),
            predecessor_id: id,
            successor_id: successor.id,
            effective_on: Some(write.now.date_naive()),
            note: Some(reason.to_owned()),
            created_at: write.now,
            updated_at: write.now,
            version: 1,
        }
        .into_active_model()
        .reset_all()
        .insert(&write.txn)
        .await?;
    }
    let saved = after.into_active_model().reset_all().update(&write.txn).await?;
    write
        .audit(change(&saved, Action::Withdraw, Some(&before)))
        .await?;
    Ok(saved)
}

fn change<'a>(
    after: &'a organisation::Model,
    action: Action,
    before: Option<&'a organisation::Model>,
) -> Change<'a, organisation::Model> {
    Change {
        entity_type: "Organisation",
        entity_id: after.id,
        entity_code: Some(&after.code),
        action,
        version: after.version,
        before,
        after: Some(after),
        public: true,
    }
}
