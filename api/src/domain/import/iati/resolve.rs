//! From an activity as read to what the registry stores: finds its registry tags (the plan items
//! it links to), checks every value it keeps against the registry and IATI's codelists, and
//! matches its participating organisations to registry organisations. Errors name the XML path
//! (`budget[2]/value/@currency`, 1-based as in XPath).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use entity::enums::ParticipantRole;
use sea_orm::ConnectionTrait;
use serde::Serialize;

use super::reader::{Activity, Coded};
use crate::{
    domain::{lookup, plan_items::find_plan_item_by_code, plans::find_plan_by_code, validation},
    error::{ApiError, ApiResult},
};

/// An activity as the registry will store it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolved {
    /// The IATI activity identifier.
    pub identifier: String,
    /// `last-updated-datetime`.
    pub last_updated: Option<DateTime<Utc>>,
    /// Ukrainian title.
    pub title_uk: Option<String>,
    /// English title.
    pub title_en: Option<String>,
    /// Actual start, else planned start.
    pub start_date: Option<NaiveDate>,
    /// Actual end, else planned end.
    pub end_date: Option<NaiveDate>,
    /// Budget totals in hundredths per ISO 4217 currency.
    pub budgets: BTreeMap<String, i64>,
    /// Registry organisations (by the identifier given as `ref`) with their roles, sorted.
    pub participants: Vec<(String, ParticipantRole)>,
    /// DAC purpose codes, sorted.
    pub dac_purposes: Vec<String>,
    /// The gender equality policy marker's significance (0-2).
    pub gender_marker: Option<i32>,
    /// ISO 3166-2:UA region codes, sorted.
    pub regions: Vec<String>,
    /// Canonical codes of the linked plan items, sorted.
    pub plan_items: Vec<String>,
    /// Participating organisations the registry does not know (their `ref`, or name): reported,
    /// never created.
    #[serde(skip)]
    pub unknown_organisations: Vec<String>,
}

impl Resolved {
    /// The digest of what the activity says (the unknown organisations are not stored).
    pub fn digest(&self) -> ApiResult<String> {
        let json = serde_json::to_vec(self).map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok(crate::digest::sha256_hex(json))
    }
}

/// The plan code a registry vocabulary URI names: `<base>/vocabulary/<plan code>`, optionally
/// with a `.xml`, `.json` or `.csv` suffix or a final slash.
pub fn vocabulary_plan_code(uri: &str) -> Option<&str> {
    let uri = uri.trim_end_matches('/');
    let (_, last) = uri.rsplit_once("/vocabulary/")?;
    let last = [".xml", ".json", ".csv"]
        .iter()
        .find_map(|suffix| last.strip_suffix(suffix))
        .unwrap_or(last);
    (!last.is_empty() && !last.contains('/')).then_some(last)
}

/// The plan items an activity's tags link it to. A tag is the registry's when it has vocabulary
/// 99 and a `vocabulary-uri` naming a plan of the registry (`…/vocabulary/<plan code>`): its code
/// must then be an item of that plan. As a fallback, any tag whose code is a full item code of the
/// registry (`UA-NAP-2021-2025/3.1`) links to that item; other tags are not the registry's.
pub async fn plan_items(db: &impl ConnectionTrait, tags: &[Coded]) -> ApiResult<Vec<String>> {
    let mut codes = Vec::new();
    for (index, tag) in tags.iter().enumerate() {
        let field = format!("tag[{}]/@code", index + 1);
        let Some(code) = tag.code.as_deref() else {
            continue;
        };
        let plan = match (tag.vocabulary.as_deref(), tag.vocabulary_uri.as_deref()) {
            (Some("99"), Some(uri)) => vocabulary_plan_code(uri),
            _ => None,
        };
        let plan = match plan {
            Some(plan) => find_plan_by_code(db, plan).await?.map(|p| p.code),
            None => None,
        };
        match plan {
            Some(plan) => {
                let item = format!("{plan}/{code}");
                if find_plan_item_by_code(db, &item).await?.is_none() {
                    return Err(ApiError::invalid(
                        field,
                        format!("`{code}` is not an item of {plan}: the registry has no `{item}`"),
                    ));
                }
                codes.push(item);
            }
            None => {
                if code.contains('/') && find_plan_item_by_code(db, code).await?.is_some() {
                    codes.push(code.to_owned());
                }
            }
        }
    }
    codes.sort();
    codes.dedup();
    Ok(codes)
}

