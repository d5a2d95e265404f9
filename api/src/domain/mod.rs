//! The domain layer: the registry's rules and its SeaORM queries. It knows nothing of HTTP or
//! GraphQL; resolvers and CLI commands call into it and convert what it returns.

pub mod access;
pub mod alignment;
pub mod audit;
pub mod bilingual;
pub mod calendar;
pub mod change_feed;
pub mod codelists;
pub mod coverage;
pub mod donor_dashboard;
pub mod entity_type;
pub mod ids;
pub mod import;
pub mod indicators;
pub mod lookup;
pub mod numbering;
pub mod organisations;
pub mod pagination;
pub mod plan_items;
pub mod plans;
pub mod project_links;
pub mod search;
pub mod target_groups;
pub mod validation;
pub mod webhooks;
pub mod write;
