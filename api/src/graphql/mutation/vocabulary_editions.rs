//! Editions of the target-group vocabulary (registry administrators only): a new edition, groups
//! carried over and replaced. Groups are added to an edition with `createTargetGroup`; a rename is
//! a new group with the new wording that replaces the old one.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};

use super::{in_write, payload};
use crate::{
    domain::{
        bilingual::Bilingual,
        write::vocabulary_editions::{self, NewEdition},
    },
    graphql::types::target_group::{TargetGroup, Vocabulary},
};

/// A new edition of the target-group vocabulary, e.g. for the 2026-2030 plan.
#[derive(InputObject)]
pub struct CreateVocabularyEditionInput {
    /// Stable code: 2 to 64 letters, digits and inner hyphens, e.g. `UA-NAP-TG-2026`.
    pub code: String,
    /// Edition label, e.g. `2026`.
    pub edition: String,
    /// Ukrainian title (a title in at least one language is required).
    pub title_uk: Option<String>,
    /// English title.
    pub title_en: Option<String>,
    /// Where the list is published.
    pub source_document: Option<String>,
    /// Code of the edition this one follows, e.g. `UA-NAP-TG-2020`.
    pub previous_edition: Option<String>,
    /// Carry over every group of `previousEdition` that is active and not replaced (default false:
    /// the new edition starts empty; carry groups over one by one with `carryOverTargetGroups`).
    #[graphql(default)]
    pub carry_over_all: bool,
}

/// Groups of earlier editions to carry over unchanged into an edition.
#[derive(InputObject)]
pub struct CarryOverTargetGroupsInput {
    /// Code of the edition, e.g. `UA-NAP-TG-2026`.
    pub vocabulary: String,
    /// Codes of the groups, each active, not replaced and not yet in the edition; they go to the
    /// end of its list in this order.
    pub groups: Vec<String>,
}

/// A group of an earlier edition replaced by a group of a new edition: renamed (the replacement,
/// added with `createTargetGroup`, carries the new wording) or merged with others into one.
#[derive(InputObject)]
pub struct ReplaceTargetGroupInput {
    /// Code of the new edition, e.g. `UA-NAP-TG-2026`.
    pub vocabulary: String,
    /// Code of the group replaced (of an earlier edition, not in `vocabulary`).
    pub group: String,
    /// Code of the replacing group, an active group of `vocabulary`.
    pub replaced_by: String,
}

payload! {
    /// The result of an edition mutation.
    VocabularyPayload {
        /// The edition as it is now.
        vocabulary: Vocabulary,
    }
}

/// The result of a replacement.
#[derive(SimpleObject)]
pub struct TargetGroupReplacementPayload {
    /// The old group, now pointing at its replacement.
    pub replaced: TargetGroup,
    /// The group that takes its place.
    pub replacement: TargetGroup,
}

#[derive(Default)]
pub struct VocabularyEditionMutation;

#[Object]
impl VocabularyEditionMutation {
    /// Creates an edition of the target-group vocabulary, optionally following an earlier one and
    /// carrying over all its current groups.
    async fn create_vocabulary_edition(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new edition.")] input: CreateVocabularyEditionInput,
    ) -> Result<VocabularyPayload> {
        let new = NewEdition {
            code: input.code,
            edition: input.edition,
            title: Bilingual::new(input.title_uk, input.title_en),
            source_document: input.source_document,
            previous_edition: input.previous_edition,
            carry_over_all: input.carry_over_all,
        };
        Ok(
            in_write!(ctx, |write| vocabulary_editions::create_vocabulary_edition(
                &mut write, new
            ))
            .into(),
        )
    }

    /// Carries groups of earlier editions over unchanged (same code and address) into an edition.
    async fn carry_over_target_groups(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The edition and the groups.")] input: CarryOverTargetGroupsInput,
    ) -> Result<VocabularyPayload> {
        Ok(
            in_write!(ctx, |write| vocabulary_editions::carry_over_target_groups(
                &mut write,
                &input.vocabulary,
                &input.groups
            ))
            .into(),
        )
    }

    /// Records that a group of an earlier edition is replaced (renamed, or merged) by a group of a
    /// new edition. The old group stays active in its own editions, one version on.
    async fn replace_target_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The old group and its replacement.")] input: ReplaceTargetGroupInput,
    ) -> Result<TargetGroupReplacementPayload> {
        let (replaced, replacement) = in_write!(ctx, |write| async {
            let old = vocabulary_editions::replace_target_group(
                &mut write,
                &input.vocabulary,
                &input.group,
                &input.replaced_by,
            )
            .await?;
            let new = crate::domain::target_groups::find_target_group_by_code(&write.txn, &input.replaced_by)
                .await?;
            crate::error::ApiResult::Ok((old, new))
        });
        let replacement =
            replacement.ok_or_else(|| crate::error::ApiError::Internal("replacing group vanished".into()))?;
        Ok(TargetGroupReplacementPayload {
            replaced: TargetGroup::from(replaced),
            replacement: TargetGroup::from(replacement),
        })
    }
}
