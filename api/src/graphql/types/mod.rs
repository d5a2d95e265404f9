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
pub mod record;
pub mod region;
pub mod target_group;
pub mod token;
pub mod webhook;

use std::sync::Arc;

use crate::{
    domain::entity_type::EntityType,
    graphql::loaders::{Group, Loaders},
    read_model::table::{Readable, Row},
};

/// An output type over rows the request's loaders read by key, as its global IDs name it.
pub trait Loaded: From<Row<Self::Entity>> {
    /// The table of its rows.
    type Entity: Readable;
    /// The type its global IDs name.
    const TYPE: EntityType;
    /// The loader of its rows by key.
    fn loader(loaders: &Loaders) -> &Group<Self::Entity>;
}

/// Output types over rows the read model shares (`crate::read_model::table::Row`): each holds
/// its row (of the table `entity::$table`) by reference count, and is made from a shared row or
/// from one just read or written.
macro_rules! over_shared_rows {
    ($($wrapper:ty => $table:ident),* $(,)?) => {$(
        impl From<Arc<entity::$table::Model>> for $wrapper {
            fn from(row: Arc<entity::$table::Model>) -> Self {
                Self(row)
            }
        }

        impl From<entity::$table::Model> for $wrapper {
            fn from(row: entity::$table::Model) -> Self {
                Self(Arc::new(row))
            }
        }
    )*};
}

/// The output types of `over_shared_rows!` that global IDs name (as `$type_name`) and the loader
/// `$loader` reads by key.
macro_rules! loaded {
    ($($wrapper:ty => $table:ident as $type_name:ident through $loader:ident),* $(,)?) => {$(
        over_shared_rows!($wrapper => $table);

        impl Loaded for $wrapper {
            type Entity = entity::$table::Entity;
            const TYPE: EntityType = EntityType::$type_name;

            fn loader(loaders: &Loaders) -> &Group<Self::Entity> {
                &loaders.$loader
            }
        }
    )*};
}

over_shared_rows! {
    organisation::OrganisationName => organisation_name,
    plan_item::FundingLine => funding_line,
    plan_item::Responsibility => responsibility,
    project_link::ProjectParticipant => project_participant,
    target_group::Vocabulary => vocabulary,
}

loaded! {
    indicator::Indicator => indicator as Indicator through indicators,
    indicator::IndicatorValue => indicator_value as IndicatorValue through indicator_values,
    organisation::Organisation => organisation as Organisation through organisations,
    plan::Plan => plan as Plan through plans,
    plan::LegalAct => legal_act as LegalAct through legal_acts,
    plan_item::PlanItem => plan_item as PlanItem through plan_items,
    project_link::ProjectLink => project_link as ProjectLink through project_links,
    region::Region => region as Region through regions,
    target_group::TargetGroup => target_group as TargetGroup through target_groups,
}
