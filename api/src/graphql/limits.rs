//! Limits on the shape of a query document that depth and complexity do not catch, so that a
//! document under the body limit is refused in well under 10 ms of CPU: its length in lexical
//! tokens ([`MAX_TOKENS`], counted by one pass over the text before anything is parsed), then,
//! right after parsing and before validation, how many operations it holds, how many selections
//! any one selection set has, how many directives any one field or fragment carries, how many
//! aliases it declares and how many fields its operation selects at the root.
//!
//! The alias count is syntactic (every aliased field in the document, fragments included); the
//! multiplication of a fragment spread many times over is what the complexity limit measures.
//! The root count expands fragment spreads and inline fragments at the root, each fragment once.

use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
};

use async_graphql::{
    Response, ServerError, ServerResult, ValidationResult, Variables,
    async_trait::async_trait,
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextRequest, NextValidation,
    },
    parser::types::{DocumentOperations, ExecutableDocument, Selection, SelectionSet},
};

use crate::error::ErrorCode;

/// Most aliases a document may declare.
pub const MAX_ALIASES: usize = 100;
/// Most fields the executed operation may select at its root.
pub const MAX_ROOT_FIELDS: usize = 30;
/// Most lexical tokens (names, numbers, strings, punctuation) in a document.
pub const MAX_TOKENS: usize = 20_000;
/// Most operations in a document.
pub const MAX_OPERATIONS: usize = 50;
/// Most selections (fields, fragment spreads, inline fragments) in one selection set.
pub const MAX_SELECTIONS: usize = 100;
/// Most directives on one field, fragment spread, inline fragment or operation.
pub const MAX_DIRECTIVES: usize = 5;

/// The extension that refuses documents over any of the limits of this module, and reports the
/// cost of each validated query as `extensions.analyzer { complexity depth }` (what
/// async-graphql's `Analyzer` reports; one extension doing both keeps every field of every query
/// from passing through a second extension's hooks).
#[derive(Debug, Clone, Copy)]
pub struct DocumentLimits {
    /// Most aliases.
    pub max_aliases: usize,
    /// Most root fields.
    pub max_root_fields: usize,
}

impl Default for DocumentLimits {
    fn default() -> Self {
        Self {
            max_aliases: MAX_ALIASES,
            max_root_fields: MAX_ROOT_FIELDS,
        }
    }
}

/// Refuses a document text of more than [`MAX_TOKENS`] tokens, before it is parsed.
pub fn check_text(query: &str) -> Result<(), String> {
    let tokens = count_tokens(query, MAX_TOKENS);
    if tokens > MAX_TOKENS {
        return Err(format!(
            "the document has more than {MAX_TOKENS} tokens (names, values and punctuation); at most {MAX_TOKENS} are allowed"
        ));
    }
    Ok(())
}

/// The lexical tokens of a GraphQL document, counted up to `limit + 1`: one pass over the bytes,
/// skipping white space, commas and comments, each string (block strings included) one token.
fn count_tokens(text: &str, limit: usize) -> usize {
    let bytes = text.as_bytes();
    let at = |i: usize, pattern: &[u8]| bytes.get(i..).is_some_and(|rest| rest.starts_with(pattern));
    let is_word = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'+' | b'.');
    let (mut i, mut count) = (0, 0);
    while i < bytes.len() && count <= limit {
        match bytes[i] {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => i += 1,
            b'#' => {
                while i < bytes.len() && !matches!(bytes[i], b'\n' | b'\r') {
                    i += 1;
                }
            }
            b'"' if at(i, b"\"\"\"") => {
                count += 1;
                i += 3;
                while i < bytes.len() {
                    if at(i, b"\\\"\"\"") {
                        i += 4;
                    } else if at(i, b"\"\"\"") {
                        i += 3;
                        break;
                    } else {
                        i += 1;
                    }
                }
            }
            b'"' => {
                count += 1;
                i += 1;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 2,
                        b'"' => {
                            i += 1;
                            break;
                        }
                        b'\n' | b'\r' => break,
                        _ => i += 1,
                    }
                }
            }
            b'.' if at(i, b"...") => {
                count += 1;
                i += 3;
            }
            byte if is_word(byte) => {
                count += 1;
                while i < bytes.len() && is_word(bytes[i]) {
                    i += 1;
                }
            }
            _ => {
                count += 1;
                i += 1;
            }
        }
    }
    count
}

