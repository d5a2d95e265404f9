//! Which tables the read model holds, reading them, and which of them a write may have touched.

use std::{
    any::TypeId,
    collections::{BTreeMap, BTreeSet, HashMap, HashSet},
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use entity::audit_event;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, ModelTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::table::{AnyTable, Readable, Row, Table};
use crate::{domain::entity_type::EntityType, error::ApiResult};

/// Behind by more than this many changes, every table is read again rather than working out
/// which ones changed.
const READ_ALL_AFTER: i64 = 2_000;

/// Numbers the reads of tables, so groupings know whether their table was read again.
static GENERATION: AtomicU64 = AtomicU64::new(1);

macro_rules! tables {
    ($($module:ident),+ $(,)?) => {
        /// Every table the read model holds, by entity module name.
        pub const ALL: &[&str] = &[$(stringify!($module)),+];

        /// Reads the table of entity module `name` as generation `generation`: the rows `rows`
        /// names, put in place of those of `held`, or the whole table.
        async fn read_named(
            name: &str,
            txn: &DatabaseTransaction,
            generation: u64,
            held: Option<&AnyTable>,
            rows: &Reread,
        ) -> ApiResult<ReadTable> {
            match name {
                $(stringify!($module) => {
                    read_table::<entity::$module::Entity>(txn, generation, held, rows).await
                })+
                other => unreachable!("the read model holds no table `{other}`"),
            }
        }

        /// The rows of the table of entity module `name` in `tables`, each as JSON, sorted: two
        /// reads of the table hold the same rows when these are equal.
        #[cfg(debug_assertions)]
        fn rows_as_json(name: &str, tables: &Tables) -> Vec<String> {
            match name {
                $(stringify!($module) => {
                    let table = tables.get::<entity::$module::Entity>();
                    let mut rows: Vec<String> = table
                        .rows
                        .iter()
                        .map(|row| serde_json::to_string(&**row).unwrap_or_default())
                        .collect();
                    rows.sort_unstable();
                    rows
                })+
                other => unreachable!("the read model holds no table `{other}`"),
            }
        }

        /// Whether the table of entity module `name` is held and has a UUID column `column`.
        #[cfg(test)]
        fn has_uuid_column(name: &str, column: &str) -> bool {
            match name {
                $(stringify!($module) => column
                    .parse::<entity::$module::Column>()
                    .is_ok_and(|c| *c.def().get_column_type() == sea_orm::ColumnType::Uuid),)+
                _ => false,
            }
        }
    };
}

tables!(
    plan,
    plan_legal_act,
    legal_act,
    plan_item,
    funding_line,
    responsibility,
    plan_item_target_group,
    plan_item_implementation,
    indicator,
    indicator_value,
    target_group,
    vocabulary,
    vocabulary_carry_over,
    organisation,
    organisation_name,
    organisation_identifier,
    organisation_succession,
    region,
    project_link,
    project_participant,
    project_dac_purpose,
    project_budget,
    project_region,
    project_plan_item,
);

/// Which rows of one table a write may change.
#[derive(Debug, Clone, Copy)]
enum Written {
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
fn written_by(entity_type: EntityType) -> &'static [(&'static str, Written)] {
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

/// Every row of a table.
static WHOLE: Reread = Reread::Whole;

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

/// One table as read: its type, the table, its estimated bytes and how many rows were read.
type ReadTable = (TypeId, AnyTable, usize, usize);

async fn read_table<E: Readable>(
    txn: &DatabaseTransaction,
    generation: u64,
    held: Option<&AnyTable>,
    reread: &Reread,
) -> ApiResult<ReadTable> {
    let held = held.and_then(|held| Arc::clone(held).downcast::<Table<E>>().ok());
    let (rows, read) = match (reread, held) {
        (Reread::Owned { column, ids }, Some(held)) => {
            let Ok(column) = column.parse::<E::Column>() else {
                unreachable!("`{column}` is a column of the table it is named for")
            };
            let fresh = E::find()
                .filter(column.is_in(ids.iter().copied()))
                .all(txn)
                .await?;
            let read = fresh.len();
            // A row read again replaces the held one with its key even when it was held under
            // another owner (the reference data may move an identifier to another organisation,
            // recording the change on the new one only).
            let Ok(key) = "id".parse::<E::Column>() else {
                unreachable!("every table the read model holds is keyed by `id`")
            };
            let fresh_keys: HashSet<Uuid> = fresh.iter().filter_map(|row| uuid_in::<E>(row, key)).collect();
            let kept = held.rows.iter().filter(|row| {
                !uuid_in::<E>(row, column).is_some_and(|owner| ids.contains(&owner))
                    && !uuid_in::<E>(row, key).is_some_and(|id| fresh_keys.contains(&id))
            });
            let rows: Vec<Row<E>> = kept.cloned().chain(fresh.into_iter().map(Arc::new)).collect();
            (rows, read)
        }
        _ => {
            let rows: Vec<Row<E>> = E::find().all(txn).await?.into_iter().map(Arc::new).collect();
            let read = rows.len();
            (rows, read)
        }
    };
    let table = Table::<E>::new(rows, generation);
    let bytes = table.bytes;
    Ok((TypeId::of::<E>(), Arc::new(table), bytes, read))
}

/// The UUID `row` holds in `column`, if it holds one.
fn uuid_in<E: Readable>(row: &E::Model, column: E::Column) -> Option<Uuid> {
    match row.get(column) {
        sea_orm::Value::Uuid(Some(id)) => Some(id),
        _ => None,
    }
}

/// The tables of one snapshot.
#[derive(Clone, Default)]
pub struct Tables {
    by_type: HashMap<TypeId, (AnyTable, usize)>,
    by_name: HashMap<&'static str, TypeId>,
}

impl Tables {
    /// Reads what `changed` names (every table when `None`, or when this set does not hold it yet)
    /// through `txn`, in place of what this set held of it. Returns how many rows were read.
    pub async fn read(&mut self, txn: &DatabaseTransaction, changed: Option<&Changed>) -> ApiResult<usize> {
        let mut rows_read = 0;
        for &name in ALL {
            let held = self
                .by_name
                .get(name)
                .and_then(|type_id| self.by_type.get(type_id))
                .map(|(table, _)| table);
            let reread = match (changed, held) {
                (Some(changed), Some(_)) => match changed.get(name) {
                    Some(reread) => reread,
                    None => continue,
                },
                _ => &WHOLE,
            };
            let generation = GENERATION.fetch_add(1, Ordering::Relaxed);
            let (type_id, table, bytes, read) = read_named(name, txn, generation, held, reread).await?;
            rows_read += read;
            self.by_type.insert(type_id, (table, bytes));
            self.by_name.insert(name, type_id);
        }
        Ok(rows_read)
    }

    /// The table of `E` (every table is read before any is asked for).
    pub fn get<E: Readable>(&self) -> Arc<Table<E>> {
        let table = self
            .by_type
            .get(&TypeId::of::<E>())
            .and_then(|(table, _)| Arc::clone(table).downcast().ok());
        match table {
            Some(table) => table,
            None => {
                unreachable!("the read model holds every table the loaders read, each under its own type")
            }
        }
    }

    /// The tables whose rows differ from those of `other` (both read in full or caught up).
    #[cfg(debug_assertions)]
    pub fn differing_from(&self, other: &Self) -> Vec<&'static str> {
        ALL.iter()
            .copied()
            .filter(|name| rows_as_json(name, self) != rows_as_json(name, other))
            .collect()
    }

    /// Estimated bytes of every table.
    pub fn bytes(&self) -> usize {
        self.by_type.values().map(|(_, bytes)| bytes).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_held_table_is_keyed_by_a_uuid_id() {
        for &table in ALL {
            assert!(has_uuid_column(table, "id"), "`{table}` has no UUID column `id`");
        }
    }

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
