//! Bringing outside data into the registry in bulk: `iati` reads donors' IATI activity files.

pub mod iati;
