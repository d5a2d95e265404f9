//! `organisations`, `organisation`, `regions` and `region`.

use async_graphql::{Context, InputObject, Object, Result};

use crate::{
    domain::organisations::{self, OrganisationFilter as Filter},
    graphql::{
        context::db,
        types::{
            common::{connection, page_request},
            enums::OrganisationKind,
            organisation::{Organisation, OrganisationConnection},
            region::Region,
        },
    },
};

/// Narrows `organisations`; fields left out match every organisation.
#[derive(InputObject, Debug, Default)]
pub struct OrganisationFilter {
    /// Only organisations of this kind.
    pub kind: Option<OrganisationKind>,
    /// Only organisations serving the region with this ISO 3166-2 code.
    pub region: Option<String>,
    /// Only organisations whose code, identifiers or any name they have had (Ukrainian or English,
    /// any case) contain every word of this text.
    pub search: Option<String>,
    /// Also return withdrawn organisations (left out by default). Default false.
    #[graphql(default)]
    pub include_withdrawn: bool,
}

#[derive(Default)]
pub struct OrganisationQuery;

#[Object]
impl OrganisationQuery {
    /// Organisations, by registry code. Withdrawn (dissolved or reorganised) organisations are left
    /// out unless `filter.includeWithdrawn` is true; `organisation` still finds them.
    #[graphql(complexity = "first.or(last).unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn organisations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which objects to return; leave out to return all.")] filter: Option<
            OrganisationFilter,
        >,
        #[graphql(desc = "Return the first n organisations (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return organisations after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n organisations (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return organisations before this cursor.")] before: Option<String>,
    ) -> Result<OrganisationConnection> {
        let f = filter.unwrap_or_default();
        let filter = Filter {
            kind: f.kind.map(Into::into),
            region: f.region,
            search: f.search,
            include_withdrawn: f.include_withdrawn,
        };
        let page =
            organisations::list_organisations(db(ctx)?, &filter, &page_request(first, after, last, before))
                .await?;
        Ok(connection(page, Organisation::from))
    }

    /// The organisation with this org-id identifier (e.g. `UA-EDR-12345678`, `XM-DAC-41146`) or
    /// registry code (e.g. `rma-ua-12`), or null if there is none.
    async fn organisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "An org-id identifier such as `UA-EDR-12345678`, or a registry code such as `rma-ua-12`."
        )]
        identifier: String,
    ) -> Result<Option<Organisation>> {
        Ok(organisations::find_organisation(db(ctx)?, &identifier)
            .await?
            .map(Organisation::from))
    }

    /// The 27 first-level subdivisions of Ukraine, by ISO 3166-2 code.
    async fn regions(&self, ctx: &Context<'_>) -> Result<Vec<Region>> {
        Ok(organisations::list_regions(db(ctx)?)
            .await?
            .into_iter()
            .map(Region::from)
            .collect())
    }

    /// The region with this ISO 3166-2 code (e.g. `UA-12`), or null if there is none.
    async fn region(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ISO 3166-2:UA code, e.g. `UA-12`.")] code: String,
    ) -> Result<Option<Region>> {
        Ok(organisations::find_region_by_code(db(ctx)?, &code)
            .await?
            .map(Region::from))
    }
}
