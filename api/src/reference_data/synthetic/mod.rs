//! A deterministic synthetic registry for tests and benchmarks: one national plan with its goal
//! tree, indicators and values (at `national` size also the earlier national plan it supersedes),
//! organisations, one regional plan per region whose items implement national items, local
//! (community) plans whose items implement their region's regional items, and project links. The same size always gives the same rows and keys, so runs on
//! different machines and backends are comparable. Every code starts with `SYN-` or `syn-`, and the
//! organisation identifiers use the unassigned `ZZ-SYN` scheme, so nothing can be mistaken for
//! real data.

use std::{collections::HashMap, fmt, str::FromStr};

use entity::enums::OrganisationKind;
use uuid::Uuid;

mod organisations;
mod plans;
mod projects;

use super::dataset::Dataset;
use crate::domain::ids::stable_id;

/// Code of the synthetic national plan.
pub const SYNTHETIC_PLAN_CODE: &str = "SYN-NAP-2021-2025";
/// Code of the earlier synthetic national plan, which [`SYNTHETIC_PLAN_CODE`] supersedes (only at
/// sizes with two national plans).
pub const SYNTHETIC_EARLIER_PLAN_CODE: &str = "SYN-NAP-2016-2020";

/// How big a synthetic registry to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntheticSize {
    /// Name used on the command line.
    pub name: &'static str,
    /// National plans: 1, or 2 with the earlier plan the first one supersedes (same shape).
    pub national_plans: usize,
    /// Strategic goals of the national plan.
    pub strategic_goals: usize,
    /// Operational goals under each strategic goal.
    pub operational_goals_per_goal: usize,
    /// Tasks under each operational goal.
    pub tasks_per_operational_goal: usize,
    /// Indicators of each task.
    pub indicators_per_task: usize,
    /// Years, from the plan's first, with an actual value of each indicator for women, men and in
    /// total (every indicator also has a baseline and a target).
    pub actual_value_years: usize,
    /// Synthetic organisations (the first one per region are its administration).
    pub organisations: usize,
    /// Regional plans (at most one per region).
    pub regional_plans: usize,
    /// Items of each regional plan (at least 6: two goals, four operational goals, then tasks).
    pub items_per_regional_plan: usize,
    /// Local (community) plans, spread over the regions in turn.
    pub local_plans: usize,
    /// Items of each local plan (numbered as those of regional plans).
    pub items_per_local_plan: usize,
    /// Project links.
    pub project_links: usize,
}

impl SyntheticSize {
    /// A few dozen rows per table, for fast tests.
    pub const SMALL: Self = Self {
        name: "small",
        national_plans: 1,
        strategic_goals: 2,
        operational_goals_per_goal: 2,
        tasks_per_operational_goal: 3,
        indicators_per_task: 2,
        actual_value_years: 0,
        organisations: 40,
        regional_plans: 3,
        items_per_regional_plan: 10,
        local_plans: 0,
        items_per_local_plan: 0,
        project_links: 30,
    };
    /// The benchmark size: 5 goals, 25 operational goals, 250 tasks, 1,000 indicators, 300
    /// organisations, 27 regional plans of 40 items, 5,000 project links.
    pub const MEDIUM: Self = Self {
        name: "medium",
        national_plans: 1,
        strategic_goals: 5,
        operational_goals_per_goal: 5,
        tasks_per_operational_goal: 10,
        indicators_per_task: 4,
        actual_value_years: 0,
        organisations: 300,
        regional_plans: 27,
        items_per_regional_plan: 40,
        local_plans: 0,
        items_per_local_plan: 0,
        project_links: 5_000,
    };
    /// Four times the tasks and project links of medium.
    pub const LARGE: Self = Self {
        name: "large",
        national_plans: 1,
        strategic_goals: 10,
        operational_goals_per_goal: 5,
        tasks_per_operational_goal: 20,
        indicators_per_task: 4,
        actual_value_years: 0,
        organisations: 1_000,
        regional_plans: 27,
        items_per_regional_plan: 100,
        local_plans: 0,
        items_per_local_plan: 0,
        project_links: 20_000,
    };
    /// The scale of a whole country (issue 13): 2 national plans of 1,452 items (12 goals, 60
    /// operational goals, 1,380 tasks), 27 regional plans of 200 items, 1,470 local (community)
    /// plans of 25 items, 11,040 indicators with 154,560 values (a baseline, a target, and four
    /// years of actual values for women, men and in total), 3,000 organisations, 50,000 project
    /// links.
    pub const NATIONAL: Self = Self {
        name: "national",
        national_plans: 2,
        strategic_goals: 12,
        operational_goals_per_goal: 5,
        tasks_per_operational_goal: 23,
        indicators_per_task: 4,
        actual_value_years: 4,
        organisations: 3_000,
        regional_plans: 27,
        items_per_regional_plan: 200,
        local_plans: 1_470,
        items_per_local_plan: 25,
        project_links: 50_000,
    };
    /// Every named size.
    pub const ALL: [Self; 4] = [Self::SMALL, Self::MEDIUM, Self::LARGE, Self::NATIONAL];

