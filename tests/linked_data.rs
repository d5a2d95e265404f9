//! Permanent addresses `/id/…`: one address per object, its formats by content negotiation
//! (page, JSON-LD with SKOS, CSV), and the `uri` fields of the GraphQL types, all under the
//! configured public base. Their life over time is in `linked_data_lifecycle`.

use serde_json::{Value, json};

use crate::common::{TestApp, fixture::NATIONAL};

pub const BASE: &str = "https://nap.example.org";

#[tokio::test]
async fn item_page_shows_path_indicators_bodies_localizations_and_projects() {
    let app = TestApp::with_fixture().await;
    let site = app.at(BASE);
    let page = site
        .get_accepting(format!("/id/item/{NATIONAL}/1.1.1"), "text/html")
        .await;
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(page.header("content-type").unwrap().starts_with("text/html"));
    assert_eq!(page.header("vary"), Some("Accept"));
    assert!(page.header("etag").unwrap().starts_with('"'));
    for expected in [
        "<html lang=\"uk\">",
        "Пункт 1.1.1 плану FX-NAP-2021-2025",
        "Item 1.1.1 of FX-NAP-2021-2025",
        // The path up to the strategic goal.
        "href=\"https://nap.example.org/id/item/FX-NAP-2021-2025/1\"",
        "href=\"https://nap.example.org/id/item/FX-NAP-2021-2025/1.1\"",
        // Its indicator, with values.
        "href=\"https://nap.example.org/id/indicator/FX-NAP-2021-2025/1.1.1/I1\"",
        "BASELINE 2020 T: 10",
        // Responsible bodies, target groups, the regional items that localize it.
        "href=\"https://nap.example.org/id/organisation/ministry-of-social-policy\"",
        "href=\"https://nap.example.org/id/target-group/veterans\"",
        "href=\"https://nap.example.org/id/item/FX-RAP-UA-46/1.1.1\"",
        // P1 and P2 link to it.
        "<dd id=\"linked-projects\">2</dd>",
        "?format=jsonld",
        "/graphiql?query=",
    ] {
        assert!(
            page.text().contains(expected),
            "missing {expected} in {}",
            page.text()
        );
    }
    assert!(!page.text().contains("<script"), "pages need no scripts");
}

