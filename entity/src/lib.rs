//! SeaORM entities of the NAP 1325 registry: one module per table, plus the closed vocabularies
//! (`enums`). This crate knows nothing of HTTP, GraphQL or tokens; the `api` crate's domain layer
//! is the only code that queries these tables.

pub mod api_token;
pub mod audit_event;
pub mod enums;
pub mod funding_line;
pub mod indicator;
pub mod indicator_value;
pub mod legal_act;
pub mod loaded_row;
pub mod organisation;
pub mod organisation_identifier;
pub mod organisation_name;
pub mod organisation_succession;
pub mod plan;
pub mod plan_item;
pub mod plan_item_implementation;
pub mod plan_item_target_group;
pub mod plan_legal_act;
pub mod project_budget;
pub mod project_dac_purpose;
pub mod project_iati_record;
pub mod project_link;
pub mod project_participant;
pub mod project_plan_item;
pub mod project_region;
pub mod region;
pub mod region_plan_state;
pub mod registry_state;
pub mod responsibility;
pub mod target_group;
pub mod vocabulary;
pub mod vocabulary_carry_over;
pub mod webhook_cursor;
pub mod webhook_delivery;
pub mod webhook_endpoint;
pub mod webhook_secret;

/// The entities under short names, for `use entity::prelude::*`.
pub mod prelude {
    pub use super::api_token::Entity as ApiToken;
    pub use super::audit_event::Entity as AuditEvent;
    pub use super::funding_line::Entity as FundingLine;
    pub use super::indicator::Entity as Indicator;
    pub use super::indicator_value::Entity as IndicatorValue;
    pub use super::legal_act::Entity as LegalAct;
    pub use super::loaded_row::Entity as LoadedRow;
    pub use super::organisation::Entity as Organisation;
    pub use super::organisation_identifier::Entity as OrganisationIdentifier;
    pub use super::organisation_name::Entity as OrganisationName;
    pub use super::organisation_succession::Entity as OrganisationSuccession;
    pub use super::plan::Entity as Plan;
    pub use super::plan_item::Entity as PlanItem;
    pub use super::plan_item_implementation::Entity as PlanItemImplementation;
    pub use super::plan_item_target_group::Entity as PlanItemTargetGroup;
    pub use super::plan_legal_act::Entity as PlanLegalAct;
    pub use super::project_budget::Entity as ProjectBudget;
    pub use super::project_dac_purpose::Entity as ProjectDacPurpose;
    pub use super::project_iati_record::Entity as ProjectIatiRecord;
    pub use super::project_link::Entity as ProjectLink;
    pub use super::project_participant::Entity as ProjectParticipant;
    pub use super::project_plan_item::Entity as ProjectPlanItem;
    pub use super::project_region::Entity as ProjectRegion;
    pub use super::region::Entity as Region;
    pub use super::region_plan_state::Entity as RegionPlanState;
    pub use super::registry_state::Entity as RegistryState;
    pub use super::responsibility::Entity as Responsibility;
    pub use super::target_group::Entity as TargetGroup;
    pub use super::vocabulary::Entity as Vocabulary;
    pub use super::vocabulary_carry_over::Entity as VocabularyCarryOver;
    pub use super::webhook_cursor::Entity as WebhookCursor;
    pub use super::webhook_delivery::Entity as WebhookDelivery;
    pub use super::webhook_endpoint::Entity as WebhookEndpoint;
    pub use super::webhook_secret::Entity as WebhookSecret;
}
