//! Reads a project link into a [`Resource`]: budget, gender marker, dates, the plan items it is
//! linked to, its participants with their roles, and its regions. SeaORM queries only.

use crate::domain::entity_type::EntityType;
use entity::{project_link, project_participant, project_plan_item, project_region, region};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{
    links::{item_links, region_link, role_links},
    resource::{Kind, Resource, Texts},
    uri::PublicUrl,
};
use crate::{
    domain::lookup::{rows_among, rows_with},
    error::ApiResult,
};

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
    resource.active_unless(project.withdrawn_at.is_some(), &project.withdrawal_reason, None);
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
    let targets = rows_with(db, project_plan_item::Column::ProjectLinkId, project.id, None).await?;
    resource.section(
        "planItems",
        "Пункти плану",
        "Plan items",
        item_links(db, base, targets.iter().map(|t| t.plan_item_id)).await?,
    );
    let participants = rows_with(db, project_participant::Column::ProjectLinkId, project.id, None).await?;
    let roles = participants
        .iter()
        .map(|p| (p.organisation_id, p.role.as_wire()))
        .collect();
    resource.section(
        "participants",
        "Учасники",
        "Participants",
        role_links(db, base, roles).await?,
    );
    let places = rows_with(db, project_region::Column::ProjectLinkId, project.id, None).await?;
    let regions = rows_among(
        db,
        region::Column::Id,
        places.iter().map(|p| p.region_id),
        Some(region::Column::Code),
    )
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
