//! Several instances of the service on one database, as behind a load balancer: none serves an
//! answer older than a write acknowledged on another, and each learns of the others' writes
//! without being asked (PostgreSQL's `NOTIFY`, else polling).

use std::{
    sync::{
        Arc,
        atomic::{AtomicI64, Ordering},
    },
    time::{Duration, Instant},
};

use serde_json::json;

use crate::common::{
    Client,
    server::{Registry, Server},
};

/// Two instances of the service on one database, as behind a load balancer: a write through one
/// is seen at once by a read through the other, although the other keeps answers in memory.
#[tokio::test]
async fn two_servers_on_one_database_never_serve_a_stale_read() {
    let registry = Registry::seeded().await;
    let token = registry.organisation_with_token("two-ngo", "projects:write");
    let writer = registry.serve(|_| {}).await;
    let reader = registry.serve(|_| {}).await;
    let (writer, reader) = (writer.client().bearer(&token), reader.client());
    for round in 0..10 {
        // Read twice through the reader, so the answer is kept there.
        let (first, kept) = (link_count(&reader).await, link_count(&reader).await);
        assert_eq!(first, kept);
        writer.create_project_link(&format!("Round {round}")).await;
        assert_eq!(
            link_count(&reader).await,
            kept + 1,
            "round {round}: the reader served an answer older than an acknowledged write"
        );
    }
}

/// Three instances on one database and writers working at the same time: after each acknowledged
/// write, a read through every other instance (each keeping its answers in memory, each read
/// again and again) counts at least every link whose write was acknowledged before the read
/// began, and finds the link just written. On PostgreSQL each writer writes through its own
/// instance; on SQLite (one file, one writing process) they all write through the first, and the
/// other two read.
#[tokio::test]
async fn three_servers_with_concurrent_writers_never_serve_a_stale_read() {
    const WRITERS: usize = 3;
    const ROUNDS: usize = 8;
    let registry = Registry::seeded().await;
    let servers = [
        registry.serve(|_| {}).await,
        registry.serve(|_| {}).await,
        registry.serve(|_| {}).await,
    ];
    let readers: Vec<Client> = servers.iter().map(Server::client).collect();
    let before = link_count(&readers[0]).await;
    // Writes acknowledged so far, by any writer.
    let acknowledged = Arc::new(AtomicI64::new(0));
    let writers = (0..WRITERS).map(|writer| {
        let token = registry.organisation_with_token(&format!("writer-{writer}"), "projects:write");
        let through = if registry.is_postgres() { writer } else { 0 };
        let client = servers[through].client().bearer(&token);
        let others: Vec<(usize, Client)> = readers
            .iter()
            .enumerate()
            .filter(|(index, _)| *index != through)
            .map(|(index, reader)| (index, reader.clone()))
            .collect();
        let acknowledged = Arc::clone(&acknowledged);
        tokio::spawn(async move {
            for round in 0..ROUNDS {
                let title = format!("Writer {writer} round {round}");
                let id = client.create_project_link(&title).await;
                let floor = acknowledged.fetch_add(1, Ordering::SeqCst) + 1;
                for (index, reader) in &others {
                    let count = link_count(reader).await;
                    assert!(
                        count >= before + floor,
                        "instance {index} counted {count} links after {floor} acknowledged writes \
                         (and {before} before them): a stale read"
                    );
                    assert_eq!(
                        link_title(reader, &id).await,
                        title,
                        "instance {index} did not see the link writer {writer} just wrote through instance {through}"
                    );
                }
            }
        })
    });
    for writer in writers.collect::<Vec<_>>() {
        writer.await.expect("a writer failed");
    }
    let total = before + i64::try_from(WRITERS * ROUNDS).unwrap_or(i64::MAX);
    for reader in &readers {
        assert_eq!(link_count(reader).await, total);
    }
}

/// An instance's read model follows a write made through another instance before anything is
/// read from it: on PostgreSQL through the `NOTIFY` the write sends (polling is set to its
/// longest, 300 s, so that nothing else can tell in time), on SQLite through polling every second.
#[tokio::test]
async fn an_instance_learns_of_another_instances_write_before_any_read() {
    let registry = Registry::seeded().await;
    let token = registry.organisation_with_token("notified-ngo", "projects:write");
    let (_servers, writer, follower) = writer_and_follower(&registry, &token).await;
    let before = read_model_sequence(&follower).await;
    hears_a_link_written(&writer, &follower, before).await;
}

