//! `node` and `nodes`: any object by its global ID.

use async_graphql::{Context, ID, Object, Result};

use crate::{
    error::ApiError,
    graphql::{
        context::loaders,
        node_id,
        types::node::{Node, load_node},
    },
};

/// Most IDs `nodes` accepts at once.
const MAX_NODES: usize = 100;

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// The object with this global ID, or null if there is none. A malformed ID is a
    /// BAD_USER_INPUT error.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID from any `id` field.")] id: ID,
    ) -> Result<Option<Node>> {
        let (type_name, key) = node_id::decode("id", &id)?;
        Ok(load_node(loaders(ctx)?, "id", &type_name, key).await?)
    }

    /// The objects with these global IDs, in the same order; null where there is none. At most 100.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global IDs from `id` fields (at most 100).")] ids: Vec<ID>,
    ) -> Result<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(
                ApiError::invalid("ids", format!("at most {MAX_NODES} IDs, got {}", ids.len())).into(),
            );
        }
        let loaders = loaders(ctx)?;
        let decoded = ids
            .iter()
            .map(|id| node_id::decode("ids", id))
            .collect::<Result<Vec<_>, _>>()?;
        let lookups = decoded
            .iter()
            .map(|(type_name, key)| load_node(loaders, "ids", type_name, *key));
        Ok(futures_join_all(lookups).await?)
    }
}

/// Runs the lookups together so the loaders batch them.
async fn futures_join_all<F, T>(futures: impl Iterator<Item = F>) -> Result<Vec<T>, ApiError>
where
    F: Future<Output = Result<T, ApiError>>,
{
    let results = futures_util::future::join_all(futures).await;
    results.into_iter().collect()
}
