//! Reading project links; `super::donor_dashboard` totals the ones a filter matches. Withdrawn
//! links are left out unless the filter asks for them; so are links reached only through withdrawn
//! items (or items of withdrawn plans).

use chrono::NaiveDate;
use entity::{
    enums::ParticipantRole, plan_item, plan_item_implementation, project_link, project_participant,
    project_plan_item, project_region,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait, Select,
};
use uuid::Uuid;

use super::{
    lookup,
    pagination::{KeyKind, KeyValue, Page, PageRequest, paginate_by},
    search::matching,
};
use crate::error::ApiResult;

/// Narrows `projectLinks` and the dashboard totals; empty fields match everything.
#[derive(Debug, Default, Clone)]
pub struct ProjectLinkFilter {
    /// Code or identifier of an organisation taking part with the FUNDING role.
    pub funder: Option<String>,
    /// Code or identifier of an organisation taking part with the IMPLEMENTING role.
    pub implementer: Option<String>,
    /// Canonical code of a linked plan item.
    pub plan_item: Option<String>,
    /// With `plan_item`: also links to any item below it.
    pub include_descendants: bool,
    /// With `plan_item`: also links to the regional, departmental and local items that implement
    /// it (or, with `include_descendants`, any item below it), and to the items below those.
    pub include_localizations: bool,
    /// Also withdrawn links, and links reached through withdrawn items or items of withdrawn plans.
    pub include_withdrawn: bool,
    /// ISO code of a region the project works in.
    pub region: Option<String>,
    /// Only projects running on this date (open start or end dates count as running).
    pub active_on: Option<NaiveDate>,
    /// The IATI activity identifier.
    pub iati_identifier: Option<String>,
    /// Words that must all appear in the IATI identifier or title.
    pub search: Option<String>,
}

fn projects_with_participant(organisation: Option<Uuid>, role: ParticipantRole) -> Condition {
    let projects = project_participant::Entity::find()
        .select_only()
        .column(project_participant::Column::ProjectLinkId)
        .filter(lookup::equals_key(
            project_participant::Column::OrganisationId,
            organisation,
        ))
        .filter(project_participant::Column::Role.eq(role));
    Condition::all().add(project_link::Column::Id.in_subquery(projects.into_query()))
}

/// The project links matching `filter`, unordered.
pub async fn filtered(
    db: &impl ConnectionTrait,
    filter: &ProjectLinkFilter,
) -> ApiResult<Select<project_link::Entity>> {
    let mut query = project_link::Entity::find();
    if let Some(code) = &filter.funder {
        query = query.filter(projects_with_participant(
            lookup::organisation_id(db, code).await?,
            ParticipantRole::Funding,
        ));
    }
    if let Some(code) = &filter.implementer {
        query = query.filter(projects_with_participant(
            lookup::organisation_id(db, code).await?,
            ParticipantRole::Implementing,
        ));
    }
    if !filter.include_withdrawn {
        query = query.filter(project_link::Column::WithdrawnAt.is_null());
    }
    if let Some(code) = &filter.plan_item {
        let items = reached_items(db, filter, lookup::plan_item_id(db, code).await?).await?;
        let projects = project_plan_item::Entity::find()
            .select_only()
            .column(project_plan_item::Column::ProjectLinkId)
            .filter(project_plan_item::Column::PlanItemId.is_in(items));
        query = query.filter(project_link::Column::Id.in_subquery(projects.into_query()));
    }
    if let Some(code) = &filter.region {
        let projects = project_region::Entity::find()
            .select_only()
            .column(project_region::Column::ProjectLinkId)
            .filter(lookup::equals_key(
                project_region::Column::RegionId,
                lookup::region_id(db, code).await?,
            ));
        query = query.filter(project_link::Column::Id.in_subquery(projects.into_query()));
    }
    if let Some(date) = filter.active_on {
        query = query
            .filter(
                Condition::any()
                    .add(project_link::Column::StartDate.is_null())
                    .add(project_link::Column::StartDate.lte(date)),
            )
            .filter(
                Condition::any()
                    .add(project_link::Column::EndDate.is_null())
                    .add(project_link::Column::EndDate.gte(date)),
            );
    }
    if let Some(iati) = &filter.iati_identifier {
        query = query.filter(project_link::Column::IatiIdentifier.eq(iati.as_str()));
    }
    matching(query, project_link::Column::SearchText, filter.search.as_deref())
}

/// The items whose links `filter.plan_item` (resolved to `root`) reaches: the item itself, with
/// `include_descendants` the items below it, with `include_localizations` the items implementing
/// any of those (and, with `include_descendants`, the items below them). Without
/// `include_withdrawn`, withdrawn items and items of withdrawn plans are left out, except the
/// named item itself.
async fn reached_items(
    db: &impl ConnectionTrait,
    filter: &ProjectLinkFilter,
    root: Option<Uuid>,
) -> ApiResult<Vec<Uuid>> {
    let Some(root) = root else {
        return Ok(Vec::new());
    };
    let mut below = Vec::new();
    if filter.include_descendants {
        below.extend(lookup::descendant_item_ids_of(db, vec![root]).await?);
    }
    if filter.include_localizations {
        let national: Vec<Uuid> = std::iter::once(root).chain(below.iter().copied()).collect();
        let localizing: Vec<Uuid> = plan_item_implementation::Entity::find()
            .select_only()
            .column(plan_item_implementation::Column::ImplementingItemId)
            .filter(plan_item_implementation::Column::ImplementedItemId.is_in(national))
            .into_tuple()
            .all(db)
            .await?;
        if filter.include_descendants {
            below.extend(lookup::descendant_item_ids_of(db, localizing.clone()).await?);
        }
        below.extend(localizing);
    }
    if !filter.include_withdrawn && !below.is_empty() {
        below = plan_item::Entity::find()
            .select_only()
            .column(plan_item::Column::Id)
            .filter(plan_item::Column::Id.is_in(below))
            .filter(super::plan_items::live_items())
            .into_tuple()
            .all(db)
            .await?;
    }
    below.push(root);
    Ok(below)
}

/// A page of project links matching `filter`, in the registry's stable key order.
pub async fn list_project_links(
    db: &impl ConnectionTrait,
    filter: &ProjectLinkFilter,
    page: &PageRequest,
) -> ApiResult<Page<project_link::Model>> {
    let query = filtered(db, filter).await?;
    let id = |p: &project_link::Model| KeyValue::from(p.id);
    paginate_by(db, query, project_link::Column::Id, KeyKind::Uuid, id, page).await
}
