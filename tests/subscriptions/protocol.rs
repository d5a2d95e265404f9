//! The protocol's edges: `connection_init` anonymous, with a token, or refused with 4403; only
//! subscriptions over the socket; the limits per connection and per client; a socket's place
//! under the connection cap; the 1001 close on shutdown.

use std::time::Duration;

use nap_registry::{
    config::{HttpSettings, SubscriptionSettings},
    domain::access::Scope,
};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite;

use super::{CHANGES, CREATE_TARGET_GROUP, PATIENCE, Received, Socket, create_target_group, head, listen};
use crate::common::{Client, TestApp};

#[tokio::test]
async fn connection_init_is_anonymous_or_carries_a_token_and_a_bad_token_is_forbidden() {
    let app = TestApp::with_fixture().await;
    let (address, _stop, _server) = listen(&app, HttpSettings::default()).await;
    Socket::initialised(address, json!({})).await;
    let token = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    Socket::initialised(address, json!({ "Authorization": format!("Bearer {token}") })).await;
    Socket::initialised(address, json!({ "token": token })).await;

    let revoked = app
        .revoked_token_for("ministry-of-social-policy", &[Scope::Admin])
        .await;
    for payload in [
        json!({ "Authorization": "Bearer not-a-token" }),
        json!({ "token": revoked }),
        json!({ "Authorization": "Basic dXNlcjpwYXNz" }),
    ] {
        let mut socket = Socket::open(address).await.unwrap();
        match socket.init(payload.clone()).await {
            Received::Closed(Some((4403, reason))) => assert!(reason.starts_with("Forbidden"), "{reason}"),
            other => panic!("{payload}: expected a 4403 close, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn only_subscriptions_run_over_the_socket() {
    let app = TestApp::with_fixture().await;
    let (address, _stop, _server) = listen(&app, HttpSettings::default()).await;
    let token = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    let mut socket = Socket::initialised(address, json!({ "token": token })).await;
    socket
        .subscribe("q", "{ changesHead { sequence } }", Value::Null)
        .await;
    let refused = socket.next_of("q").await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "BAD_REQUEST",
        "{refused}"
    );
    assert!(
        matches!(socket.receive().await, Received::Message(m) if m["type"] == "complete" && m["id"] == "q")
    );
    socket
        .subscribe(
            "m",
            CREATE_TARGET_GROUP,
            json!({ "input": { "vocabulary": "UA-NAP-TG-2020", "code": "war-widows", "labelEn": "War widows" } }),
        )
        .await;
    let refused = socket.next_of("m").await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "BAD_REQUEST",
        "{refused}"
    );
    let groups = app
        .graphql("{ targetGroup(code: \"war-widows\") { code } }", Value::Null)
        .await;
    assert_eq!(groups.data()["targetGroup"], Value::Null, "nothing was written");
}

#[tokio::test]
async fn subscriptions_per_connection_and_connections_per_client_are_limited() {
    let app = TestApp::with_fixture().await;
    let http = HttpSettings {
        subscriptions: SubscriptionSettings {
            per_connection: 2,
            connections_per_client: 2,
            ..Default::default()
        },
        ..Default::default()
    };
    let (address, _stop, _server) = listen(&app, http).await;
    let from = json!({ "after": head(&app).await });
    let mut socket = Socket::initialised(address, json!({})).await;
    socket.subscribe("a", CHANGES, from.clone()).await;
    socket.subscribe("b", CHANGES, from.clone()).await;
    socket.subscribe("c", CHANGES, from.clone()).await;
    let refused = socket.next_of("c").await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "SUBSCRIPTION_LIMIT",
        "{refused}"
    );
    assert!(
        matches!(socket.receive().await, Received::Message(m) if m["type"] == "complete" && m["id"] == "c")
    );
    // Completing one frees its place.
    socket.send(json!({ "id": "a", "type": "complete" })).await;
    assert!(
        matches!(socket.receive().await, Received::Message(m) if m["type"] == "complete" && m["id"] == "a")
    );
    socket.subscribe("d", CHANGES, from).await;
    create_target_group(&app, address, "war-widows").await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        match socket.receive().await {
            Received::Message(m) if m["type"] == "next" => {
                assert_eq!(m["payload"]["data"]["changes"]["entityCode"], "war-widows");
                ids.push(m["id"].as_str().unwrap().to_owned());
            }
            other => panic!("{other:?}"),
        }
    }
    ids.sort();
    assert_eq!(ids, ["b", "d"]);

    // A second socket of the same client is allowed, a third is refused before the upgrade.
    let _second = Socket::open(address).await.unwrap();
    match Socket::open(address).await {
        Err(tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 429);
            let body: Value = serde_json::from_slice(response.body().as_deref().unwrap()).unwrap();
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "SUBSCRIPTION_LIMIT",
                "{body}"
            );
        }
        other => panic!("expected a 429 refusal, got {:?}", other.map(|_| ())),
    }
    drop(socket);
    // Once one closes, the client may open another.
    let mut reopened = None;
    for _ in 0..100 {
        if let Ok(socket) = Socket::open(address).await {
            reopened = Some(socket);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(reopened.is_some(), "a closed socket gives its place back");
}

#[tokio::test]
async fn a_websocket_keeps_its_place_under_the_connection_cap() {
    let app = TestApp::with_fixture().await;
    let http = HttpSettings {
        max_connections: 1,
        ..Default::default()
    };
    let (address, _stop, _server) = listen(&app, http).await;
    let socket = Socket::initialised(address, json!({})).await;
    // The only place is the socket's: a new connection gets only the health routes.
    let refused = Client::http(address)
        .graphql_request("{ changesHead { sequence } }", Value::Null)
        .send()
        .await;
    assert_eq!(refused.status, 503, "{}", refused.text());
    assert_eq!(Client::http(address).get("/healthz").send().await.status, 200);
    drop(socket);
    let mut served = false;
    for _ in 0..100 {
        let answer = Client::http(address)
            .graphql_request("{ changesHead { sequence } }", Value::Null)
            .send()
            .await;
        if answer.status == 200 {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(served, "a closed socket gives its place back");
}

#[tokio::test]
async fn shutdown_closes_every_socket_with_going_away() {
    let app = TestApp::with_fixture().await;
    let (address, stop, server) = listen(&app, HttpSettings::default()).await;
    let mut socket = Socket::initialised(address, json!({})).await;
    socket.subscribe("1", CHANGES, json!({})).await;
    let mut idle = Socket::initialised(address, json!({})).await;
    stop.send(()).unwrap();
    for socket in [&mut socket, &mut idle] {
        match socket.receive().await {
            Received::Closed(Some((code, _))) => assert_eq!(code, 1001),
            other => panic!("expected a 1001 close, got {other:?}"),
        }
    }
    tokio::time::timeout(PATIENCE, server)
        .await
        .expect("the server stops once its sockets are closed")
        .unwrap();
}
