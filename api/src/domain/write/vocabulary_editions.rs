//! Editions of the target-group vocabulary, changed by registry administrators: a new edition
//! (e.g. for the 2026-2030 plan) following an earlier one, groups carried over unchanged (same
//! code and address), added (`super::target_groups::create_target_group`) and replaced (an old
//! group pointing at a group of the new edition). A rename is an added group with the new wording
//! (a code names one wording for good) that replaces the old one: two writes, since each write is
//! one change of one object with one audit event. An old group stays active in the editions it
//! belongs to, so the items of older plans keep their links; `replacedBy` leads from it to what
//! took its place.

use std::collections::HashSet;

use entity::{enums::VocabularyStatus, target_group, vocabulary, vocabulary_carry_over};

use super::prelude::*;
use crate::domain::target_groups::{EditionMember, edition_members, find_vocabulary_by_code};

/// A new edition of the vocabulary.
#[derive(Debug, Clone)]
pub struct NewEdition {
    /// Stable code, e.g. `UA-NAP-TG-2026`.
    pub code: String,
    /// Edition label, e.g. `2026`.
    pub edition: String,
    /// Titles.
    pub title: Bilingual,
    /// Where the list is published.
    pub source_document: Option<String>,
    /// Code of the edition it follows.
    pub previous_edition: Option<String>,
    /// Carry over every group of the previous edition that is active and not replaced.
    pub carry_over_all: bool,
}

/// Refuses a group that cannot be carried over or replaced: withdrawn, or already replaced.
fn check_current(field: &str, group: &target_group::Model) -> ApiResult<()> {
    if group.status == VocabularyStatus::Withdrawn {
        return Err(ApiError::invalid(
            field,
            format!("target group `{}` is withdrawn", group.code),
        ));
    }
    if group.replaced_by_id.is_some() {
        return Err(ApiError::invalid(
            field,
            format!("target group `{}` is already replaced", group.code),
        ));
    }
    Ok(())
}

/// Adds carry-over rows for `groups` to `edition`, after its current last position.
async fn add_carry_overs(
    write: &WriteTransaction,
    edition: Uuid,
    members: &[EditionMember],
    groups: &[target_group::Model],
) -> ApiResult<()> {
    let last = members.iter().map(|m| m.position).max().unwrap_or(0);
    for (position, group) in (last + 1..).zip(groups) {
        write
            .insert(new_row!(vocabulary_carry_over::Model {
                id: new_id(),
                vocabulary_id: edition,
                target_group_id: group.id,
                position,
            }))
            .await?;
    }
    Ok(())
}

/// Creates an edition of the vocabulary, optionally following `previous_edition` and carrying
/// over all its current groups.
pub async fn create_vocabulary_edition(
    write: &mut WriteTransaction,
    input: NewEdition,
) -> ApiResult<vocabulary::Model> {
    write.actor.require(Scope::Admin)?;
    let code = validation::code("input.code", &input.code)?;
    if find_vocabulary_by_code(&write.txn, &code).await?.is_some() {
        return Err(ApiError::invalid(
            "input.code",
            format!("a vocabulary `{code}` already exists"),
        ));
    }
    let edition = validation::text("input.edition", &input.edition, 64)?;
    let title = input.title.checked("input.title", 1000)?;
    title.required("input.titleUk", "title")?;
    let source_document = match &input.source_document {
        Some(text) => Some(validation::text("input.sourceDocument", text, 2000)?),
        None => None,
    };
    let previous = match &input.previous_edition {
        Some(code) => Some(edition_by_code(&write.txn, "input.previousEdition", code).await?),
        None if input.carry_over_all => {
            return Err(ApiError::invalid(
                "input.carryOverAll",
                "carrying over needs the previous edition (`previousEdition`)",
            ));
        }
        None => None,
    };
    let created = write
        .create(new_row!(vocabulary::Model {
            id: new_id(),
            code,
            edition,
            title_uk: title.uk,
            title_en: title.en,
            status: VocabularyStatus::Active,
            source_document,
            previous_edition_id: previous.as_ref().map(|p| p.id),
        }))
        .await?;
    if let Some(previous) = previous.filter(|_| input.carry_over_all) {
        let groups: Vec<target_group::Model> = edition_members(&write.txn, previous.id)
            .await?
            .into_iter()
            .map(|m| m.group)
            .filter(|g| g.status == VocabularyStatus::Active && g.replaced_by_id.is_none())
            .collect();
        add_carry_overs(write, created.id, &[], &groups).await?;
    }
    Ok(created)
}

