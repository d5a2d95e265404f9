//! A set of rows to load, and the idempotent loader: each row is keyed by its stable id; a row
//! that is missing is inserted, one whose content differs is updated (its `version` grows by one),
//! and one that is already as given is left untouched, timestamps included. Loading the same
//! dataset twice therefore changes nothing. Rows are never deleted: withdrawn reference data is
//! withdrawn in the files, not removed.

use std::{collections::HashMap, fmt};

use chrono::{DateTime, Utc};
use entity::{
    funding_line, indicator, indicator_value, legal_act, organisation, organisation_identifier,
    organisation_name, organisation_succession, plan, plan_item, plan_item_implementation,
    plan_item_target_group, plan_legal_act, project_dac_purpose, project_link, project_participant,
    project_plan_item, project_region, region, responsibility, target_group, vocabulary,
};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
};
use uuid::Uuid;

use crate::{
    domain::{
        access::Actor,
        audit::{Action, Change, WriteTransaction, registry_state_id},
        search,
    },
    error::ApiError,
};

/// Rows per query: well under the bind-parameter limits of SQLite (32,766) and PostgreSQL (65,535).
const ROWS_PER_STATEMENT: usize = 500;

/// A model the loader can key, compare and stamp.
pub trait SeedRow: Clone + PartialEq + Send + Sync + 'static {
    /// The table's entity.
    type Entity: EntityTrait<Model = Self>;
    /// The table's active model.
    type Active: ActiveModelTrait<Entity = Self::Entity> + ActiveModelBehavior + Send + From<Self>;
    /// The row's key.
    fn id(&self) -> Uuid;
    /// The key column.
    fn id_column() -> <Self::Entity as EntityTrait>::Column;
    /// Sets creation time, change time and version.
    fn stamp(&mut self, created_at: DateTime<Utc>, updated_at: DateTime<Utc>, version: i32);
    /// Creation time, change time and version.
    fn stamps(&self) -> (DateTime<Utc>, DateTime<Utc>, i32);
}

macro_rules! seed_rows {
    ($($module:ident),+ $(,)?) => {$(
        impl SeedRow for $module::Model {
            type Entity = $module::Entity;
            type Active = $module::ActiveModel;
            fn id(&self) -> Uuid {
                self.id
            }
            fn id_column() -> $module::Column {
                $module::Column::Id
            }
            fn stamp(&mut self, created_at: DateTime<Utc>, updated_at: DateTime<Utc>, version: i32) {
                self.created_at = created_at;
                self.updated_at = updated_at;
                self.version = version;
            }
            fn stamps(&self) -> (DateTime<Utc>, DateTime<Utc>, i32) {
                (self.created_at, self.updated_at, self.version)
            }
        }
    )+};
}

seed_rows!(
    region,
    organisation,
    organisation_name,
    organisation_identifier,
    organisation_succession,
    legal_act,
    plan,
    plan_legal_act,
    vocabulary,
    target_group,
    plan_item,
    funding_line,
    responsibility,
    plan_item_target_group,
    plan_item_implementation,
    indicator,
    indicator_value,
    project_link,
    project_participant,
    project_dac_purpose,
    project_region,
    project_plan_item,
);

/// Rows for every table, in the order foreign keys require them to be loaded.
#[derive(Debug, Default, Clone)]
pub struct Dataset {
    /// Regions.
    pub regions: Vec<region::Model>,
    /// Organisations.
    pub organisations: Vec<organisation::Model>,
    /// Organisation name history.
    pub organisation_names: Vec<organisation_name::Model>,
    /// Organisation identifiers.
    pub organisation_identifiers: Vec<organisation_identifier::Model>,
    /// Predecessor/successor links.
    pub organisation_successions: Vec<organisation_succession::Model>,
    /// Legal acts, amended acts before the acts amending them.
    pub legal_acts: Vec<legal_act::Model>,
    /// Plans, a plan after any plan it localizes or supersedes.
    pub plans: Vec<plan::Model>,
    /// Plan to legal act links.
    pub plan_legal_acts: Vec<plan_legal_act::Model>,
    /// Vocabulary versions.
    pub vocabularies: Vec<vocabulary::Model>,
    /// Target groups, a replacement before the groups it replaces.
    pub target_groups: Vec<target_group::Model>,
    /// Plan items, parents before children.
    pub plan_items: Vec<plan_item::Model>,
    /// Funding lines.
    pub funding_lines: Vec<funding_line::Model>,
    /// Responsibilities.
    pub responsibilities: Vec<responsibility::Model>,
    /// Item to target group links.
    pub plan_item_target_groups: Vec<plan_item_target_group::Model>,
    /// Localizing item to national item links.
    pub plan_item_implementations: Vec<plan_item_implementation::Model>,
    /// Indicators.
    pub indicators: Vec<indicator::Model>,
    /// Indicator values.
    pub indicator_values: Vec<indicator_value::Model>,
    /// Project links.
    pub project_links: Vec<project_link::Model>,
    /// Project participants.
    pub project_participants: Vec<project_participant::Model>,
    /// Project DAC purposes.
    pub project_dac_purposes: Vec<project_dac_purpose::Model>,
    /// Project regions.
    pub project_regions: Vec<project_region::Model>,
    /// Project to plan item links.
    pub project_plan_items: Vec<project_plan_item::Model>,
}

/// What loading did to one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableReport {
    /// Table name.
    pub table: &'static str,
    /// Rows added.
    pub inserted: usize,
    /// Rows whose content changed.
    pub updated: usize,
    /// Rows already as given.
    pub unchanged: usize,
}

