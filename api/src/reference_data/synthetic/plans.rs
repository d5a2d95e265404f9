//! The synthetic plans: the national plan's tree with its responsibilities, target groups, funding
//! and indicators (and, at sizes with two, the earlier national plan it supersedes), one regional
//! plan per region whose items implement national items, and local (community) plans whose items
//! implement their region's regional items.

use entity::{
    enums::{
        FundingSource, IndicatorDirection, IndicatorValueKind, OrganisationKind, PlanItemStatus, PlanLevel,
        PlanStatus, ResponsibilityRole, Sex,
    },
    funding_line, indicator, indicator_value, plan, plan_item, plan_item_implementation,
    plan_item_target_group, responsibility,
};
use uuid::Uuid;

use super::{Dataset, SYNTHETIC_EARLIER_PLAN_CODE, SYNTHETIC_PLAN_CODE, Synthetic};
use crate::domain::write::rows::new_row;
use crate::domain::{ids::stable_id, numbering::ItemNumber};

/// First and last year of the synthetic national plan (and of the plans localizing it).
const YEARS: (i32, i32) = (2021, 2025);
/// First and last year of the earlier synthetic national plan.
const EARLIER_YEARS: (i32, i32) = (2016, 2020);

impl Synthetic {
    /// Adds the national plan and its goal tree.
    pub(super) fn national_plan(&mut self) {
        let mut national = synthetic_plan(SYNTHETIC_PLAN_CODE, PlanLevel::National, None, None, self.owner);
        if self.size.national_plans > 1 {
            national.supersedes_id = Some(stable_id("plan", SYNTHETIC_EARLIER_PLAN_CODE));
        }
        self.data.plans.push(national);
        let (goals, tasks) = self.goal_tree(SYNTHETIC_PLAN_CODE, self.national_id, YEARS);
        self.national_goals = goals;
        self.national_tasks = tasks;
    }

    /// Adds, at sizes with two national plans, the earlier national plan (superseded by the
    /// national plan, with the same shape) and its tasks' details.
    pub(super) fn earlier_national_plan(&mut self) {
        if self.size.national_plans < 2 {
            return;
        }
        let mut earlier = synthetic_plan(
            SYNTHETIC_EARLIER_PLAN_CODE,
            PlanLevel::National,
            None,
            None,
            self.owner,
        );
        (earlier.start_year, earlier.end_year) = EARLIER_YEARS;
        earlier.status = PlanStatus::Superseded;
        let plan_id = earlier.id;
        // A plan comes after the plan it supersedes.
        self.data.plans.insert(0, earlier);
        let (_, tasks) = self.goal_tree(SYNTHETIC_EARLIER_PLAN_CODE, plan_id, EARLIER_YEARS);
        self.task_details(&tasks, EARLIER_YEARS);
    }

    /// Adds the goal tree of a national plan; returns its strategic goals and its tasks.
    fn goal_tree(&mut self, code: &str, plan_id: Uuid, years: (i32, i32)) -> (Vec<Uuid>, Vec<Uuid>) {
        let (mut goals, mut tasks) = (Vec::new(), Vec::new());
        for goal in 1..=self.size.strategic_goals {
            goals.push(push_item(&mut self.data, code, plan_id, &goal.to_string(), years));
            for operational in 1..=self.size.operational_goals_per_goal {
                push_item(
                    &mut self.data,
                    code,
                    plan_id,
                    &format!("{goal}.{operational}"),
                    years,
                );
                for task in 1..=self.size.tasks_per_operational_goal {
                    tasks.push(push_item(
                        &mut self.data,
                        code,
                        plan_id,
                        &format!("{goal}.{operational}.{task}"),
                        years,
                    ));
                }
            }
        }
        (goals, tasks)
    }

    /// Adds to every task of the national plan its responsibilities, target groups, funding and
    /// indicators.
    pub(super) fn national_tasks(&mut self) {
        self.task_details(&self.national_tasks.clone(), YEARS);
    }

