//! `createPlanItem`, `updatePlanItem`, `withdrawPlanItem`.

use crate::domain::entity_type::EntityType;
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};

use super::{in_write, payload};
use crate::{
    domain::{
        bilingual::Bilingual,
        write::plan_items::{self, NewPlanItem, PlanItemChanges},
    },
    graphql::{
        context::{patch, patch_texts},
        node_id::decode_as,
        types::plan_item::PlanItem,
    },
};

/// A new item of a plan you may edit. The number gives its kind and parent.
#[derive(InputObject)]
pub struct CreatePlanItemInput {
    /// Code of the plan, e.g. `UA-46-RAP-2026-2030`.
    pub plan: String,
    /// Number, e.g. `3.1.12`; the parent `3.1` must exist and be active. Numbers are never reused.
    pub number: String,
    /// Ukrainian title (a title in at least one language is required).
    pub title_uk: Option<String>,
    /// English title.
    pub title_en: Option<String>,
    /// Ukrainian description.
    pub description_uk: Option<String>,
    /// English description.
    pub description_en: Option<String>,
    /// First year of the time frame.
    pub start_year: Option<i32>,
    /// Last year of the time frame.
    pub end_year: Option<i32>,
}

/// Changes to a plan item, based on the version last read. The number never changes.
#[derive(InputObject)]
pub struct UpdatePlanItemInput {
    /// The item's global ID.
    pub id: ID,
    /// The `version` you last read; a stale version gets a CONFLICT error and changes nothing.
    pub version: i32,
    /// Ukrainian title.
    pub title_uk: MaybeUndefined<String>,
    /// English title.
    pub title_en: MaybeUndefined<String>,
    /// Ukrainian description.
    pub description_uk: MaybeUndefined<String>,
    /// English description.
    pub description_en: MaybeUndefined<String>,
    /// First year of the time frame.
    pub start_year: MaybeUndefined<i32>,
    /// Last year of the time frame.
    pub end_year: MaybeUndefined<i32>,
}

/// Withdraws a published item (its active children first), based on the version last read.
#[derive(InputObject)]
pub struct WithdrawPlanItemInput {
    /// The item's global ID.
    pub id: ID,
    /// The `version` you last read.
    pub version: i32,
    /// Why it is withdrawn.
    pub reason: String,
}

payload! {
    /// The result of a plan item mutation.
    PlanItemPayload {
        /// The item as it is now.
        plan_item: PlanItem,
    }
}

#[derive(Default)]
pub struct PlanItemMutation;

#[Object]
impl PlanItemMutation {
    /// Creates a plan item.
    async fn create_plan_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new item.")] input: CreatePlanItemInput,
    ) -> Result<PlanItemPayload> {
        let new = NewPlanItem {
            plan: input.plan,
            number: input.number,
            title: Bilingual::new(input.title_uk, input.title_en),
            description: Bilingual::new(input.description_uk, input.description_en),
            start_year: input.start_year,
            end_year: input.end_year,
        };
        Ok(in_write!(ctx, |write| plan_items::create_plan_item(&mut write, new)).into())
    }

    /// Changes a plan item.
    async fn update_plan_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: UpdatePlanItemInput,
    ) -> Result<PlanItemPayload> {
        let id = decode_as("input.id", &input.id, EntityType::PlanItem)?;
        let changes = PlanItemChanges {
            title: patch_texts(input.title_uk, input.title_en),
            description: patch_texts(input.description_uk, input.description_en),
            start_year: patch(input.start_year),
            end_year: patch(input.end_year),
        };
        Ok(in_write!(ctx, |write| plan_items::update_plan_item(
            &mut write,
            id,
            input.version,
            changes
        ))
        .into())
    }

    /// Withdraws a plan item with a reason; its code is never reused.
    async fn withdraw_plan_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which item and why.")] input: WithdrawPlanItemInput,
    ) -> Result<PlanItemPayload> {
        let id = decode_as("input.id", &input.id, EntityType::PlanItem)?;
        Ok(in_write!(ctx, |write| plan_items::withdraw_plan_item(
            &mut write,
            id,
            input.version,
            &input.reason
        ))
        .into())
    }
}
