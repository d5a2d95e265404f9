//! HTTP routes: `/graphql` (POST, and GET for queries), `/graphiql`, and `/healthz`.

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::{
    Router,
    extract::State,
    http::{HeaderMap, header::ACCEPT_LANGUAGE},
    response::{Html, IntoResponse},
    routing::get,
};

use crate::{
    AppState,
    graphql::{errors, language::Language, loaders::Loaders},
};

/// The service's router over `state`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/graphql", get(graphql).post(graphql))
        .route("/graphiql", get(graphiql))
        .route("/healthz", get(healthz))
        .with_state(state)
}

async fn graphql(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: GraphQLRequest,
) -> GraphQLResponse {
    let language = Language::from_accept_language(headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
    // Loaders are per request: they batch within it and never share a cache with another request.
    let loaders = Loaders::new(&state.db);
    let mut response = state
        .schema
        .execute(request.into_inner().data(language).data(loaders))
        .await;
    errors::assign_missing_codes(&mut response);
    response.into()
}

async fn graphiql() -> impl IntoResponse {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .title("NAP 1325 Registry")
            .finish(),
    )
}

async fn healthz() -> &'static str {
    "ok"
}
