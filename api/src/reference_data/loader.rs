//! The loader: writes a `Dataset` in one transaction without ever undoing an edit made through the
//! API. For each row it keeps, in `loaded_rows`, a digest of the shipped content it last applied
//! and the version it left the row at, and decides:
//!
//! - row missing and never loaded: insert it (version 1);
//! - row missing but loaded before: it was removed through the API; leave it out, and report it;
//! - row as shipped: leave it untouched, timestamps included;
//! - row still exactly as the last load left it (same digest, same version) and the shipped
//!   content changed: update it (its `version` grows by one);
//! - row changed since the last load (another digest, or a version past the one written): leave
//!   it as it is, and report it (in the log and the seed command's summary).
//!
//! A row loaded before `loaded_rows` existed has no record: it counts as loaded when it equals the
//! shipped content (the record is written then), and as never edited while its version is still 1
//! (every API write moves the version); otherwise it is left and reported.
//!
//! Every row inserted or updated gets its own audit event and change feed entry, with its own
//! number of the change sequence (see `Subject` for which object an entry names). A load that
//! changes nothing leaves no trace. Rows are never deleted: withdrawn reference data is withdrawn
//! in the files, not removed.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{loaded_row, organisation, plan, plan_item, project_link};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityName,
    EntityTrait, IntoActiveModel, QueryFilter,
};
use uuid::Uuid;

use super::dataset::{Dataset, FeedCode, KeptRow, Row, SeedReport, SeedRow, Subject, TableReport};
use crate::{
    domain::{
        audit::{Action, BulkWrite, Change},
        entity_type::EntityType,
        write::rows::{Audited, UNSTORED},
    },
    error::ApiError,
};

/// Rows per query: well under the bind-parameter limits of SQLite (32,766) and PostgreSQL (65,535).
const ROWS_PER_STATEMENT: usize = 500;

impl Dataset {
    /// Loads every row in one transaction: either all of it lands or none of it does. See the
    /// module documentation for what happens to each row.
    pub async fn load(&self, db: &DatabaseConnection) -> Result<SeedReport, DbErr> {
        let mut write = BulkWrite::begin(db).await.map_err(into_db_error)?;
        let mut load = Load::default();
        let mut tables = Vec::new();
        macro_rules! load_tables {
            ($($field:ident),+ $(,)?) => {$(
                tables.push(load.table(&mut write, stringify!($field), &self.$field).await?);
            )+};
        }
        load_tables!(
            regions,
            organisations,
            organisation_names,
            organisation_identifiers,
            organisation_successions,
            legal_acts,
            plans,
            plan_legal_acts,
            region_plan_states,
            vocabularies,
            target_groups,
            plan_items,
            funding_lines,
            responsibilities,
            plan_item_target_groups,
            plan_item_implementations,
            indicators,
            indicator_values,
            project_links,
            project_participants,
            project_dac_purposes,
            project_regions,
            project_plan_items,
        );
        let report = SeedReport {
            tables,
            kept: load.kept,
            events: write.recorded(),
        };
        for row in &report.kept {
            tracing::warn!(
                table = row.table,
                id = %row.id,
                row = %row.label,
                "reference data load: {}; left as it is",
                row.reason
            );
        }
        if report.changed_nothing() && !load.records_written {
            write.txn.rollback().await?;
            return Ok(report);
        }
        write.commit().await.map_err(into_db_error)?;
        Ok(report)
    }
}

/// The loader speaks `DbErr`; a write bookkeeping error becomes one.
fn into_db_error(error: ApiError) -> DbErr {
    match error {
        ApiError::Database(error) => error,
        other => DbErr::Custom(other.message()),
    }
}

/// What one load has seen so far.
#[derive(Default)]
struct Load {
    /// Objects of this load: key to (code shown in the feed, version after the load).
    objects: HashMap<Uuid, (Option<String>, i32)>,
    /// Rows left alone.
    kept: Vec<KeptRow>,
    /// Whether `loaded_rows` was written (possibly without any other change).
    records_written: bool,
}

/// A change to audit once the chunk is written.
struct Pending<R> {
    action: Action,
    before: Option<R>,
    after: R,
}