    /// The names of every size, for help and error messages: `small, medium, large, national`.
    pub fn names() -> String {
        Self::ALL.map(|size| size.name).join(", ")
    }
}

impl FromStr for SyntheticSize {
    type Err = String;
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|size| size.name == name)
            .ok_or_else(|| format!("`{name}` is not a synthetic size ({})", Self::names()))
    }
}

impl fmt::Display for SyntheticSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// SplitMix64: a tiny deterministic generator, so that the data never depends on a crate's version.
struct Sequence(u64);

impl Sequence {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound` > 0).
    fn below(&mut self, bound: usize) -> usize {
        // The modulo bias is irrelevant for test data.
        usize::try_from(self.next() % bound as u64).unwrap_or(0)
    }

    /// One of `pool`, drawn uniformly (`None` for an empty pool, which still takes a draw).
    fn pick<T: Copy>(&mut self, pool: &[T]) -> Option<T> {
        pool.get(self.below(pool.len().max(1))).copied()
    }
}

/// Builds the synthetic rows; `canonical` supplies the regions and target groups they refer to.
pub fn synthetic_dataset(size: SyntheticSize, canonical: &Dataset) -> Dataset {
    let mut build = Synthetic {
        size,
        rng: Sequence(0x1325),
        data: Dataset::default(),
        regions: canonical.regions.iter().map(|r| (r.id, r.code.clone())).collect(),
        target_groups: canonical.target_groups.iter().map(|g| g.id).collect(),
        organisations: Vec::new(),
        owner: stable_id("organisation", "ministry-of-social-policy"),
        national_id: stable_id("plan", SYNTHETIC_PLAN_CODE),
        national_goals: Vec::new(),
        national_tasks: Vec::new(),
        regional_tasks: vec![Vec::new(); canonical.regions.len()],
        localized_items: Vec::new(),
        organisation_pools: HashMap::new(),
    };
    // The steps draw from one random sequence: their order is part of the data. The steps after
    // `regional_plans` draw nothing at sizes without an earlier national plan or local plans.
    build.organisations();
    build.national_plan();
    build.national_tasks();
    build.regional_plans();
    build.earlier_national_plan();
    build.local_plans();
    build.project_links();
    let mut data = build.data;
    data.plan_items
        .sort_by(|a, b| a.sort_key.len().cmp(&b.sort_key.len()).then(a.code.cmp(&b.code)));
    data
}

/// The synthetic registry as it is being built.
struct Synthetic {
    size: SyntheticSize,
    rng: Sequence,
    data: Dataset,
    /// Key and code of every canonical region.
    regions: Vec<(Uuid, String)>,
    /// Keys of the canonical target groups.
    target_groups: Vec<Uuid>,
    /// Kind and key of every synthetic organisation, in order.
    organisations: Vec<(OrganisationKind, Uuid)>,
    /// Owner of the national plan.
    owner: Uuid,
    /// Key of the national plan.
    national_id: Uuid,
    /// Strategic goals of the national plan.
    national_goals: Vec<Uuid>,
    /// Tasks of the national plan.
    national_tasks: Vec<Uuid>,
    /// Tasks of each region's regional plan, in the order of `regions` (empty: no regional plan).
    regional_tasks: Vec<Vec<Uuid>>,
    /// Items of the regional and local plans (project links name some of them).
    localized_items: Vec<Uuid>,
    /// The organisations of each set of kinds `pick_org` was asked for, in order.
    organisation_pools: HashMap<Vec<OrganisationKind>, Vec<Uuid>>,
}

impl Synthetic {
    /// A random organisation of one of `kinds`, if there is one.
    /// (The organisations are all added first: the pools are computed once per set of kinds.)
    fn pick_org(&mut self, kinds: &[OrganisationKind]) -> Option<Uuid> {
        let organisations = &self.organisations;
        let candidates = self.organisation_pools.entry(kinds.to_vec()).or_insert_with(|| {
            organisations
                .iter()
                .filter(|(kind, _)| kinds.contains(kind))
                .map(|(_, id)| *id)
                .collect()
        });
        (!candidates.is_empty()).then(|| candidates[self.rng.below(candidates.len())])
    }
}

#[cfg(test)]
mod tests {
    use entity::enums::PlanLevel;

    use super::*;
    use crate::reference_data::canonical::canonical_dataset;

    /// How many of `rows` pass `keep`.
    fn count<T>(rows: &[T], keep: impl Fn(&T) -> bool) -> usize {
        rows.iter().filter(|row| keep(row)).count()
    }

    #[test]
    fn medium_has_the_benchmark_shape() {
        let canonical = canonical_dataset().unwrap();
        let data = synthetic_dataset(SyntheticSize::MEDIUM, &canonical);
        let national = stable_id("plan", SYNTHETIC_PLAN_CODE);
        let items = |kind| count(&data.plan_items, |i| i.plan_id == national && i.kind == kind);
        use entity::enums::PlanItemKind::*;
        assert_eq!(items(StrategicGoal), 5);
        assert_eq!(items(OperationalGoal), 25);
        assert_eq!(items(Task), 250);
        assert_eq!(data.indicators.len(), 1_000);
        assert_eq!(data.organisations.len(), 300);
        assert_eq!(count(&data.plans, |p| p.level == PlanLevel::Regional), 27);
        assert_eq!(
            count(&data.plan_items, |i| i.code.starts_with("SYN-RAP-UA-05-")),
            40
        );
        assert_eq!(data.project_links.len(), 5_000);
    }

    #[test]
    fn national_has_the_shape_of_a_country() {
        use std::collections::HashMap;

        use entity::enums::{IndicatorValueKind, PlanLevel::*};
        let canonical = canonical_dataset().unwrap();
        let data = synthetic_dataset(SyntheticSize::NATIONAL, &canonical);
        let plans_of = |level| count(&data.plans, |p| p.level == level);
        assert_eq!(
            (plans_of(National), plans_of(Regional), plans_of(Local)),
            (2, 27, 1_470)
        );
        let mut items: HashMap<Uuid, usize> = HashMap::new();
        for item in &data.plan_items {
            *items.entry(item.plan_id).or_default() += 1;
        }
        for plan in &data.plans {
            let expected = match plan.level {
                National => 1_452,
                Regional => 200,
                _ => 25,
            };
            assert_eq!(items[&plan.id], expected, "items of {}", plan.code);
        }
        // A plan comes after the plan it supersedes.
        assert_eq!(data.plans[0].code, SYNTHETIC_EARLIER_PLAN_CODE);
        assert_eq!(data.plans[1].supersedes_id, Some(data.plans[0].id));
        assert_eq!(data.indicators.len(), 11_040);
        assert_eq!(data.indicator_values.len(), 154_560);
        let actual = count(&data.indicator_values, |v| v.kind == IndicatorValueKind::Actual);
        assert_eq!(actual, 11_040 * 12);
        assert_eq!(data.organisations.len(), 3_000);
        assert_eq!(data.project_links.len(), 50_000);
        // A local task implements a task of its region's regional plan.
        let plan_of: HashMap<Uuid, Uuid> = data.plan_items.iter().map(|i| (i.id, i.plan_id)).collect();
        let plans: HashMap<Uuid, &entity::plan::Model> = data.plans.iter().map(|p| (p.id, p)).collect();
        let local_task = data
            .plan_items
            .iter()
            .find(|i| i.code.starts_with("SYN-LAP-") && i.kind == entity::enums::PlanItemKind::Task)
            .unwrap();
        let implemented = data
            .plan_item_implementations
            .iter()
            .find(|link| link.implementing_item_id == local_task.id)
            .unwrap();
        let (local, regional) = (
            plans[&local_task.plan_id],
            plans[&plan_of[&implemented.implemented_item_id]],
        );
        assert_eq!((regional.level, regional.region_id), (Regional, local.region_id));
        // Item codes and keys are unique.
        let codes: std::collections::HashSet<&str> =
            data.plan_items.iter().map(|i| i.code.as_str()).collect();
        assert_eq!(codes.len(), data.plan_items.len());
    }

    #[test]
    fn generation_is_deterministic() {
        let canonical = canonical_dataset().unwrap();
        let a = synthetic_dataset(SyntheticSize::SMALL, &canonical);
        let b = synthetic_dataset(SyntheticSize::SMALL, &canonical);
        assert_eq!(a.project_plan_items, b.project_plan_items);
        assert_eq!(a.indicator_values, b.indicator_values);
    }
}
