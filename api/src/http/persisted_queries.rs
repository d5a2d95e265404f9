//! Persisted queries: a client names a GraphQL document by its SHA-256 instead of sending it.
//!
//! Two modes share one protocol, Apollo's (`extensions.persistedQuery = {version: 1, sha256Hash}`):
//! - `auto` (automatic persisted queries): a document sent once with its hash is kept in a store
//!   bounded in bytes (least recently used first out); later requests, `GET` ones included, send the
//!   hash alone. An unknown hash is answered `PERSISTED_QUERY_NOT_FOUND` (message
//!   `PersistedQueryNotFound`, which Apollo's and other clients take as "send the document").
//! - `only` (allow-list): only the documents of the operator's manifest run, named by hash or sent
//!   in full; anything else is refused `PERSISTED_QUERY_NOT_ALLOWED`, and nothing is learned.
//!
//! `off` ignores nothing silently: a request naming a hash is refused
//! `PERSISTED_QUERY_NOT_SUPPORTED`. Whatever the mode, a hash sent with a document must be that
//! document's (`PERSISTED_QUERY_HASH_MISMATCH`). A request resolved here carries its document as
//! `query`, so the response cache and conditional answers (ETag, 304) treat it like any other.

use std::sync::{Arc, Mutex};

use async_graphql::Value;

use super::request_checks::Refusal;
pub use crate::config::persisted_queries::{Manifest, Mode, Settings, sha256_hex};
use crate::error::ErrorCode;

/// The persisted documents of one instance: the manifest and, in `auto`, those learned.
pub struct PersistedQueries {
    settings: Settings,
    learned: Mutex<LearnedDocuments>,
}

/// Documents learned from clients, least recently used first out, within a byte budget.
struct LearnedDocuments {
    documents: lru::LruCache<String, Arc<str>>,
    bytes: usize,
    budget: usize,
}

impl LearnedDocuments {
    fn get(&mut self, hash: &str) -> Option<Arc<str>> {
        self.documents.get(hash).cloned()
    }

    fn insert(&mut self, hash: String, document: Arc<str>) {
        let size = hash.len() + document.len();
        if size > self.budget || self.documents.contains(&hash) {
            return;
        }
        self.bytes += size;
        self.documents.put(hash, document);
        while self.bytes > self.budget {
            let Some((hash, document)) = self.documents.pop_lru() else {
                break;
            };
            self.bytes -= hash.len() + document.len();
        }
    }
}

impl PersistedQueries {
    /// The store for `settings`.
    pub fn new(settings: Settings) -> Self {
        let learned = LearnedDocuments {
            documents: lru::LruCache::unbounded(),
            bytes: 0,
            budget: settings.store_bytes,
        };
        Self {
            settings,
            learned: Mutex::new(learned),
        }
    }

    /// Gives `request` the document its persisted query names, or checks the one it sends against
    /// the hash and the mode; a refusal leaves the request unanswered.
    pub fn resolve(&self, request: &mut async_graphql::Request) -> Result<(), Refusal> {
        let named = named_hash(request)?;
        let sent = !request.query.trim().is_empty();
        match (self.settings.mode, named) {
            (Mode::Off, None) | (Mode::Auto, None) => Ok(()),
            (Mode::Off, Some(_)) => Err(Refusal::new(
                ErrorCode::PersistedQueryNotSupported,
                "PersistedQueryNotSupported",
            )),
            (Mode::Only, None) => {
                if sent
                    && self
                        .settings
                        .manifest
                        .document(&sha256_hex(&request.query))
                        .is_some()
                {
                    Ok(())
                } else {
                    Err(not_allowed())
                }
            }
            (mode, Some(hash)) if sent => {
                if sha256_hex(&request.query) != hash {
                    return Err(Refusal::new(
                        ErrorCode::PersistedQueryHashMismatch,
                        "the persisted query's sha256Hash is not the SHA-256 of `query`",
                    ));
                }
                match mode {
                    Mode::Only if self.settings.manifest.document(&hash).is_none() => Err(not_allowed()),
                    Mode::Only => Ok(()),
                    _ => {
                        if self.settings.manifest.document(&hash).is_none() {
                            let document = Arc::from(request.query.as_str());
                            self.learned().insert(hash, document);
                        }
                        Ok(())
                    }
                }
            }
            (mode, Some(hash)) => {
                let known = self.settings.manifest.document(&hash).or_else(|| match mode {
                    Mode::Auto => self.learned().get(&hash),
                    _ => None,
                });
                match known {
                    Some(document) => {
                        request.query = document.to_string();
                        Ok(())
                    }
                    None if mode == Mode::Only => Err(not_allowed()),
                    None => Err(Refusal::new(
                        ErrorCode::PersistedQueryNotFound,
                        "PersistedQueryNotFound",
                    )),
                }
            }
        }
    }

