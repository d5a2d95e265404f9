//! Reads a plan into a [`Resource`]: its strategic goals, related plans, owner and region, the
//! number of linked projects, and (for CSV) all its items. SeaORM queries only; no HTTP here.

use entity::{organisation, plan, plan_item, project_link, project_plan_item, region};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Query};
use uuid::Uuid;

use super::{
    links::{
        count_active_projects, graphql_query, item_link, item_table, organisation_link, plan_link,
        region_link,
    },
    resource::{Kind, Resource, Texts},
    uri::PublicUrl,
};
use crate::{
    domain::{
        lookup::{rows_among, rows_with},
        plan_items::items_of_plan,
        plans::find_plan_by_code,
    },
    error::ApiResult,
};

/// The plan with `code`, its strategic goals and (as CSV) all its items.
pub async fn read_plan(
    db: &impl ConnectionTrait,
    base: &PublicUrl,
    code: &str,
) -> ApiResult<Option<Resource>> {
    let Some(plan) = find_plan_by_code(db, code).await? else {
        return Ok(None);
    };
    let mut resource = Resource::new(
        Kind::Plan,
        base.plan(&plan.code),
        &plan.code,
        Texts::from(plan.title_uk.as_deref(), plan.title_en.as_deref()),
    );
    resource.status = Some(plan.status.as_wire().to_owned());
    resource.fact("level", "Рівень", "Level", plan.level.as_wire());
    resource.fact(
        "period",
        "Період",
        "Period",
        format!("{}–{}", plan.start_year, plan.end_year),
    );
    resource.fact(
        "vocabulary",
        "Словник IATI",
        "IATI vocabulary",
        base.vocabulary(&plan.code),
    );
    let successor = plan::Entity::find()
        .filter(plan::Column::SupersedesId.eq(plan.id))
        .one(db)
        .await?;
    if plan.withdrawn_at.is_some() {
        let replacement = successor.as_ref().map(|p| plan_link(base, p));
        resource.withdraw(plan.withdrawal_reason.clone(), replacement);
    }
    let related = [
        plan.parent_plan_id,
        plan.supersedes_id,
        successor.as_ref().map(|p| p.id),
    ];
    let related = rows_among(db, plan::Column::Id, related.into_iter().flatten(), None).await?;
    let pick = |id: Option<Uuid>| {
        related
            .iter()
            .filter(|p| Some(p.id) == id)
            .map(|p| plan_link(base, p))
            .collect()
    };
    resource.broader = pick(plan.parent_plan_id);
    resource.section("supersedes", "Замінює", "Supersedes", pick(plan.supersedes_id));
    resource.section(
        "supersededBy",
        "Замінений планом",
        "Superseded by",
        pick(successor.as_ref().map(|p| p.id)),
    );
    if let Some(owner) = organisation::Entity::find_by_id(plan.owner_organisation_id)
        .one(db)
        .await?
    {
        resource.section(
            "owner",
            "Відповідальний орган",
            "Owner",
            vec![organisation_link(base, &owner, None)],
        );
    }
    if let Some(region_id) = plan.region_id
        && let Some(region) = region::Entity::find_by_id(region_id).one(db).await?
    {
        resource.section("region", "Регіон", "Region", vec![region_link(base, &region)]);
    }
    let localizing = rows_with(db, plan::Column::ParentPlanId, plan.id, Some(plan::Column::Code)).await?;
    resource.section(
        "localizedBy",
        "Регіональні та інші плани",
        "Regional and other plans",
        localizing.iter().map(|p| plan_link(base, p)).collect(),
    );
    let items = items_of_plan(db, plan.id).await?;
    resource.narrower = items
        .iter()
        .filter(|i| i.parent_id.is_none())
        .map(|i| item_link(base, i))
        .collect();
    resource.linked_projects = Some(
        count_projects(
            db,
            Query::select()
                .column(plan_item::Column::Id)
                .from(plan_item::Entity)
                .and_where(plan_item::Column::PlanId.eq(plan.id))
                .to_owned(),
        )
        .await?,
    );
    let parents: std::collections::HashMap<Uuid, &str> =
        items.iter().map(|i| (i.id, i.code.as_str())).collect();
    resource.table = Some(item_table(base, &items, Some(&parents)));
    resource.graphql_query = graphql_query(
        "plan",
        &plan.code,
        "code status titles { uk en } goals { code titles { uk en } }",
    );
    Ok(Some(resource))
}

/// How many active project links point at any of the items `items` selects.
pub async fn count_projects(
    db: &impl ConnectionTrait,
    items: sea_orm::sea_query::SelectStatement,
) -> ApiResult<u64> {
    let links = Query::select()
        .column(project_plan_item::Column::ProjectLinkId)
        .from(project_plan_item::Entity)
        .and_where(project_plan_item::Column::PlanItemId.in_subquery(items))
        .to_owned();
    count_active_projects(db, project_link::Column::Id.in_subquery(links)).await
}
