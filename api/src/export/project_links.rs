//! The `project-links` export: one row per project link and linked plan item, with the funders
//! and implementers (codes and names), budget, gender marker and DAC codes with their IATI labels,
//! regions, and the strategic goal the item belongs to. A link to no (selected) item still gets
//! one row when no plan or item filter is given.

use crate::domain::entity_type::EntityType;
use std::collections::{BTreeSet, HashMap, HashSet};

use entity::{
    enums::{ParticipantRole, PlanItemStatus},
    organisation, plan_item, project_dac_purpose, project_link, project_participant, project_plan_item,
    project_region, region,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, sea_query::Expr};
use uuid::Uuid;

use super::{Cell, ExportFilter, Lang, RowWriter, by_id, by_ids, joined, keyset::Pages, status};
use crate::{
    domain::{
        codelists, lookup,
        numbering::CODE_SEPARATOR,
        pagination::KeyValue,
        project_links::{ProjectLinkFilter, filtered},
    },
    error::ApiResult,
    graphql::{node_id, types::common::Money},
};

/// The header row.
pub const COLUMNS: &[&str] = &[
    "id",
    "iati_identifier",
    "title_uk",
    "title_en",
    "status",
    "funder_codes",
    "funder_names",
    "implementer_codes",
    "implementer_names",
    "budget_amount",
    "budget_currency",
    "gender_marker",
    "gender_marker_label",
    "dac_codes",
    "dac_labels",
    "region_codes",
    "region_names",
    "plan_item_code",
    "strategic_goal_code",
    "strategic_goal_title",
];

/// Which linked items get a row: those of `plan` and under `item`, active unless asked.
struct ItemSelection {
    plan: Option<Option<Uuid>>,
    under: Option<HashSet<Uuid>>,
    include_withdrawn: bool,
}

impl ItemSelection {
    fn narrowed(&self) -> bool {
        self.plan.is_some() || self.under.is_some()
    }

    fn takes(&self, item: &plan_item::Model) -> bool {
        self.plan.is_none_or(|plan| plan == Some(item.plan_id))
            && self.under.as_ref().is_none_or(|ids| ids.contains(&item.id))
            && (self.include_withdrawn || item.status == PlanItemStatus::Active)
    }
}

