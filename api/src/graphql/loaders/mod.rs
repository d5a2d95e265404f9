//! The loaders resolvers follow relations through, one per relation. They read from one of two
//! sources (`Source`):
//!
//! - the read model (`crate::read_model`): every row already in memory, grouped and ordered once
//!   per change of the registry and shared by every query that reads at that change sequence;
//! - the database: DataLoaders created fresh for every request (never shared between requests,
//!   so no request sees another's cache), which batch the loads of all objects at the same depth
//!   of a query into one SQL statement, so the number of statements a query issues depends on its
//!   shape, not on how many objects it returns. Mutations and subscriptions read here (they must
//!   see their own writes), and so does everything when the read model is over its memory limit.
//!
//! Both give the same rows in the same order: each relation is described once (`Relation`).

use std::{collections::HashMap, hash::Hash, sync::Arc};

use async_graphql::dataloader::DataLoader;
use entity::{
    funding_line, indicator, indicator_value, legal_act, organisation, organisation_identifier,
    organisation_name, organisation_succession, plan, plan_item, plan_item_implementation,
    plan_item_target_group, plan_legal_act, project_budget, project_dac_purpose, project_link,
    project_participant, project_plan_item, project_region, region, responsibility, target_group, vocabulary,
    vocabulary_carry_over,
};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, DbErr};
use uuid::Uuid;

mod database;

pub use database::{AllRegions, DatabaseSource, RowsBy};

use crate::{
    error::ApiError,
    read_model::{
        lists::Lookups,
        table::{Grouped, Grouping, Readable, Row},
    },
};

/// The error a loader shares with every resolver waiting on its batch.
pub type LoadError = Arc<DbErr>;

impl From<LoadError> for ApiError {
    fn from(error: LoadError) -> Self {
        Self::Internal(error.to_string())
    }
}

/// A relation: rows of `E` grouped by a key column, each group in order, optionally only the rows
/// matching a condition (given twice: as SQL for the database, as a test for the read model).
pub struct Relation<E: Readable> {
    /// How the read model groups the rows.
    pub grouping: Grouping<E>,
    /// The same restriction as `grouping.keep`, in SQL.
    pub condition: Option<Condition>,
}

/// The relation of rows of `E` whose `column` equals a key, each group in `order`.
fn by<E: Readable>(column: E::Column, order: &[E::Column]) -> Relation<E> {
    Relation {
        grouping: Grouping {
            column,
            order: order.to_vec(),
            keep: None,
        },
        condition: None,
    }
}

impl<E: Readable> Relation<E> {
    /// Only the rows matching `condition`, which `keep` tests in memory.
    fn only(mut self, condition: Condition, keep: fn(&E::Model) -> bool) -> Self {
        self.condition = Some(condition);
        self.grouping.keep = Some(keep);
        self
    }
}

/// Where loaders read.
pub trait Source {
    /// The database (federation's natural keys are always looked up there).
    fn db(&self) -> &DatabaseConnection;
    /// The loader of `relation`.
    fn group<E: Readable>(&self, relation: Relation<E>) -> Group<E>;
    /// Every region.
    fn regions(&self) -> Regions;
    /// Lookups by code and the root lists, when the source holds them.
    fn lookups(&self) -> Option<Arc<Lookups>> {
        None
    }
}

/// The loader of one relation.
pub enum Group<E: Readable> {
    /// Grouped in the read model.
    Memory(Arc<Grouped<E>>),
    /// Loaded from the database in batches.
    Database(DataLoader<RowsBy<E>>),
}

/// Every region, by code.
pub enum Regions {
    /// From the read model.
    Memory(Arc<Vec<Row<region::Entity>>>),
    /// From the database, once per request.
    Database(DataLoader<AllRegions>),
}

impl Regions {
    /// Every region, by code.
    pub async fn all(&self) -> Result<Vec<Row<region::Entity>>, ApiError> {
        match self {
            Self::Memory(regions) => Ok(regions.as_ref().clone()),
            Self::Database(loader) => Ok(Box::pin(loader.load_one(())).await?.unwrap_or_default()),
        }
    }
}

