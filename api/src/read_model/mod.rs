//! The read model: the registry's canonical structure (plans, items, indicators and their values,
//! target groups and vocabularies, organisations, regions, links and project links) held in
//! memory, so that queries read it without SQL. Audit events and tokens stay in the database.
//!
//! A [`Snapshot`] is every table as one consistent read of the database saw it at one change
//! sequence, with the groupings the loaders follow already built. Queries take the current
//! snapshot; it is never older than what they must see:
//!
//! - **Freshness.** A query first learns the registry's change sequence as of a moment after it
//!   arrived (`read_cache::ChangeSequence`, one statement shared by every request arriving while
//!   it runs). When the snapshot is older, the query waits while the snapshot catches up. Every
//!   write, on whichever instance, moves that sequence in its own transaction, so no query misses
//!   a write acknowledged before it began, however many instances share the database.
//! - **Catching up.** Only what the writes since the snapshot's sequence may have changed is
//!   read again: the audit events after that sequence name the objects written, and for each kind
//!   `changes::written_by` says which tables its writes change and which rows (those belonging to
//!   the object written, or for a plan's legal acts, any). Those rows are read, in one transaction
//!   that also reads the sequence (so the snapshot is exactly "every write up to N"), and put in
//!   place of the rows held for the same objects. Groupings over unchanged tables are kept. When
//!   the snapshot is far behind, or an event names something unknown, every table is read again.
//!   Debug builds, and so every test, read every table again after each catch-up and check that
//!   the rows are the same.
//! - **Memory.** The snapshot's size is estimated as it is built; above `NAP_READ_MODEL_BYTES`
//!   the read model steps aside and queries read the database through batched DataLoaders (slower,
//!   equally fresh), until a later snapshot fits again.

mod changes;
pub mod lists;
pub mod table;
mod tables;

use std::{
    any::TypeId,
    cell::RefCell,
    collections::HashMap,
    sync::{Arc, PoisonError, RwLock},
    time::Instant,
};

use entity::region;
use sea_orm::{AccessMode, DatabaseConnection, DbBackend, IsolationLevel, TransactionTrait};
use table::{Grouped, Readable, Table};

use crate::{
    domain::audit::current_sequence,
    error::ApiResult,
    graphql::loaders::{Group, Loaders, Regions, Relation, Source},
};

/// Default memory limit of the read model (`NAP_READ_MODEL_BYTES`): 512 MiB.
pub const DEFAULT_LIMIT_BYTES: usize = 512 * 1024 * 1024;

/// How long a read model found over its limit stays aside before the registry is read again to
/// see whether it fits now.
const RETRY_OVER_LIMIT_AFTER: std::time::Duration = std::time::Duration::from_secs(600);

/// Every table of one consistent read, and the loaders built over them.
pub struct Snapshot {
    /// The change sequence the snapshot shows: every write up to it, none after.
    pub sequence: i64,
    /// Estimated bytes of the tables and groupings.
    pub bytes: usize,
    /// Rows read from the database to make this snapshot from the one before (every row of every
    /// table for a full read; after a project link's write, only that link's rows).
    pub rows_read: usize,
    tables: tables::Tables,
    groupings: Groupings,
    /// The loaders over this snapshot; `None` when it is over the memory limit.
    loaders: Option<Arc<Loaders>>,
    /// When the registry was last found over the limit (its tables are then not kept).
    over_limit_since: Option<Instant>,
}

impl Snapshot {
    /// Whether queries read this snapshot (false: it is over the memory limit).
    pub fn answers_queries(&self) -> bool {
        self.loaders.is_some()
    }
}

/// Groupings by what they group (table, column, order) with the table generation they were built
/// over, so a later snapshot reuses the ones whose table did not change.
type Groupings = HashMap<(TypeId, String), (u64, Arc<dyn std::any::Any + Send + Sync>)>;

/// The read model of one instance (see the module docs).
pub struct ReadModel {
    db: DatabaseConnection,
    limit_bytes: usize,
    current: RwLock<Option<Arc<Snapshot>>>,
    /// Held while a snapshot is being read, so one read serves every waiting query.
    refreshing: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for ReadModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadModel")
            .field("limit_bytes", &self.limit_bytes)
            .field("sequence", &self.current().map(|s| s.sequence))
            .finish_non_exhaustive()
    }
}

