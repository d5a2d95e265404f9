//! Reads target groups, organisations and regions into [`Resource`]s, and
//! dispatches an [`Address`] to the right reader. SeaORM queries only; nothing here knows of HTTP.

use entity::{
    enums::VocabularyStatus, organisation, organisation_identifier, organisation_name,
    organisation_succession, plan, plan_item, plan_item_target_group, project_link, project_participant,
    project_region, region, responsibility, target_group, vocabulary,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{
    address::Address,
    links::{
        count_active_projects, item_link, item_links, organisation_link, plan_link, region_link,
        target_group_link,
    },
    read_items::{read_indicator, read_item},
    read_plans::read_plan,
    read_projects::read_project,
    resource::{Kind, Link, Resource, Texts},
    uri::PublicUrl,
};
use crate::{
    domain::{
        lookup::{rows_among, rows_with},
        organisations::{find_organisation, find_region_by_code},
        target_groups::find_target_group_by_code,
    },
    error::ApiResult,
};

/// The object `address` names, or `None` when there is none.
pub async fn read(
    db: &impl ConnectionTrait,
    base: &PublicUrl,
    address: &Address,
) -> ApiResult<Option<Resource>> {
    match address {
        Address::Plan(code) => read_plan(db, base, code).await,
        Address::Item(code) => read_item(db, base, code).await,
        Address::Indicator { item, code } => read_indicator(db, base, item, code).await,
        Address::TargetGroup(code) => read_target_group(db, base, code).await,
        Address::Organisation(code) => read_organisation(db, base, code).await,
        Address::Region(code) => read_region(db, base, code).await,
        Address::Project(key) => read_project(db, base, key).await,
    }
}

async fn read_target_group(
    db: &impl ConnectionTrait,
    base: &PublicUrl,
    code: &str,
) -> ApiResult<Option<Resource>> {
    let Some(group) = find_target_group_by_code(db, code).await? else {
        return Ok(None);
    };
    let mut resource = Resource::new(
        Kind::TargetGroup,
        base.target_group(&group.code),
        &group.code,
        Texts::from(group.label_uk.as_deref(), group.label_en.as_deref()),
    );
    resource.description = Texts::from(group.description_uk.as_deref(), group.description_en.as_deref());
    resource.status = Some(group.status.as_wire().to_owned());
    if let Some(scheme) = vocabulary::Entity::find_by_id(group.vocabulary_id)
        .one(db)
        .await?
    {
        resource.scheme = Some(Link {
            uri: base.vocabulary(&scheme.code),
            code: scheme.code.clone(),
            title: Texts::from(scheme.title_uk.as_deref(), scheme.title_en.as_deref()),
            note: None,
        });
    }
    let editions = crate::domain::target_groups::editions_of(db, group.id, group.vocabulary_id).await?;
    resource.section(
        "editions",
        "Редакції переліку",
        "Vocabulary editions",
        editions
            .iter()
            .map(|v| Link {
                uri: base.vocabulary(&v.code),
                code: v.code.clone(),
                title: Texts::from(v.title_uk.as_deref(), v.title_en.as_deref()),
                note: Some(v.edition.clone()),
            })
            .collect(),
    );
    let replacement = match group.replaced_by_id {
        Some(id) => target_group::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    if group.status == VocabularyStatus::Withdrawn || replacement.is_some() {
        resource.withdraw(None, replacement.as_ref().map(|g| target_group_link(base, g)));
    }
    let uses = rows_with(db, plan_item_target_group::Column::TargetGroupId, group.id, None).await?;
    resource.section(
        "planItems",
        "Пункти планів",
        "Plan items",
        item_links(db, base, uses.iter().map(|u| u.plan_item_id)).await?,
    );
    resource.graphql_query = format!(
        "{{ targetGroup(code: \"{}\") {{ code status labels {{ uk en }} }} }}",
        group.code
    );
    Ok(Some(resource))
}

async fn read_organisation(
    db: &impl ConnectionTrait,
    base: &PublicUrl,
    key: &str,
) -> ApiResult<Option<Resource>> {
    let Some(body) = find_organisation(db, key).await? else {
        return Ok(None);
    };
    let mut resource = Resource::new(
        Kind::Organisation,
        base.organisation(&body.code),
        &body.code,
        Texts::from(body.name_uk.as_deref(), body.name_en.as_deref()),
    );
    resource.fact("organisationKind", "Вид", "Kind", body.kind.as_wire());
    let identifiers = rows_with(
        db,
        organisation_identifier::Column::OrganisationId,
        body.id,
        Some(organisation_identifier::Column::Identifier),
    )
    .await?;
    for identifier in &identifiers {
        resource.fact(
            "identifier",
            "Ідентифікатор",
            "Identifier",
            identifier.identifier.clone(),
        );
    }
    // The name history with the days each name took effect and ceased (a rename's own date, not
    // the day it was recorded), oldest first; an unknown start sorts first.
    let mut names = rows_with(db, organisation_name::Column::OrganisationId, body.id, None).await?;
    names.sort_by_key(|n| (n.valid_from, n.valid_until.is_none(), n.created_at));
    for name in &names {
        let day = |d: Option<chrono::NaiveDate>| d.map_or_else(|| "…".to_owned(), |d| d.to_string());
        let text = [name.name_uk.as_deref(), name.name_en.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" / ");
        resource.fact(
            "nameHistory",
            "Назва (з – до)",
            "Name (from – until)",
            format!("{} – {}: {text}", day(name.valid_from), day(name.valid_until)),
        );
    }
    let successions = organisation_succession::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(organisation_succession::Column::PredecessorId.eq(body.id))
                .add(organisation_succession::Column::SuccessorId.eq(body.id)),
        )
        .all(db)
        .await?;
    let others = rows_among(
        db,
        organisation::Column::Id,
        successions
            .iter()
            .flat_map(|s| [s.predecessor_id, s.successor_id])
            .filter(|id| *id != body.id),
        Some(organisation::Column::Code),
    )
    .await?;
    let linked = |pick: fn(&organisation_succession::Model) -> (uuid::Uuid, uuid::Uuid)| -> Vec<Link> {
        others
            .iter()
            .filter(|o| successions.iter().any(|s| pick(s) == (body.id, o.id)))
            .map(|o| organisation_link(base, o, None))
            .collect()
    };
    let successors = linked(|s| (s.predecessor_id, s.successor_id));
    let predecessors = linked(|s| (s.successor_id, s.predecessor_id));
    resource.active_unless(
        body.withdrawn_at.is_some(),
        &body.withdrawal_reason,
        successors.first().cloned(),
    );
    resource.section("successors", "Правонаступники", "Successors", successors);
    resource.section("predecessors", "Попередники", "Predecessors", predecessors);
    if let Some(region_id) = body.region_id
        && let Some(region) = region::Entity::find_by_id(region_id).one(db).await?
    {
        resource.section("region", "Регіон", "Region", vec![region_link(base, &region)]);
    }
    let duties = rows_with(db, responsibility::Column::OrganisationId, body.id, None).await?;
    let items = rows_among(
        db,
        plan_item::Column::Id,
        duties.iter().map(|d| d.plan_item_id),
        Some(plan_item::Column::Code),
    )
    .await?;
    let duty_links = items
        .iter()
        .map(|i| {
            let mut link = item_link(base, i);
            let roles: Vec<&str> = duties
                .iter()
                .filter(|d| d.plan_item_id == i.id)
                .map(|d| d.role.as_wire())
                .collect();
            link.note = Some(roles.join(", "));
            link
        })
        .collect();
    resource.section(
        "responsibilities",
        "Відповідальність за пункти",
        "Responsible for",
        duty_links,
    );
    let owned = rows_with(
        db,
        plan::Column::OwnerOrganisationId,
        body.id,
        Some(plan::Column::Code),
    )
    .await?;
    resource.section(
        "ownedPlans",
        "Плани",
        "Plans owned",
        owned.iter().map(|p| plan_link(base, p)).collect(),
    );
    let participations = rows_with(db, project_participant::Column::OrganisationId, body.id, None).await?;
    let projects = project_link::Column::Id.is_in(participations.iter().map(|p| p.project_link_id));
    resource.linked_projects = Some(count_active_projects(db, projects).await?);
    resource.graphql_query = format!(
        "{{ organisation(identifier: \"{}\") {{ code kind names {{ uk en }} nameHistory {{ names {{ uk en }} validFrom validUntil }} }} }}",
        body.code
    );
    Ok(Some(resource))
}

async fn read_region(db: &impl ConnectionTrait, base: &PublicUrl, code: &str) -> ApiResult<Option<Resource>> {
    let Some(found) = find_region_by_code(db, code).await? else {
        return Ok(None);
    };
    let mut resource = Resource::new(
        Kind::Region,
        base.region(&found.code),
        &found.code,
        Texts::from(Some(&found.name_uk), Some(&found.name_en)),
    );
    resource.status = Some("ACTIVE".to_owned());
    resource.fact("regionKind", "Вид", "Kind", found.kind.as_wire());
    resource.fact(
        "romanized",
        "Латиницею",
        "Romanized",
        found.name_romanized.clone(),
    );
    let plans = rows_with(db, plan::Column::RegionId, found.id, Some(plan::Column::Code)).await?;
    resource.section(
        "plans",
        "Регіональні плани",
        "Regional plans",
        plans
            .iter()
            .map(|p| {
                let mut link = plan_link(base, p);
                link.note = Some(p.status.as_wire().to_owned());
                link
            })
            .collect(),
    );
    let places = rows_with(db, project_region::Column::RegionId, found.id, None).await?;
    let projects = project_link::Column::Id.is_in(places.iter().map(|p| p.project_link_id));
    resource.linked_projects = Some(count_active_projects(db, projects).await?);
    resource.graphql_query = format!(
        "{{ region(code: \"{}\") {{ code names {{ uk en }} plans {{ code status }} }} }}",
        found.code
    );
    Ok(Some(resource))
}
