//! The `plan-items` export: one row per plan item, with its parent, plan, time frame, responsible
//! bodies with their roles, target groups and financing sources (codes and names side by side).

use std::collections::{BTreeSet, HashMap};

use entity::{
    enums::PlanItemStatus, organisation, plan, plan_item, plan_item_target_group, responsibility,
    target_group,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, sea_query::Expr};
use uuid::Uuid;

use super::{Cell, ExportFilter, RowWriter, by_id, by_ids, joined, keyset::Pages};
use crate::{
    domain::{lookup, plan_items},
    error::ApiResult,
};

/// The header row.
pub const COLUMNS: &[&str] = &[
    "code",
    "number",
    "kind",
    "status",
    "title_uk",
    "title_en",
    "parent_code",
    "plan_code",
    "start_year",
    "end_year",
    "responsible_bodies",
    "responsible_body_names",
    "target_group_codes",
    "target_group_names",
    "financing_sources",
];

/// The plan items `filter` selects (shared with the indicator export): of a plan, of the plans of
/// a region, an item with its descendants; withdrawn ones only when asked for.
pub async fn selected_items(
    db: &DatabaseConnection,
    filter: &ExportFilter,
) -> ApiResult<sea_orm::Select<plan_item::Entity>> {
    let mut query = plan_item::Entity::find();
    if let Some(code) = &filter.plan {
        query = query.filter(plan_items::of_plan(db, code).await?);
    }
    if let Some(code) = &filter.region {
        query = query.filter(plan_items::of_region(db, code).await?);
    }
    if let Some(code) = &filter.item {
        query = query.filter(plan_item::Column::Id.is_in(lookup::item_and_descendant_ids(db, code).await?));
    }
    if !filter.include_withdrawn {
        query = query.filter(plan_item::Column::Status.eq(PlanItemStatus::Active));
    }
    Ok(query)
}

/// Writes the rows.
pub async fn export(db: &DatabaseConnection, filter: &ExportFilter, out: &mut RowWriter) -> ApiResult<()> {
    let lang = filter.lang;
    let plans: HashMap<Uuid, plan::Model> = by_id(db, plan::Entity::find()).await?;
    let mut pages = Pages::new(
        selected_items(db, filter).await?,
        plan_items::LIST_KEY_COLUMNS.map(Expr::col).to_vec(),
        plan_items::list_key,
    );
    while let Some(items) = pages.next(db).await? {
        let ids: Vec<Uuid> = items.iter().map(|i| i.id).collect();
        let parent_ids: BTreeSet<Uuid> = items.iter().filter_map(|i| i.parent_id).collect();
        let parents: HashMap<Uuid, plan_item::Model> = by_ids(db, parent_ids).await?;
        let responsibilities =
            lookup::rows_among(db, responsibility::Column::PlanItemId, ids.clone(), None).await?;
        let organisations: HashMap<Uuid, organisation::Model> =
            by_ids(db, responsibilities.iter().map(|r| r.organisation_id)).await?;
        let group_links =
            lookup::rows_among(db, plan_item_target_group::Column::PlanItemId, ids.clone(), None).await?;
        let groups: HashMap<Uuid, target_group::Model> =
            by_ids(db, group_links.iter().map(|l| l.target_group_id)).await?;
        let funding = lookup::rows_among(
            db,
            entity::funding_line::Column::PlanItemId,
            ids,
            Some(entity::funding_line::Column::Source),
        )
        .await?;
        for item in items {
            let mut bodies: Vec<(&organisation::Model, &str)> = responsibilities
                .iter()
                .filter(|r| r.plan_item_id == item.id)
                .filter_map(|r| {
                    organisations
                        .get(&r.organisation_id)
                        .map(|o| (o, r.role.as_wire()))
                })
                .collect();
            bodies.sort_by(|a, b| (a.1, &a.0.code).cmp(&(b.1, &b.0.code)));
            let mut item_groups: Vec<&target_group::Model> = group_links
                .iter()
                .filter(|l| l.plan_item_id == item.id)
                .filter_map(|l| groups.get(&l.target_group_id))
                .collect();
            item_groups.sort_by_key(|g| (g.position, g.code.clone()));
            let sources: BTreeSet<&str> = funding
                .iter()
                .filter(|f| f.plan_item_id == item.id)
                .map(|f| f.source.as_wire())
                .collect();
            out.row(vec![
                Cell::from(item.code.as_str()),
                Cell::from(item.number.as_str()),
                Cell::from(item.kind.as_wire()),
                Cell::from(item.status.as_wire()),
                Cell::text(item.title_uk),
                Cell::text(item.title_en),
                Cell::text(
                    item.parent_id
                        .and_then(|p| parents.get(&p))
                        .map(|p| p.code.clone()),
                ),
                Cell::text(plans.get(&item.plan_id).map(|p| p.code.clone())),
                item.start_year.map_or(Cell::Null, |y| Cell::Int(y.into())),
                item.end_year.map_or(Cell::Null, |y| Cell::Int(y.into())),
                joined(bodies.iter().map(|(o, role)| format!("{} ({role})", o.code))),
                joined(
                    bodies
                        .iter()
                        .map(|(o, _)| lang.pick(o.name_uk.as_deref(), o.name_en.as_deref())),
                ),
                joined(item_groups.iter().map(|g| g.code.as_str())),
                joined(
                    item_groups
                        .iter()
                        .map(|g| lang.pick(g.label_uk.as_deref(), g.label_en.as_deref())),
                ),
                joined(sources),
            ])
            .await?;
        }
    }
    Ok(())
}