/// Every loader a request may use.
pub struct Loaders {
    /// Plans by id.
    pub plans: Group<plan::Entity>,
    /// Plans by the plan they localize.
    pub plans_by_parent: Group<plan::Entity>,
    /// Plans by the plan they supersede.
    pub plans_by_superseded: Group<plan::Entity>,
    /// Plans by region.
    pub plans_by_region: Group<plan::Entity>,
    /// Plans by owner organisation.
    pub plans_by_owner: Group<plan::Entity>,
    /// Legal act links by plan.
    pub plan_acts_by_plan: Group<plan_legal_act::Entity>,
    /// Legal acts by id.
    pub legal_acts: Group<legal_act::Entity>,
    /// Plan items by id.
    pub plan_items: Group<plan_item::Entity>,
    /// Strategic goals by plan.
    pub goals_by_plan: Group<plan_item::Entity>,
    /// Plan items by parent item.
    pub items_by_parent: Group<plan_item::Entity>,
    /// Funding lines by item.
    pub funding_by_item: Group<funding_line::Entity>,
    /// Responsibilities by item.
    pub responsibilities_by_item: Group<responsibility::Entity>,
    /// Responsibilities by organisation.
    pub responsibilities_by_organisation: Group<responsibility::Entity>,
    /// Target group links by item.
    pub target_group_links_by_item: Group<plan_item_target_group::Entity>,
    /// Target group links by target group.
    pub item_links_by_target_group: Group<plan_item_target_group::Entity>,
    /// Implementation links by the localizing item.
    pub implemented_by_item: Group<plan_item_implementation::Entity>,
    /// Implementation links by the national item.
    pub localizations_by_item: Group<plan_item_implementation::Entity>,
    /// Indicators by item.
    pub indicators_by_item: Group<indicator::Entity>,
    /// Indicator values by indicator.
    pub values_by_indicator: Group<indicator_value::Entity>,
    /// Target groups by id.
    pub target_groups: Group<target_group::Entity>,
    /// Vocabularies by id.
    pub vocabularies: Group<vocabulary::Entity>,
    /// Carry-over rows by the edition that carries the group over.
    pub carry_overs_by_vocabulary: Group<vocabulary_carry_over::Entity>,
    /// Carry-over rows by the group carried over.
    pub carry_overs_by_group: Group<vocabulary_carry_over::Entity>,
    /// Groups by the edition they were first published in.
    pub target_groups_by_vocabulary: Group<target_group::Entity>,
    /// Groups by the group that replaces them.
    pub groups_replaced_by: Group<target_group::Entity>,
    /// Organisations by id.
    pub organisations: Group<organisation::Entity>,
    /// Name history by organisation.
    pub names_by_organisation: Group<organisation_name::Entity>,
    /// Identifiers by organisation.
    pub identifiers_by_organisation: Group<organisation_identifier::Entity>,
    /// Successions by predecessor.
    pub successions_by_predecessor: Group<organisation_succession::Entity>,
    /// Successions by successor.
    pub successions_by_successor: Group<organisation_succession::Entity>,
    /// Regions by id.
    pub regions: Group<region::Entity>,
    /// Every region, by code.
    pub all_regions: Regions,
    /// Lookups by code and the root lists (read model only; else queries ask the database).
    pub lookups: Option<Arc<Lookups>>,
    /// Row ids by code or org-id identifier (federation entity references).
    pub ids_by_natural_key: DataLoader<super::natural_keys::IdsByNaturalKey>,
    /// Indicators by id.
    pub indicators: Group<indicator::Entity>,
    /// Indicator values by id.
    pub indicator_values: Group<indicator_value::Entity>,
    /// Project links by id.
    pub project_links: Group<project_link::Entity>,
    /// Participants by project.
    pub participants_by_project: Group<project_participant::Entity>,
    /// Participations by organisation.
    pub participants_by_organisation: Group<project_participant::Entity>,
    /// DAC purposes by project.
    pub purposes_by_project: Group<project_dac_purpose::Entity>,
    /// Budgets per currency by project.
    pub budgets_by_project: Group<project_budget::Entity>,
    /// Region links by project.
    pub regions_by_project: Group<project_region::Entity>,
    /// Project links by region.
    pub projects_by_region: Group<project_region::Entity>,
    /// Item links by project.
    pub items_by_project: Group<project_plan_item::Entity>,
    /// Project links by item.
    pub projects_by_item: Group<project_plan_item::Entity>,
}

/// Keys per batch: far above what one level of a query holds (a 1,000-object tree has 1,000 keys at
/// its widest), so a batch is split only for huge responses, yet within the bind-parameter limits
/// of SQLite (32,766) and PostgreSQL (65,535).
const MAX_BATCH: usize = 10_000;

impl Loaders {
    /// Loaders reading the database, for one request (mutations and subscriptions, which must see
    /// their own writes, and every read when the read model is off).
    pub fn new(db: &DatabaseConnection) -> Self {
        Self::build(&DatabaseSource(db))
    }

