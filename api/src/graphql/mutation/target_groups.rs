//! The target-group vocabulary (registry administrators only).

use crate::domain::entity_type::EntityType;
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};

use super::{in_write, payload};
use crate::{
    domain::{
        bilingual::Bilingual,
        write::target_groups::{self, NewTargetGroup, TargetGroupChanges},
    },
    graphql::{context::patch_texts, node_id::decode_as, types::target_group::TargetGroup},
};

/// A new target group, added at the end of its vocabulary.
#[derive(InputObject)]
pub struct CreateTargetGroupInput {
    /// Code of the vocabulary version, e.g. `UA-NAP-TG-2020`.
    pub vocabulary: String,
    /// Stable code, e.g. `women-veterans`.
    pub code: String,
    /// Ukrainian label (a label in at least one language is required).
    pub label_uk: Option<String>,
    /// English label.
    pub label_en: Option<String>,
    /// Ukrainian description.
    pub description_uk: Option<String>,
    /// English description.
    pub description_en: Option<String>,
}

/// Changes to a target group's texts, based on the version last read.
#[derive(InputObject)]
pub struct UpdateTargetGroupInput {
    /// The group's global ID.
    pub id: ID,
    /// The `version` you last read.
    pub version: i32,
    /// Ukrainian label.
    pub label_uk: MaybeUndefined<String>,
    /// English label.
    pub label_en: MaybeUndefined<String>,
    /// Ukrainian description.
    pub description_uk: MaybeUndefined<String>,
    /// English description.
    pub description_en: MaybeUndefined<String>,
}

/// Withdraws a target group, optionally naming its replacement.
#[derive(InputObject)]
pub struct WithdrawTargetGroupInput {
    /// The group's global ID.
    pub id: ID,
    /// The `version` you last read.
    pub version: i32,
    /// Code of the group that replaces it.
    pub replaced_by: Option<String>,
}

payload! {
    /// The result of a target group mutation.
    TargetGroupPayload {
        /// The group as it is now.
        target_group: TargetGroup,
    }
}

#[derive(Default)]
pub struct TargetGroupMutation;

#[Object]
impl TargetGroupMutation {
    /// Creates a target group.
    async fn create_target_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new group.")] input: CreateTargetGroupInput,
    ) -> Result<TargetGroupPayload> {
        let new = NewTargetGroup {
            vocabulary: input.vocabulary,
            code: input.code,
            label: Bilingual::new(input.label_uk, input.label_en),
            description: Bilingual::new(input.description_uk, input.description_en),
        };
        Ok(in_write!(ctx, |write| target_groups::create_target_group(&mut write, new)).into())
    }

    /// Changes a target group's texts.
    async fn update_target_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: UpdateTargetGroupInput,
    ) -> Result<TargetGroupPayload> {
        let id = decode_as("input.id", &input.id, EntityType::TargetGroup)?;
        let changes = TargetGroupChanges {
            label: patch_texts(input.label_uk, input.label_en),
            description: patch_texts(input.description_uk, input.description_en),
        };
        Ok(in_write!(ctx, |write| target_groups::update_target_group(
            &mut write,
            id,
            input.version,
            changes
        ))
        .into())
    }

    /// Withdraws a target group; links to it keep resolving.
    async fn withdraw_target_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which group, and its replacement.")] input: WithdrawTargetGroupInput,
    ) -> Result<TargetGroupPayload> {
        let id = decode_as("input.id", &input.id, EntityType::TargetGroup)?;
        Ok(in_write!(ctx, |write| target_groups::withdraw_target_group(
            &mut write,
            id,
            input.version,
            input.replaced_by.as_deref()
        ))
        .into())
    }
}
