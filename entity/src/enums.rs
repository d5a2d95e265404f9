//! The closed vocabularies of the data model, stored as their upper-case wire strings so that the
//! database, the GraphQL enums and the reference data files all spell a value the same way.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Declares a string-backed active enum whose stored value is the variant's SCREAMING_SNAKE name.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[sea_orm(string_value = $wire)]
                #[serde(rename = $wire)]
                $variant,
            )+
        }

        impl $name {
            /// The value as stored in the database and written in reference data files.
            pub fn as_wire(self) -> &'static str {
                match self {
                    $(Self::$variant => $wire,)+
                }
            }
        }
    };
}

string_enum! {
    /// The level of government a plan belongs to.
    PlanLevel {
        /// The national action plan adopted by the Cabinet of Ministers.
        National = "NATIONAL",
        /// A plan of an oblast, Kyiv city, or the formally listed Crimea and Sevastopol.
        Regional = "REGIONAL",
        /// A plan of a ministry or a security and defence body.
        Departmental = "DEPARTMENTAL",
        /// A plan of a territorial community, adopted by consent.
        Local = "LOCAL",
    }
}

string_enum! {
    /// Where a plan stands in its legal life.
    PlanStatus {
        /// Being prepared; not adopted.
        Draft = "DRAFT",
        /// Adopted by its legal act and in force.
        Adopted = "ADOPTED",
        /// Adopted and later amended, still in force.
        Amended = "AMENDED",
        /// Its period has ended.
        Expired = "EXPIRED",
        /// Replaced by a newer plan before or at its end.
        Superseded = "SUPERSEDED",
        /// Withdrawn from the registry (entered by mistake or revoked); never stored, only read:
        /// a withdrawn plan keeps its stored status and has `withdrawn_at` set.
        Withdrawn = "WITHDRAWN",
    }
}

string_enum! {
    /// The four levels of the plan hierarchy, each the child of the one before.
    PlanItemKind {
        /// Top level, numbered `3`.
        StrategicGoal = "STRATEGIC_GOAL",
        /// Child of a strategic goal, numbered `3.1`.
        OperationalGoal = "OPERATIONAL_GOAL",
        /// Child of an operational goal, numbered `3.1.12`.
        Task = "TASK",
        /// A measure of a task, numbered `3.1.12.1`.
        Activity = "ACTIVITY",
    }
}

string_enum! {
    /// Published items are withdrawn, never deleted.
    PlanItemStatus {
        /// In force.
        Active = "ACTIVE",
        /// No longer in force; its code is never reused.
        Withdrawn = "WITHDRAWN",
    }
}

string_enum! {
    /// The source of financing of a funding line.
    FundingSource {
        /// The state budget of Ukraine.
        StateBudget = "STATE_BUDGET",
        /// Local (regional or community) budgets.
        LocalBudget = "LOCAL_BUDGET",
        /// International technical assistance.
        InternationalAssistance = "INTERNATIONAL_ASSISTANCE",
        /// Any other source not prohibited by law.
        Other = "OTHER",
    }
}

string_enum! {
    /// The part an organisation plays in carrying out a plan item.
    ResponsibilityRole {
        /// The responsible executor.
        Responsible = "RESPONSIBLE",
        /// A co-executor.
        CoExecutor = "CO_EXECUTOR",
        /// Takes part by consent (local self-government, civil society).
        ByConsent = "BY_CONSENT",
        /// Coordinates the item's implementation.
        Coordinator = "COORDINATOR",
    }
}

string_enum! {
    /// Which way an indicator should move.
    IndicatorDirection {
        /// Higher is better.
        Increase = "INCREASE",
        /// Lower is better.
        Decrease = "DECREASE",
        /// The value should hold.
        Maintain = "MAINTAIN",
    }
}

string_enum! {
    /// What an indicator value records.
    IndicatorValueKind {
        /// The starting point.
        Baseline = "BASELINE",
        /// The value to reach by the end of the period.
        Target = "TARGET",
        /// The value reported as achieved.
        Actual = "ACTUAL",
    }
}

string_enum! {
    /// Sex disaggregation, with the SDG codes.
    Sex {
        /// Female.
        Female = "F",
        /// Male.
        Male = "M",
        /// Total, both sexes.
        Total = "T",
    }
}

string_enum! {
    /// Lifecycle of a vocabulary entry (target group) or a whole vocabulary version.
    VocabularyStatus {
        /// In use.
        Active = "ACTIVE",
        /// No longer used for new links; kept so that old links resolve.
        Withdrawn = "WITHDRAWN",
    }
}

string_enum! {
    /// The kind of body an organisation is.
    OrganisationKind {
        /// A central executive authority (ministry, agency, the Cabinet of Ministers).
        CentralAuthority = "CENTRAL_AUTHORITY",
        /// A regional military or state administration.
        RegionalAdministration = "REGIONAL_ADMINISTRATION",
        /// A territorial community's council or executive body.
        LocalSelfGovernment = "LOCAL_SELF_GOVERNMENT",
        /// A body of the security and defence sector.
        SecurityAndDefence = "SECURITY_AND_DEFENCE",
        /// A civil-society organisation.
        CivilSociety = "CIVIL_SOCIETY",
        /// An international organisation or UN agency.
        InternationalOrganisation = "INTERNATIONAL_ORGANISATION",
        /// A bilateral donor or funding body.
        Donor = "DONOR",
        /// A higher-education or research institution.
        Academic = "ACADEMIC",
        /// Anything else.
        Other = "OTHER",
    }
}

string_enum! {
    /// The kind of a first-level subdivision of Ukraine (ISO 3166-2:UA).
    RegionKind {
        /// One of the 24 oblasts.
        Oblast = "OBLAST",
        /// Kyiv or Sevastopol, cities with special status.
        City = "CITY",
        /// The Autonomous Republic of Crimea.
        AutonomousRepublic = "AUTONOMOUS_REPUBLIC",
    }
}

string_enum! {
    /// The form of a legal act.
    LegalActKind {
        /// An order (розпорядження) of the Cabinet of Ministers or an administration.
        Order = "ORDER",
        /// A resolution (постанова).
        Resolution = "RESOLUTION",
        /// A decree (указ).
        Decree = "DECREE",
        /// A law.
        Law = "LAW",
        /// A decision (рішення) of a council.
        Decision = "DECISION",
        /// Any other form.
        Other = "OTHER",
    }
}

string_enum! {
    /// What a legal act does to a plan.
    PlanActRole {
        /// The act approves (adopts) the plan.
        Approves = "APPROVES",
        /// The act amends the plan.
        Amends = "AMENDS",
        /// The act repeals the plan.
        Repeals = "REPEALS",
    }
}

string_enum! {
    /// IATI organisation roles in an activity (codes 1 to 4).
    ParticipantRole {
        /// IATI role 1: provides the funds.
        Funding = "FUNDING",
        /// IATI role 2: accountable for the activity.
        Accountable = "ACCOUNTABLE",
        /// IATI role 3: manages the budget on behalf of the funder.
        Extending = "EXTENDING",
        /// IATI role 4: carries the activity out.
        Implementing = "IMPLEMENTING",
    }
}

string_enum! {
    /// What is known about a region's localization of a national plan when it has no regional plan.
    RegionPlanState {
        /// Known to have no approved regional plan, per the recorded source and date.
        NoPlan = "NO_PLAN",
        /// The region cannot localize the plan (a temporarily occupied territory), per the source.
        NotApplicable = "NOT_APPLICABLE",
    }
}
