//! The IATI codelists the registry stores codes from (`reference-data/iati/`, embedded at build
//! time): OECD DAC 5-digit purpose codes (`Sector`), policy significance (the gender marker's
//! scale) and organisation roles. Writes are checked against them; reads give each code its label.

use std::{collections::BTreeMap, sync::LazyLock};

/// IATI's `Sector` codelist (DAC 5-digit purpose codes), as published.
const SECTOR_XML: &str = include_str!("../../../reference-data/iati/Sector.xml");
/// IATI's `PolicySignificance` codelist (0 not targeted .. 4 explicit primary objective).
const POLICY_SIGNIFICANCE_XML: &str = include_str!("../../../reference-data/iati/PolicySignificance.xml");
/// IATI's `OrganisationRole` codelist (1 Funding .. 4 Implementing).
const ORGANISATION_ROLE_XML: &str = include_str!("../../../reference-data/iati/OrganisationRole.xml");

/// One code of a codelist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodelistItem {
    /// The code, e.g. `15170`.
    pub code: String,
    /// The published (English) name.
    pub name: String,
    /// Whether IATI has withdrawn the code (kept so that old data still has a label).
    pub withdrawn: bool,
}

/// A codelist: its items by code.
#[derive(Debug, Default)]
pub struct Codelist {
    items: BTreeMap<String, CodelistItem>,
}

impl Codelist {
    /// Reads IATI's codelist XML. The first `narrative` of an item's `name` without an
    /// `xml:lang` (the list's own language, English) is its name.
    fn parse(xml: &str) -> Result<Self, String> {
        let document = roxmltree::Document::parse(xml).map_err(|e| e.to_string())?;
        let mut items = BTreeMap::new();
        for node in document.descendants().filter(|n| n.has_tag_name("codelist-item")) {
            let child = |tag: &str| node.children().find(|c| c.has_tag_name(tag));
            let code = child("code")
                .and_then(|c| c.text())
                .map(str::trim)
                .ok_or("a codelist item without a code")?
                .to_owned();
            let name = child("name")
                .and_then(|n| {
                    n.children()
                        .filter(|c| c.has_tag_name("narrative"))
                        .find(|c| c.attributes().all(|a| a.name() != "lang"))
                })
                .and_then(|n| n.text())
                .map(|t| t.trim().to_owned())
                .unwrap_or_default();
            let withdrawn = node.attribute("status") == Some("withdrawn");
            items.insert(
                code.clone(),
                CodelistItem {
                    code,
                    name,
                    withdrawn,
                },
            );
        }
        Ok(Self { items })
    }

    /// Parses an embedded list; a broken embedded file is a build mistake that the unit tests
    /// catch, so at run time it is logged and the list is empty (every code is refused).
    fn embedded(name: &str, xml: &str) -> Self {
        Self::parse(xml).unwrap_or_else(|error| {
            tracing::error!(codelist = name, %error, "embedded IATI codelist unreadable");
            Self::default()
        })
    }

    /// The item with `code`, withdrawn or not.
    pub fn get(&self, code: &str) -> Option<&CodelistItem> {
        self.items.get(code)
    }

    /// The name of `code`, if the list has it.
    pub fn label(&self, code: &str) -> Option<&str> {
        self.get(code).map(|item| item.name.as_str())
    }

    /// How many codes the list has (withdrawn ones included).
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

static SECTORS: LazyLock<Codelist> = LazyLock::new(|| Codelist::embedded("Sector", SECTOR_XML));
static POLICY_SIGNIFICANCE: LazyLock<Codelist> =
    LazyLock::new(|| Codelist::embedded("PolicySignificance", POLICY_SIGNIFICANCE_XML));
static ORGANISATION_ROLES: LazyLock<Codelist> =
    LazyLock::new(|| Codelist::embedded("OrganisationRole", ORGANISATION_ROLE_XML));

/// OECD DAC 5-digit purpose codes.
pub fn sectors() -> &'static Codelist {
    &SECTORS
}

/// Policy significance: the scale of the OECD gender-equality marker.
pub fn policy_significance() -> &'static Codelist {
    &POLICY_SIGNIFICANCE
}

/// IATI organisation roles.
pub fn organisation_roles() -> &'static Codelist {
    &ORGANISATION_ROLES
}

/// The IATI code of a participant role (`1` Funding .. `4` Implementing).
pub fn participant_role_code(role: entity::enums::ParticipantRole) -> &'static str {
    use entity::enums::ParticipantRole;
    match role {
        ParticipantRole::Funding => "1",
        ParticipantRole::Accountable => "2",
        ParticipantRole::Extending => "3",
        ParticipantRole::Implementing => "4",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_codelists_parse_with_english_names() {
        let sectors = Codelist::parse(SECTOR_XML).unwrap();
        assert!(sectors.len() > 250, "{} sectors", sectors.len());
        assert_eq!(
            sectors.label("15170"),
            Some("Women\u{2019}s equality organisations and institutions")
        );
        assert!(!sectors.get("15180").unwrap().withdrawn);
        assert!(sectors.items.values().any(|i| i.withdrawn));
        let significance = Codelist::parse(POLICY_SIGNIFICANCE_XML).unwrap();
        assert_eq!(significance.label("2"), Some("principal objective"));
        assert_eq!(significance.len(), 5);
        let roles = Codelist::parse(ORGANISATION_ROLE_XML).unwrap();
        assert_eq!(roles.label("1"), Some("Funding"));
        assert_eq!(roles.label("4"), Some("Implementing"));
        assert_eq!(
            organisation_roles().label(participant_role_code(entity::enums::ParticipantRole::Extending)),
            Some("Extending")
        );
    }
}