/// Parses `last-updated-datetime` (an `xsd:dateTime`; without a zone it is taken as UTC).
fn date_time(field: &str, text: &str) -> ApiResult<DateTime<Utc>> {
    if let Ok(value) = DateTime::parse_from_rfc3339(text) {
        return Ok(value.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .map(|value| value.and_utc())
        .map_err(|_| {
            ApiError::invalid(
                field,
                format!("`{text}` is not a date and time such as 2026-11-01T10:00:00Z"),
            )
        })
}

fn date(field: &str, text: &str) -> ApiResult<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| ApiError::invalid(field, format!("`{text}` is not a date such as 2026-03-31")))
}

fn role(field: &str, code: Option<&str>) -> ApiResult<ParticipantRole> {
    match code {
        Some("1") => Ok(ParticipantRole::Funding),
        Some("2") => Ok(ParticipantRole::Accountable),
        Some("3") => Ok(ParticipantRole::Extending),
        Some("4") => Ok(ParticipantRole::Implementing),
        other => Err(ApiError::invalid(
            field,
            format!(
                "`{}` is not an IATI organisation role (1 funding, 2 accountable, 3 extending, 4 implementing)",
                other.unwrap_or("")
            ),
        )),
    }
}

/// The titles: the narratives of `<title>` in Ukrainian and English (a narrative without
/// `xml:lang` is in the activity's `xml:lang`, or else taken as English); the first of each
/// language counts.
fn titles(activity: &Activity) -> ApiResult<(Option<String>, Option<String>)> {
    if activity.title_count > 1 {
        return Err(ApiError::invalid("title", "an activity has one title"));
    }
    let mut uk = None;
    let mut en = None;
    for (index, narrative) in activity.titles.iter().enumerate() {
        let lang = narrative
            .lang
            .as_deref()
            .or(activity.default_lang.as_deref())
            .unwrap_or("en")
            .to_ascii_lowercase();
        let slot = match lang.as_str() {
            "uk" => &mut uk,
            "en" => &mut en,
            _ => continue,
        };
        if slot.is_none() && !narrative.text.is_empty() {
            let field = format!("title/narrative[{}]", index + 1);
            *slot = Some(validation::text(&field, &narrative.text, 1000)?);
        }
    }
    if uk.is_none() && en.is_none() {
        return Err(ApiError::invalid(
            "title/narrative",
            "give a title in Ukrainian (xml:lang=\"uk\") or English",
        ));
    }
    Ok((uk, en))
}

fn dates(activity: &Activity) -> ApiResult<(Option<NaiveDate>, Option<NaiveDate>)> {
    let mut by_type: BTreeMap<&str, NaiveDate> = BTreeMap::new();
    for (index, entry) in activity.dates.iter().enumerate() {
        let field = format!("activity-date[{}]/@iso-date", index + 1);
        let Some(text) = entry.iso_date.as_deref() else {
            return Err(ApiError::invalid(field, "the date is missing"));
        };
        let value = date(&field, text)?;
        if let Some(kind @ ("1" | "2" | "3" | "4")) = entry.kind.as_deref() {
            by_type.entry(kind).or_insert(value);
        }
    }
    let start = by_type.get("2").or(by_type.get("1")).copied();
    let end = by_type.get("4").or(by_type.get("3")).copied();
    if let (Some(start), Some(end)) = (start, end)
        && end < start
    {
        return Err(ApiError::invalid(
            "activity-date",
            "the activity ends before it starts",
        ));
    }
    Ok((start, end))
}

/// Budget totals per currency: the revised budgets (`@type="2"`) when there are any, else the
/// original ones.
fn budgets(activity: &Activity) -> ApiResult<BTreeMap<String, i64>> {
    let revised = activity.budgets.iter().any(|b| b.kind.as_deref() == Some("2"));
    let mut totals: BTreeMap<String, i64> = BTreeMap::new();
    for (index, budget) in activity.budgets.iter().enumerate() {
        if revised != (budget.kind.as_deref() == Some("2")) {
            continue;
        }
        let field = format!("budget[{}]/value", index + 1);
        let Some(value) = budget.value.as_deref() else {
            return Err(ApiError::invalid(field, "the budget has no value"));
        };
        let cents = validation::amount_cents(&field, value)?;
        let currency = budget
            .currency
            .as_deref()
            .or(activity.default_currency.as_deref())
            .ok_or_else(|| {
                ApiError::invalid(
                    format!("{field}/@currency"),
                    "no currency: give value/@currency or the activity's @default-currency",
                )
            })?;
        let currency = validation::currency(&format!("{field}/@currency"), currency)?;
        let total = totals.entry(currency).or_insert(0);
        *total = total.checked_add(cents).ok_or_else(|| {
            ApiError::invalid(field, "the budgets add up to more than the registry can hold")
        })?;
    }
    Ok(totals)
}

