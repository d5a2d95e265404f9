//! The HTTP/1.1 server loop, bounded so that no client can exhaust the process's connections or
//! file descriptors: at most `max_connections` connections are served at once; a connection that
//! sends no complete request head within `idle_timeout` (new, dribbling a byte at a time, or
//! idle after an answer) is closed. Beyond the cap a small reserve of connections answers only
//! `/healthz` and `/readyz` (one request each, a short head timeout), so that orchestrators still
//! see the process alive and ready; every other connection over the cap is closed at once.
//!
//! Connections may be upgraded (WebSocket subscriptions): every request carries a
//! [`ServedConnection`], the connection's place under the cap, which an upgraded connection keeps
//! for as long as it lives, and the shutdown signal it closes on. On shutdown the loop stops
//! accepting, asks every HTTP connection to finish its request and close, signals upgraded ones,
//! and returns once every connection, upgraded or not, has closed.

use std::{convert::Infallible, future::Future, sync::Arc, time::Duration};

use axum::{Router, body::Body, extract::ConnectInfo, http::Request};
use hyper::{body::Incoming, server::conn::http1};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::{
    net::TcpListener,
    sync::{OwnedSemaphorePermit, Semaphore, mpsc, watch},
};
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

/// A connection's share of the server: its place under the connection cap (freed when every
/// holder has let go: the connection itself and, once upgraded, its WebSocket) and the server's
/// shutdown signal. The server loop puts one in the extensions of every request.
#[derive(Debug, Clone)]
pub struct ServedConnection {
    _place: Arc<Place>,
    shutdown: watch::Receiver<bool>,
}

impl ServedConnection {
    /// Resolves when the server begins to shut down (or has gone away).
    pub async fn shutting_down(&self) {
        let mut shutdown = self.shutdown.clone();
        let _ = shutdown.wait_for(|stopping| *stopping).await;
    }
}

/// A place under the cap; the server waits for every one to be dropped before it returns.
#[derive(Debug)]
struct Place {
    _permit: OwnedSemaphorePermit,
    _open: mpsc::Sender<()>,
}

/// Serves `app` on `listener` within `limits`, with `reserve` (the health routes) for connections
/// over the cap, until `shutdown` resolves; then stops accepting and returns once every open
/// connection has finished its request and every upgraded connection has closed.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    reserve: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let general = Arc::new(Semaphore::new(limits.max_connections));
    let spare = Arc::new(Semaphore::new(HEALTH_RESERVE));
    let (stopping, shutdown_signal) = watch::channel(false);
    // Each place holds a sender; the loop's own is dropped at shutdown, and `recv` then returns
    // `None` once every place is gone.
    let (open, mut all_closed) = mpsc::channel::<()>(1);
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
        let share = ServedConnection {
            _place: Arc::new(Place {
                _permit: permit,
                _open: open.clone(),
            }),
            shutdown: shutdown_signal.clone(),
        };
        let mut shutdown = shutdown_signal.clone();
        let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            request.extensions_mut().insert(share.clone());
            let router = router.clone();
            async move {
                let response = router.oneshot(request.map(Body::new)).await;
                Ok::<_, Infallible>(match response {
                    Ok(response) => response,
                    Err(never) => match never {},
                })
            }
        });
        let connection = builder
            .serve_connection(TokioIo::new(stream), service)
            .with_upgrades();
        tokio::spawn(async move {
            let mut connection = std::pin::pin!(connection);
            let finished = tokio::select! {
                finished = connection.as_mut() => finished,
                () = async { let _ = shutdown.wait_for(|stopping| *stopping).await; } => {
                    // Finishes the request in flight, then closes.
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(error) = finished {
                tracing::debug!(%error, %peer, "connection closed");
            }
        });
    }
    drop(listener);
    stopping.send_replace(true);
    drop(open);
    // Every place dropped: every connection, upgraded or not, has closed.
    let _ = all_closed.recv().await;
}
