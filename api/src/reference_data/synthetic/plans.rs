//! The synthetic plans: the national plan's tree with its responsibilities, target groups, funding
//! and indicators, and one regional plan per region whose items implement national items.

use entity::{
    enums::{
        FundingSource, IndicatorDirection, IndicatorValueKind, OrganisationKind, PlanItemStatus, PlanLevel,
        PlanStatus, ResponsibilityRole, Sex,
    },
    funding_line, indicator, indicator_value, plan, plan_item, plan_item_implementation,
    plan_item_target_group, responsibility,
};
use uuid::Uuid;

use super::{Dataset, SYNTHETIC_PLAN_CODE, Synthetic, placeholder_time};
use crate::domain::{ids::stable_id, numbering::ItemNumber};

impl Synthetic {
    /// Adds the national plan and its goal tree.
    pub(super) fn national_plan(&mut self) {
        self.data.plans.push(synthetic_plan(
            SYNTHETIC_PLAN_CODE,
            PlanLevel::National,
            None,
            None,
            self.owner,
        ));
        for goal in 1..=self.size.strategic_goals {
            self.national_goals.push(push_item(
                &mut self.data,
                SYNTHETIC_PLAN_CODE,
                self.national_id,
                &goal.to_string(),
            ));
            for operational in 1..=self.size.operational_goals_per_goal {
                push_item(
                    &mut self.data,
                    SYNTHETIC_PLAN_CODE,
                    self.national_id,
                    &format!("{goal}.{operational}"),
                );
                for task in 1..=self.size.tasks_per_operational_goal {
                    let task_id = push_item(
                        &mut self.data,
                        SYNTHETIC_PLAN_CODE,
                        self.national_id,
                        &format!("{goal}.{operational}.{task}"),
                    );
                    self.national_tasks.push(task_id);
                }
            }
        }
    }

    /// Adds to every national task its responsibilities, target groups, funding and indicators.
    pub(super) fn national_tasks(&mut self) {
        let t = placeholder_time();
        let executors = [
            OrganisationKind::CentralAuthority,
            OrganisationKind::SecurityAndDefence,
        ];
        for (task_index, task_id) in self.national_tasks.clone().into_iter().enumerate() {
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
                    self.data.responsibilities.push(responsibility::Model {
                        id: stable_id(
                            "responsibility",
                            &format!("{key}|{organisation_id}|{}", role.as_wire()),
                        ),
                        plan_item_id: task_id,
                        organisation_id,
                        role,
                        created_at: t,
                        updated_at: t,
                        version: 1,
                    });
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
                        .push(plan_item_target_group::Model {
                            id: stable_id("plan-item-target-group", &format!("{key}|{target_group_id}")),
                            plan_item_id: task_id,
                            target_group_id,
                            created_at: t,
                            updated_at: t,
                            version: 1,
                        });
                }
            }
            let amount = i64::try_from(self.rng.below(5_000_000) + 10_000).unwrap_or(10_000) * 100;
            self.data.funding_lines.push(funding_line::Model {
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
                created_at: t,
                updated_at: t,
                version: 1,
            });
            for number in 1..=self.size.indicators_per_task {
                let indicator_id = stable_id("indicator", &format!("{key}|I{number}"));
                let percent = number % 2 == 1;
                self.data.indicators.push(indicator::Model {
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
                    created_at: t,
                    updated_at: t,
                    version: 1,
                    search_text: String::new(),
                });
                let baseline = (self.rng.below(400) as f64) / 10.0;
                for (kind, start, end, value) in [
                    (IndicatorValueKind::Baseline, 2020, 2020, baseline),
                    (IndicatorValueKind::Target, 2021, 2025, baseline + 10.0),
                ] {
                    self.data.indicator_values.push(indicator_value::Model {
                        id: stable_id(
                            "indicator-value",
                            &format!("{indicator_id}|{}|{start}-{end}|T", kind.as_wire()),
                        ),
                        indicator_id,
                        kind,
                        period_start_year: start,
                        period_end_year: end,
                        value,
                        sex: Sex::Total,
                        region_id: None,
                        source: None,
                        reported_by_id: None,
                        withdrawn_at: None,
                        withdrawal_reason: None,
                        created_at: t,
                        updated_at: t,
                        version: 1,
                    });
                }
            }
        }
    }

    /// Adds the regional plans.
    pub(super) fn regional_plans(&mut self) {
        let t = placeholder_time();
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
            let plan_id = stable_id("plan", &code);
            let owner = self.organisations.get(index).map_or(self.owner, |(_, id)| *id);
            self.data.plans.push(synthetic_plan(
                &code,
                PlanLevel::Regional,
                Some(self.national_id),
                Some(*region_id),
                owner,
            ));
            let mut numbers = vec!["1".to_owned(), "2".to_owned()];
            numbers.extend(["1.1", "1.2", "2.1", "2.2"].map(str::to_owned));
            let task_slots = self.size.items_per_regional_plan.saturating_sub(numbers.len());
            for slot in 0..task_slots {
                let parent = ["1.1", "1.2", "2.1", "2.2"][slot % 4];
                numbers.push(format!("{parent}.{}", slot / 4 + 1));
            }
            for number in numbers {
                let item_id = push_item(&mut self.data, &code, plan_id, &number);
                let implemented = if number.matches('.').count() == 2 {
                    self.national_tasks
                        .get(self.rng.below(self.national_tasks.len().max(1)))
                        .copied()
                } else if !number.contains('.') {
                    self.national_goals
                        .get(self.rng.below(self.national_goals.len().max(1)))
                        .copied()
                } else {
                    None
                };
                if let Some(implemented_item_id) = implemented {
                    self.data
                        .plan_item_implementations
                        .push(plan_item_implementation::Model {
                            id: stable_id(
                                "plan-item-implementation",
                                &format!("{item_id}|{implemented_item_id}"),
                            ),
                            implementing_item_id: item_id,
                            implemented_item_id,
                            created_at: t,
                            updated_at: t,
                            version: 1,
                        });
                }
                self.regional_items.push(item_id);
            }
        }
    }
}

fn synthetic_plan(
    code: &str,
    level: PlanLevel,
    parent: Option<Uuid>,
    region_id: Option<Uuid>,
    owner: Uuid,
) -> plan::Model {
    let t = placeholder_time();
    plan::Model {
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
        created_at: t,
        updated_at: t,
        version: 1,
    }
}

/// Adds the item numbered `number` (which must be valid) to `plan_code` and returns its key.
fn push_item(data: &mut Dataset, plan_code: &str, plan_id: Uuid, number: &str) -> Uuid {
    let t = placeholder_time();
    let Ok(number) = ItemNumber::parse(number) else {
        unreachable!("synthetic numbers are generated valid: {number}")
    };
    let code = number.canonical_code(plan_code);
    let id = stable_id("plan-item", &code);
    data.plan_items.push(plan_item::Model {
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
        start_year: Some(2021),
        end_year: Some(2025),
        code,
        created_at: t,
        updated_at: t,
        version: 1,
        search_text: String::new(),
    });
    id
}
