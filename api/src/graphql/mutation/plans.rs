//! `createPlan`, `updatePlan`, `withdrawPlan`.

use crate::domain::entity_type::EntityType;
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};

use super::{in_write, payload};
use crate::{
    domain::{
        bilingual::Bilingual,
        write::plans::{self, NewPlan, PlanChanges},
    },
    graphql::{
        context::{patch, patch_texts},
        node_id::decode_as,
        types::{
            enums::{PlanLevel, PlanStatus},
            plan::Plan,
        },
    },
};

/// A new plan. National plans are created by registry administrators; regional, departmental and
/// local plans by their owner (with `plans:write`).
#[derive(InputObject)]
pub struct CreatePlanInput {
    /// Stable code, 2 to 64 letters, digits and inner hyphens, e.g. `UA-46-RAP-2026-2030`.
    pub code: String,
    /// Level of the plan.
    pub level: PlanLevel,
    /// Ukrainian title.
    pub title_uk: Option<String>,
    /// English title.
    pub title_en: Option<String>,
    /// First year of the period.
    pub start_year: i32,
    /// Last year of the period (not before the first).
    pub end_year: i32,
    /// Status; DRAFT when left out.
    pub status: Option<PlanStatus>,
    /// Code of the national plan this plan localizes (required for regional plans).
    pub parent_plan: Option<String>,
    /// Code of the plan this one replaces.
    pub supersedes: Option<String>,
    /// ISO 3166-2 code of the region (required for regional plans).
    pub region: Option<String>,
    /// Owning organisation's code or identifier; the token's organisation when left out.
    pub owner: Option<String>,
    /// The document this record is taken from.
    pub source_document: Option<String>,
}

/// Changes to a plan, based on the version last read. Fields left out keep their values; null clears.
#[derive(InputObject)]
pub struct UpdatePlanInput {
    /// The plan's global ID.
    pub id: ID,
    /// The `version` you last read; a stale version gets a CONFLICT error and changes nothing.
    pub version: i32,
    /// Ukrainian title.
    pub title_uk: MaybeUndefined<String>,
    /// English title.
    pub title_en: MaybeUndefined<String>,
    /// First year of the period.
    pub start_year: Option<i32>,
    /// Last year of the period.
    pub end_year: Option<i32>,
    /// Status.
    pub status: Option<PlanStatus>,
    /// The document this record is taken from.
    pub source_document: MaybeUndefined<String>,
}

/// Withdraws a plan, based on the version last read.
#[derive(InputObject)]
pub struct WithdrawPlanInput {
    /// The plan's global ID.
    pub id: ID,
    /// The `version` you last read.
    pub version: i32,
    /// Why it is withdrawn.
    pub reason: String,
}

payload! {
    /// The result of a plan mutation.
    PlanPayload {
        /// The plan as it is now.
        plan: Plan,
    }
}

#[derive(Default)]
pub struct PlanMutation;

#[Object]
impl PlanMutation {
    /// Creates a plan.
    async fn create_plan(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new plan.")] input: CreatePlanInput,
    ) -> Result<PlanPayload> {
        let new = NewPlan {
            code: input.code,
            level: input.level.into(),
            title: Bilingual::new(input.title_uk, input.title_en),
            start_year: input.start_year,
            end_year: input.end_year,
            status: input.status.map(Into::into),
            parent_plan: input.parent_plan,
            supersedes: input.supersedes,
            region: input.region,
            owner: input.owner,
            source_document: input.source_document,
        };
        Ok(in_write!(ctx, |write| plans::create_plan(&mut write, new)).into())
    }

    /// Changes a plan.
    async fn update_plan(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: UpdatePlanInput,
    ) -> Result<PlanPayload> {
        let id = decode_as("input.id", &input.id, EntityType::Plan)?;
        let changes = PlanChanges {
            title: patch_texts(input.title_uk, input.title_en),
            start_year: input.start_year,
            end_year: input.end_year,
            status: input.status.map(Into::into),
            source_document: patch(input.source_document),
        };
        Ok(in_write!(ctx, |write| plans::update_plan(
            &mut write,
            id,
            input.version,
            changes
        ))
        .into())
    }

    /// Withdraws a plan: it stays readable, marked withdrawn with the reason.
    async fn withdraw_plan(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which plan and why.")] input: WithdrawPlanInput,
    ) -> Result<PlanPayload> {
        let id = decode_as("input.id", &input.id, EntityType::Plan)?;
        Ok(in_write!(ctx, |write| plans::withdraw_plan(
            &mut write,
            id,
            input.version,
            &input.reason
        ))
        .into())
    }
}
