//! `/healthz` (the process runs) and `/readyz` (the database answers and every migration is
//! applied). Readiness is cheap and quiet, since anyone may call it as often as they like: the
//! migrations are checked until they are found applied, then only a ping is sent; one answer
//! serves every call for [`READINESS_CACHE`]; nothing is logged per call unless the answer changes.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use axum::{
    Extension, Json,
    http::{HeaderValue, StatusCode, header::RETRY_AFTER},
    response::{IntoResponse, Response},
};
use migration::MigratorTrait;
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};
use tokio::sync::Mutex;

use crate::db::DatabaseHealth;

/// Longest `/readyz` waits for the database before calling it unavailable.
const READINESS_TIMEOUT: Duration = Duration::from_secs(2);
/// How long one readiness answer serves every caller.
pub const READINESS_CACHE: Duration = Duration::from_secs(1);

/// The readiness check and its last answer, shared by every request.
#[derive(Clone)]
pub struct Readiness {
    inner: Arc<ReadinessInner>,
}

struct ReadinessInner {
    db: DatabaseConnection,
    health: DatabaseHealth,
    /// Set once every migration was found applied; from then on only the connection is checked.
    migrated: AtomicBool,
    /// The last answer and when it was found. Held while checking, so that concurrent callers
    /// wait for one check instead of each sending their own.
    last: Mutex<Option<(Instant, StatusCode, Value)>>,
}

impl Readiness {
    /// The readiness of `db`, recording what it finds in `health`.
    pub fn new(db: DatabaseConnection, health: DatabaseHealth) -> Self {
        Self {
            inner: Arc::new(ReadinessInner {
                db,
                health,
                migrated: AtomicBool::new(false),
                last: Mutex::new(None),
            }),
        }
    }

    /// The current answer: the kept one if younger than [`READINESS_CACHE`], else a new check.
    async fn answer(&self) -> (StatusCode, Value) {
        let mut last = self.inner.last.lock().await;
        // A kept "ready" is not trusted once a request has found the database away.
        if let Some((at, status, body)) = last.as_ref()
            && at.elapsed() < READINESS_CACHE
            && (*status != StatusCode::OK || self.inner.health.is_available())
        {
            return (*status, body.clone());
        }
        let (status, body) = self.check().await;
        let changed = last.as_ref().is_none_or(|(_, previous, _)| *previous != status);
        if changed && status != StatusCode::OK {
            tracing::warn!(%body, "not ready");
        } else if changed {
            tracing::debug!("ready");
        }
        *last = Some((Instant::now(), status, body.clone()));
        (status, body)
    }

    async fn check(&self) -> (StatusCode, Value) {
        let inner = &self.inner;
        let check = async {
            inner.db.ping().await?;
            if inner.migrated.load(Ordering::SeqCst) {
                return Ok(0);
            }
            let pending = migration::Migrator::get_pending_migrations(&inner.db)
                .await?
                .len();
            if pending == 0 {
                inner.migrated.store(true, Ordering::SeqCst);
            }
            Ok::<_, sea_orm::DbErr>(pending)
        };
        match tokio::time::timeout(READINESS_TIMEOUT, check).await {
            Ok(Ok(0)) => {
                inner.health.report_available();
                (StatusCode::OK, json!({ "status": "ready" }))
            }
            Ok(Ok(count)) => (
                StatusCode::SERVICE_UNAVAILABLE,
                json!({ "status": "migrations pending", "pending": count }),
            ),
            Ok(Err(error)) => {
                if crate::db::is_connection_failure(&error) {
                    inner.health.report_unavailable();
                }
                tracing::debug!(%error, "the readiness check failed");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    json!({ "status": "database unavailable" }),
                )
            }
            Err(_) => {
                inner.health.report_unavailable();
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    json!({ "status": "database unavailable" }),
                )
            }
        }
    }
}

/// `GET /readyz`: 200 when ready, else 503 with `Retry-After` and what is missing.
pub async fn readyz(Extension(readiness): Extension<Readiness>) -> Response {
    let (status, body) = readiness.answer().await;
    let mut response = (status, Json(body)).into_response();
    if status != StatusCode::OK {
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from_static("1"));
    }
    response
}

/// `GET /healthz`: the process runs.
pub async fn healthz() -> &'static str {
    "ok"
}
