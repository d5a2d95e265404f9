//! `projectLinks` and the donor dashboard's `projectLinkSummary`.

use async_graphql::{Context, InputObject, Object, Result};

use crate::{
    domain::project_links::{self, ProjectLinkFilter as Filter},
    graphql::{
        context::{db, loaders},
        types::{
            common::{Date, connection, page_request},
            dashboard::ProjectLinkSummary,
            project_link::{ProjectLink, ProjectLinkConnection},
        },
    },
};

/// Narrows `projectLinks` and `projectLinkSummary`; fields left out match every link in force
/// (withdrawn links are left out unless `includeWithdrawn` is true). Unknown codes match nothing.
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
    /// With `planItem`: also projects linked to the regional, departmental and local items that
    /// implement it (with `includeDescendants`: that implement it or any item below it, and the
    /// items below those). In `projectLinkSummary`, such a link also counts for the goal of the
    /// national item its item implements. Default false.
    #[graphql(default)]
    pub include_localizations: bool,
    /// Also withdrawn links, and links reached only through withdrawn items or the items of
    /// withdrawn plans; all of these are left out by default. Default false.
    #[graphql(default)]
    pub include_withdrawn: bool,
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
            include_localizations: f.include_localizations,
            include_withdrawn: f.include_withdrawn,
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
    /// Donor and partner project links, in the registry's stable order. Withdrawn links are left out
    /// unless `filter.includeWithdrawn` is true.
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
        let page = page_request(first, after, last, before);
        let loaders = loaders(ctx)?;
        let in_memory = loaders
            .lookups
            .as_ref()
            .and_then(|lookups| lookups.project_links(loaders, &filter, &page));
        Ok(match in_memory {
            Some(page) => connection(page?, ProjectLink::from),
            None => connection(
                project_links::list_project_links(db(ctx)?, &filter, &page).await?,
                ProjectLink::from,
            ),
        })
    }

    /// Totals over the matching project links: overall, per strategic goal, per region and per
    /// funder, with budgets per currency (never converted or added across currencies). Withdrawn
    /// links are left out unless `filter.includeWithdrawn` is true; so are goals reached only
    /// through withdrawn items or items of withdrawn plans.
    ///
    /// How budgets are attributed: a project's whole budget counts under every goal, region and
    /// funder it belongs to (budgets are not split), so the rows of one grouping can add up to
    /// more than `overall`. Within a row and in `overall`, each project counts once, however many
    /// of its items, regions or funders fall there.
    async fn project_link_summary(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which links to count; leave out to count all.")] filter: Option<ProjectLinkFilter>,
    ) -> Result<ProjectLinkSummary> {
        let filter = Filter::from(filter.unwrap_or_default());
        Ok(ProjectLinkSummary(
            crate::domain::donor_dashboard::summarize(db(ctx)?, &filter).await?,
        ))
    }
}
