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
    /// Ukrainian label.
    pub label_uk: Option<String>,
    /// English label.
    pub label_en: Option<String>,
    /// Ukrainian description.
    pub description_uk: Option<String>,
    /// English description.
    pub description_en: Option<String>,
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
    let label = Bilingual::given(
        "input.label",
        500,
        input.label_uk.as_deref(),
        input.label_en.as_deref(),
    )?;
    let description = Bilingual::given(
        "input.description",
        5000,
        input.description_uk.as_deref(),
        input.description_en.as_deref(),
    )?;
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
    /// Ukrainian label.
    pub label_uk: Patch<String>,
    /// English label.
    pub label_en: Patch<String>,
    /// Ukrainian description.
    pub description_uk: Patch<String>,
    /// English description.
    pub description_en: Patch<String>,
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
    let label = Bilingual::new(after.label_uk.take(), after.label_en.take()).patched(
        "input.label",
        500,
        changes.label_uk,
        changes.label_en,
    )?;
    label.required("input.labelUk", "label")?;
    let description = Bilingual::new(after.description_uk.take(), after.description_en.take()).patched(
        "input.description",
        5000,
        changes.description_uk,
        changes.description_en,
    )?;
    (after.label_uk, after.label_en) = (label.uk, label.en);
    (after.description_uk, after.description_en) = (description.uk, description.en);
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