/// The same for a plan import, which writes many objects in one step of the sequence: once the
/// follower is known to be listening (it heard a link written), it hears the import.
#[tokio::test]
async fn an_instance_learns_of_another_instances_plan_import_before_any_read() {
    let registry = Registry::seeded().await;
    let token = registry.run(&[
        "token",
        "issue",
        "--org",
        "ministry-of-social-policy",
        "--scopes",
        "registry:admin",
        "--ttl",
        "1d",
        "--label",
        "importer",
    ]);
    let (_servers, writer, follower) = writer_and_follower(&registry, token.trim()).await;
    let before = read_model_sequence(&follower).await;
    hears_a_link_written(&writer, &follower, before).await;
    let report = crate::plan_import::upload(
        &writer,
        "UA-NAP-2021-2025",
        &crate::plan_import::national_files(),
        json!({}),
        "en",
    )
    .await;
    let imported = report["data"]["importPlan"]["sequence"]
        .as_f64()
        .unwrap_or_else(|| panic!("the import was not applied: {report}"));
    assert!(
        heard(&follower, imported).await,
        "the follower's read model stayed at sequence {} after an import elsewhere reached {imported}",
        read_model_sequence(&follower).await
    );
}

/// Two serving processes over `registry`: a writer (its client bearing `token`) and an anonymous
/// follower that polls for changes only every 300 s on PostgreSQL (every second on SQLite).
async fn writer_and_follower(registry: &Registry, token: &str) -> ([Server; 2], Client, Client) {
    let poll_seconds = if registry.is_postgres() { "300" } else { "1" };
    let writer = registry.serve(|_| {}).await;
    let follower = registry
        .serve(|command| {
            command.env("NAP_CHANGE_POLL_SECONDS", poll_seconds);
        })
        .await;
    let clients = (writer.client().bearer(token), follower.client());
    ([writer, follower], clients.0, clients.1)
}

/// Writes project links through `writer` until `follower`'s read model, read from nothing but its
/// metrics, reaches a write's sequence. The follower may answer before its listener is connected,
/// so a write may go unheard; one of three, each given ten seconds, must be heard.
async fn hears_a_link_written(writer: &Client, follower: &Client, before: f64) {
    for round in 0..3 {
        writer.create_project_link(&format!("Announced {round}")).await;
        // A read through the writer brings its read model up to the write.
        link_count(writer).await;
        let written = read_model_sequence(writer).await;
        assert!(
            written > before,
            "the write did not move the sequence past {before}"
        );
        if heard(follower, written).await {
            return;
        }
    }
    panic!(
        "the follower's read model stayed at sequence {} after three writes elsewhere",
        read_model_sequence(follower).await
    );
}

/// Whether `follower`'s read model reaches `sequence` within ten seconds. Only /metrics is asked,
/// which reads nothing: the announcement (or the poll) alone moves it.
async fn heard(follower: &Client, sequence: f64) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if read_model_sequence(follower).await >= sequence {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// The change sequence `instance`'s read model shows, from its metrics (which read nothing).
async fn read_model_sequence(instance: &Client) -> f64 {
    instance.metric("nap_read_model{value=\"sequence\"}").await
}

/// How many project links `reader` counts (the same query each time, so the instance keeps it).
async fn link_count(reader: &Client) -> i64 {
    let answer = reader
        .graphql("{ projectLinks(first: 1) { totalCount } }", json!({}))
        .await;
    answer.body["data"]["projectLinks"]["totalCount"]
        .as_i64()
        .unwrap_or_else(|| panic!("{}", answer.body))
}

/// The English title of the project link `id`, as `reader` answers it.
async fn link_title(reader: &Client, id: &str) -> String {
    let answer = reader
        .graphql(
            "query($id: ID!) { node(id: $id) { ... on ProjectLink { titles { en } } } }",
            json!({ "id": id }),
        )
        .await;
    answer.body["data"]["node"]["titles"]["en"]
        .as_str()
        .unwrap_or_else(|| panic!("{}", answer.body))
        .to_owned()
}
