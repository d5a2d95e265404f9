//! A small hand-made registry whose coverage and totals can be checked by hand:
//!
//! - national plan `FX-NAP-2021-2025` (approved by act `FX-1`): goals 1 and 2; `1.1` with tasks
//!   `1.1.1` and `1.1.2`; `2.1` with task `2.1.1`;
//! - Lviv (UA-46) regional plan, ADOPTED, approved by act `FX-LV`: its `1` implements national `1`,
//!   its `1.1.1` and `1.1.2` both implement national `1.1.1` (two distinct national items);
//! - Kharkiv (UA-63) regional plan, DRAFT, no act: its `1` implements national `2`;
//! - Dnipropetrovsk (UA-12) and every other region: no plan;
//! - projects P1 (donor A, 1,000.00 UAH, item 1.1.1, UA-46, 2021-2022), P2 (donor A, 500.00 EUR,
//!   items 1.1.1 and 1.1.2, UA-46 and UA-63, 2023-2025), P3 (donor B, 250.50 UAH, items 1 and
//!   2.1.1, UA-12, open dates).

use chrono::{NaiveDate, Utc};
use entity::{
    enums::*, indicator, indicator_value, legal_act, organisation, organisation_identifier, plan, plan_item,
    plan_item_implementation, plan_item_target_group, plan_legal_act, project_dac_purpose, project_link,
    project_participant, project_plan_item, project_region, responsibility,
};
use nap_registry::{
    domain::{ids::stable_id, numbering::ItemNumber},
    reference_data::{Dataset, canonical::canonical_dataset},
};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

pub const NATIONAL: &str = "FX-NAP-2021-2025";
pub const LVIV: &str = "FX-RAP-UA-46";
pub const KHARKIV: &str = "FX-RAP-UA-63";

fn now() -> chrono::DateTime<Utc> {
    chrono::DateTime::<Utc>::UNIX_EPOCH
}

fn org(code: &str) -> Uuid {
    stable_id("organisation", code)
}

fn region(code: &str) -> Uuid {
    stable_id("region", code)
}

fn item_id(plan: &str, number: &str) -> Uuid {
    stable_id("plan-item", &format!("{plan}/{number}"))
}

fn add_plan(
    data: &mut Dataset,
    code: &str,
    level: PlanLevel,
    status: PlanStatus,
    parent: Option<&str>,
    region_code: Option<&str>,
) {
    data.plans.push(plan::Model {
        id: stable_id("plan", code),
        code: code.to_owned(),
        level,
        title_uk: Some(format!("План {code}")),
        title_en: Some(format!("Plan {code}")),
        start_year: 2021,
        end_year: 2025,
        status,
        parent_plan_id: parent.map(|p| stable_id("plan", p)),
        supersedes_id: None,
        region_id: region_code.map(region),
        // Regional plans belong to their region's military administration.
        owner_organisation_id: region_code.map_or_else(
            || org("ministry-of-social-policy"),
            |code| org(&format!("rma-{}", code.to_lowercase())),
        ),
        source_document: Some("Test fixture".to_owned()),
        withdrawn_at: None,
        withdrawal_reason: None,
        created_at: now(),
        updated_at: now(),
        version: 1,
    });
}

fn add_items(data: &mut Dataset, plan: &str, numbers: &[&str]) {
    for number in numbers {
        let parsed = ItemNumber::parse(number).unwrap();
        data.plan_items.push(plan_item::Model {
            id: item_id(plan, number),
            plan_id: stable_id("plan", plan),
            kind: parsed.kind(),
            number: (*number).to_owned(),
            code: parsed.canonical_code(plan),
            sort_key: parsed.sort_key(),
            parent_id: parsed.parent().map(|p| item_id(plan, &p.to_string())),
            title_uk: Some(format!("Пункт {number} плану {plan}")),
            title_en: Some(format!("Item {number} of {plan}")),
            description_uk: None,
            description_en: None,
            status: PlanItemStatus::Active,
            withdrawal_reason: None,
            withdrawn_at: None,
            start_year: Some(2021),
            end_year: Some(2025),
            search_text: String::new(),
            created_at: now(),
            updated_at: now(),
            version: 1,
        });
    }
}

