//! Bringing data prepared outside the registry in, in bulk: plans from spreadsheets (`plan`) and
//! donors' IATI activity files (`iati`).

pub mod iati;
pub mod plan;
