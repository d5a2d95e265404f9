//! The pages for people: `GET /` (what the registry is, its plans with their coverage, where to go
//! next; `application/json` gets the same as a small index of addresses), `GET /coverage/<plan
//! code>` (map, legend, counts and the sortable table of a national plan's regions) and
//! `GET /README.md` (the integration notes). Caching as for permanent addresses: `ETag` from the
//! change sequence, the format and the day (statuses depend on the date), `304` on
//! `If-None-Match`, `Vary: Accept`.

use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, header::CONTENT_TYPE},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::json;

use super::{
    coverage_page::read_coverage,
    landing::read_landing,
    negotiation::Format,
    render,
    routes::{answer, fresh, internal, problem},
};
use crate::{AppState, error::ApiError};

/// The README, served as the integration notes the landing page links to.
const README: &str = include_str!("../../../README.md");

/// `?format=` and `?sort=`.
#[derive(Debug, Deserialize)]
pub struct PageParams {
    format: Option<String>,
    sort: Option<String>,
}

/// `room` of today's answers: statuses depend on the date, so tags change with the day.
fn today(room: &str) -> String {
    format!("{room}-{}", crate::domain::calendar::today())
}

/// `GET /`: the landing page (HTML), or an index of addresses (JSON).
pub async fn landing(
    State(state): State<AppState>,
    Query(params): Query<PageParams>,
    headers: HeaderMap,
) -> Response {
    let offered = [Format::Html, Format::Json];
    let (format, etag) = match fresh(
        &state,
        &headers,
        params.format.as_deref(),
        &offered,
        &today("home"),
    )
    .await
    {
        Ok(chosen) => chosen,
        Err(response) => return response,
    };
    let landing = match read_landing(&state.db, &state.public_url).await {
        Ok(landing) => landing,
        Err(error) => return internal(&error),
    };
    let body = match format {
        Format::Html => render::landing(&landing),
        _ => {
            let base = &state.public_url;
            Ok(json!({
                "graphql": base.at("/graphql"),
                "graphiql": base.at("/graphiql"),
                "readme": base.at("/README.md"),
                "exports": crate::export::Dataset::ALL.iter().map(|d| base.at(&format!("/export/{}.csv", d.name()))).collect::<Vec<_>>(),
                "vocabularies": landing.vocabularies.iter().map(|v| &v.1).collect::<Vec<_>>(),
                "plans": landing.plans.iter().map(|p| json!({
                    "code": p.code,
                    "uri": p.uri,
                    "coverage": p.coverage,
                    "vocabulary": p.vocabulary,
                    "counts": p.counts.iter().map(|c| (c.status, c.count)).collect::<std::collections::BTreeMap<_, _>>(),
                })).collect::<Vec<_>>(),
            })
            .to_string())
        }
    };
    match body {
        Ok(body) => answer(format, &etag, body),
        Err(error) => internal(&error),
    }
}

/// `GET /coverage/<plan code>?sort=<column>`: the coverage page of a national plan.
pub async fn coverage(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(params): Query<PageParams>,
    headers: HeaderMap,
) -> Response {
    let offered = [Format::Html];
    let (format, etag) = match fresh(
        &state,
        &headers,
        params.format.as_deref(),
        &offered,
        &today("coverage"),
    )
    .await
    {
        Ok(chosen) => chosen,
        Err(response) => return response,
    };
    let page = match read_coverage(&state.db, &state.public_url, &code, params.sort.as_deref()).await {
        Ok(Some(page)) => page,
        Ok(None) => {
            let detail = format!("there is no national plan `{code}`");
            return problem(&state, &headers, StatusCode::NOT_FOUND, &detail);
        }
        Err(error @ ApiError::Validation { .. }) => {
            return problem(&state, &headers, StatusCode::BAD_REQUEST, &error.message());
        }
        Err(error) => return internal(&error),
    };
    match render::coverage(&page) {
        Ok(body) => answer(format, &etag, body),
        Err(error) => internal(&error),
    }
}

/// `GET /README.md`: the README (integration notes), as Markdown text.
pub async fn readme() -> Response {
    ([(CONTENT_TYPE, "text/markdown; charset=utf-8")], README).into_response()
}
