//! Reads plan items and indicators into [`Resource`]s: the path up to the strategic goal,
//! children, indicators with values, responsible bodies, target groups, localizations and project
//! counts. SeaORM queries only; nothing here knows of HTTP.

use entity::{
    enums::PlanItemStatus, indicator, indicator_value, plan, plan_item, plan_item_implementation,
    plan_item_target_group, region, responsibility, target_group,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, sea_query::Query};
use uuid::Uuid;

use super::{
    links::{
        graphql_query, item_link, item_links, item_table, plan_link, role_links, sdg_uri, target_group_link,
    },
    read_plans::count_projects,
    resource::{Kind, Link, Resource, Table, Texts},
    uri::PublicUrl,
};
use crate::{
    domain::{
        lookup::{rows_among, rows_with},
        plan_items::find_plan_item_by_code,
    },
    error::ApiResult,
};

/// The item with canonical `code`: its path up, children, indicators, bodies and localizations.
pub async fn read_item(
    db: &impl ConnectionTrait,
    base: &PublicUrl,
    code: &str,
) -> ApiResult<Option<Resource>> {
    let Some(item) = find_plan_item_by_code(db, code).await? else {
        return Ok(None);
    };
    let mut resource = Resource::new(
        Kind::Item,
        base.plan_item(&item.code),
        &item.code,
        Texts::from(item.title_uk.as_deref(), item.title_en.as_deref()),
    );
    resource.description = Texts::from(item.description_uk.as_deref(), item.description_en.as_deref());
    resource.status = Some(item.status.as_wire().to_owned());
    if item.status == PlanItemStatus::Withdrawn {
        resource.withdraw(item.withdrawal_reason.clone(), None);
    }
    resource.fact("number", "Номер", "Number", item.number.clone());
    resource.fact("itemKind", "Вид", "Kind", item.kind.as_wire());
    if let (Some(start), Some(end)) = (item.start_year, item.end_year) {
        resource.fact(
            "timeFrame",
            "Строк виконання",
            "Time frame",
            format!("{start}–{end}"),
        );
    }
    if let Some(plan) = plan::Entity::find_by_id(item.plan_id).one(db).await? {
        resource.scheme = Some(plan_link(base, &plan));
    }
    let mut parent = item.parent_id;
    while let Some(id) = parent {
        let Some(ancestor) = plan_item::Entity::find_by_id(id).one(db).await? else {
            break;
        };
        parent = ancestor.parent_id;
        resource.path.insert(0, item_link(base, &ancestor));
    }
    resource.broader = resource.path.last().cloned().into_iter().collect();
    let children = rows_with(
        db,
        plan_item::Column::ParentId,
        item.id,
        Some(plan_item::Column::SortKey),
    )
    .await?;
    resource.narrower = children.iter().map(|i| item_link(base, i)).collect();
    let indicators = rows_with(
        db,
        indicator::Column::PlanItemId,
        item.id,
        Some(indicator::Column::SortKey),
    )
    .await?;
    let values = indicator_value::Entity::find()
        .filter(indicator_value::Column::IndicatorId.is_in(indicators.iter().map(|i| i.id)))
        .filter(indicator_value::Column::WithdrawnAt.is_null())
        .order_by_asc(indicator_value::Column::PeriodStartYear)
        .all(db)
        .await?;
    let indicator_links = indicators
        .iter()
        .map(|i| {
            let summary: Vec<String> = values
                .iter()
                .filter(|v| v.indicator_id == i.id)
                .map(value_summary)
                .collect();
            Link {
                uri: base.indicator(&item.code, &i.code),
                code: i.code.clone(),
                title: Texts::from(i.name_uk.as_deref(), i.name_en.as_deref()),
                note: Some(format!("{}: {}", i.unit, summary.join("; "))),
            }
        })
        .collect();
    resource.section("indicators", "Індикатори", "Indicators", indicator_links);
    let duties = rows_with(db, responsibility::Column::PlanItemId, item.id, None).await?;
    let roles = duties
        .iter()
        .map(|d| (d.organisation_id, d.role.as_wire()))
        .collect();
    resource.section(
        "responsibleBodies",
        "Відповідальні виконавці",
        "Responsible bodies",
        role_links(db, base, roles).await?,
    );
    let group_ids = rows_with(db, plan_item_target_group::Column::PlanItemId, item.id, None).await?;
    let groups = rows_among(
        db,
        target_group::Column::Id,
        group_ids.iter().map(|g| g.target_group_id),
        Some(target_group::Column::Position),
    )
    .await?;
    resource.section(
        "targetGroups",
        "Цільові групи",
        "Target groups",
        groups.iter().map(|g| target_group_link(base, g)).collect(),
    );
    for (key, uk, en, this_side, other_side) in [
        (
            "implements",
            "Виконує пункти",
            "Implements",
            plan_item_implementation::Column::ImplementingItemId,
            true,
        ),
        (
            "localizedBy",
            "Локалізовано в регіональних і місцевих планах",
            "Localized by regional and community items",
            plan_item_implementation::Column::ImplementedItemId,
            false,
        ),
    ] {
        let links = rows_with(db, this_side, item.id, None).await?;
        let ids = links.iter().map(|l| {
            if other_side {
                l.implemented_item_id
            } else {
                l.implementing_item_id
            }
        });
        resource.section(key, uk, en, item_links(db, base, ids).await?);
    }
    resource.linked_projects = Some(
        count_projects(
            db,
            Query::select()
                .column(plan_item::Column::Id)
                .from(plan_item::Entity)
                .and_where(plan_item::Column::Id.eq(item.id))
                .to_owned(),
        )
        .await?,
    );
    resource.table = Some(item_table(base, &children, None));
    resource.graphql_query = graphql_query(
        "planItem",
        &item.code,
        "code kind status titles { uk en } ancestors { code } children { code } indicators { code values { kind sex value } }",
    );
    Ok(Some(resource))
}

