//! A deterministic synthetic registry for tests and benchmarks: one national plan with its goal
//! tree, indicators and values, organisations, one regional plan per region whose items implement
//! national items, and project links. The same size always gives the same rows and keys, so runs on
//! different machines and backends are comparable. Every code starts with `SYN-` or `syn-`, and the
//! organisation identifiers use the unassigned `ZZ-SYN` scheme, so nothing can be mistaken for
//! real data.

use std::{fmt, str::FromStr};

use chrono::NaiveDate;
use entity::{
    enums::{
        FundingSource, IndicatorDirection, IndicatorValueKind, OrganisationKind, ParticipantRole,
        PlanItemStatus, PlanLevel, PlanStatus, ResponsibilityRole, Sex,
    },
    funding_line, indicator, indicator_value, organisation, organisation_identifier, organisation_name, plan,
    plan_item, plan_item_implementation, plan_item_target_group, project_dac_purpose, project_link,
    project_participant, project_plan_item, project_region, responsibility,
};
use uuid::Uuid;

use super::dataset::{Dataset, placeholder_time};
use crate::domain::{ids::stable_id, numbering::ItemNumber};

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
    let t = placeholder_time();
    let mut rng = Sequence(0x1325);
    let mut data = Dataset::default();
    let regions: Vec<(Uuid, String)> = canonical.regions.iter().map(|r| (r.id, r.code.clone())).collect();
    let target_groups: Vec<Uuid> = canonical.target_groups.iter().map(|g| g.id).collect();

    // Organisations: one administration per region first, then a rotation of kinds.
    let rotation = [
        OrganisationKind::CentralAuthority,
        OrganisationKind::CivilSociety,
        OrganisationKind::Donor,
        OrganisationKind::InternationalOrganisation,
        OrganisationKind::LocalSelfGovernment,
        OrganisationKind::SecurityAndDefence,
        OrganisationKind::Academic,
    ];
    let mut organisations_by_kind: Vec<(OrganisationKind, Uuid)> = Vec::new();
    for index in 0..size.organisations {
        let code = format!("syn-org-{:04}", index + 1);
        let id = stable_id("organisation", &code);
        let (kind, region_id) = match regions.get(index) {
            Some((region_id, _)) if index < size.regional_plans => {
                (OrganisationKind::RegionalAdministration, Some(*region_id))
            }
            _ => (rotation[index % rotation.len()], None),
        };
        organisations_by_kind.push((kind, id));
        let identifier = format!("ZZ-SYN-{:06}", index + 1);
        data.organisation_identifiers
            .push(organisation_identifier::Model {
                id: stable_id("organisation-identifier", &identifier),
                organisation_id: id,
                scheme: "ZZ-SYN".to_owned(),
                identifier,
                created_at: t,
                updated_at: t,
                version: 1,
            });
        let name_uk = format!("Синтетична організація {}", index + 1);
        let name_en = format!("Synthetic organisation {}", index + 1);
        data.organisation_names.push(organisation_name::Model {
            id: stable_id("organisation-name", &format!("{code}#0")),
            organisation_id: id,
            name_uk: Some(name_uk.clone()),
            name_en: Some(name_en.clone()),
            valid_from: None,
            valid_until: None,
            created_at: t,
            updated_at: t,
            version: 1,
        });
        data.organisations.push(organisation::Model {
            id,
            code,
            kind,
            name_uk: Some(name_uk),
            name_en: Some(name_en),
            region_id,
            withdrawn_at: None,
            withdrawal_reason: None,
            created_at: t,
            updated_at: t,
            version: 1,
            search_text: String::new(),
        });
    }
    let pick_org = |rng: &mut Sequence, kinds: &[OrganisationKind]| -> Option<Uuid> {
        let candidates: Vec<Uuid> = organisations_by_kind
            .iter()
            .filter(|(kind, _)| kinds.contains(kind))
            .map(|(_, id)| *id)
            .collect();
        (!candidates.is_empty()).then(|| candidates[rng.below(candidates.len())])
    };
    let owner = stable_id("organisation", "ministry-of-social-policy");

    // The national plan and its tree.
    let national_id = stable_id("plan", SYNTHETIC_PLAN_CODE);
    data.plans.push(synthetic_plan(
        SYNTHETIC_PLAN_CODE,
        PlanLevel::National,
        None,
        None,
        owner,
    ));
    let mut national_tasks = Vec::new();
    let mut national_goals = Vec::new();
    for goal in 1..=size.strategic_goals {
        national_goals.push(push_item(
            &mut data,
            SYNTHETIC_PLAN_CODE,
            national_id,
            &goal.to_string(),
        ));
        for operational in 1..=size.operational_goals_per_goal {
            push_item(
                &mut data,
                SYNTHETIC_PLAN_CODE,
                national_id,
                &format!("{goal}.{operational}"),
            );
            for task in 1..=size.tasks_per_operational_goal {
                let task_id = push_item(
                    &mut data,
                    SYNTHETIC_PLAN_CODE,
                    national_id,
                    &format!("{goal}.{operational}.{task}"),
                );
                national_tasks.push(task_id);
            }
        }
    }
    let executors = [
        OrganisationKind::CentralAuthority,
        OrganisationKind::SecurityAndDefence,
    ];
    for (task_index, task_id) in national_tasks.iter().copied().enumerate() {
        let key = task_id.to_string();
        let responsible = pick_org(&mut rng, &executors).unwrap_or(owner);
        let co_executor = pick_org(
            &mut rng,
            &[
                OrganisationKind::LocalSelfGovernment,
                OrganisationKind::CivilSociety,
            ],
        );
        for (role, organisation_id) in [
            (ResponsibilityRole::Responsible, Some(responsible)),
            (ResponsibilityRole::CoExecutor, co_executor),
        ] {
            if let Some(organisation_id) = organisation_id {
                data.responsibilities.push(responsibility::Model {
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
        if !target_groups.is_empty() {
            let count = target_groups.len();
            let first = rng.below(count);
            let mut chosen = vec![target_groups[first]];
            if count > 1 {
                chosen.push(target_groups[(first + 1 + rng.below(count - 1)) % count]);
            }
            for target_group_id in chosen {
                data.plan_item_target_groups.push(plan_item_target_group::Model {
                    id: stable_id("plan-item-target-group", &format!("{key}|{target_group_id}")),
                    plan_item_id: task_id,
                    target_group_id,
                    created_at: t,
                    updated_at: t,
                    version: 1,
                });
            }
        }
        let amount = i64::try_from(rng.below(5_000_000) + 10_000).unwrap_or(10_000) * 100;
        data.funding_lines.push(funding_line::Model {
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
        for number in 1..=size.indicators_per_task {
            let indicator_id = stable_id("indicator", &format!("{key}|I{number}"));
            let percent = number % 2 == 1;
            data.indicators.push(indicator::Model {
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
            let baseline = (rng.below(400) as f64) / 10.0;
            for (kind, start, end, value) in [
                (IndicatorValueKind::Baseline, 2020, 2020, baseline),
                (IndicatorValueKind::Target, 2021, 2025, baseline + 10.0),
            ] {
                data.indicator_values.push(indicator_value::Model {
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

    // Regional plans: two goals, four operational goals, then tasks spread over them; each item
    // implements a national item of the same kind.
    let mut regional_items = Vec::new();
    for (index, (region_id, region_code)) in regions.iter().take(size.regional_plans).enumerate() {
        let code = format!("SYN-RAP-{region_code}-2021-2025");
        let plan_id = stable_id("plan", &code);
        let owner = organisations_by_kind.get(index).map_or(owner, |(_, id)| *id);
        data.plans.push(synthetic_plan(
            &code,
            PlanLevel::Regional,
            Some(national_id),
            Some(*region_id),
            owner,
        ));
        let mut numbers = vec!["1".to_owned(), "2".to_owned()];
        numbers.extend(["1.1", "1.2", "2.1", "2.2"].map(str::to_owned));
        let task_slots = size.items_per_regional_plan.saturating_sub(numbers.len());
        for slot in 0..task_slots {
            let parent = ["1.1", "1.2", "2.1", "2.2"][slot % 4];
            numbers.push(format!("{parent}.{}", slot / 4 + 1));
        }
        for number in numbers {
            let item_id = push_item(&mut data, &code, plan_id, &number);
            let implemented = if number.matches('.').count() == 2 {
                national_tasks
                    .get(rng.below(national_tasks.len().max(1)))
                    .copied()
            } else if !number.contains('.') {
                national_goals
                    .get(rng.below(national_goals.len().max(1)))
                    .copied()
            } else {
                None
            };
            if let Some(implemented_item_id) = implemented {
                data.plan_item_implementations
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
            regional_items.push(item_id);
        }
    }

    // Project links: a funder and an implementer, one to three items, one or two regions.
    let currencies = ["UAH", "EUR", "USD"];
    let purposes = ["15170", "15180", "15220"];
    for index in 0..size.project_links {
        let iati = format!("ZZ-SYN-{:06}-P{:05}", index % 97 + 1, index + 1);
        let id = stable_id("project-link", &iati);
        let funder = pick_org(
            &mut rng,
            &[
                OrganisationKind::Donor,
                OrganisationKind::InternationalOrganisation,
            ],
        )
        .unwrap_or(owner);
        let implementer = pick_org(&mut rng, &[OrganisationKind::CivilSociety]).unwrap_or(funder);
        let start_year = 2021 + i32::try_from(index % 4).unwrap_or(0);
        data.project_links.push(project_link::Model {
            id,
            title_uk: Some(format!("Синтетичний проєкт {}", index + 1)),
            title_en: Some(format!("Synthetic project {}", index + 1)),
            iati_identifier: Some(iati),
            budget_amount_cents: Some(i64::try_from(rng.below(2_000_000) + 5_000).unwrap_or(5_000) * 100),
            budget_currency: Some(currencies[index % currencies.len()].to_owned()),
            start_date: NaiveDate::from_ymd_opt(start_year, 1, 1),
            end_date: NaiveDate::from_ymd_opt(start_year + 2, 12, 31),
            url: None,
            gender_marker: Some(i16::try_from(index % 3).unwrap_or(0)),
            owner_organisation_id: funder,
            withdrawn_at: None,
            withdrawal_reason: None,
            created_at: t,
            updated_at: t,
            version: 1,
            search_text: String::new(),
        });
        for (role, organisation_id) in [
            (ParticipantRole::Funding, funder),
            (ParticipantRole::Implementing, implementer),
        ] {
            data.project_participants.push(project_participant::Model {
                id: stable_id(
                    "project-participant",
                    &format!("{id}|{organisation_id}|{}", role.as_wire()),
                ),
                project_link_id: id,
                organisation_id,
                role,
                created_at: t,
                updated_at: t,
                version: 1,
            });
        }
        let purpose = purposes[index % purposes.len()];
        data.project_dac_purposes.push(project_dac_purpose::Model {
            id: stable_id("project-dac-purpose", &format!("{id}|{purpose}")),
            project_link_id: id,
            code: purpose.to_owned(),
            created_at: t,
            updated_at: t,
            version: 1,
        });
        let mut linked = Vec::new();
        for _ in 0..=rng.below(3) {
            let pool = if rng.below(4) == 0 && !regional_items.is_empty() {
                &regional_items
            } else {
                &national_tasks
            };
            if let Some(item) = pool.get(rng.below(pool.len().max(1))).copied()
                && !linked.contains(&item)
            {
                linked.push(item);
            }
        }
        for plan_item_id in linked {
            data.project_plan_items.push(project_plan_item::Model {
                id: stable_id("project-plan-item", &format!("{id}|{plan_item_id}")),
                project_link_id: id,
                plan_item_id,
                created_at: t,
                updated_at: t,
                version: 1,
            });
        }
        let mut project_regions = Vec::new();
        for _ in 0..=rng.below(2) {
            if let Some((region_id, _)) = regions.get(rng.below(regions.len().max(1)))
                && !project_regions.contains(region_id)
            {
                project_regions.push(*region_id);
            }
        }
        for region_id in project_regions {
            data.project_regions.push(project_region::Model {
                id: stable_id("project-region", &format!("{id}|{region_id}")),
                project_link_id: id,
                region_id,
                created_at: t,
                updated_at: t,
                version: 1,
            });
        }
    }
    data.plan_items
        .sort_by(|a, b| a.sort_key.len().cmp(&b.sort_key.len()).then(a.code.cmp(&b.code)));
    data
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

#[cfg(test)]
mod tests {
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
