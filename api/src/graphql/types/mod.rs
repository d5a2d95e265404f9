//! Output types of the GraphQL API, one module per area. Each wraps a domain row and resolves
//! fields from it; none exposes a database model directly.

pub mod enums;
pub mod plan;
