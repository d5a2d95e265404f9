//! `Region`: a first-level subdivision of Ukraine.

use crate::domain::entity_type::EntityType;
use crate::graphql::object_list::ObjectList;
use async_graphql::{Context, ID, Object, Result};
use entity::region;
use std::sync::Arc;

use super::{
    enums::RegionKind,
    plan::Plan,
    project_link::{ProjectLinkConnection, project_link_page},
};
use crate::graphql::{
    context::{in_force, loaders},
    language::Name,
    loaders::{group, unique},
    node_id,
};

/// A region row, resolved as `Region`.
#[derive(Clone)]
pub struct Region(pub Arc<region::Model>);

/// An oblast, a city with special status (Kyiv, Sevastopol) or the Autonomous Republic of Crimea,
/// keyed by its ISO 3166-2:UA code.
#[Object]
impl Region {
    /// Global ID.
    pub async fn id(&self) -> ID {
        node_id::encode(EntityType::Region, self.0.id)
    }

    /// ISO 3166-2:UA code, e.g. `UA-12`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Oblast, city or autonomous republic.
    async fn kind(&self) -> RegionKind {
        self.0.kind.into()
    }

    #[graphql(flatten)]
    async fn name_fields(&self) -> Name<'_> {
        Name::new(Some(&self.0.name_uk), Some(&self.0.name_en))
    }

    /// The official romanization, e.g. `Dnipropetrovska oblast`.
    async fn name_romanized(&self) -> &str {
        &self.0.name_romanized
    }

    /// The region's plans (regional, local), by code; withdrawn plans are left out unless
    /// `includeWithdrawn` is true.
    async fn plans(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default,
            desc = "Also return withdrawn plans (left out by default). Default false."
        )]
        include_withdrawn: bool,
    ) -> Result<ObjectList<Plan>> {
        let plans = group(&loaders(ctx)?.plans_by_region, self.0.id).await?;
        Ok(in_force(plans, include_withdrawn, Plan))
    }

    /// Donor and partner projects working in the region; withdrawn links are left out unless
    /// `includeWithdrawn` is true.
    #[graphql(complexity = "first.or(last).unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn project_links(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default,
            desc = "Also return withdrawn links (left out by default). Default false."
        )]
        include_withdrawn: bool,
        #[graphql(desc = "Return the first n links (at most 100).")] first: Option<i32>,
        #[graphql(desc = "Return links after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n links (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return links before this cursor.")] before: Option<String>,
    ) -> Result<ProjectLinkConnection> {
        let links = group(&loaders(ctx)?.projects_by_region, self.0.id).await?;
        let ids = unique(links.iter().map(|l| l.project_link_id));
        project_link_page(ctx, ids, include_withdrawn, first, after, last, before).await
    }

    /// This region's permanent address, e.g. `<base>/id/region/UA-12`.
    async fn uri(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(ctx.data::<crate::linked_data::PublicUrl>()?.region(&self.0.code))
    }
}
