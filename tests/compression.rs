//! Compression negotiated by `Accept-Encoding`: gzip and brotli bodies decompress to the plain
//! body; ETag and 304 keep working; a compressed export is still streamed.

use std::io::Read;

use axum::http::header;
use http_body_util::BodyExt;
use nap_registry::reference_data::{self, synthetic::SyntheticSize};
use tower::ServiceExt;

use crate::common::TestApp;

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
        let plain_response = app.get(path).await;
        let plain = plain_response.body.clone();
        assert_eq!(plain_response.status, 200, "{path}");
        assert!(plain_response.headers.get(header::CONTENT_ENCODING).is_none());
        let gzip_response = app
            .anonymous()
            .get(path)
            .headers(&[("accept-encoding", "gzip")])
            .send()
            .await;
        let gzipped = gzip_response.body.clone();
        assert_eq!(gzip_response.headers[header::CONTENT_ENCODING], "gzip", "{path}");
        assert!(gzipped.len() < plain.len(), "{path}: smaller");
        assert_eq!(gunzip(&gzipped), plain, "{path}: gzip");
        let br_response = app
            .anonymous()
            .get(path)
            .headers(&[("accept-encoding", "br;q=1, gzip;q=0.5")])
            .send()
            .await;
        let brotlied = br_response.body.clone();
        assert_eq!(br_response.headers[header::CONTENT_ENCODING], "br", "{path}");
        assert_eq!(unbrotli(&brotlied), plain, "{path}: brotli");
        assert!(
            br_response.headers.get_all(header::VARY).iter().any(|v| v
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
    let plain = app.get(TREE).await;
    let strong = plain.headers[header::ETAG].to_str().unwrap().to_owned();
    assert!(strong.starts_with('"'));
    let gzipped = app
        .anonymous()
        .get(TREE)
        .headers(&[("accept-encoding", "gzip")])
        .send()
        .await;
    let weak = gzipped.headers[header::ETAG].to_str().unwrap().to_owned();
    assert_eq!(
        weak,
        format!("W/{strong}"),
        "a compressed representation has a weak tag"
    );
    for tag in [&strong, &weak] {
        for encoding in ["gzip", "br", "identity"] {
            let response = app
                .anonymous()
                .get(TREE)
                .headers(&[("accept-encoding", encoding), ("if-none-match", tag.as_str())])
                .send()
                .await;
            let body = response.body.clone();
            assert_eq!(response.status, 304, "{tag} with {encoding}");
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
    // Read frame by frame, to count them: the one test that takes the response apart itself.
    let request = app
        .anonymous()
        .get("/export/project-links.csv")
        .header("accept-encoding", "gzip")
        .build();
    let response = app.router().oneshot(request).await.unwrap();
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
    let plain = app.get("/export/project-links.csv").await.body;
    assert_eq!(csv, plain);
}
