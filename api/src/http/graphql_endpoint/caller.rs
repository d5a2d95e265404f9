//! Who is asking: the actor behind the bearer token, and the rate limit of the client the request
//! counts as (the token, else the client address).

use std::{net::SocketAddr, time::Instant};

use axum::{
    Extension,
    extract::ConnectInfo,
    http::{HeaderMap, header::AUTHORIZATION},
    response::Response,
};

use super::refusals;
use crate::{
    AppState,
    db::DatabaseHealth,
    domain::access::Actor,
    error::ErrorCode,
    http::{client_address::client_address, rate_limit::Client},
    metrics::Outcome,
};

/// The request's actor (`None` when anonymous), or the answer refusing it: a token that is not
/// accepted, or a client over its rate limit.
pub(super) async fn identify(
    state: &AppState,
    health: &DatabaseHealth,
    headers: &HeaderMap,
    connection: Option<Extension<ConnectInfo<SocketAddr>>>,
) -> Result<Option<Actor>, (Outcome, Response)> {
    let authorization = headers
        .get(AUTHORIZATION)
        .map(|value| value.to_str().unwrap_or("invalid"));
    let address = connection.map_or(Client::Unknown, |Extension(ConnectInfo(peer))| {
        Client::Address(client_address(peer.ip(), headers, &state.http.trusted_proxies))
    });
    let actor = match state.authenticator.authenticate(authorization).await {
        Ok(actor) => actor,
        Err(error) => {
            // A refused token counts against its client address like an anonymous request, so
            // that guessing tokens is no way around the rate limit.
            within_rate_limit(state, address)?;
            if error.code() == ErrorCode::Unavailable {
                health.report_unavailable();
            }
            state.metrics.graphql_error(error.code().as_str());
            return Err((Outcome::Refused, refusals::token_refused(&error)));
        }
    };
    let client = match &actor {
        Some(actor) => actor.token().map_or(Client::Unknown, Client::Token),
        None => address,
    };
    within_rate_limit(state, client)?;
    Ok(actor)
}

/// Counts a request against `client`'s rate limit; over it, the 429 answer.
fn within_rate_limit(state: &AppState, client: Client) -> Result<(), (Outcome, Response)> {
    state
        .rate_limiter
        .check(client, Instant::now())
        .map_err(|retry_after| {
            state.metrics.graphql_error(ErrorCode::RateLimited.as_str());
            (Outcome::Refused, refusals::rate_limited(retry_after))
        })
}