fn add_act(data: &mut Dataset, plan: &str, number: &str) {
    let id = stable_id("legal-act", number);
    data.legal_acts.push(legal_act::Model {
        id,
        issuer_id: org("cabinet-of-ministers"),
        kind: LegalActKind::Order,
        number: number.to_owned(),
        adopted_on: NaiveDate::from_ymd_opt(2021, 3, 1).unwrap(),
        title_uk: None,
        title_en: Some(format!("Act {number}")),
        url: None,
        amends_id: None,
        created_at: now(),
        updated_at: now(),
        version: 1,
    });
    data.plan_legal_acts.push(plan_legal_act::Model {
        id: stable_id("plan-legal-act", number),
        plan_id: stable_id("plan", plan),
        legal_act_id: id,
        role: PlanActRole::Approves,
        created_at: now(),
        updated_at: now(),
        version: 1,
    });
}

fn implements(data: &mut Dataset, regional: (&str, &str), national: &str) {
    let implementing = item_id(regional.0, regional.1);
    let implemented = item_id(NATIONAL, national);
    data.plan_item_implementations
        .push(plan_item_implementation::Model {
            id: stable_id("fixture-implementation", &format!("{implementing}|{implemented}")),
            implementing_item_id: implementing,
            implemented_item_id: implemented,
            created_at: now(),
            updated_at: now(),
            version: 1,
        });
}

fn add_organisation(data: &mut Dataset, code: &str, kind: OrganisationKind, identifier: Option<&str>) {
    data.organisations.push(organisation::Model {
        id: org(code),
        code: code.to_owned(),
        kind,
        name_uk: Some(format!("Організація {code}")),
        name_en: Some(format!("Organisation {code}")),
        region_id: None,
        search_text: String::new(),
        withdrawn_at: None,
        withdrawal_reason: None,
        created_at: now(),
        updated_at: now(),
        version: 1,
    });
    if let Some(identifier) = identifier {
        data.organisation_identifiers
            .push(organisation_identifier::Model {
                id: stable_id("organisation-identifier", identifier),
                organisation_id: org(code),
                scheme: "XM-DAC".to_owned(),
                identifier: identifier.to_owned(),
                created_at: now(),
                updated_at: now(),
                version: 1,
            });
    }
}

struct Project<'a> {
    key: &'a str,
    funder: &'a str,
    cents: i64,
    currency: &'a str,
    items: &'a [&'a str],
    regions: &'a [&'a str],
    dates: Option<(NaiveDate, NaiveDate)>,
}

