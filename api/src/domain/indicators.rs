//! Reading indicators; withdrawn ones, and those of items that are not live, are left out unless
//! asked for.

use entity::{indicator, plan_item};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, sea_query::Expr};

use super::{
    lookup,
    pagination::{KeyKind, KeyValue, Page, PageRequest, paginate},
    search::contains_all_words,
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
        let plan = lookup::plan_id(db, code).await?;
        let items = plan_item::Entity::find()
            .select_only()
            .column(plan_item::Column::Id)
            .filter(lookup::equals_key(plan_item::Column::PlanId, plan));
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
    if let Some(search) = &filter.search {
        query = query.filter(contains_all_words(
            &Expr::col(indicator::Column::SearchText),
            "filter.search",
            search,
        )?);
    }
    paginate(
        db,
        query,
        &[Expr::col(indicator::Column::SortKey)],
        &[KeyKind::Text],
        |i| vec![KeyValue::from(i.sort_key.as_str())],
        page,
    )
    .await
}
