//! `/graphql`: GraphQL over HTTP. POST with JSON, or a multipart request with a token for file
//! uploads (`request_checks` refuses what is not a well-formed request), GET for queries only (a mutation over GET is refused with 405 and `Allow: POST`),
//! `application/graphql-response+json` when the client accepts it, no batches. Each request is
//! authenticated and rate limited (`caller`), run under the request timeout, executed in one place
//! (`execution`) and counted in the metrics. Anonymous queries go through the response cache
//! (`cached`), with an `ETag` and 304 answers to `If-None-Match` (`conditional`). Answers that fail
//! as a whole (unavailable, timed out, over the rate limit, a refused token) are in `refusals`;
//! the operation's type in `operation`.

mod cached;
mod caller;
mod conditional;
mod execution;
pub(crate) mod operation;
mod refusals;

use std::{net::SocketAddr, time::Instant};

use async_graphql::parser::types::OperationType;
use async_graphql_axum::{GraphQLRequest, rejection::GraphQLRejection};
use axum::{
    Extension,
    extract::{ConnectInfo, FromRequest, State},
    http::{HeaderMap, Method, header::ACCEPT_LANGUAGE},
    response::Response,
};

use super::request_checks::{self, Refusal};
use crate::{AppState, db::DatabaseHealth, error::ErrorCode, graphql::language::Language, metrics::Outcome};

/// `GET` and `POST /graphql`.
pub async fn graphql(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    connection: Option<Extension<ConnectInfo<SocketAddr>>>,
    Extension(health): Extension<DatabaseHealth>,
    ReadRequest(request): ReadRequest,
) -> Response {
    let started = Instant::now();
    let refuse = |refusal: Refusal| {
        state.metrics.graphql_error(refusal.code.as_str());
        state
            .metrics
            .graphql_request("unknown", Outcome::Refused, started.elapsed().as_secs_f64());
        request_checks::refusal_response(&refusal)
    };
    let request = request_checks::check_content_type(&method, &headers)
        .and_then(|()| request.map_err(|rejection| request_checks::not_a_request(&rejection.0)))
        .map(GraphQLRequest::into_inner)
        .and_then(|mut request| state.persisted_queries.resolve(&mut request).map(|()| request))
        .and_then(|request| request_checks::check_has_query(&request).map(|()| request));
    let mut request = match request {
        Ok(request) => request,
        Err(refusal) => return refuse(refusal),
    };
    if let Some(error) = request_checks::parse_failure(&mut request) {
        state
            .metrics
            .graphql_error(ErrorCode::GraphqlParseFailed.as_str());
        state
            .metrics
            .graphql_request("unknown", Outcome::Failed, started.elapsed().as_secs_f64());
        return request_checks::parse_failed_response(&headers, error);
    }
    let operation = operation::of(&mut request);
    // While the database is known to be away, fail at once rather than wait for the pool.
    let (outcome, response) = if health.is_available() {
        // Boxed, so that this future (moved into the router's own boxes) stays small.
        let answering = Box::pin(answer(
            &state, &health, &method, &headers, connection, request, operation,
        ));
        // Dropping the answer on timeout rolls back any write it had begun.
        match tokio::time::timeout(state.http.request_timeout, answering).await {
            Ok(answered) => answered,
            Err(_) if !health.probe().await => refusals::unavailable(&state),
            Err(_) => refusals::timed_out(&state),
        }
    } else {
        refusals::unavailable(&state)
    };
    state.metrics.graphql_request(
        operation::label(operation),
        outcome,
        started.elapsed().as_secs_f64(),
    );
    response
}

/// The GraphQL request async-graphql-axum reads from the HTTP request, or why it could not.
///
/// Read behind a box: the reader's future (a multipart reader among others) is many kilobytes,
/// and axum keeps every extractor's future inside the handler's, which the router's layers move
/// and box for every request.
pub struct ReadRequest(Result<GraphQLRequest, GraphQLRejection>);

impl<S: Send + Sync> FromRequest<S> for ReadRequest {
    type Rejection = std::convert::Infallible;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let read = Box::pin(<Result<GraphQLRequest, GraphQLRejection>>::from_request(
            request, state,
        ));
        Ok(Self(read.await?))
    }
}

/// Checks the method and the text, identifies the caller, and answers: anonymous queries from the
/// response cache, everything else by running it.
async fn answer(
    state: &AppState,
    health: &DatabaseHealth,
    method: &Method,
    headers: &HeaderMap,
    connection: Option<Extension<ConnectInfo<SocketAddr>>>,
    request: async_graphql::Request,
    operation: Option<OperationType>,
) -> (Outcome, Response) {
    let checked =
        request_checks::check_method(method, operation).and_then(|()| request_checks::check_no_nul(&request));
    if let Err(refusal) = checked {
        state.metrics.graphql_error(refusal.code.as_str());
        return (Outcome::Refused, request_checks::refusal_response(&refusal));
    }
    // A query reads at the change sequence as of a moment after it arrived (see `read_model`).
    let sequence = if operation == Some(OperationType::Query) {
        match state.change_sequence.current().await {
            Ok(sequence) => Some(sequence),
            Err(error) => {
                // This one small statement fails when the database cannot be reached.
                tracing::warn!(?error, "cannot read the registry's change sequence");
                health.report_unavailable();
                return refusals::unavailable(state);
            }
        }
    } else {
        None
    };
    let actor = match caller::identify(state, health, headers, connection, sequence).await {
        Ok(actor) => actor,
        Err(refused) => return (Outcome::Refused, refused),
    };
    let language =
        Language::from_accept_language(headers.get(ACCEPT_LANGUAGE).and_then(|value| value.to_str().ok()));
    // Anonymous queries are the same for everyone: they are answered from the response cache.
    if let (None, Some(sequence)) = (&actor, sequence)
        && state.response_cache.is_enabled()
    {
        return cached::answer(state, health, method, headers, request, language, sequence).await;
    }
    let from = sequence.map_or(execution::ReadFrom::Database, execution::ReadFrom::ReadModel);
    let response = execution::execute(state, request, language, actor, from).await;
    if operation == Some(OperationType::Mutation) {
        // Subscribers on this instance learn of the write at once.
        state.change_notifier.advanced();
    }
    execution::finish(state, health, headers, response).await
}