fn add_project(data: &mut Dataset, p: &Project<'_>) {
    let id = stable_id("project-link", p.key);
    data.project_links.push(project_link::Model {
        id,
        title_uk: Some(format!("Проєкт {}", p.key)),
        title_en: Some(format!("Project {}", p.key)),
        iati_identifier: Some(format!("XM-DAC-99-1-{}", p.key)),
        budget_amount_cents: Some(p.cents),
        budget_currency: Some(p.currency.to_owned()),
        start_date: p.dates.map(|d| d.0),
        end_date: p.dates.map(|d| d.1),
        url: None,
        gender_marker: Some(2),
        owner_organisation_id: org(p.funder),
        search_text: String::new(),
        withdrawn_at: None,
        withdrawal_reason: None,
        created_at: now(),
        updated_at: now(),
        version: 1,
    });
    for (organisation, role) in [
        (p.funder, ParticipantRole::Funding),
        ("fx-ngo", ParticipantRole::Implementing),
    ] {
        data.project_participants.push(project_participant::Model {
            id: stable_id("fixture-participant", &format!("{}|{organisation}", p.key)),
            project_link_id: id,
            organisation_id: org(organisation),
            role,
            created_at: now(),
            updated_at: now(),
            version: 1,
        });
    }
    data.project_dac_purposes.push(project_dac_purpose::Model {
        id: stable_id("fixture-purpose", p.key),
        project_link_id: id,
        code: "15170".to_owned(),
        created_at: now(),
        updated_at: now(),
        version: 1,
    });
    for number in p.items {
        data.project_plan_items.push(project_plan_item::Model {
            id: stable_id("fixture-project-item", &format!("{}|{number}", p.key)),
            project_link_id: id,
            plan_item_id: item_id(NATIONAL, number),
            created_at: now(),
            updated_at: now(),
            version: 1,
        });
    }
    for code in p.regions {
        data.project_regions.push(project_region::Model {
            id: stable_id("fixture-project-region", &format!("{}|{code}", p.key)),
            project_link_id: id,
            region_id: region(code),
            created_at: now(),
            updated_at: now(),
            version: 1,
        });
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Loads the canonical reference data and the fixture.
pub async fn load(db: &DatabaseConnection) {
    canonical_dataset().unwrap().load(db).await.unwrap();
    let mut data = Dataset::default();

    add_organisation(
        &mut data,
        "fx-donor-a",
        OrganisationKind::Donor,
        Some("XM-DAC-99-1"),
    );
    add_organisation(&mut data, "fx-donor-b", OrganisationKind::Donor, None);
    add_organisation(&mut data, "fx-ngo", OrganisationKind::CivilSociety, None);

    add_plan(
        &mut data,
        NATIONAL,
        PlanLevel::National,
        PlanStatus::Adopted,
        None,
        None,
    );
    add_plan(
        &mut data,
        LVIV,
        PlanLevel::Regional,
        PlanStatus::Adopted,
        Some(NATIONAL),
        Some("UA-46"),
    );
    add_plan(
        &mut data,
        KHARKIV,
        PlanLevel::Regional,
        PlanStatus::Draft,
        Some(NATIONAL),
        Some("UA-63"),
    );
    add_act(&mut data, NATIONAL, "FX-1");
    add_act(&mut data, LVIV, "FX-LV");
    add_items(
        &mut data,
        NATIONAL,
        &["1", "1.1", "1.1.1", "1.1.2", "2", "2.1", "2.1.1"],
    );
    add_items(&mut data, LVIV, &["1", "1.1", "1.1.1", "1.1.2"]);
    add_items(&mut data, KHARKIV, &["1"]);
    implements(&mut data, (LVIV, "1"), "1");
    implements(&mut data, (LVIV, "1.1.1"), "1.1.1");
    implements(&mut data, (LVIV, "1.1.2"), "1.1.1");
    implements(&mut data, (KHARKIV, "1"), "2");

    for (number, group) in [
        ("1.1.1", "internally-displaced-persons"),
        ("1.1.1", "veterans"),
        ("2.1.1", "internally-displaced-persons"),
    ] {
        data.plan_item_target_groups.push(plan_item_target_group::Model {
            id: stable_id("fixture-target-group", &format!("{number}|{group}")),
            plan_item_id: item_id(NATIONAL, number),
            target_group_id: stable_id("target-group", group),
            created_at: now(),
            updated_at: now(),
            version: 1,
        });
    }
    for (number, organisation, role) in [
        (
            "1.1.1",
            "ministry-of-social-policy",
            ResponsibilityRole::Responsible,
        ),
        ("1.1.2", "fx-ngo", ResponsibilityRole::CoExecutor),
    ] {
        data.responsibilities.push(responsibility::Model {
            id: stable_id("fixture-responsibility", &format!("{number}|{organisation}")),
            plan_item_id: item_id(NATIONAL, number),
            organisation_id: org(organisation),
            role,
            created_at: now(),
            updated_at: now(),
            version: 1,
        });
    }
    let indicator_id = stable_id("fixture-indicator", "1.1.1/I1");
    data.indicators.push(indicator::Model {
        id: indicator_id,
        plan_item_id: item_id(NATIONAL, "1.1.1"),
        code: "I1".to_owned(),
        sort_key: String::new(),
        name_uk: Some("Частка жінок серед учасників".to_owned()),
        name_en: Some("Share of women among participants".to_owned()),
        unit: "percent".to_owned(),
        direction: IndicatorDirection::Increase,
        sdg_indicator: Some("5.5.1".to_owned()),
        data_source: None,
        search_text: String::new(),
        withdrawn_at: None,
        withdrawal_reason: None,
        created_at: now(),
        updated_at: now(),
        version: 1,
    });
    for (kind, start, end, sex, value) in [
        (IndicatorValueKind::Baseline, 2020, 2020, Sex::Total, 10.0),
        (IndicatorValueKind::Target, 2021, 2025, Sex::Female, 20.0),
    ] {
        data.indicator_values.push(indicator_value::Model {
            id: stable_id("fixture-value", &format!("{}|{start}", kind.as_wire())),
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
            created_at: now(),
            updated_at: now(),
            version: 1,
        });
    }
    for project in [
        Project {
            key: "P1",
            funder: "fx-donor-a",
            cents: 100_000,
            currency: "UAH",
            items: &["1.1.1"],
            regions: &["UA-46"],
            dates: Some((date(2021, 1, 1), date(2022, 12, 31))),
        },
        Project {
            key: "P2",
            funder: "fx-donor-a",
            cents: 50_000,
            currency: "EUR",
            items: &["1.1.1", "1.1.2"],
            regions: &["UA-46", "UA-63"],
            dates: Some((date(2023, 1, 1), date(2025, 12, 31))),
        },
        Project {
            key: "P3",
            funder: "fx-donor-b",
            cents: 25_050,
            currency: "UAH",
            items: &["1", "2.1.1"],
            regions: &["UA-12"],
            dates: None,
        },
    ] {
        add_project(&mut data, &project);
    }
    data.fill_derived_columns();
    data.load(db).await.unwrap();
}
