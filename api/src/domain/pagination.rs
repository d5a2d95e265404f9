//! Relay-style keyset pagination shared by every list that can grow. A cursor is the URL-safe
//! base64 of the row's sort key, so a cursor stays valid (and points at the same place) when rows
//! are added or removed elsewhere in the list. Pages hold at most `MAX_PAGE_SIZE` rows.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sea_orm::{
    Condition, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    Select,
    sea_query::{Expr, ExprTrait, IntoColumnRef},
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};

/// Largest page a client may ask for.
pub const MAX_PAGE_SIZE: i32 = 100;
/// Page size when the client gives neither `first` nor `last`.
pub const DEFAULT_PAGE_SIZE: i32 = 20;

/// The Relay arguments of a list.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    /// Rows after `after`, from the start.
    pub first: Option<i32>,
    /// Cursor to start after.
    pub after: Option<String>,
    /// Rows before `before`, from the end.
    pub last: Option<i32>,
    /// Cursor to end before.
    pub before: Option<String>,
}

impl PageRequest {
    /// The Relay arguments `first`, `after`, `last` and `before`.
    pub fn new(first: Option<i32>, after: Option<String>, last: Option<i32>, before: Option<String>) -> Self {
        Self {
            first,
            after,
            last,
            before,
        }
    }
}

/// One value of a sort key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum KeyValue {
    /// A text column.
    #[serde(rename = "t")]
    Text(String),
    /// An integer column.
    #[serde(rename = "i")]
    Int(i64),
    /// A UUID column (ordered by its bytes on both backends).
    #[serde(rename = "u")]
    Uuid(Uuid),
}

impl KeyValue {
    fn into_expr(self) -> Expr {
        match self {
            Self::Text(text) => Expr::val(text),
            Self::Int(number) => Expr::val(number),
            Self::Uuid(id) => Expr::val(id),
        }
    }
}

impl From<&str> for KeyValue {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<i32> for KeyValue {
    fn from(number: i32) -> Self {
        Self::Int(i64::from(number))
    }
}

impl From<Uuid> for KeyValue {
    fn from(id: Uuid) -> Self {
        Self::Uuid(id)
    }
}

/// The type of one value of a sort key, so a cursor of another list is refused as bad input
/// instead of reaching the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// Text.
    Text,
    /// Integer.
    Int,
    /// UUID.
    Uuid,
}

impl KeyValue {
    fn kind(&self) -> KeyKind {
        match self {
            Self::Text(_) => KeyKind::Text,
            Self::Int(_) => KeyKind::Int,
            Self::Uuid(_) => KeyKind::Uuid,
        }
    }
}

/// A page of rows with their cursors.
#[derive(Debug)]
pub struct Page<T> {
    /// The rows, each with its cursor, in list order.
    pub rows: Vec<(String, T)>,
    /// Whether rows exist before the first one returned.
    pub has_previous_page: bool,
    /// Whether rows exist after the last one returned.
    pub has_next_page: bool,
    /// How many rows the whole list has.
    pub total_count: u64,
}

impl<T> Page<T> {
    /// The page of `rows` (each with its sort key, in list order), with what lies around it.
    fn of(
        rows: impl Iterator<Item = (Vec<KeyValue>, T)>,
        (has_previous_page, has_next_page): (bool, bool),
        total_count: u64,
    ) -> Self {
        Self {
            rows: rows.map(|(key, row)| (encode_cursor(&key), row)).collect(),
            has_previous_page,
            has_next_page,
            total_count,
        }
    }
}

/// Encodes a sort key as a cursor.
pub fn encode_cursor(key: &[KeyValue]) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(key).unwrap_or_default())
}

/// Decodes a cursor of a list sorted by keys of `kinds`, or a field-named error.
pub fn decode_cursor(field: &str, cursor: &str, kinds: &[KeyKind]) -> ApiResult<Vec<KeyValue>> {
    let invalid = || ApiError::invalid(field, format!("`{cursor}` is not a cursor of this list"));
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let key: Vec<KeyValue> = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    let shape: Vec<KeyKind> = key.iter().map(KeyValue::kind).collect();
    if shape == kinds { Ok(key) } else { Err(invalid()) }
}

/// Checks `first`/`last`, naming the argument, and returns (page size, forward?).
fn page_size(request: &PageRequest) -> ApiResult<(u64, bool)> {
    let check = |field: &str, value: i32| -> ApiResult<u64> {
        if !(0..=MAX_PAGE_SIZE).contains(&value) {
            return Err(ApiError::invalid(
                field,
                format!("must be between 0 and {MAX_PAGE_SIZE}, got {value}"),
            ));
        }
        Ok(u64::try_from(value).unwrap_or_default())
    };
    match (request.first, request.last) {
        (Some(_), Some(_)) => Err(ApiError::invalid(
            "last",
            "give either `first` or `last`, not both",
        )),
        (Some(first), None) => Ok((check("first", first)?, true)),
        (None, Some(last)) => Ok((check("last", last)?, false)),
        (None, None) => Ok((u64::try_from(DEFAULT_PAGE_SIZE).unwrap_or(20), true)),
    }
}

