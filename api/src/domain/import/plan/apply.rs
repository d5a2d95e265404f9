//! Applying a checked plan import inside one batch write: the plan (created from the `plan`
//! sheet when missing, with its approving act), then the items parents first, then items missing
//! from the file (withdrawn only when asked), then indicators and their values. Each change goes
//! through the same domain writes as the single mutations (their rules and permissions), and only
//! what differs from the registry is written, so importing the same file again changes nothing.

use std::collections::{BTreeMap, BTreeSet};

use entity::{
    enums::{IndicatorValueKind, PlanActRole, PlanItemStatus, PlanLevel, ResponsibilityRole},
    funding_line, indicator, indicator_value, legal_act, organisation, plan, plan_item,
    plan_item_implementation, plan_item_target_group, plan_legal_act, responsibility, target_group,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{
    parse::{FundingRow, IndicatorRow, ItemRow, Parsed},
    report::{Outcome, RowReport},
    resolve::Resolved,
};
use crate::domain::lookup::{rows_among, rows_with};
use crate::domain::write::rows::new_row;
use crate::{
    domain::{
        audit::{Action, WriteTransaction},
        ids::new_id,
        write::{
            indicators::{self as indicator_writes, IndicatorChanges, NewIndicator, NewIndicatorValue},
            links::{self, LinkChange},
            plan_acts::{NewPlanAct, record_plan_act},
            plan_items::{
                NewPlanItem, PlanItemChanges, create_plan_item, update_plan_item, withdraw_plan_item,
            },
            plans::{NewPlan, create_plan},
            rows::{Audited, Edit},
        },
    },
    error::{ApiError, ApiResult},
};

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

/// What an item is linked to: responsibilities, target groups, national items, financing.
#[derive(Debug, Default, PartialEq, Eq)]
struct Relations {
    responsibilities: BTreeSet<(Uuid, ResponsibilityRole)>,
    target_groups: BTreeSet<Uuid>,
    implements: BTreeSet<Uuid>,
    funding: Vec<FundingRow>,
}

/// The links to add or remove to turn `stored` into `wanted`, in order.
fn link_changes<'a, T: Ord>(
    wanted: &'a BTreeSet<T>,
    stored: &'a BTreeSet<T>,
) -> impl Iterator<Item = (&'a T, LinkChange)> {
    wanted.symmetric_difference(stored).map(|link| {
        let change = if wanted.contains(link) {
            LinkChange::Link
        } else {
            LinkChange::Unlink
        };
        (link, change)
    })
}

async fn stored_relations(write: &WriteTransaction, item: Uuid) -> ApiResult<Relations> {
    let db = &write.txn;
    let mut funding: Vec<FundingRow> = rows_with(db, funding_line::Column::PlanItemId, item, None)
        .await?
        .into_iter()
        .map(|f| FundingRow {
            source: f.source,
            amount_cents: f.estimated_amount_cents,
            currency: f.currency,
            note: f.note,
        })
        .collect();
    funding.sort();
    Ok(Relations {
        responsibilities: rows_with(db, responsibility::Column::PlanItemId, item, None)
            .await?
            .into_iter()
            .map(|r| (r.organisation_id, r.role))
            .collect(),
        target_groups: rows_with(db, plan_item_target_group::Column::PlanItemId, item, None)
            .await?
            .into_iter()
            .map(|l| l.target_group_id)
            .collect(),
        implements: rows_with(
            db,
            plan_item_implementation::Column::ImplementingItemId,
            item,
            None,
        )
        .await?
        .into_iter()
        .map(|l| l.implemented_item_id)
        .collect(),
        funding,
    })
}

fn wanted_relations(item: &ItemRow, resolved: &Resolved) -> Relations {
    Relations {
        responsibilities: item
            .responsibilities
            .iter()
            .filter_map(|(key, role)| resolved.organisations.get(key).map(|id| (*id, *role)))
            .collect(),
        target_groups: item
            .target_groups
            .iter()
            .filter_map(|c| resolved.target_groups.get(c).copied())
            .collect(),
        implements: item
            .implements
            .iter()
            .filter_map(|c| resolved.implements.get(c).map(|(id, _)| *id))
            .collect(),
        funding: item.funding.clone(),
    }
}

