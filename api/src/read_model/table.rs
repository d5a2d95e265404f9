//! One table of the read model and the groups resolvers read from it: every row of the table as
//! the database holds it, and for each relation a loader follows, the rows' positions grouped by
//! the relation's key column and put in the order the SQL loader would give them.

use std::{any::Any, cmp::Ordering, collections::HashMap, sync::Arc};

use sea_orm::{EntityTrait, ModelTrait, Value};
use uuid::Uuid;

/// What the read model can hold: an entity whose rows are shared between requests.
pub trait Readable:
    EntityTrait<Model: Clone + Send + Sync + serde::Serialize + 'static, Column: Send + Sync> + 'static
{
}

impl<E> Readable for E where
    E: EntityTrait<Model: Clone + Send + Sync + serde::Serialize + 'static, Column: Send + Sync> + 'static
{
}

/// A row shared between the read model and every answer that shows it: resolvers hold rows by
/// reference count, so following a relation copies no text.
pub type Row<E> = Arc<<E as EntityTrait>::Model>;

/// Every row of one table, as read in one consistent snapshot.
pub struct Table<E: Readable> {
    /// The rows, in no particular order.
    pub rows: Vec<Row<E>>,
    /// Bumped each time the table is read again, so groups built over an older read are rebuilt.
    pub generation: u64,
    /// Estimated bytes the rows take (see [`estimate_bytes`]).
    pub bytes: usize,
}

impl<E: Readable> Table<E> {
    /// A table of `rows` read as `generation`.
    pub fn new(rows: Vec<Row<E>>, generation: u64) -> Self {
        let bytes = estimate_bytes(&rows);
        Self {
            rows,
            generation,
            bytes,
        }
    }
}

/// An estimate of the memory `rows` take: the fixed size of each row plus its text, judged from
/// the JSON of up to 64 rows spread over the table.
fn estimate_bytes<M: serde::Serialize>(rows: &[Arc<M>]) -> usize {
    if rows.is_empty() {
        return 0;
    }
    let step = (rows.len() / 64).max(1);
    let sample: Vec<&M> = rows.iter().step_by(step).map(|row| &**row).collect();
    let text: usize = sample
        .iter()
        .map(|row| serde_json::to_vec(row).map_or(0, |json| json.len()))
        .sum();
    // Each row sits in its own allocation behind a reference count (two words).
    rows.len() * (size_of::<M>() + 2 * size_of::<usize>() + text / sample.len())
}

/// A table held behind a type-erased pointer, so the snapshot can keep tables of every type in one
/// map.
pub type AnyTable = Arc<dyn Any + Send + Sync>;

/// How rows are grouped: by `column` (a UUID column), each group in `order` (ascending, nulls
/// last as PostgreSQL sorts them), keeping only rows `keep` accepts.
pub struct Grouping<E: Readable> {
    /// The key column.
    pub column: E::Column,
    /// The sort columns of each group.
    pub order: Vec<E::Column>,
    /// Which rows take part (all when `None`).
    pub keep: Option<fn(&E::Model) -> bool>,
}

/// The rows of a table grouped by a key column (the in-memory twin of a SQL loader).
pub struct Grouped<E: Readable> {
    table: Arc<Table<E>>,
    /// Positions of the rows by key. The keys are the registry's own ids, not chosen by clients,
    /// so a fast hash serves (every relation a query follows is a lookup here).
    groups: HashMap<Uuid, Positions, foldhash::fast::RandomState>,
}

/// The positions of one group's rows in its table, in order. Most groups (every grouping by id,
/// and most of a project link's rows) hold one row, kept in place: no allocation of its own, so a
/// snapshot rebuilt after each write allocates, and leaves behind, a fraction of what a list per
/// key would.
enum Positions {
    One(u32),
    Many(Box<[u32]>),
}

impl Positions {
    fn as_slice(&self) -> &[u32] {
        match self {
            Self::One(position) => std::slice::from_ref(position),
            Self::Many(positions) => positions,
        }
    }
}

