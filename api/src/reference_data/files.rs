//! The reference data files shipped in `reference-data/` at the top of the repository, embedded in
//! the binary at build time so that `nap-registry seed` needs nothing beside the executable.

use serde::Deserialize;

use entity::enums::{
    LegalActKind, OrganisationKind, PlanActRole, PlanLevel, PlanStatus, RegionPlanState, VocabularyStatus,
};

/// `regions.csv`: the 27 first-level subdivisions with their ISO 3166-2:UA codes.
pub const REGIONS_CSV: &str = include_str!("../../../reference-data/regions.csv");
/// `organisations.json`: coordinating bodies and regional military administrations.
pub const ORGANISATIONS_JSON: &str = include_str!("../../../reference-data/organisations.json");
/// `target-groups.json`: the published target-group vocabulary.
pub const TARGET_GROUPS_JSON: &str = include_str!("../../../reference-data/target-groups.json");
/// `plans.json`: national plans, their legal acts and top-level goals.
pub const PLANS_JSON: &str = include_str!("../../../reference-data/plans.json");

/// One line of `regions.csv`.
#[derive(Debug, Clone)]
pub struct RegionRecord {
    /// ISO 3166-2:UA code.
    pub code: String,
    /// `region`, `city` or `republic`, as in Debian's iso-codes.
    pub kind: String,
    /// Official romanization.
    pub name_romanized: String,
    /// Ukrainian name.
    pub name_uk: String,
    /// English name.
    pub name_en: String,
}

/// Parses `regions.csv` (no quoted fields: a comma inside a name is an error).
pub fn parse_regions(csv: &str) -> Result<Vec<RegionRecord>, String> {
    let mut lines = csv.lines().filter(|line| !line.trim().is_empty());
    let header = lines.next().ok_or("regions.csv is empty")?;
    if header.trim() != "iso_3166_2,kind,name_romanized,name_uk,name_en" {
        return Err(format!("regions.csv has an unexpected header: {header}"));
    }
    lines
        .enumerate()
        .map(|(index, line)| {
            let fields: Vec<&str> = line.trim().split(',').collect();
            match fields.as_slice() {
                [code, kind, name_romanized, name_uk, name_en] => Ok(RegionRecord {
                    code: (*code).to_owned(),
                    kind: (*kind).to_owned(),
                    name_romanized: (*name_romanized).to_owned(),
                    name_uk: (*name_uk).to_owned(),
                    name_en: (*name_en).to_owned(),
                }),
                _ => Err(format!(
                    "regions.csv line {}: expected 5 fields, found {}",
                    index + 2,
                    fields.len()
                )),
            }
        })
        .collect()
}

/// `organisations.json`.
#[derive(Debug, Deserialize)]
pub struct OrganisationsFile {
    /// The organisations.
    pub organisations: Vec<OrganisationRecord>,
}

/// One organisation of `organisations.json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationRecord {
    /// The registry's stable key.
    pub code: String,
    /// Kind of body.
    pub kind: OrganisationKind,
    /// Current Ukrainian name.
    pub name_uk: Option<String>,
    /// Current English name.
    pub name_en: Option<String>,
    /// ISO code of the region it serves.
    pub region: Option<String>,
    /// Org-id identifiers, e.g. `XM-DAC-41146`.
    pub identifiers: Vec<String>,
    /// Name history, oldest first; empty means the current name is the only one known.
    pub names: Vec<NameRecord>,
    /// Why the organisation is in the reference data.
    pub note: Option<String>,
}

/// One name an organisation has had.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameRecord {
    /// Ukrainian name.
    pub name_uk: Option<String>,
    /// English name.
    pub name_en: Option<String>,
    /// First day used, `YYYY-MM-DD`, when known.
    pub valid_from: Option<chrono::NaiveDate>,
    /// Last day used, when known.
    pub valid_until: Option<chrono::NaiveDate>,
}

/// `target-groups.json`.
#[derive(Debug, Deserialize)]
pub struct TargetGroupsFile {
    /// The vocabulary version the groups belong to.
    pub vocabulary: VocabularyRecord,
    /// The groups, in published order.
    pub target_groups: Vec<TargetGroupRecord>,
}

