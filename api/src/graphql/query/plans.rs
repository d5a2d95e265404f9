//! `plans` and `plan`.

use async_graphql::{Context, InputObject, Object, Result};

use crate::{
    domain::plans::{self, PlanFilter as Filter},
    graphql::{
        context::{db, loaders, related},
        types::{
            common::{connection, page_request},
            enums::{PlanLevel, PlanStatus},
            plan::{Plan, PlanConnection},
        },
    },
};

/// Narrows `plans`; fields left out match every plan.
#[derive(InputObject, Debug, Default)]
pub struct PlanFilter {
    /// Only plans of this level.
    pub level: Option<PlanLevel>,
    /// Only plans with this status. Every status but `WITHDRAWN` matches only plans in force;
    /// `WITHDRAWN` matches the withdrawn plans.
    pub status: Option<PlanStatus>,
    /// Without `status`: also return withdrawn plans (left out by default). Default false.
    #[graphql(default)]
    pub include_withdrawn: bool,
    /// Only plans of the region with this ISO 3166-2 code, e.g. `UA-12`.
    pub region: Option<String>,
    /// Only plans that localize the plan with this code, e.g. `UA-NAP-2021-2025`.
    pub parent_plan: Option<String>,
}

#[derive(Default)]
pub struct PlanQuery;

#[Object]
impl PlanQuery {
    /// Plans, ordered by code. Withdrawn plans are left out unless `filter.includeWithdrawn` is
    /// true or `filter.status` is `WITHDRAWN`.
    #[graphql(complexity = "first.or(last).unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn plans(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which objects to return; leave out to return all.")] filter: Option<PlanFilter>,
        #[graphql(desc = "Return the first n plans (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return plans after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n plans (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return plans before this cursor.")] before: Option<String>,
    ) -> Result<PlanConnection> {
        let filter = filter.unwrap_or_default();
        let filter = Filter {
            level: filter.level.map(Into::into),
            status: filter.status.map(Into::into),
            region: filter.region,
            parent_plan: filter.parent_plan,
            include_withdrawn: filter.include_withdrawn,
        };
        let page = plans::list_plans(db(ctx)?, &filter, &page_request(first, after, last, before)).await?;
        Ok(connection(page, Plan::from))
    }

    /// The plan with this code (e.g. `UA-NAP-2021-2025`), or null if there is none.
    async fn plan(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The plan code, e.g. `UA-NAP-2021-2025`.")] code: String,
    ) -> Result<Option<Plan>> {
        if let Some(lookups) = &loaders(ctx)?.lookups {
            return related(ctx, lookups.plan(&code), |l| &l.plans, Plan).await;
        }
        Ok(plans::find_plan_by_code(db(ctx)?, &code).await?.map(Plan::from))
    }
}
