//! Reading target groups.

use entity::{enums::VocabularyStatus, target_group, vocabulary, vocabulary_carry_over};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};
use uuid::Uuid;

use super::{
    lookup,
    pagination::{KeyKind, KeyValue, Page, PageRequest, paginate},
};
use crate::domain::lookup::{rows_among, rows_with};
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
        // The edition's own groups and those it carries over from earlier editions.
        query = match lookup::vocabulary_id(db, code).await? {
            Some(edition) => query.filter(
                Condition::any()
                    .add(target_group::Column::VocabularyId.eq(edition))
                    .add(
                        target_group::Column::Id.in_subquery(sea_orm::QueryTrait::into_query(
                            vocabulary_carry_over::Entity::find()
                                .select_only()
                                .column(vocabulary_carry_over::Column::TargetGroupId)
                                .filter(vocabulary_carry_over::Column::VocabularyId.eq(edition)),
                        )),
                    ),
            ),
            None => query.filter(lookup::nothing()),
        };
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
    lookup::by_code::<target_group::Entity>(db, target_group::Column::Code, code).await
}

/// One group of an edition of the vocabulary.
#[derive(Debug, Clone)]
pub struct EditionMember {
    /// The group.
    pub group: target_group::Model,
    /// Its order in the edition.
    pub position: i32,
    /// Whether the edition carries it over from an earlier edition (else it was first published
    /// in this one).
    pub carried_over: bool,
}

/// The groups of edition `edition`, in its order: those first published in it and those it
/// carries over from earlier editions.
pub async fn edition_members(db: &impl ConnectionTrait, edition: Uuid) -> ApiResult<Vec<EditionMember>> {
    let own = rows_with(db, target_group::Column::VocabularyId, edition, None).await?;
    let rows = rows_with(db, vocabulary_carry_over::Column::VocabularyId, edition, None).await?;
    let group_ids = rows.iter().map(|r| r.target_group_id);
    let groups = rows_among(db, target_group::Column::Id, group_ids, None).await?;
    let carried = rows.into_iter().map(|row| {
        let group = groups.iter().find(|g| g.id == row.target_group_id).cloned();
        (row, group)
    });
    let mut members: Vec<EditionMember> = own
        .into_iter()
        .map(|group| EditionMember {
            position: group.position,
            group,
            carried_over: false,
        })
        .chain(carried.into_iter().filter_map(|(row, group)| {
            group.map(|group| EditionMember {
                group,
                position: row.position,
                carried_over: true,
            })
        }))
        .collect();
    members.sort_by(|a, b| (a.position, &a.group.code).cmp(&(b.position, &b.group.code)));
    Ok(members)
}

/// The editions group `group` (first published in `first`) belongs to: its first edition and those
/// that carry it over, oldest first.
pub async fn editions_of(
    db: &impl ConnectionTrait,
    group: Uuid,
    first: Uuid,
) -> ApiResult<Vec<vocabulary::Model>> {
    let carried: Vec<Uuid> = vocabulary_carry_over::Entity::find()
        .select_only()
        .column(vocabulary_carry_over::Column::VocabularyId)
        .filter(vocabulary_carry_over::Column::TargetGroupId.eq(group))
        .into_tuple()
        .all(db)
        .await?;
    Ok(vocabulary::Entity::find()
        .filter(vocabulary::Column::Id.is_in(carried.into_iter().chain([first])))
        .order_by_asc(vocabulary::Column::CreatedAt)
        .order_by_asc(vocabulary::Column::Code)
        .all(db)
        .await?)
}

/// Every edition of the vocabulary, oldest first.
pub async fn list_vocabularies(db: &impl ConnectionTrait) -> ApiResult<Vec<vocabulary::Model>> {
    Ok(vocabulary::Entity::find()
        .order_by_asc(vocabulary::Column::CreatedAt)
        .order_by_asc(vocabulary::Column::Code)
        .all(db)
        .await?)
}

/// The edition with `code`, if there is one.
pub async fn find_vocabulary_by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> ApiResult<Option<vocabulary::Model>> {
    lookup::by_code::<vocabulary::Entity>(db, vocabulary::Column::Code, code).await
}
