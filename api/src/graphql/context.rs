//! What resolvers take from the request context: the database, the request's loaders (and the
//! to-one relations read through them), and the reader's language.

use std::sync::Arc;

use async_graphql::{Context, MaybeUndefined};
use sea_orm::DatabaseConnection;

use super::{
    language::Language,
    loaders::{Group, Loaders, one},
};
use crate::{
    auth::TokenService,
    domain::{access::Actor, write::Patch},
    error::ApiError,
    read_model::table::{Readable, Row},
};

/// The organisation acting through the request's token; UNAUTHENTICATED without one.
pub fn actor<'a>(ctx: &Context<'a>) -> Result<&'a Actor, ApiError> {
    ctx.data_opt::<Actor>().ok_or(ApiError::Unauthenticated)
}

/// The service that signs tokens.
pub fn token_service<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Arc<TokenService>> {
    ctx.data::<Arc<TokenService>>()
}

/// An optional input field as a change: left out keeps, null clears, a value sets.
pub fn patch<T>(value: MaybeUndefined<T>) -> Patch<T> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(value) => Some(Some(value)),
    }
}

/// The database pool.
pub fn db<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a DatabaseConnection> {
    ctx.data::<DatabaseConnection>()
}

/// The loaders of this request.
pub fn loaders<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Loaders> {
    Ok(ctx.data::<Arc<Loaders>>()?.as_ref())
}

/// The row with key `key` (none without a key) through the loader `pick` chooses, as `wrap` makes
/// it: what every to-one relation answers.
pub async fn related<E: Readable, T>(
    ctx: &Context<'_>,
    key: impl Into<Option<uuid::Uuid>>,
    pick: fn(&Loaders) -> &Group<E>,
    wrap: fn(Row<E>) -> T,
) -> async_graphql::Result<Option<T>> {
    let Some(key) = key.into() else {
        return Ok(None);
    };
    Ok(one(pick(loaders(ctx)?), key).await?.map(wrap))
}

/// The language a text field answers in: its `lang` argument, else the request's
/// `Accept-Language`, else Ukrainian.
pub fn language(ctx: &Context<'_>, lang: Option<Language>) -> Language {
    lang.or_else(|| ctx.data_opt::<Language>().copied())
        .unwrap_or_default()
}
