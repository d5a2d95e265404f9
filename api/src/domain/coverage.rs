//! Localization coverage: which regions have localized a national plan, and how far. Withdrawn
//! plans and withdrawn items count for nothing; a draft plan is told apart from an adopted one.
//! The re-alignment status of each region comes from the pure rule in `super::alignment`.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use entity::{
    enums::{PlanActRole, PlanItemStatus, PlanLevel, PlanStatus},
    legal_act, plan, plan_item, plan_item_implementation, plan_legal_act, region, region_plan_state,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::alignment::{self, Alignment, RegionalPlan};
use crate::domain::lookup::{rows_among, rows_with};
use crate::error::ApiResult;

/// How far a region has localized a national plan (or an item of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalizationStatus {
    /// A regional plan in force that was adopted (adopted, amended, expired or superseded).
    Adopted,
    /// Only a draft regional plan: not adopted, so not yet a plan of the region.
    Draft,
    /// No regional plan (withdrawn plans count as none).
    NoPlan,
}

impl LocalizationStatus {
    /// The status a region with `plan` (not withdrawn) has.
    pub fn of(plan: &plan::Model) -> Self {
        if plan.status == PlanStatus::Draft {
            Self::Draft
        } else {
            Self::Adopted
        }
    }
}

/// One region's localization of a national plan.
#[derive(Debug, Clone)]
pub struct RegionCoverage {
    /// The region.
    pub region: region::Model,
    /// Adopted, draft or none.
    pub status: LocalizationStatus,
    /// Its regional plan localizing the national plan, if it has one that is not withdrawn: the
    /// most recent adopted one, else the most recent draft.
    pub plan: Option<plan::Model>,
    /// The act approving that plan, if recorded.
    pub approval: Option<legal_act::Model>,
    /// How many distinct live items of the national plan the regional plan's live items implement.
    pub implemented_items: u64,
    /// The recorded state of a region without a plan (no approved plan, or not applicable).
    pub state: Option<region_plan_state::Model>,
    /// The re-alignment status and deadline (see `super::alignment`).
    pub alignment: Alignment,
    /// The latest act approving or amending the national plan: the change that sets the deadline.
    pub national_change: Option<legal_act::Model>,
    /// How many local (community) plans in the region, not withdrawn, localize the national plan.
    pub community_plans: u64,
    /// The localization chain one level down: how many of those community plans have a live item
    /// implementing a live national item, directly or through a live item of the region's
    /// regional plan.
    pub community_implementing_plans: u64,
    /// How many distinct live national items those community plans' live items reach, directly
    /// or through the region's regional plan.
    pub community_implemented_items: u64,
}

/// The acts linked to `plans` with one of `roles`, each with the plan it is linked to.
async fn acts_of(
    db: &impl ConnectionTrait,
    plans: Vec<Uuid>,
    roles: &[PlanActRole],
) -> ApiResult<Vec<(plan_legal_act::Model, legal_act::Model)>> {
    let links: Vec<plan_legal_act::Model> = plan_legal_act::Entity::find()
        .filter(plan_legal_act::Column::PlanId.is_in(plans))
        .filter(plan_legal_act::Column::Role.is_in(roles.iter().copied()))
        .all(db)
        .await?;
    let act_ids = links.iter().map(|a| a.legal_act_id);
    let acts: HashMap<Uuid, legal_act::Model> = rows_among(db, legal_act::Column::Id, act_ids, None)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    Ok(links
        .into_iter()
        .filter_map(|link| {
            let act = acts.get(&link.legal_act_id)?.clone();
            Some((link, act))
        })
        .collect())
}

