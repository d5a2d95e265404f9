//! Loading the canonical reference data and the synthetic registry: the content is right, a
//! second load changes nothing, and a failed load leaves nothing behind.

use entity::{
    enums::{OrganisationKind, PlanActRole, PlanItemKind, PlanStatus, RegionKind},
    prelude::*,
};
use nap_registry::reference_data::{self, Dataset, SyntheticSize};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::common::{TestApp, dump};

/// The 27 subdivisions of ISO 3166-2:UA, independent of the project's data file.
const ISO_3166_2_UA: [(&str, &str, &str); 27] = [
    ("UA-05", "Вінницька область", "Vinnytsia"),
    ("UA-07", "Волинська область", "Volyn"),
    ("UA-09", "Луганська область", "Luhansk"),
    ("UA-12", "Дніпропетровська область", "Dnipropetrovsk"),
    ("UA-14", "Донецька область", "Donetsk"),
    ("UA-18", "Житомирська область", "Zhytomyr"),
    ("UA-21", "Закарпатська область", "Zakarpattia"),
    ("UA-23", "Запорізька область", "Zaporizhzhia"),
    ("UA-26", "Івано-Франківська область", "Ivano-Frankivsk"),
    ("UA-30", "Київ", "Kyiv City"),
    ("UA-32", "Київська область", "Kyiv Oblast"),
    ("UA-35", "Кіровоградська область", "Kirovohrad"),
    ("UA-40", "Севастополь", "Sevastopol"),
    ("UA-43", "Автономна Республіка Крим", "Crimea"),
    ("UA-46", "Львівська область", "Lviv"),
    ("UA-48", "Миколаївська область", "Mykolaiv"),
    ("UA-51", "Одеська область", "Odesa"),
    ("UA-53", "Полтавська область", "Poltava"),
    ("UA-56", "Рівненська область", "Rivne"),
    ("UA-59", "Сумська область", "Sumy"),
    ("UA-61", "Тернопільська область", "Ternopil"),
    ("UA-63", "Харківська область", "Kharkiv"),
    ("UA-65", "Херсонська область", "Kherson"),
    ("UA-68", "Хмельницька область", "Khmelnytskyi"),
    ("UA-71", "Черкаська область", "Cherkasy"),
    ("UA-74", "Чернігівська область", "Chernihiv"),
    ("UA-77", "Чернівецька область", "Chernivtsi"),
];

#[tokio::test]
async fn seed_loads_every_region_with_its_iso_code_and_names() {
    let app = TestApp::seeded().await;
    let regions = Region::find()
        .order_by_asc(entity::region::Column::Code)
        .all(&app.db)
        .await
        .unwrap();
    let loaded: Vec<(&str, &str, &str)> = regions
        .iter()
        .map(|r| (r.code.as_str(), r.name_uk.as_str(), r.name_en.as_str()))
        .collect();
    assert_eq!(loaded, ISO_3166_2_UA.to_vec());
    let kind = |code: &str| regions.iter().find(|r| r.code == code).unwrap().kind;
    assert_eq!(kind("UA-30"), RegionKind::City);
    assert_eq!(kind("UA-40"), RegionKind::City);
    assert_eq!(kind("UA-43"), RegionKind::AutonomousRepublic);
    assert_eq!(
        regions.iter().filter(|r| r.kind == RegionKind::Oblast).count(),
        24
    );
}

#[tokio::test]
async fn seed_twice_changes_nothing() {
    let app = TestApp::migrated().await;
    let first = reference_data::load_canonical(&app.db).await.unwrap();
    assert!(!first.changed_nothing());
    let before = dump(&app.db).await;
    let second = reference_data::load_canonical(&app.db).await.unwrap();
    assert!(second.changed_nothing(), "second load changed rows:\n{second}");
    assert_eq!(dump(&app.db).await, before, "the second load changed stored rows");
}

