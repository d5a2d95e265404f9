//! Anonymous queries, answered from the response cache (`crate::read_cache`): with 304 when the
//! client already has the answer at the current change sequence, else the kept answer, else the
//! query run once however many ask at the same time (and kept if it has no errors).

use axum::{
    http::{HeaderMap, Method},
    response::Response,
};

use super::{
    conditional,
    execution::{self, ReadFrom},
    refusals,
};
use crate::{
    AppState,
    db::DatabaseHealth,
    graphql::language::Language,
    metrics::Outcome,
    read_cache::{Answer, CacheKey},
};

/// The answer to an anonymous query.
pub(super) async fn answer(
    state: &AppState,
    health: &DatabaseHealth,
    method: &Method,
    headers: &HeaderMap,
    request: async_graphql::Request,
    language: Language,
    sequence: i64,
) -> (Outcome, Response) {
    let variables = serde_json::to_string(&request.variables).unwrap_or_default();
    let language_code = match language {
        Language::Uk => "uk",
        Language::En => "en",
    };
    let key = CacheKey::new(
        &request.query,
        request.operation_name.as_deref(),
        &variables,
        language_code,
    );
    let etag = key.etag(sequence);
    if conditional::client_has(method, headers, &etag) {
        state.metrics.cache_lookup("not_modified");
        return (Outcome::Cached, conditional::not_modified(&etag));
    }
    let cache = &state.response_cache;
    let found = cache
        .answer(key, sequence, || async {
            let response =
                execution::execute(state, request, language, None, ReadFrom::ReadModel(sequence)).await;
            if !response.errors.is_empty() {
                return Err(execution::finish(state, health, headers, response).await);
            }
            execution::serialize(&response).ok_or_else(refusals::internal_error)
        })
        .await;
    let (outcome, body) = match found {
        Answer::Kept(body) => {
            state.metrics.cache_lookup("hit");
            (Outcome::Cached, body)
        }
        Answer::Computed(body) => {
            state.metrics.cache_lookup("miss");
            let size = cache.size();
            state.metrics.cache_size(size.bytes, size.entries);
            (Outcome::Ok, body)
        }
        Answer::NotKept(answered) => {
            state.metrics.cache_lookup("miss");
            return answered;
        }
    };
    (
        outcome,
        conditional::tagged(execution::json_response(headers, body), &etag),
    )
}