/// The active items of `plans`, each with its plan.
async fn active_items(db: &impl ConnectionTrait, plans: Vec<Uuid>) -> ApiResult<HashMap<Uuid, Uuid>> {
    Ok(plan_item::Entity::find()
        .select_only()
        .column(plan_item::Column::Id)
        .column(plan_item::Column::PlanId)
        .filter(plan_item::Column::PlanId.is_in(plans))
        .filter(plan_item::Column::Status.eq(PlanItemStatus::Active))
        .into_tuple::<(Uuid, Uuid)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// For a national plan, every region with its regional plan (or none); empty for other levels.
/// Withdrawn regional plans, and those whose repeal is recorded, count as none; a withdrawn or
/// repealed national plan is covered by no region.
/// Runs a fixed number of queries whatever the number of regions and items.
pub async fn plan_coverage(
    db: &impl ConnectionTrait,
    national: &plan::Model,
) -> ApiResult<Vec<RegionCoverage>> {
    if national.level != PlanLevel::National {
        return Ok(Vec::new());
    }
    let regions = region::Entity::find()
        .order_by_asc(region::Column::Code)
        .all(db)
        .await?;
    let mut regional = plan::Entity::find()
        .filter(plan::Column::ParentPlanId.eq(national.id))
        .filter(plan::Column::Level.eq(PlanLevel::Regional))
        .filter(plan::Column::WithdrawnAt.is_null())
        .order_by_desc(plan::Column::StartYear)
        .order_by_desc(plan::Column::Code)
        .all(db)
        .await?;
    // A plan whose repeal is recorded is no longer in force: it counts as none. A repealed (or
    // withdrawn) national plan is localized by no region. One statement, whatever the number.
    let mut candidates: Vec<Uuid> = regional.iter().map(|p| p.id).collect();
    candidates.push(national.id);
    let repealed: HashSet<Uuid> = plan_legal_act::Entity::find()
        .select_only()
        .column(plan_legal_act::Column::PlanId)
        .filter(plan_legal_act::Column::PlanId.is_in(candidates))
        .filter(plan_legal_act::Column::Role.eq(PlanActRole::Repeals))
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let national_in_force = national.withdrawn_at.is_none() && !repealed.contains(&national.id);
    regional.retain(|p| national_in_force && !repealed.contains(&p.id));
    // Keep one plan per region: the most recent adopted one, else the most recent draft.
    regional.sort_by_key(|p| LocalizationStatus::of(p) == LocalizationStatus::Draft);
    let mut seen = HashSet::new();
    regional.retain(|p| p.region_id.is_some_and(|r| seen.insert(r)));
    let plan_ids: Vec<Uuid> = regional.iter().map(|p| p.id).collect();

    let changing = [PlanActRole::Approves, PlanActRole::Amends];
    let regional_acts = acts_of(db, plan_ids.clone(), &changing).await?;
    let national_acts = acts_of(db, vec![national.id], &changing).await?;
    let national_change = national_acts
        .iter()
        .map(|(_, act)| act)
        .max_by_key(|act| (act.adopted_on, act.number.clone()))
        .cloned();
    let national_dates: Vec<NaiveDate> = national_acts.iter().map(|(_, act)| act.adopted_on).collect();
    let states: Vec<region_plan_state::Model> =
        rows_with(db, region_plan_state::Column::PlanId, national.id, None).await?;
    let mut community: Vec<(Uuid, Option<Uuid>)> = plan::Entity::find()
        .select_only()
        .column(plan::Column::Id)
        .column(plan::Column::RegionId)
        .filter(plan::Column::ParentPlanId.eq(national.id))
        .filter(plan::Column::Level.eq(PlanLevel::Local))
        .filter(plan::Column::WithdrawnAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    if !national_in_force {
        community.clear();
    }
    let today = super::calendar::today();

    // (implementing item's plan, implemented national item) pairs.
    let regional_items = active_items(db, plan_ids.clone()).await?;
    let national_items: HashSet<Uuid> = active_items(db, vec![national.id]).await?.into_keys().collect();
    // The live items of the regional plans and of the community plans, and every link they make.
    let community_ids: Vec<Uuid> = community.iter().map(|(id, _)| *id).collect();
    let community_items = active_items(db, community_ids).await?;
    let links: Vec<(Uuid, Uuid)> = plan_item_implementation::Entity::find()
        .select_only()
        .column(plan_item_implementation::Column::ImplementingItemId)
        .column(plan_item_implementation::Column::ImplementedItemId)
        .filter(
            plan_item_implementation::Column::ImplementingItemId.in_subquery(
                sea_orm::QueryTrait::into_query(
                    plan_item::Entity::find()
                        .select_only()
                        .column(plan_item::Column::Id)
                        .filter(
                            plan_item::Column::PlanId.is_in(
                                regional
                                    .iter()
                                    .map(|p| p.id)
                                    .chain(community.iter().map(|(id, _)| *id)),
                            ),
                        ),
                ),
            ),
        )
        .into_tuple()
        .all(db)
        .await?;
    let mut implemented: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    // Regional item -> the national items it implements.
    let mut regional_reach: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    for (implementing, target) in &links {
        if let Some(plan) = regional_items.get(implementing)
            && national_items.contains(target)
        {
            implemented.entry(*plan).or_default().insert(*target);
            regional_reach.entry(*implementing).or_default().insert(*target);
        }
    }
    // Community plan -> the national items its items reach, directly or through a regional item
    // (of the region's regional plan: the link rule allows no other region's).
    let mut community_reach: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    for (implementing, target) in &links {
        let Some(plan) = community_items.get(implementing) else {
            continue;
        };
        let reached = community_reach.entry(*plan).or_default();
        if national_items.contains(target) {
            reached.insert(*target);
        } else if let Some(through) = regional_reach.get(target) {
            reached.extend(through.iter().copied());
        }
    }

    Ok(regions
        .into_iter()
        .map(|region| {
            let plan = regional.iter().find(|p| p.region_id == Some(region.id)).cloned();
            let own_acts: Vec<&(plan_legal_act::Model, legal_act::Model)> = plan
                .as_ref()
                .map(|p| {
                    regional_acts
                        .iter()
                        .filter(|(link, _)| link.plan_id == p.id)
                        .collect()
                })
                .unwrap_or_default();
            let approval = own_acts
                .iter()
                .filter(|(link, _)| link.role == PlanActRole::Approves)
                .map(|(_, act)| act)
                .max_by_key(|act| act.adopted_on)
                .cloned();
            let implemented_items = plan
                .as_ref()
                .and_then(|p| implemented.get(&p.id))
                .map_or(0, |set| set.len() as u64);
            let status = plan
                .as_ref()
                .map_or(LocalizationStatus::NoPlan, LocalizationStatus::of);
            let rule_plan = match status {
                LocalizationStatus::NoPlan => RegionalPlan::None,
                LocalizationStatus::Draft => RegionalPlan::Draft,
                LocalizationStatus::Adopted => {
                    RegionalPlan::Adopted(own_acts.iter().map(|(_, act)| act.adopted_on).collect())
                }
            };
            let state = states.iter().find(|s| s.region_id == region.id).cloned();
            let alignment = alignment::derive(
                &national_dates,
                &rule_plan,
                state.as_ref().map(|s| s.state),
                today,
            );
            let in_region: Vec<Uuid> = community
                .iter()
                .filter(|(_, r)| *r == Some(region.id))
                .map(|(id, _)| *id)
                .collect();
            let community_plans = in_region.len() as u64;
            let reaching: Vec<&HashSet<Uuid>> = in_region
                .iter()
                .filter_map(|id| community_reach.get(id))
                .filter(|set| !set.is_empty())
                .collect();
            let community_implementing_plans = reaching.len() as u64;
            let community_implemented_items =
                reaching.into_iter().flatten().collect::<HashSet<_>>().len() as u64;
            RegionCoverage {
                region,
                status,
                plan,
                approval,
                implemented_items,
                state,
                alignment,
                national_change: national_change.clone(),
                community_plans,
                community_implementing_plans,
                community_implemented_items,
            }
        })
        .collect())
}