async fn participants(
    db: &impl ConnectionTrait,
    activity: &Activity,
) -> ApiResult<(Vec<(String, ParticipantRole)>, Vec<String>)> {
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for (index, participant) in activity.participants.iter().enumerate() {
        let role = role(
            &format!("participating-org[{}]/@role", index + 1),
            participant.role.as_deref(),
        )?;
        let found = match participant.reference.as_deref() {
            Some(reference) => lookup::organisation_id(db, reference).await?.map(|_| reference),
            None => None,
        };
        match found {
            Some(reference) => known.push((reference.to_owned(), role)),
            None => unknown.push(
                participant
                    .reference
                    .clone()
                    .or_else(|| participant.name.clone())
                    .unwrap_or_else(|| format!("participating-org[{}]", index + 1)),
            ),
        }
    }
    known.sort();
    known.dedup();
    unknown.sort();
    unknown.dedup();
    Ok((known, unknown))
}

fn dac_purposes(activity: &Activity) -> ApiResult<Vec<String>> {
    let mut codes = Vec::new();
    for (index, sector) in activity.sectors.iter().enumerate() {
        if !matches!(sector.vocabulary.as_deref(), None | Some("1")) {
            continue;
        }
        let field = format!("sector[{}]/@code", index + 1);
        codes.push(validation::dac_purpose(
            &field,
            sector.code.as_deref().unwrap_or(""),
        )?);
    }
    codes.sort();
    codes.dedup();
    Ok(codes)
}

/// The OECD DAC gender equality marker: policy marker 1 of vocabulary 1 (the default).
fn gender_marker(activity: &Activity) -> ApiResult<Option<i32>> {
    let mut marker = None;
    for (index, policy) in activity.policy_markers.iter().enumerate() {
        if !matches!(policy.vocabulary.as_deref(), None | Some("1")) || policy.code.as_deref() != Some("1") {
            continue;
        }
        let field = format!("policy-marker[{}]/@significance", index + 1);
        let significance = match policy.significance.as_deref() {
            Some("0") => 0,
            Some("1") => 1,
            Some("2") => 2,
            other => {
                return Err(ApiError::invalid(
                    field,
                    format!(
                        "`{}` is not a significance of the gender equality marker (0 not targeted, 1 significant, 2 principal)",
                        other.unwrap_or("")
                    ),
                ));
            }
        };
        if marker.is_some_and(|m| m != significance) {
            return Err(ApiError::invalid(
                field,
                "the gender equality marker is given twice",
            ));
        }
        marker = Some(significance);
    }
    Ok(marker)
}

/// The registry regions: `location/administrative/@code` and `recipient-region/@code` of
/// vocabulary 99 given as ISO 3166-2:UA codes (`UA-12`); other codes are not regions of Ukraine.
async fn regions(db: &impl ConnectionTrait, activity: &Activity) -> ApiResult<Vec<String>> {
    let given = activity
        .administrative_areas
        .iter()
        .enumerate()
        .map(|(index, area)| (format!("location/administrative[{}]/@code", index + 1), area))
        .chain(
            activity
                .recipient_regions
                .iter()
                .enumerate()
                .filter(|(_, region)| region.vocabulary.as_deref() == Some("99"))
                .map(|(index, region)| (format!("recipient-region[{}]/@code", index + 1), region)),
        );
    let mut codes = Vec::new();
    for (field, coded) in given {
        let Some(code) = coded.code.as_deref().filter(|c| c.starts_with("UA-")) else {
            continue;
        };
        if lookup::region_id(db, code).await?.is_none() {
            return Err(ApiError::invalid(
                field,
                format!("`{code}` is not an ISO 3166-2:UA region code such as UA-12"),
            ));
        }
        codes.push(code.to_owned());
    }
    codes.sort();
    codes.dedup();
    Ok(codes)
}

