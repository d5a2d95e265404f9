//! Resolving the codes clients use (plan codes, item codes, ISO region codes, organisation codes
//! and identifiers, target group codes) to keys. An unknown code resolves to `None`: as a filter it
//! matches nothing, as a single lookup it gives null. Also the plain queries every room shares:
//! the rows that meet a condition (`rows_where`), whose column is a value (`rows_with`) or one of
//! several (`rows_among`).

use entity::{organisation, organisation_identifier, plan, plan_item, region, target_group, vocabulary};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::IntoCondition,
};
use uuid::Uuid;

use crate::error::ApiResult;

/// The `key` of the row of `E` whose `column` is `value`.
async fn key_of<E: EntityTrait>(
    db: &impl ConnectionTrait,
    key: E::Column,
    column: E::Column,
    value: &str,
) -> ApiResult<Option<Uuid>> {
    Ok(E::find()
        .select_only()
        .column(key)
        .filter(column.eq(value))
        .into_tuple::<Uuid>()
        .one(db)
        .await?)
}

/// The row of `E` whose `column` (a unique code) is `code`.
pub async fn by_code<E: EntityTrait>(
    db: &impl ConnectionTrait,
    column: E::Column,
    code: &str,
) -> ApiResult<Option<E::Model>> {
    Ok(E::find().filter(column.eq(code)).one(db).await?)
}

/// The key of the plan with `code`.
pub async fn plan_id(db: &impl ConnectionTrait, code: &str) -> ApiResult<Option<Uuid>> {
    key_of::<plan::Entity>(db, plan::Column::Id, plan::Column::Code, code).await
}

/// The key of the plan item with canonical `code`.
pub async fn plan_item_id(db: &impl ConnectionTrait, code: &str) -> ApiResult<Option<Uuid>> {
    key_of::<plan_item::Entity>(db, plan_item::Column::Id, plan_item::Column::Code, code).await
}

/// The key of the region with ISO 3166-2 `code`.
pub async fn region_id(db: &impl ConnectionTrait, code: &str) -> ApiResult<Option<Uuid>> {
    key_of::<region::Entity>(db, region::Column::Id, region::Column::Code, code).await
}

/// The key of the target group with `code`.
pub async fn target_group_id(db: &impl ConnectionTrait, code: &str) -> ApiResult<Option<Uuid>> {
    key_of::<target_group::Entity>(db, target_group::Column::Id, target_group::Column::Code, code).await
}

/// The key of the vocabulary with `code`.
pub async fn vocabulary_id(db: &impl ConnectionTrait, code: &str) -> ApiResult<Option<Uuid>> {
    key_of::<vocabulary::Entity>(db, vocabulary::Column::Id, vocabulary::Column::Code, code).await
}

/// The key of the organisation with registry `code_or_identifier` (e.g. `rma-ua-12`) or org-id
/// identifier (e.g. `UA-EDR-12345678`).
pub async fn organisation_id(db: &impl ConnectionTrait, code_or_identifier: &str) -> ApiResult<Option<Uuid>> {
    let by_identifier = key_of::<organisation_identifier::Entity>(
        db,
        organisation_identifier::Column::OrganisationId,
        organisation_identifier::Column::Identifier,
        code_or_identifier,
    )
    .await?;
    if by_identifier.is_some() {
        return Ok(by_identifier);
    }
    key_of::<organisation::Entity>(
        db,
        organisation::Column::Id,
        organisation::Column::Code,
        code_or_identifier,
    )
    .await
}

/// The key of the plan item with canonical `code` and those of the items under it, at any depth;
/// none when the code is unknown.
pub async fn item_and_descendant_ids(db: &impl ConnectionTrait, code: &str) -> ApiResult<Vec<Uuid>> {
    let mut ids: Vec<Uuid> = plan_item_id(db, code).await?.into_iter().collect();
    if let Some(root) = ids.first().copied() {
        ids.extend(descendant_item_ids_of(db, vec![root]).await?);
    }
    Ok(ids)
}

/// The keys of the items under any of `roots` (not the roots themselves), at any depth.
pub async fn descendant_item_ids_of(db: &impl ConnectionTrait, roots: Vec<Uuid>) -> ApiResult<Vec<Uuid>> {
    let mut found = Vec::new();
    let mut level = roots;
    // At most three levels lie below a strategic goal.
    for _ in 0..3 {
        if level.is_empty() {
            break;
        }
        level = plan_item::Entity::find()
            .select_only()
            .column(plan_item::Column::Id)
            .filter(plan_item::Column::ParentId.is_in(level))
            .into_tuple::<Uuid>()
            .all(db)
            .await?;
        found.extend(level.iter().copied());
    }
    Ok(found)
}

/// A row of the table `C` is a column of.
type RowOf<C> = <<C as ColumnTrait>::EntityName as EntityTrait>::Model;

/// The rows of `E` that meet `condition`, by `order` (ascending) where one is given.
pub async fn rows_where<E: EntityTrait>(
    db: &impl ConnectionTrait,
    condition: impl IntoCondition,
    order: Option<E::Column>,
) -> ApiResult<Vec<E::Model>> {
    let mut select = E::find().filter(condition);
    if let Some(order) = order {
        select = select.order_by_asc(order);
    }
    Ok(select.all(db).await?)
}

/// The rows of `column`'s table whose `column` is `value`, by `order` where one is given.
pub async fn rows_with<C>(
    db: &impl ConnectionTrait,
    column: C,
    value: impl Into<sea_orm::Value>,
    order: Option<C>,
) -> ApiResult<Vec<RowOf<C>>>
where
    C: ColumnTrait<EntityName: EntityTrait<Column = C>>,
{
    rows_where::<C::EntityName>(db, column.eq(value), order).await
}

/// The rows of `column`'s table whose `column` is one of `values`, by `order` where one is given.
pub async fn rows_among<C, V>(
    db: &impl ConnectionTrait,
    column: C,
    values: impl IntoIterator<Item = V>,
    order: Option<C>,
) -> ApiResult<Vec<RowOf<C>>>
where
    C: ColumnTrait<EntityName: EntityTrait<Column = C>>,
    V: Into<sea_orm::Value>,
{
    rows_where::<C::EntityName>(db, column.is_in(values), order).await
}

/// `column = key`, or a condition no row meets when the code behind `key` was unknown.
pub fn equals_key(column: impl ColumnTrait, key: Option<Uuid>) -> sea_orm::Condition {
    match key {
        Some(key) => sea_orm::Condition::all().add(column.eq(key)),
        None => nothing(),
    }
}

/// A condition no row meets.
pub fn nothing() -> sea_orm::Condition {
    use sea_orm::sea_query::{Expr, ExprTrait};
    sea_orm::Condition::all().add(Expr::val(1).eq(Expr::val(0)))
}
