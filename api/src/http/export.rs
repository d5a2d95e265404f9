//! `GET /export/<dataset>.<csv|json|jsonl>`: a bulk export streamed from the database (see
//! `crate::export`), named after the dataset and the registry's change sequence.

use std::collections::HashMap;

use axum::{
    Json,
    body::Body,
    extract::{Path, Query, State},
    http::{
        HeaderValue, StatusCode,
        header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE},
    },
    response::{IntoResponse, Response},
};
use futures_util::StreamExt;
use serde_json::json;

use crate::{
    AppState,
    error::{ApiError, ApiResult},
    export::{self, Dataset, ExportFilter, ExportRequest, Format, Lang},
};

/// The query parameters an export takes.
const PARAMETERS: &[&str] = &[
    "plan",
    "region",
    "funder",
    "item",
    "lang",
    "includeWithdrawn",
    "bom",
];

/// `true` or `false` for `field`.
fn flag(field: &str, text: &str) -> ApiResult<bool> {
    match text {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(ApiError::invalid(field, format!("`{text}` is not true or false"))),
    }
}

/// The export `file` (`<dataset>.<format>`) asks for with `parameters`.
fn request(file: &str, parameters: &HashMap<String, String>) -> ApiResult<ExportRequest> {
    let (name, extension) = file.rsplit_once('.').unwrap_or((file, ""));
    let dataset = Dataset::from_name(name).ok_or_else(|| ApiError::NotFound {
        what: format!(
            "dataset `{name}` (there are: {})",
            Dataset::ALL.map(Dataset::name).join(", ")
        ),
    })?;
    let format = Format::from_extension(extension).ok_or_else(|| ApiError::NotFound {
        what: format!("format `{extension}` (there are: csv, json, jsonl)"),
    })?;
    if let Some(unknown) = parameters.keys().find(|k| !PARAMETERS.contains(&k.as_str())) {
        return Err(ApiError::invalid(
            unknown.as_str(),
            format!("not a parameter of exports (they are: {})", PARAMETERS.join(", ")),
        ));
    }
    let text = |name: &str| parameters.get(name).filter(|v| !v.is_empty()).cloned();
    let filter = ExportFilter {
        plan: text("plan"),
        region: text("region"),
        funder: text("funder"),
        item: text("item"),
        lang: text("lang")
            .map(|l| Lang::parse("lang", &l))
            .transpose()?
            .unwrap_or_default(),
        include_withdrawn: text("includeWithdrawn")
            .map(|v| flag("includeWithdrawn", &v))
            .transpose()?
            .unwrap_or(false),
    };
    filter.check(dataset)?;
    let bom = text("bom").map(|v| flag("bom", &v)).transpose()?.unwrap_or(false);
    Ok(ExportRequest {
        dataset,
        format,
        filter,
        bom,
    })
}

fn refusal(error: &ApiError) -> Response {
    let status = match error {
        ApiError::NotFound { .. } => StatusCode::NOT_FOUND,
        ApiError::Validation { .. } => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    if let ApiError::Database(cause) = error {
        tracing::error!(error = %cause, "database error");
    }
    let field = match error {
        ApiError::Validation { field, .. } => Some(field.as_str()),
        _ => None,
    };
    let body =
        json!({ "error": { "code": error.code().as_str(), "field": field, "message": error.message() } });
    (status, Json(body)).into_response()
}

/// `GET /export/{file}`.
pub async fn export(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(parameters): Query<HashMap<String, String>>,
) -> Response {
    let request = match request(&file, &parameters) {
        Ok(request) => request,
        Err(error) => return refusal(&error),
    };
    let sequence = match state.change_sequence.current().await {
        Ok(sequence) => sequence,
        Err(error) => return refusal(&error),
    };
    let disposition = format!("attachment; filename=\"{}\"", request.file_name(sequence));
    let format = request.format;
    let receiver = export::spawn(state.db.clone(), request);
    // Fused: the compression layer may poll once more after the end.
    let body = Body::from_stream(
        futures_util::stream::unfold(receiver, |mut receiver| async move {
            receiver.recv().await.map(|chunk| (chunk, receiver))
        })
        .fuse(),
    );
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    headers.insert("x-change-sequence", HeaderValue::from(sequence));
    response
}
