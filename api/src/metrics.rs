//! Prometheus metrics, served at `/metrics` by the maintained `prometheus-client` crate in the
//! format the scraper asks for with `Accept` ([`Exposition`]): OpenMetrics 1.0.0, or the Prometheus
//! text format 0.0.4 (the default), whose counter families carry their `_total` name: GraphQL requests by operation type and outcome, their latency,
//! errors by code, HTTP responses by route and status, SQL statements run, the database pool's
//! connections, and the response cache's hits, misses and size.

use std::borrow::Cow;

use prometheus_client::{
    encoding::text::encode,
    metrics::{
        counter::Counter,
        family::Family,
        gauge::Gauge,
        histogram::{Histogram, exponential_buckets},
    },
    registry::Registry,
};
use sea_orm::{DatabaseBackend, DatabaseConnection};

/// Labels of a GraphQL request: `operation_type` and `outcome`.
type RequestLabels = [(&'static str, &'static str); 2];
/// A single label.
type OneLabel = [(&'static str, &'static str); 1];
/// The allocator the running binary uses, as `nap_build_info` reports it: `nap-registry` sets
/// it at start-up ([`set_allocator`]); anything else that runs the service (the tests) uses the
/// system's.
static ALLOCATOR: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();

/// Records that the process allocates with `name` (once, before [`Metrics::new`]).
pub fn set_allocator(name: &'static str) {
    let _ = ALLOCATOR.set(name);
}

/// A single label with an owned value.
type OneOwnedLabel = [(&'static str, String); 1];
/// Labels of an HTTP response: `route` and `status`.
type ResponseLabels = ([(&'static str, Cow<'static, str>); 1], [(&'static str, u16); 1]);

/// Counts SQL statements; set as the database connection's metric callback. Clones share the
/// count.
#[derive(Debug, Clone, Default)]
pub struct StatementCounter(Counter);

impl StatementCounter {
    /// Counts one statement.
    pub fn count(&self) {
        self.0.inc();
    }

    /// Statements counted so far.
    pub fn total(&self) -> u64 {
        self.0.get()
    }
}

/// What a GraphQL request ended as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Answered with data and no errors.
    Ok,
    /// Answered from the response cache (or 304 Not Modified).
    Cached,
    /// Answered with some data and some errors.
    Partial,
    /// Not run or failed entirely (parse, validation, permission, internal errors).
    Failed,
    /// Refused before running: bad token, over the rate limit, mutation over GET.
    Refused,
    /// Did not finish within the request timeout.
    TimedOut,
}

impl Outcome {
    fn label(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Cached => "cached",
            Self::Partial => "partial",
            Self::Failed => "failed",
            Self::Refused => "refused",
            Self::TimedOut => "timed_out",
        }
    }
}

/// The text format `/metrics` is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exposition {
    /// OpenMetrics 1.0.0: counter families named without `_total`, ending in `# EOF`.
    OpenMetrics,
    /// The Prometheus text format 0.0.4: counter families named with `_total`, no `# EOF`.
    Prometheus,
}

impl Exposition {
    /// The format an `Accept` header asks for: OpenMetrics when it names
    /// `application/openmetrics-text`, else the Prometheus text format.
    pub fn from_accept(accept: Option<&str>) -> Self {
        if accept.is_some_and(|accept| accept.contains("application/openmetrics-text")) {
            Self::OpenMetrics
        } else {
            Self::Prometheus
        }
    }

    /// The `Content-Type` of the format.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
            Self::Prometheus => "text/plain; version=0.0.4; charset=utf-8",
        }
    }
}

/// OpenMetrics text as the Prometheus text format 0.0.4: a counter family takes the name of its
/// samples (`…_total`) in `# HELP` and `# TYPE`, and `# UNIT` and `# EOF` go, so that the counter
/// types reach Prometheus-format parsers.
fn as_prometheus_text(open_metrics: &str) -> String {
    let counters: Vec<&str> = open_metrics
        .lines()
        .filter_map(|line| line.strip_prefix("# TYPE "))
        .filter_map(|rest| rest.strip_suffix(" counter"))
        .collect();
    let mut text = String::with_capacity(open_metrics.len());
    for line in open_metrics.lines() {
        if line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        let renamed = ["# HELP ", "# TYPE "].iter().find_map(|prefix| {
            let rest = line.strip_prefix(prefix)?;
            let (name, tail) = rest.split_once(' ')?;
            counters
                .contains(&name)
                .then(|| format!("{prefix}{name}_total {tail}"))
        });
        text.push_str(renamed.as_deref().unwrap_or(line));
        text.push('\n');
    }
    text
}

