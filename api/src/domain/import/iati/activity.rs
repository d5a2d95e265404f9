//! An IATI activity as the reader hands it out: only the parts the registry stores, as given in
//! the file (checked later, in `super::resolve`).

/// A narrative: a text and its `xml:lang`, if any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Narrative {
    /// The language given on the narrative.
    pub lang: Option<String>,
    /// The text, trimmed.
    pub text: String,
}

/// An `<activity-date>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityDate {
    /// `@type`: 1 planned start, 2 actual start, 3 planned end, 4 actual end.
    pub kind: Option<String>,
    /// `@iso-date`.
    pub iso_date: Option<String>,
}

/// A `<budget>` with its `<value>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Budget {
    /// `@type`: 1 original, 2 revised.
    pub kind: Option<String>,
    /// `value/@currency`.
    pub currency: Option<String>,
    /// The text of `value`.
    pub value: Option<String>,
}

/// A `<participating-org>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Participant {
    /// `@role`: 1 funding, 2 accountable, 3 extending, 4 implementing.
    pub role: Option<String>,
    /// `@ref`: its org-id identifier.
    pub reference: Option<String>,
    /// Its first narrative.
    pub name: Option<String>,
}

/// A coded element (`sector`, `policy-marker`, `tag`, `administrative`, `recipient-region`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coded {
    /// `@vocabulary`.
    pub vocabulary: Option<String>,
    /// `@vocabulary-uri`.
    pub vocabulary_uri: Option<String>,
    /// `@code`.
    pub code: Option<String>,
    /// `@significance` (policy markers).
    pub significance: Option<String>,
}

/// The parts of one `<iati-activity>` the registry reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Activity {
    /// Its place in the file, from 1.
    pub position: u64,
    /// `<iati-identifier>`, trimmed; how many there were.
    pub identifier: Option<String>,
    /// How many `<iati-identifier>` elements it has.
    pub identifier_count: usize,
    /// `@last-updated-datetime`.
    pub last_updated: Option<String>,
    /// `@xml:lang`: the language of narratives that give none.
    pub default_lang: Option<String>,
    /// `@default-currency`.
    pub default_currency: Option<String>,
    /// `<reporting-org @ref>`: who publishes the activity.
    pub reporting_org: Option<String>,
    /// The narratives of `<title>`.
    pub titles: Vec<Narrative>,
    /// How many `<title>` elements it has.
    pub title_count: usize,
    /// `<activity-date>`s.
    pub dates: Vec<ActivityDate>,
    /// `<budget>`s.
    pub budgets: Vec<Budget>,
    /// `<participating-org>`s.
    pub participants: Vec<Participant>,
    /// `<sector>`s.
    pub sectors: Vec<Coded>,
    /// `<policy-marker>`s.
    pub policy_markers: Vec<Coded>,
    /// `<location><administrative>`s.
    pub administrative_areas: Vec<Coded>,
    /// `<recipient-region>`s.
    pub recipient_regions: Vec<Coded>,
    /// `<tag>`s.
    pub tags: Vec<Coded>,
    /// Set when the activity has more elements than the limit (the rest were not kept).
    pub too_many_elements: bool,
}
