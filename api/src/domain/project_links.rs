//! Reading project links, and the donor dashboard's totals over them.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use entity::{
    enums::ParticipantRole, organisation, plan_item, project_link, project_participant, project_plan_item,
    project_region, region,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    Select, sea_query::Expr,
};
use uuid::Uuid;

use super::{
    lookup,
    pagination::{KeyKind, KeyValue, Page, PageRequest, paginate},
    search::contains_all_words,
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
    if let Some(code) = &filter.plan_item {
        let mut items: Vec<Uuid> = lookup::plan_item_id(db, code).await?.into_iter().collect();
        if filter.include_descendants
            && let Some(root) = items.first().copied()
        {
            items.extend(lookup::descendant_item_ids(db, root).await?);
        }
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
    if let Some(search) = &filter.search {
        query = query.filter(contains_all_words(
            &Expr::col(project_link::Column::SearchText),
            "filter.search",
            search,
        )?);
    }
    Ok(query)
}

/// A page of project links matching `filter`, in the registry's stable key order.
pub async fn list_project_links(
    db: &impl ConnectionTrait,
    filter: &ProjectLinkFilter,
    page: &PageRequest,
) -> ApiResult<Page<project_link::Model>> {
    let query = filtered(db, filter).await?;
    paginate(
        db,
        query,
        &[Expr::col(project_link::Column::Id)],
        &[KeyKind::Uuid],
        |p| vec![KeyValue::from(p.id)],
        page,
    )
    .await
}

/// Budget totals per currency, in hundredths; currencies are never added together.
pub type Budgets = BTreeMap<String, i64>;

/// Totals for one group of the dashboard.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    /// How many distinct project links fall in the group.
    pub link_count: u64,
    /// Their budgets, per currency.
    pub budgets: Budgets,
}

impl Totals {
    fn add(&mut self, link: &LinkBudget) {
        self.link_count += 1;
        if let (Some(cents), Some(currency)) = (link.cents, &link.currency) {
            *self.budgets.entry(currency.clone()).or_default() += cents;
        }
    }
}

struct LinkBudget {
    cents: Option<i64>,
    currency: Option<String>,
}

/// The donor dashboard: project links grouped by strategic goal, region and funder.
#[derive(Debug, Clone, Default)]
pub struct ProjectLinkSummary {
    /// All matching links.
    pub overall: Totals,
    /// Per strategic goal, counting links to the goal or any item below it once; by goal code.
    pub by_strategic_goal: Vec<(plan_item::Model, Totals)>,
    /// Per region the projects work in; by region code.
    pub by_region: Vec<(region::Model, Totals)>,
    /// Per funding organisation; by organisation code.
    pub by_funder: Vec<(organisation::Model, Totals)>,
}

