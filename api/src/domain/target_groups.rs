//! Reading target groups.

use entity::{enums::VocabularyStatus, target_group};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr};

use super::{
    lookup,
    pagination::{KeyKind, KeyValue, Page, PageRequest, paginate},
};
use crate::error::ApiResult;

/// Narrows `targetGroups`; empty fields match everything.
#[derive(Debug, Default, Clone)]
pub struct TargetGroupFilter {
    /// Code of the vocabulary version, e.g. `UA-NAP-TG-2020`.
    pub vocabulary: Option<String>,
    /// Active or withdrawn.
    pub status: Option<VocabularyStatus>,
    /// Without `status`: also withdrawn groups.
    pub include_withdrawn: bool,
}

/// A page of target groups matching `filter`, in published order.
pub async fn list_target_groups(
    db: &impl ConnectionTrait,
    filter: &TargetGroupFilter,
    page: &PageRequest,
) -> ApiResult<Page<target_group::Model>> {
    let mut query = target_group::Entity::find();
    if let Some(code) = &filter.vocabulary {
        query = query.filter(lookup::equals_key(
            target_group::Column::VocabularyId,
            lookup::vocabulary_id(db, code).await?,
        ));
    }
    match filter.status {
        Some(status) => query = query.filter(target_group::Column::Status.eq(status)),
        None if !filter.include_withdrawn => {
            query = query.filter(target_group::Column::Status.eq(VocabularyStatus::Active));
        }
        None => {}
    }
    paginate(
        db,
        query,
        &[
            Expr::col(target_group::Column::Position),
            Expr::col(target_group::Column::Code),
        ],
        &[KeyKind::Int, KeyKind::Text],
        |g| vec![KeyValue::from(g.position), KeyValue::from(g.code.as_str())],
        page,
    )
    .await
}

/// The target group with `code`, if there is one.
pub async fn find_target_group_by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> ApiResult<Option<target_group::Model>> {
    Ok(target_group::Entity::find()
        .filter(target_group::Column::Code.eq(code))
        .one(db)
        .await?)
}
