//! Recording the legal act that approves, amends or repeals a plan (`recordPlanAct`): gated like
//! `updatePlan` (national plans by administrators, other plans by their owner with `plans:write`),
//! one audit event on the plan (LINK), and the plan one version on.

use chrono::NaiveDate;
use entity::{
    enums::{LegalActKind, PlanActRole, PlanStatus},
    legal_act, plan, plan_legal_act,
};

use super::prelude::*;

/// An act to record against a plan.
#[derive(Debug, Clone)]
pub struct NewPlanAct {
    /// The plan's code.
    pub plan: String,
    /// What the act does to the plan.
    pub role: PlanActRole,
    /// Order, resolution, decision, ...
    pub kind: LegalActKind,
    /// The act's number as cited.
    pub number: String,
    /// The act's date.
    pub adopted_on: NaiveDate,
    /// Titles.
    pub title: Bilingual,
    /// Where the official text is published.
    pub url: Option<String>,
    /// The issuing body's code or identifier (the plan's owner when left out).
    pub issuer: Option<String>,
}

/// Records `input` against its plan and returns the plan. An act already in the registry (same
/// issuer, kind, number and date) is reused; recording the same act in the same role twice is
/// refused. An approving act moves a draft plan to ADOPTED, an amending act an adopted plan to
/// AMENDED; other statuses are left as they are.
pub async fn record_plan_act(write: &mut WriteTransaction, input: NewPlanAct) -> ApiResult<plan::Model> {
    let db = &write.txn;
    let before = plan_by_code(db, "input.plan", &input.plan).await?;
    write
        .actor
        .require_plan_editor(before.level, before.owner_organisation_id)?;
    if before.withdrawn_at.is_some() {
        return Err(ApiError::invalid("input.plan", "the plan is withdrawn"));
    }
    let number = validation::text("input.act.number", &input.number, 64)?;
    if input.adopted_on > crate::domain::calendar::kyiv_date(write.now) {
        return Err(ApiError::invalid(
            "input.act.adoptedOn",
            format!(
                "{} is in the future: record an act once it is adopted",
                input.adopted_on
            ),
        ));
    }
    let url = input
        .url
        .as_deref()
        .map(|u| validation::url("input.act.url", u))
        .transpose()?;
    let title = input.title.checked("input.act.title", 1000)?;
    let issuer_id = match &input.issuer {
        Some(key) => organisation_by_key(db, "input.act.issuer", key).await?.id,
        None => before.owner_organisation_id,
    };
    let existing = legal_act::Entity::find()
        .filter(legal_act::Column::IssuerId.eq(issuer_id))
        .filter(legal_act::Column::Kind.eq(input.kind))
        .filter(legal_act::Column::Number.eq(&number))
        .filter(legal_act::Column::AdoptedOn.eq(input.adopted_on))
        .one(db)
        .await?;
    let act = match existing {
        Some(act) => {
            let linked = plan_legal_act::Entity::find()
                .filter(plan_legal_act::Column::PlanId.eq(before.id))
                .filter(plan_legal_act::Column::LegalActId.eq(act.id))
                .filter(plan_legal_act::Column::Role.eq(input.role))
                .one(db)
                .await?;
            if linked.is_some() {
                return Err(ApiError::invalid(
                    "input.act",
                    format!(
                        "act {number} of {} is already recorded for this plan",
                        input.adopted_on
                    ),
                ));
            }
            act
        }
        None => {
            let model = new_row!(legal_act::Model {
                id: new_id(),
                issuer_id,
                kind: input.kind,
                number,
                adopted_on: input.adopted_on,
                title_uk: title.uk,
                title_en: title.en,
                url,
                amends_id: None,
            });
            write.insert(model).await?
        }
    };
    let link = new_row!(plan_legal_act::Model {
        id: new_id(),
        plan_id: before.id,
        legal_act_id: act.id,
        role: input.role,
    });
    write.insert(link).await?;
    let status = match (input.role, before.status) {
        (PlanActRole::Approves, PlanStatus::Draft) => PlanStatus::Adopted,
        (PlanActRole::Amends, PlanStatus::Adopted) => PlanStatus::Amended,
        (_, status) => status,
    };
    let mut plan = Edit::of(before);
    plan.status = status;
    write.save(plan, Action::Link).await
}
