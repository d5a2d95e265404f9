//! The HTTP side of permanent addresses: `GET /id/<kind>/<code>` and `GET /vocabulary/<code>`
//! (the pages for people, `/` and `/coverage/<plan code>`, are in `super::pages`).
//! One address, several formats chosen by `Accept` (or `?format=`), `Vary: Accept`, an `ETag` made
//! of the registry's change sequence and the format, and `304 Not Modified` on `If-None-Match`.

use axum::{
    Router,
    extract::{Path, Query, State},
    http::{
        HeaderMap, HeaderValue, StatusCode,
        header::{
            ACCEPT, CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, ETAG, IF_NONE_MATCH, LOCATION, VARY,
        },
    },
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Deserialize;
use serde_json::json;

use super::{
    address::{self, AddressError},
    negotiation::{Format, negotiate},
    read_others::read,
    render,
    vocabulary::{address_of, read_codelist},
};
use crate::{
    AppState,
    error::{ApiError, ErrorCode},
};

/// The routes of permanent addresses and vocabularies.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/id/{*path}", get(resolve))
        .route("/vocabulary/{*path}", get(vocabulary))
        .route("/", get(super::pages::landing))
        .route("/coverage/{code}", get(super::pages::coverage))
        .route("/README.md", get(super::pages::readme))
}

/// `?format=` overriding `Accept`, for links from pages.
#[derive(Debug, Deserialize)]
struct FormatParam {
    format: Option<String>,
}

/// What the client asked for: the explicit `format`, else the best of `offered` for `Accept`.
fn chosen(headers: &HeaderMap, param: Option<&str>, offered: &[Format]) -> Result<Format, String> {
    match param {
        Some(name) => Format::from_name(name)
            .filter(|f| offered.contains(f))
            .ok_or_else(|| format!("format `{name}` is not offered here")),
        None => negotiate(headers.get(ACCEPT).and_then(|v| v.to_str().ok()), offered)
            .ok_or_else(|| "none of the media types in Accept is offered here".to_owned()),
    }
}

/// A 400, 404 or 406 answer in the format the client prefers (a page, or JSON).
pub(super) fn problem(state: &AppState, headers: &HeaderMap, status: StatusCode, detail: &str) -> Response {
    let wants = negotiate(
        headers.get(ACCEPT).and_then(|v| v.to_str().ok()),
        &[Format::Html, Format::Json, Format::JsonLd],
    );
    let code = match status {
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        StatusCode::NOT_ACCEPTABLE => ErrorCode::NotAcceptable,
        _ => ErrorCode::BadUserInput,
    }
    .as_str();
    let mut response = match wants {
        Some(Format::Html) | None => match render::problem(status.as_u16(), detail, &state.public_url) {
            Ok(page) => (status, [(CONTENT_TYPE, Format::Html.media_type())], page).into_response(),
            Err(error) => return internal(&error),
        },
        Some(_) => (
            status,
            [(CONTENT_TYPE, "application/json")],
            json!({ "status": status.as_u16(), "code": code, "message": detail }).to_string(),
        )
            .into_response(),
    };
    response
        .headers_mut()
        .insert(VARY, HeaderValue::from_static("Accept"));
    response
}

pub(super) fn internal(error: &ApiError) -> Response {
    tracing::error!(?error, "cannot answer a permanent address");
    (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
}

/// Whether `If-None-Match` names `etag`.
fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| tag.trim().trim_start_matches("W/") == etag)
}

/// The tag of the answer in `format` at the current change sequence.
async fn current_etag(state: &AppState, room: &str, format: Format) -> Result<String, Response> {
    match state.change_sequence.current().await {
        Ok(sequence) => Ok(format!("\"{room}-{sequence}-{}\"", format.name())),
        Err(error) => Err(internal(&error)),
    }
}

/// The format to answer in (`param`, else the best of `offered` for `Accept`) and its tag for
/// `room`; or the answer already due: 406 when nothing offered is acceptable, 304 when the
/// client's copy is current.
pub(super) async fn fresh(
    state: &AppState,
    headers: &HeaderMap,
    param: Option<&str>,
    offered: &[Format],
    room: &str,
) -> Result<(Format, String), Response> {
    let format = chosen(headers, param, offered)
        .map_err(|detail| problem(state, headers, StatusCode::NOT_ACCEPTABLE, &detail))?;
    let etag = current_etag(state, room, format).await?;
    if not_modified(headers, &etag) {
        return Err(unchanged(&etag));
    }
    Ok((format, etag))
}

pub(super) fn answer(format: Format, etag: &str, body: String) -> Response {
    revalidated(
        ([(CONTENT_TYPE, format.media_type())], body).into_response(),
        etag,
    )
}

fn unchanged(etag: &str) -> Response {
    revalidated(StatusCode::NOT_MODIFIED.into_response(), etag)
}

