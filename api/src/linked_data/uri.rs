//! The public base address (`NAP_PUBLIC_URL`) and the permanent addresses built on it. The scheme
//! is published in the README's "Identifiers" section and never changes: every address is made of
//! stable codes only, never of database keys that a reload could change.

use std::fmt;

/// The address under which the registry is reachable from outside, without a trailing slash,
/// e.g. `https://nap1325.example.gov.ua`. Every URI the service writes starts with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl(String);

impl Default for PublicUrl {
    /// The address of the default bind address, `http://127.0.0.1:8080`.
    fn default() -> Self {
        Self("http://127.0.0.1:8080".to_owned())
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PublicUrl {
    /// Checks `value`: an `http://` or `https://` address with a host, and no query, fragment
    /// or whitespace. One trailing slash is dropped.
    pub fn parse(value: &str) -> Result<Self, String> {
        let trimmed = value.strip_suffix('/').unwrap_or(value);
        let rest = trimmed
            .strip_prefix("https://")
            .or_else(|| trimmed.strip_prefix("http://"));
        let valid = match rest {
            Some(rest) => {
                let host = rest.split('/').next().unwrap_or_default();
                !host.is_empty()
                    && !rest.contains(['?', '#', '\\'])
                    && !rest.chars().any(|c| c.is_whitespace() || c.is_control())
                    && !rest.ends_with('/')
            }
            None => false,
        };
        if valid {
            Ok(Self(trimmed.to_owned()))
        } else {
            Err(format!(
                "`{value}` is not a base address such as https://nap1325.example.org (http or https, no query)"
            ))
        }
    }

    /// The base address as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address of `path` (which starts with `/`) under this base.
    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }

    /// `/id/plan/<code>`.
    pub fn plan(&self, code: &str) -> String {
        self.at(&format!("/id/plan/{}", segment(code)))
    }

    /// `/id/item/<plan code>/<number>`, from the item's canonical code `<plan code>/<number>`.
    pub fn plan_item(&self, item_code: &str) -> String {
        self.at(&format!("/id/item/{}", path(item_code)))
    }

    /// `/id/indicator/<item code>/<indicator code>`.
    pub fn indicator(&self, item_code: &str, code: &str) -> String {
        self.at(&format!("/id/indicator/{}/{}", path(item_code), segment(code)))
    }

    /// `/id/target-group/<code>`.
    pub fn target_group(&self, code: &str) -> String {
        self.at(&format!("/id/target-group/{}", segment(code)))
    }

    /// `/id/organisation/<code>`.
    pub fn organisation(&self, code: &str) -> String {
        self.at(&format!("/id/organisation/{}", segment(code)))
    }

    /// `/id/region/<ISO 3166-2 code>`.
    pub fn region(&self, code: &str) -> String {
        self.at(&format!("/id/region/{}", segment(code)))
    }

    /// `/id/project/<IATI identifier, or the registry's id when there is none>`.
    pub fn project(&self, iati_identifier: Option<&str>, id: uuid::Uuid) -> String {
        match iati_identifier {
            Some(identifier) => self.at(&format!("/id/project/{}", segment(identifier))),
            None => self.at(&format!("/id/project/{id}")),
        }
    }

    /// `/vocabulary/<code>`: a plan's codelist, or a target-group vocabulary.
    pub fn vocabulary(&self, code: &str) -> String {
        self.at(&format!("/vocabulary/{}", segment(code)))
    }
}

/// `value` as one path segment: everything but unreserved characters percent-encoded.
pub fn segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~:@".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `value` as a path of segments separated by `/`, each encoded as by [`segment`].
fn path(value: &str) -> String {
    value.split('/').map(segment).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_follow_the_published_scheme() {
        let base = PublicUrl::parse("https://nap.example.org/").unwrap();
        assert_eq!(
            base.plan("UA-NAP-2021-2025"),
            "https://nap.example.org/id/plan/UA-NAP-2021-2025"
        );
        assert_eq!(
            base.plan_item("UA-NAP-2021-2025/3.1.12"),
            "https://nap.example.org/id/item/UA-NAP-2021-2025/3.1.12"
        );
        assert_eq!(
            base.indicator("UA-NAP-2021-2025/3.1.12", "I1"),
            "https://nap.example.org/id/indicator/UA-NAP-2021-2025/3.1.12/I1"
        );
        assert_eq!(base.region("UA-12"), "https://nap.example.org/id/region/UA-12");
        assert_eq!(
            base.project(Some("XM-DAC-41114-1 2"), uuid::Uuid::nil()),
            "https://nap.example.org/id/project/XM-DAC-41114-1%202"
        );
        assert_eq!(
            base.vocabulary("UA-NAP-TG-2020"),
            "https://nap.example.org/vocabulary/UA-NAP-TG-2020"
        );
    }

    #[test]
    fn base_addresses_are_checked() {
        assert!(PublicUrl::parse("http://127.0.0.1:8080").is_ok());
        assert!(PublicUrl::parse("https://example.org/registry").is_ok());
        for bad in [
            "",
            "example.org",
            "ftp://example.org",
            "https://",
            "https://a.org/?x=1",
            "https://a b.org",
            "https://a.org//",
        ] {
            assert!(PublicUrl::parse(bad).is_err(), "{bad} accepted");
        }
    }
}
