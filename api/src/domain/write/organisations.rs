//! Organisations, changed by registry administrators (and the operator's command line). A new
//! name is added to the name history instead of overwriting it.

use chrono::NaiveDate;
use entity::{
    enums::OrganisationKind, organisation, organisation_identifier, organisation_name,
    organisation_succession,
};

use super::prelude::*;

/// A new organisation.
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    /// Registry code, e.g. `ua-womens-fund`.
    pub code: String,
    /// Kind of body.
    pub kind: OrganisationKind,
    /// Names.
    pub name: Bilingual,
    /// Org-id identifiers.
    pub identifiers: Vec<String>,
    /// ISO code of the region it serves.
    pub region: Option<String>,
}

/// The identifiers `identifiers` as valid and not yet used (in the registry or earlier in the list).
async fn new_identifiers(write: &WriteTransaction, identifiers: &[String]) -> ApiResult<Vec<String>> {
    let mut valid: Vec<String> = Vec::new();
    for (index, text) in identifiers.iter().enumerate() {
        let field = format!("input.identifiers[{index}]");
        let identifier = validation::organisation_identifier(&field, text)?;
        let taken = organisation_identifier::Entity::find()
            .filter(organisation_identifier::Column::Identifier.eq(&identifier));
        if exists(&write.txn, taken).await? || valid.contains(&identifier) {
            return Err(ApiError::invalid(
                field,
                format!("`{identifier}` already identifies an organisation"),
            ));
        }
        valid.push(identifier);
    }
    Ok(valid)
}

/// Stores the checked `identifiers` of `organisation`.
async fn add_identifiers(
    write: &WriteTransaction,
    organisation: Uuid,
    identifiers: Vec<String>,
) -> ApiResult<()> {
    for identifier in identifiers {
        write
            .insert(new_row!(organisation_identifier::Model {
                id: new_id(),
                organisation_id: organisation,
                scheme: validation::identifier_scheme(&identifier).unwrap_or_default(),
                identifier,
            }))
            .await?;
    }
    Ok(())
}

/// Adds a name to the history of `organisation`, valid from `from`.
async fn add_name(
    write: &WriteTransaction,
    organisation: Uuid,
    name: &Bilingual,
    from: NaiveDate,
) -> ApiResult<()> {
    write
        .insert(new_row!(organisation_name::Model {
            id: new_id(),
            organisation_id: organisation,
            name_uk: name.uk.clone(),
            name_en: name.en.clone(),
            valid_from: Some(from),
            valid_until: None,
        }))
        .await?;
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
    if exists(
        &write.txn,
        organisation::Entity::find().filter(organisation::Column::Code.eq(&code)),
    )
    .await?
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
    let name = input.name.checked("input.name", 500)?;
    name.required("input.nameUk", "name")?;
    let mut model = new_row!(organisation::Model {
        id: new_id(),
        code,
        kind: input.kind,
        name_uk: name.uk.clone(),
        name_en: name.en.clone(),
        region_id,
        search_text: String::new(),
        withdrawn_at: None,
        withdrawal_reason: None,
    });
    let identifiers = new_identifiers(write, &input.identifiers).await?;
    let names = [&name.uk, &name.en].into_iter().flatten();
    model.search_text =
        search::organisation_text(&model, identifiers.iter().chain(names).map(String::as_str));
    let created = write.create(model).await?;
    add_name(
        write,
        created.id,
        &name,
        crate::domain::calendar::kyiv_date(write.now),
    )
    .await?;
    add_identifiers(write, created.id, identifiers).await?;
    Ok(created)
}

/// Changes to an organisation; a changed name closes the current name in the history.
#[derive(Debug, Clone, Default)]
pub struct OrganisationChanges {
    /// Kind.
    pub kind: Option<OrganisationKind>,
    /// New names.
    pub name: BilingualPatch,
    /// ISO region code.
    pub region: Patch<String>,
    /// Identifiers to add.
    pub add_identifiers: Vec<String>,
    /// The day a new name took effect (today when left out); only with a new name.
    pub name_effective_on: Option<NaiveDate>,
}

