//! What the writes since a snapshot's sequence changed, and so what a catch-up reads again: the
//! audit events name the objects written, and `written_by` says, for each kind, which tables its
//! writes change and which of their rows.

use std::collections::{BTreeMap, BTreeSet};

use entity::audit_event;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::{domain::entity_type::EntityType, error::ApiResult};

/// Behind by more than this many changes, every table is read again rather than working out
/// which ones changed.
const READ_ALL_AFTER: i64 = 2_000;

/// Which rows of one table a write may change.
#[derive(Debug, Clone, Copy)]
pub enum Written {
    /// Only rows belonging to the object written: those whose column of this name holds its id.
    OwnedBy(&'static str),
    /// Any row: the write may add rows that no column ties to the object written.
    Any,
}

use Written::{Any, OwnedBy};

/// The tables a write of an object of type `entity_type` may change (its own table and every
/// table its writes, links and withdrawals included, insert into, update or delete from), and
/// which of their rows. Each kind is written only through the write paths of `domain::write`,
/// the imports (which call them) and the reference data loader, each recording one audit event
/// per object written; what those paths write decides this list:
///
/// - A plan: its row, its acts' links (`plan_id`), and a legal act it records (a new row no
///   column ties to the plan, so any row of that small table). Region states are not held.
/// - A plan item: its row, and its funding lines, responsibilities, target-group links and
///   `implements` links (the links it owns: `implementing_item_id`). Its plan is not changed, nor
///   are its indicators (objects of their own).
/// - An indicator, an indicator value, a target group, a region, a legal act: its row alone (a
///   target group's replacement or withdrawal changes only its own row; regions and legal acts
///   are written only by the loader, each as an object of its own).
/// - A vocabulary edition: its row and the groups it carries over (`vocabulary_id`).
/// - An organisation: its row, names, identifiers, and the successions it is the predecessor in
///   (its withdrawal's). The responsibilities and project participants naming it are unchanged.
/// - A project link: its row, participants, purposes, budgets, regions and plan items.
pub fn written_by(entity_type: EntityType) -> &'static [(&'static str, Written)] {
    match entity_type {
        EntityType::Plan => &[
            ("plan", OwnedBy("id")),
            ("plan_legal_act", OwnedBy("plan_id")),
            ("legal_act", Any),
        ],
        EntityType::PlanItem => &[
            ("plan_item", OwnedBy("id")),
            ("funding_line", OwnedBy("plan_item_id")),
            ("responsibility", OwnedBy("plan_item_id")),
            ("plan_item_target_group", OwnedBy("plan_item_id")),
            ("plan_item_implementation", OwnedBy("implementing_item_id")),
        ],
        EntityType::Indicator => &[("indicator", OwnedBy("id"))],
        EntityType::IndicatorValue => &[("indicator_value", OwnedBy("id"))],
        EntityType::TargetGroup => &[("target_group", OwnedBy("id"))],
        EntityType::Vocabulary => &[
            ("vocabulary", OwnedBy("id")),
            ("vocabulary_carry_over", OwnedBy("vocabulary_id")),
        ],
        EntityType::Organisation => &[
            ("organisation", OwnedBy("id")),
            ("organisation_name", OwnedBy("organisation_id")),
            ("organisation_identifier", OwnedBy("organisation_id")),
            ("organisation_succession", OwnedBy("predecessor_id")),
        ],
        EntityType::Region => &[("region", OwnedBy("id"))],
        EntityType::ProjectLink => &[
            ("project_link", OwnedBy("id")),
            ("project_participant", OwnedBy("project_link_id")),
            ("project_dac_purpose", OwnedBy("project_link_id")),
            ("project_budget", OwnedBy("project_link_id")),
            ("project_region", OwnedBy("project_link_id")),
            ("project_plan_item", OwnedBy("project_link_id")),
        ],
        EntityType::LegalAct => &[("legal_act", OwnedBy("id"))],
        EntityType::ApiToken | EntityType::Webhook => &[],
    }
}

/// What of one table to read again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reread {
    /// Every row.
    Whole,
    /// The rows whose `column` holds one of `ids`, in place of the rows held with those values.
    Owned {
        /// The column naming the object a row belongs to.
        column: &'static str,
        /// The objects written.
        ids: BTreeSet<Uuid>,
    },
}

impl Reread {
    /// This and `other` together: one set of owned rows when both name the same column, else the
    /// whole table.
    fn merge(&mut self, other: Self) {
        match (&mut *self, other) {
            (
                Self::Owned { column, ids },
                Self::Owned {
                    column: theirs,
                    ids: more,
                },
            ) if *column == theirs => {
                ids.extend(more);
            }
            _ => *self = Self::Whole,
        }
    }
}

/// What to read again of which tables; `None` everywhere means every table.
pub type Changed = BTreeMap<&'static str, Reread>;

/// What the writes after `from` up to `to` changed; `None` when every table must be read (far
/// behind, or a change of an unknown kind).
pub async fn touched_since(txn: &DatabaseTransaction, from: i64, to: i64) -> ApiResult<Option<Changed>> {
    if to <= from {
        return Ok(Some(Changed::new()));
    }
    if to - from > READ_ALL_AFTER {
        return Ok(None);
    }
    let written: Vec<(String, Uuid)> = audit_event::Entity::find()
        .select_only()
        .column(audit_event::Column::EntityType)
        .column(audit_event::Column::EntityId)
        .distinct()
        .filter(audit_event::Column::Sequence.gt(from))
        .filter(audit_event::Column::Sequence.lte(to))
        .into_tuple()
        .all(txn)
        .await?;
    if written.is_empty() {
        // The sequence moved without a recorded change (an operator's repair): read everything.
        return Ok(None);
    }
    let mut changed = Changed::new();
    for (entity_type, id) in &written {
        let Some(entity_type) = EntityType::parse(entity_type) else {
            return Ok(None);
        };
        for &(table, rows) in written_by(entity_type) {
            let reread = match rows {
                OwnedBy(column) => Reread::Owned {
                    column,
                    ids: BTreeSet::from([*id]),
                },
                Any => Reread::Whole,
            };
            match changed.get_mut(table) {
                Some(held) => held.merge(reread),
                None => {
                    changed.insert(table, reread);
                }
            }
        }
    }
    Ok(Some(changed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read_model::tables::{ALL, has_uuid_column};

    #[test]
    fn every_table_a_write_may_change_is_held_and_owned_rows_are_named_by_a_uuid_column() {
        for &kind in EntityType::ALL {
            for &(table, rows) in written_by(kind) {
                assert!(ALL.contains(&table), "{kind} writes `{table}`, which is not held");
                if let OwnedBy(column) = rows {
                    assert!(
                        has_uuid_column(table, column),
                        "{kind}: `{table}` has no UUID column `{column}`"
                    );
                }
            }
        }
    }
}