/// `response` with the headers of an answer that varies by `Accept` and is checked again (by its
/// `etag`) before every reuse.
fn revalidated(mut response: Response, etag: &str) -> Response {
    let headers = response.headers_mut();
    headers.insert(VARY, HeaderValue::from_static("Accept"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(ETAG, value);
    }
    response
}

/// `GET /id/<kind>/<code>`: the object as a page, JSON-LD, JSON or (where a list fits) CSV.
async fn resolve(
    State(state): State<AppState>,
    Path(path): Path<String>,
    Query(param): Query<FormatParam>,
    headers: HeaderMap,
) -> Response {
    let address = match address::parse(&path) {
        Ok(address) => address,
        Err(AddressError::Malformed(detail)) => {
            return problem(&state, &headers, StatusCode::BAD_REQUEST, &detail);
        }
        Err(AddressError::UnknownKind(kind)) => {
            let detail = format!("the registry has no addresses of kind `{kind}`");
            return problem(&state, &headers, StatusCode::NOT_FOUND, &detail);
        }
    };
    let offered = [Format::Html, Format::JsonLd, Format::Json, Format::Csv];
    let (format, etag) = match fresh(&state, &headers, param.format.as_deref(), &offered, "id").await {
        Ok(chosen) => chosen,
        Err(response) => return response,
    };
    let resource = match read(&state.db, &state.public_url, &address).await {
        Ok(Some(resource)) => resource,
        Ok(None) => {
            let detail = format!("nothing in the registry has the address /id/{path}");
            return problem(&state, &headers, StatusCode::NOT_FOUND, &detail);
        }
        Err(error) => return internal(&error),
    };
    let body = match format {
        Format::Html => render::html(&resource, &state.public_url),
        Format::JsonLd | Format::Json => Ok(render::json_ld(&resource, &state.public_url).to_string()),
        Format::Csv => match &resource.table {
            Some(table) => render::csv(table),
            None => {
                let detail = "this object is not a list; ask for text/html or application/ld+json";
                return problem(&state, &headers, StatusCode::NOT_ACCEPTABLE, detail);
            }
        },
        Format::Xml => Err(ApiError::Internal("XML is not offered for objects".to_owned())),
    };
    match body {
        Ok(body) => answer(format, &etag, body),
        Err(error) => internal(&error),
    }
}

/// `GET /vocabulary/<code>` (`.xml`, `.json`, `.csv`, or by `Accept`): a plan's or a
/// target-group vocabulary's codelist. `GET /vocabulary/<code>/<item code>` redirects (303) to
/// the code's permanent address.
async fn vocabulary(
    State(state): State<AppState>,
    Path(path): Path<String>,
    Query(param): Query<FormatParam>,
    headers: HeaderMap,
) -> Response {
    let offered = [Format::Xml, Format::Json, Format::Csv];
    let (name, entry) = match path.split_once('/') {
        Some((name, entry)) => (name, Some(entry)),
        None => (path.as_str(), None),
    };
    let (name, suffix) = match name.rsplit_once('.') {
        Some((name, suffix)) if Format::from_name(suffix).is_some_and(|f| offered.contains(&f)) => {
            (name, Format::from_name(suffix))
        }
        _ => (name, None),
    };
    if address::parse(&format!("plan/{name}")).is_err() {
        let detail = format!("`{name}` is not a plan or vocabulary code");
        return problem(&state, &headers, StatusCode::BAD_REQUEST, &detail);
    }
    let format = match suffix.map_or_else(|| chosen(&headers, param.format.as_deref(), &offered), Ok) {
        Ok(format) => format,
        Err(detail) => return problem(&state, &headers, StatusCode::NOT_ACCEPTABLE, &detail),
    };
    let etag = match current_etag(&state, "vocabulary", format).await {
        Ok(etag) => etag,
        Err(response) => return response,
    };
    if entry.is_none() && not_modified(&headers, &etag) {
        return unchanged(&etag);
    }
    let list = match read_codelist(&state.db, &state.public_url, name).await {
        Ok(Some(list)) => list,
        Ok(None) => {
            let detail = format!("there is no plan or vocabulary `{name}`");
            return problem(&state, &headers, StatusCode::NOT_FOUND, &detail);
        }
        Err(error) => return internal(&error),
    };
    if let Some(code) = entry {
        return match address_of(&list, code).and_then(|uri| HeaderValue::from_str(&uri).ok()) {
            Some(location) => (StatusCode::SEE_OTHER, [(LOCATION, location)]).into_response(),
            None => {
                let detail = format!("`{name}` has no code `{code}`");
                problem(&state, &headers, StatusCode::NOT_FOUND, &detail)
            }
        };
    }
    let body = match format {
        Format::Xml => render::codelist_xml(&list),
        Format::Csv => render::codelist_csv(&list),
        _ => Ok(render::codelist_json(&list).to_string()),
    };
    match body {
        Ok(body) => {
            let mut response = answer(format, &etag, body);
            let file = format!("inline; filename=\"{}.{}\"", list.code, format.name());
            if let Ok(value) = HeaderValue::from_str(&file) {
                response.headers_mut().insert(CONTENT_DISPOSITION, value);
            }
            response
        }
        Err(error) => internal(&error),
    }
}
