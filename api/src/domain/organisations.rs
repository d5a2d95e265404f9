//! Reading organisations and regions.

use std::borrow::Borrow;

use chrono::NaiveDate;
use entity::{enums::OrganisationKind, organisation, organisation_name, region};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{
    lookup,
    pagination::{KeyKind, KeyValue, Page, PageRequest, paginate_by},
    search::matching,
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
    let query = matching(query, organisation::Column::SearchText, filter.search.as_deref())?;
    let code = |o: &organisation::Model| KeyValue::from(o.code.as_str());
    paginate_by(db, query, organisation::Column::Code, KeyKind::Text, code, page).await
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
    lookup::by_code::<region::Entity>(db, region::Column::Code, code).await
}

/// The name of the history `names` in effect on `day`: the one whose period (from `valid_from`,
/// or from the start when unknown, to `valid_until` inclusive, or open) holds the day. On a
/// rename's day both the old and the new name hold it; the new one (latest start) wins.
pub fn name_on<N: Borrow<organisation_name::Model>>(names: &[N], day: NaiveDate) -> Option<&N> {
    names
        .iter()
        .filter(|n| {
            let n: &organisation_name::Model = (*n).borrow();
            n.valid_from.is_none_or(|from| from <= day) && n.valid_until.is_none_or(|until| day <= until)
        })
        .max_by_key(|n| {
            let n: &organisation_name::Model = (*n).borrow();
            (n.valid_from, n.valid_until.is_none(), n.created_at)
        })
}

#[cfg(test)]
mod tests {
    use super::name_on;
    use chrono::NaiveDate;
    use entity::organisation_name;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    fn name(en: &str, from: Option<&str>, until: Option<&str>) -> organisation_name::Model {
        organisation_name::Model {
            id: uuid::Uuid::nil(),
            organisation_id: uuid::Uuid::nil(),
            name_uk: None,
            name_en: Some(en.to_owned()),
            valid_from: from.map(day),
            valid_until: until.map(day),
            created_at: chrono::DateTime::default(),
            updated_at: chrono::DateTime::default(),
            version: 1,
        }
    }

    #[test]
    fn name_on_picks_the_name_in_effect_and_the_new_one_on_the_rename_day() {
        let names = [
            name("Old", None, Some("2025-09-15")),
            name("New", Some("2025-09-15"), None),
        ];
        let on = |d: &str| name_on(&names, day(d)).and_then(|n| n.name_en.clone());
        assert_eq!(on("2020-01-01").as_deref(), Some("Old"));
        assert_eq!(on("2025-09-14").as_deref(), Some("Old"));
        assert_eq!(on("2025-09-15").as_deref(), Some("New"));
        assert_eq!(on("2026-12-01").as_deref(), Some("New"));
        let dated = [name("Only", Some("2024-01-01"), None)];
        assert!(name_on(&dated, day("2023-12-31")).is_none());
    }
}