/// The day a rename takes effect: `given` (else `today`), refused when it is after `today` (a
/// rename is recorded once it has happened) or before the day the current name took effect
/// (`current_from`; the history must stay in order). The old name's last day is that same day.
pub fn rename_effective_on(
    given: Option<NaiveDate>,
    today: NaiveDate,
    current_from: Option<NaiveDate>,
) -> ApiResult<NaiveDate> {
    const FIELD: &str = "input.nameEffectiveOn";
    let day = given.unwrap_or(today);
    if day > today {
        return Err(ApiError::invalid(
            FIELD,
            format!("{day} is in the future; record a rename once it has taken effect"),
        ));
    }
    if let Some(from) = current_from
        && day < from
    {
        return Err(ApiError::invalid(
            FIELD,
            format!("{day} is before {from}, the day the current name took effect"),
        ));
    }
    Ok(day)
}

/// Changes an organisation based on `version`.
pub async fn update_organisation(
    write: &mut WriteTransaction,
    id: Uuid,
    version: i32,
    changes: OrganisationChanges,
) -> ApiResult<organisation::Model> {
    write.actor.require(Scope::Admin)?;
    let mut after = write.edit::<organisation::Model>(id, version).await?;
    after.kind = changes.kind.unwrap_or(after.kind);
    let name = Bilingual::new(after.name_uk.clone(), after.name_en.clone()).patched(
        "input.name",
        500,
        changes.name,
    )?;
    name.required("input.nameUk", "name")?;
    if let Some(region) = changes.region {
        after.region_id = match region {
            Some(code) => Some(region_by_code(&write.txn, "input.region", &code).await?),
            None => None,
        };
    }
    if (&name.uk, &name.en) != (&after.name_uk, &after.name_en) {
        (after.name_uk, after.name_en) = (name.uk.clone(), name.en.clone());
        let current = organisation_name::Entity::find()
            .filter(organisation_name::Column::OrganisationId.eq(id))
            .filter(organisation_name::Column::ValidUntil.is_null())
            .all(&write.txn)
            .await?;
        let effective_on = rename_effective_on(
            changes.name_effective_on,
            crate::domain::calendar::kyiv_date(write.now),
            current.iter().filter_map(|n| n.valid_from).max(),
        )?;
        for name in current {
            let mut closed = name.clone();
            closed.valid_until = Some(effective_on);
            write.update_part(&name, closed).await?;
        }
        add_name(write, id, &name, effective_on).await?;
    } else if changes.name_effective_on.is_some() {
        return Err(ApiError::invalid(
            "input.nameEffectiveOn",
            "given without a new name",
        ));
    }
    let identifiers = new_identifiers(write, &changes.add_identifiers).await?;
    add_identifiers(write, id, identifiers).await?;
    refresh_search_text(write, &mut after).await?;
    write.save(after, Action::Update).await
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
    let mut after = write.edit::<organisation::Model>(id, version).await?;
    after.withdraw("the organisation", reason, write.now)?;
    if let Some(key) = successor {
        let successor = organisation_by_key(&write.txn, "input.successor", key).await?;
        if successor.id == id {
            return Err(ApiError::invalid(
                "input.successor",
                "an organisation cannot succeed itself",
            ));
        }
        write
            .insert(new_row!(organisation_succession::Model {
                id: new_id(),
                predecessor_id: id,
                successor_id: successor.id,
                effective_on: Some(crate::domain::calendar::kyiv_date(write.now)),
                note: Some(reason.to_owned()),
            }))
            .await?;
    }
    write.save(after, Action::Withdraw).await
}

#[cfg(test)]
mod tests {
    use super::rename_effective_on;
    use chrono::NaiveDate;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn rename_effective_on_defaults_to_today_and_refuses_future_and_out_of_order_days() {
        let today = day("2026-12-01");
        assert_eq!(rename_effective_on(None, today, None).ok(), Some(today));
        let past = day("2025-09-15");
        assert_eq!(rename_effective_on(Some(past), today, None).ok(), Some(past));
        assert_eq!(
            rename_effective_on(Some(past), today, Some(past)).ok(),
            Some(past)
        );
        assert!(rename_effective_on(Some(day("2026-12-02")), today, None).is_err());
        assert!(rename_effective_on(Some(past), today, Some(day("2025-09-16"))).is_err());
    }
}
