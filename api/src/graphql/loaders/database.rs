//! The database source: DataLoaders created for one request, each batching the loads of a
//! relation into one SQL statement per depth of the query.

use std::{collections::HashMap, sync::Arc};

use async_graphql::dataloader::{DataLoader, Loader};
use entity::region;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, ModelTrait, QueryFilter, QueryOrder, Value,
};
use uuid::Uuid;

use super::{Group, LoadError, MAX_BATCH, Regions, Relation, Source};
use crate::read_model::table::{Readable, Row};

/// Loaders reading the database through per-request DataLoaders.
pub struct DatabaseSource<'a>(pub &'a DatabaseConnection);

impl Source for DatabaseSource<'_> {
    fn db(&self) -> &DatabaseConnection {
        self.0
    }

    fn group<E: Readable>(&self, relation: Relation<E>) -> Group<E> {
        let rows = RowsBy {
            db: self.0.clone(),
            column: relation.grouping.column,
            order: relation.grouping.order,
            condition: relation.condition,
        };
        Group::Database(DataLoader::new(rows, tokio::spawn).max_batch_size(MAX_BATCH))
    }

    fn regions(&self) -> Regions {
        Regions::Database(DataLoader::new(AllRegions(self.0.clone()), tokio::spawn))
    }
}

/// Rows of `E` whose `column` equals one of the keys, grouped by that column; each group in
/// `order`. With `column` the primary key this loads rows by id.
pub struct RowsBy<E: EntityTrait> {
    db: DatabaseConnection,
    column: E::Column,
    order: Vec<E::Column>,
    condition: Option<Condition>,
}

fn uuid_of(value: &Value) -> Option<Uuid> {
    match value {
        Value::Uuid(Some(id)) => Some(*id),
        _ => None,
    }
}

impl<E> Loader<Uuid> for RowsBy<E>
where
    E: EntityTrait,
    E::Model: Clone + Send + Sync,
    E::Column: Send + Sync,
{
    type Value = Vec<Row<E>>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Vec<Row<E>>>, LoadError> {
        let mut query = E::find().filter(self.column.is_in(keys.iter().copied()));
        if let Some(condition) = &self.condition {
            query = query.filter(condition.clone());
        }
        for column in &self.order {
            query = query.order_by_asc(*column);
        }
        let rows = query.all(&self.db).await.map_err(Arc::new)?;
        let mut grouped: HashMap<Uuid, Vec<Row<E>>> = HashMap::with_capacity(keys.len());
        for row in rows {
            if let Some(key) = uuid_of(&row.get(self.column)) {
                grouped.entry(key).or_default().push(Arc::new(row));
            }
        }
        Ok(grouped)
    }
}

/// Every region, by code, under the key `()`.
pub struct AllRegions(DatabaseConnection);

impl Loader<()> for AllRegions {
    type Value = Vec<Row<region::Entity>>;
    type Error = LoadError;

    async fn load(&self, _: &[()]) -> Result<HashMap<(), Vec<Row<region::Entity>>>, LoadError> {
        let regions = region::Entity::find()
            .order_by_asc(region::Column::Code)
            .all(&self.0)
            .await
            .map_err(Arc::new)?;
        Ok(HashMap::from([((), regions.into_iter().map(Arc::new).collect())]))
    }
}