/// The activity as the registry stores it, or `None` when no tag links it to a plan item (the
/// activity is not the registry's business). Errors refuse the activity.
pub async fn resolve(db: &impl ConnectionTrait, activity: &Activity) -> ApiResult<Option<Resolved>> {
    let plan_items = plan_items(db, &activity.tags).await?;
    if plan_items.is_empty() {
        return Ok(None);
    }
    if activity.too_many_elements {
        return Err(ApiError::invalid(
            "iati-activity",
            "the activity has more elements than the registry reads in one activity",
        ));
    }
    if activity.identifier_count > 1 {
        return Err(ApiError::invalid(
            "iati-identifier",
            "an activity has one identifier",
        ));
    }
    let identifier =
        validation::iati_identifier("iati-identifier", activity.identifier.as_deref().unwrap_or(""))?;
    let last_updated = activity
        .last_updated
        .as_deref()
        .map(|text| date_time("@last-updated-datetime", text))
        .transpose()?;
    let (title_uk, title_en) = titles(activity)?;
    let (start_date, end_date) = dates(activity)?;
    let (participants, unknown_organisations) = participants(db, activity).await?;
    Ok(Some(Resolved {
        identifier,
        last_updated,
        title_uk,
        title_en,
        start_date,
        end_date,
        budgets: budgets(activity)?,
        participants,
        dac_purposes: dac_purposes(activity)?,
        gender_marker: gender_marker(activity)?,
        regions: regions(db, activity).await?,
        plan_items,
        unknown_organisations,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::import::iati::reader::Budget;

    #[test]
    fn vocabulary_uris_name_their_plan() {
        let plan = |uri| vocabulary_plan_code(uri);
        assert_eq!(
            plan("https://r.example/vocabulary/UA-NAP-2021-2025"),
            Some("UA-NAP-2021-2025")
        );
        assert_eq!(
            plan("http://127.0.0.1:8080/vocabulary/UA-NAP-2021-2025.xml"),
            Some("UA-NAP-2021-2025")
        );
        assert_eq!(
            plan("https://r.example/vocabulary/UA-NAP-2021-2025/"),
            Some("UA-NAP-2021-2025")
        );
        assert_eq!(plan("https://r.example/codelist/UA-NAP-2021-2025"), None);
        assert_eq!(plan("https://r.example/vocabulary/"), None);
    }

    #[test]
    fn budgets_add_up_per_currency_and_revised_ones_replace_the_original() {
        let budget = |kind: &str, currency: Option<&str>, value: &str| Budget {
            kind: Some(kind.to_owned()),
            currency: currency.map(str::to_owned),
            value: Some(value.to_owned()),
        };
        let mut activity = Activity {
            default_currency: Some("EUR".to_owned()),
            budgets: vec![
                budget("1", None, "10.50"),
                budget("1", Some("USD"), "1"),
                budget("1", None, "1"),
            ],
            ..Activity::default()
        };
        let totals = budgets(&activity).unwrap();
        assert_eq!(totals.get("EUR"), Some(&1150));
        assert_eq!(totals.get("USD"), Some(&100));
        activity.budgets.push(budget("2", Some("UAH"), "5"));
        assert_eq!(
            budgets(&activity).unwrap(),
            BTreeMap::from([("UAH".to_owned(), 500)])
        );
        activity.budgets.push(budget("2", Some("XXX"), "5"));
        let error = budgets(&activity).unwrap_err();
        assert!(
            matches!(error, ApiError::Validation { ref field, .. } if field == "budget[5]/value/@currency")
        );
    }

    #[test]
    fn dates_prefer_the_actual_and_titles_take_the_default_language() {
        let mut activity = Activity {
            default_lang: Some("uk".to_owned()),
            title_count: 1,
            titles: vec![super::super::reader::Narrative {
                lang: None,
                text: "Назва".to_owned(),
            }],
            ..Activity::default()
        };
        assert_eq!(titles(&activity).unwrap(), (Some("Назва".to_owned()), None));
        activity.title_count = 2;
        assert!(titles(&activity).is_err());
        activity.dates = vec![
            super::super::reader::ActivityDate {
                kind: Some("1".to_owned()),
                iso_date: Some("2026-01-01".to_owned()),
            },
            super::super::reader::ActivityDate {
                kind: Some("2".to_owned()),
                iso_date: Some("2026-02-01".to_owned()),
            },
        ];
        assert_eq!(dates(&activity).unwrap().0, NaiveDate::from_ymd_opt(2026, 2, 1));
        assert_eq!(
            date_time("f", "2026-11-01T10:00:00").unwrap(),
            date_time("f", "2026-11-01T12:00:00+02:00").unwrap()
        );
    }
}
