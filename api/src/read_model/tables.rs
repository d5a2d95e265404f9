//! Which tables the read model holds, reading them, and which of them a write may have touched.

use std::{
    any::TypeId,
    collections::{BTreeSet, HashMap},
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use entity::audit_event;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect};

use super::table::{AnyTable, Readable, Table};
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

        /// Reads the table of entity module `name` as generation `generation`.
        async fn read_named(
            name: &str,
            txn: &DatabaseTransaction,
            generation: u64,
        ) -> ApiResult<(TypeId, AnyTable, usize)> {
            match name {
                $(stringify!($module) => read_table::<entity::$module::Entity>(txn, generation).await,)+
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
        EntityType::Indicator => &["indicator", "indicator_value", "responsibility"],
        EntityType::IndicatorValue => &["indicator", "indicator_value"],
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

/// The tables changed by the writes after `from` up to `to`; `None` when every table must be read
/// (far behind, or a change of an unknown kind).
pub async fn touched_since(
    txn: &DatabaseTransaction,
    from: i64,
    to: i64,
) -> ApiResult<Option<BTreeSet<&'static str>>> {
    if to <= from {
        return Ok(Some(BTreeSet::new()));
    }
    if to - from > READ_ALL_AFTER {
        return Ok(None);
    }
    let types: Vec<String> = audit_event::Entity::find()
        .select_only()
        .column(audit_event::Column::EntityType)
        .distinct()
        .filter(audit_event::Column::Sequence.gt(from))
        .filter(audit_event::Column::Sequence.lte(to))
        .into_tuple()
        .all(txn)
        .await?;
    if types.is_empty() {
        // The sequence moved without a recorded change (an operator's repair): read everything.
        return Ok(None);
    }
    let mut touched = BTreeSet::new();
    for entity_type in &types {
        match touched_by(entity_type) {
            Some(tables) => touched.extend(tables.iter().copied()),
            None => return Ok(None),
        }
    }
    Ok(Some(touched))
}

async fn read_table<E: Readable>(
    txn: &DatabaseTransaction,
    generation: u64,
) -> ApiResult<(TypeId, AnyTable, usize)> {
    let rows = E::find().all(txn).await?;
    let table = Table::<E>::new(rows, generation);
    let bytes = table.bytes;
    Ok((TypeId::of::<E>(), Arc::new(table), bytes))
}

/// The tables of one snapshot.
#[derive(Clone, Default)]
pub struct Tables {
    by_type: HashMap<TypeId, (AnyTable, usize)>,
    by_name: HashMap<&'static str, TypeId>,
}

impl Tables {
    /// Reads the tables named in `names` (every table when `None`) through `txn`, replacing what
    /// this set held of them.
    pub async fn read(
        &mut self,
        txn: &DatabaseTransaction,
        names: Option<&BTreeSet<&'static str>>,
    ) -> ApiResult<()> {
        for &name in ALL {
            if names.is_some_and(|names| !names.contains(name)) && self.by_name.contains_key(name) {
                continue;
            }
            let generation = GENERATION.fetch_add(1, Ordering::Relaxed);
            let (type_id, table, bytes) = read_named(name, txn, generation).await?;
            self.by_type.insert(type_id, (table, bytes));
            self.by_name.insert(name, type_id);
        }
        Ok(())
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
