//! The donor dashboard: the project links a filter matches, totalled overall and per strategic
//! goal, region and funder (each link counted once per group, budgets per currency), in a fixed
//! number of queries.

use std::collections::{BTreeMap, HashMap, HashSet};

use entity::{
    enums::{ParticipantRole, PlanItemStatus},
    organisation, plan, plan_item, plan_item_implementation, project_link, project_participant,
    project_plan_item, project_region, region,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};
use uuid::Uuid;

use super::{
    lookup,
    project_links::{ProjectLinkFilter, filtered},
};
use crate::error::ApiResult;

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
