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
};

/// The request's actor (`None` when anonymous), or the answer refusing it (counted as refused): a token that is not
/// accepted, or a client over its rate limit. `sequence` is the change sequence the request
/// reads at, when known (a token record checked at it is not read again).
pub(super) async fn identify(
    state: &AppState,
    health: &DatabaseHealth,
    headers: &HeaderMap,
    connection: Option<Extension<ConnectInfo<SocketAddr>>>,
    sequence: Option<i64>,
) -> Result<Option<Actor>, Response> {
    let authorization = headers
        .get(AUTHORIZATION)
        .map(|value| value.to_str().unwrap_or("invalid"));
    let address = connection.map_or(Client::Unknown, |Extension(ConnectInfo(peer))| {
        Client::Address(client_address(peer.ip(), headers, &state.http.trusted_proxies))
    });
    let actor = match state.authenticator.authenticate(authorization, sequence).await {
        Ok(actor) => actor,
        Err(error) => {
            // A refused token counts against its client address like an anonymous request, so
            // that guessing tokens is no way around the rate limit.
            if let Some(refused) = over_rate_limit(state, address) {
                return Err(refused);
            }
            if error.code() == ErrorCode::Unavailable {
                health.report_unavailable();
            }
            state.metrics.graphql_error(error.code().as_str());
            return Err(refusals::token_refused(&error));
        }
    };
    let client = match &actor {
        Some(actor) => actor.token().map_or(Client::Unknown, Client::Token),
        None => address,
    };
    match over_rate_limit(state, client) {
        Some(refused) => Err(refused),
        None => Ok(actor),
    }
}

/// Counts a request against `client`'s rate limit; the 429 answer when it is over it.
fn over_rate_limit(state: &AppState, client: Client) -> Option<Response> {
    let retry_after = state.rate_limiter.check(client, Instant::now()).err()?;
    state.metrics.graphql_error(ErrorCode::RateLimited.as_str());
    Some(refusals::rate_limited(retry_after))
}
