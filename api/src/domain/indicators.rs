//! Reading indicators; withdrawn ones, and those of items that are not live, are left out unless
//! asked for.

use entity::{indicator, plan_item};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::{
    lookup,
    pagination::{KeyKind, KeyValue, Page, PageRequest, paginate_by},
    search::matching,
};
use crate::error::ApiResult;

/// The stored sort key of an indicator: its item's plan (from the code) and number order, then its
/// own code, so that indicator lists follow the plan's numbering.
pub fn sort_key(item: &plan_item::Model, code: &str) -> String {
    let plan_code = item
        .code
        .rsplit_once(super::numbering::CODE_SEPARATOR)
        .map_or("", |(plan, _)| plan);
    format!("{plan_code}/{}/{code}", item.sort_key)
}

/// The canonical code of an indicator: its item's canonical code, `/`, and its own code (e.g.
/// `UA-12-RAP-2026-2030/1/I1`), read back from its stored sort key (`<plan>/<padded number>/<code>`).
pub fn canonical_code(sort_key: &str) -> Option<String> {
    let mut parts = sort_key.splitn(3, super::numbering::CODE_SEPARATOR);
    let (plan, padded, code) = (parts.next()?, parts.next()?, parts.next()?);
    let number: Vec<String> = padded
        .split('.')
        .map(|segment| segment.parse::<u32>().map(|n| n.to_string()))
        .collect::<Result<_, _>>()
        .ok()?;
    Some(format!(
        "{plan}{sep}{}{sep}{code}",
        number.join("."),
        sep = super::numbering::CODE_SEPARATOR
    ))
}

/// The indicator with canonical `code` (`<item code>/<indicator code>`), if there is one.
pub async fn find_indicator_by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> ApiResult<Option<indicator::Model>> {
    let Some((item_code, own_code)) = code.rsplit_once(super::numbering::CODE_SEPARATOR) else {
        return Ok(None);
    };
    let Some(item) = lookup::plan_item_id(db, item_code).await? else {
        return Ok(None);
    };
    Ok(indicator::Entity::find()
        .filter(indicator::Column::PlanItemId.eq(item))
        .filter(indicator::Column::Code.eq(own_code))
        .one(db)
        .await?)
}

/// Narrows `indicators`; empty fields match everything.
#[derive(Debug, Default, Clone)]
pub struct IndicatorFilter {
    /// Code of the plan whose items the indicators measure.
    pub plan: Option<String>,
    /// Canonical code of the measured item.
    pub plan_item: Option<String>,
    /// Related SDG indicator, e.g. `5.5.1`.
    pub sdg_indicator: Option<String>,
    /// Words that must all appear in the code or name (either language, any case).
    pub search: Option<String>,
    /// Also withdrawn indicators and those of withdrawn items or items of withdrawn plans.
    pub include_withdrawn: bool,
}

/// A page of indicators matching `filter`, in plan order.
pub async fn list_indicators(
    db: &impl ConnectionTrait,
    filter: &IndicatorFilter,
    page: &PageRequest,
) -> ApiResult<Page<indicator::Model>> {
    let mut query = indicator::Entity::find();
    if !filter.include_withdrawn {
        let live = plan_item::Entity::find()
            .select_only()
            .column(plan_item::Column::Id)
            .filter(super::plan_items::live_items());
        query = query
            .filter(indicator::Column::WithdrawnAt.is_null())
            .filter(indicator::Column::PlanItemId.in_subquery(sea_orm::QueryTrait::into_query(live)));
    }
    if let Some(code) = &filter.plan {
        let items = plan_item::Entity::find()
            .select_only()
            .column(plan_item::Column::Id)
            .filter(super::plan_items::of_plan(db, code).await?);
        query =
            query.filter(indicator::Column::PlanItemId.in_subquery(sea_orm::QueryTrait::into_query(items)));
    }
    if let Some(code) = &filter.plan_item {
        query = query.filter(lookup::equals_key(
            indicator::Column::PlanItemId,
            lookup::plan_item_id(db, code).await?,
        ));
    }
    if let Some(sdg) = &filter.sdg_indicator {
        query = query.filter(indicator::Column::SdgIndicator.eq(sdg.as_str()));
    }
    let query = matching(query, indicator::Column::SearchText, filter.search.as_deref())?;
    let sort_key = |i: &indicator::Model| KeyValue::from(i.sort_key.as_str());
    paginate_by(
        db,
        query,
        indicator::Column::SortKey,
        KeyKind::Text,
        sort_key,
        page,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::canonical_code;

    #[test]
    fn canonical_codes_come_back_from_sort_keys() {
        assert_eq!(
            canonical_code("UA-12-RAP-2026-2030/0001/I1").as_deref(),
            Some("UA-12-RAP-2026-2030/1/I1")
        );
        assert_eq!(
            canonical_code("UA-NAP-2021-2025/0003.0001.0012/I-2").as_deref(),
            Some("UA-NAP-2021-2025/3.1.12/I-2")
        );
        assert_eq!(canonical_code("no-separator"), None);
    }
}
