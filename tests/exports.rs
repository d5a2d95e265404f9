//! Bulk exports (`GET /export/<dataset>.<format>`): row counts against GraphQL's `totalCount`
//! read with a real CSV reader, the formats, filters, withdrawn rows, headers and refusals.

use axum::http::header;
use entity::organisation;
use nap_registry::reference_data::{self, synthetic::SyntheticSize};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use serde_json::{Value, json};

use crate::common::TestApp;

/// The rows of a CSV export, read by the `csv` crate, as (header, records).
fn read_csv(bytes: &[u8]) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_reader(bytes);
    let header = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let records = reader.records().collect::<Result<Vec<_>, _>>().unwrap();
    (header, records)
}

/// A seeded registry with the small synthetic data set on top (every list fits one page of 100).
async fn small_registry() -> TestApp {
    let app = TestApp::seeded().await;
    reference_data::load_synthetic(&app.db, SyntheticSize::SMALL)
        .await
        .unwrap();
    app
}

fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

#[tokio::test]
async fn every_csv_export_has_as_many_rows_as_graphql_counts() {
    let app = small_registry().await;
    let data = app
        .graphql(
            "{ planItems(first: 100, filter: {status: ACTIVE}) { totalCount }
               organisations(first: 100) { totalCount nodes { withdrawnAt } }
               projectLinks(first: 100) { totalCount nodes { withdrawnAt planItems { status } } }
               indicators(first: 100) { totalCount nodes { withdrawnAt values { withdrawnAt } } }
               plans(first: 100, filter: {level: NATIONAL}) { totalCount nodes { localizationCoverage { hasPlan } } } }",
            json!({}),
        )
        .await
        .data()
        .clone();
    let nodes = |list: &str| data[list]["nodes"].as_array().unwrap().clone();
    for list in ["organisations", "projectLinks", "indicators", "plans"] {
        assert_eq!(
            data[list]["totalCount"].as_u64().unwrap() as usize,
            nodes(list).len(),
            "{list} fits one page"
        );
    }
    let active = |node: &Value| node["withdrawnAt"].is_null();
    let expected = [
        (
            "plan-items",
            data["planItems"]["totalCount"].as_u64().unwrap() as usize,
        ),
        (
            "organisations",
            nodes("organisations").iter().filter(|o| active(o)).count(),
        ),
        (
            "project-links",
            nodes("projectLinks")
                .iter()
                .filter(|l| active(l))
                .map(|l| {
                    let items = l["planItems"].as_array().unwrap();
                    items.iter().filter(|i| i["status"] == "ACTIVE").count().max(1)
                })
                .sum(),
        ),
        (
            "indicator-values",
            nodes("indicators")
                .iter()
                .filter(|i| active(i))
                .map(|i| {
                    i["values"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|v| active(v))
                        .count()
                })
                .sum(),
        ),
        (
            "coverage",
            nodes("plans")
                .iter()
                .map(|p| p["localizationCoverage"].as_array().unwrap().len())
                .sum(),
        ),
    ];
    for (dataset, count) in expected {
        assert!(count > 0, "{dataset}: the data set has rows");
        let response = app.get(format!("/export/{dataset}.csv")).await;
        let bytes = response.body.clone();
        assert_eq!(
            response.status,
            200,
            "{dataset}: {}",
            String::from_utf8_lossy(&bytes)
        );
        assert_eq!(
            response.headers[header::CONTENT_TYPE],
            "text/csv; charset=utf-8; header=present"
        );
        let (header, records) = read_csv(&bytes);
        assert_eq!(
            header,
            nap_registry::export::Dataset::from_name(dataset)
                .unwrap()
                .columns()
        );
        assert_eq!(records.len(), count, "{dataset}: rows against GraphQL");
        assert!(records.iter().all(|r| r.len() == header.len()));
    }
}