    /// Adds to every task of a national plan running over `years` its responsibilities, target
    /// groups, funding and indicators with their values.
    fn task_details(&mut self, tasks: &[Uuid], (start_year, end_year): (i32, i32)) {
        let executors = [
            OrganisationKind::CentralAuthority,
            OrganisationKind::SecurityAndDefence,
        ];
        for (task_index, &task_id) in tasks.iter().enumerate() {
            let key = task_id.to_string();
            let responsible = self.pick_org(&executors).unwrap_or(self.owner);
            let co_executor = self.pick_org(&[
                OrganisationKind::LocalSelfGovernment,
                OrganisationKind::CivilSociety,
            ]);
            for (role, organisation_id) in [
                (ResponsibilityRole::Responsible, Some(responsible)),
                (ResponsibilityRole::CoExecutor, co_executor),
            ] {
                if let Some(organisation_id) = organisation_id {
                    self.data.responsibilities.push(new_row!(responsibility::Model {
                        id: stable_id(
                            "responsibility",
                            &format!("{key}|{organisation_id}|{}", role.as_wire()),
                        ),
                        plan_item_id: task_id,
                        organisation_id,
                        role,
                    }));
                }
            }
            if !self.target_groups.is_empty() {
                let count = self.target_groups.len();
                let first = self.rng.below(count);
                let mut chosen = vec![self.target_groups[first]];
                if count > 1 {
                    chosen.push(self.target_groups[(first + 1 + self.rng.below(count - 1)) % count]);
                }
                for target_group_id in chosen {
                    self.data
                        .plan_item_target_groups
                        .push(new_row!(plan_item_target_group::Model {
                            id: stable_id("plan-item-target-group", &format!("{key}|{target_group_id}")),
                            plan_item_id: task_id,
                            target_group_id,
                        }));
                }
            }
            let amount = i64::try_from(self.rng.below(5_000_000) + 10_000).unwrap_or(10_000) * 100;
            self.data.funding_lines.push(new_row!(funding_line::Model {
                id: stable_id("funding-line", &format!("{key}|0")),
                plan_item_id: task_id,
                source: if task_index % 4 == 3 {
                    FundingSource::InternationalAssistance
                } else {
                    FundingSource::StateBudget
                },
                estimated_amount_cents: Some(amount),
                currency: Some("UAH".to_owned()),
                note: None,
            }));
            for number in 1..=self.size.indicators_per_task {
                let indicator_id = stable_id("indicator", &format!("{key}|I{number}"));
                let percent = number % 2 == 1;
                self.data.indicators.push(new_row!(indicator::Model {
                    id: indicator_id,
                    plan_item_id: task_id,
                    code: format!("I{number}"),
                    sort_key: String::new(),
                    name_uk: Some(format!(
                        "Синтетичний показник {number} завдання {}",
                        task_index + 1
                    )),
                    name_en: Some(format!("Synthetic indicator {number} of task {}", task_index + 1)),
                    unit: if percent { "percent" } else { "persons" }.to_owned(),
                    direction: if number % 3 == 0 {
                        IndicatorDirection::Decrease
                    } else {
                        IndicatorDirection::Increase
                    },
                    sdg_indicator: match number % 3 {
                        1 => Some("5.5.1".to_owned()),
                        2 => Some("5.2.2".to_owned()),
                        _ => None,
                    },
                    data_source: Some("Synthetic".to_owned()),
                    withdrawn_at: None,
                    withdrawal_reason: None,
                    search_text: String::new(),
                }));
                let baseline = (self.rng.below(400) as f64) / 10.0;
                let mut values = vec![
                    (
                        IndicatorValueKind::Baseline,
                        start_year - 1,
                        start_year - 1,
                        Sex::Total,
                        baseline,
                    ),
                    (
                        IndicatorValueKind::Target,
                        start_year,
                        end_year,
                        Sex::Total,
                        baseline + 10.0,
                    ),
                ];
                // Actual values climb two points a year; women's one above the total, men's one below.
                for (year, step) in (start_year..).zip(1_i32..).take(self.size.actual_value_years) {
                    let total = baseline + 2.0 * f64::from(step);
                    values.extend([
                        (IndicatorValueKind::Actual, year, year, Sex::Female, total + 1.0),
                        (IndicatorValueKind::Actual, year, year, Sex::Male, total - 1.0),
                        (IndicatorValueKind::Actual, year, year, Sex::Total, total),
                    ]);
                }
                for (kind, start, end, sex, value) in values {
                    self.data.indicator_values.push(new_row!(indicator_value::Model {
                        id: stable_id(
                            "indicator-value",
                            &format!(
                                "{indicator_id}|{}|{start}-{end}|{}",
                                kind.as_wire(),
                                sex.as_wire()
                            ),
                        ),
                        indicator_id,
                        kind,
                        period_start_year: start,
                        period_end_year: end,
                        value,
                        sex,
                        region_id: None,
                        source: None,
                        reported_by_id: None,
                        withdrawn_at: None,
                        withdrawal_reason: None,
                    }));
                }
            }
        }
    }

    /// Adds the regional plans.
    pub(super) fn regional_plans(&mut self) {
        // Regional plans: two goals, four operational goals, then tasks spread over them; each item
        // implements a national item of the same kind.
        for (index, (region_id, region_code)) in self
            .regions
            .clone()
            .iter()
            .take(self.size.regional_plans)
            .enumerate()
        {
            let code = format!("SYN-RAP-{region_code}-2021-2025");
            let owner = self.organisations.get(index).map_or(self.owner, |(_, id)| *id);
            let items = self.size.items_per_regional_plan;
            self.localized_plan(
                &code,
                PlanLevel::Regional,
                *region_id,
                owner,
                items,
                |this, task| {
                    this.regional_tasks[index].push(task);
                    this.rng.pick(&this.national_tasks)
                },
            );
        }
    }