/// What loading a dataset did, table by table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// One entry per table, in load order.
    pub tables: Vec<TableReport>,
}

impl SeedReport {
    /// Whether the load changed nothing at all.
    pub fn changed_nothing(&self) -> bool {
        self.tables
            .iter()
            .all(|table| table.inserted == 0 && table.updated == 0)
    }

    fn merge(&mut self, other: Self) {
        for table in other.tables {
            match self.tables.iter_mut().find(|t| t.table == table.table) {
                Some(existing) => {
                    existing.inserted += table.inserted;
                    existing.updated += table.updated;
                    existing.unchanged += table.unchanged;
                }
                None => self.tables.push(table),
            }
        }
    }

    /// Adds up two reports, table by table.
    pub fn combined(mut self, other: Self) -> Self {
        self.merge(other);
        self
    }
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<28} {:>9} {:>9} {:>9}",
            "table", "inserted", "updated", "unchanged"
        )?;
        for t in &self.tables {
            writeln!(
                f,
                "{:<28} {:>9} {:>9} {:>9}",
                t.table, t.inserted, t.updated, t.unchanged
            )?;
        }
        Ok(())
    }
}

impl Dataset {
    /// Computes the columns the registry derives from others: `search_text` of every searchable
    /// row, and the `sort_key` of indicators (from their item's code).
    pub fn fill_derived_columns(&mut self) {
        for item in &mut self.plan_items {
            item.search_text = search::plan_item_text(item);
        }
        let items: HashMap<Uuid, &plan_item::Model> = self.plan_items.iter().map(|i| (i.id, i)).collect();
        for indicator in &mut self.indicators {
            indicator.search_text = search::indicator_text(indicator);
            if let Some(item) = items.get(&indicator.plan_item_id) {
                indicator.sort_key = crate::domain::indicators::sort_key(item, &indicator.code);
            }
        }
        for link in &mut self.project_links {
            link.search_text = search::project_link_text(link);
        }
        for organisation in &mut self.organisations {
            let identifiers = self
                .organisation_identifiers
                .iter()
                .filter(|i| i.organisation_id == organisation.id)
                .map(|i| i.identifier.as_str());
            let names = self
                .organisation_names
                .iter()
                .filter(|n| n.organisation_id == organisation.id);
            let former: Vec<&str> = names
                .flat_map(|n| [n.name_uk.as_deref(), n.name_en.as_deref()])
                .flatten()
                .collect();
            organisation.search_text =
                search::organisation_text(organisation, identifiers.chain(former.iter().copied()));
        }
    }

    /// Loads every row in one transaction: either all of it lands or none of it does. A load
    /// that changes anything is a write like any other: it moves the change sequence on (so every
    /// instance's response cache sees it) and leaves one audit event (not in the public feed); a
    /// load that changes nothing leaves no trace.
    pub async fn load(&self, db: &DatabaseConnection) -> Result<SeedReport, DbErr> {
        let now = Utc::now();
        let write = WriteTransaction::begin(db, &Actor::CommandLine)
            .await
            .map_err(into_db_error)?;
        let txn = &write.txn;
        let mut tables = Vec::new();
        macro_rules! load_tables {
            ($($field:ident),+ $(,)?) => {$(
                tables.push(upsert(txn, stringify!($field), &self.$field, now).await?);
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
        let report = SeedReport { tables };
        if report.changed_nothing() {
            write.txn.rollback().await?;
            return Ok(report);
        }
        let summary: Vec<serde_json::Value> = report
            .tables
            .iter()
            .filter(|table| table.inserted + table.updated > 0)
            .map(|table| {
                serde_json::json!({
                    "table": table.table, "inserted": table.inserted, "updated": table.updated
                })
            })
            .collect();
        let mut write = write;
        write
            .audit(Change {
                entity_type: "ReferenceData",
                entity_id: registry_state_id(),
                entity_code: Some("reference-data"),
                action: Action::Update,
                version: 1,
                before: None,
                after: Some(&summary),
                public: false,
            })
            .await
            .map_err(into_db_error)?;
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

async fn upsert<R>(
    db: &impl sea_orm::ConnectionTrait,
    table: &'static str,
    rows: &[R],
    now: DateTime<Utc>,
) -> Result<TableReport, DbErr>
where
    R: SeedRow + sea_orm::IntoActiveModel<R::Active>,
{
    let mut report = TableReport {
        table,
        inserted: 0,
        updated: 0,
        unchanged: 0,
    };
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let ids: Vec<Uuid> = chunk.iter().map(SeedRow::id).collect();
        let existing: HashMap<Uuid, R> = R::Entity::find()
            .filter(R::id_column().is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|row| (row.id(), row))
            .collect();
        let mut inserts = Vec::new();
        for row in chunk {
            let mut row = row.clone();
            match existing.get(&row.id()) {
                None => {
                    row.stamp(now, now, 1);
                    inserts.push(R::Active::from(row).reset_all());
                    report.inserted += 1;
                }
                Some(stored) => {
                    let (created_at, updated_at, version) = stored.stamps();
                    row.stamp(created_at, updated_at, version);
                    if row == *stored {
                        report.unchanged += 1;
                    } else {
                        row.stamp(created_at, now, version + 1);
                        R::Active::from(row).reset_all().update(db).await?;
                        report.updated += 1;
                    }
                }
            }
        }
        if !inserts.is_empty() {
            R::Entity::insert_many(inserts).exec_without_returning(db).await?;
        }
    }
    Ok(report)
}

/// Builds a model with placeholder timestamps and version; the loader sets the real ones.
pub fn placeholder_time() -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH
}