    fn learned(&self) -> std::sync::MutexGuard<'_, LearnedDocuments> {
        // A panic while holding the lock leaves a consistent store: every insert completes its
        // bookkeeping before it can panic.
        self.learned
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The hash `extensions.persistedQuery` names, lower-cased; a malformed one is refused.
fn named_hash(request: &async_graphql::Request) -> Result<Option<String>, Refusal> {
    let Some(persisted) = request.extensions.get("persistedQuery") else {
        return Ok(None);
    };
    let malformed = || {
        Refusal::new(
            ErrorCode::BadRequest,
            "`extensions.persistedQuery` must be {\"version\": 1, \"sha256Hash\": \"<64 hex digits>\"}",
        )
    };
    let Value::Object(fields) = persisted else {
        return Err(malformed());
    };
    let version_is_one = matches!(fields.get("version"), Some(Value::Number(n)) if n.as_i64() == Some(1));
    let hash = match fields.get("sha256Hash") {
        Some(Value::String(hash)) if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => hash,
        _ => return Err(malformed()),
    };
    if !version_is_one {
        return Err(malformed());
    }
    Ok(Some(hash.to_ascii_lowercase()))
}

fn not_allowed() -> Refusal {
    Refusal::new(
        ErrorCode::PersistedQueryNotAllowed,
        "this service runs only registered documents: send the sha256Hash of one (`extensions.persistedQuery`)",
    )
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const DOCUMENT: &str = "{ plans { nodes { code } } }";

    fn request(query: &str, hash: Option<&str>) -> async_graphql::Request {
        let mut request = async_graphql::Request::new(query);
        if let Some(hash) = hash {
            request.extensions.insert(
                "persistedQuery".into(),
                async_graphql::value!({ "version": 1, "sha256Hash": hash }),
            );
        }
        request
    }

    fn store(mode: Mode, manifest: &[&str], store_bytes: usize) -> PersistedQueries {
        let documents: HashMap<String, String> = manifest
            .iter()
            .map(|d| (sha256_hex(d), (*d).to_string()))
            .collect();
        let manifest = Manifest::parse(&serde_json::to_string(&documents).unwrap()).unwrap();
        PersistedQueries::new(Settings {
            mode,
            store_bytes,
            manifest,
        })
    }

    fn code(result: Result<(), Refusal>) -> &'static str {
        result.err().map_or("OK", |refusal| refusal.code.as_str())
    }

    #[test]
    fn auto_learns_a_document_then_serves_it_by_hash() {
        let queries = store(Mode::Auto, &[], 1024);
        let hash = sha256_hex(DOCUMENT);
        assert_eq!(
            code(queries.resolve(&mut request("", Some(&hash)))),
            "PERSISTED_QUERY_NOT_FOUND"
        );
        assert_eq!(code(queries.resolve(&mut request(DOCUMENT, Some(&hash)))), "OK");
        let mut by_hash = request("", Some(&hash.to_uppercase()));
        assert_eq!(code(queries.resolve(&mut by_hash)), "OK");
        assert_eq!(by_hash.query, DOCUMENT);
        assert_eq!(code(queries.resolve(&mut request("{ x }", None))), "OK");
    }

