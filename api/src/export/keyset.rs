//! Reading a query one keyset page at a time, for exports: each page starts after the last row
//! of the one before, so every statement is cheap and only one page is held at a time.

use sea_orm::{
    ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect, Select, sea_query::Expr,
};

use super::PAGE_SIZE;
use crate::{
    domain::pagination::{KeyValue, beyond},
    error::ApiResult,
};

/// The pages of `select` in the order of a unique sort key.
pub struct Pages<E: EntityTrait> {
    select: Select<E>,
    columns: Vec<Expr>,
    key_of: fn(&E::Model) -> Vec<KeyValue>,
    after: Option<Vec<KeyValue>>,
    done: bool,
}

impl<E: EntityTrait> Pages<E>
where
    E::Model: Send + Sync,
{
    /// Pages of `select` ordered by `columns` (unique together), whose values `key_of` gives.
    pub fn new(select: Select<E>, columns: Vec<Expr>, key_of: fn(&E::Model) -> Vec<KeyValue>) -> Self {
        Self {
            select,
            columns,
            key_of,
            after: None,
            done: false,
        }
    }

    /// The next page, or `None` after the last.
    pub async fn next(&mut self, db: &impl ConnectionTrait) -> ApiResult<Option<Vec<E::Model>>> {
        if self.done {
            return Ok(None);
        }
        let mut window = self.select.clone();
        if let Some(after) = self.after.take() {
            window = window.filter(beyond(&self.columns, after, true));
        }
        for column in &self.columns {
            window = window.order_by(column.clone(), Order::Asc);
        }
        let rows = window.limit(PAGE_SIZE).all(db).await?;
        if (rows.len() as u64) < PAGE_SIZE {
            self.done = true;
        }
        self.after = rows.last().map(self.key_of);
        if rows.is_empty() { Ok(None) } else { Ok(Some(rows)) }
    }
}
