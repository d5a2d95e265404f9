//! The read model's answers to the lookups and lists queries start from: plans and items by code,
//! and the `planItems` and `projectLinks` lists, filtered and paged in memory exactly as the SQL
//! versions in `domain::plan_items` and `domain::project_links` do (same order, same cursors). A
//! filter the read model does not evaluate (free-text search, links reached through a plan item)
//! makes it decline (`None`), and the caller asks the database.

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
};

use entity::{
    enums::{ParticipantRole, PlanItemStatus},
    organisation, organisation_identifier, plan, plan_item, project_link, region, target_group,
};
use uuid::Uuid;

use super::{
    table::{Row, Table},
    tables::Tables,
};
use crate::{
    domain::{
        pagination::{KeyKind, KeyValue, Page, PageRequest, paginate_loaded},
        plan_items::{self, PlanItemFilter},
        project_links::ProjectLinkFilter,
    },
    error::ApiResult,
    graphql::loaders::{Group, Loaders},
};

/// Keys by code and the lists in their list order, built once per snapshot.
pub struct Lookups {
    catalogue: Arc<Catalogue>,
    links: Arc<Table<project_link::Entity>>,
    /// Positions of the project links by id.
    links_in_order: Vec<u32>,
}

/// The lookups over plans, items, regions, target groups and organisations: kept from one
/// snapshot to the next while none of those tables changes (a project link's write changes none).
struct Catalogue {
    /// The highest generation of the tables it was built over (a table read again gets a
    /// generation higher than every earlier one, so a change of any of them changes this).
    generation: u64,
    items: Arc<Table<plan_item::Entity>>,
    plan_ids: HashMap<String, Uuid>,
    item_ids: HashMap<String, Uuid>,
    region_ids: HashMap<String, Uuid>,
    target_group_ids: HashMap<String, Uuid>,
    /// Organisations by identifier, then by registry code (an identifier wins, as in the database
    /// lookup).
    organisation_ids: HashMap<String, Uuid>,
    /// Positions of the items by sort key, then code.
    items_in_order: Vec<u32>,
    /// The same, per plan.
    items_by_plan: HashMap<Uuid, Vec<u32>>,
    /// Withdrawn plans (their items read as withdrawn).
    withdrawn_plans: HashSet<Uuid>,
    /// Each plan's region.
    plan_regions: HashMap<Uuid, Option<Uuid>>,
}

fn positions_sorted_by<M, K: Ord>(rows: &[M], key: impl Fn(&M) -> K) -> Vec<u32> {
    let mut positions: Vec<u32> = (0..u32::try_from(rows.len()).unwrap_or(u32::MAX)).collect();
    positions.sort_by_cached_key(|&p| key(&rows[p as usize]));
    positions
}

fn by_code<M>(rows: &[M], code: impl Fn(&M) -> &str, id: impl Fn(&M) -> Uuid) -> HashMap<String, Uuid> {
    rows.iter().map(|row| (code(row).to_owned(), id(row))).collect()
}

impl Catalogue {
    /// The generation of the catalogue `tables` hold.
    fn generation_of(tables: &Tables) -> u64 {
        [
            tables.get::<plan::Entity>().generation,
            tables.get::<plan_item::Entity>().generation,
            tables.get::<region::Entity>().generation,
            tables.get::<target_group::Entity>().generation,
            tables.get::<organisation::Entity>().generation,
            tables.get::<organisation_identifier::Entity>().generation,
        ]
        .into_iter()
        .max()
        .unwrap_or_default()
    }

    fn build(tables: &Tables, generation: u64) -> Self {
        let plans: Arc<Table<plan::Entity>> = tables.get();
        let items: Arc<Table<plan_item::Entity>> = tables.get();
        let regions: Arc<Table<region::Entity>> = tables.get();
        let groups: Arc<Table<target_group::Entity>> = tables.get();
        let organisations: Arc<Table<organisation::Entity>> = tables.get();
        let identifiers: Arc<Table<organisation_identifier::Entity>> = tables.get();
        let mut organisation_ids = by_code(&organisations.rows, |o| &o.code, |o| o.id);
        organisation_ids.extend(by_code(
            &identifiers.rows,
            |i| &i.identifier,
            |i| i.organisation_id,
        ));
        let items_in_order = positions_sorted_by(&items.rows, |i| (i.sort_key.clone(), i.code.clone()));
        let mut items_by_plan: HashMap<Uuid, Vec<u32>> = HashMap::new();
        for &position in &items_in_order {
            let plan = items.rows[position as usize].plan_id;
            items_by_plan.entry(plan).or_default().push(position);
        }
        Self {
            generation,
            withdrawn_plans: plans
                .rows
                .iter()
                .filter(|p| p.withdrawn_at.is_some())
                .map(|p| p.id)
                .collect(),
            plan_regions: plans.rows.iter().map(|p| (p.id, p.region_id)).collect(),
            items_by_plan,
            items_in_order,
            plan_ids: by_code(&plans.rows, |p| &p.code, |p| p.id),
            item_ids: by_code(&items.rows, |i| &i.code, |i| i.id),
            region_ids: by_code(&regions.rows, |r| &r.code, |r| r.id),
            target_group_ids: by_code(&groups.rows, |g| &g.code, |g| g.id),
            organisation_ids,
            items,
        }
    }
}