impl ReadModel {
    /// A read model of `db` holding at most `limit_bytes` (0: never hold anything, always read the
    /// database). Nothing is read until the first query or [`ReadModel::warm`].
    pub fn new(db: DatabaseConnection, limit_bytes: usize) -> Self {
        Self {
            db,
            limit_bytes,
            current: RwLock::new(None),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    /// The current snapshot, if one has been read.
    pub fn current(&self) -> Option<Arc<Snapshot>> {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Reads the first snapshot now (at start, so the first query does not wait for it).
    pub async fn warm(&self) -> ApiResult<()> {
        if self.limit_bytes > 0 {
            self.catch_up(0).await?;
        }
        Ok(())
    }

    /// Catches up with every change `changes` announces, in the background, so that the first
    /// query after a write rarely waits (queries still check the sequence themselves). Stops when
    /// the announcer goes away.
    pub fn follow(self: Arc<Self>, mut changes: tokio::sync::watch::Receiver<i64>) {
        tokio::spawn(async move {
            while changes.changed().await.is_ok() {
                let sequence = *changes.borrow_and_update();
                self.loaders_at(sequence).await;
            }
        });
    }

    /// Loaders showing at least every write up to `sequence`: the read model's, or when it is
    /// off or over its limit, fresh database loaders.
    pub async fn loaders_at(&self, sequence: i64) -> Arc<Loaders> {
        if self.limit_bytes == 0 {
            return Arc::new(Loaders::new(&self.db));
        }
        let snapshot = match self.current().filter(|s| s.sequence >= sequence) {
            Some(snapshot) => snapshot,
            None => match self.catch_up(sequence).await {
                Ok(snapshot) => snapshot,
                Err(error) => {
                    // The database path reports what fails field by field, and answers the rest.
                    tracing::warn!(
                        ?error,
                        "the read model cannot catch up: this query reads the database"
                    );
                    return Arc::new(Loaders::new(&self.db));
                }
            },
        };
        match &snapshot.loaders {
            Some(loaders) => Arc::clone(loaders),
            None => Arc::new(Loaders::new(&self.db)),
        }
    }

    /// Reads a snapshot at `sequence` or later, unless another query already did.
    async fn catch_up(&self, sequence: i64) -> ApiResult<Arc<Snapshot>> {
        let _refreshing = self.refreshing.lock().await;
        let previous = self.current();
        if let Some(snapshot) = previous.as_ref().filter(|s| s.sequence >= sequence) {
            return Ok(Arc::clone(snapshot));
        }
        let started = Instant::now();
        let next = Arc::new(self.read_after(previous.as_deref()).await?);
        tracing::trace!(
            sequence = next.sequence,
            bytes = next.bytes,
            elapsed_ms = started.elapsed().as_millis(),
            "read model caught up"
        );
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&next));
        Ok(next)
    }

    /// Reads the tables changed since `previous` (all of them without one) in one consistent
    /// transaction, and builds the snapshot.
    async fn read_after(&self, previous: Option<&Snapshot>) -> ApiResult<Snapshot> {
        let txn = match self.db.get_database_backend() {
            DbBackend::Postgres => {
                self.db
                    .begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly))
                    .await?
            }
            _ => self.db.begin().await?,
        };
        let sequence = current_sequence(&txn).await?;
        // Over the limit: hold nothing, only follow the sequence, until it is time to try again.
        if let Some(since) = previous.and_then(|p| p.over_limit_since)
            && since.elapsed() < RETRY_OVER_LIMIT_AFTER
        {
            txn.commit().await?;
            return Ok(Snapshot {
                sequence,
                bytes: previous.map_or(0, |p| p.bytes),
                rows_read: 0,
                tables: tables::Tables::default(),
                groupings: Groupings::new(),
                loaders: None,
                over_limit_since: Some(since),
            });
        }
        let changed: Option<changes::Changed> = match previous.filter(|p| p.over_limit_since.is_none()) {
            Some(previous) => changes::touched_since(&txn, previous.sequence, sequence).await?,
            None => None,
        };
        let mut tables = previous
            .filter(|p| p.over_limit_since.is_none())
            .map(|p| p.tables.clone())
            .unwrap_or_default();
        let rows_read = tables.read(&txn, changed.as_ref()).await?;
        // Debug builds (every test) check each catch-up against a whole read of the same moment,
        // so a write path changing rows that `changes::written_by` does not name fails its tests.
        #[cfg(debug_assertions)]
        if changed.is_some() {
            let mut whole = tables::Tables::default();
            whole.read(&txn, None).await?;
            let differing = tables.differing_from(&whole);
            assert!(
                differing.is_empty(),
                "catching up from {} to {sequence} left {differing:?} unlike the database: a write \
                 changed rows that `changes::written_by` does not name",
                previous.map_or(0, |p| p.sequence)
            );
        }
        txn.commit().await?;
        let mut snapshot = Snapshot {
            sequence,
            bytes: 0,
            rows_read,
            tables,
            groupings: Groupings::new(),
            loaders: None,
            over_limit_since: None,
        };
        let table_bytes = snapshot.tables.bytes();
        if table_bytes > self.limit_bytes {
            return Ok(self.over_limit(snapshot, table_bytes));
        }
        let source = MemorySource {
            db: &self.db,
            tables: &snapshot.tables,
            previous,
            built: RefCell::new(Groupings::new()),
            bytes: RefCell::new(0),
        };
        let loaders = Loaders::build(&source);
        snapshot.bytes = table_bytes + source.bytes.into_inner();
        snapshot.groupings = source.built.into_inner();
        if snapshot.bytes > self.limit_bytes {
            let bytes = snapshot.bytes;
            return Ok(self.over_limit(snapshot, bytes));
        }
        snapshot.loaders = Some(Arc::new(loaders));
        Ok(snapshot)
    }

    /// `snapshot`, found to need `bytes`, stripped of its tables and groupings.
    fn over_limit(&self, mut snapshot: Snapshot, bytes: usize) -> Snapshot {
        tracing::warn!(
            bytes,
            limit = self.limit_bytes,
            "the read model would exceed NAP_READ_MODEL_BYTES: queries read the database, and the registry is read again in ten minutes to see whether it fits"
        );
        snapshot.tables = tables::Tables::default();
        snapshot.groupings.clear();
        snapshot.loaders = None;
        snapshot.bytes = bytes;
        snapshot.over_limit_since = Some(Instant::now());
        snapshot
    }
}

