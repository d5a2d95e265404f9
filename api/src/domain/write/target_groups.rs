//! The target-group vocabulary, changed by registry administrators only.

use entity::{enums::VocabularyStatus, target_group};

use super::prelude::*;

/// A new target group.
#[derive(Debug, Clone)]
pub struct NewTargetGroup {
    /// Code of the vocabulary version.
    pub vocabulary: String,
    /// Stable code.
    pub code: String,
    /// Labels.
    pub label: Bilingual,
    /// Descriptions.
    pub description: Bilingual,
}

/// Creates a target group at the end of its vocabulary (an edition: see `super::vocabulary_editions`).
pub async fn create_target_group(
    write: &mut WriteTransaction,
    input: NewTargetGroup,
) -> ApiResult<target_group::Model> {
    write.actor.require(Scope::Admin)?;
    let db = &write.txn;
    let vocabulary = edition_by_code(db, "input.vocabulary", &input.vocabulary).await?;
    let code = validation::code("input.code", &input.code)?;
    if exists(
        db,
        target_group::Entity::find().filter(target_group::Column::Code.eq(&code)),
    )
    .await?
    {
        return Err(ApiError::invalid(
            "input.code",
            format!("a target group `{code}` already exists"),
        ));
    }
    // At the end of the edition's list, after its own groups and those it carries over.
    let position = crate::domain::target_groups::edition_members(db, vocabulary.id)
        .await?
        .iter()
        .map(|m| i64::from(m.position))
        .max()
        .unwrap_or(0);
    let label = input.label.checked("input.label", 500)?;
    let description = input.description.checked("input.description", 5000)?;
    let model = new_row!(target_group::Model {
        id: new_id(),
        vocabulary_id: vocabulary.id,
        code,
        position: i32::try_from(position + 1).unwrap_or(i32::MAX),
        label_uk: label.uk.clone(),
        label_en: label.en.clone(),
        description_uk: description.uk,
        description_en: description.en,
        status: VocabularyStatus::Active,
        replaced_by_id: None,
    });
    label.required("input.labelUk", "label")?;
    write.create(model).await
}

/// Changes to a target group's texts.
#[derive(Debug, Clone, Default)]
pub struct TargetGroupChanges {
    /// Labels.
    pub label: BilingualPatch,
    /// Descriptions.
    pub description: BilingualPatch,
}

/// Changes a target group's texts based on `version`.
pub async fn update_target_group(
    write: &mut WriteTransaction,
    id: Uuid,
    version: i32,
    changes: TargetGroupChanges,
) -> ApiResult<target_group::Model> {
    write.actor.require(Scope::Admin)?;
    let mut after = write.edit::<target_group::Model>(id, version).await?;
    let row = &mut *after;
    let label = changes
        .label
        .apply("input.label", 500, &mut row.label_uk, &mut row.label_en)?;
    label.required("input.labelUk", "label")?;
    changes.description.apply(
        "input.description",
        5000,
        &mut row.description_uk,
        &mut row.description_en,
    )?;
    write.save(after, Action::Update).await
}

/// Withdraws a target group, optionally naming the group that replaces it.
pub async fn withdraw_target_group(
    write: &mut WriteTransaction,
    id: Uuid,
    version: i32,
    replaced_by: Option<&str>,
) -> ApiResult<target_group::Model> {
    write.actor.require(Scope::Admin)?;
    let mut after = write.edit::<target_group::Model>(id, version).await?;
    if after.status == VocabularyStatus::Withdrawn {
        return Err(ApiError::invalid(
            "input.id",
            "the target group is already withdrawn",
        ));
    }
    let replacement = match replaced_by {
        Some(code) => {
            let group = group_by_code(&write.txn, "input.replacedBy", code).await?;
            if group.id == id || group.status == VocabularyStatus::Withdrawn {
                return Err(ApiError::invalid(
                    "input.replacedBy",
                    "the replacement must be another active group",
                ));
            }
            Some(group.id)
        }
        None => None,
    };
    after.status = VocabularyStatus::Withdrawn;
    after.replaced_by_id = replacement;
    write.save(after, Action::Withdraw).await
}
