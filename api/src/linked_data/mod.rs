//! Permanent addresses for every object of the registry, and each plan (and target-group
//! vocabulary) published as an IATI codelist.
//!
//! - `uri`: the public base (`NAP_PUBLIC_URL`) and the address scheme;
//! - `address`: reading an address back into what it names (malformed vs. unknown);
//! - `resource`, `links`, `read_plans`, `read_items`, `read_projects`, `read_others`, `vocabulary`: what an address says, read from the
//!   database (no HTTP here);
//! - `coverage_page`, `landing`, `tile_map`: what the coverage page of a national plan and the
//!   landing page say, and the self-drawn tile map of the regions;
//! - `negotiation`, `render`, `routes`, `pages`: formats, templates and the HTTP handlers.

pub mod address;
pub mod coverage_page;
pub mod landing;
pub mod links;
pub mod negotiation;
pub mod pages;
pub mod read_items;
pub mod read_others;
pub mod read_plans;
pub mod read_projects;
pub mod render;
pub mod resource;
pub mod routes;
pub mod tile_map;
pub mod uri;
pub mod vocabulary;

pub use routes::routes;
pub use uri::PublicUrl;