#[tokio::test]
async fn json_and_jsonl_exports_hold_the_rows_of_the_csv_with_codes_and_labels() {
    let app = TestApp::with_fixture().await;
    let csv_bytes = app.get("/export/project-links.csv?lang=en").await.body;
    let (header, records) = read_csv(&csv_bytes);
    let response = app.get("/export/project-links.json?lang=en").await;
    let json_bytes = response.body.clone();
    assert_eq!(response.headers[header::CONTENT_TYPE], "application/json");
    let rows: Vec<Value> = serde_json::from_slice(&json_bytes).unwrap();
    let lines = app.get("/export/project-links.jsonl?lang=en").await.body;
    let lines: Vec<Value> = String::from_utf8(lines.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), records.len());
    assert_eq!(rows, lines);
    // P2 is linked to two items: two rows; its DAC code and gender marker carry IATI's labels.
    let p2: Vec<&Value> = rows
        .iter()
        .filter(|r| r["iati_identifier"] == "XM-DAC-99-1-P2")
        .collect();
    assert_eq!(p2.len(), 2);
    assert_eq!(p2[0]["dac_codes"], "15170");
    assert_eq!(
        p2[0]["dac_labels"],
        "Women\u{2019}s equality organisations and institutions"
    );
    assert_eq!(p2[0]["gender_marker"], "2");
    assert_eq!(p2[0]["gender_marker_label"], "principal objective");
    assert_eq!(p2[0]["funder_codes"], "fx-donor-a");
    assert!(p2[0]["funder_names"].as_str().is_some_and(|n| !n.is_empty()));
    assert_eq!(p2[0]["strategic_goal_code"], "FX-NAP-2021-2025/1");
    let first_row: Vec<&str> = records[0].iter().collect();
    let keys: Vec<&str> = header.iter().map(String::as_str).collect();
    assert_eq!(rows[0].as_object().unwrap().keys().count(), keys.len());
    assert_eq!(rows[0]["id"], first_row[0]);
}

#[tokio::test]
async fn export_filters_mirror_graphql_and_lang_picks_the_label_language() {
    let app = TestApp::with_fixture().await;
    let bytes = app.get("/export/project-links.csv?funder=fx-donor-b").await.body;
    let (header, records) = read_csv(&bytes);
    let funders = column(&header, "funder_codes");
    // P3 (donor B) is linked to items 1 and 2.1.1.
    assert_eq!(records.len(), 2);
    assert!(records.iter().all(|r| &r[funders] == "fx-donor-b"));
    let bytes = app
        .get("/export/project-links.csv?item=FX-NAP-2021-2025/1.1")
        .await
        .body;
    let (header, records) = read_csv(&bytes);
    let items = column(&header, "plan_item_code");
    let mut codes: Vec<&str> = records.iter().map(|r| &r[items]).collect();
    codes.sort_unstable();
    // P1 on 1.1.1, P2 on 1.1.1 and 1.1.2: the item with its descendants, one row per link and item.
    assert_eq!(
        codes,
        [
            "FX-NAP-2021-2025/1.1.1",
            "FX-NAP-2021-2025/1.1.1",
            "FX-NAP-2021-2025/1.1.2"
        ]
    );
    let bytes = app
        .get("/export/plan-items.csv?plan=FX-NAP-2021-2025&item=FX-NAP-2021-2025/1")
        .await
        .body;
    let (header, records) = read_csv(&bytes);
    let code = column(&header, "code");
    assert_eq!(
        records.iter().map(|r| r[code].to_owned()).collect::<Vec<_>>(),
        [
            "FX-NAP-2021-2025/1",
            "FX-NAP-2021-2025/1.1",
            "FX-NAP-2021-2025/1.1.1",
            "FX-NAP-2021-2025/1.1.2"
        ]
    );
    let bytes = app
        .get("/export/coverage.csv?plan=FX-NAP-2021-2025&region=UA-46&lang=en")
        .await
        .body;
    let (header, records) = read_csv(&bytes);
    assert_eq!(records.len(), 1);
    assert_eq!(&records[0][column(&header, "region_name")], "Lviv");
    assert_eq!(&records[0][column(&header, "items_implemented")], "2");
    assert_eq!(&records[0][column(&header, "approving_act_number")], "FX-LV");
    let bytes = app
        .get("/export/coverage.csv?plan=FX-NAP-2021-2025&region=UA-46")
        .await
        .body;
    let (header, records) = read_csv(&bytes);
    assert_eq!(&records[0][column(&header, "region_name")], "Львівська область");
    let bytes = app.get("/export/organisations.csv?region=UA-46").await.body;
    let (header, records) = read_csv(&bytes);
    assert!(!records.is_empty());
    assert!(
        records
            .iter()
            .all(|r| &r[column(&header, "region_code")] == "UA-46")
    );
    // An unknown code matches nothing, as in GraphQL.
    let response = app.get("/export/project-links.csv?funder=nobody").await;
    let bytes = response.body.clone();
    assert_eq!(response.status, 200);
    assert_eq!(read_csv(&bytes).1.len(), 0);
}

