//! Reads a plan into a [`Resource`]: its strategic goals, related plans, owner and region, the
//! number of linked projects, and (for CSV) all its items. SeaORM queries only; no HTTP here.

use entity::{organisation, plan, plan_item, project_link, project_plan_item, region};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, sea_query::Query,
};
use uuid::Uuid;

use super::{
    links::{graphql_query, item_link, organisation_link, plan_link, region_link},
    resource::{Kind, Resource, Table, Texts, Withdrawal},
    uri::PublicUrl,
};
use crate::{domain::plans::find_plan_by_code, error::ApiResult};

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
        resource.withdrawn = Some(Withdrawal {
            reason: plan.withdrawal_reason.clone(),
            replacement: successor.as_ref().map(|p| plan_link(base, p)),
        });
    }
    let related = plan::Entity::find()
        .filter(
            plan::Column::Id.is_in(
                [
                    plan.parent_plan_id,
                    plan.supersedes_id,
                    successor.as_ref().map(|p| p.id),
                ]
                .into_iter()
                .flatten(),
            ),
        )
        .all(db)
        .await?;
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
    let localizing = plan::Entity::find()
        .filter(plan::Column::ParentPlanId.eq(plan.id))
        .order_by_asc(plan::Column::Code)
        .all(db)
        .await?;
    resource.section(
        "localizedBy",
        "Регіональні та інші плани",
        "Regional and other plans",
        localizing.iter().map(|p| plan_link(base, p)).collect(),
    );
    let items = plan_item::Entity::find()
        .filter(plan_item::Column::PlanId.eq(plan.id))
        .order_by_asc(plan_item::Column::SortKey)
        .all(db)
        .await?;
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
    resource.table = Some(Table {
        header: vec![
            "code",
            "number",
            "kind",
            "status",
            "title_uk",
            "title_en",
            "parent_code",
            "uri",
        ],
        rows: items
            .iter()
            .map(|i| {
                vec![
                    i.code.clone(),
                    i.number.clone(),
                    i.kind.as_wire().to_owned(),
                    i.status.as_wire().to_owned(),
                    i.title_uk.clone().unwrap_or_default(),
                    i.title_en.clone().unwrap_or_default(),
                    i.parent_id
                        .and_then(|p| parents.get(&p))
                        .map(|c| (*c).to_owned())
                        .unwrap_or_default(),
                    base.plan_item(&i.code),
                ]
            })
            .collect(),
    });
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
    Ok(project_link::Entity::find()
        .filter(project_link::Column::Id.in_subquery(links))
        .filter(project_link::Column::WithdrawnAt.is_null())
        .count(db)
        .await?)
}
