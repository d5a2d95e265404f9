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

use std::sync::Arc;

/// Output types over rows the read model shares (`crate::read_model::table::Row`): each holds
/// its row by reference count, and is made from a shared row or from one just read or written.
macro_rules! over_shared_rows {
    ($($wrapper:ty => $model:ty),* $(,)?) => {$(
        impl From<Arc<$model>> for $wrapper {
            fn from(row: Arc<$model>) -> Self {
                Self(row)
            }
        }

        impl From<$model> for $wrapper {
            fn from(row: $model) -> Self {
                Self(Arc::new(row))
            }
        }
    )*};
}

over_shared_rows! {
    indicator::Indicator => entity::indicator::Model,
    indicator::IndicatorValue => entity::indicator_value::Model,
    organisation::Organisation => entity::organisation::Model,
    organisation::OrganisationName => entity::organisation_name::Model,
    plan::Plan => entity::plan::Model,
    plan::LegalAct => entity::legal_act::Model,
    plan_item::PlanItem => entity::plan_item::Model,
    plan_item::FundingLine => entity::funding_line::Model,
    plan_item::Responsibility => entity::responsibility::Model,
    project_link::ProjectLink => entity::project_link::Model,
    project_link::ProjectParticipant => entity::project_participant::Model,
    region::Region => entity::region::Model,
    target_group::TargetGroup => entity::target_group::Model,
    target_group::Vocabulary => entity::vocabulary::Model,
}