async fn apply_item(
    write: &mut WriteTransaction,
    plan: &plan::Model,
    row: &ItemRow,
    resolved: &Resolved,
) -> ApiResult<Outcome> {
    let code = row.number.canonical_code(&plan.code);
    let wanted = wanted_relations(row, resolved);
    let (item, stored, mut outcome) = match resolved.existing_items.get(&row.number.to_string()) {
        Some(existing) => {
            let same = existing.title_uk == row.title.uk
                && existing.title_en == row.title.en
                && existing.description_uk == row.description.uk
                && existing.description_en == row.description.en
                && existing.start_year == row.start_year
                && existing.end_year == row.end_year;
            let stored = stored_relations(write, existing.id).await?;
            if same {
                (existing.clone(), stored, Outcome::Unchanged)
            } else {
                let changes = PlanItemChanges {
                    title: row.title.clone().into(),
                    description: row.description.clone().into(),
                    start_year: Some(row.start_year),
                    end_year: Some(row.end_year),
                };
                let item = update_plan_item(write, existing.id, existing.version, changes).await?;
                (item, stored, Outcome::Update)
            }
        }
        None => {
            let item = create_plan_item(
                write,
                NewPlanItem {
                    plan: plan.code.clone(),
                    number: row.number.to_string(),
                    title: row.title.clone(),
                    description: row.description.clone(),
                    start_year: row.start_year,
                    end_year: row.end_year,
                },
            )
            .await?;
            (item, Relations::default(), Outcome::Create)
        }
    };
    if stored == wanted {
        return Ok(outcome);
    }
    if outcome == Outcome::Unchanged {
        outcome = Outcome::Update;
    }
    for ((organisation, role), change) in link_changes(&wanted.responsibilities, &stored.responsibilities) {
        let key = code_of::<organisation::Model>(write, *organisation).await?;
        links::responsibility(write, &code, &key, *role, change).await?;
    }
    for (group, change) in link_changes(&wanted.target_groups, &stored.target_groups) {
        let key = code_of::<target_group::Model>(write, *group).await?;
        links::target_group(write, &code, &key, change).await?;
    }
    for (national, change) in link_changes(&wanted.implements, &stored.implements) {
        let key = code_of::<plan_item::Model>(write, *national).await?;
        links::implementation(write, &code, &key, change).await?;
    }
    if wanted.funding != stored.funding {
        funding_line::Entity::delete_many()
            .filter(funding_line::Column::PlanItemId.eq(item.id))
            .exec(&write.txn)
            .await?;
        for line in &wanted.funding {
            let row = new_row!(funding_line::Model {
                id: new_id(),
                plan_item_id: item.id,
                source: line.source,
                estimated_amount_cents: line.amount_cents,
                currency: line.currency.clone(),
                note: line.note.clone(),
            });
            write.insert(row).await?;
        }
        // Financing is part of the item: the change is recorded on it.
        let current = write.load_object::<plan_item::Model>(item.id).await?;
        write.save(Edit::of(current), Action::Update).await?;
    }
    Ok(outcome)
}

/// The code of the object with key `id` (empty when there is none).
async fn code_of<M: Audited>(write: &WriteTransaction, id: Uuid) -> ApiResult<String> {
    let found = M::Entity::find()
        .filter(M::id_column().eq(id))
        .one(&write.txn)
        .await?;
    Ok(found.and_then(|row| row.audit_code()).unwrap_or_default())
}