impl Lookups {
    /// The lookups over `tables`, keeping `previous`'s catalogue when its tables did not change.
    pub fn build(tables: &Tables, previous: Option<&Self>) -> Self {
        let generation = Catalogue::generation_of(tables);
        let catalogue = match previous.filter(|p| p.catalogue.generation == generation) {
            Some(previous) => Arc::clone(&previous.catalogue),
            None => Arc::new(Catalogue::build(tables, generation)),
        };
        let links: Arc<Table<project_link::Entity>> = tables.get();
        Self {
            catalogue,
            links_in_order: positions_sorted_by(&links.rows, |l| l.id),
            links,
        }
    }

    /// The plan with `code`.
    pub fn plan(&self, code: &str) -> Option<Uuid> {
        self.catalogue.plan_ids.get(code).copied()
    }

    /// The plan item with canonical `code`.
    pub fn plan_item(&self, code: &str) -> Option<Uuid> {
        self.catalogue.item_ids.get(code).copied()
    }

    /// `planItems`: a page of the items matching `filter`, by sort key then code; `None` when the
    /// filter needs the database (free-text search).
    pub fn plan_items(
        &self,
        loaders: &Loaders,
        filter: &PlanItemFilter,
        page: &PageRequest,
    ) -> Option<ApiResult<Page<Row<plan_item::Entity>>>> {
        if filter.search.is_some() {
            return None;
        }
        let catalogue = &*self.catalogue;
        // A code that names nothing matches nothing (`Some(None)`).
        let plan = filter.plan.as_deref().map(|code| self.plan(code));
        let parent = filter.parent.as_deref().map(|code| self.plan_item(code));
        let region = filter
            .region
            .as_deref()
            .map(|code| catalogue.region_ids.get(code).copied());
        let (withdrawn_plans, plan_regions) = (&catalogue.withdrawn_plans, &catalogue.plan_regions);
        let serving = match &filter.target_group {
            Some(code) => Some(item_set(
                &loaders.item_links_by_target_group,
                catalogue.target_group_ids.get(code.as_str()).copied(),
                |link| Some(link.plan_item_id),
            )?),
            None => None,
        };
        let responsible = if filter.organisation.is_some() || filter.role.is_some() {
            let role = filter.role;
            let keep = |r: &entity::responsibility::Model| role.is_none_or(|role| r.role == role);
            Some(match &filter.organisation {
                Some(code) => {
                    let organisation = catalogue.organisation_ids.get(code.as_str()).copied();
                    item_set(&loaders.responsibilities_by_organisation, organisation, |r| {
                        keep(r).then_some(r.plan_item_id)
                    })?
                }
                None => {
                    let Group::Memory(by_item) = &loaders.responsibilities_by_item else {
                        return None;
                    };
                    catalogue
                        .items
                        .rows
                        .iter()
                        .filter(|item| by_item.get(&item.id).any(|r| keep(r)))
                        .map(|item| item.id)
                        .collect()
                }
            })
        } else {
            None
        };
        let matches = |item: &plan_item::Model| {
            let live = item.status == PlanItemStatus::Active && !withdrawn_plans.contains(&item.plan_id);
            let status_ok = match filter.status {
                Some(PlanItemStatus::Active) => live,
                Some(PlanItemStatus::Withdrawn) => !live,
                None => filter.include_withdrawn || live,
            };
            status_ok
                && plan.is_none_or(|plan| plan == Some(item.plan_id))
                && filter.kind.is_none_or(|kind| item.kind == kind)
                && parent.is_none_or(|parent| parent.is_some() && parent == item.parent_id)
                && region.is_none_or(|region| {
                    region.is_some() && plan_regions.get(&item.plan_id).copied().flatten() == region
                })
                && serving.as_ref().is_none_or(|items| items.contains(&item.id))
                && responsible.as_ref().is_none_or(|items| items.contains(&item.id))
        };
        // Items of one plan are listed apart: look only at those.
        let candidates = match plan {
            Some(Some(plan)) => catalogue.items_by_plan.get(&plan).map_or(&[][..], Vec::as_slice),
            Some(None) => &[][..],
            None => &catalogue.items_in_order,
        };
        let rows: Vec<&Row<plan_item::Entity>> = candidates
            .iter()
            .map(|&p| &catalogue.items.rows[p as usize])
            .filter(|item| matches(item))
            .collect();
        Some(
            paginate_loaded(
                rows,
                &plan_items::LIST_KEY_KINDS,
                |i| plan_items::list_key(i),
                page,
            )
            .map(owned),
        )
    }