/// Writes the rows.
pub async fn export(db: &DatabaseConnection, filter: &ExportFilter, out: &mut RowWriter) -> ApiResult<()> {
    let lang = filter.lang;
    let mut selection = ItemSelection {
        plan: None,
        under: None,
        include_withdrawn: filter.include_withdrawn,
    };
    if let Some(code) = &filter.plan {
        selection.plan = Some(lookup::plan_id(db, code).await?);
    }
    if let Some(code) = &filter.item {
        selection.under = Some(
            lookup::item_and_descendant_ids(db, code)
                .await?
                .into_iter()
                .collect(),
        );
    }
    let mut links = filtered(
        db,
        &ProjectLinkFilter {
            funder: filter.funder.clone(),
            region: filter.region.clone(),
            ..Default::default()
        },
    )
    .await?;
    if !filter.include_withdrawn {
        links = links.filter(project_link::Column::WithdrawnAt.is_null());
    }
    let regions: HashMap<Uuid, region::Model> = by_id(db, region::Entity::find()).await?;
    let mut pages = Pages::new(links, vec![Expr::col(project_link::Column::Id)], |l| {
        vec![KeyValue::from(l.id)]
    });
    while let Some(page) = pages.next(db).await? {
        let ids: Vec<Uuid> = page.iter().map(|l| l.id).collect();
        let item_links =
            lookup::rows_among(db, project_plan_item::Column::ProjectLinkId, ids.clone(), None).await?;
        let items: HashMap<Uuid, plan_item::Model> =
            by_ids(db, item_links.iter().map(|l| l.plan_item_id)).await?;
        let goal_codes: BTreeSet<String> = items.values().map(|i| strategic_goal_code(&i.code)).collect();
        let goals: HashMap<String, plan_item::Model> =
            lookup::rows_among(db, plan_item::Column::Code, goal_codes, None)
                .await?
                .into_iter()
                .map(|g| (g.code.clone(), g))
                .collect();
        let participants =
            lookup::rows_among(db, project_participant::Column::ProjectLinkId, ids.clone(), None).await?;
        let organisations: HashMap<Uuid, organisation::Model> =
            by_ids(db, participants.iter().map(|p| p.organisation_id)).await?;
        let purposes = lookup::rows_among(
            db,
            project_dac_purpose::Column::ProjectLinkId,
            ids.clone(),
            Some(project_dac_purpose::Column::Code),
        )
        .await?;
        let link_regions = lookup::rows_among(db, project_region::Column::ProjectLinkId, ids, None).await?;
        let participants = by_link(&participants, |p| p.project_link_id);
        let purposes = by_link(&purposes, |p| p.project_link_id);
        let link_regions = by_link(&link_regions, |r| r.project_link_id);
        let item_links = by_link(&item_links, |l| l.project_link_id);
        for link in page {
            let people = |role: ParticipantRole| -> Vec<&organisation::Model> {
                let mut found: Vec<&organisation::Model> = of_link(&participants, link.id)
                    .into_iter()
                    .filter(|p| p.role == role)
                    .filter_map(|p| organisations.get(&p.organisation_id))
                    .collect();
                found.sort_by(|a, b| a.code.cmp(&b.code));
                found
            };
            let funders = people(ParticipantRole::Funding);
            let implementers = people(ParticipantRole::Implementing);
            let dac: Vec<&str> = of_link(&purposes, link.id)
                .into_iter()
                .map(|p| p.code.as_str())
                .collect();
            let mut places: Vec<&region::Model> = of_link(&link_regions, link.id)
                .into_iter()
                .filter_map(|r| regions.get(&r.region_id))
                .collect();
            places.sort_by(|a, b| a.code.cmp(&b.code));
            let budget = Money::maybe(link.budget_amount_cents, link.budget_currency.as_deref());
            let marker = link.gender_marker.map(|m| m.to_string());
            let names = |list: &[&organisation::Model]| {
                joined(
                    list.iter()
                        .map(|o| lang.pick(o.name_uk.as_deref(), o.name_en.as_deref())),
                )
            };
            let common = vec![
                Cell::from(node_id::encode(EntityType::ProjectLink, link.id).0),
                Cell::text(link.iati_identifier.clone()),
                Cell::text(link.title_uk.clone()),
                Cell::text(link.title_en.clone()),
                status(link.withdrawn_at.is_some()),
                joined(funders.iter().map(|o| o.code.as_str())),
                names(&funders),
                joined(implementers.iter().map(|o| o.code.as_str())),
                names(&implementers),
                Cell::text(budget.as_ref().map(|b| b.amount.clone())),
                Cell::text(budget.map(|b| b.currency)),
                Cell::text(marker.clone()),
                Cell::text(
                    marker.and_then(|m| codelists::policy_significance().label(&m).map(str::to_owned)),
                ),
                joined(&dac),
                joined(
                    dac.iter()
                        .map(|c| codelists::sectors().label(c).unwrap_or_default()),
                ),
                joined(places.iter().map(|r| r.code.as_str())),
                joined(
                    places
                        .iter()
                        .map(|r| lang.pick(Some(&r.name_uk), Some(&r.name_en))),
                ),
            ];
            let mut linked: Vec<&plan_item::Model> = of_link(&item_links, link.id)
                .into_iter()
                .filter_map(|l| items.get(&l.plan_item_id))
                .filter(|i| selection.takes(i))
                .collect();
            linked.sort_by(|a, b| (&a.sort_key, &a.code).cmp(&(&b.sort_key, &b.code)));
            if linked.is_empty() && !selection.narrowed() {
                let mut row = common.clone();
                row.extend([Cell::Null, Cell::Null, Cell::Null]);
                out.row(row).await?;
            }
            for item in linked {
                let goal = goals.get(&strategic_goal_code(&item.code));
                let mut row = common.clone();
                row.extend([
                    Cell::from(item.code.as_str()),
                    Cell::text(goal.map(|g| g.code.clone())),
                    Cell::text(goal.map(|g| goal_title(lang, g))),
                ]);
                out.row(row).await?;
            }
        }
    }
    Ok(())
}

/// `rows` grouped by the project link `link_of` gives.
fn by_link<T>(rows: &[T], link_of: impl Fn(&T) -> Uuid) -> HashMap<Uuid, Vec<&T>> {
    let mut grouped: HashMap<Uuid, Vec<&T>> = HashMap::new();
    for row in rows {
        grouped.entry(link_of(row)).or_default().push(row);
    }
    grouped
}

/// The rows of `link` in `grouped`.
fn of_link<'a, T>(grouped: &HashMap<Uuid, Vec<&'a T>>, link: Uuid) -> Vec<&'a T> {
    grouped.get(&link).cloned().unwrap_or_default()
}

/// `PLAN/3` for the item `PLAN/3.1.12`.
fn strategic_goal_code(item_code: &str) -> String {
    match item_code.rsplit_once(CODE_SEPARATOR) {
        Some((plan, number)) => {
            let goal = number.split('.').next().unwrap_or(number);
            format!("{plan}{CODE_SEPARATOR}{goal}")
        }
        None => item_code.to_owned(),
    }
}

fn goal_title(lang: Lang, goal: &plan_item::Model) -> String {
    lang.pick(goal.title_uk.as_deref(), goal.title_en.as_deref())
}

#[cfg(test)]
mod tests {
    #[test]
    fn strategic_goal_codes() {
        assert_eq!(
            super::strategic_goal_code("UA-NAP-2021-2025/3.1.12"),
            "UA-NAP-2021-2025/3"
        );
        assert_eq!(
            super::strategic_goal_code("UA-NAP-2021-2025/3"),
            "UA-NAP-2021-2025/3"
        );
    }
}