fn value_summary(value: &indicator_value::Model) -> String {
    let period = if value.period_start_year == value.period_end_year {
        value.period_start_year.to_string()
    } else {
        format!("{}–{}", value.period_start_year, value.period_end_year)
    };
    format!(
        "{} {period} {}: {}",
        value.kind.as_wire(),
        value.sex.as_wire(),
        value.value
    )
}

/// The indicator `code` of the item with canonical code `item_code`, with every value.
pub async fn read_indicator(
    db: &impl ConnectionTrait,
    base: &PublicUrl,
    item_code: &str,
    code: &str,
) -> ApiResult<Option<Resource>> {
    let Some(item) = find_plan_item_by_code(db, item_code).await? else {
        return Ok(None);
    };
    let Some(found) = indicator::Entity::find()
        .filter(indicator::Column::PlanItemId.eq(item.id))
        .filter(indicator::Column::Code.eq(code))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let mut resource = Resource::new(
        Kind::Indicator,
        base.indicator(&item.code, &found.code),
        &found.code,
        Texts::from(found.name_uk.as_deref(), found.name_en.as_deref()),
    );
    resource.active_unless(found.withdrawn_at.is_some(), &found.withdrawal_reason, None);
    resource.fact("unit", "Одиниця", "Unit", found.unit.clone());
    resource.fact(
        "direction",
        "Бажаний напрям",
        "Direction",
        found.direction.as_wire(),
    );
    if let Some(source) = &found.data_source {
        resource.fact("dataSource", "Джерело даних", "Data source", source.clone());
    }
    if let Some(sdg) = &found.sdg_indicator {
        resource.fact("sdgIndicator", "Індикатор ЦСР", "SDG indicator", sdg.clone());
        resource.exact_match.push(sdg_uri(sdg));
    }
    if let Some(plan) = plan::Entity::find_by_id(item.plan_id).one(db).await? {
        resource.scheme = Some(plan_link(base, &plan));
    }
    resource.broader = vec![item_link(base, &item)];
    resource.path = resource.broader.clone();
    let values = indicator_value::Entity::find()
        .filter(indicator_value::Column::IndicatorId.eq(found.id))
        .filter(indicator_value::Column::WithdrawnAt.is_null())
        .order_by_asc(indicator_value::Column::PeriodStartYear)
        .order_by_asc(indicator_value::Column::Kind)
        .all(db)
        .await?;
    let regions = rows_among(
        db,
        region::Column::Id,
        values.iter().filter_map(|v| v.region_id),
        None,
    )
    .await?;
    let region_code = |id: Option<Uuid>| {
        regions
            .iter()
            .find(|r| Some(r.id) == id)
            .map(|r| r.code.clone())
            .unwrap_or_default()
    };
    resource
        .facts
        .extend(values.iter().map(|v| super::resource::Fact {
            key: "value",
            label: Texts::of("Значення", "Value"),
            value: value_summary(v),
        }));
    resource.table = Some(Table {
        header: vec![
            "indicator",
            "item",
            "kind",
            "period_start",
            "period_end",
            "sex",
            "value",
            "unit",
            "region",
        ],
        rows: values
            .iter()
            .map(|v| {
                vec![
                    found.code.clone(),
                    item.code.clone(),
                    v.kind.as_wire().to_owned(),
                    v.period_start_year.to_string(),
                    v.period_end_year.to_string(),
                    v.sex.as_wire().to_owned(),
                    v.value.to_string(),
                    found.unit.clone(),
                    region_code(v.region_id),
                ]
            })
            .collect(),
    });
    resource.graphql_query = graphql_query(
        "planItem",
        &item.code,
        "code indicators { code names { uk en } unit values { kind periodStartYear periodEndYear sex value } }",
    );
    Ok(Some(resource))
}