    /// Loaders reading from `source`, one per relation a resolver follows.
    pub fn build(source: &impl Source) -> Self {
        use plan_item::Column as Item;
        let db = source.db();
        Self {
            plans: source.group(by(plan::Column::Id, &[])),
            plans_by_parent: source.group(by(plan::Column::ParentPlanId, &[plan::Column::Code])),
            plans_by_superseded: source.group(by(plan::Column::SupersedesId, &[plan::Column::Code])),
            plans_by_region: source.group(by(plan::Column::RegionId, &[plan::Column::Code])),
            plans_by_owner: source.group(by(plan::Column::OwnerOrganisationId, &[plan::Column::Code])),
            plan_acts_by_plan: source.group(by(
                plan_legal_act::Column::PlanId,
                &[plan_legal_act::Column::Role],
            )),
            legal_acts: source.group(by(legal_act::Column::Id, &[])),
            plan_items: source.group(by(Item::Id, &[])),
            goals_by_plan: source.group(by(Item::PlanId, &[Item::SortKey]).only(
                Condition::all().add(Item::ParentId.is_null()),
                |item: &plan_item::Model| item.parent_id.is_none(),
            )),
            items_by_parent: source.group(by(Item::ParentId, &[Item::SortKey])),
            funding_by_item: source.group(by(funding_line::Column::PlanItemId, &[funding_line::Column::Id])),
            responsibilities_by_item: source.group(by(
                responsibility::Column::PlanItemId,
                &[responsibility::Column::Role, responsibility::Column::Id],
            )),
            responsibilities_by_organisation: source.group(by(
                responsibility::Column::OrganisationId,
                &[responsibility::Column::Id],
            )),
            target_group_links_by_item: source.group(by(
                plan_item_target_group::Column::PlanItemId,
                &[plan_item_target_group::Column::Id],
            )),
            item_links_by_target_group: source.group(by(
                plan_item_target_group::Column::TargetGroupId,
                &[plan_item_target_group::Column::Id],
            )),
            implemented_by_item: source.group(by(
                plan_item_implementation::Column::ImplementingItemId,
                &[plan_item_implementation::Column::Id],
            )),
            localizations_by_item: source.group(by(
                plan_item_implementation::Column::ImplementedItemId,
                &[plan_item_implementation::Column::Id],
            )),
            indicators_by_item: source.group(by(indicator::Column::PlanItemId, &[indicator::Column::Code])),
            values_by_indicator: source.group(by(
                indicator_value::Column::IndicatorId,
                &[
                    indicator_value::Column::PeriodStartYear,
                    indicator_value::Column::PeriodEndYear,
                    indicator_value::Column::Kind,
                    indicator_value::Column::Sex,
                    indicator_value::Column::Id,
                ],
            )),
            target_groups: source.group(by(target_group::Column::Id, &[])),
            vocabularies: source.group(by(vocabulary::Column::Id, &[])),
            carry_overs_by_vocabulary: source.group(by(
                vocabulary_carry_over::Column::VocabularyId,
                &[vocabulary_carry_over::Column::Position],
            )),
            carry_overs_by_group: source.group(by(
                vocabulary_carry_over::Column::TargetGroupId,
                &[vocabulary_carry_over::Column::Position],
            )),
            groups_replaced_by: source.group(by(target_group::Column::ReplacedById, &[])),
            target_groups_by_vocabulary: source.group(by(
                target_group::Column::VocabularyId,
                &[target_group::Column::Position, target_group::Column::Code],
            )),
            organisations: source.group(by(organisation::Column::Id, &[])),
            names_by_organisation: source.group(by(
                organisation_name::Column::OrganisationId,
                &[
                    organisation_name::Column::ValidFrom,
                    organisation_name::Column::Id,
                ],
            )),
            identifiers_by_organisation: source.group(by(
                organisation_identifier::Column::OrganisationId,
                &[organisation_identifier::Column::Identifier],
            )),
            successions_by_predecessor: source.group(by(
                organisation_succession::Column::PredecessorId,
                &[organisation_succession::Column::Id],
            )),
            successions_by_successor: source.group(by(
                organisation_succession::Column::SuccessorId,
                &[organisation_succession::Column::Id],
            )),
            regions: source.group(by(region::Column::Id, &[])),
            all_regions: source.regions(),
            lookups: source.lookups(),
            ids_by_natural_key: DataLoader::new(super::natural_keys::IdsByNaturalKey::new(db), tokio::spawn)
                .max_batch_size(MAX_BATCH),
            indicators: source.group(by(indicator::Column::Id, &[])),
            indicator_values: source.group(by(indicator_value::Column::Id, &[])),
            project_links: source.group(by(project_link::Column::Id, &[])),
            participants_by_project: source.group(by(
                project_participant::Column::ProjectLinkId,
                &[project_participant::Column::Role, project_participant::Column::Id],
            )),
            participants_by_organisation: source.group(by(
                project_participant::Column::OrganisationId,
                &[project_participant::Column::Id],
            )),
            purposes_by_project: source.group(by(
                project_dac_purpose::Column::ProjectLinkId,
                &[project_dac_purpose::Column::Code],
            )),
            budgets_by_project: source.group(by(
                project_budget::Column::ProjectLinkId,
                &[project_budget::Column::Currency],
            )),
            regions_by_project: source.group(by(
                project_region::Column::ProjectLinkId,
                &[project_region::Column::Id],
            )),
            projects_by_region: source.group(by(
                project_region::Column::RegionId,
                &[project_region::Column::Id],
            )),
            items_by_project: source.group(by(
                project_plan_item::Column::ProjectLinkId,
                &[project_plan_item::Column::Id],
            )),
            projects_by_item: source.group(by(
                project_plan_item::Column::PlanItemId,
                &[project_plan_item::Column::Id],
            )),
        }
    }
}

