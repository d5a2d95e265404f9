//! A deterministic synthetic registry for tests and benchmarks: one national plan with its goal
//! tree, indicators and values, organisations, one regional plan per region whose items implement
//! national items, and project links. The same size always gives the same rows and keys, so runs on
//! different machines and backends are comparable. Every code starts with `SYN-` or `syn-`, and the
//! organisation identifiers use the unassigned `ZZ-SYN` scheme, so nothing can be mistaken for
//! real data.

use std::{fmt, str::FromStr};

use entity::enums::OrganisationKind;
use uuid::Uuid;

mod organisations;
mod plans;
mod projects;

use super::dataset::{Dataset, placeholder_time};
use crate::domain::ids::stable_id;

/// Code of the synthetic national plan.
pub const SYNTHETIC_PLAN_CODE: &str = "SYN-NAP-2021-2025";

/// How big a synthetic registry to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntheticSize {
    /// Name used on the command line.
    pub name: &'static str,
    /// Strategic goals of the national plan.
    pub strategic_goals: usize,
    /// Operational goals under each strategic goal.
    pub operational_goals_per_goal: usize,
    /// Tasks under each operational goal.
    pub tasks_per_operational_goal: usize,
    /// Indicators of each task.
    pub indicators_per_task: usize,
    /// Synthetic organisations (the first one per region are its administration).
    pub organisations: usize,
    /// Regional plans (at most one per region).
    pub regional_plans: usize,
    /// Items of each regional plan (at least 6: two goals, four operational goals, then tasks).
    pub items_per_regional_plan: usize,
    /// Project links.
    pub project_links: usize,
}

impl SyntheticSize {
    /// A few dozen rows per table, for fast tests.
    pub const SMALL: Self = Self {
        name: "small",
        strategic_goals: 2,
        operational_goals_per_goal: 2,
        tasks_per_operational_goal: 3,
        indicators_per_task: 2,
        organisations: 40,
        regional_plans: 3,
        items_per_regional_plan: 10,
        project_links: 30,
    };
    /// The benchmark size: 5 goals, 25 operational goals, 250 tasks, 1,000 indicators, 300
    /// organisations, 27 regional plans of 40 items, 5,000 project links.
    pub const MEDIUM: Self = Self {
        name: "medium",
        strategic_goals: 5,
        operational_goals_per_goal: 5,
        tasks_per_operational_goal: 10,
        indicators_per_task: 4,
        organisations: 300,
        regional_plans: 27,
        items_per_regional_plan: 40,
        project_links: 5_000,
    };
    /// Four times the tasks and project links of medium.
    pub const LARGE: Self = Self {
        name: "large",
        strategic_goals: 10,
        operational_goals_per_goal: 5,
        tasks_per_operational_goal: 20,
        indicators_per_task: 4,
        organisations: 1_000,
        regional_plans: 27,
        items_per_regional_plan: 100,
        project_links: 20_000,
    };
    /// Every named size.
    pub const ALL: [Self; 3] = [Self::SMALL, Self::MEDIUM, Self::LARGE];
}

impl FromStr for SyntheticSize {
    type Err = String;
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|size| size.name == name)
            .ok_or_else(|| format!("`{name}` is not a synthetic size (small, medium, large)"))
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
        regional_items: Vec::new(),
    };
    // The steps draw from one random sequence: their order is part of the data.
    build.organisations();
    build.national_plan();
    build.national_tasks();
    build.regional_plans();
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
    national_goals: Vec<Uuid>,
    national_tasks: Vec<Uuid>,
    regional_items: Vec<Uuid>,
}

impl Synthetic {
    /// A random organisation of one of `kinds`, if there is one.
    fn pick_org(&mut self, kinds: &[OrganisationKind]) -> Option<Uuid> {
        let candidates: Vec<Uuid> = self
            .organisations
            .iter()
            .filter(|(kind, _)| kinds.contains(kind))
            .map(|(_, id)| *id)
            .collect();
        (!candidates.is_empty()).then(|| candidates[self.rng.below(candidates.len())])
    }
}

#[cfg(test)]
mod tests {
    use entity::enums::PlanLevel;

    use super::*;
    use crate::reference_data::canonical::canonical_dataset;

    #[test]
    fn medium_has_the_benchmark_shape() {
        let canonical = canonical_dataset().unwrap();
        let data = synthetic_dataset(SyntheticSize::MEDIUM, &canonical);
        let count = |kind| {
            data.plan_items
                .iter()
                .filter(|i| i.plan_id == stable_id("plan", SYNTHETIC_PLAN_CODE) && i.kind == kind)
                .count()
        };
        use entity::enums::PlanItemKind::*;
        assert_eq!(count(StrategicGoal), 5);
        assert_eq!(count(OperationalGoal), 25);
        assert_eq!(count(Task), 250);
        assert_eq!(data.indicators.len(), 1_000);
        assert_eq!(data.organisations.len(), 300);
        assert_eq!(
            data.plans
                .iter()
                .filter(|p| p.level == PlanLevel::Regional)
                .count(),
            27
        );
        assert_eq!(
            data.plan_items
                .iter()
                .filter(|i| i.code.starts_with("SYN-RAP-UA-05-"))
                .count(),
            40
        );
        assert_eq!(data.project_links.len(), 5_000);
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