/// A vocabulary version.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VocabularyRecord {
    /// Stable code of the version.
    pub code: String,
    /// Edition label.
    pub edition: String,
    /// Ukrainian title.
    pub title_uk: Option<String>,
    /// English title.
    pub title_en: Option<String>,
    /// Active or withdrawn.
    pub status: VocabularyStatus,
    /// Where it was published.
    pub source_document: Option<String>,
}

/// A target group.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetGroupRecord {
    /// Stable code.
    pub code: String,
    /// Ukrainian label.
    pub label_uk: Option<String>,
    /// English label.
    pub label_en: Option<String>,
    /// Full Ukrainian wording where the label shortens it.
    pub description_uk: Option<String>,
    /// Full English wording where the label shortens it.
    pub description_en: Option<String>,
    /// Active or withdrawn.
    pub status: VocabularyStatus,
    /// Code of the group that replaces this one.
    pub replaced_by: Option<String>,
}

/// `plans.json`.
#[derive(Debug, Deserialize)]
pub struct PlansFile {
    /// Legal acts, referred to by `key` from the plans.
    pub legal_acts: Vec<LegalActRecord>,
    /// Plans with their items.
    pub plans: Vec<PlanRecord>,
}

/// A legal act.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegalActRecord {
    /// Key within the file, also the natural key of its stable id.
    pub key: String,
    /// Code of the issuing organisation.
    pub issuer: String,
    /// Form of the act.
    pub kind: LegalActKind,
    /// Number as cited.
    pub number: String,
    /// Date of the act.
    pub adopted_on: chrono::NaiveDate,
    /// Ukrainian title.
    pub title_uk: Option<String>,
    /// English title.
    pub title_en: Option<String>,
    /// Official text.
    pub url: Option<String>,
    /// Key of the act this one amends.
    pub amends: Option<String>,
}

/// A plan.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRecord {
    /// Stable plan code.
    pub code: String,
    /// Level.
    pub level: PlanLevel,
    /// Status.
    pub status: PlanStatus,
    /// First year.
    pub start_year: i32,
    /// Last year.
    pub end_year: i32,
    /// Ukrainian title.
    pub title_uk: Option<String>,
    /// English title.
    pub title_en: Option<String>,
    /// Code of the owning organisation.
    pub owner: String,
    /// Code of the plan this one localizes.
    pub parent_plan: Option<String>,
    /// Code of the plan this one replaces.
    pub supersedes: Option<String>,
    /// ISO code of the region of a regional plan.
    pub region: Option<String>,
    /// Where the record is taken from.
    pub source_document: Option<String>,
    /// Acts that approve or amend the plan.
    pub legal_acts: Vec<PlanActRecord>,
    /// Items, in any order; parents are resolved by number.
    pub items: Vec<PlanItemRecord>,
    /// What is known about regions without a regional plan for this (national) plan.
    #[serde(default)]
    pub region_states: Vec<RegionStateRecord>,
}

/// A region's known state relative to a national plan, with its source.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionStateRecord {
    /// ISO 3166-2 code of the region.
    pub region: String,
    /// No approved plan, or not applicable.
    pub state: RegionPlanState,
    /// The document or statement the state is taken from.
    pub source: String,
    /// The date the source states it for; null where it gives none.
    pub as_of: Option<chrono::NaiveDate>,
}

/// A legal act's relation to a plan.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanActRecord {
    /// Key of the act.
    pub act: String,
    /// What it does to the plan.
    pub role: PlanActRole,
}

/// A plan item.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanItemRecord {
    /// Number within the plan.
    pub number: String,
    /// Ukrainian title.
    pub title_uk: Option<String>,
    /// English title.
    pub title_en: Option<String>,
    /// Ukrainian description.
    pub description_uk: Option<String>,
    /// English description.
    pub description_en: Option<String>,
    /// First year of its time frame.
    pub start_year: Option<i32>,
    /// Last year of its time frame.
    pub end_year: Option<i32>,
}

/// Parses one of the embedded JSON files, naming it in the error.
pub fn parse_json<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|error| format!("{name}: {error}"))
}
