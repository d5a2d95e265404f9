//! Black-box tests of the NAP 1325 registry, in one test binary. Each test gets its own fresh
//! database on the backend `TEST_DATABASE_URL` names (SQLite by default; see `common::database`),
//! migrated by the real Migrator, and talks to the service through its real router or binary.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test helper that cannot do its job should fail the test loudly, with the reason"
)]

mod common;

mod change_feed;
mod codelists;
mod command_line;
mod compression;
mod connections;
mod coverage_and_totals;
mod coverage_status;
mod database_outage;
mod export_memory;
mod exports;
mod federation;
mod http_protocol;
mod iati_import;
mod iati_vocabulary;
mod instances;
mod integrator_protocol;
mod linked_data;
mod linked_data_browser;
mod linked_data_lifecycle;
mod migrations;
mod model_gaps_localization;
mod model_gaps_renames;
mod model_gaps_vocabulary_editions;
mod mutations;
mod pagination;
mod persisted_queries;
mod plan_import;
mod plans;
mod query_cost;
mod read_cache;
mod read_entry_points;
mod read_model_catch_up;
mod read_relations;
mod reference_data;
mod reference_data_edits;
mod robustness;
mod schema_contract;
mod snapshots;
mod subscriptions;
mod webhooks;
mod webhooks_batches;
mod webhooks_delivery;
mod webhooks_https;
mod webhooks_instances;
mod withdrawn;
mod writes;
