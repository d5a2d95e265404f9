//! Snapshots of representative responses: what an integrator sees for the canonical plan, a task of
//! the fixture with all its relations, and the donor dashboard. IDs and timestamps are redacted
//! where they differ between runs; everything else must stay as committed in `tests/snapshots/`.

use serde_json::json;

use crate::common::TestApp;

fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.add_redaction(".**.createdAt", "[timestamp]");
    settings.add_redaction(".**.updatedAt", "[timestamp]");
    settings
}

#[tokio::test]
async fn canonical_national_plan() {
    let app = TestApp::seeded().await;
    let response = app
        .graphql(
            r#"{ plan(code: "UA-NAP-2021-2025") { id code level status title titles { uk en } startYear endYear sourceDocument
                    legalActs { role act { kind number adoptedOn url title(lang: UK) issuer { code name } amends { number } } }
                    goals { id code number kind title(lang: EN) titles { uk en } }
                    supersededBy { code status } } }"#,
            json!({}),
        )
        .await;
    settings().bind(|| insta::assert_json_snapshot!("canonical_national_plan", response.data()));
}

#[tokio::test]
async fn fixture_task_with_relations() {
    let app = TestApp::with_fixture().await;
    let response = app
        .anonymous()
        .with_header("accept-language", "en")
        .graphql(
            r#"{ planItem(code: "FX-NAP-2021-2025/1.1.1") { id code number kind status title description
                    ancestors { code title } plan { code level }
                    indicators { code name unit direction sdgIndicator values { kind periodStartYear periodEndYear value sex } }
                    targetGroups { code label }
                    responsibilities { role organisation { code name } }
                    localizations { code plan { region { code name } } }
                    localizationCoverage { implementingRegions { code } }
                    projectLinks { totalCount nodes { iatiIdentifier title budget { amount currency } } } } }"#,
            json!({}),
        )
        .await;
    settings().bind(|| insta::assert_json_snapshot!("fixture_task_with_relations", response.data()));
}

#[tokio::test]
async fn donor_dashboard_summary() {
    let app = TestApp::with_fixture().await;
    let response = app
        .graphql(
            r#"{ projectLinkSummary(filter: {funder: "XM-DAC-99-1"}) {
                    overall { linkCount budgets { amount currency } }
                    byStrategicGoal { goal { code title(lang: EN) } totals { linkCount budgets { amount currency } } }
                    byRegion { region { code name(lang: EN) } totals { linkCount budgets { amount currency } } }
                    byFunder { funder { code identifiers } totals { linkCount budgets { amount currency } } } } }"#,
            json!({}),
        )
        .await;
    settings().bind(|| insta::assert_json_snapshot!("donor_dashboard_summary", response.data()));
}