/// Carries groups (by code) over into edition `vocabulary` unchanged, at the end of its list. Each
/// must be active, not replaced, and not yet in the edition; the edition grows one version.
pub async fn carry_over_target_groups(
    write: &mut WriteTransaction,
    vocabulary: &str,
    groups: &[String],
) -> ApiResult<vocabulary::Model> {
    write.actor.require(Scope::Admin)?;
    let edition = edition_by_code(&write.txn, "input.vocabulary", vocabulary).await?;
    if groups.is_empty() {
        return Err(ApiError::invalid(
            "input.groups",
            "name at least one target group",
        ));
    }
    let members = edition_members(&write.txn, edition.id).await?;
    let mut seen = HashSet::new();
    let mut chosen = Vec::new();
    for (index, code) in groups.iter().enumerate() {
        let field = format!("input.groups[{index}]");
        let group = group_by_code(&write.txn, &field, code).await?;
        check_current(&field, &group)?;
        if members.iter().any(|m| m.group.id == group.id) || !seen.insert(group.id) {
            return Err(ApiError::invalid(
                field,
                format!("target group `{code}` is already in {}", edition.code),
            ));
        }
        chosen.push(group);
    }
    add_carry_overs(write, edition.id, &members, &chosen).await?;
    write.save(Edit::of(edition), Action::Link).await
}

/// Whether `group` is in edition `edition`.
async fn is_member(write: &WriteTransaction, edition: Uuid, group: &target_group::Model) -> ApiResult<bool> {
    Ok(group.vocabulary_id == edition
        || exists(
            &write.txn,
            vocabulary_carry_over::Entity::find()
                .filter(vocabulary_carry_over::Column::VocabularyId.eq(edition))
                .filter(vocabulary_carry_over::Column::TargetGroupId.eq(group.id)),
        )
        .await?)
}

/// Refuses an old group that is itself in the edition it would be replaced in.
fn not_in_edition(group: &target_group::Model, edition: &vocabulary::Model, member: bool) -> ApiResult<()> {
    if member {
        return Err(ApiError::invalid(
            "input.group",
            format!(
                "target group `{}` is in {}; only a group of an earlier edition is replaced in it",
                group.code, edition.code
            ),
        ));
    }
    Ok(())
}

/// Records that group `group`, of an earlier edition, is replaced in edition `vocabulary` by its
/// group `replaced_by`: renamed (the replacement carries the new wording), or merged with others
/// into one. Returns the old group, one version on.
pub async fn replace_target_group(
    write: &mut WriteTransaction,
    vocabulary: &str,
    group: &str,
    replaced_by: &str,
) -> ApiResult<target_group::Model> {
    write.actor.require(Scope::Admin)?;
    let edition = edition_by_code(&write.txn, "input.vocabulary", vocabulary).await?;
    let old = group_by_code(&write.txn, "input.group", group).await?;
    check_current("input.group", &old)?;
    let member = is_member(write, edition.id, &old).await?;
    not_in_edition(&old, &edition, member)?;
    let replacement = group_by_code(&write.txn, "input.replacedBy", replaced_by).await?;
    // The replacement is not replaced itself: the old group had no replacement either, so
    // `replacedBy` links never form a cycle.
    if replacement.status == VocabularyStatus::Withdrawn
        || replacement.replaced_by_id.is_some()
        || !is_member(write, edition.id, &replacement).await?
    {
        return Err(ApiError::invalid(
            "input.replacedBy",
            format!(
                "the replacement must be an active, not replaced group of {}; `{replaced_by}` is not",
                edition.code
            ),
        ));
    }
    let mut replaced = Edit::of(old);
    replaced.replaced_by_id = Some(replacement.id);
    write.save(replaced, Action::Update).await
}
