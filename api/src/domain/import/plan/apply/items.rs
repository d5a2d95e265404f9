//! An item of the file applied: created or changed, then its target groups, responsibilities,
//! financing lines and `implements` links brought to what the file says.

use std::collections::BTreeSet;

use entity::{
    enums::ResponsibilityRole, funding_line, organisation, plan, plan_item, plan_item_implementation,
    plan_item_target_group, responsibility, target_group,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::domain::import::plan::{
    parse::{FundingRow, ItemRow},
    report::Outcome,
    resolve::Resolved,
};
use crate::domain::lookup::rows_with;
use crate::domain::write::rows::new_row;
use crate::{
    domain::{
        audit::{Action, WriteTransaction},
        ids::new_id,
        write::{
            links::{self, LinkChange},
            plan_items::{NewPlanItem, PlanItemChanges, create_plan_item, update_plan_item},
            rows::{Audited, Edit},
        },
    },
    error::ApiResult,
};

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

pub(super) async fn apply_item(
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
