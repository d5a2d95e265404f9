//! Who may change what. Reading is open; every change is made by an organisation holding a token
//! with scopes. The scopes and the ownership rules live here as pure functions, so they can be
//! tested as a table and called the same way from GraphQL resolvers and the command line.

use std::{collections::BTreeSet, fmt, str::FromStr};

use entity::enums::PlanLevel;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};

/// A permission a token can carry. The wire strings are part of the public contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// `registry:admin`: the coordinating ministry. National plans and their items, vocabularies,
    /// organisations, regions; tokens for any organisation. Implies every other scope.
    Admin,
    /// `plans:write`: an organisation's own regional, departmental or local plans and their items,
    /// indicators, and `implements` links to national items.
    PlansWrite,
    /// `projects:write`: the project links the organisation owns, and their links to plan items.
    ProjectsWrite,
    /// `indicators:report`: ACTUAL values of indicators of items the organisation is responsible for.
    IndicatorsReport,
    /// `tokens:manage`: issue and revoke the organisation's own tokens, never wider than its own.
    TokensManage,
    /// `webhooks:manage`: register, change, delete and inspect the organisation's own webhooks.
    WebhooksManage,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Self; 6] = [
        Self::Admin,
        Self::PlansWrite,
        Self::ProjectsWrite,
        Self::IndicatorsReport,
        Self::TokensManage,
        Self::WebhooksManage,
    ];

    /// The wire string, e.g. `plans:write`.
    pub fn as_wire(self) -> &'static str {
        match self {
            Self::Admin => "registry:admin",
            Self::PlansWrite => "plans:write",
            Self::ProjectsWrite => "projects:write",
            Self::IndicatorsReport => "indicators:report",
            Self::TokensManage => "tokens:manage",
            Self::WebhooksManage => "webhooks:manage",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_wire())
    }
}

impl FromStr for Scope {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|scope| scope.as_wire() == text)
            .ok_or_else(|| {
                let known: Vec<&str> = Self::ALL.iter().map(|s| s.as_wire()).collect();
                format!("`{text}` is not a scope ({})", known.join(", "))
            })
    }
}

/// Parses space- or comma-separated scope wire strings.
pub fn parse_scopes(text: &str) -> Result<BTreeSet<Scope>, String> {
    text.split([' ', ','])
        .filter(|s| !s.is_empty())
        .map(str::parse)
        .collect()
}

/// Writes scopes as space-separated wire strings.
pub fn format_scopes(scopes: &BTreeSet<Scope>) -> String {
    scopes.iter().map(|s| s.as_wire()).collect::<Vec<_>>().join(" ")
}

/// Who is making a change: an organisation acting through a token, or the operator's command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// An organisation with a token.
    Token {
        /// The organisation.
        organisation_id: Uuid,
        /// The token's `jti`.
        token_id: Uuid,
        /// The token's scopes.
        scopes: BTreeSet<Scope>,
    },
    /// The operator running `nap-registry` on the server: trusted with everything.
    CommandLine,
}

impl Actor {
    /// Whether the actor holds `scope` (administrators and the command line hold every scope).
    pub fn has(&self, scope: Scope) -> bool {
        match self {
            Self::Token { scopes, .. } => scopes.contains(&scope) || scopes.contains(&Scope::Admin),
            Self::CommandLine => true,
        }
    }

    /// Refuses unless the actor holds `scope`.
    pub fn require(&self, scope: Scope) -> ApiResult<&Self> {
        if self.has(scope) {
            Ok(self)
        } else {
            Err(ApiError::Forbidden(format!("this needs the `{scope}` scope")))
        }
    }

    /// The acting organisation, if any.
    pub fn organisation(&self) -> Option<Uuid> {
        match self {
            Self::Token { organisation_id, .. } => Some(*organisation_id),
            Self::CommandLine => None,
        }
    }

    /// The token, if any.
    pub fn token(&self) -> Option<Uuid> {
        match self {
            Self::Token { token_id, .. } => Some(*token_id),
            Self::CommandLine => None,
        }
    }

    /// Refuses unless the actor is an administrator or `scope`-holder owning `owner`'s data.
    pub fn require_owner(&self, scope: Scope, owner: Uuid) -> ApiResult<&Self> {
        self.require(scope)?;
        if self.has(Scope::Admin) || self.organisation() == Some(owner) {
            Ok(self)
        } else {
            Err(ApiError::Forbidden(
                "this belongs to another organisation".to_owned(),
            ))
        }
    }

    /// Refuses unless the actor may change a plan of `level` owned by `owner` (and its items):
    /// national plans are the administrators'; other plans their owner's with `plans:write`.
    pub fn require_plan_editor(&self, level: PlanLevel, owner: Uuid) -> ApiResult<&Self> {
        if level == PlanLevel::National {
            return self.require(Scope::Admin).map_err(|_| {
                ApiError::Forbidden("national plans are changed by registry administrators only".to_owned())
            });
        }
        self.require_owner(Scope::PlansWrite, owner)
    }

    /// How the audit trail names the actor.
    pub fn audit_name(&self) -> String {
        match self {
            Self::Token { token_id, .. } => format!("token:{token_id}"),
            Self::CommandLine => "cli".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(org: u128, scopes: &[Scope]) -> Actor {
        Actor::Token {
            organisation_id: Uuid::from_u128(org),
            token_id: Uuid::from_u128(99),
            scopes: scopes.iter().copied().collect(),
        }
    }

    #[test]
    fn wire_strings_round_trip() {
        for scope in Scope::ALL {
            assert_eq!(scope.as_wire().parse::<Scope>().unwrap(), scope);
        }
        assert_eq!(parse_scopes("plans:write, projects:write").unwrap().len(), 2);
        assert!(parse_scopes("plans:delete").unwrap_err().contains("plans:delete"));
    }

    #[test]
    fn plan_editing_rules() {
        let owner = Uuid::from_u128(1);
        let cases = [
            (token(1, &[Scope::PlansWrite]), PlanLevel::Regional, true),
            (token(2, &[Scope::PlansWrite]), PlanLevel::Regional, false),
            (token(1, &[Scope::ProjectsWrite]), PlanLevel::Regional, false),
            (token(1, &[Scope::PlansWrite]), PlanLevel::National, false),
            (token(2, &[Scope::Admin]), PlanLevel::National, true),
            (token(2, &[Scope::Admin]), PlanLevel::Regional, true),
            (Actor::CommandLine, PlanLevel::National, true),
        ];
        for (actor, level, allowed) in cases {
            let result = actor.require_plan_editor(level, owner);
            assert_eq!(result.is_ok(), allowed, "{actor:?} {level:?}");
            if let Err(error) = result {
                assert_eq!(error.code(), "FORBIDDEN");
            }
        }
    }

    #[test]
    fn ownership_rules() {
        let owner = Uuid::from_u128(1);
        let cases = [
            (token(1, &[Scope::ProjectsWrite]), true),
            (token(2, &[Scope::ProjectsWrite]), false),
            (token(1, &[Scope::PlansWrite]), false),
            (token(2, &[Scope::Admin]), true),
        ];
        for (actor, allowed) in cases {
            let result = actor.require_owner(Scope::ProjectsWrite, owner);
            assert_eq!(result.is_ok(), allowed, "{actor:?}");
        }
    }
}