/// Loads the rows grouped under `key` (empty when there are none).
///
/// Here and below, the DataLoader's future is boxed: it is large, and a resolver's future is
/// as large as the largest future it awaits, so every field of its type would carry it, to be
/// allocated and copied for each field resolved, even when the rows come from memory.
pub async fn group<E: Readable>(loader: &Group<E>, key: Uuid) -> Result<Vec<Row<E>>, ApiError> {
    match loader {
        Group::Memory(grouped) => Ok(grouped.get(&key).cloned().collect()),
        Group::Database(loader) => Ok(Box::pin(loader.load_one(key)).await?.unwrap_or_default()),
    }
}

/// Loads the rows grouped under each of `keys` (keys without rows are left out).
pub async fn groups<E: Readable>(
    loader: &Group<E>,
    keys: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, Vec<Row<E>>>, ApiError> {
    match loader {
        Group::Memory(grouped) => Ok(keys
            .into_iter()
            .map(|key| (key, grouped.get(&key).cloned().collect::<Vec<_>>()))
            .filter(|(_, rows)| !rows.is_empty())
            .collect()),
        Group::Database(loader) => Ok(Box::pin(loader.load_many(keys)).await?),
    }
}

/// Loads the one row with id `key`, if it exists.
pub async fn one<E: Readable>(loader: &Group<E>, key: Uuid) -> Result<Option<Row<E>>, ApiError> {
    match loader {
        Group::Memory(grouped) => Ok(grouped.get(&key).next().cloned()),
        Group::Database(loader) => Ok(Box::pin(loader.load_one(key))
            .await?
            .and_then(|rows| rows.into_iter().next())),
    }
}

/// Loads the rows with ids `keys`, in the order of `keys`, skipping ids that do not exist.
pub async fn many<E, K>(loader: &Group<E>, keys: K) -> Result<Vec<Row<E>>, ApiError>
where
    E: Readable,
    K: IntoIterator<Item = Uuid>,
{
    if let Group::Memory(grouped) = loader {
        return Ok(keys
            .into_iter()
            .filter_map(|key| grouped.get(&key).next().cloned())
            .collect());
    }
    let keys: Vec<Uuid> = keys.into_iter().collect();
    let found = groups(loader, keys.iter().copied()).await?;
    Ok(keys
        .iter()
        .filter_map(|key| found.get(key).and_then(|rows| rows.first().cloned()))
        .collect())
}

/// Deduplicates keys while keeping their first-seen order. Most lists hold a few keys (the plans
/// of one item's children: one), compared one by one; past [`LINEAR_UNIQUE`] a set takes over.
pub fn unique<K: Hash + Eq + Copy>(keys: impl IntoIterator<Item = K>) -> Vec<K> {
    let mut found: Vec<K> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for key in keys {
        let new = if found.len() < LINEAR_UNIQUE {
            !found.contains(&key)
        } else {
            if seen.is_empty() {
                seen.extend(found.iter().copied());
            }
            seen.insert(key)
        };
        if new {
            found.push(key);
        }
    }
    found
}

/// Up to how many distinct keys [`unique`] compares keys one by one.
const LINEAR_UNIQUE: usize = 16;

#[cfg(test)]
mod tests {
    use super::unique;

    #[test]
    fn unique_keeps_the_first_of_each_key_in_order_however_many_there_are() {
        assert_eq!(unique([3, 1, 3, 2, 1]), vec![3, 1, 2]);
        let many: Vec<u32> = (0..100).chain(0..100).chain([7, 200]).collect();
        let expected: Vec<u32> = (0..100).chain([200]).collect();
        assert_eq!(unique(many), expected);
    }
}
