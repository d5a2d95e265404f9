//! The cost of a query, `extensions.analyzer { complexity depth }`, remembered per request.
//!
//! async-graphql measures a query's complexity and depth while it validates the document, and
//! only an extension can read that measure ([`super::limits::DocumentLimits`] does). But any
//! extension in a schema sends every field of every query through its hooks: a boxed future and
//! two registry lookups per field, about a third of the time a thousand-object query takes.
//!
//! The measure depends only on the document, the operation chosen and the variables. So the
//! first time a request is run it goes through the schema with the extension, which checks the
//! document's shape and measures it; its cost is kept under a digest of those three, and a later
//! request with the same digest runs through a schema with no extension at all, with the kept
//! cost added to its answer. Both schemas enforce the same depth and complexity limits; a
//! document refused by the shape checks is never kept, so it is checked again every time.
//!
//! The parsed document is not kept: a copy of a kept one shares its names' reference counts with
//! every other run of it, and the answer's every key clones one, so concurrent runs on other
//! cores contend for the same counters (measured: Q2 about 12% slower than parsing afresh).

use std::{num::NonZeroUsize, sync::Mutex};

use async_graphql::{Request, Response, Value};
use sha2::{Digest, Sha256};

/// How many request costs are kept (a few hundred bytes each, with the map's own overhead).
const COSTS_KEPT: usize = 4_096;

/// What async-graphql's validation measured of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    /// The query's complexity (connections cost their page size times their child's cost).
    pub complexity: usize,
    /// The deepest nesting of its fields.
    pub depth: usize,
}

impl Cost {
    /// The cost an answer reports in `extensions.analyzer`, if it does.
    pub fn reported(response: &Response) -> Option<Self> {
        let Some(Value::Object(analyzer)) = response.extensions.get("analyzer") else {
            return None;
        };
        let number = |name: &str| match analyzer.get(name) {
            Some(Value::Number(number)) => number.as_u64().and_then(|n| usize::try_from(n).ok()),
            _ => None,
        };
        Some(Self {
            complexity: number("complexity")?,
            depth: number("depth")?,
        })
    }

    /// `response` reporting this cost in `extensions.analyzer`.
    pub fn report(self, response: Response) -> Response {
        response.extension(
            "analyzer",
            async_graphql::value!({
                "complexity": self.complexity,
                "depth": self.depth,
            }),
        )
    }
}

/// The digest that identifies a request's cost: its document, operation name and variables.
pub type CostKey = [u8; 32];

/// The costs of requests already measured, most recently used kept.
pub struct KnownCosts {
    costs: Mutex<lru::LruCache<CostKey, Cost>>,
}

impl Default for KnownCosts {
    fn default() -> Self {
        Self {
            costs: Mutex::new(lru::LruCache::new(
                NonZeroUsize::new(COSTS_KEPT).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }
}

impl KnownCosts {
    /// The key of `request`'s cost (`None` if its variables cannot be written out, which the
    /// JSON they were read from rules out).
    pub fn key(request: &Request) -> Option<CostKey> {
        let variables = serde_json::to_vec(&request.variables).ok()?;
        let mut digest = Sha256::new();
        for part in [
            request.query.as_bytes(),
            request.operation_name.as_deref().unwrap_or_default().as_bytes(),
            &variables,
        ] {
            digest.update((part.len() as u64).to_le_bytes());
            digest.update(part);
        }
        Some(digest.finalize().into())
    }

    /// The kept cost under `key`.
    pub fn get(&self, key: &CostKey) -> Option<Cost> {
        self.costs.lock().ok()?.get(key).copied()
    }

    /// Keeps `cost` under `key`.
    pub fn insert(&self, key: CostKey, cost: Cost) {
        if let Ok(mut costs) = self.costs.lock() {
            costs.put(key, cost);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_tells_apart_documents_operations_and_variables() {
        let request = |query: &str, operation: Option<&str>, first: i64| {
            let mut request = Request::new(query).variables(async_graphql::Variables::from_json(
                serde_json::json!({ "first": first }),
            ));
            if let Some(operation) = operation {
                request = request.operation_name(operation);
            }
            KnownCosts::key(&request).unwrap()
        };
        let base = request("query A { a } query B { b }", Some("A"), 10);
        assert_eq!(base, request("query A { a } query B { b }", Some("A"), 10));
        assert_ne!(base, request("query A { a } query B { b }", Some("B"), 10));
        assert_ne!(base, request("query A { a } query B { b }", Some("A"), 11));
        assert_ne!(base, request("query A { a } query B { c }", Some("A"), 10));
        // The parts are length-prefixed: moving text between them changes the key.
        assert_ne!(request("ab", Some("c"), 1), request("a", Some("bc"), 1));
    }

    #[test]
    fn a_reported_cost_reads_back() {
        let cost = Cost {
            complexity: 1_234,
            depth: 7,
        };
        let response = cost.report(Response::new(Value::Null));
        assert_eq!(Cost::reported(&response), Some(cost));
        assert_eq!(Cost::reported(&Response::new(Value::Null)), None);
    }
}
