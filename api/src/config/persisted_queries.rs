//! Persisted query settings (`NAP_PERSISTED_QUERIES`, `NAP_PERSISTED_QUERIES_FILE`,
//! `NAP_PERSISTED_QUERY_STORE_BYTES`): the mode, the byte budget of documents learned from clients,
//! and the operator's manifest of registered documents, each checked against its SHA-256 when read.
//! The HTTP layer serves them (`http::persisted_queries`).

use std::{collections::HashMap, fmt, path::Path, str::FromStr, sync::Arc};

use serde::Deserialize;

pub use crate::digest::sha256_hex;

/// Which persisted queries the service accepts (`NAP_PERSISTED_QUERIES`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// No persisted queries: every request sends its document.
    Off,
    /// Automatic persisted queries, learned from clients, beside documents sent in full.
    #[default]
    Auto,
    /// Only the documents of the manifest run.
    Only,
}

impl FromStr for Mode {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "off" => Ok(Self::Off),
            "auto" => Ok(Self::Auto),
            "only" => Ok(Self::Only),
            other => Err(format!("expected `off`, `auto` or `only`, got `{other}`")),
        }
    }
}

/// The operator's registered documents, by the hex SHA-256 of their text.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Manifest(Arc<HashMap<String, Arc<str>>>);

impl fmt::Debug for Manifest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Manifest({} documents)", self.0.len())
    }
}

/// The two manifest forms read: Apollo's persisted query manifest and graphql-codegen's
/// `persisted-documents.json` (an object from hash to document).
#[derive(Deserialize)]
#[serde(untagged)]
enum ManifestFile {
    Apollo {
        format: String,
        operations: Vec<ManifestOperation>,
    },
    Documents(HashMap<String, String>),
}

#[derive(Deserialize)]
struct ManifestOperation {
    id: String,
    body: String,
}

impl Manifest {
    /// Reads a manifest file; every entry's hash must be its document's.
    pub fn read(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))?;
        Self::parse(&text)
    }

    /// Parses a manifest; every entry's hash must be its document's.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: ManifestFile =
            serde_json::from_str(text).map_err(|error| format!("not a persisted query manifest: {error}"))?;
        let entries: Vec<(String, String)> = match file {
            ManifestFile::Apollo { format, operations } => {
                if format != "apollo-persisted-query-manifest" {
                    return Err(format!("unknown manifest format `{format}`"));
                }
                operations
                    .into_iter()
                    .map(|operation| (operation.id, operation.body))
                    .collect()
            }
            ManifestFile::Documents(documents) => documents.into_iter().collect(),
        };
        let mut documents = HashMap::with_capacity(entries.len());
        for (hash, document) in entries {
            let hash = hash.to_ascii_lowercase();
            if sha256_hex(&document) != hash {
                return Err(format!(
                    "the document listed as {hash} does not have that SHA-256"
                ));
            }
            documents.insert(hash, Arc::from(document));
        }
        Ok(Self(Arc::new(documents)))
    }

    /// How many documents it registers.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it registers none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// How persisted queries are served (`NAP_PERSISTED_QUERIES`, `NAP_PERSISTED_QUERY_STORE_BYTES`,
/// `NAP_PERSISTED_QUERIES_FILE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Off, automatic, or the manifest only.
    pub mode: Mode,
    /// Most bytes of documents the automatic store keeps.
    pub store_bytes: usize,
    /// The registered documents (required by `only`; in `auto`, known without being sent first).
    pub manifest: Manifest,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            mode: Mode::Auto,
            store_bytes: 4 * 1024 * 1024,
            manifest: Manifest::default(),
        }
    }
}

impl Manifest {
    /// The document registered under `hash` (lower-case hex).
    pub fn document(&self, hash: &str) -> Option<Arc<str>> {
        self.0.get(hash).cloned()
    }
}