impl<E: Readable> Grouped<E> {
    /// Groups `table` as `grouping` says.
    pub fn build(table: Arc<Table<E>>, grouping: &Grouping<E>) -> Self {
        let mut keyed: HashMap<Uuid, Vec<u32>, foldhash::fast::RandomState> = HashMap::default();
        for (position, row) in table.rows.iter().enumerate() {
            if grouping.keep.is_some_and(|keep| !keep(row)) {
                continue;
            }
            let Value::Uuid(Some(key)) = row.get(grouping.column) else {
                continue;
            };
            let Ok(position) = u32::try_from(position) else {
                unreachable!("a table of more than 4 billion rows")
            };
            keyed.entry(key).or_default().push(position);
        }
        let sort_key = |position: u32| -> Vec<Value> {
            let row = &table.rows[position as usize];
            grouping.order.iter().map(|column| row.get(*column)).collect()
        };
        let groups = keyed
            .into_iter()
            .map(|(key, positions)| {
                let positions = match positions.as_slice() {
                    [one] => Positions::One(*one),
                    many => {
                        let mut sorted: Vec<(Vec<Value>, u32)> =
                            many.iter().map(|&p| (sort_key(p), p)).collect();
                        // Stable: rows of equal keys keep the table's order.
                        sorted.sort_by(|(a, _), (b, _)| compare_keys(a, b));
                        Positions::Many(sorted.into_iter().map(|(_, position)| position).collect())
                    }
                };
                (key, positions)
            })
            .collect();
        Self { table, groups }
    }

    /// The rows grouped under `key`, in order.
    pub fn get(&self, key: &Uuid) -> impl Iterator<Item = &Row<E>> {
        self.groups
            .get(key)
            .map_or(&[][..], Positions::as_slice)
            .iter()
            .map(|&position| &self.table.rows[position as usize])
    }

    /// Estimated bytes of the grouping itself (the rows are counted with their table).
    pub fn bytes(&self) -> usize {
        let listed: usize = self
            .groups
            .values()
            .map(|positions| match positions {
                Positions::One(_) => 0,
                Positions::Many(positions) => positions.len() * 4 + 16,
            })
            .sum();
        self.groups.capacity() * (size_of::<Uuid>() + size_of::<Positions>() + 1) + listed
    }
}

fn compare_keys(a: &[Value], b: &[Value]) -> Ordering {
    a.iter()
        .zip(b)
        .map(|(a, b)| compare_values(a, b))
        .find(|ordering| ordering.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// Compares two values of one column as the database's `ORDER BY … ASC` does with the C
/// collation: text by bytes, UUIDs by bytes, numbers and dates by value, nulls last.
pub fn compare_values(a: &Value, b: &Value) -> Ordering {
    fn nulls_last<T: Ord>(a: Option<&T>, b: Option<&T>) -> Ordering {
        match (a, b) {
            (Some(a), Some(b)) => a.cmp(b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    }
    match (a, b) {
        (Value::String(a), Value::String(b)) => nulls_last(a.as_ref(), b.as_ref()),
        (Value::Int(a), Value::Int(b)) => nulls_last(a.as_ref(), b.as_ref()),
        (Value::BigInt(a), Value::BigInt(b)) => nulls_last(a.as_ref(), b.as_ref()),
        (Value::SmallInt(a), Value::SmallInt(b)) => nulls_last(a.as_ref(), b.as_ref()),
        (Value::Bool(a), Value::Bool(b)) => nulls_last(a.as_ref(), b.as_ref()),
        (Value::Uuid(a), Value::Uuid(b)) => nulls_last(a.as_ref(), b.as_ref()),
        (Value::ChronoDate(a), Value::ChronoDate(b)) => nulls_last(a.as_ref(), b.as_ref()),
        (Value::ChronoDateTimeUtc(a), Value::ChronoDateTimeUtc(b)) => nulls_last(a.as_ref(), b.as_ref()),
        (a, b) => unreachable!("the read model does not sort by {a:?} and {b:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_sort_as_the_database_sorts_them() {
        let text = |t: Option<&str>| Value::String(t.map(str::to_owned));
        assert_eq!(compare_values(&text(Some("B")), &text(Some("a"))), Ordering::Less);
        assert_eq!(compare_values(&text(Some("a")), &text(None)), Ordering::Less);
        assert_eq!(
            compare_values(&Value::Int(None), &Value::Int(Some(1))),
            Ordering::Greater
        );
        assert_eq!(
            compare_keys(
                &[Value::Int(Some(1)), text(Some("b"))],
                &[Value::Int(Some(1)), text(Some("a"))]
            ),
            Ordering::Greater
        );
    }
}
