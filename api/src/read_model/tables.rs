//! Which tables the read model holds, reading them, and which of them a write may have touched.

use std::{
    any::TypeId,
    collections::{BTreeMap, BTreeSet, HashMap},
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

/// The tables a write of an object of type `entity_type` may change: the object's own table and
/// every table its writes (including links, withdrawals and renames) insert into, update or
/// delete from. `None` for a type the read model does not know: then every table is read again.
pub fn touched_by(entity_type: &str) -> Option<&'static [&'static str]> {
    Some(match EntityType::parse(entity_type)? {
        EntityType::Plan => &["plan", "plan_legal_act", "legal_act", "plan_item"],
        EntityType::PlanItem => &[
            "plan",
            "plan_item",
            "funding_line",
            "responsibility",
            "plan_item_target_group",
            "plan_item_implementation",
            "project_plan_item",
            "indicator",
        ],
        EntityType::Indicator => &["indicator"],
        EntityType::IndicatorValue => &["indicator_value"],
        EntityType::TargetGroup | EntityType::Vocabulary => &[
            "target_group",
            "vocabulary",
            "vocabulary_carry_over",
            "plan_item_target_group",
        ],
        EntityType::Organisation => &[
            "organisation",
            "organisation_name",
            "organisation_identifier",
            "organisation_succession",
            "responsibility",
            "project_participant",
        ],
        EntityType::Region => &["region"],
        EntityType::ProjectLink => &[
            "project_link",
            "project_participant",
            "project_dac_purpose",
            "project_budget",
            "project_region",
            "project_plan_item",
        ],
        EntityType::LegalAct => &["legal_act", "plan_legal_act"],
        EntityType::ApiToken | EntityType::Webhook => &[],
    })
}

/// For a type whose every write changes, in each table [`touched_by`] names, only rows belonging
/// to the object written: the column of each such table that holds the object's id. A write of a
/// project link replaces its own participants, purposes, budgets, regions and plan items and
/// nothing else; a write of an indicator or of an indicator value (creating, changing or
/// withdrawing it) changes that indicator's or value's row alone (values are objects of their
/// own). So catching up after these reads just those rows.
fn owned_rows(entity_type: EntityType) -> &'static [(&'static str, &'static str)] {
    match entity_type {
        EntityType::Indicator => &[("indicator", "id")],
        EntityType::IndicatorValue => &[("indicator_value", "id")],
        EntityType::ProjectLink => &[
            ("project_link", "id"),
            ("project_participant", "project_link_id"),
            ("project_dac_purpose", "project_link_id"),
            ("project_budget", "project_link_id"),
            ("project_region", "project_link_id"),
            ("project_plan_item", "project_link_id"),
        ],
        _ => &[],
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
        let (Some(parsed), Some(tables)) = (EntityType::parse(entity_type), touched_by(entity_type)) else {
            return Ok(None);
        };
        let owned = owned_rows(parsed);
        for &table in tables {
            let reread = match owned.iter().find(|(name, _)| *name == table) {
                Some(&(_, column)) => Reread::Owned {
                    column,
                    ids: BTreeSet::from([*id]),
                },
                None => Reread::Whole,
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
            let kept = held.rows.iter().filter(
                |row| !matches!(row.get(column), sea_orm::Value::Uuid(Some(owner)) if ids.contains(&owner)),
            );
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

    /// Estimated bytes of every table.
    pub fn bytes(&self) -> usize {
        self.by_type.values().map(|(_, bytes)| bytes).sum()
    }
}