/// Builds loaders over a snapshot's tables, reusing the previous snapshot's groupings and lookups
/// of tables that did not change.
struct MemorySource<'a> {
    db: &'a DatabaseConnection,
    tables: &'a tables::Tables,
    previous: Option<&'a Snapshot>,
    built: RefCell<Groupings>,
    bytes: RefCell<usize>,
}

impl MemorySource<'_> {
    fn grouping<E: Readable>(&self, relation: &Relation<E>) -> Arc<Grouped<E>> {
        use sea_orm::IdenStatic;
        let table: Arc<Table<E>> = self.tables.get::<E>();
        let grouping = &relation.grouping;
        let name = std::iter::once(grouping.column.as_str())
            .chain(grouping.order.iter().map(|c| c.as_str()))
            .collect::<Vec<_>>()
            .join(",");
        let key = (TypeId::of::<E>(), format!("{name}|{}", grouping.keep.is_some()));
        let reused = self
            .previous
            .and_then(|previous| previous.groupings.get(&key))
            .filter(|(generation, _)| *generation == table.generation)
            .and_then(|(_, any)| Arc::clone(any).downcast::<Grouped<E>>().ok());
        let grouped = reused.unwrap_or_else(|| Arc::new(Grouped::build(Arc::clone(&table), grouping)));
        *self.bytes.borrow_mut() += grouped.bytes();
        self.built
            .borrow_mut()
            .insert(key, (table.generation, Arc::clone(&grouped) as _));
        grouped
    }
}

impl Source for MemorySource<'_> {
    fn db(&self) -> &DatabaseConnection {
        self.db
    }

    fn group<E: Readable>(&self, relation: Relation<E>) -> Group<E> {
        Group::Memory(self.grouping(&relation))
    }

    fn regions(&self) -> Regions {
        let table: Arc<Table<region::Entity>> = self.tables.get();
        let mut regions = table.rows.clone();
        regions.sort_by(|a, b| a.code.cmp(&b.code));
        Regions::Memory(Arc::new(regions))
    }

    fn lookups(&self) -> Option<Arc<lists::Lookups>> {
        let previous = self
            .previous
            .and_then(|p| p.loaders.as_ref())
            .and_then(|loaders| loaders.lookups.as_deref());
        Some(Arc::new(lists::Lookups::build(self.tables, previous)))
    }
}
