//! Which tables the read model holds, and reading them: whole, or the rows a catch-up names
//! (`super::changes`) in place of those held.

use std::{
    any::TypeId,
    collections::{HashMap, HashSet},
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use sea_orm::{ColumnTrait, DatabaseTransaction, ModelTrait, QueryFilter};
use uuid::Uuid;

use super::{
    changes::{Changed, Reread},
    table::{AnyTable, Readable, Row, Table},
};
use crate::error::ApiResult;

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
        pub(super) fn has_uuid_column(name: &str, column: &str) -> bool {
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

/// Every row of a table.
static WHOLE: Reread = Reread::Whole;

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
}
