//! The names of the registry's object types: one constant each, shared by the audit trail (its
//! `entityType`), the change feed and the global IDs (`TypeName:uuid`). They are the GraphQL type
//! names, so a stored audit event, a node ID and the schema always agree.

use std::fmt;

macro_rules! entity_types {
    ($($(#[$doc:meta])* $name:ident),+ $(,)?) => {
        /// A type of object the registry publishes or audits, named as its GraphQL type.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum EntityType {
            $(#[doc = concat!("`", stringify!($name), "`.")] $(#[$doc])* $name,)+
        }

        impl EntityType {
            /// Every type.
            pub const ALL: &[Self] = &[$(Self::$name),+];

            /// The GraphQL type name, as stored in audit events and encoded in global IDs.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$name => stringify!($name),)+
                }
            }
        }
    };
}

entity_types!(
    Plan,
    PlanItem,
    Indicator,
    IndicatorValue,
    TargetGroup,
    Organisation,
    Region,
    ProjectLink,
    LegalAct,
    /// Audited, not an object of the API.
    Vocabulary,
    /// Audited, not in the public feed.
    ApiToken,
    /// Audited, not in the public feed.
    Webhook,
);

impl EntityType {
    /// The type named `name`, if it is one of the registry's.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|t| t.as_str() == name)
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
        for &t in EntityType::ALL {
            assert_eq!(EntityType::parse(t.as_str()), Some(t));
        }
        assert_eq!(EntityType::parse("plan"), None);
    }
}
