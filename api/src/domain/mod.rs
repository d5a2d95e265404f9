//! The domain layer: the registry's rules and its SeaORM queries. It knows nothing of HTTP or
//! GraphQL; resolvers and CLI commands call into it and convert what it returns.

pub mod ids;
pub mod numbering;
pub mod pagination;
pub mod plans;
pub mod search;
