//! What one permanent address describes, independent of the format it is written in: the
//! object's code, bilingual titles, status, place in its hierarchy (broader and narrower), related
//! objects, and the list a CSV answer gives. The readers fill it; the renderers write it out.

use serde::Serialize;

/// The kinds of object that have a permanent address, with their path segment under `/id/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// `/id/plan/<code>`.
    Plan,
    /// `/id/item/<plan code>/<number>`.
    Item,
    /// `/id/indicator/<item code>/<indicator code>`.
    Indicator,
    /// `/id/target-group/<code>`.
    TargetGroup,
    /// `/id/organisation/<code>`.
    Organisation,
    /// `/id/region/<ISO code>`.
    Region,
    /// `/id/project/<IATI identifier or id>`.
    Project,
}

impl Kind {
    /// The kind's name in both languages, for page headings.
    pub fn name(self) -> Texts {
        let (uk, en) = match self {
            Self::Plan => ("План дій", "Action plan"),
            Self::Item => ("Пункт плану", "Plan item"),
            Self::Indicator => ("Індикатор", "Indicator"),
            Self::TargetGroup => ("Цільова група", "Target group"),
            Self::Organisation => ("Організація", "Organisation"),
            Self::Region => ("Регіон", "Region"),
            Self::Project => ("Проєкт", "Project"),
        };
        Texts::of(uk, en)
    }
}

/// A text in Ukrainian and English; either may be unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Texts {
    /// Ukrainian.
    pub uk: Option<String>,
    /// English.
    pub en: Option<String>,
}

impl Texts {
    /// Both languages known.
    pub fn of(uk: &str, en: &str) -> Self {
        Self {
            uk: Some(uk.to_owned()),
            en: Some(en.to_owned()),
        }
    }

    /// From optional stored columns.
    pub fn from(uk: Option<&str>, en: Option<&str>) -> Self {
        Self {
            uk: uk.map(str::to_owned),
            en: en.map(str::to_owned),
        }
    }

    /// The English text, else the Ukrainian one, else nothing.
    pub fn any(&self) -> &str {
        self.en.as_deref().or(self.uk.as_deref()).unwrap_or_default()
    }
}

/// A link to another object with an address.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// Its permanent address.
    pub uri: String,
    /// Its code.
    pub code: String,
    /// Its titles.
    pub title: Texts,
    /// What relates it to this object (a role, values), if anything.
    pub note: Option<String>,
}

/// One labelled value of an object, e.g. its kind or time frame.
#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    /// Machine name, used as the JSON-LD property (`nap:<key>`).
    pub key: &'static str,
    /// Label in both languages.
    pub label: Texts,
    /// The value as text.
    pub value: String,
}

/// A group of related objects, e.g. the indicators of an item.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// Machine name, used as the JSON-LD property (`nap:<key>`).
    pub key: &'static str,
    /// Heading in both languages.
    pub heading: Texts,
    /// The objects.
    pub links: Vec<Link>,
}

/// Why and when an object was withdrawn, and what replaces it.
#[derive(Debug, Clone, Serialize)]
pub struct Withdrawal {
    /// The reason recorded, if any.
    pub reason: Option<String>,
    /// The object that replaces it, if one is recorded.
    pub replacement: Option<Link>,
}

/// The list a `text/csv` answer gives: a header and rows of text.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    /// Column names.
    pub header: Vec<&'static str>,
    /// Rows, each as long as the header.
    pub rows: Vec<Vec<String>>,
}

/// Everything one permanent address says about its object.
#[derive(Debug, Clone, Serialize)]
pub struct Resource {
    /// What kind of object this is.
    pub kind: Kind,
    /// The kind's name in both languages.
    pub kind_name: Texts,
    /// The permanent address.
    pub uri: String,
    /// The stable code (SKOS notation).
    pub code: String,
    /// Titles (SKOS preferred labels).
    pub title: Texts,
    /// Descriptions (SKOS definitions), where recorded.
    pub description: Texts,
    /// Status as its wire value, e.g. `ACTIVE`, `ADOPTED`, `WITHDRAWN`.
    pub status: Option<String>,
    /// Set when the object is withdrawn.
    pub withdrawn: Option<Withdrawal>,
    /// The plan or vocabulary the object belongs to (SKOS `inScheme`).
    pub scheme: Option<Link>,
    /// The way up, from the top (the strategic goal) to the direct parent.
    pub path: Vec<Link>,
    /// Direct parents (SKOS `broader`).
    pub broader: Vec<Link>,
    /// Direct children (SKOS `narrower`; a plan's strategic goals as top concepts).
    pub narrower: Vec<Link>,
    /// Labelled values.
    pub facts: Vec<Fact>,
    /// Related objects, by relation.
    pub sections: Vec<Section>,
    /// Equivalent concepts elsewhere, e.g. the SDG indicator's address.
    pub exact_match: Vec<String>,
    /// How many active project links point at the object, where that applies.
    pub linked_projects: Option<u64>,
    /// A GraphQL query that reads the object.
    pub graphql_query: String,
    /// The list a CSV answer gives, where a list fits.
    pub table: Option<Table>,
}

impl Resource {
    /// A resource of `kind` at `uri` with `code` and `title`; everything else empty.
    pub fn new(kind: Kind, uri: String, code: &str, title: Texts) -> Self {
        Self {
            kind,
            kind_name: kind.name(),
            uri,
            code: code.to_owned(),
            title,
            description: Texts::default(),
            status: None,
            withdrawn: None,
            scheme: None,
            path: Vec::new(),
            broader: Vec::new(),
            narrower: Vec::new(),
            facts: Vec::new(),
            sections: Vec::new(),
            exact_match: Vec::new(),
            linked_projects: None,
            graphql_query: String::new(),
            table: None,
        }
    }

    /// Marks the object withdrawn for `reason`, replaced by `replacement` where one is recorded.
    pub fn withdraw(&mut self, reason: Option<String>, replacement: Option<Link>) {
        self.withdrawn = Some(Withdrawal { reason, replacement });
    }

    /// The status of an object that is only in force or withdrawn: `ACTIVE`, or `WITHDRAWN` (for
    /// `reason`, replaced by `replacement`) when `withdrawn`.
    pub fn active_unless(&mut self, withdrawn: bool, reason: &Option<String>, replacement: Option<Link>) {
        self.status = Some(if withdrawn { "WITHDRAWN" } else { "ACTIVE" }.to_owned());
        if withdrawn {
            self.withdraw(reason.clone(), replacement);
        }
    }

    /// Adds a fact.
    pub fn fact(&mut self, key: &'static str, uk: &str, en: &str, value: impl Into<String>) {
        self.facts.push(Fact {
            key,
            label: Texts::of(uk, en),
            value: value.into(),
        });
    }

    /// Adds a section, unless it has no links.
    pub fn section(&mut self, key: &'static str, uk: &str, en: &str, links: Vec<Link>) {
        if !links.is_empty() {
            self.sections.push(Section {
                key,
                heading: Texts::of(uk, en),
                links,
            });
        }
    }
}
