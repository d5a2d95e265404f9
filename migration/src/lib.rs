//! Schema migrations of the NAP 1325 registry. The `Migrator` lists them in the order they apply;
//! each file is named `mYYYYMMDD_HHMMSS_<verb>_<noun>.rs`. A migration that has landed is never
//! edited: a change to the schema is a new migration at the end of the list.
//!
//! The same migrations run on SQLite (the embedded default) and PostgreSQL (production): enumerated
//! values are stored as short strings and keys as UUIDs so that both backends behave the same.

pub use sea_orm_migration::prelude::*;

mod common;
mod m20261122_000001_create_regions_and_organisations;
mod m20261122_000002_create_plans_and_items;
mod m20261122_000003_create_indicators;
mod m20261122_000004_create_project_links;
mod m20261122_000005_create_tokens_audit_and_withdrawals;
mod m20261201_000001_create_loaded_rows;
mod m20261201_000200_create_region_plan_states;
mod m20261202_000100_create_vocabulary_editions;
mod m20261202_000200_create_project_iati_records;
mod m20261202_000300_share_audit_sequence;
mod m20261202_000400_create_webhooks;

pub use m20261122_000005_create_tokens_audit_and_withdrawals::REGISTRY_STATE_ID;

/// Applies the registry's migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_regions_and_organisations::Migration),
            Box::new(m20261122_000002_create_plans_and_items::Migration),
            Box::new(m20261122_000003_create_indicators::Migration),
            Box::new(m20261122_000004_create_project_links::Migration),
            Box::new(m20261122_000005_create_tokens_audit_and_withdrawals::Migration),
            Box::new(m20261201_000001_create_loaded_rows::Migration),
            Box::new(m20261201_000200_create_region_plan_states::Migration),
            Box::new(m20261202_000100_create_vocabulary_editions::Migration),
            Box::new(m20261202_000200_create_project_iati_records::Migration),
            Box::new(m20261202_000300_share_audit_sequence::Migration),
            Box::new(m20261202_000400_create_webhooks::Migration),
        ]
    }
}
