//! The target-group vocabulary, changed by registry administrators only.

use entity::{enums::VocabularyStatus, target_group, vocabulary};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use super::{Patch, existing};
use crate::{
    domain::{
        access::Scope,
        audit::{Action, Change, WriteTransaction, check_version},
        ids::new_id,
        validation,
    },
    error::{ApiError, ApiResult},
};

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

/// Creates a target group at the end of its vocabulary.
pub async fn create_target_group(
    write: &mut WriteTransaction,
    input: NewTargetGroup,
) -> ApiResult<target_group::Model> {
    write.actor.require(Scope::Admin)?;
    let db = &write.txn;
    let vocabulary = vocabulary::Entity::find()
        .filter(vocabulary::Column::Code.eq(&input.vocabulary))
        .one(db)
        .await?
        .ok_or_else(|| {
            ApiError::invalid(
                "input.vocabulary",
                format!("there is no vocabulary `{}`", input.vocabulary),
            )
        })?;
    let code = validation::code("input.code", &input.code)?;
    if target_group::Entity::find()
        .filter(target_group::Column::Code.eq(&code))
        .count(db)
        .await?
        > 0
    {
        return Err(ApiError::invalid(
            "input.code",
            format!("a target group `{code}` already exists"),
        ));
    }
    let position = target_group::Entity::find()
        .filter(target_group::Column::VocabularyId.eq(vocabulary.id))
        .count(db)
        .await?;
    let model = target_group::Model {
        id: new_id(),
        vocabulary_id: vocabulary.id,
        code,
        position: i32::try_from(position + 1).unwrap_or(i32::MAX),
        label_uk: validation::optional_text("input.labelUk", input.label_uk.as_deref(), 500)?,
        label_en: validation::optional_text("input.labelEn", input.label_en.as_deref(), 500)?,
        description_uk: validation::optional_text(
            "input.descriptionUk",
            input.description_uk.as_deref(),
            5000,
        )?,
        description_en: validation::optional_text(
            "input.descriptionEn",
            input.description_en.as_deref(),
            5000,
        )?,
        status: VocabularyStatus::Active,
        replaced_by_id: None,
        created_at: write.now,
        updated_at: write.now,
        version: 1,
    };
    if model.label_uk.is_none() && model.label_en.is_none() {
        return Err(ApiError::invalid(
            "input.labelUk",
            "give a label in at least one language",
        ));
    }
    let created = model.into_active_model().reset_all().insert(db).await?;
    write.audit(change(&created, Action::Create, None)).await?;
    Ok(created)
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
    let before = existing::<target_group::Entity>(&write.txn, id, "target group").await?;
    check_version(version, before.version, "the target group")?;
    let mut after = before.clone();
    if let Some(v) = changes.label_uk {
        after.label_uk = validation::optional_text("input.labelUk", v.as_deref(), 500)?;
    }
    if let Some(v) = changes.label_en {
        after.label_en = validation::optional_text("input.labelEn", v.as_deref(), 500)?;
    }
    if after.label_uk.is_none() && after.label_en.is_none() {
        return Err(ApiError::invalid(
            "input.labelUk",
            "give a label in at least one language",
        ));
    }
    if let Some(v) = changes.description_uk {
        after.description_uk = validation::optional_text("input.descriptionUk", v.as_deref(), 5000)?;
    }
    if let Some(v) = changes.description_en {
        after.description_en = validation::optional_text("input.descriptionEn", v.as_deref(), 5000)?;
    }
    after.updated_at = write.now;
    after.version += 1;
    let saved = after.into_active_model().reset_all().update(&write.txn).await?;
    write.audit(change(&saved, Action::Update, Some(&before))).await?;
    Ok(saved)
}

/// Withdraws a target group, optionally naming the group that replaces it.
pub async fn withdraw_target_group(
    write: &mut WriteTransaction,
    id: Uuid,
    version: i32,
    replaced_by: Option<&str>,
) -> ApiResult<target_group::Model> {
    write.actor.require(Scope::Admin)?;
    let before = existing::<target_group::Entity>(&write.txn, id, "target group").await?;
    check_version(version, before.version, "the target group")?;
    if before.status == VocabularyStatus::Withdrawn {
        return Err(ApiError::invalid(
            "input.id",
            "the target group is already withdrawn",
        ));
    }
    let replacement = match replaced_by {
        Some(code) => {
            let group = target_group::Entity::find()
                .filter(target_group::Column::Code.eq(code))
                .one(&write.txn)
                .await?
                .ok_or_else(|| {
                    ApiError::invalid("input.replacedBy", format!("there is no target group `{code}`"))
                })?;
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
    let mut after = before.clone();
    after.status = VocabularyStatus::Withdrawn;
    after.replaced_by_id = replacement;
    after.updated_at = write.now;
    after.version += 1;
    let saved = after.into_active_model().reset_all().update(&write.txn).await?;
    write
        .audit(change(&saved, Action::Withdraw, Some(&before)))
        .await?;
    Ok(saved)
}

fn change<'a>(
    after: &'a target_group::Model,
    action: Action,
    before: Option<&'a target_group::Model>,
) -> Change<'a, target_group::Model> {
    Change {
        entity_type: "TargetGroup",
        entity_id: after.id,
        entity_code: Some(&after.code),
        action,
        version: after.version,
        before,
        after: Some(after),
        public: true,
    }
}
