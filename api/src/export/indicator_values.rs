//! The `indicator-values` export: every indicator value in long form, one row per value, with
//! its indicator (code, name, unit, direction, SDG indicator) and the measured item.

use std::collections::{BTreeSet, HashMap};

use entity::{indicator, indicator_value, plan_item, region};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    sea_query::Expr,
};
use uuid::Uuid;

use super::{
    Cell, ExportFilter, RowWriter, by_id, by_ids, keyset::Pages, plan_items::selected_items, status,
};
use crate::{domain::pagination::KeyValue, error::ApiResult};

/// The header row.
pub const COLUMNS: &[&str] = &[
    "indicator_code",
    "indicator_name",
    "item_code",
    "unit",
    "direction",
    "sdg_indicator",
    "value_kind",
    "period",
    "sex",
    "value",
    "region_code",
    "region_name",
    "status",
];

/// Writes the rows.
pub async fn export(db: &DatabaseConnection, filter: &ExportFilter, out: &mut RowWriter) -> ApiResult<()> {
    let lang = filter.lang;
    let items = selected_items(db, filter)
        .await?
        .select_only()
        .column(plan_item::Column::Id);
    let mut indicators =
        indicator::Entity::find().filter(indicator::Column::PlanItemId.in_subquery(items.into_query()));
    if !filter.include_withdrawn {
        indicators = indicators.filter(indicator::Column::WithdrawnAt.is_null());
    }
    let regions: HashMap<Uuid, region::Model> = by_id(db, region::Entity::find()).await?;
    let mut pages = Pages::new(
        indicators,
        vec![
            Expr::col(indicator::Column::SortKey),
            Expr::col(indicator::Column::Id),
        ],
        |i| vec![KeyValue::from(i.sort_key.as_str()), KeyValue::from(i.id)],
    );
    while let Some(page) = pages.next(db).await? {
        let item_ids: BTreeSet<Uuid> = page.iter().map(|i| i.plan_item_id).collect();
        let items: HashMap<Uuid, plan_item::Model> = by_ids(db, item_ids).await?;
        let mut values = indicator_value::Entity::find()
            .filter(indicator_value::Column::IndicatorId.is_in(page.iter().map(|i| i.id)));
        if !filter.include_withdrawn {
            values = values.filter(indicator_value::Column::WithdrawnAt.is_null());
        }
        let values = values
            .order_by_asc(indicator_value::Column::PeriodStartYear)
            .order_by_asc(indicator_value::Column::PeriodEndYear)
            .order_by_asc(indicator_value::Column::Kind)
            .order_by_asc(indicator_value::Column::Sex)
            .order_by_asc(indicator_value::Column::Id)
            .all(db)
            .await?;
        for indicator in &page {
            for value in values.iter().filter(|v| v.indicator_id == indicator.id) {
                let period = if value.period_start_year == value.period_end_year {
                    value.period_start_year.to_string()
                } else {
                    format!("{}-{}", value.period_start_year, value.period_end_year)
                };
                let region = value.region_id.and_then(|r| regions.get(&r));
                out.row(vec![
                    Cell::from(indicator.code.as_str()),
                    Cell::from(lang.pick(indicator.name_uk.as_deref(), indicator.name_en.as_deref())),
                    Cell::text(items.get(&indicator.plan_item_id).map(|i| i.code.clone())),
                    Cell::from(indicator.unit.as_str()),
                    Cell::from(indicator.direction.as_wire()),
                    Cell::text(indicator.sdg_indicator.clone()),
                    Cell::from(value.kind.as_wire()),
                    Cell::from(period),
                    Cell::from(value.sex.as_wire()),
                    Cell::Float(value.value),
                    Cell::text(region.map(|r| r.code.clone())),
                    Cell::text(region.map(|r| lang.pick(Some(&r.name_uk), Some(&r.name_en)))),
                    status(indicator.withdrawn_at.is_some() || value.withdrawn_at.is_some()),
                ])
                .await?;
            }
        }
    }
    Ok(())
}
