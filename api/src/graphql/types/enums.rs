//! GraphQL mirrors of the data model's closed vocabularies, converted to and from the entity
//! enums; the wire values are the same upper-case strings the database stores.

use async_graphql::Enum;

/// The level of government a plan belongs to.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::PlanLevel")]
pub enum PlanLevel {
    /// The national action plan adopted by the Cabinet of Ministers.
    National,
    /// A plan of an oblast or Kyiv city (formally also Crimea and Sevastopol) localizing the national plan.
    Regional,
    /// A plan of a ministry or a security and defence body.
    Departmental,
    /// A plan of a territorial community, adopted by consent.
    Local,
}

/// Where a plan stands in its legal life.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::PlanStatus")]
pub enum PlanStatus {
    /// Being prepared; not adopted.
    Draft,
    /// Adopted by its legal act and in force.
    Adopted,
    /// Adopted, later amended, and in force.
    Amended,
    /// Its period has ended.
    Expired,
    /// Replaced by a newer plan.
    Superseded,
}
