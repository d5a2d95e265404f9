//! Reading project links, and the donor dashboard's totals over them. Withdrawn links are left
//! out unless the filter asks for them; so are links reached only through withdrawn items (or items
//! of withdrawn plans).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use entity::{
    enums::{ParticipantRole, PlanItemStatus},
    organisation, plan, plan_item, plan_item_implementation, project_link, project_participant,
    project_plan_item, project_region, region,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    Select,
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
    /// All matching links, each counted once, with its whole budget once.
    pub overall: Totals,
    /// Per strategic goal, counting links to the goal or any item below it once; by goal code. A
    /// link reaching several goals counts, with its whole budget, under each of them.
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
    load_with_ancestors(db, &mut items, item_links.iter().map(|(_, item)| *item).collect()).await?;
    // With localizations, a link to an item implementing a national item (itself or through an
    // ancestor) also counts for that national item's goal.
    let mut implemented: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    if filter.include_localizations && !items.is_empty() {
        let pairs: Vec<(Uuid, Uuid)> = plan_item_implementation::Entity::find()
            .select_only()
            .column(plan_item_implementation::Column::ImplementingItemId)
            .column(plan_item_implementation::Column::ImplementedItemId)
            .filter(plan_item_implementation::Column::ImplementingItemId.is_in(items.keys().copied()))
            .into_tuple()
            .all(db)
            .await?;
        load_with_ancestors(
            db,
            &mut items,
            pairs.iter().map(|(_, national)| *national).collect(),
        )
        .await?;
        for (local, national) in pairs {
            implemented.entry(local).or_default().push(national);
        }
    }
    let withdrawn_plans: HashSet<Uuid> = if filter.include_withdrawn || items.is_empty() {
        HashSet::new()
    } else {
        plan::Entity::find()
            .select_only()
            .column(plan::Column::Id)
            .filter(plan::Column::Id.is_in(unique_plans(&items)))
            .filter(plan::Column::WithdrawnAt.is_not_null())
            .into_tuple::<Uuid>()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    let counts = |id: &Uuid| {
        filter.include_withdrawn
            || items.get(id).is_some_and(|item| {
                item.status == PlanItemStatus::Active && !withdrawn_plans.contains(&item.plan_id)
            })
    };
    let path_of = |mut id: Uuid| -> Vec<Uuid> {
        let mut path = Vec::new();
        // Items have at most four levels.
        for _ in 0..5 {
            let Some(item) = items.get(&id) else { break };
            path.push(item.id);
            match item.parent_id {
                Some(parent) => id = parent,
                None => break,
            }
        }
        path
    };
    let mut goals: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    for (link, item) in &item_links {
        if !counts(item) {
            continue;
        }
        let path = path_of(*item);
        let mut roots: Vec<Uuid> = path.last().copied().into_iter().collect();
        for national in path.iter().filter_map(|id| implemented.get(id)).flatten() {
            if counts(national) {
                roots.extend(path_of(*national).last().copied());
            }
        }
        for root in roots.into_iter().filter(|root| counts(root)) {
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
    let funders = lookup::rows_among(
        db,
        organisation::Column::Id,
        funder_ids,
        Some(organisation::Column::Code),
    )
    .await?;
    summary.by_funder = group_totals(funders, |o| o.id, &funder_links, &links);
    Ok(summary)
}

/// Adds `wanted` and all their ancestors to `items`, one query per level.
async fn load_with_ancestors(
    db: &impl ConnectionTrait,
    items: &mut HashMap<Uuid, plan_item::Model>,
    mut wanted: HashSet<Uuid>,
) -> ApiResult<()> {
    // Items have at most four levels: four rounds reach every root.
    for _ in 0..4 {
        wanted.retain(|id| !items.contains_key(id));
        if wanted.is_empty() {
            break;
        }
        let found = lookup::rows_among(db, plan_item::Column::Id, wanted.drain(), None).await?;
        for item in found {
            if let Some(parent) = item.parent_id {
                wanted.insert(parent);
            }
            items.insert(item.id, item);
        }
    }
    Ok(())
}

fn unique_plans(items: &HashMap<Uuid, plan_item::Model>) -> HashSet<Uuid> {
    items.values().map(|item| item.plan_id).collect()
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
