//! Case-insensitive text search that behaves the same on SQLite and PostgreSQL. SQLite's `LOWER`
//! folds only ASCII, so the registry keeps a `search_text` column, lower-cased in Rust (which folds
//! Ukrainian as well as English), and matches lower-cased query words against it with `LIKE`.

use entity::{indicator, organisation, plan_item, project_link};
use sea_orm::{
    Condition, EntityTrait, QueryFilter, Select,
    sea_query::{Expr, ExprTrait, IntoColumnRef, LikeExpr},
};

use crate::error::{ApiError, ApiResult};

/// Longest search query accepted, in characters.
pub const MAX_QUERY_LENGTH: usize = 200;
/// Most words a search query may have.
const MAX_QUERY_WORDS: usize = 10;

/// Folds text for matching: lower case, one kind of apostrophe, single spaces.
pub fn normalize(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{2019}' | '\u{02BC}' | '\u{0060}' | '\u{00B4}' => '\'',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `search_text` of a row: its code and texts in both languages, normalized.
pub fn search_text<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    let joined: Vec<&str> = parts.into_iter().flatten().filter(|p| !p.is_empty()).collect();
    normalize(&joined.join(" "))
}

/// The `search_text` of a plan item: its code and titles.
pub fn plan_item_text(item: &plan_item::Model) -> String {
    search_text([
        Some(item.code.as_str()),
        item.title_uk.as_deref(),
        item.title_en.as_deref(),
    ])
}

/// The `search_text` of an indicator: its code, names and SDG reference.
pub fn indicator_text(indicator: &indicator::Model) -> String {
    search_text([
        Some(indicator.code.as_str()),
        indicator.name_uk.as_deref(),
        indicator.name_en.as_deref(),
        indicator.sdg_indicator.as_deref(),
    ])
}

/// The `search_text` of a project link: its IATI identifier and titles.
pub fn project_link_text(link: &project_link::Model) -> String {
    search_text([
        link.iati_identifier.as_deref(),
        link.title_uk.as_deref(),
        link.title_en.as_deref(),
    ])
}

/// The `search_text` of an organisation: its code, current names, and `extra` (identifiers and
/// former names), so that a body is found under any name it has had.
pub fn organisation_text<'a>(
    organisation: &'a organisation::Model,
    extra: impl Iterator<Item = &'a str>,
) -> String {
    let current = [
        Some(organisation.code.as_str()),
        organisation.name_uk.as_deref(),
        organisation.name_en.as_deref(),
    ];
    search_text(current.into_iter().chain(extra.map(Some)))
}

/// `select` narrowed, when a `search` (the `filter.search` argument) is given, to the rows whose
/// `column` contains every word of it.
pub fn matching<E: EntityTrait>(
    select: Select<E>,
    column: impl IntoColumnRef,
    search: Option<&str>,
) -> ApiResult<Select<E>> {
    Ok(match search {
        Some(search) => select.filter(contains_all_words(&Expr::col(column), "filter.search", search)?),
        None => select,
    })
}

/// A condition matching rows whose `column` contains every word of `query`; `field` names the
/// argument in errors.
pub fn contains_all_words(column: &Expr, field: &str, query: &str) -> ApiResult<Condition> {
    if query.chars().count() > MAX_QUERY_LENGTH {
        return Err(ApiError::invalid(
            field,
            format!("at most {MAX_QUERY_LENGTH} characters"),
        ));
    }
    let normalized = normalize(query);
    let words: Vec<&str> = normalized.split(' ').filter(|w| !w.is_empty()).collect();
    if words.is_empty() {
        return Err(ApiError::invalid(field, "must contain at least one word"));
    }
    if words.len() > MAX_QUERY_WORDS {
        return Err(ApiError::invalid(
            field,
            format!("at most {MAX_QUERY_WORDS} words"),
        ));
    }
    let mut condition = Condition::all();
    for word in words {
        let escaped = word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        condition = condition.add(
            column
                .clone()
                .like(LikeExpr::new(format!("%{escaped}%")).escape('\\')),
        );
    }
    Ok(condition)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_ukrainian_and_english_case_and_apostrophes() {
        assert_eq!(normalize("  Сім’ї   ТА Єдності "), "сім'ї та єдності");
        assert_eq!(normalize("Women, PEACE"), "women, peace");
        assert_eq!(
            search_text([Some("UA-NAP/1"), None, Some("Ціль")]),
            "ua-nap/1 ціль"
        );
    }

    #[test]
    fn refuses_empty_and_oversized_queries_naming_the_field() {
        let column = Expr::col("search_text");
        for bad in [
            "",
            "   ",
            &"x".repeat(MAX_QUERY_LENGTH + 1),
            "a b c d e f g h i j k",
        ] {
            let error = contains_all_words(&column, "filter.search", bad).unwrap_err();
            assert_eq!(error.code(), "BAD_USER_INPUT");
            assert!(error.message().starts_with("filter.search:"));
        }
    }
}