#[tokio::test]
async fn withdrawn_rows_are_left_out_unless_asked_for() {
    let app = TestApp::with_fixture().await;
    let bytes = app.get("/export/organisations.csv").await.body;
    let before = read_csv(&bytes).1.len();
    let donor = organisation::Entity::find()
        .filter(organisation::Column::Code.eq("fx-donor-b"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut withdrawn = donor.into_active_model();
    withdrawn.withdrawn_at = sea_orm::Set(Some(chrono::Utc::now()));
    withdrawn.update(&app.db).await.unwrap();
    let bytes = app.get("/export/organisations.csv").await.body;
    let (header, records) = read_csv(&bytes);
    assert_eq!(records.len(), before - 1);
    assert!(records.iter().all(|r| &r[0] != "fx-donor-b"));
    let bytes = app
        .get("/export/organisations.csv?includeWithdrawn=true")
        .await
        .body;
    let (_, all) = read_csv(&bytes);
    assert_eq!(all.len(), before);
    let row = all.iter().find(|r| &r[0] == "fx-donor-b").unwrap();
    assert_eq!(&row[column(&header, "status")], "WITHDRAWN");
}

#[tokio::test]
async fn exports_are_named_after_dataset_and_change_sequence_and_bom_is_asked_for() {
    let app = TestApp::with_fixture().await;
    let response = app.get("/export/plan-items.csv").await;
    let bytes = response.body.clone();
    let sequence = response.headers["x-change-sequence"].to_str().unwrap().to_owned();
    assert!(sequence.parse::<i64>().is_ok());
    assert_eq!(
        response.headers[header::CONTENT_DISPOSITION].to_str().unwrap(),
        format!("attachment; filename=\"plan-items-{sequence}.csv\"")
    );
    assert!(bytes.starts_with(b"code,number,"));
    assert!(bytes.ends_with(b"\r\n"));
    let response = app.get("/export/organisations.jsonl?bom=true").await;
    let bytes = response.body.clone();
    assert!(
        response.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .ends_with(&format!("organisations-{sequence}.jsonl\""))
    );
    assert!(bytes.starts_with(b"{"), "a byte order mark is only for CSV");
    let bytes = app.get("/export/plan-items.csv?bom=true").await.body;
    assert!(bytes.starts_with(b"\xEF\xBB\xBFcode,number,"));
    assert_eq!(read_csv(&bytes[3..]).1.len(), read_csv(&bytes[3..]).1.len());
}

#[tokio::test]
async fn bad_export_addresses_and_parameters_are_refused_naming_them() {
    let app = TestApp::with_fixture().await;
    for (path, status, field) in [
        ("/export/plans.csv", 404, None),
        ("/export/plan-items.xml", 404, None),
        ("/export/plan-items", 404, None),
        ("/export/organisations.csv?funder=fx-donor-a", 400, Some("funder")),
        ("/export/plan-items.csv?lang=de", 400, Some("lang")),
        (
            "/export/plan-items.csv?includeWithdrawn=maybe",
            400,
            Some("includeWithdrawn"),
        ),
        ("/export/plan-items.csv?sort=code", 400, Some("sort")),
    ] {
        let response = app.get(path).await;
        let bytes = response.body.clone();
        assert_eq!(response.status, status, "{path}");
        let body: Value = serde_json::from_slice(&bytes).unwrap();
        let code = if status == 404 {
            "NOT_FOUND"
        } else {
            "BAD_USER_INPUT"
        };
        assert_eq!(body["error"]["code"], code, "{path}: {body}");
        assert_eq!(body["error"]["field"].as_str(), field, "{path}");
    }
}
