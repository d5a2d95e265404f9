//! Webhooks from the real binary: a change committed but not yet delivered when the server is
//! killed (`kill -9`) is delivered by the next server, and two servers on one PostgreSQL database
//! deliver each change exactly once.

use std::time::Instant;

use serde_json::{Value, json};

use crate::{
    common::{
        receiver::{Received, Receiver, Reply, eventually},
        server::{self, Server},
    },
    webhooks::CREATE,
};

/// A seeded registry with an organisation and its token.
struct Registry {
    registry: server::Registry,
    token: String,
}

impl Registry {
    async fn new() -> Self {
        let registry = server::Registry::seeded().await;
        let token = registry.organisation_with_token("hook-ngo", "projects:write,webhooks:manage");
        Self { registry, token }
    }

    async fn serve(&self) -> Server {
        self.registry
            .serve(|command| {
                command
                    .env("NAP_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
                    .env("NAP_WEBHOOK_POLL_INTERVAL", "50ms")
                    .env("NAP_WEBHOOK_TIMEOUT", "2s")
                    .env("NAP_WEBHOOK_RETRY_INITIAL_DELAY", "10ms")
                    .env("NAP_WEBHOOK_RETRY_MAX_DELAY", "50ms");
            })
            .await
    }
}

fn entity_ids(requests: &[Received]) -> Vec<String> {
    requests
        .iter()
        .map(|r| r.json["data"]["entityId"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_change_committed_before_a_kill_9_is_delivered_after_the_restart() {
    let registry = Registry::new().await;
    let receiver = Receiver::start().await;
    receiver.reply_always(Reply::Status(500));
    let mut first = registry.serve().await;
    let client = first.client().bearer(&registry.token);
    let created = client
        .graphql(CREATE, json!({ "input": { "url": receiver.url() } }))
        .await;
    created.data();
    let mut projects = Vec::new();
    for round in 0..3 {
        projects.push(
            client
                .create_project_link(&format!("Before the crash {round}"))
                .await,
        );
    }
    // The changes are committed and being tried: the server is killed before any is delivered.
    eventually("a delivery attempt", || async {
        (!receiver.received().is_empty()).then_some(())
    })
    .await;
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    assert!(receiver.accepted().is_empty());
    // A request the first server wrote just before it died can still be read, and answered 204,
    // after this point: it reached no one, so only the second server's connections count.
    let killed = Instant::now();
    receiver.reply_always(Reply::Status(204));
    let _second = registry.serve().await;
    let delivered = receiver
        .wait_for_accepted_on_connections_since(3, Some(killed))
        .await;
    assert_eq!(entity_ids(&delivered), projects);
}

#[tokio::test]
async fn two_servers_on_postgres_deliver_each_change_once() {
    let registry = Registry::new().await;
    if !registry.registry.is_postgres() {
        // On SQLite one process delivers; several instances need PostgreSQL.
        return;
    }
    let receiver = Receiver::start().await;
    let (one, two) = (registry.serve().await, registry.serve().await);
    let (one, two) = (
        one.client().bearer(&registry.token),
        two.client().bearer(&registry.token),
    );
    let created = one
        .graphql(CREATE, json!({ "input": { "url": receiver.url() } }))
        .await;
    let id = created.data()["createWebhook"]["webhook"]["id"].clone();
    let mut projects = Vec::new();
    for round in 0..20 {
        let client = if round % 2 == 0 { &one } else { &two };
        projects.push(client.create_project_link(&format!("Project {round}")).await);
    }
    receiver.wait_for_accepted(20).await;
    eventually("both servers to be done", || async {
        let state = two
            .graphql(
                "query($id: ID!) { webhook(id: $id) { lastDeliveredSequence } changesHead { sequence } }",
                json!({ "id": id }),
            )
            .await;
        let data: &Value = state.data();
        (data["webhook"]["lastDeliveredSequence"] == data["changesHead"]["sequence"]).then_some(())
    })
    .await;
    assert_eq!(receiver.received().len(), 20, "each change once");
    assert_eq!(entity_ids(&receiver.accepted()), projects, "in sequence order");
}
