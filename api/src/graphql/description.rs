//! What the schema says about itself: its own description (answered to `__schema { description }`
//! in place of the library's boilerplate, and written above `schema { … }` in the SDL) and the
//! descriptions of the library's scalars the registry uses.

use std::sync::Arc;

use async_graphql::{
    ServerResult, Value,
    async_trait::async_trait,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo},
};

/// The registry's description of itself.
pub const SCHEMA_DESCRIPTION: &str = "The NAP 1325 Registry: Ukraine's National Action Plan on \
Women, Peace and Security (UN Security Council Resolution 1325) as open data. Read the plans, \
their tasks, measures and indicators, the regions and target groups they cover, and the projects \
donors and implementing organisations link to them; follow every change with `changes(after:)`. \
Reads are public; writes need an organisation's bearer token with the right scope.";

/// The description of `DateTime`, replacing the library's.
pub const DATE_TIME_DESCRIPTION: &str = "An instant in time as an RFC 3339 date-time string in \
UTC, e.g. `2024-05-01T09:30:00Z`. Inputs may carry any offset; they are stored and returned in UTC.";

/// Answers `__schema { description }` with [`SCHEMA_DESCRIPTION`].
#[derive(Debug, Default, Clone, Copy)]
pub struct SchemaDescription;

impl ExtensionFactory for SchemaDescription {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(SchemaDescription)
    }
}

#[async_trait]
impl Extension for SchemaDescription {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        if info.parent_type == "__Schema" && info.name == "description" {
            return Ok(Some(Value::String(SCHEMA_DESCRIPTION.to_owned())));
        }
        next.run(ctx, info).await
    }
}

/// The schema in SDL, as committed in `schema.graphql`: with `@specifiedBy` on the scalars that
/// have a specification and the schema's own description.
pub fn sdl(schema: &crate::graphql::RegistrySchema) -> String {
    let sdl = schema.sdl_with_options(async_graphql::SDLExportOptions::new().include_specified_by());
    sdl.replacen(
        "schema {",
        &format!("\"\"\"\n{SCHEMA_DESCRIPTION}\n\"\"\"\nschema {{"),
        1,
    )
}

/// The schema as an Apollo Federation 2 subgraph: `@link` import, `@key` on the linkable types,
/// `@shareable` `PageInfo`; the same text `_service { sdl }` answers.
pub fn subgraph_sdl(schema: &crate::graphql::RegistrySchema) -> String {
    schema.sdl_with_options(
        async_graphql::SDLExportOptions::new()
            .federation()
            .compose_directive(),
    )
}