impl ExtensionFactory for DocumentLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(LimitsOfOneRequest {
            limits: *self,
            validation: Mutex::new(None),
        })
    }
}

/// [`DocumentLimits`] for one request, keeping what validation measured until the response.
struct LimitsOfOneRequest {
    limits: DocumentLimits,
    validation: Mutex<Option<ValidationResult>>,
}

#[async_trait]
impl Extension for LimitsOfOneRequest {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let response = next.run(ctx).await;
        let measured = self.validation.lock().ok().and_then(|mut result| result.take());
        match measured {
            Some(result) => response.extension(
                "analyzer",
                async_graphql::value!({
                    "complexity": result.complexity,
                    "depth": result.depth,
                }),
            ),
            None => response,
        }
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        check_text(query).map_err(limit_error)?;
        let document = next.run(ctx, query, variables).await?;
        let aliases = count_aliases(&document);
        if aliases > self.limits.max_aliases {
            return Err(limit_error(format!(
                "the query declares {aliases} aliases; at most {} are allowed",
                self.limits.max_aliases
            )));
        }
        let roots = max_root_fields(&document);
        if roots > self.limits.max_root_fields {
            return Err(limit_error(format!(
                "an operation selects {roots} fields at its root; at most {} are allowed",
                self.limits.max_root_fields
            )));
        }
        check_shape(&document).map_err(limit_error)?;
        Ok(document)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        if let Ok(mut kept) = self.validation.lock() {
            *kept = Some(result);
        }
        Ok(result)
    }
}

fn limit_error(message: String) -> ServerError {
    let mut error = ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", ErrorCode::GraphqlValidationFailed);
    error
}

/// Refuses a document of more than [`MAX_OPERATIONS`] operations, a selection set of more than
/// [`MAX_SELECTIONS`] selections, or more than [`MAX_DIRECTIVES`] directives in one place.
fn check_shape(document: &ExecutableDocument) -> Result<(), String> {
    let operations = match &document.operations {
        DocumentOperations::Single(_) => 1,
        DocumentOperations::Multiple(operations) => operations.len(),
    };
    if operations > MAX_OPERATIONS {
        return Err(format!(
            "the document holds {operations} operations; at most {MAX_OPERATIONS} are allowed"
        ));
    }
    let directives = |count: usize| {
        if count > MAX_DIRECTIVES {
            Err(format!(
                "a field, fragment or operation carries {count} directives; at most {MAX_DIRECTIVES} are allowed"
            ))
        } else {
            Ok(())
        }
    };
    let mut operation_directives = Vec::new();
    match &document.operations {
        DocumentOperations::Single(operation) => operation_directives.push(operation.node.directives.len()),
        DocumentOperations::Multiple(operations) => {
            operation_directives.extend(operations.values().map(|op| op.node.directives.len()));
        }
    }
    operation_directives.into_iter().try_for_each(directives)?;
    for fragment in document.fragments.values() {
        directives(fragment.node.directives.len())?;
    }
    let fragments = document
        .fragments
        .values()
        .map(|fragment| &fragment.node.selection_set.node);
    for root in operation_roots(document).into_iter().chain(fragments) {
        check_selections(root, &directives)?;
    }
    Ok(())
}

fn check_selections(
    selection_set: &SelectionSet,
    directives: &impl Fn(usize) -> Result<(), String>,
) -> Result<(), String> {
    let count = selection_set.items.len();
    if count > MAX_SELECTIONS {
        return Err(format!(
            "a selection set holds {count} fields or fragments; at most {MAX_SELECTIONS} are allowed in one"
        ));
    }
    for selection in &selection_set.items {
        match &selection.node {
            Selection::Field(field) => {
                directives(field.node.directives.len())?;
                check_selections(&field.node.selection_set.node, directives)?;
            }
            Selection::InlineFragment(fragment) => {
                directives(fragment.node.directives.len())?;
                check_selections(&fragment.node.selection_set.node, directives)?;
            }
            Selection::FragmentSpread(spread) => directives(spread.node.directives.len())?,
        }
    }
    Ok(())
}