    #[test]
    fn a_hash_must_be_its_documents() {
        let queries = store(Mode::Auto, &[], 1024);
        let other = sha256_hex("{ organisations { nodes { code } } }");
        assert_eq!(
            code(queries.resolve(&mut request(DOCUMENT, Some(&other)))),
            "PERSISTED_QUERY_HASH_MISMATCH"
        );
        // Nothing was learned under the wrong hash.
        assert_eq!(
            code(queries.resolve(&mut request("", Some(&other)))),
            "PERSISTED_QUERY_NOT_FOUND"
        );
    }

    #[test]
    fn the_store_keeps_to_its_byte_budget_least_recently_used_first_out() {
        let first = "{ a }";
        let second = "{ b }";
        let third = "{ c }";
        let budget = 2 * (64 + first.len());
        let queries = store(Mode::Auto, &[], budget);
        for document in [first, second] {
            queries
                .resolve(&mut request(document, Some(&sha256_hex(document))))
                .unwrap();
        }
        // Use the first, so the second is the least recently used.
        queries
            .resolve(&mut request("", Some(&sha256_hex(first))))
            .unwrap();
        queries
            .resolve(&mut request(third, Some(&sha256_hex(third))))
            .unwrap();
        assert_eq!(
            code(queries.resolve(&mut request("", Some(&sha256_hex(first))))),
            "OK"
        );
        assert_eq!(
            code(queries.resolve(&mut request("", Some(&sha256_hex(second))))),
            "PERSISTED_QUERY_NOT_FOUND"
        );
        assert!(queries.learned().bytes <= budget);
    }

    #[test]
    fn only_runs_the_manifests_documents() {
        let queries = store(Mode::Only, &[DOCUMENT], 1024);
        let hash = sha256_hex(DOCUMENT);
        let mut by_hash = request("", Some(&hash));
        assert_eq!(code(queries.resolve(&mut by_hash)), "OK");
        assert_eq!(by_hash.query, DOCUMENT);
        assert_eq!(code(queries.resolve(&mut request(DOCUMENT, None))), "OK");
        assert_eq!(
            code(queries.resolve(&mut request("{ x }", None))),
            "PERSISTED_QUERY_NOT_ALLOWED"
        );
        let other = "{ y }";
        assert_eq!(
            code(queries.resolve(&mut request(other, Some(&sha256_hex(other))))),
            "PERSISTED_QUERY_NOT_ALLOWED"
        );
        // Not learned either.
        assert_eq!(
            code(queries.resolve(&mut request("", Some(&sha256_hex(other))))),
            "PERSISTED_QUERY_NOT_ALLOWED"
        );
    }

    #[test]
    fn off_refuses_a_named_hash_and_malformed_extensions_are_refused() {
        let queries = store(Mode::Off, &[], 1024);
        assert_eq!(
            code(queries.resolve(&mut request("", Some(&sha256_hex(DOCUMENT))))),
            "PERSISTED_QUERY_NOT_SUPPORTED"
        );
        assert_eq!(code(queries.resolve(&mut request(DOCUMENT, None))), "OK");
        let auto = store(Mode::Auto, &[], 1024);
        assert_eq!(code(auto.resolve(&mut request("", Some("abc")))), "BAD_REQUEST");
    }

    #[test]
    fn manifests_are_read_in_both_forms_and_checked() {
        let hash = sha256_hex(DOCUMENT);
        let apollo = serde_json::json!({
            "format": "apollo-persisted-query-manifest", "version": 1,
            "operations": [{ "id": hash, "name": "Plans", "type": "query", "body": DOCUMENT }]
        });
        assert_eq!(Manifest::parse(&apollo.to_string()).unwrap().len(), 1);
        let codegen = serde_json::json!({ hash.clone(): DOCUMENT });
        assert_eq!(Manifest::parse(&codegen.to_string()).unwrap().len(), 1);
        let wrong = serde_json::json!({ hash: "{ other }" });
        assert!(
            Manifest::parse(&wrong.to_string())
                .unwrap_err()
                .contains("does not have that SHA-256")
        );
        assert!(Manifest::parse("[1, 2]").is_err());
    }
}
