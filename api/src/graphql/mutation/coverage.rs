//! `recordPlanAct` and `recordRegionPlanState`: what coverage needs recorded about regional plans
//! (their approving and amending acts) and about regions without one (no plan, not applicable).

use async_graphql::{Context, InputObject, Object, Result};

use super::{in_write, plans::PlanPayload};
use crate::{
    domain::{
        bilingual::Bilingual,
        write::{
            plan_acts::{self, NewPlanAct},
            region_states::{self, RegionStateInput},
        },
    },
    graphql::types::{
        common::Date,
        enums::{LegalActKind, PlanActRole, RegionPlanState},
    },
};

/// A legal act as cited.
#[derive(InputObject)]
pub struct LegalActInput {
    /// Order, resolution, decision, ...
    pub kind: LegalActKind,
    /// The act's number as cited, e.g. `1544-r` (at most 64 characters).
    pub number: String,
    /// The act's date; not in the future.
    pub adopted_on: Date,
    /// Ukrainian title.
    pub title_uk: Option<String>,
    /// English title.
    pub title_en: Option<String>,
    /// Where the official text is published (http or https).
    pub url: Option<String>,
    /// The issuing body's registry code or org-id identifier; the plan's owner when left out.
    pub issuer: Option<String>,
}

/// An act to record against a plan.
#[derive(InputObject)]
pub struct RecordPlanActInput {
    /// The plan's code, e.g. `UA-12-RAP-2021-2025`.
    pub plan: String,
    /// What the act does to the plan.
    pub role: PlanActRole,
    /// The act. An act already in the registry (same issuer, kind, number and date) is reused.
    pub act: LegalActInput,
}

/// A region's state to record against a national plan.
#[derive(InputObject)]
pub struct RecordRegionPlanStateInput {
    /// The national plan's code, e.g. `UA-NAP-2021-2025`.
    pub plan: String,
    /// The region's ISO 3166-2 code, e.g. `UA-12`.
    pub region: String,
    /// The state to record; null clears the record (the region's status is then UNKNOWN unless
    /// it has a plan).
    pub state: Option<RegionPlanState>,
    /// The document or statement the state is taken from (required with a state).
    pub source: Option<String>,
    /// The date the source states it for, when it gives one; not in the future.
    pub as_of: Option<Date>,
}

#[derive(Default)]
pub struct CoverageMutation;

#[Object]
impl CoverageMutation {
    /// Records a legal act approving, amending or repealing a plan: who may change the plan with
    /// `updatePlan` may record its acts (national plans: administrators; other plans: their owner
    /// with `plans:write`). The plan grows one version and the change is audited once (LINK). An
    /// approving act moves a DRAFT plan to ADOPTED, an amending act an ADOPTED plan to AMENDED.
    /// Recording the same act in the same role twice is refused.
    async fn record_plan_act(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The plan, the act and its role.")] input: RecordPlanActInput,
    ) -> Result<PlanPayload> {
        let act = input.act;
        let new = NewPlanAct {
            plan: input.plan,
            role: input.role.into(),
            kind: act.kind.into(),
            number: act.number,
            adopted_on: act.adopted_on.0,
            title: Bilingual::new(act.title_uk, act.title_en),
            url: act.url,
            issuer: act.issuer,
        };
        Ok(in_write!(ctx, |write| plan_acts::record_plan_act(&mut write, new)).into())
    }

    /// Records what is known about a region that has no regional plan for a national plan: no
    /// approved plan (NO_PLAN) or a temporarily occupied territory (NOT_APPLICABLE), with the
    /// source, or clears the record. A change to the national plan's coverage: registry
    /// administrators only; the national plan grows one version and the change is audited once.
    /// A regional plan, when one is recorded, outranks the state in `coverageStatus`.
    async fn record_region_plan_state(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The national plan, the region and its state.")] input: RecordRegionPlanStateInput,
    ) -> Result<PlanPayload> {
        let record = RegionStateInput {
            plan: input.plan,
            region: input.region,
            state: input.state.map(Into::into),
            source: input.source,
            as_of: input.as_of.map(|d| d.0),
        };
        Ok(in_write!(ctx, |write| region_states::record_region_plan_state(
            &mut write, record
        ))
        .into())
    }
}
