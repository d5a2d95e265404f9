//! The names of the registry's object types: one constant each, shared by the audit trail (its
//! `entityType`), the change feed and the global IDs (`TypeName:uuid`). They are the GraphQL type
//! names, so a stored audit event, a node ID and the schema always agree.

use std::fmt;

/// A type of object the registry publishes or audits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityType {
    /// `Plan`.
    Plan,
    /// `PlanItem`.
    PlanItem,
    /// `Indicator`.
    Indicator,
    /// `IndicatorValue`.
    IndicatorValue,
    /// `TargetGroup`.
    TargetGroup,
    /// `Organisation`.
    Organisation,
    /// `Region`.
    Region,
    /// `ProjectLink`.
    ProjectLink,
    /// `LegalAct`.
    LegalAct,
    /// `Vocabulary` (audited, not an object of the API).
    Vocabulary,
    /// `ApiToken` (audited, not in the public feed).
    ApiToken,
}

impl EntityType {
    /// Every type, in the order above.
    pub const ALL: [Self; 11] = [
        Self::Plan,
        Self::PlanItem,
        Self::Indicator,
        Self::IndicatorValue,
        Self::TargetGroup,
        Self::Organisation,
        Self::Region,
        Self::ProjectLink,
        Self::LegalAct,
        Self::Vocabulary,
        Self::ApiToken,
    ];

    /// The GraphQL type name, as stored in audit events and encoded in global IDs.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Plan => "Plan",
            Self::PlanItem => "PlanItem",
            Self::Indicator => "Indicator",
            Self::IndicatorValue => "IndicatorValue",
            Self::TargetGroup => "TargetGroup",
            Self::Organisation => "Organisation",
            Self::Region => "Region",
            Self::ProjectLink => "ProjectLink",
            Self::LegalAct => "LegalAct",
            Self::Vocabulary => "Vocabulary",
            Self::ApiToken => "ApiToken",
        }
    }

    /// The type named `name`, if it is one of the registry's.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

impl AsRef<str> for EntityType {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_distinct() {
        for t in EntityType::ALL {
            assert_eq!(EntityType::parse(t.as_str()), Some(t));
        }
        assert_eq!(EntityType::parse("plan"), None);
    }
}
