//! `indicators` and `indicator(code:)`.

use async_graphql::{Context, InputObject, Object, Result};

use crate::{
    domain::indicators::{self, IndicatorFilter as Filter},
    graphql::{
        context::db,
        types::{
            common::{connection, page_request},
            indicator::{Indicator, IndicatorConnection},
        },
    },
};

/// Narrows `indicators`; fields left out match every indicator. Unknown codes match nothing.
#[derive(InputObject, Debug, Default)]
pub struct IndicatorFilter {
    /// Only indicators of items of the plan with this code.
    pub plan: Option<String>,
    /// Only indicators of the item with this canonical code.
    pub plan_item: Option<String>,
    /// Only indicators related to this SDG indicator, e.g. `5.5.1`.
    pub sdg_indicator: Option<String>,
    /// Only indicators whose code or name (Ukrainian or English, any case) contains every word of this text.
    pub search: Option<String>,
    /// Also return withdrawn indicators and those of withdrawn items or of items of withdrawn plans
    /// (left out by default). Default false.
    #[graphql(default)]
    pub include_withdrawn: bool,
}

#[derive(Default)]
pub struct IndicatorQuery;

#[Object]
impl IndicatorQuery {
    /// Indicators, in the order of their plans' numbering. Withdrawn indicators, and those of
    /// withdrawn items or of items of withdrawn plans, are left out unless
    /// `filter.includeWithdrawn` is true.
    #[graphql(complexity = "first.or(last).unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which objects to return; leave out to return all.")] filter: Option<
            IndicatorFilter,
        >,
        #[graphql(desc = "Return the first n indicators (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return indicators after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n indicators (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return indicators before this cursor.")] before: Option<String>,
    ) -> Result<IndicatorConnection> {
        let f = filter.unwrap_or_default();
        let filter = Filter {
            plan: f.plan,
            plan_item: f.plan_item,
            sdg_indicator: f.sdg_indicator,
            search: f.search,
            include_withdrawn: f.include_withdrawn,
        };
        let page =
            indicators::list_indicators(db(ctx)?, &filter, &page_request(first, after, last, before)).await?;
        Ok(connection(page, Indicator::from))
    }

    /// The indicator with this canonical code: its item's canonical code, `/`, and the indicator's
    /// own code, e.g. `UA-NAP-2021-2025/3.1/I1` (the code the `changes` feed gives indicators).
    /// Null when there is none.
    async fn indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The canonical code, e.g. `UA-NAP-2021-2025/3.1/I1`.")] code: String,
    ) -> Result<Option<Indicator>> {
        Ok(indicators::find_indicator_by_code(db(ctx)?, &code)
            .await?
            .map(Indicator::from))
    }
}