impl Load {
    async fn table<R>(
        &mut self,
        write: &mut BulkWrite,
        table: &'static str,
        rows: &[R],
    ) -> Result<TableReport, DbErr>
    where
        R: SeedRow + IntoActiveModel<R::Active>,
    {
        let now = write.now;
        let table_name = R::Entity::default().table_name().to_owned();
        let mut report = TableReport {
            table,
            inserted: 0,
            updated: 0,
            unchanged: 0,
            kept: 0,
        };
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            let txn = &write.txn;
            let ids: Vec<Uuid> = chunk.iter().map(Row::id).collect();
            let existing: HashMap<Uuid, R> = R::Entity::find()
                .filter(R::id_column().is_in(ids.clone()))
                .all(txn)
                .await?
                .into_iter()
                .map(|row| (row.id(), row))
                .collect();
            let records: HashMap<Uuid, loaded_row::Model> = loaded_row::Entity::find()
                .filter(loaded_row::Column::Id.is_in(ids))
                .all(txn)
                .await?
                .into_iter()
                .map(|record| (record.id, record))
                .collect();
            let mut inserts = Vec::new();
            let mut new_records = Vec::new();
            let mut pending = Vec::new();
            for row in chunk {
                let mut row = row.clone();
                let id = row.id();
                let shipped = digest(&row)?;
                let record = records.get(&id);
                let final_version = match existing.get(&id) {
                    None if record.is_some() => {
                        self.keep(table, &row, "removed through the API since it was loaded");
                        report.kept += 1;
                        None
                    }
                    None => {
                        row.stamp_new(now);
                        inserts.push(R::Active::from(row.clone()).reset_all());
                        new_records.push(record_row(id, &table_name, shipped, 1, now));
                        pending.push(Pending {
                            action: Action::Create,
                            before: None,
                            after: row.clone(),
                        });
                        report.inserted += 1;
                        Some(1)
                    }
                    Some(stored) => {
                        let (_, _, version) = stored.stamps();
                        let current = digest(stored)?;
                        let as_loaded = match record {
                            Some(record) => record.loaded_version == version && record.digest == current,
                            None => version == 1,
                        };
                        if current == shipped {
                            if record.is_none() {
                                new_records.push(record_row(id, &table_name, shipped, version, now));
                            }
                            report.unchanged += 1;
                            Some(version)
                        } else if !as_loaded {
                            self.keep(table, stored, "changed through the API since it was loaded");
                            report.kept += 1;
                            Some(version)
                        } else {
                            row.stamp_after(stored, now);
                            R::Active::from(row.clone()).reset_all().update(txn).await?;
                            match record {
                                Some(record) => {
                                    let record_version = record.version;
                                    let mut record = record.clone().into_active_model();
                                    record.digest = Set(shipped);
                                    record.loaded_version = Set(version + 1);
                                    record.updated_at = Set(now);
                                    record.version = Set(record_version + 1);
                                    record.update(txn).await?;
                                    self.records_written = true;
                                }
                                None => {
                                    new_records.push(record_row(id, &table_name, shipped, version + 1, now));
                                }
                            }
                            pending.push(Pending {
                                action: Action::Update,
                                before: Some(stored.clone()),
                                after: row.clone(),
                            });
                            report.updated += 1;
                            Some(version + 1)
                        }
                    }
                };
                if let (Subject::Object { code, .. }, Some(version)) = (row.subject(), final_version) {
                    let code = self.feed_code(txn, code).await?;
                    self.objects.insert(id, (code, version));
                }
            }
            if !inserts.is_empty() {
                R::Entity::insert_many(inserts)
                    .exec_without_returning(txn)
                    .await?;
            }
            if !new_records.is_empty() {
                loaded_row::Entity::insert_many(new_records)
                    .exec_without_returning(txn)
                    .await?;
                self.records_written = true;
            }
            for change in pending {
                self.audit(write, change).await?;
            }
        }
        Ok(report)
    }

    fn keep<R: SeedRow>(&mut self, table: &'static str, row: &R, reason: &'static str) {
        let label = match row.subject() {
            Subject::Object {
                code: FeedCode::Own(code),
                ..
            } => code,
            Subject::Object { entity_type, .. } | Subject::Private { entity_type } => entity_type.to_string(),
            Subject::PartOf { entity_type, owner } => match self.objects.get(&owner) {
                Some((Some(code), _)) => format!("part of {entity_type} {code}"),
                _ => format!("part of {entity_type} {owner}"),
            },
        };
        self.kept.push(KeptRow {
            table,
            id: row.id(),
            label,
            reason,
        });
    }

    /// The code an object shows in the feed.
    async fn feed_code(&self, db: &impl ConnectionTrait, code: FeedCode) -> Result<Option<String>, DbErr> {
        Ok(match code {
            FeedCode::None => None,
            FeedCode::Own(code) => Some(code),
            FeedCode::UnderItem(item, code) => {
                let item_code = match self.objects.get(&item) {
                    Some((item_code, _)) => item_code.clone(),
                    None => plan_item::Entity::find_by_id(item).one(db).await?.map(|i| i.code),
                };
                item_code.map(|item_code| format!("{item_code}/{code}"))
            }
        })
    }

    /// The code and version of an object a row belongs to.
    async fn owner(
        &self,
        db: &impl ConnectionTrait,
        entity_type: EntityType,
        owner: Uuid,
    ) -> Result<(Option<String>, i32), DbErr> {
        if let Some(known) = self.objects.get(&owner) {
            return Ok(known.clone());
        }
        let found = match entity_type {
            EntityType::Organisation => code_and_version::<organisation::Model>(db, owner).await?,
            EntityType::Plan => code_and_version::<plan::Model>(db, owner).await?,
            EntityType::PlanItem => code_and_version::<plan_item::Model>(db, owner).await?,
            EntityType::ProjectLink => code_and_version::<project_link::Model>(db, owner).await?,
            _ => None,
        };
        found.ok_or_else(|| {
            DbErr::RecordNotFound(format!("{entity_type} {owner}, which a loaded row belongs to"))
        })
    }

    /// Records the audit event (and feed entry) of one inserted or updated row.
    async fn audit<R: SeedRow>(&self, write: &mut BulkWrite, change: Pending<R>) -> Result<(), DbErr> {
        let id = change.after.id();
        let version = change.after.stamps().2;
        let (entity_type, entity_id, code, version, action, public) = match change.after.subject() {
            Subject::Object { entity_type, code } => {
                let code = match self.objects.get(&id) {
                    Some((code, _)) => code.clone(),
                    None => self.feed_code(&write.txn, code).await?,
                };
                (entity_type, id, code, version, change.action, true)
            }
            Subject::PartOf { entity_type, owner } => {
                let (code, owner_version) = self.owner(&write.txn, entity_type, owner).await?;
                let action = match change.action {
                    Action::Create => Action::Link,
                    other => other,
                };
                (entity_type, owner, code, owner_version, action, true)
            }
            Subject::Private { entity_type } => (entity_type, id, None, version, change.action, false),
        };
        write
            .record(&Change {
                entity_type: entity_type.as_str(),
                entity_id,
                entity_code: code,
                action,
                version,
                before: change.before.as_ref(),
                after: Some(&change.after),
                public,
            })
            .map_err(into_db_error)
    }
}

/// The `loaded_rows` record of a row written with content `digest` at `version`.
fn record_row(
    id: Uuid,
    table: &str,
    digest: String,
    version: i32,
    now: DateTime<Utc>,
) -> loaded_row::ActiveModel {
    loaded_row::ActiveModel {
        id: Set(id),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        table_name: Set(table.to_owned()),
        digest: Set(digest),
        loaded_version: Set(version),
    }
}

/// The audit code and version of the stored object `id`, if there is one.
async fn code_and_version<M: Audited>(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<(Option<String>, i32)>, DbErr> {
    let found = M::Entity::find().filter(M::id_column().eq(id)).one(db).await?;
    Ok(found.map(|row| (row.audit_code(), row.stamps().2)))
}

/// SHA-256 (hex) of a row's content, its timestamps and version left out.
fn digest<R: SeedRow>(row: &R) -> Result<String, DbErr> {
    let mut row = row.clone();
    row.stamp(UNSTORED, UNSTORED, 0);
    let bytes = serde_json::to_vec(&row).map_err(|error| DbErr::Custom(error.to_string()))?;
    Ok(crate::digest::sha256_hex(bytes))
}