#[tokio::test]
async fn synthetic_seed_twice_changes_nothing() {
    let app = TestApp::migrated().await;
    reference_data::load_synthetic(&app.db, SyntheticSize::SMALL)
        .await
        .unwrap();
    let before = dump(&app.db).await;
    let second = reference_data::load_synthetic(&app.db, SyntheticSize::SMALL)
        .await
        .unwrap();
    assert!(second.changed_nothing(), "second load changed rows:\n{second}");
    assert_eq!(dump(&app.db).await, before);
}

#[tokio::test]
async fn seed_updates_a_row_whose_shipped_content_changed_and_bumps_its_version() {
    let app = TestApp::seeded().await;
    let region = Region::find()
        .filter(entity::region::Column::Code.eq("UA-12"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut shipped = reference_data::canonical::canonical_dataset().unwrap();
    let changed = shipped.regions.iter_mut().find(|r| r.code == "UA-12").unwrap();
    changed.name_en = "Changed in the files".to_owned();

    let report = shipped.load(&app.db).await.unwrap();
    let regions = report.tables.iter().find(|t| t.table == "regions").unwrap();
    assert_eq!((regions.inserted, regions.updated, regions.unchanged), (0, 1, 26));
    let updated = Region::find_by_id(region.id).one(&app.db).await.unwrap().unwrap();
    assert_eq!(updated.name_en, "Changed in the files");
    assert_eq!(updated.version, region.version + 1);
    assert_eq!(updated.created_at, region.created_at);
}

#[tokio::test]
async fn a_failed_load_changes_nothing() {
    let app = TestApp::seeded().await;
    let before = dump(&app.db).await;
    let mut dataset: Dataset = reference_data::canonical::canonical_dataset().unwrap();
    // A new plan item whose plan does not exist: the foreign key fails after other rows were written.
    let mut orphan = dataset.plan_items[0].clone();
    orphan.id = uuid::Uuid::new_v4();
    orphan.plan_id = uuid::Uuid::new_v4();
    orphan.code = "NOWHERE/1".to_owned();
    dataset.regions[0].name_en = "Changed before the failure".to_owned();
    dataset.plan_items.push(orphan);
    assert!(dataset.load(&app.db).await.is_err());
    assert_eq!(dump(&app.db).await, before, "a failed load left changes behind");
}

#[tokio::test]
async fn seed_loads_the_national_plans_with_their_acts_and_goals() {
    let app = TestApp::seeded().await;
    let plan = |code: &'static str| {
        let db = app.db.clone();
        async move {
            Plan::find()
                .filter(entity::plan::Column::Code.eq(code))
                .one(&db)
                .await
                .unwrap()
                .unwrap()
        }
    };
    let nap2 = plan("UA-NAP-2021-2025").await;
    assert_eq!((nap2.start_year, nap2.end_year), (2021, 2025));
    assert!(
        nap2.source_document
            .as_deref()
            .unwrap_or_default()
            .contains("1544-r")
    );
    let goals = PlanItem::find()
        .filter(entity::plan_item::Column::PlanId.eq(nap2.id))
        .order_by_asc(entity::plan_item::Column::SortKey)
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(
        goals.iter().map(|g| g.code.as_str()).collect::<Vec<_>>(),
        [
            "UA-NAP-2021-2025/1",
            "UA-NAP-2021-2025/2",
            "UA-NAP-2021-2025/3",
            "UA-NAP-2021-2025/4",
            "UA-NAP-2021-2025/5"
        ]
    );
    assert!(
        goals
            .iter()
            .all(|g| g.kind == PlanItemKind::StrategicGoal && g.parent_id.is_none())
    );
    assert!(
        goals[0]
            .title_en
            .as_deref()
            .unwrap()
            .starts_with("Women and men take equal part in decision-making")
    );
    assert_eq!(
        goals[0].title_uk, None,
        "an unknown official wording is left empty"
    );

    let links = PlanLegalAct::find()
        .filter(entity::plan_legal_act::Column::PlanId.eq(nap2.id))
        .all(&app.db)
        .await
        .unwrap();
    let acts = LegalAct::find().all(&app.db).await.unwrap();
    let act = |role| {
        let link = links.iter().find(|l| l.role == role).unwrap();
        acts.iter().find(|a| a.id == link.legal_act_id).unwrap()
    };
    let approval = act(PlanActRole::Approves);
    let amendment = act(PlanActRole::Amends);
    assert_eq!(
        (approval.number.as_str(), approval.adopted_on.to_string().as_str()),
        ("1544-r", "2020-10-28")
    );
    assert_eq!(
        (amendment.number.as_str(), amendment.amends_id),
        ("1150-r", Some(approval.id))
    );

    let nap3 = plan("UA-NAP-2026-2030").await;
    assert_eq!(nap3.status, PlanStatus::Draft);
    assert_eq!(nap3.supersedes_id, Some(nap2.id));
    let priorities = PlanItem::find()
        .filter(entity::plan_item::Column::PlanId.eq(nap3.id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(priorities.len(), 4);
}

#[tokio::test]
async fn seed_loads_target_groups_in_both_languages_and_the_administrations() {
    let app = TestApp::seeded().await;
    let groups = TargetGroup::find().all(&app.db).await.unwrap();
    assert_eq!(groups.len(), 19);
    assert!(
        groups
            .iter()
            .all(|g| g.label_uk.is_some() && g.label_en.is_some())
    );
    let idp = groups
        .iter()
        .find(|g| g.code == "internally-displaced-persons")
        .unwrap();
    assert_eq!(idp.label_uk.as_deref(), Some("Внутрішньо переміщені особи"));

    let administrations = Organisation::find()
        .filter(entity::organisation::Column::Kind.eq(OrganisationKind::RegionalAdministration))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(administrations.len(), 25, "24 oblasts and Kyiv city");
    let regions = Region::find().all(&app.db).await.unwrap();
    let region_of =
        |o: &entity::organisation::Model| regions.iter().find(|r| Some(r.id) == o.region_id).unwrap();
    let mut covered: Vec<&str> = administrations
        .iter()
        .map(|o| region_of(o).code.as_str())
        .collect();
    covered.sort_unstable();
    let expected: Vec<&str> = ISO_3166_2_UA
        .iter()
        .map(|(code, ..)| *code)
        .filter(|code| !["UA-40", "UA-43"].contains(code))
        .collect();
    assert_eq!(covered, expected);

    let ministry = Organisation::find()
        .filter(entity::organisation::Column::Code.eq("ministry-of-social-policy"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let names = OrganisationName::find()
        .filter(entity::organisation_name::Column::OrganisationId.eq(ministry.id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(names.len(), 2, "the 2025 renaming is kept as name history");
}

#[tokio::test]
async fn synthetic_medium_loads_the_benchmark_dataset() {
    use sea_orm::PaginatorTrait;
    let app = TestApp::migrated().await;
    reference_data::load_synthetic(&app.db, SyntheticSize::MEDIUM)
        .await
        .unwrap();
    let synthetic_plan = Plan::find()
        .filter(entity::plan::Column::Code.eq(reference_data::synthetic::SYNTHETIC_PLAN_CODE))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let tasks = PlanItem::find()
        .filter(entity::plan_item::Column::PlanId.eq(synthetic_plan.id))
        .filter(entity::plan_item::Column::Kind.eq(PlanItemKind::Task))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(tasks, 250);
    assert_eq!(Indicator::find().count(&app.db).await.unwrap(), 1_000);
    assert_eq!(ProjectLink::find().count(&app.db).await.unwrap(), 5_000);
    assert_eq!(
        Plan::find()
            .filter(entity::plan::Column::ParentPlanId.eq(synthetic_plan.id))
            .count(&app.db)
            .await
            .unwrap(),
        27
    );
}
