//! `https://` endpoints are reached over TLS, with the host name as SNI and the server's
//! certificate checked against the public roots: a local server that is not a trusted TLS server
//! sees a TLS ClientHello and the attempt fails as a handshake failure, with nothing sent in clear.

use nap_registry::domain::access::Scope;
use serde_json::json;
use tokio::io::AsyncReadExt;

use crate::{
    common::{
        TestApp,
        receiver::{Deliveries, eventually},
    },
    webhooks::CREATE,
};

#[tokio::test]
async fn an_https_endpoint_is_spoken_to_in_tls_and_must_present_a_trusted_certificate() {
    let app = TestApp::with_fixture().await;
    let service = Deliveries::fast(&app);
    // A server that records the first bytes it is sent and hangs up.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (first_bytes, mut seen) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buffer = vec![0_u8; 512];
            let read = stream.read(&mut buffer).await.unwrap_or(0);
            let _ = first_bytes.send(buffer[..read].to_vec());
        }
    });
    let owner = service.bearer(
        &app.token_for("fx-ngo", &[Scope::WebhooksManage, Scope::ProjectsWrite])
            .await,
    );
    let created = owner
        .graphql(
            CREATE,
            json!({ "input": { "url": format!("https://127.0.0.1:{port}/hook") } }),
        )
        .await;
    let id = created.data()["createWebhook"]["webhook"]["id"].clone();
    owner
        .graphql(
            "mutation { createProjectLink(input: { titleEn: \"Over TLS\" }) { projectLink { id } } }",
            json!({}),
        )
        .await
        .data();
    let hello = seen.recv().await.unwrap();
    // A TLS record of type handshake (22), version 3.x: a ClientHello, not an HTTP request.
    assert_eq!(&hello[..2], &[22, 3], "{:?}", String::from_utf8_lossy(&hello));
    assert!(!String::from_utf8_lossy(&hello).contains("POST"));
    let error = eventually("a failed attempt in the log", || async {
        let state = owner
            .graphql(
                "query($id: ID!) { webhook(id: $id) { deliveries { delivered error } } }",
                json!({ "id": id }),
            )
            .await;
        state.data()["webhook"]["deliveries"][0]["error"]
            .as_str()
            .map(str::to_owned)
    })
    .await;
    assert!(error.contains("TLS handshake failed"), "{error}");
    service.stop().await;
}
