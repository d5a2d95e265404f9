//! What resolvers take from the request context: the database, the request's loaders, and the
//! reader's language.

use async_graphql::Context;
use sea_orm::DatabaseConnection;

use super::{language::Language, loaders::Loaders};

/// The database pool.
pub fn db<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a DatabaseConnection> {
    ctx.data::<DatabaseConnection>()
}

/// The loaders of this request.
pub fn loaders<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Loaders> {
    ctx.data::<Loaders>()
}

/// The language a text field answers in: its `lang` argument, else the request's
/// `Accept-Language`, else Ukrainian.
pub fn language(ctx: &Context<'_>, lang: Option<Language>) -> Language {
    lang.or_else(|| ctx.data_opt::<Language>().copied())
        .unwrap_or_default()
}