/// The page size, the direction (forward?) and the keys of the `after` and `before` cursors of
/// `request`, for a list sorted by keys of `kinds`.
type Window = (u64, bool, Option<Vec<KeyValue>>, Option<Vec<KeyValue>>);

/// Checks `request`, naming the bad argument: see `Window`.
fn window(request: &PageRequest, kinds: &[KeyKind]) -> ApiResult<Window> {
    let (size, forward) = page_size(request)?;
    let cursor = |field: &str, cursor: &Option<String>| {
        cursor
            .as_deref()
            .map(|c| decode_cursor(field, c, kinds))
            .transpose()
    };
    Ok((
        size,
        forward,
        cursor("after", &request.after)?,
        cursor("before", &request.before)?,
    ))
}

/// `(k1, k2, …) > (v1, v2, …)` (or `<`), spelled out so every backend can use its indexes.
pub fn beyond(columns: &[Expr], values: Vec<KeyValue>, after: bool) -> Condition {
    let mut any = Condition::any();
    let values: Vec<Expr> = values.into_iter().map(KeyValue::into_expr).collect();
    for position in 0..columns.len() {
        let mut all = Condition::all();
        for earlier in 0..position {
            all = all.add(columns[earlier].clone().eq(values[earlier].clone()));
        }
        let (column, value) = (columns[position].clone(), values[position].clone());
        all = all.add(if after { column.gt(value) } else { column.lt(value) });
        any = any.add(all);
    }
    any
}

/// Runs `select` one page at a time. `columns` is the sort key (unique together, in list order)
/// of `kinds`, and `key_of` gives a row's values for it.
pub async fn paginate<E, C>(
    db: &C,
    select: Select<E>,
    columns: &[Expr],
    kinds: &[KeyKind],
    key_of: impl Fn(&E::Model) -> Vec<KeyValue>,
    request: &PageRequest,
) -> ApiResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Send + Sync,
    C: ConnectionTrait,
{
    let (size, forward, after, before) = window(request, kinds)?;

    let total_count = select.clone().count(db).await?;
    let mut window = select.clone();
    if let Some(after) = after.clone() {
        window = window.filter(beyond(columns, after, true));
    }
    if let Some(before) = before.clone() {
        window = window.filter(beyond(columns, before, false));
    }
    let order = if forward { Order::Asc } else { Order::Desc };
    for column in columns {
        window = window.order_by(column.clone(), order.clone());
    }
    let mut rows = window.limit(size + 1).all(db).await?;
    let more = rows.len() as u64 > size;
    rows.truncate(usize::try_from(size).unwrap_or(usize::MAX));
    if !forward {
        rows.reverse();
    }
    // Whether anything lies on the far side of the cursor the client came from.
    let exists_beyond = |cursor: Option<Vec<KeyValue>>, after: bool| {
        let select = select.clone();
        async move {
            match cursor {
                Some(key) => Ok::<bool, ApiError>(
                    select
                        .filter(beyond(columns, key, !after))
                        .limit(1)
                        .count(db)
                        .await?
                        > 0,
                ),
                None => Ok(false),
            }
        }
    };
    let around = if forward {
        (exists_beyond(after, true).await?, more)
    } else {
        (more, exists_beyond(before, false).await?)
    };
    Ok(Page::of(
        rows.into_iter().map(|row| (key_of(&row), row)),
        around,
        total_count,
    ))
}

/// [`paginate`] by one `column` of `kind`, unique in the list, whose value `key_of` gives.
pub async fn paginate_by<E: EntityTrait<Model: Send + Sync>>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    column: impl IntoColumnRef,
    kind: KeyKind,
    key_of: impl Fn(&E::Model) -> KeyValue,
    request: &PageRequest,
) -> ApiResult<Page<E::Model>> {
    paginate(
        db,
        select,
        &[Expr::col(column)],
        &[kind],
        |row| vec![key_of(row)],
        request,
    )
    .await
}

/// Pages an in-memory list already in list order (used for relations loaded in batches).
pub fn paginate_loaded<T>(
    rows: Vec<T>,
    kinds: &[KeyKind],
    key_of: impl Fn(&T) -> Vec<KeyValue>,
    request: &PageRequest,
) -> ApiResult<Page<T>> {
    let (size, forward, after, before) = window(request, kinds)?;
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    let total_count = rows.len() as u64;
    let keyed: Vec<(Vec<KeyValue>, T)> = rows.into_iter().map(|row| (key_of(&row), row)).collect();
    // Rows are in list order, so a cursor's place is a partition point.
    let start = match after {
        Some(key) => keyed.partition_point(|(k, _)| compare(k, &key) != std::cmp::Ordering::Greater),
        None => 0,
    };
    let end = match before {
        Some(key) => keyed
            .partition_point(|(k, _)| compare(k, &key) == std::cmp::Ordering::Less)
            .max(start),
        None => keyed.len(),
    };
    let (from, to) = if forward {
        (start, end.min(start + size))
    } else {
        (end.saturating_sub(size).max(start), end)
    };
    let around = (from > 0, to < keyed.len());
    Ok(Page::of(
        keyed.into_iter().skip(from).take(to - from),
        around,
        total_count,
    ))
}

