//! A real browser follows permanent addresses: headless Chromium (Debian's `chromium`) loads one
//! page of each kind from a real listening server and the test reads the DOM it built. Without
//! Chromium the test fails (CI installs it; see `.ci/run`).

use std::{net::SocketAddr, process::Command};

use crate::common::{TestApp, fixture::NATIONAL};

/// The DOM Chromium builds for `url`.
fn dump_dom(url: &str) -> String {
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
        .arg("--dump-dom")
        .arg(url)
        .output()
        .expect("chromium is needed for the browser test (Debian package chromium; .ci/run installs it)");
    std::fs::remove_dir_all(&profile).ok();
    assert!(
        output.status.success(),
        "chromium failed on {url}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_reads_a_page_of_each_kind() {
    let app = TestApp::with_fixture().await;
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