    /// Adds the local (community) plans, given to the regions in turn and owned by local
    /// self-governments. Numbered as regional plans, their tasks implement a task of their region's
    /// regional plan (a national task where the region has none) and their goals a national goal.
    pub(super) fn local_plans(&mut self) {
        let regions = self.regions.clone();
        if regions.is_empty() {
            return;
        }
        for index in 0..self.size.local_plans {
            let region = index % regions.len();
            let (region_id, region_code) = &regions[region];
            let code = format!("SYN-LAP-{region_code}-{:03}-2021-2025", index / regions.len() + 1);
            let owner = self
                .pick_org(&[OrganisationKind::LocalSelfGovernment])
                .unwrap_or(self.owner);
            let items = self.size.items_per_local_plan;
            self.localized_plan(&code, PlanLevel::Local, *region_id, owner, items, |this, _| {
                let pool = if this.regional_tasks[region].is_empty() {
                    &this.national_tasks
                } else {
                    &this.regional_tasks[region]
                };
                this.rng.pick(pool)
            });
        }
    }

    /// Adds plan `code` of `level` for region `region_id`, localizing the national plan, with
    /// `items` items numbered as regional plans: each goal implements a national goal, each task
    /// the item `task_target` draws for it (none for operational goals).
    fn localized_plan(
        &mut self,
        code: &str,
        level: PlanLevel,
        region_id: Uuid,
        owner: Uuid,
        items: usize,
        mut task_target: impl FnMut(&mut Self, Uuid) -> Option<Uuid>,
    ) {
        let plan_id = stable_id("plan", code);
        self.data.plans.push(synthetic_plan(
            code,
            level,
            Some(self.national_id),
            Some(region_id),
            owner,
        ));
        for number in localized_numbers(items) {
            let item_id = push_item(&mut self.data, code, plan_id, &number, YEARS);
            let implemented = if number.matches('.').count() == 2 {
                task_target(self, item_id)
            } else if !number.contains('.') {
                self.rng.pick(&self.national_goals)
            } else {
                None
            };
            self.implements(item_id, implemented);
            self.localized_items.push(item_id);
        }
    }

    /// Records that `item_id` implements `implemented`, if any.
    fn implements(&mut self, item_id: Uuid, implemented: Option<Uuid>) {
        if let Some(implemented_item_id) = implemented {
            self.data
                .plan_item_implementations
                .push(new_row!(plan_item_implementation::Model {
                    id: stable_id(
                        "plan-item-implementation",
                        &format!("{item_id}|{implemented_item_id}"),
                    ),
                    implementing_item_id: item_id,
                    implemented_item_id,
                }));
        }
    }
}

/// The numbers of a regional or local plan of `items` items: two goals, four operational goals,
/// then tasks spread over the operational goals in turn.
fn localized_numbers(items: usize) -> Vec<String> {
    let mut numbers: Vec<String> = ["1", "2", "1.1", "1.2", "2.1", "2.2"].map(str::to_owned).into();
    let task_slots = items.saturating_sub(numbers.len());
    for slot in 0..task_slots {
        let parent = ["1.1", "1.2", "2.1", "2.2"][slot % 4];
        numbers.push(format!("{parent}.{}", slot / 4 + 1));
    }
    numbers
}

fn synthetic_plan(
    code: &str,
    level: PlanLevel,
    parent: Option<Uuid>,
    region_id: Option<Uuid>,
    owner: Uuid,
) -> plan::Model {
    new_row!(plan::Model {
        id: stable_id("plan", code),
        code: code.to_owned(),
        level,
        title_uk: Some(format!("Синтетичний план {code}")),
        title_en: Some(format!("Synthetic plan {code}")),
        start_year: 2021,
        end_year: 2025,
        status: PlanStatus::Adopted,
        parent_plan_id: parent,
        supersedes_id: None,
        region_id,
        owner_organisation_id: owner,
        source_document: Some("Synthetic data for tests and benchmarks".to_owned()),
        withdrawn_at: None,
        withdrawal_reason: None,
    })
}

/// Adds the item numbered `number` (which must be valid) to `plan_code`, running over `years`, and
/// returns its key.
fn push_item(
    data: &mut Dataset,
    plan_code: &str,
    plan_id: Uuid,
    number: &str,
    (start_year, end_year): (i32, i32),
) -> Uuid {
    let Ok(number) = ItemNumber::parse(number) else {
        unreachable!("synthetic numbers are generated valid: {number}")
    };
    let code = number.canonical_code(plan_code);
    let id = stable_id("plan-item", &code);
    data.plan_items.push(new_row!(plan_item::Model {
        id,
        plan_id,
        kind: number.kind(),
        number: number.to_string(),
        sort_key: number.sort_key(),
        parent_id: number
            .parent()
            .map(|parent| stable_id("plan-item", &parent.canonical_code(plan_code))),
        title_uk: Some(format!("Синтетичний пункт {number}")),
        title_en: Some(format!("Synthetic item {number}")),
        description_uk: None,
        description_en: None,
        status: PlanItemStatus::Active,
        withdrawal_reason: None,
        withdrawn_at: None,
        start_year: Some(start_year),
        end_year: Some(end_year),
        code,
        search_text: String::new(),
    }));
    id
}
