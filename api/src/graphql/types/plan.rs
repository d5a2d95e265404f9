//! The `Plan` type.

use async_graphql::{ID, Object};
use entity::plan;

use super::enums::{PlanLevel, PlanStatus};
use crate::graphql::{
    language::{Language, LocalizedText},
    node_id,
};

/// A plan row, resolved as the GraphQL `Plan` type.
pub struct Plan(pub plan::Model);

/// A national, regional, departmental or local action plan for UN Security Council Resolution
/// 1325 "Women, Peace and Security".
#[Object]
impl Plan {
    /// Global ID, stable across restarts and re-seeding.
    async fn id(&self) -> ID {
        node_id::encode("Plan", self.0.id)
    }

    /// The plan's stable code, e.g. `UA-NAP-2021-2025`. Plan item codes start with it.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// National, regional, departmental or local.
    async fn level(&self) -> PlanLevel {
        self.0.level.into()
    }

    /// Where the plan stands in its legal life.
    async fn status(&self) -> PlanStatus {
        self.0.status.into()
    }

    /// The plan's title in `lang` (default: the request's `Accept-Language`, else Ukrainian),
    /// falling back to the other language; null only where no title is known in either.
    async fn title(&self, ctx: &async_graphql::Context<'_>, lang: Option<Language>) -> Option<String> {
        let lang = lang
            .or_else(|| ctx.data_opt::<Language>().copied())
            .unwrap_or_default();
        lang.pick(self.0.title_uk.as_deref(), self.0.title_en.as_deref())
    }

    /// The title in both languages, each null where the official wording is not known.
    async fn titles(&self) -> LocalizedText {
        LocalizedText::new(self.0.title_uk.as_deref(), self.0.title_en.as_deref())
    }

    /// First year of the plan's period.
    async fn start_year(&self) -> i32 {
        self.0.start_year
    }

    /// Last year of the plan's period.
    async fn end_year(&self) -> i32 {
        self.0.end_year
    }

    /// The document the registry's record of this plan is taken from.
    async fn source_document(&self) -> Option<&str> {
        self.0.source_document.as_deref()
    }

    /// Version of the record; grows by one with every change.
    async fn version(&self) -> i32 {
        self.0.version
    }
}
