//! The `changes` subscription as a feed: its replay from a cursor is what the `changes` query
//! gives, it follows writes made on this instance and, through PostgreSQL notifications, on
//! another one; without a cursor it starts now, and a bad cursor fails it.

use std::time::Duration;

use futures_util::StreamExt;
use nap_registry::domain::access::Scope;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use super::{
    CHANGES, CREATE_TARGET_GROUP, Received, Socket, create_target_group, head, listen, queried,
    without_polling,
};
use crate::common::{
    Client, TestApp,
    server::{Server, command, tempdir},
};

#[tokio::test]
async fn replays_what_the_query_gives_then_follows_a_write_on_this_instance() {
    let app = TestApp::with_fixture().await;
    let (address, _stop, _server) = listen(&app, without_polling()).await;
    let filter = json!({ "entityTypes": ["Plan", "TargetGroup"] });
    let expected = queried(&app.anonymous(), "0", &filter).await;
    assert!(expected.len() > 2, "the fixture has plans and target groups");
    assert!(
        expected
            .iter()
            .all(|c| c["entityType"] == "Plan" || c["entityType"] == "TargetGroup")
    );

    let mut socket = Socket::initialised(address, json!({})).await;
    socket
        .subscribe("1", CHANGES, json!({ "after": "0", "filter": filter }))
        .await;
    assert_eq!(socket.changes("1", expected.len()).await, expected);

    // A write through this instance's HTTP endpoint reaches the subscriber at once (the poll is
    // five minutes away), and a change the filter leaves out never does.
    let admin = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    let writer = Client::http(address).bearer(&admin);
    writer
        .graphql(
            "mutation { createOrganisation(input: { code: \"subscription-test-org\", kind: CIVIL_SOCIETY, nameEn: \"Watchers\" }) { organisation { id } } }",
            Value::Null,
        )
        .await;
    writer
        .graphql(
            CREATE_TARGET_GROUP,
            json!({ "input": { "vocabulary": "UA-NAP-TG-2020", "code": "war-widows", "labelEn": "War widows" } }),
        )
        .await
        .data();
    let live = socket.changes("1", 1).await.remove(0);
    assert_eq!(live["entityType"], "TargetGroup");
    assert_eq!(live["entityCode"], "war-widows");
    assert_eq!(live["action"], "CREATE");
    let last = expected.last().unwrap()["sequence"].as_i64().unwrap();
    assert!(
        live["sequence"].as_i64().unwrap() > last + 1,
        "after the organisation's change"
    );
}

#[tokio::test]
async fn a_subscription_without_a_cursor_starts_now_and_a_bad_cursor_fails_it() {
    let app = TestApp::with_fixture().await;
    let (address, _stop, _server) = listen(&app, without_polling()).await;
    let mut socket = Socket::initialised(address, Value::Null).await;
    socket
        .subscribe("bad", CHANGES, json!({ "after": "not a cursor" }))
        .await;
    let refused = socket.next_of("bad").await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{refused}"
    );
    assert!(
        matches!(socket.receive().await, Received::Message(m) if m["type"] == "complete" && m["id"] == "bad")
    );

    create_target_group(&app, address, "written-before").await;
    socket.subscribe("now", CHANGES, json!({})).await;
    // No answer tells when the subscription has started: write until one change arrives. It is
    // never the change written before subscribing.
    for attempt in 0.. {
        create_target_group(&app, address, &format!("written-after-{attempt}")).await;
        let arrived = tokio::time::timeout(Duration::from_millis(200), socket.0.next()).await;
        if let Ok(Some(Ok(Message::Text(text)))) = arrived {
            let message: Value = serde_json::from_str(text.as_str()).unwrap();
            assert_eq!(message["id"], "now", "{message}");
            let code = message["payload"]["data"]["changes"]["entityCode"]
                .as_str()
                .unwrap();
            assert!(code.starts_with("written-after-"), "{message}");
            break;
        }
        assert!(attempt < 100, "no change arrived");
    }
}

/// `nap-registry serve` on `database_url`, signing and checking tokens with the tests' key, never
/// polling (only notifications tell of other instances' writes in time).
async fn binary_on(database_url: &str, key: &std::path::Path) -> (Server, std::path::PathBuf) {
    let directory = tempdir();
    let server = Server::start(
        command(&directory)
            .env("DATABASE_URL", database_url)
            .env("NAP_DATA_DIR", &directory)
            .env("NAP_JWT_PRIVATE_KEY_FILE", key)
            .env("NAP_SEED_ON_START", "never")
            .env("NAP_CHANGE_POLL_SECONDS", "300")
            .env("NAP_LOG", "warn"),
    )
    .await;
    (server, directory)
}

#[tokio::test]
async fn a_write_on_another_instance_reaches_subscribers_through_postgres_notifications() {
    let app = TestApp::with_fixture().await;
    if !app.database().is_postgres() {
        eprintln!("skipped: two instances share one registry only on PostgreSQL");
        return;
    }
    use ed25519_dalek::pkcs8::{EncodePrivateKey, spki::der::pem::LineEnding};
    let directory = tempdir();
    let key = directory.join("signing-key.pem");
    let pem = ed25519_dalek::SigningKey::from_bytes(&[1; 32])
        .to_pkcs8_pem(LineEnding::LF)
        .unwrap();
    std::fs::write(&key, pem.as_bytes()).unwrap();
    let url = app.database().url.expose().to_owned();
    let (follower, _) = binary_on(&url, &key).await;
    let (writer, _) = binary_on(&url, &key).await;

    let mut socket = Socket::initialised(follower.address, json!({})).await;
    socket
        .subscribe(
            "1",
            CHANGES,
            json!({ "after": head(&app).await, "filter": { "entityTypes": ["TargetGroup"] } }),
        )
        .await;
    // The follower never polls and these writes are not its own: only PostgreSQL's notifications
    // tell it in time (the second one surely: by then the follower listens and has read).
    let admin = app.token_for("ministry-of-social-policy", &[Scope::Admin]).await;
    for code in ["war-widows", "women-veterans"] {
        writer
            .client()
            .bearer(&admin)
            .graphql(
                CREATE_TARGET_GROUP,
                json!({ "input": { "vocabulary": "UA-NAP-TG-2020", "code": code, "labelEn": code } }),
            )
            .await
            .data();
        let change = socket.changes("1", 1).await.remove(0);
        assert_eq!(change["entityCode"], code);
        assert_eq!(change["action"], "CREATE");
    }
}