/// The root selection set of every operation of the document.
fn operation_roots(document: &ExecutableDocument) -> Vec<&SelectionSet> {
    match &document.operations {
        DocumentOperations::Single(operation) => vec![&operation.node.selection_set.node],
        DocumentOperations::Multiple(operations) => operations
            .values()
            .map(|operation| &operation.node.selection_set.node)
            .collect(),
    }
}

/// Aliased fields anywhere in the document, each counted where it is written.
fn count_aliases(document: &ExecutableDocument) -> usize {
    let fragments = document
        .fragments
        .values()
        .map(|fragment| &fragment.node.selection_set.node);
    operation_roots(document)
        .into_iter()
        .chain(fragments)
        .map(aliases_in)
        .sum()
}

fn aliases_in(selection_set: &SelectionSet) -> usize {
    selection_set
        .items
        .iter()
        .map(|selection| match &selection.node {
            Selection::Field(field) => {
                usize::from(field.node.alias.is_some()) + aliases_in(&field.node.selection_set.node)
            }
            Selection::InlineFragment(fragment) => aliases_in(&fragment.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

/// The largest number of root fields any operation of the document selects.
fn max_root_fields(document: &ExecutableDocument) -> usize {
    operation_roots(document)
        .into_iter()
        .map(|root| fields_at_root(document, root, &mut HashSet::new()))
        .max()
        .unwrap_or(0)
}

fn fields_at_root<'a>(
    document: &'a ExecutableDocument,
    selection_set: &'a SelectionSet,
    expanded: &mut HashSet<&'a str>,
) -> usize {
    selection_set
        .items
        .iter()
        .map(|selection| match &selection.node {
            Selection::Field(_) => 1,
            Selection::InlineFragment(fragment) => {
                fields_at_root(document, &fragment.node.selection_set.node, expanded)
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                match document.fragments.get(&spread.node.fragment_name.node) {
                    Some(fragment) if expanded.insert(name) => {
                        fields_at_root(document, &fragment.node.selection_set.node, expanded)
                    }
                    _ => 0,
                }
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    fn counts(query: &str) -> (usize, usize) {
        let document = parse_query(query).unwrap();
        (count_aliases(&document), max_root_fields(&document))
    }

    #[test]
    fn counts_tokens_without_parsing() {
        assert_eq!(count_tokens("{ a b(x: 1.5e3, y: \"s t, u\") }", 100), 12);
        assert_eq!(count_tokens("# { a b c\n{ ...F @skip(if: $v) }", 100), 12);
        assert_eq!(count_tokens("{ a(s: \"\"\"x \\\"\"\" y\"\"\") }", 100), 8);
        assert_eq!(
            count_tokens(&"a ".repeat(100_000), 10),
            11,
            "stops past the limit"
        );
    }

    #[test]
    fn refuses_wide_selections_many_directives_and_many_operations() {
        let shape = |query: &str| check_shape(&parse_query(query).unwrap());
        assert!(shape(&format!("{{ {} }}", "a ".repeat(MAX_SELECTIONS))).is_ok());
        let wide = shape(&format!("{{ {} }}", "a ".repeat(MAX_SELECTIONS + 1))).unwrap_err();
        assert!(wide.contains("at most 100"), "{wide}");
        let directives = shape(&format!("{{ a {} }}", "@skip(if: false) ".repeat(6))).unwrap_err();
        assert!(directives.contains("6 directives"), "{directives}");
        let spread = shape(&format!(
            "{{ ...F {} }} fragment F on Q {{ a }}",
            "@include(if: true) ".repeat(6)
        ));
        assert!(spread.is_err());
        let operations: String = (0..=MAX_OPERATIONS)
            .map(|i| format!("query q{i} {{ a }} "))
            .collect();
        assert!(shape(&operations).unwrap_err().contains("51 operations"));
    }

    #[test]
    fn counts_aliases_and_root_fields() {
        assert_eq!(counts("{ a b c { d } }"), (0, 3));
        assert_eq!(counts("{ x: a y: b { z: c } }"), (3, 2));
        assert_eq!(
            counts("query { ...F ... on Query { c } } fragment F on Query { a b: a }"),
            (1, 3)
        );
        assert_eq!(
            counts("{ ...F ...F } fragment F on Query { ...G a } fragment G on Query { ...F b }"),
            (0, 2),
            "each fragment is expanded once, cycles included"
        );
        assert_eq!(counts("query A { a } query B { a b }"), (0, 2));
    }
}
