//! Reading a permanent address (the part after `/id/`) into what it names. A path that cannot be
//! an address of its kind is malformed (answered 400); a well-formed address of an unknown kind,
//! or one naming no object, is not found (404).

use crate::domain::numbering::ItemNumber;

/// What a well-formed address names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// A plan, by code.
    Plan(String),
    /// A plan item, by canonical code `<plan code>/<number>`.
    Item(String),
    /// An indicator, by its item's canonical code and its own code.
    Indicator {
        /// The canonical code of the item it belongs to.
        item: String,
        /// The indicator's code within the item.
        code: String,
    },
    /// A target group, by code.
    TargetGroup(String),
    /// An organisation, by registry code (an org-id identifier also resolves).
    Organisation(String),
    /// A region, by ISO 3166-2 code.
    Region(String),
    /// A project link, by IATI identifier or registry id.
    Project(String),
}

/// Why a path is not an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressError {
    /// No such kind of address (404).
    UnknownKind(String),
    /// The kind is known but the code cannot be one of its codes (400); says what is expected.
    Malformed(String),
}

const MAX_CODE: usize = 200;

/// Whether `code` looks like a registry code: letters, digits, `.`, `_`, `-`, at most 200.
fn is_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= MAX_CODE
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// Parses the path after `/id/`, e.g. `item/UA-NAP-2021-2025/3.1.12`.
pub fn parse(path: &str) -> Result<Address, AddressError> {
    let (kind, rest) = path.split_once('/').unwrap_or((path, ""));
    let malformed = |expected: &str| {
        AddressError::Malformed(format!("`{rest}` is not a {kind} code: expected {expected}"))
    };
    match kind {
        "plan" => is_code(rest)
            .then(|| Address::Plan(rest.to_owned()))
            .ok_or_else(|| malformed("a plan code such as UA-NAP-2021-2025")),
        "item" => item_code(rest)
            .map(Address::Item)
            .ok_or_else(|| malformed("<plan code>/<number>, e.g. UA-NAP-2021-2025/3.1.12")),
        "indicator" => {
            let expected = "<plan code>/<item number>/<indicator code>, e.g. UA-NAP-2021-2025/3.1/I1";
            let (item, code) = rest.rsplit_once('/').ok_or_else(|| malformed(expected))?;
            match item_code(item) {
                Some(item) if is_code(code) => Ok(Address::Indicator {
                    item,
                    code: code.to_owned(),
                }),
                _ => Err(malformed(expected)),
            }
        }
        "target-group" => is_code(rest)
            .then(|| Address::TargetGroup(rest.to_owned()))
            .ok_or_else(|| malformed("a target group code such as internally-displaced-persons")),
        "organisation" => is_code(rest)
            .then(|| Address::Organisation(rest.to_owned()))
            .ok_or_else(|| malformed("an organisation code such as ministry-of-social-policy")),
        "region" => {
            let valid = rest.len() <= 6
                && rest.split_once('-').is_some_and(|(country, sub)| {
                    country.len() == 2
                        && country.bytes().all(|b| b.is_ascii_uppercase())
                        && !sub.is_empty()
                        && sub.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                });
            valid
                .then(|| Address::Region(rest.to_owned()))
                .ok_or_else(|| malformed("an ISO 3166-2 code such as UA-12"))
        }
        "project" => {
            let valid = !rest.is_empty()
                && rest.len() <= MAX_CODE
                && !rest.chars().any(|c| c.is_whitespace() || c.is_control());
            valid
                .then(|| Address::Project(rest.to_owned()))
                .ok_or_else(|| malformed("an IATI activity identifier or a registry id"))
        }
        _ => Err(AddressError::UnknownKind(kind.to_owned())),
    }
}

/// `<plan code>/<number>` in canonical form, if `text` is one.
fn item_code(text: &str) -> Option<String> {
    let (plan, number) = text.split_once('/')?;
    let number = ItemNumber::parse(number).ok()?;
    is_code(plan).then(|| number.canonical_code(plan))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_of_every_kind_parse() {
        assert_eq!(
            parse("plan/UA-NAP-2021-2025"),
            Ok(Address::Plan("UA-NAP-2021-2025".into()))
        );
        assert_eq!(
            parse("item/UA-NAP-2021-2025/3.1.12"),
            Ok(Address::Item("UA-NAP-2021-2025/3.1.12".into()))
        );
        assert_eq!(
            parse("indicator/UA-NAP-2021-2025/3.1.12/I1"),
            Ok(Address::Indicator {
                item: "UA-NAP-2021-2025/3.1.12".into(),
                code: "I1".into()
            })
        );
        assert_eq!(parse("region/UA-12"), Ok(Address::Region("UA-12".into())));
        assert_eq!(
            parse("project/XM-DAC-41114-PRJ-1"),
            Ok(Address::Project("XM-DAC-41114-PRJ-1".into()))
        );
    }

    #[test]
    fn malformed_and_unknown_kinds_differ() {
        for bad in [
            "plan/",
            "plan/a b",
            "item/UA-NAP-2021-2025/3..1",
            "item/UA-NAP-2021-2025",
            "indicator/UA-NAP-2021-2025/3.1",
            "region/12",
            "target-group/<script>",
            "project/a b",
        ] {
            assert!(matches!(parse(bad), Err(AddressError::Malformed(_))), "{bad}");
        }
        assert_eq!(parse("widget/1"), Err(AddressError::UnknownKind("widget".into())));
    }
}
