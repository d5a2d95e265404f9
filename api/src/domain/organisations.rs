//! Reading organisations and regions.

use entity::{enums::OrganisationKind, organisation, region};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, sea_query::Expr};

use super::{
    lookup,
    pagination::{KeyKind, KeyValue, Page, PageRequest, paginate},
    search::contains_all_words,
};
use crate::error::ApiResult;

/// Narrows `organisations`; empty fields match everything.
#[derive(Debug, Default, Clone)]
pub struct OrganisationFilter {
    /// Kind of body.
    pub kind: Option<OrganisationKind>,
    /// ISO code of the region it serves.
    pub region: Option<String>,
    /// Words that must all appear in its code, identifiers or any name it has had.
    pub search: Option<String>,
    /// Also withdrawn (dissolved or reorganised) organisations.
    pub include_withdrawn: bool,
}

/// A page of organisations matching `filter`, by code.
pub async fn list_organisations(
    db: &impl ConnectionTrait,
    filter: &OrganisationFilter,
    page: &PageRequest,
) -> ApiResult<Page<organisation::Model>> {
    let mut query = organisation::Entity::find();
    if !filter.include_withdrawn {
        query = query.filter(organisation::Column::WithdrawnAt.is_null());
    }
    if let Some(kind) = filter.kind {
        query = query.filter(organisation::Column::Kind.eq(kind));
    }
    if let Some(code) = &filter.region {
        query = query.filter(lookup::equals_key(
            organisation::Column::RegionId,
            lookup::region_id(db, code).await?,
        ));
    }
    if let Some(search) = &filter.search {
        query = query.filter(contains_all_words(
            &Expr::col(organisation::Column::SearchText),
            "filter.search",
            search,
        )?);
    }
    paginate(
        db,
        query,
        &[Expr::col(organisation::Column::Code)],
        &[KeyKind::Text],
        |o| vec![KeyValue::from(o.code.as_str())],
        page,
    )
    .await
}

/// The organisation with registry code or org-id identifier `key`, if there is one.
pub async fn find_organisation(
    db: &impl ConnectionTrait,
    key: &str,
) -> ApiResult<Option<organisation::Model>> {
    let Some(id) = lookup::organisation_id(db, key).await? else {
        return Ok(None);
    };
    Ok(organisation::Entity::find_by_id(id).one(db).await?)
}

/// Every region, by ISO code.
pub async fn list_regions(db: &impl ConnectionTrait) -> ApiResult<Vec<region::Model>> {
    Ok(region::Entity::find()
        .order_by_asc(region::Column::Code)
        .all(db)
        .await?)
}

/// The region with ISO 3166-2 `code`, if there is one.
pub async fn find_region_by_code(db: &impl ConnectionTrait, code: &str) -> ApiResult<Option<region::Model>> {
    Ok(region::Entity::find()
        .filter(region::Column::Code.eq(code))
        .one(db)
        .await?)
}
