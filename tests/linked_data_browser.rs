//! A real browser follows permanent addresses: headless Chromium (Debian's `chromium`) loads one
//! page of each kind from a real listening server and the test reads the DOM it built. Without
//! Chromium the test fails (CI installs it; see `.ci/run`).

use std::{net::SocketAddr, process::Command};

use nap_registry::domain::access::Scope;
use serde_json::json;

use crate::common::{TestApp, fixture::NATIONAL};

/// Runs headless Chromium (a fresh profile, no network chatter) with `args` and returns its output.
fn chromium(args: &[String]) -> Vec<u8> {
    let profile = std::env::temp_dir().join(format!("nap-chromium-{}", uuid::Uuid::new_v4()));
    let output = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium is needed for the browser test (Debian package chromium; .ci/run installs it)");
    std::fs::remove_dir_all(&profile).ok();
    assert!(
        output.status.success(),
        "chromium failed with {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// The DOM Chromium builds for `url`.
fn dump_dom(url: &str) -> String {
    String::from_utf8(chromium(&["--dump-dom".to_owned(), url.to_owned()])).unwrap()
}

/// Serves `app` on a free local port; its base address and the server task.
async fn serve(app: &TestApp) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address: SocketAddr = listener.local_addr().unwrap();
    let base = format!("http://{address}");
    let router = app.router_at(&base);
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    (base, server)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_reads_a_page_of_each_kind() {
    let app = TestApp::with_fixture().await;
    let (base, server) = serve(&app).await;

    let pages = [
        (format!("/id/plan/{NATIONAL}"), NATIONAL, "Plan FX-NAP-2021-2025"),
        (
            format!("/id/item/{NATIONAL}/1.1.1"),
            "FX-NAP-2021-2025/1.1.1",
            "Item 1.1.1 of FX-NAP-2021-2025",
        ),
        (
            format!("/id/indicator/{NATIONAL}/1.1.1/I1"),
            "I1",
            "Share of women among participants",
        ),
        ("/id/target-group/veterans".to_owned(), "veterans", "Veterans"),
        (
            "/id/organisation/fx-ngo".to_owned(),
            "fx-ngo",
            "Organisation fx-ngo",
        ),
        ("/id/region/UA-46".to_owned(), "UA-46", "Lviv"),
        (
            "/id/project/XM-DAC-99-1-P2".to_owned(),
            "XM-DAC-99-1-P2",
            "Project P2",
        ),
    ];
    for (path, code, english) in pages {
        let url = format!("{base}{path}");
        let dom = tokio::task::spawn_blocking(move || dump_dom(&url)).await.unwrap();
        assert!(dom.contains("<html lang=\"uk\">"), "{path}: {dom}");
        assert!(dom.contains(&format!("<h1><code>{code}</code>")), "{path}: {dom}");
        assert!(dom.contains(english), "{path} lacks {english}: {dom}");
        assert!(dom.contains("lang=\"en\""), "{path}: {dom}");
        assert!(dom.contains("<dd id=\"status\">"), "{path}: {dom}");
        assert!(
            dom.contains(&format!("href=\"{base}{path}?format=jsonld\"")),
            "{path}: {dom}"
        );
    }
    let url = format!("{base}/id/item/{NATIONAL}/7.7");
    let missing = tokio::task::spawn_blocking(move || dump_dom(&url)).await.unwrap();
    assert!(missing.contains("Not found"), "{missing}");
    assert!(missing.contains("/id/item/FX-NAP-2021-2025/7.7"), "{missing}");
    server.abort();
}

/// Creates regional plan `code` of `region` as its military administration and records `acts`
/// (role, number, date) against it.
async fn regional_plan(app: &TestApp, region: &str, acts: &[(&str, &str, &str)]) {
    let token = app
        .token_for(&format!("rma-{}", region.to_lowercase()), &[Scope::PlansWrite])
        .await;
    let code = format!("{region}-RAP-2021-2025");
    app.bearer(&token)
        .graphql(
            r#"mutation($input: CreatePlanInput!) { createPlan(input: $input) { plan { code } } }"#,
            json!({ "input": { "code": code, "level": "REGIONAL", "startYear": 2021, "endYear": 2025,
                           "parentPlan": "UA-NAP-2021-2025", "region": region } }),
        )
        .await
        .data();
    for (role, number, date) in acts {
        app.bearer(&token).graphql(r#"mutation($input: RecordPlanActInput!) { recordPlanAct(input: $input) { plan { code } } }"#,
            json!({ "input": { "plan": code, "role": role, "act": { "kind": "DECISION", "number": number, "adoptedOn": date } } }),
        )
        .await
        .data();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_shows_each_region_once_on_the_coverage_page_with_the_api_status() {
    let app = TestApp::seeded().await;
    regional_plan(&app, "UA-46", &[("APPROVES", "L-1", "2021-06-01")]).await;
    regional_plan(
        &app,
        "UA-05",
        &[("APPROVES", "V-1", "2021-05-01"), ("AMENDS", "V-2", "2023-02-20")],
    )
    .await;
    regional_plan(&app, "UA-63", &[]).await;
    let api = app
        .graphql(
            r#"{ plan(code: "UA-NAP-2021-2025") { localizationCoverage { region { code } coverageStatus } } }"#,
            json!({}),
        )
        .await;
    let statuses: Vec<(String, String)> = api.data()["plan"]["localizationCoverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["region"]["code"].as_str().unwrap().to_owned(),
                c["coverageStatus"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(statuses.len(), 27);
    let expected = [
        ("UA-46", "OVERDUE"),
        ("UA-05", "ALIGNED"),
        ("UA-63", "DRAFT"),
        ("UA-12", "NO_PLAN"),
        ("UA-43", "NOT_APPLICABLE"),
        ("UA-30", "UNKNOWN"),
    ];
    for (code, status) in expected {
        assert!(statuses.contains(&(code.to_owned(), status.to_owned())), "{code}");
    }

    let (base, server) = serve(&app).await;
    let url = format!("{base}/coverage/UA-NAP-2021-2025");
    let page = url.clone();
    let dom = tokio::task::spawn_blocking(move || dump_dom(&page))
        .await
        .unwrap();
    assert!(
        dom.contains("<svg") && dom.contains("<title id=\"map-title\">"),
        "{dom}"
    );
    for (code, status) in &statuses {
        // Once on the map, once in the table, each with the API's status.
        assert_eq!(
            dom.matches(&format!("data-region=\"{code}\"")).count(),
            2,
            "{code}"
        );
        assert!(
            dom.contains(&format!(
                "<g class=\"tile\" data-region=\"{code}\" data-status=\"{status}\">"
            )),
            "{code} {status} on the map"
        );
        assert!(
            dom.contains(&format!("<tr data-region=\"{code}\" data-status=\"{status}\">")),
            "{code} {status} in the table"
        );
    }

    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("coverage-UA-NAP-2021-2025.png");
    let target = shot.clone();
    tokio::task::spawn_blocking(move || screenshot(&url, &target))
        .await
        .unwrap();
    let bytes = std::fs::read(&shot).unwrap();
    assert!(
        bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000,
        "{}",
        shot.display()
    );
    server.abort();
}

/// Saves a screenshot of `url` to `path`.
fn screenshot(url: &str, path: &std::path::Path) {
    std::fs::remove_file(path).ok();
    chromium(&[
        "--hide-scrollbars".to_owned(),
        "--window-size=1000,1400".to_owned(),
        format!("--screenshot={}", path.display()),
        url.to_owned(),
    ]);
}
