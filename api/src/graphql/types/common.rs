//! Small types shared by several areas: amounts of money, and Relay connections with `totalCount`.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, SimpleObject, Value};
use chrono::NaiveDate;

use crate::{
    domain::pagination::{KeyKind, KeyValue, Page, PageRequest, paginate_loaded},
    error::ApiResult,
};

/// A calendar date in ISO 8601 form, `YYYY-MM-DD`, e.g. `2020-10-28`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

/// A calendar date in ISO 8601 form, `YYYY-MM-DD`, e.g. `2020-10-28` (RFC 3339 `full-date`).
#[Scalar(
    name = "Date",
    specified_by_url = "https://www.rfc-editor.org/rfc/rfc3339#section-5.6"
)]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| {
                    InputValueError::custom(format!("`{text}` is not a date in the form YYYY-MM-DD"))
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// The GraphQL date of an optional stored date.
pub fn date(value: Option<NaiveDate>) -> Option<Date> {
    value.map(Date)
}

/// An amount of money in one currency. Amounts in different currencies are never added up.
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct Money {
    /// The amount as a decimal string with two fraction digits, e.g. `125000.00` (exact, unlike a float).
    pub amount: String,
    /// ISO 4217 currency code, e.g. `UAH`, `EUR`, `USD`.
    pub currency: String,
}

impl Money {
    /// Money from an amount in hundredths of the currency unit.
    pub fn from_cents(cents: i64, currency: &str) -> Self {
        let sign = if cents < 0 { "-" } else { "" };
        let absolute = cents.unsigned_abs();
        Self {
            amount: format!("{sign}{}.{:02}", absolute / 100, absolute % 100),
            currency: currency.to_owned(),
        }
    }

    /// Money when both the amount and the currency are known.
    pub fn maybe(cents: Option<i64>, currency: Option<&str>) -> Option<Self> {
        Some(Self::from_cents(cents?, currency?))
    }
}

/// Declares a Relay connection type and its edge type for `$node`, with `totalCount` and `nodes`.
macro_rules! connection_type {
    ($connection:ident, $edge:ident, $node:ty, $what:literal) => {
        #[doc = concat!("A page of ", $what, ", with cursors to fetch the pages around it.")]
        #[derive(async_graphql::SimpleObject)]
        pub struct $connection {
            /// The objects of this page, each with its cursor.
            pub edges: $crate::graphql::object_list::ObjectList<$edge>,
            /// The objects of this page, without cursors.
            pub nodes: $crate::graphql::object_list::ObjectList<$node>,
            /// Where this page lies in the whole list.
            pub page_info: async_graphql::connection::PageInfo,
            /// How many objects the whole list has (across all pages) with the filters given.
            pub total_count: u64,
        }

        #[doc = concat!("One of the ", $what, " of a page, with its cursor.")]
        #[derive(async_graphql::SimpleObject)]
        pub struct $edge {
            /// An opaque cursor: pass it as `after` or `before` to page on from this object.
            pub cursor: String,
            /// The object.
            pub node: $node,
        }

        impl $crate::graphql::types::common::FromPage<$node> for $connection {
            fn from_page<M>(page: $crate::domain::pagination::Page<M>, wrap: impl Fn(M) -> $node) -> Self {
                let edges: Vec<$edge> = page
                    .rows
                    .into_iter()
                    .map(|(cursor, row)| $edge {
                        cursor,
                        node: wrap(row),
                    })
                    .collect();
                Self {
                    nodes: edges.iter().map(|edge| edge.node.clone()).collect(),
                    page_info: async_graphql::connection::PageInfo {
                        has_previous_page: page.has_previous_page,
                        has_next_page: page.has_next_page,
                        start_cursor: edges.first().map(|edge| edge.cursor.clone()),
                        end_cursor: edges.last().map(|edge| edge.cursor.clone()),
                    },
                    edges: edges.into(),
                    total_count: page.total_count,
                }
            }
        }
    };
}
pub(crate) use connection_type;

/// A connection type built from a page of rows.
pub trait FromPage<T> {
    /// The connection of the page's rows wrapped as `T`.
    fn from_page<M>(page: Page<M>, wrap: impl Fn(M) -> T) -> Self;
}

/// Turns a page of rows into the connection `C` of their GraphQL objects.
pub fn connection<M, T, C: FromPage<T>>(page: Page<M>, wrap: impl Fn(M) -> T) -> C {
    C::from_page(page, wrap)
}

/// The connection `C` of a page of `rows` in the order of their ids (`id` gives a row's), each
/// wrapped as `T`: the answer of a relation whose rows have no order of their own.
pub fn connection_by_id<M, T, C: FromPage<T>>(
    mut rows: Vec<M>,
    id: fn(&M) -> uuid::Uuid,
    request: &PageRequest,
    wrap: impl Fn(M) -> T,
) -> ApiResult<C> {
    rows.sort_by_key(|row| *id(row).as_bytes());
    let page = paginate_loaded(
        rows,
        &[KeyKind::Uuid],
        |row| vec![KeyValue::from(id(row))],
        request,
    )?;
    Ok(connection(page, wrap))
}

/// The Relay arguments of a field as a page request.
pub fn page_request(
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> PageRequest {
    PageRequest {
        first,
        after,
        last,
        before,
    }
}

#[cfg(test)]
mod tests {
    use super::Money;

    #[test]
    fn amounts_are_exact_decimal_strings() {
        assert_eq!(Money::from_cents(12_500_000, "UAH").amount, "125000.00");
        assert_eq!(Money::from_cents(5, "EUR").amount, "0.05");
        assert_eq!(Money::from_cents(-150, "USD").amount, "-1.50");
        assert_eq!(Money::maybe(None, Some("UAH")), None);
    }
}