async fn apply_indicators(
    write: &mut WriteTransaction,
    plan: &plan::Model,
    parsed: &Parsed,
    withdraw_missing: bool,
    rows: &mut Vec<RowReport>,
) -> Applied<()> {
    let mut in_file = BTreeSet::new();
    for row in &parsed.indicators {
        let item_code = row.item.canonical_code(&plan.code);
        in_file.insert(format!("{item_code}/{}", row.code));
        let outcome = apply_indicator(write, &item_code, row)
            .await
            .map_err(at("indicators", Some(row.row)))?;
        rows.push(RowReport {
            sheet: "indicators".to_owned(),
            row: Some(row.row),
            code: format!("{item_code}/{}", row.code),
            outcome,
        });
    }
    let items: BTreeMap<Uuid, String> = rows_with(&write.txn, plan_item::Column::PlanId, plan.id, None)
        .await
        .map_err(at("indicators", None))?
        .into_iter()
        .map(|i| (i.id, i.code))
        .collect();
    let stored = indicator::Entity::find()
        .filter(indicator::Column::PlanItemId.is_in(items.keys().copied().collect::<Vec<_>>()))
        .filter(indicator::Column::WithdrawnAt.is_null())
        .all(&write.txn)
        .await
        .map_err(|e| at("indicators", None)(e.into()))?;
    for indicator in stored {
        let code = format!(
            "{}/{}",
            items.get(&indicator.plan_item_id).cloned().unwrap_or_default(),
            indicator.code
        );
        if in_file.contains(&code) {
            continue;
        }
        let withdrawal = withdraw_missing.then(|| {
            indicator_writes::withdraw_indicator(write, indicator.id, indicator.version, WITHDRAWAL_REASON)
        });
        rows.push(left_out("indicators", code, withdrawal).await?);
    }
    Ok(())
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

async fn apply_indicator(
    write: &mut WriteTransaction,
    item_code: &str,
    row: &IndicatorRow,
) -> ApiResult<Outcome> {
    let item = crate::domain::write::item_by_code(&write.txn, "item", item_code).await?;
    let existing = indicator::Entity::find()
        .filter(indicator::Column::PlanItemId.eq(item.id))
        .filter(indicator::Column::Code.eq(&row.code))
        .one(&write.txn)
        .await?;
    let (indicator, mut outcome) = match existing {
        None => {
            let created = indicator_writes::create_indicator(
                write,
                NewIndicator {
                    plan_item: item_code.to_owned(),
                    code: row.code.clone(),
                    name: row.name.clone(),
                    unit: row.unit.clone(),
                    direction: row.direction,
                    sdg_indicator: row.sdg_indicator.clone(),
                    data_source: row.data_source.clone(),
                },
            )
            .await?;
            (created, Outcome::Create)
        }
        Some(existing) => {
            let same = existing.name_uk == row.name.uk
                && existing.name_en == row.name.en
                && existing.unit == row.unit
                && existing.direction == row.direction
                && existing.sdg_indicator == row.sdg_indicator
                && existing.data_source == row.data_source
                && existing.withdrawn_at.is_none();
            if same {
                (existing, Outcome::Unchanged)
            } else {
                let changes = IndicatorChanges {
                    name: row.name.clone().into(),
                    unit: Some(row.unit.clone()),
                    direction: Some(row.direction),
                    sdg_indicator: Some(row.sdg_indicator.clone()),
                    data_source: Some(row.data_source.clone()),
                };
                let updated =
                    indicator_writes::update_indicator(write, existing.id, existing.version, changes).await?;
                (updated, Outcome::Update)
            }
        }
    };
    let stored = indicator_value::Entity::find()
        .filter(indicator_value::Column::IndicatorId.eq(indicator.id))
        .filter(indicator_value::Column::WithdrawnAt.is_null())
        .filter(indicator_value::Column::RegionId.is_null())
        .filter(
            indicator_value::Column::Kind.is_in([IndicatorValueKind::Baseline, IndicatorValueKind::Target]),
        )
        .all(&write.txn)
        .await?;
    for value in &row.values {
        let key = (value.kind, value.start, value.end, value.sex);
        let found = stored
            .iter()
            .find(|v| (v.kind, v.period_start_year, v.period_end_year, v.sex) == key);
        match found {
            Some(v) if v.value.to_bits() == value.value.to_bits() => continue,
            Some(v) => {
                indicator_writes::update_indicator_value(write, v.id, v.version, Some(value.value), None)
                    .await?;
            }
            None => {
                indicator_writes::create_indicator_value(
                    write,
                    NewIndicatorValue {
                        indicator: indicator.id,
                        kind: value.kind,
                        period_start_year: value.start,
                        period_end_year: value.end,
                        value: value.value,
                        sex: value.sex,
                        region: None,
                        source: None,
                    },
                )
                .await?;
            }
        }
        if outcome == Outcome::Unchanged {
            outcome = Outcome::Update;
        }
    }
    Ok(outcome)
}
