//! Limits on the shape of a query document that depth and complexity do not catch: how many
//! aliases it declares and how many fields its operation selects at the root. They are checked
//! right after parsing, before validation, so an oversized document costs no more than its parse.
//!
//! The alias count is syntactic (every aliased field in the document, fragments included); the
//! multiplication of a fragment spread many times over is what the complexity limit measures.
//! The root count expands fragment spreads and inline fragments at the root, each fragment once.

use std::{collections::HashSet, sync::Arc};

use async_graphql::{
    ServerError, ServerResult, Variables,
    async_trait::async_trait,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery},
    parser::types::{DocumentOperations, ExecutableDocument, Selection, SelectionSet},
};

/// Most aliases a document may declare.
pub const MAX_ALIASES: usize = 100;
/// Most fields the executed operation may select at its root.
pub const MAX_ROOT_FIELDS: usize = 30;

/// The extension that refuses documents over [`MAX_ALIASES`] or [`MAX_ROOT_FIELDS`].
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

impl ExtensionFactory for DocumentLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(*self)
    }
}

#[async_trait]
impl Extension for DocumentLimits {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let aliases = count_aliases(&document);
        if aliases > self.max_aliases {
            return Err(limit_error(format!(
                "the query declares {aliases} aliases; at most {} are allowed",
                self.max_aliases
            )));
        }
        let roots = max_root_fields(&document);
        if roots > self.max_root_fields {
            return Err(limit_error(format!(
                "an operation selects {roots} fields at its root; at most {} are allowed",
                self.max_root_fields
            )));
        }
        Ok(document)
    }
}

fn limit_error(message: String) -> ServerError {
    let mut error = ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", "GRAPHQL_VALIDATION_FAILED");
    error
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