/// Computes the dashboard over the links matching `filter` in a fixed number of queries.
pub async fn summarize(
    db: &impl ConnectionTrait,
    filter: &ProjectLinkFilter,
) -> ApiResult<ProjectLinkSummary> {
    let matching = filtered(db, filter).await?;
    let ids_query = || {
        matching
            .clone()
            .select_only()
            .column(project_link::Column::Id)
            .into_query()
    };
    let links: HashMap<Uuid, LinkBudget> = matching
        .clone()
        .select_only()
        .column(project_link::Column::Id)
        .column(project_link::Column::BudgetAmountCents)
        .column(project_link::Column::BudgetCurrency)
        .into_tuple::<(Uuid, Option<i64>, Option<String>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, cents, currency)| (id, LinkBudget { cents, currency }))
        .collect();
    let mut summary = ProjectLinkSummary::default();
    for link in links.values() {
        summary.overall.add(link);
    }

    // Strategic goals: walk each linked item up to its root.
    let item_links: Vec<(Uuid, Uuid)> = project_plan_item::Entity::find()
        .select_only()
        .column(project_plan_item::Column::ProjectLinkId)
        .column(project_plan_item::Column::PlanItemId)
        .filter(project_plan_item::Column::ProjectLinkId.in_subquery(ids_query()))
        .into_tuple()
        .all(db)
        .await?;
    let mut items: HashMap<Uuid, plan_item::Model> = HashMap::new();
    let mut wanted: HashSet<Uuid> = item_links.iter().map(|(_, item)| *item).collect();
    // Items have at most four levels: four rounds reach every root.
    for _ in 0..4 {
        wanted.retain(|id| !items.contains_key(id));
        if wanted.is_empty() {
            break;
        }
        let found = plan_item::Entity::find()
            .filter(plan_item::Column::Id.is_in(wanted.drain()))
            .all(db)
            .await?;
        for item in found {
            if let Some(parent) = item.parent_id {
                wanted.insert(parent);
            }
            items.insert(item.id, item);
        }
    }
    let root_of = |mut id: Uuid| -> Option<Uuid> {
        for _ in 0..5 {
            let item = items.get(&id)?;
            match item.parent_id {
                Some(parent) => id = parent,
                None => return Some(item.id),
            }
        }
        None
    };
    let mut goals: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    for (link, item) in &item_links {
        if let Some(root) = root_of(*item) {
            goals.entry(root).or_default().insert(*link);
        }
    }
    for (goal, members) in goals {
        let mut totals = Totals::default();
        for link in members.iter().filter_map(|id| links.get(id)) {
            totals.add(link);
        }
        if let Some(goal) = items.get(&goal) {
            summary.by_strategic_goal.push((goal.clone(), totals));
        }
    }
    summary
        .by_strategic_goal
        .sort_by(|(a, _), (b, _)| a.sort_key.cmp(&b.sort_key).then(a.code.cmp(&b.code)));

    // Regions.
    let region_links: Vec<(Uuid, Uuid)> = project_region::Entity::find()
        .select_only()
        .column(project_region::Column::ProjectLinkId)
        .column(project_region::Column::RegionId)
        .filter(project_region::Column::ProjectLinkId.in_subquery(ids_query()))
        .into_tuple()
        .all(db)
        .await?;
    let regions = region::Entity::find()
        .order_by_asc(region::Column::Code)
        .all(db)
        .await?;
    summary.by_region = group_totals(regions, |r| r.id, &region_links, &links);

    // Funders.
    let funder_links: Vec<(Uuid, Uuid)> = project_participant::Entity::find()
        .select_only()
        .column(project_participant::Column::ProjectLinkId)
        .column(project_participant::Column::OrganisationId)
        .filter(project_participant::Column::Role.eq(ParticipantRole::Funding))
        .filter(project_participant::Column::ProjectLinkId.in_subquery(ids_query()))
        .into_tuple()
        .all(db)
        .await?;
    let funder_ids: HashSet<Uuid> = funder_links.iter().map(|(_, org)| *org).collect();
    let funders = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(funder_ids))
        .order_by_asc(organisation::Column::Code)
        .all(db)
        .await?;
    summary.by_funder = group_totals(funders, |o| o.id, &funder_links, &links);
    Ok(summary)
}

/// Totals per group for `(link, group)` pairs, each link counted once per group; groups without
/// links are left out; `groups` gives the order.
fn group_totals<G>(
    groups: Vec<G>,
    key: impl Fn(&G) -> Uuid,
    pairs: &[(Uuid, Uuid)],
    links: &HashMap<Uuid, LinkBudget>,
) -> Vec<(G, Totals)> {
    let mut members: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    for (link, group) in pairs {
        members.entry(*group).or_default().insert(*link);
    }
    groups
        .into_iter()
        .filter_map(|group| {
            let ids = members.get(&key(&group))?;
            let mut totals = Totals::default();
            for link in ids.iter().filter_map(|id| links.get(id)) {
                totals.add(link);
            }
            Some((group, totals))
        })
        .collect()
}