/// The service's metrics and their registry.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    graphql_requests: Family<RequestLabels, Counter>,
    graphql_duration: Family<OneLabel, Histogram>,
    graphql_errors: Family<OneOwnedLabel, Counter>,
    http_responses: Family<ResponseLabels, Counter>,
    pool_connections: Family<OneLabel, Gauge>,
    pool_max: Gauge,
    cache_lookups: Family<OneLabel, Counter>,
    cache_bytes: Gauge,
    read_model: Family<OneLabel, Gauge>,
    cache_entries: Gauge,
}

fn latency_histogram() -> Histogram {
    // 0.25 ms .. ~8 s.
    Histogram::new(exponential_buckets(0.000_25, 2.0, 16))
}

impl Metrics {
    /// Metrics counting SQL statements through `statements`.
    pub fn new(statements: StatementCounter) -> Self {
        let mut registry = Registry::with_prefix("nap");
        let build_info = Family::<RequestLabels, Gauge>::default();
        build_info
            .get_or_create(&[
                ("version", env!("CARGO_PKG_VERSION")),
                ("allocator", ALLOCATOR.get().copied().unwrap_or("system")),
            ])
            .set(1);
        registry.register(
            "build_info",
            "Always 1: the version of the running service and the memory allocator it uses",
            build_info,
        );
        let graphql_requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "graphql_requests",
            "GraphQL requests by operation type (query, mutation, unknown) and outcome",
            graphql_requests.clone(),
        );
        let graphql_duration =
            Family::<OneLabel, Histogram>::new_with_constructor(latency_histogram as fn() -> Histogram);
        registry.register(
            "graphql_request_duration_seconds",
            "Time from receiving a GraphQL request to its answer, by operation type",
            graphql_duration.clone(),
        );
        let graphql_errors = Family::<OneOwnedLabel, Counter>::default();
        registry.register(
            "graphql_errors",
            "Errors in GraphQL answers by their extensions.code",
            graphql_errors.clone(),
        );
        let http_responses = Family::<ResponseLabels, Counter>::default();
        registry.register(
            "http_responses",
            "HTTP responses by route and status code",
            http_responses.clone(),
        );
        registry.register(
            "sql_statements",
            "SQL statements sent to the database",
            statements.0,
        );
        let pool_connections = Family::<OneLabel, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Open database connections by state (idle, in_use)",
            pool_connections.clone(),
        );
        let pool_max = Gauge::default();
        registry.register(
            "db_pool_max_connections",
            "Most connections the pool opens",
            pool_max.clone(),
        );
        let cache_lookups = Family::<OneLabel, Counter>::default();
        registry.register(
            "response_cache_lookups",
            "Response cache lookups by result (hit, miss, not_modified)",
            cache_lookups.clone(),
        );
        let cache_bytes = Gauge::default();
        registry.register(
            "response_cache_bytes",
            "Bytes of serialized responses held by the response cache",
            cache_bytes.clone(),
        );
        let read_model = Family::<OneLabel, Gauge>::default();
        registry.register(
            "read_model",
            "The read model: estimated bytes held, the change sequence it shows, the rows read from the database to make it from the one before, and whether it answers queries (1) or is over its limit (0)",
            read_model.clone(),
        );
        let cache_entries = Gauge::default();
        registry.register(
            "response_cache_entries",
            "Responses held by the response cache",
            cache_entries.clone(),
        );
        Self {
            registry,
            graphql_requests,
            graphql_duration,
            graphql_errors,
            http_responses,
            pool_connections,
            pool_max,
            cache_lookups,
            cache_bytes,
            cache_entries,
            read_model,
        }
    }

    /// Records a finished GraphQL request.
    pub fn graphql_request(&self, operation_type: &'static str, outcome: Outcome, seconds: f64) {
        self.graphql_requests
            .get_or_create(&[("operation_type", operation_type), ("outcome", outcome.label())])
            .inc();
        self.graphql_duration
            .get_or_create(&[("operation_type", operation_type)])
            .observe(seconds);
    }

    /// Records one error with `code` in a GraphQL answer.
    pub fn graphql_error(&self, code: &str) {
        self.graphql_errors
            .get_or_create(&[("code", code.to_owned())])
            .inc();
    }

    /// Records an HTTP response (a fixed route's name is not copied).
    pub fn http_response(&self, route: Cow<'static, str>, status: u16) {
        self.http_responses
            .get_or_create(&([("route", route)], [("status", status)]))
            .inc();
    }

    /// Records a response cache lookup: `hit`, `miss` or `not_modified`.
    pub fn cache_lookup(&self, result: &'static str) {
        self.cache_lookups.get_or_create(&[("result", result)]).inc();
    }

    /// Records the response cache's size.
    pub fn cache_size(&self, bytes: usize, entries: usize) {
        self.cache_bytes.set(i64::try_from(bytes).unwrap_or(i64::MAX));
        self.cache_entries.set(i64::try_from(entries).unwrap_or(i64::MAX));
    }

    /// Records the read model's state.
    pub fn read_model(&self, bytes: usize, sequence: i64, rows_read: usize, in_memory: bool) {
        let gauge =
            |name: &'static str, value: i64| self.read_model.get_or_create(&[("value", name)]).set(value);
        gauge("bytes", i64::try_from(bytes).unwrap_or(i64::MAX));
        gauge("sequence", sequence);
        gauge("rows_read", i64::try_from(rows_read).unwrap_or(i64::MAX));
        gauge("in_memory", i64::from(in_memory));
    }

    /// The metrics in the `exposition` format, with the pool of `db` read now.
    pub fn render(&self, db: &DatabaseConnection, exposition: Exposition) -> String {
        let (size, idle, max) = match db.get_database_backend() {
            DatabaseBackend::Postgres => {
                let pool = db.get_postgres_connection_pool();
                (pool.size(), pool.num_idle(), pool.options().get_max_connections())
            }
            DatabaseBackend::Sqlite => {
                let pool = db.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle(), pool.options().get_max_connections())
            }
            _ => (0, 0, 0),
        };
        let idle = u32::try_from(idle).unwrap_or(u32::MAX);
        self.pool_connections
            .get_or_create(&[("state", "idle")])
            .set(i64::from(idle));
        self.pool_connections
            .get_or_create(&[("state", "in_use")])
            .set(i64::from(size.saturating_sub(idle)));
        self.pool_max.set(i64::from(max));
        let mut text = String::new();
        if let Err(error) = encode(&mut text, &self.registry) {
            tracing::error!(%error, "cannot encode the metrics");
        }
        match exposition {
            Exposition::OpenMetrics => text,
            Exposition::Prometheus => as_prometheus_text(&text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prometheus_text_names_counters_with_total() {
        let open_metrics = "# HELP nap_sql_statements SQL statements.\n# TYPE nap_sql_statements counter\nnap_sql_statements_total 3\n# HELP nap_pool gauge.\n# TYPE nap_pool gauge\nnap_pool 1\n# EOF\n";
        assert_eq!(
            as_prometheus_text(open_metrics),
            "# HELP nap_sql_statements_total SQL statements.\n# TYPE nap_sql_statements_total counter\nnap_sql_statements_total 3\n# HELP nap_pool gauge.\n# TYPE nap_pool gauge\nnap_pool 1\n"
        );
    }

    #[test]
    fn accept_chooses_the_exposition() {
        assert_eq!(
            Exposition::from_accept(Some(
                "application/openmetrics-text; version=1.0.0,text/plain;q=0.5"
            )),
            Exposition::OpenMetrics
        );
        assert_eq!(
            Exposition::from_accept(Some("text/plain")),
            Exposition::Prometheus
        );
        assert_eq!(Exposition::from_accept(None), Exposition::Prometheus);
    }
}
