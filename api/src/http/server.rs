//! The HTTP/1.1 server loop, bounded so that no client can exhaust the process's connections or
//! file descriptors: at most `max_connections` connections are served at once; a connection that
//! sends no complete request head within `idle_timeout` (new, dribbling a byte at a time, or
//! idle after an answer) is closed. Beyond the cap a small reserve of connections answers only
//! `/healthz` and `/readyz` (one request each, a short head timeout), so that orchestrators still
//! see the process alive and ready; every other connection over the cap is closed at once.

use std::{convert::Infallible, future::Future, sync::Arc, time::Duration};

use axum::{Router, body::Body, extract::ConnectInfo, http::Request};
use hyper::{body::Incoming, server::conn::http1};
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
};
use tokio::{net::TcpListener, sync::Semaphore};
use tower::ServiceExt;

/// Connections kept beyond the cap for health checks.
pub const HEALTH_RESERVE: usize = 16;
/// How long a reserve connection may take to send its request head.
const RESERVE_HEAD_TIMEOUT: Duration = Duration::from_secs(2);
/// Pause after a failed `accept` (e.g. out of file descriptors), so the loop does not spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// How many connections are served and how long they may stay silent.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Most connections served at once (besides the health reserve).
    pub max_connections: usize,
    /// Longest wait for a complete request head.
    pub idle_timeout: Duration,
}

/// Serves `app` on `listener` within `limits`, with `reserve` (the health routes) for connections
/// over the cap, until `shutdown` resolves; then stops accepting and returns once every open
/// connection has finished its request.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    reserve: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let general = Arc::new(Semaphore::new(limits.max_connections));
    let spare = Arc::new(Semaphore::new(HEALTH_RESERVE));
    let graceful = GracefulShutdown::new();
    let mut served = http1::Builder::new();
    served
        .timer(TokioTimer::new())
        .header_read_timeout(limits.idle_timeout)
        .keep_alive(true);
    let mut reserved = http1::Builder::new();
    reserved
        .timer(TokioTimer::new())
        .header_read_timeout(RESERVE_HEAD_TIMEOUT.min(limits.idle_timeout))
        .keep_alive(false);
    let mut shutdown = std::pin::pin!(shutdown);
    let mut refused_since_last_log = 0_u64;
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let (permit, router, builder) = if let Ok(permit) = Arc::clone(&general).try_acquire_owned() {
            (permit, &app, &served)
        } else if let Ok(permit) = Arc::clone(&spare).try_acquire_owned() {
            (permit, &reserve, &reserved)
        } else {
            // Closed at once: a flood of connections costs no more than accepting them.
            refused_since_last_log += 1;
            if refused_since_last_log.is_power_of_two() {
                tracing::warn!(
                    refused = refused_since_last_log,
                    max_connections = limits.max_connections,
                    "connection limit reached; closing new connections"
                );
            }
            drop(stream);
            continue;
        };
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let router = router.clone();
            async move {
                let response = router.oneshot(request.map(Body::new)).await;
                Ok::<_, Infallible>(match response {
                    Ok(response) => response,
                    Err(never) => match never {},
                })
            }
        });
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, %peer, "connection closed");
            }
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}