    /// `projectLinks`: a page of the links matching `filter`, by id; `None` when the filter needs
    /// the database (free-text search, links reached through a plan item).
    pub fn project_links(
        &self,
        loaders: &Loaders,
        filter: &ProjectLinkFilter,
        page: &PageRequest,
    ) -> Option<ApiResult<Page<Row<project_link::Entity>>>> {
        if filter.search.is_some() || filter.plan_item.is_some() {
            return None;
        }
        let with_role = |code: &str, role: ParticipantRole| {
            item_set(
                &loaders.participants_by_organisation,
                self.catalogue.organisation_ids.get(code).copied(),
                |p| (p.role == role).then_some(p.project_link_id),
            )
        };
        let funded = match &filter.funder {
            Some(code) => Some(with_role(code, ParticipantRole::Funding)?),
            None => None,
        };
        let implemented = match &filter.implementer {
            Some(code) => Some(with_role(code, ParticipantRole::Implementing)?),
            None => None,
        };
        let in_region = match &filter.region {
            Some(code) => Some(item_set(
                &loaders.projects_by_region,
                self.catalogue.region_ids.get(code.as_str()).copied(),
                |r| Some(r.project_link_id),
            )?),
            None => None,
        };
        let matches = |link: &project_link::Model| {
            (filter.include_withdrawn || link.withdrawn_at.is_none())
                && funded.as_ref().is_none_or(|ids| ids.contains(&link.id))
                && implemented.as_ref().is_none_or(|ids| ids.contains(&link.id))
                && in_region.as_ref().is_none_or(|ids| ids.contains(&link.id))
                && filter.active_on.is_none_or(|date| {
                    link.start_date.is_none_or(|start| start <= date)
                        && link.end_date.is_none_or(|end| end >= date)
                })
                && filter
                    .iati_identifier
                    .as_ref()
                    .is_none_or(|iati| link.iati_identifier.as_deref() == Some(iati.as_str()))
        };
        // A narrowing filter names few links: look only at those, in id order.
        let narrowed = funded.as_ref().or(implemented.as_ref()).or(in_region.as_ref());
        let rows: Vec<&Row<project_link::Entity>> = match (narrowed, &loaders.project_links) {
            (Some(ids), Group::Memory(by_id)) => {
                let mut ids: Vec<Uuid> = ids.iter().copied().collect();
                ids.sort_unstable();
                ids.iter()
                    .filter_map(|id| by_id.get(id).next())
                    .filter(|l| matches(l))
                    .collect()
            }
            _ => self
                .links_in_order
                .iter()
                .map(|&p| &self.links.rows[p as usize])
                .filter(|l| matches(l))
                .collect(),
        };
        Some(paginate_loaded(rows, &[KeyKind::Uuid], |l| vec![KeyValue::from(l.id)], page).map(owned))
    }
}

/// The ids `id_of` picks from the rows grouped under `key` (none when `key` names nothing);
/// `None` when `group` is not in memory.
fn item_set<E: super::table::Readable>(
    group: &Group<E>,
    key: Option<Uuid>,
    id_of: impl Fn(&E::Model) -> Option<Uuid>,
) -> Option<HashSet<Uuid>> {
    let Group::Memory(grouped) = group else {
        return None;
    };
    Some(match key {
        Some(key) => grouped.get(&key).filter_map(|row| id_of(row)).collect(),
        None => HashSet::new(),
    })
}

fn owned<T: Clone>(page: Page<&T>) -> Page<T> {
    Page {
        rows: page
            .rows
            .into_iter()
            .map(|(cursor, row)| (cursor, row.clone()))
            .collect(),
        has_previous_page: page.has_previous_page,
        has_next_page: page.has_next_page,
        total_count: page.total_count,
    }
}
