//! Reads a project link into a [`Resource`]: budget, gender marker, dates, the plan items it is
//! linked to, its participants with their roles, and its regions. SeaORM queries only.

use crate::domain::entity_type::EntityType;
use entity::{
    organisation, plan_item, project_link, project_participant, project_plan_item, project_region, region,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{
    links::{item_link, organisation_link, region_link},
    resource::{Kind, Resource, Texts, Withdrawal},
    uri::PublicUrl,
};
use crate::error::ApiResult;

/// The project link with IATI identifier (or registry id) `key`.
pub async fn read_project(
    db: &impl ConnectionTrait,
    base: &PublicUrl,
    key: &str,
) -> ApiResult<Option<Resource>> {
    let mut found = project_link::Entity::find()
        .filter(project_link::Column::IatiIdentifier.eq(key))
        .one(db)
        .await?;
    if found.is_none()
        && let Ok(id) = uuid::Uuid::parse_str(key)
    {
        found = project_link::Entity::find_by_id(id).one(db).await?;
    }
    let Some(project) = found else {
        return Ok(None);
    };
    let uri = base.project(project.iati_identifier.as_deref(), project.id);
    let code = project
        .iati_identifier
        .clone()
        .unwrap_or_else(|| project.id.to_string());
    let mut resource = Resource::new(
        Kind::Project,
        uri,
        &code,
        Texts::from(project.title_uk.as_deref(), project.title_en.as_deref()),
    );
    resource.status = Some(
        if project.withdrawn_at.is_some() {
            "WITHDRAWN"
        } else {
            "ACTIVE"
        }
        .to_owned(),
    );
    if project.withdrawn_at.is_some() {
        resource.withdrawn = Some(Withdrawal {
            reason: project.withdrawal_reason.clone(),
            replacement: None,
        });
    }
    if let (Some(cents), Some(currency)) = (project.budget_amount_cents, &project.budget_currency) {
        resource.fact(
            "budget",
            "Бюджет",
            "Budget",
            format!("{}.{:02} {currency}", cents / 100, (cents % 100).abs()),
        );
    }
    if let Some(marker) = project.gender_marker {
        resource.fact(
            "genderMarker",
            "Гендерний маркер ОЕСР",
            "OECD gender marker",
            marker.to_string(),
        );
    }
    if let (Some(start), Some(end)) = (project.start_date, project.end_date) {
        resource.fact("dates", "Строки", "Dates", format!("{start} – {end}"));
    }
    if let Some(url) = &project.url {
        resource.fact("url", "Сторінка", "Web page", url.clone());
    }
    let targets = project_plan_item::Entity::find()
        .filter(project_plan_item::Column::ProjectLinkId.eq(project.id))
        .all(db)
        .await?;
    let items = plan_item::Entity::find()
        .filter(plan_item::Column::Id.is_in(targets.iter().map(|t| t.plan_item_id)))
        .order_by_asc(plan_item::Column::Code)
        .all(db)
        .await?;
    resource.section(
        "planItems",
        "Пункти плану",
        "Plan items",
        items.iter().map(|i| item_link(base, i)).collect(),
    );
    let participants = project_participant::Entity::find()
        .filter(project_participant::Column::ProjectLinkId.eq(project.id))
        .all(db)
        .await?;
    let bodies = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(participants.iter().map(|p| p.organisation_id)))
        .all(db)
        .await?;
    let participant_links = participants
        .iter()
        .filter_map(|p| {
            let body = bodies.iter().find(|b| b.id == p.organisation_id)?;
            Some(organisation_link(base, body, Some(p.role.as_wire().to_owned())))
        })
        .collect();
    resource.section("participants", "Учасники", "Participants", participant_links);
    let places = project_region::Entity::find()
        .filter(project_region::Column::ProjectLinkId.eq(project.id))
        .all(db)
        .await?;
    let regions = region::Entity::find()
        .filter(region::Column::Id.is_in(places.iter().map(|p| p.region_id)))
        .order_by_asc(region::Column::Code)
        .all(db)
        .await?;
    resource.section(
        "regions",
        "Регіони",
        "Regions",
        regions.iter().map(|r| region_link(base, r)).collect(),
    );
    resource.graphql_query = format!(
        "{{ node(id: \"{}\") {{ ... on ProjectLink {{ iatiIdentifier titles {{ uk en }} }} }} }}",
        crate::graphql::node_id::encode(EntityType::ProjectLink, project.id).0
    );
    Ok(Some(resource))
}
