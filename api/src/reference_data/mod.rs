//! Reference data: the canonical data shipped in `reference-data/` (regions, organisations,
//! target groups, national plans) and the deterministic synthetic registry for tests and
//! benchmarks, both loaded idempotently through `Dataset::load` (`loader.rs`), which never undoes an
//! edit made through the API.

pub mod canonical;
pub mod dataset;
pub mod files;
pub mod loader;
pub mod synthetic;

use entity::region;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, PaginatorTrait};

pub use dataset::{Dataset, KeptRow, SeedReport};
pub use synthetic::SyntheticSize;

/// Loads the canonical reference data; running it again changes nothing, and rows changed through
/// the API since they were loaded are left as they are (and reported).
pub async fn load_canonical(db: &DatabaseConnection) -> anyhow::Result<SeedReport> {
    let dataset = canonical::canonical_dataset().map_err(anyhow::Error::msg)?;
    Ok(dataset.load(db).await?)
}

/// Loads the canonical reference data and then the synthetic registry of `size`.
pub async fn load_synthetic(db: &DatabaseConnection, size: SyntheticSize) -> anyhow::Result<SeedReport> {
    let canonical = canonical::canonical_dataset().map_err(anyhow::Error::msg)?;
    let synthetic = synthetic::synthetic_dataset(size, &canonical);
    let report = canonical.load(db).await?;
    Ok(report.combined(synthetic.load(db).await?))
}

/// Whether the registry has no reference data yet (no regions).
pub async fn registry_is_empty(db: &DatabaseConnection) -> Result<bool, DbErr> {
    Ok(region::Entity::find().count(db).await? == 0)
}
