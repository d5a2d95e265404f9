//! What resolvers take from the request context: the database, the request's loaders (and the
//! to-one relations read through them), and the reader's language.

use std::sync::Arc;

use async_graphql::{Context, MaybeUndefined};
use sea_orm::DatabaseConnection;

use super::{
    language::Language,
    loaders::{Group, Loaders, group, one},
};
use crate::{
    auth::TokenService,
    domain::{
        access::Actor,
        bilingual::BilingualPatch,
        write::{Patch, Withdrawable},
    },
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

/// The changes a mutation's `{field}Uk` and `{field}En` arguments ask of a text.
pub fn patch_texts(uk: MaybeUndefined<String>, en: MaybeUndefined<String>) -> BilingualPatch {
    BilingualPatch {
        uk: patch(uk),
        en: patch(en),
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

/// The rows with key `key` in the group `pick` chooses, in their stored order, each as `wrap`
/// makes it: what every to-many relation without a filter answers.
pub async fn related_all<E: Readable, T, C>(
    ctx: &Context<'_>,
    key: uuid::Uuid,
    pick: fn(&Loaders) -> &Group<E>,
    wrap: impl FnMut(Row<E>) -> T,
) -> async_graphql::Result<C>
where
    C: FromIterator<T>,
{
    Ok(group(pick(loaders(ctx)?), key)
        .await?
        .into_iter()
        .map(wrap)
        .collect())
}

/// `rows` as `wrap` makes them, without the withdrawn ones unless `include_withdrawn`: what every
/// relation with an `includeWithdrawn` argument answers.
pub fn in_force<M: Withdrawable, T, C: FromIterator<T>>(
    rows: impl IntoIterator<Item = Arc<M>>,
    include_withdrawn: bool,
    wrap: fn(Arc<M>) -> T,
) -> C {
    rows.into_iter()
        .filter(|row| include_withdrawn || row.withdrawn_at().is_none())
        .map(wrap)
        .collect()
}

/// The language a text field answers in: its `lang` argument, else the request's
/// `Accept-Language`, else Ukrainian.
pub fn language(ctx: &Context<'_>, lang: Option<Language>) -> Language {
    lang.or_else(|| ctx.data_opt::<Language>().copied())
        .unwrap_or_default()
}
