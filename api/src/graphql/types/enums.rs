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
    /// Withdrawn from the registry (`withdrawnAt` says when, `withdrawalReason` why). Only read,
    /// never written: use `withdrawPlan`. A withdrawn plan and its items are left out of lists,
    /// counts and coverage unless asked for.
    Withdrawn,
}

/// The four levels of a plan: strategic goal, operational goal, task, activity (measure).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::PlanItemKind")]
pub enum PlanItemKind {
    /// Top level, numbered like `3`.
    StrategicGoal,
    /// Child of a strategic goal, numbered like `3.1`.
    OperationalGoal,
    /// Child of an operational goal, numbered like `3.1.12`.
    Task,
    /// A measure of a task, numbered like `3.1.12.1`.
    Activity,
}

/// Whether a published item is in force. Items are withdrawn, never deleted.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::PlanItemStatus")]
pub enum PlanItemStatus {
    /// In force.
    Active,
    /// No longer in force; its code is never reused.
    Withdrawn,
}

/// A source of financing named by the plan.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::FundingSource")]
pub enum FundingSource {
    /// The state budget of Ukraine.
    StateBudget,
    /// Local budgets.
    LocalBudget,
    /// International technical assistance.
    InternationalAssistance,
    /// Other sources not prohibited by law.
    Other,
}

/// The part an organisation plays in carrying out a plan item.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::ResponsibilityRole")]
pub enum ResponsibilityRole {
    /// The responsible executor.
    Responsible,
    /// A co-executor.
    CoExecutor,
    /// Takes part by consent (local self-government, civil society).
    ByConsent,
    /// Coordinates the item.
    Coordinator,
}

/// Which way an indicator should move.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::IndicatorDirection")]
pub enum IndicatorDirection {
    /// Higher is better.
    Increase,
    /// Lower is better.
    Decrease,
    /// The value should hold.
    Maintain,
}

/// What an indicator value records.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::IndicatorValueKind")]
pub enum IndicatorValueKind {
    /// The starting point.
    Baseline,
    /// The value to reach in the period.
    Target,
    /// The value reported as achieved.
    Actual,
}

/// Sex disaggregation, with the SDG codes.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::Sex")]
pub enum Sex {
    /// Female.
    #[graphql(name = "F")]
    Female,
    /// Male.
    #[graphql(name = "M")]
    Male,
    /// Total (both sexes).
    #[graphql(name = "T")]
    Total,
}

/// Lifecycle of a vocabulary or one of its entries.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::VocabularyStatus")]
pub enum VocabularyStatus {
    /// In use.
    Active,
    /// No longer used for new links; kept so that old links resolve.
    Withdrawn,
}

/// The kind of body an organisation is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::OrganisationKind")]
pub enum OrganisationKind {
    /// A central executive authority (ministry, agency, the Cabinet of Ministers).
    CentralAuthority,
    /// A regional military or state administration.
    RegionalAdministration,
    /// A territorial community's council or executive body.
    LocalSelfGovernment,
    /// A body of the security and defence sector.
    SecurityAndDefence,
    /// A civil-society organisation.
    CivilSociety,
    /// An international organisation or UN agency.
    InternationalOrganisation,
    /// A bilateral donor or funding body.
    Donor,
    /// A higher-education or research institution.
    Academic,
    /// Anything else.
    Other,
}

/// The kind of a first-level subdivision of Ukraine.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::RegionKind")]
pub enum RegionKind {
    /// One of the 24 oblasts.
    Oblast,
    /// Kyiv or Sevastopol, cities with special status.
    City,
    /// The Autonomous Republic of Crimea.
    AutonomousRepublic,
}

/// The form of a legal act.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::LegalActKind")]
pub enum LegalActKind {
    /// An order (розпорядження).
    Order,
    /// A resolution (постанова).
    Resolution,
    /// A decree (указ).
    Decree,
    /// A law.
    Law,
    /// A decision (рішення) of a council.
    Decision,
    /// Any other form.
    Other,
}

/// What a legal act does to a plan.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::PlanActRole")]
pub enum PlanActRole {
    /// Approves (adopts) the plan.
    Approves,
    /// Amends the plan.
    Amends,
    /// Repeals the plan.
    Repeals,
}

/// IATI organisation roles in an activity.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::ParticipantRole")]
pub enum ParticipantRole {
    /// IATI role 1: provides the funds.
    Funding,
    /// IATI role 2: accountable for the activity.
    Accountable,
    /// IATI role 3: manages the budget on the funder's behalf.
    Extending,
    /// IATI role 4: carries the activity out.
    Implementing,
}

/// What is known about a region that has no regional plan for a national plan.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::enums::RegionPlanState")]
pub enum RegionPlanState {
    /// Known to have no approved regional plan, per the recorded source (and date, when it gives one).
    NoPlan,
    /// The region cannot localize the plan: a temporarily occupied territory (Crimea, Sevastopol),
    /// per the recorded source.
    NotApplicable,
}
