//! The GraphQL API: the schema, its limits and its own description (`schema`, `limits`,
//! `description`), documents parsed once per thread (`documents`), the query entry points (`query`), the live change feed (`subscription`), the
//! output types (`types`), global IDs (`node_id`) and the reader's language (`language`).
//! Resolvers stay thin: they read arguments, call `domain::`, and convert what comes back.

pub mod context;
pub mod cost;
pub mod description;
pub mod documents;
pub mod errors;
pub mod language;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub mod natural_keys;
pub mod node_id;
pub mod object_list;
pub mod query;
pub mod schema;
pub mod subscription;
pub mod types;

pub use description::sdl;
pub use schema::{RegistrySchema, Schemas, build_schema, build_schema_at, build_schemas, schema_builder};
