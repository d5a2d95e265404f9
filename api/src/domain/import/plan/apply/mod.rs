//! Applying a checked plan import inside one batch write: the plan (created from the `plan`
//! sheet when missing, with its approving act), then the items parents first, then items missing
//! from the file (withdrawn only when asked), then indicators and their values. Each change goes
//! through the same domain writes as the single mutations (their rules and permissions), and only
//! what differs from the registry is written, so importing the same file again changes nothing.

mod indicators;
mod items;

use std::collections::BTreeSet;

use entity::{
    enums::{PlanActRole, PlanItemStatus, PlanLevel},
    legal_act, plan, plan_item, plan_legal_act,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{
    parse::Parsed,
    report::{Outcome, RowReport},
    resolve::Resolved,
};
use crate::domain::lookup::rows_among;
use crate::{
    domain::{
        audit::WriteTransaction,
        write::{
            plan_acts::{NewPlanAct, record_plan_act},
            plan_items::withdraw_plan_item,
            plans::{NewPlan, create_plan},
        },
    },
    error::{ApiError, ApiResult},
};

use indicators::apply_indicators;
use items::apply_item;

/// Why objects missing from a file are withdrawn.
const WITHDRAWAL_REASON: &str = "not in the imported plan file (plan import with withdraw-missing)";

/// A failure while applying, at the row being applied.
pub struct Failure {
    /// The sheet.
    pub sheet: &'static str,
    /// The row.
    pub row: Option<usize>,
    /// The error.
    pub error: ApiError,
}

type Applied<T> = Result<T, Failure>;

fn at(sheet: &'static str, row: Option<usize>) -> impl FnOnce(ApiError) -> Failure {
    move |error| Failure { sheet, row, error }
}

/// Applies `parsed` to the plan `plan_code`; returns what was done with each object.
pub async fn apply(
    write: &mut WriteTransaction,
    plan_code: &str,
    parsed: &Parsed,
    resolved: &Resolved,
    withdraw_missing: bool,
) -> Applied<Vec<RowReport>> {
    let mut rows = Vec::new();
    let plan = apply_plan(write, plan_code, parsed, resolved, &mut rows).await?;
    let mut items = parsed.items.iter().collect::<Vec<_>>();
    items.sort_by_key(|i| i.number.sort_key());
    let mut in_file = BTreeSet::new();
    for item in items {
        in_file.insert(item.number.to_string());
        let outcome = apply_item(write, &plan, item, resolved)
            .await
            .map_err(at("items", Some(item.row)))?;
        rows.push(RowReport {
            sheet: "items".to_owned(),
            row: Some(item.row),
            code: item.number.canonical_code(&plan.code),
            outcome,
        });
    }
    let mut missing: Vec<&plan_item::Model> = resolved
        .existing_items
        .values()
        .filter(|i| i.status == PlanItemStatus::Active && !in_file.contains(&i.number))
        .collect();
    missing.sort_by(|a, b| b.sort_key.cmp(&a.sort_key));
    for item in missing {
        let withdrawal =
            withdraw_missing.then(|| withdraw_plan_item(write, item.id, item.version, WITHDRAWAL_REASON));
        rows.push(left_out("items", item.code.clone(), withdrawal).await?);
    }
    apply_indicators(write, &plan, parsed, withdraw_missing, &mut rows).await?;
    Ok(rows)
}

/// The plan: created from the `plan` sheet when it does not exist; its approving act recorded
/// when the sheet gives one not yet recorded.
async fn apply_plan(
    write: &mut WriteTransaction,
    plan_code: &str,
    parsed: &Parsed,
    resolved: &Resolved,
    rows: &mut Vec<RowReport>,
) -> Applied<plan::Model> {
    let sheet = parsed.plan.as_ref();
    let row = sheet.and_then(|s| s.rows.values().min().copied());
    let fail = || at("plan", row);
    let (mut plan, mut outcome) = match (&resolved.plan, sheet) {
        (Some(plan), _) => {
            write
                .actor
                .require_plan_editor(plan.level, plan.owner_organisation_id)
                .map_err(fail())?;
            (plan.clone(), Outcome::Unchanged)
        }
        (None, Some(sheet)) => {
            let created = create_plan(
                write,
                NewPlan {
                    code: plan_code.to_owned(),
                    level: sheet.level.unwrap_or(PlanLevel::Regional),
                    title: sheet.title.clone(),
                    start_year: sheet.start_year.unwrap_or_default(),
                    end_year: sheet.end_year.unwrap_or_default(),
                    status: None,
                    parent_plan: sheet.parent_plan.clone(),
                    supersedes: None,
                    region: sheet.region.clone(),
                    owner: sheet.owner.clone(),
                    source_document: sheet.source_document.clone(),
                },
            )
            .await
            .map_err(fail())?;
            (created, Outcome::Create)
        }
        (None, None) => {
            return Err(fail()(ApiError::invalid(
                "plan",
                format!("there is no plan `{plan_code}`"),
            )));
        }
    };
    if let Some(act) = sheet.and_then(|s| s.act.as_ref()) {
        let approving: Vec<Uuid> = plan_legal_act::Entity::find()
            .filter(plan_legal_act::Column::PlanId.eq(plan.id))
            .filter(plan_legal_act::Column::Role.eq(PlanActRole::Approves))
            .all(&write.txn)
            .await
            .map_err(|e| fail()(e.into()))?
            .into_iter()
            .map(|link| link.legal_act_id)
            .collect();
        let recorded = rows_among(&write.txn, legal_act::Column::Id, approving, None)
            .await
            .map_err(fail())?
            .into_iter()
            .any(|a| a.number == act.number && a.adopted_on == act.adopted_on);
        if !recorded {
            let act = NewPlanAct {
                plan: plan.code.clone(),
                ..act.clone()
            };
            plan = record_plan_act(write, act).await.map_err(fail())?;
            if outcome == Outcome::Unchanged {
                outcome = Outcome::Update;
            }
        }
    }
    if sheet.is_some() {
        rows.push(RowReport {
            sheet: "plan".to_owned(),
            row,
            code: plan.code.clone(),
            outcome,
        });
    }
    Ok(plan)
}

/// The report of an object of `sheet` that the file leaves out: withdrawn by `withdrawal` when
/// the import withdraws such objects, else kept.
async fn left_out<M>(
    sheet: &'static str,
    code: String,
    withdrawal: Option<impl Future<Output = ApiResult<M>>>,
) -> Applied<RowReport> {
    let outcome = match withdrawal {
        Some(withdrawal) => {
            withdrawal.await.map_err(at(sheet, None))?;
            Outcome::Withdraw
        }
        None => Outcome::Kept,
    };
    Ok(RowReport {
        sheet: sheet.to_owned(),
        row: None,
        code,
        outcome,
    })
}
