//! `planItems` and `planItem`.

use async_graphql::{Context, InputObject, Object, Result};

use crate::{
    domain::plan_items::{self, PlanItemFilter as Filter},
    graphql::{
        context::{db, loaders, related},
        types::{
            common::{connection, page_request},
            enums::{PlanItemKind, PlanItemStatus, ResponsibilityRole},
            plan_item::{PlanItem, PlanItemConnection},
        },
    },
};

/// Narrows `planItems`; fields left out match every item. Unknown codes match nothing.
#[derive(InputObject, Debug, Default)]
pub struct PlanItemFilter {
    /// Only items of the plan with this code, e.g. `UA-NAP-2021-2025`.
    pub plan: Option<String>,
    /// Only items of this kind.
    pub kind: Option<PlanItemKind>,
    /// Only the children of the item with this canonical code, e.g. `UA-NAP-2021-2025/3`.
    pub parent: Option<String>,
    /// Only live items (`ACTIVE`: active, in a plan that is not withdrawn) or only withdrawn ones
    /// (`WITHDRAWN`: withdrawn themselves or in a withdrawn plan).
    pub status: Option<PlanItemStatus>,
    /// Without `status`: also return withdrawn items and the items of withdrawn plans (left out
    /// by default). Default false.
    #[graphql(default)]
    pub include_withdrawn: bool,
    /// Only items serving the target group with this code.
    pub target_group: Option<String>,
    /// Only items an organisation (registry code or identifier such as `UA-EDR-12345678`) carries out.
    pub organisation: Option<String>,
    /// Only items where the organisation (or, without `organisation`, anyone) has this role.
    pub role: Option<ResponsibilityRole>,
    /// Only items of plans of the region with this ISO 3166-2 code.
    pub region: Option<String>,
    /// Only items whose code or title (Ukrainian or English, any case) contains every word of this text.
    pub search: Option<String>,
}

#[derive(Default)]
pub struct PlanItemQuery;

#[Object]
impl PlanItemQuery {
    /// Plan items of every plan, by number then code. Withdrawn items and the items of withdrawn
    /// plans are left out unless `filter.includeWithdrawn` is true or `filter.status` is `WITHDRAWN`.
    #[graphql(complexity = "first.or(last).unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn plan_items(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which objects to return; leave out to return all.")] filter: Option<PlanItemFilter>,
        #[graphql(desc = "Return the first n items (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<PlanItemConnection> {
        let f = filter.unwrap_or_default();
        let filter = Filter {
            plan: f.plan,
            kind: f.kind.map(Into::into),
            parent: f.parent,
            status: f.status.map(Into::into),
            include_withdrawn: f.include_withdrawn,
            target_group: f.target_group,
            organisation: f.organisation,
            role: f.role.map(Into::into),
            region: f.region,
            search: f.search,
        };
        let page = page_request(first, after, last, before);
        let loaders = loaders(ctx)?;
        let in_memory = loaders
            .lookups
            .as_ref()
            .and_then(|lookups| lookups.plan_items(loaders, &filter, &page));
        Ok(match in_memory {
            Some(page) => connection(page?, PlanItem::from),
            None => connection(
                plan_items::list_plan_items(db(ctx)?, &filter, &page).await?,
                PlanItem::from,
            ),
        })
    }

    /// The item with this canonical code (e.g. `UA-NAP-2021-2025/3.1.12`), or null if there is none.
    async fn plan_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The canonical code, e.g. `UA-NAP-2021-2025/3.1.12`.")] code: String,
    ) -> Result<Option<PlanItem>> {
        if let Some(lookups) = &loaders(ctx)?.lookups {
            return related(ctx, lookups.plan_item(&code), |l| &l.plan_items, PlanItem).await;
        }
        Ok(plan_items::find_plan_item_by_code(db(ctx)?, &code)
            .await?
            .map(PlanItem::from))
    }
}