fn compare(a: &[KeyValue], b: &[KeyValue]) -> std::cmp::Ordering {
    for (x, y) in a.iter().zip(b) {
        let ordering = match (x, y) {
            (KeyValue::Text(x), KeyValue::Text(y)) => x.cmp(y),
            (KeyValue::Int(x), KeyValue::Int(y)) => x.cmp(y),
            (KeyValue::Uuid(x), KeyValue::Uuid(y)) => x.as_bytes().cmp(y.as_bytes()),
            // Keys of one list always have the same shape; a mixed pair cannot come from a valid cursor.
            (x, y) => discriminant(x).cmp(&discriminant(y)),
        };
        if ordering != std::cmp::Ordering::Equal {
            return ordering;
        }
    }
    std::cmp::Ordering::Equal
}

fn discriminant(value: &KeyValue) -> u8 {
    match value {
        KeyValue::Text(_) => 0,
        KeyValue::Int(_) => 1,
        KeyValue::Uuid(_) => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(page: &Page<i32>) -> Vec<i32> {
        page.rows.iter().map(|(_, row)| *row).collect()
    }

    #[test]
    fn page_sizes_are_bounded_and_named() {
        for (req, field) in [
            (PageRequest::new(Some(101), None, None, None), "first"),
            (PageRequest::new(Some(-1), None, None, None), "first"),
            (PageRequest::new(None, None, Some(101), None), "last"),
            (PageRequest::new(Some(1), None, Some(1), None), "last"),
        ] {
            let error = page_size(&req).unwrap_err();
            assert_eq!(error.code(), "BAD_USER_INPUT");
            assert!(
                error.message().starts_with(&format!("{field}:")),
                "{}",
                error.message()
            );
        }
        assert_eq!(
            page_size(&PageRequest::new(Some(100), None, None, None)).unwrap(),
            (100, true)
        );
    }

    #[test]
    fn malformed_cursors_are_bad_user_input() {
        for bad in [
            "",
            "%%%",
            &URL_SAFE_NO_PAD.encode("[1,2]"),
            &URL_SAFE_NO_PAD.encode("{}"),
        ] {
            assert_eq!(
                decode_cursor("after", bad, &[KeyKind::Text]).unwrap_err().code(),
                "BAD_USER_INPUT"
            );
        }
        let good = encode_cursor(&["a".into(), 3.into()]);
        assert_eq!(
            decode_cursor("after", &good, &[KeyKind::Text, KeyKind::Int]).unwrap(),
            vec![KeyValue::from("a"), KeyValue::Int(3)]
        );
    }

    #[test]
    fn in_memory_pages_walk_forward_and_backward() {
        let rows: Vec<i32> = (1..=5).collect();
        let key = |n: &i32| vec![KeyValue::Int(i64::from(*n))];
        let first = paginate_loaded(
            rows.clone(),
            &[KeyKind::Int],
            key,
            &PageRequest::new(Some(2), None, None, None),
        )
        .unwrap();
        assert_eq!(
            (
                keys(&first),
                first.has_previous_page,
                first.has_next_page,
                first.total_count
            ),
            (vec![1, 2], false, true, 5)
        );
        let after = first.rows[1].0.clone();
        let second = paginate_loaded(
            rows.clone(),
            &[KeyKind::Int],
            key,
            &PageRequest::new(Some(2), Some(after), None, None),
        )
        .unwrap();
        assert_eq!(
            (keys(&second), second.has_previous_page, second.has_next_page),
            (vec![3, 4], true, true)
        );
        let last = paginate_loaded(
            rows.clone(),
            &[KeyKind::Int],
            key,
            &PageRequest::new(None, None, Some(2), None),
        )
        .unwrap();
        assert_eq!(
            (keys(&last), last.has_previous_page, last.has_next_page),
            (vec![4, 5], true, false)
        );
        let before = last.rows[0].0.clone();
        let previous = paginate_loaded(
            rows,
            &[KeyKind::Int],
            key,
            &PageRequest::new(None, None, Some(2), Some(before)),
        )
        .unwrap();
        assert_eq!(keys(&previous), vec![2, 3]);
        let empty = paginate_loaded(
            Vec::<i32>::new(),
            &[KeyKind::Int],
            key,
            &PageRequest::new(Some(2), None, None, None),
        )
        .unwrap();
        assert_eq!(
            (keys(&empty), empty.has_next_page, empty.total_count),
            (vec![], false, 0)
        );
    }
}
