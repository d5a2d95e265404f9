//! Imports of data prepared outside the registry: plans from spreadsheets (`plan`).

pub mod plan;
