//! Each plan (and the target-group vocabulary) as an IATI codelist at `/vocabulary/<code>`: XML,
//! JSON and CSV with the same fields; an IATI activity tagged with a registry code validates
//! against the IATI 2.03 schema (`tests/iati/`, checked with `xmllint`) and its code resolves.

use std::process::Command;

use serde_json::Value;

use crate::{
    common::{TestApp, fixture::NATIONAL},
    linked_data::BASE,
};

/// Validates `xml` with xmllint, against `schema` when given; returns (success, messages).
/// Fails the test when xmllint is missing: CI installs it (`libxml2-utils`).
fn xmllint(xml: &str, schema: Option<&str>) -> (bool, String) {
    let dir = std::env::temp_dir().join(format!("nap-iati-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("document.xml");
    std::fs::write(&file, xml).unwrap();
    let mut command = Command::new("xmllint");
    command.arg("--noout").arg("--nonet");
    if let Some(schema) = schema {
        command.arg("--schema").arg(schema);
    }
    let output = command
        .arg(&file)
        .output()
        .expect("xmllint is needed (Debian package libxml2-utils; .ci/run installs it)");
    std::fs::remove_dir_all(&dir).ok();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn schema() -> String {
    format!(
        "{}/../tests/iati/iati-activities-schema.xsd",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// An IATI 2.03 activity tagged with `code` of the vocabulary at `vocabulary_uri`.
fn tagged_activity(vocabulary_uri: &str, code: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03" generated-datetime="2026-12-01T10:00:00Z">
  <iati-activity last-updated-datetime="2026-12-01T10:00:00Z" xml:lang="en" default-currency="EUR">
    <iati-identifier>XM-DAC-99-1-P1</iati-identifier>
    <reporting-org ref="XM-DAC-99-1" type="10"><narrative>Donor A</narrative></reporting-org>
    <title><narrative>Project P1</narrative></title>
    <description><narrative>Supports the National Action Plan 1325.</narrative></description>
    <participating-org ref="XM-DAC-99-1" role="1"><narrative>Donor A</narrative></participating-org>
    <activity-status code="2"/>
    <activity-date type="1" iso-date="2021-01-01"/>
    <recipient-country code="UA" percentage="100"/>
    <sector vocabulary="1" code="15170" percentage="100"/>
    <tag vocabulary="99" vocabulary-uri="{vocabulary_uri}" code="{code}">
      <narrative>NAP 1325 item {code}</narrative>
    </tag>
    <policy-marker vocabulary="1" code="1" significance="2"/>
  </iati-activity>
</iati-activities>
"#
    )
}

#[tokio::test]
async fn tagged_iati_activity_validates_and_its_code_resolves() {
    let app = TestApp::with_fixture().await;
    let site = app.at(BASE);
    let vocabulary_uri = format!("{BASE}/vocabulary/{NATIONAL}");

    let activity = tagged_activity(&vocabulary_uri, "1.1.1");
    let (valid, messages) = xmllint(&activity, Some(&schema()));
    assert!(valid, "{messages}");
    // The schema does bite: a tag without its code is refused.
    let (valid, _) = xmllint(&activity.replace(r#" code="1.1.1""#, ""), Some(&schema()));
    assert!(!valid, "a tag without a code must not validate");

    // The registry resolves the tag: the vocabulary lists the code with its address...
    let path = vocabulary_uri.strip_prefix(BASE).unwrap();
    let list = site.get_accepting(path, "application/json").await;
    assert_eq!(list.status, 200);
    let list = list.json();
    let entry = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == "1.1.1")
        .unwrap()
        .clone();
    assert_eq!(entry["category"], "1.1");
    assert_eq!(entry["status"], "active");
    assert_eq!(entry["url"], format!("{BASE}/id/item/{NATIONAL}/1.1.1"));
    // ...`<vocabulary-uri>/<code>` redirects to it...
    let redirect = site.get(format!("{path}/1.1.1")).send().await;
    assert_eq!(redirect.status, 303);
    assert_eq!(redirect.header("location"), entry["url"].as_str());
    assert_eq!(site.get(format!("{path}/9.9")).send().await.status, 404);
    // ...and the address answers.
    let item_path = entry["url"]
        .as_str()
        .unwrap()
        .strip_prefix(BASE)
        .unwrap()
        .to_owned();
    let item = site.get_accepting(&item_path, "application/ld+json").await;
    assert_eq!(item.json()["skos:notation"], format!("{NATIONAL}/1.1.1"));
}

#[tokio::test]
async fn plan_codelist_has_the_same_fields_in_xml_json_and_csv() {
    let app = TestApp::with_fixture().await;
    let site = app.at(BASE);
    let path = format!("/vocabulary/{NATIONAL}");

    let xml = site.get(&path).send().await;
    assert_eq!(xml.status, 200);
    assert_eq!(xml.header("content-type"), Some("application/xml; charset=utf-8"));
    assert_eq!(xml.header("vary"), Some("Accept"));
    let (well_formed, messages) = xmllint(&xml.text(), None);
    assert!(well_formed, "{messages}\n{}", xml.text());
    assert!(xml.text().contains(&format!(
        r#"<codelist name="{NATIONAL}" xml:lang="en" complete="1">"#
    )));
    assert!(xml.text().contains("<code>1.1.2</code>"));
    assert!(xml.text().contains("<category>1.1</category>"));
    assert!(
        xml.text()
            .contains(r#"<narrative xml:lang="uk">Пункт 1.1.2 плану FX-NAP-2021-2025</narrative>"#)
    );
    assert_eq!(xml.text().matches("<codelist-item ").count(), 7);

    let json: Value = site.get(format!("{path}.json")).send().await.json();
    assert_eq!(json["attributes"]["name"], NATIONAL);
    assert_eq!(json["data"].as_array().unwrap().len(), 7);
    assert_eq!(json["data"][0]["name"]["uk"], "Пункт 1 плану FX-NAP-2021-2025");

    let csv = site.get_accepting(&path, "text/csv").await;
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    let text = csv.text();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "code,name_uk,name_en,description_uk,description_en,category,status,url"
    );
    assert_eq!(lines.len(), 1 + 7);

    let etag = csv.header("etag").unwrap().to_owned();
    let again = site
        .get(&path)
        .headers(&[("accept", "text/csv"), ("if-none-match", &etag)])
        .send()
        .await;
    assert_eq!(again.status, 304);
    assert_eq!(site.get("/vocabulary/XX-NOTHING").send().await.status, 404);
    assert_eq!(site.get("/vocabulary/a%20b").send().await.status, 400);
}

#[tokio::test]
async fn target_group_vocabulary_is_a_codelist_with_withdrawn_codes_marked() {
    let app = TestApp::with_fixture().await;
    let site = app.at(BASE);
    let token = app
        .token_for(
            "ministry-of-social-policy",
            &[nap_registry::domain::access::Scope::Admin],
        )
        .await;
    let group = app
        .graphql(
            r#"{ targetGroup(code: "veterans") { id version } }"#,
            serde_json::json!({}),
        )
        .await;
    let group = &group.data()["targetGroup"];
    app.bearer(&token).graphql("mutation($input: WithdrawTargetGroupInput!) { withdrawTargetGroup(input: $input) { targetGroup { status } } }",
        serde_json::json!({ "input": { "id": group["id"], "version": group["version"] } }),
    )
    .await
    .data();
    let xml = site.get("/vocabulary/UA-NAP-TG-2020.xml").send().await;
    assert_eq!(xml.status, 200);
    assert!(
        xml.text()
            .contains("<codelist-item status=\"withdrawn\">\n      <code>veterans</code>"),
        "{}",
        xml.text()
    );
    assert!(xml.text().contains(&format!(
        "<url>{BASE}/id/target-group/internally-displaced-persons</url>"
    )));
    let json: Value = site
        .get_accepting("/vocabulary/UA-NAP-TG-2020", "application/json")
        .await
        .json();
    let active = json["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["status"] == "active")
        .count();
    assert_eq!(active + 1, json["data"].as_array().unwrap().len());
    let redirect = site.get("/vocabulary/UA-NAP-TG-2020/veterans").send().await;
    assert_eq!(
        redirect.header("location"),
        Some(format!("{BASE}/id/target-group/veterans").as_str())
    );
}
