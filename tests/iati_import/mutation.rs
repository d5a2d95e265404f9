//! `importIati` over GraphQL: a multipart upload (the GraphQL multipart request spec) of an IATI
//! activity file, by an organisation with `projects:write`, through the real router.

use nap_registry::domain::access::Scope;
use serde_json::{Value, json};

use crate::common::{Client, GraphqlResponse, TestApp, dump};

const IMPORT: &str = "mutation ($input: ImportIatiInput!) { importIati(input: $input) {
  dryRun activities created updated unchanged skipped refused
  reports { position iatiIdentifier outcome projectLinkId planItems unknownOrganisations note refusal { code field message } }
} }";

fn example() -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/data/iati-activities.xml"),
    )
    .unwrap()
}

/// Sends `importIati` with `xml` as the uploaded file.
async fn upload(client: &Client, xml: &str, input: Value) -> GraphqlResponse {
    let boundary = "nap-registry-test-boundary";
    let mut variables = input;
    variables["file"] = Value::Null;
    let operations = json!({ "query": IMPORT, "variables": { "input": variables } });
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{operations}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{\"0\": [\"variables.input.file\"]}}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"activities.xml\"\r\nContent-Type: application/xml\r\n\r\n{xml}\r\n\
         --{boundary}--\r\n"
    );
    client
        .post("/graphql")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .into()
}

#[tokio::test]
async fn import_iati_mutation_needs_projects_write_for_the_owner_and_reports_each_activity() {
    let app = TestApp::seeded().await;
    let without_scope = app.as_org("un-women-ukraine", &[Scope::PlansWrite]).await;
    let other = app.as_org("ukrainian-womens-fund", &[Scope::ProjectsWrite]).await;
    let donor = app.as_org("un-women-ukraine", &[Scope::ProjectsWrite]).await;
    let before = dump(&app.db).await;
    // Without a token, a multipart request (which browsers send across origins without asking) is
    // not taken at all.
    let anonymous = upload(&app.anonymous(), &example(), json!({})).await;
    assert_eq!(anonymous.status, 415, "{}", anonymous.body);
    assert_eq!(
        anonymous.error_code(),
        "UNSUPPORTED_MEDIA_TYPE",
        "{}",
        anonymous.body
    );
    assert_eq!(
        upload(&without_scope, &example(), json!({})).await.error_code(),
        "FORBIDDEN"
    );
    let response = upload(&other, &example(), json!({ "owner": "un-women-ukraine" })).await;
    assert_eq!(response.error_code(), "FORBIDDEN", "{}", response.body);
    let doctype = upload(
        &donor,
        "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><iati-activities/>",
        json!({}),
    )
    .await;
    assert_eq!(doctype.error_code(), "BAD_USER_INPUT");
    assert_eq!(doctype.body["errors"][0]["extensions"]["field"], "input.file");
    let dry = upload(&donor, &example(), json!({ "dryRun": true })).await;
    let dry = &dry.data()["importIati"];
    assert_eq!(
        (
            dry["dryRun"].as_bool(),
            dry["created"].as_i64(),
            dry["skipped"].as_i64()
        ),
        (Some(true), Some(2), Some(1))
    );
    assert!(
        dump(&app.db).await == before,
        "refused calls and a dry run change nothing"
    );

    let done = upload(&donor, &example(), json!({})).await;
    let done = &done.data()["importIati"];
    assert_eq!(done["created"], 2, "{done}");
    let first = &done["reports"][0];
    assert_eq!(first["outcome"], "CREATED");
    assert_eq!(first["unknownOrganisations"], json!(["XM-EXAMPLE-IMPLEMENTER-1"]));
    // The created links are readable by their global IDs, with their budgets per currency.
    let node = app
        .graphql(
            "query ($id: ID!) { node(id: $id) { ... on ProjectLink { iatiIdentifier budgets { amount currency } } } }",
            json!({ "id": first["projectLinkId"] }),
        )
        .await;
    let node = &node.data()["node"];
    assert_eq!(node["iatiIdentifier"], "XM-DAC-41146-EXAMPLE-UA-0001");
    assert_eq!(
        node["budgets"],
        json!([{ "amount": "400000.00", "currency": "USD" }])
    );
    let node = app
        .graphql(
            "query ($id: ID!) { node(id: $id) { ... on ProjectLink { budget { amount } budgets { amount currency } } } }",
            json!({ "id": done["reports"][1]["projectLinkId"] }),
        )
        .await;
    let node = &node.data()["node"];
    assert_eq!(node["budget"], Value::Null, "two currencies: no single budget");
    assert_eq!(
        node["budgets"],
        json!([{ "amount": "120000.00", "currency": "EUR" }, { "amount": "2500000.00", "currency": "UAH" }])
    );
    let again = upload(&donor, &example(), json!({})).await;
    let again = &again.data()["importIati"];
    assert_eq!(
        (again["unchanged"].as_i64(), again["created"].as_i64()),
        (Some(2), Some(0))
    );
}
