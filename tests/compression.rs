//! Compression negotiated by `Accept-Encoding`: gzip and brotli bodies decompress to the plain
//! body; ETag and 304 keep working; a compressed export is still streamed.

use std::io::Read;

use axum::{
    body::Body,
    http::{Request, header},
};
use http_body_util::BodyExt;
use nap_registry::reference_data::{self, synthetic::SyntheticSize};
use tower::ServiceExt;

use crate::{common::TestApp, exports::get};

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).unwrap();
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_end(&mut out)
        .unwrap();
    out
}

const TREE: &str = "/graphql?query=%7B%20plans%20%7B%20nodes%20%7B%20code%20goals%20%7B%20code%20title%20children%20%7B%20code%20title%20%7D%20%7D%20%7D%20%7D%20%7D";

#[tokio::test]
async fn gzip_and_brotli_answers_decompress_to_the_plain_body() {
    let app = TestApp::with_fixture().await;
    for path in [TREE, "/export/plan-items.csv", "/graphiql/graphiql-3.8.3.min.js"] {
        let (plain_response, plain) = get(&app, path, &[]).await;
        assert_eq!(plain_response.status(), 200, "{path}");
        assert!(plain_response.headers().get(header::CONTENT_ENCODING).is_none());
        let (gzip_response, gzipped) = get(&app, path, &[("accept-encoding", "gzip")]).await;
        assert_eq!(
            gzip_response.headers()[header::CONTENT_ENCODING],
            "gzip",
            "{path}"
        );
        assert!(gzipped.len() < plain.len(), "{path}: smaller");
        assert_eq!(gunzip(&gzipped), plain, "{path}: gzip");
        let (br_response, brotlied) = get(&app, path, &[("accept-encoding", "br;q=1, gzip;q=0.5")]).await;
        assert_eq!(br_response.headers()[header::CONTENT_ENCODING], "br", "{path}");
        assert_eq!(unbrotli(&brotlied), plain, "{path}: brotli");
        assert!(
            br_response.headers().get_all(header::VARY).iter().any(|v| v
                .to_str()
                .unwrap()
                .to_ascii_lowercase()
                .contains("accept-encoding")),
            "{path}: Vary names Accept-Encoding"
        );
    }
}

#[tokio::test]
async fn etag_and_304_still_work_with_accept_encoding() {
    let app = TestApp::with_fixture().await;
    let (plain, _) = get(&app, TREE, &[]).await;
    let strong = plain.headers()[header::ETAG].to_str().unwrap().to_owned();
    assert!(strong.starts_with('"'));
    let (gzipped, _) = get(&app, TREE, &[("accept-encoding", "gzip")]).await;
    let weak = gzipped.headers()[header::ETAG].to_str().unwrap().to_owned();
    assert_eq!(
        weak,
        format!("W/{strong}"),
        "a compressed representation has a weak tag"
    );
    for tag in [&strong, &weak] {
        for encoding in ["gzip", "br", "identity"] {
            let (response, body) = get(
                &app,
                TREE,
                &[("accept-encoding", encoding), ("if-none-match", tag.as_str())],
            )
            .await;
            assert_eq!(response.status(), 304, "{tag} with {encoding}");
            assert!(body.is_empty());
        }
    }
}

#[tokio::test]
async fn a_compressed_export_is_still_streamed() {
    let app = TestApp::seeded().await;
    reference_data::load_synthetic(&app.db, SyntheticSize::MEDIUM)
        .await
        .unwrap();
    let response = app
        .router()
        .oneshot(
            Request::get("/export/project-links.csv")
                .header("accept-encoding", "gzip")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
    assert!(response.headers().get(header::CONTENT_LENGTH).is_none());
    let mut body = response.into_body();
    let mut frames = 0;
    let mut gzipped = Vec::new();
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame.unwrap().into_data() {
            frames += 1;
            gzipped.extend_from_slice(&data);
        }
    }
    let csv = gunzip(&gzipped);
    assert!(csv.len() > 2_000_000, "{} bytes", csv.len());
    assert!(
        frames > 10,
        "the body arrives in pieces, not at once: {frames} frames"
    );
    let (_, plain) = get(&app, "/export/project-links.csv", &[]).await;
    assert_eq!(csv, plain);
}