#[tokio::test]
async fn json_ld_uses_skos_with_broader_narrower_scheme_and_sdg_match() {
    let app = TestApp::with_fixture().await;
    let site = app.at(BASE);
    let operational = site
        .get_accepting(format!("/id/item/{NATIONAL}/1.1"), "application/ld+json")
        .await;
    assert_eq!(operational.status, 200);
    assert_eq!(operational.header("content-type"), Some("application/ld+json"));
    let doc = operational.json();
    assert_eq!(doc["@id"], "https://nap.example.org/id/item/FX-NAP-2021-2025/1.1");
    assert_eq!(doc["@type"], "skos:Concept");
    assert_eq!(doc["@context"]["skos"], "http://www.w3.org/2004/02/skos/core#");
    assert_eq!(doc["skos:notation"], "FX-NAP-2021-2025/1.1");
    assert_eq!(
        doc["skos:prefLabel"],
        json!([
            { "@value": "Пункт 1.1 плану FX-NAP-2021-2025", "@language": "uk" },
            { "@value": "Item 1.1 of FX-NAP-2021-2025", "@language": "en" }
        ])
    );
    assert_eq!(
        doc["skos:broader"][0]["@id"],
        "https://nap.example.org/id/item/FX-NAP-2021-2025/1"
    );
    let narrower: Vec<&str> = doc["skos:narrower"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["@id"].as_str().unwrap())
        .collect();
    assert_eq!(
        narrower,
        [
            "https://nap.example.org/id/item/FX-NAP-2021-2025/1.1.1",
            "https://nap.example.org/id/item/FX-NAP-2021-2025/1.1.2"
        ]
    );
    assert_eq!(
        doc["skos:inScheme"]["@id"],
        "https://nap.example.org/id/plan/FX-NAP-2021-2025"
    );

    let indicator = site
        .get_accepting(format!("/id/indicator/{NATIONAL}/1.1.1/I1"), "application/json")
        .await;
    assert_eq!(indicator.header("content-type"), Some("application/json"));
    let doc = indicator.json();
    assert_eq!(
        doc["skos:exactMatch"],
        json!([{ "@id": "http://metadata.un.org/sdg/5.5.1" }])
    );
    assert_eq!(
        doc["skos:broader"][0]["@id"],
        "https://nap.example.org/id/item/FX-NAP-2021-2025/1.1.1"
    );

    let plan = site
        .get_accepting(format!("/id/plan/{NATIONAL}"), "application/ld+json")
        .await
        .json();
    assert_eq!(plan["@type"], "skos:ConceptScheme");
    assert_eq!(plan["skos:hasTopConcept"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn every_kind_of_address_resolves() {
    let app = TestApp::with_fixture().await;
    let site = app.at(BASE);
    for (path, code) in [
        (format!("/id/plan/{NATIONAL}"), NATIONAL),
        (format!("/id/item/{NATIONAL}/2.1.1"), "FX-NAP-2021-2025/2.1.1"),
        (format!("/id/indicator/{NATIONAL}/1.1.1/I1"), "I1"),
        (
            "/id/target-group/internally-displaced-persons".to_owned(),
            "internally-displaced-persons",
        ),
        ("/id/organisation/fx-donor-a".to_owned(), "fx-donor-a"),
        ("/id/region/UA-12".to_owned(), "UA-12"),
        ("/id/project/XM-DAC-99-1-P3".to_owned(), "XM-DAC-99-1-P3"),
    ] {
        let answer = site.get_accepting(&path, "application/ld+json").await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.text());
        let doc = answer.json();
        assert_eq!(doc["@id"], format!("{BASE}{path}"), "{path}");
        assert_eq!(doc["skos:notation"], code, "{path}");
    }
    // An organisation's org-id identifier resolves to the same object.
    let by_identifier = site
        .get_accepting("/id/organisation/XM-DAC-99-1", "application/json")
        .await;
    assert_eq!(
        by_identifier.json()["@id"],
        "https://nap.example.org/id/organisation/fx-donor-a"
    );
}

#[tokio::test]
async fn csv_gives_the_list_where_one_fits() {
    let app = TestApp::with_fixture().await;
    let site = app.at(BASE);
    let items = site
        .get_accepting(format!("/id/plan/{NATIONAL}"), "text/csv")
        .await;
    assert_eq!(items.status, 200);
    assert_eq!(items.header("content-type"), Some("text/csv; charset=utf-8"));
    let text = items.text();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "code,number,kind,status,title_uk,title_en,parent_code,uri"
    );
    assert_eq!(lines.len(), 1 + 7, "{}", items.text());
    assert!(lines.contains(&"FX-NAP-2021-2025/1.1.2,1.1.2,TASK,ACTIVE,Пункт 1.1.2 плану FX-NAP-2021-2025,Item 1.1.2 of FX-NAP-2021-2025,FX-NAP-2021-2025/1.1,https://nap.example.org/id/item/FX-NAP-2021-2025/1.1.2"));
    let values = site
        .get(format!("/id/indicator/{NATIONAL}/1.1.1/I1?format=csv"))
        .send()
        .await;
    assert_eq!(values.text().lines().count(), 1 + 2, "{}", values.text());
    let region = site.get_accepting("/id/region/UA-12", "text/csv").await;
    assert_eq!(region.status, 406);
    let image = site.get_accepting("/id/region/UA-12", "image/png").await;
    assert_eq!(image.status, 406);
}

#[tokio::test]
async fn graphql_uri_fields_use_the_public_base() {
    let app = TestApp::with_fixture().await;
    let site = app.at(BASE);
    let answer = site
        .graphql(
            r#"{
          plan(code: "FX-NAP-2021-2025") { uri vocabularyUri }
          planItem(code: "FX-NAP-2021-2025/1.1.1") { uri indicators { uri } targetGroups { uri } }
          targetGroup(code: "veterans") { uri vocabulary { uri } }
          organisation(identifier: "fx-donor-a") { uri }
          region(code: "UA-12") { uri }
          projectLinks(first: 1, filter: { iatiIdentifier: "XM-DAC-99-1-P1" }) { nodes { uri } }
        }"#,
            Value::Null,
        )
        .await;
    let data = answer.data();
    assert_eq!(
        data["plan"]["uri"],
        "https://nap.example.org/id/plan/FX-NAP-2021-2025"
    );
    assert_eq!(
        data["plan"]["vocabularyUri"],
        "https://nap.example.org/vocabulary/FX-NAP-2021-2025"
    );
    assert_eq!(
        data["planItem"]["uri"],
        "https://nap.example.org/id/item/FX-NAP-2021-2025/1.1.1"
    );
    assert_eq!(
        data["planItem"]["indicators"][0]["uri"],
        "https://nap.example.org/id/indicator/FX-NAP-2021-2025/1.1.1/I1"
    );
    assert_eq!(
        data["targetGroup"]["uri"],
        "https://nap.example.org/id/target-group/veterans"
    );
    assert_eq!(
        data["targetGroup"]["vocabulary"]["uri"],
        "https://nap.example.org/vocabulary/UA-NAP-TG-2020"
    );
    assert_eq!(
        data["organisation"]["uri"],
        "https://nap.example.org/id/organisation/fx-donor-a"
    );
    assert_eq!(data["region"]["uri"], "https://nap.example.org/id/region/UA-12");
    assert_eq!(
        data["projectLinks"]["nodes"][0]["uri"],
        "https://nap.example.org/id/project/XM-DAC-99-1-P1"
    );
    // Every address the API writes resolves.
    for uri in [
        &data["planItem"]["indicators"][0]["uri"],
        &data["projectLinks"]["nodes"][0]["uri"],
    ] {
        let path = uri.as_str().unwrap().strip_prefix(BASE).unwrap();
        assert_eq!(site.get(path).send().await.status, 200, "{path}");
    }
}
