//! Output types of the GraphQL API, one module per area. Each wraps a domain row and resolves
//! fields from it; none exposes a database model directly.

pub mod audit;
pub mod codelist;
pub mod common;
pub mod coverage;
pub mod dashboard;
pub mod enums;
pub mod indicator;
pub mod node;
pub mod organisation;
pub mod plan;
pub mod plan_item;
pub mod project_link;
pub mod region;
pub mod target_group;
pub mod token;
pub mod webhook;
