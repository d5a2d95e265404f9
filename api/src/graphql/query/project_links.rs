//! `projectLinks` and the donor dashboard's `projectLinkSummary`.

use async_graphql::{Context, InputObject, Object, Result};

use crate::{
    domain::project_links::{self, ProjectLinkFilter as Filter},
    graphql::{
        context::db,
        types::{
            common::{Date, connection, page_request},
            dashboard::ProjectLinkSummary,
            project_link::{ProjectLink, ProjectLinkConnection},
        },
    },
};

/// Narrows `projectLinks` and `projectLinkSummary`; fields left out match every link. Unknown
/// codes match nothing.
#[derive(InputObject, Debug, Default)]
pub struct ProjectLinkFilter {
    /// Only projects this organisation funds (registry code or identifier, e.g. `XM-DAC-41146`).
    pub funder: Option<String>,
    /// Only projects this organisation implements (registry code or identifier).
    pub implementer: Option<String>,
    /// Only projects linked to the plan item with this canonical code.
    pub plan_item: Option<String>,
    /// With `planItem`: also projects linked to any item below it. Default false.
    #[graphql(default)]
    pub include_descendants: bool,
    /// Only projects working in the region with this ISO 3166-2 code.
    pub region: Option<String>,
    /// Only projects running on this date (a missing start or end date counts as open).
    pub active_on: Option<Date>,
    /// Only the project with this IATI activity identifier.
    pub iati_identifier: Option<String>,
    /// Only projects whose IATI identifier or title contains every word of this text.
    pub search: Option<String>,
}

impl From<ProjectLinkFilter> for Filter {
    fn from(f: ProjectLinkFilter) -> Self {
        Self {
            funder: f.funder,
            implementer: f.implementer,
            plan_item: f.plan_item,
            include_descendants: f.include_descendants,
            region: f.region,
            active_on: f.active_on.map(|d| d.0),
            iati_identifier: f.iati_identifier,
            search: f.search,
        }
    }
}

#[derive(Default)]
pub struct ProjectLinkQuery;

#[Object]
impl ProjectLinkQuery {
    /// Donor and partner project links, in the registry's stable order.
    #[graphql(complexity = "first.or(last).unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn project_links(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which objects to return; leave out to return all.")] filter: Option<
            ProjectLinkFilter,
        >,
        #[graphql(desc = "Return the first n links (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return links after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n links (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return links before this cursor.")] before: Option<String>,
    ) -> Result<ProjectLinkConnection> {
        let filter = Filter::from(filter.unwrap_or_default());
        let page =
            project_links::list_project_links(db(ctx)?, &filter, &page_request(first, after, last, before))
                .await?;
        Ok(connection(page, ProjectLink))
    }

    /// Totals over the matching project links: per strategic goal (a link to any item below a
    /// goal counts for the goal, once), per region and per funder, with budgets per currency.
    async fn project_link_summary(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which links to count; leave out to count all.")] filter: Option<ProjectLinkFilter>,
    ) -> Result<ProjectLinkSummary> {
        let filter = Filter::from(filter.unwrap_or_default());
        Ok(ProjectLinkSummary(
            project_links::summarize(db(ctx)?, &filter).await?,
        ))
    }
}
