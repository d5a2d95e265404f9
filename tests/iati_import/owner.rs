//! `import iati` without `--org`: each activity's link belongs to the registry organisation its
//! `<reporting-org ref>` names; an activity whose reporting organisation is missing or unknown is
//! refused on its own, naming `reporting-org/@ref`.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{Registry, activity, file, parse};

#[tokio::test]
async fn import_iati_without_org_gives_each_link_to_its_reporting_organisation() {
    let registry = Registry::seeded().await;
    let at = "2026-11-01T10:00:00Z";
    let path = registry.write(
        "reporting.xml",
        &file(&[
            activity(
                "XM-DAC-41146-REPORTED",
                at,
                r#"<reporting-org ref="XM-DAC-41146" type="40"/>"#,
            ),
            activity(
                "XM-DAC-41146-UNKNOWN-REPORTER",
                at,
                r#"<reporting-org ref="XM-NOT-IN-THE-REGISTRY" type="40"/>"#,
            ),
            activity("XM-DAC-41146-NO-REPORTER", at, ""),
        ]),
    );
    let run = parse(
        registry
            .command()
            .args(["import", "iati"])
            .arg(&path)
            .output()
            .unwrap(),
    );
    assert_eq!(run.summary["created"], 1, "{}", run.stderr());
    assert_eq!(run.summary["refused"], 2);
    for identifier in ["XM-DAC-41146-UNKNOWN-REPORTER", "XM-DAC-41146-NO-REPORTER"] {
        let refusal = &run.report(identifier)["refusal"];
        assert_eq!(refusal["code"], "BAD_USER_INPUT", "{refusal}");
        assert_eq!(refusal["field"], "reporting-org/@ref", "{refusal}");
    }

    let db = registry.database.connect().await;
    let link = entity::project_link::Entity::find()
        .filter(entity::project_link::Column::IatiIdentifier.eq("XM-DAC-41146-REPORTED"))
        .one(&db)
        .await
        .unwrap()
        .expect("the link of the activity with a known reporting organisation");
    let owner = nap_registry::domain::organisations::find_organisation(&db, "XM-DAC-41146")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(link.owner_organisation_id, owner.id);
    let refused = entity::project_link::Entity::find()
        .filter(entity::project_link::Column::IatiIdentifier.ne("XM-DAC-41146-REPORTED"))
        .filter(entity::project_link::Column::IatiIdentifier.starts_with("XM-DAC-41146-"))
        .all(&db)
        .await
        .unwrap();
    assert!(
        refused.is_empty(),
        "refused activities wrote nothing: {refused:?}"
    );
}
