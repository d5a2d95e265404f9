//! `Organisation`: a body that owns plans, carries out items, funds or implements projects.

use crate::domain::entity_type::EntityType;
use crate::graphql::object_list::ObjectList;
use async_graphql::{Context, ID, Object, Result};
use entity::{organisation, organisation_name};
use std::sync::Arc;

use super::{
    common::{Date, connection_by_id, date, page_request},
    enums::{OrganisationKind, ParticipantRole},
    plan::Plan,
    plan_item::{Responsibility, ResponsibilityConnection},
    project_link::{ProjectLinkConnection, project_link_page},
    record::Withdrawal,
    region::Region,
};
use crate::graphql::{
    context::{in_force, loaders, related, related_all},
    language::{LocalizedText, bilingual_fields},
    loaders::{group, many, unique},
    node_id,
};

bilingual_fields! {
    /// `Organisation.name` and `Organisation.names`.
    OrganisationCurrentName {
        /// The current name in `lang`, falling back to the other language.
        name,
        /// The current name in both languages.
        names,
    }
}

/// An organisation row, resolved as `Organisation`.
#[derive(Clone)]
pub struct Organisation(pub Arc<organisation::Model>);

/// A ministry, administration, community, civil-society or international organisation, or donor.
#[Object]
impl Organisation {
    /// Global ID.
    pub async fn id(&self) -> ID {
        node_id::encode(EntityType::Organisation, self.0.id)
    }

    /// The registry's stable short key, e.g. `ministry-of-social-policy` or `rma-ua-12`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// What kind of body it is.
    async fn kind(&self) -> OrganisationKind {
        self.0.kind.into()
    }

    #[graphql(flatten)]
    async fn withdrawal_fields(&self) -> Withdrawal<'_> {
        Withdrawal::of(&*self.0)
    }

    #[graphql(flatten)]
    async fn name_fields(&self) -> OrganisationCurrentName<'_> {
        OrganisationCurrentName::new(self.0.name_uk.as_deref(), self.0.name_en.as_deref())
    }

    /// Every name the organisation has had, oldest first: by dates where known, the current name last.
    async fn name_history(&self, ctx: &Context<'_>) -> Result<ObjectList<OrganisationName>> {
        let mut names = group(&loaders(ctx)?.names_by_organisation, self.0.id).await?;
        let is_current = |n: &organisation_name::Model| {
            n.valid_until.is_none() && n.name_uk == self.0.name_uk && n.name_en == self.0.name_en
        };
        names.sort_by(|a, b| {
            (is_current(a), a.valid_from, a.valid_until, a.created_at, a.id).cmp(&(
                is_current(b),
                b.valid_from,
                b.valid_until,
                b.created_at,
                b.id,
            ))
        });
        Ok(names.into_iter().map(OrganisationName).collect())
    }

    /// The name in effect on `date` (from the name history: a rename counts from the day it took
    /// effect, and on that day the new name is given); null before the earliest known name.
    async fn name_on(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The day, e.g. `2024-01-31`.")] date: Date,
    ) -> Result<Option<OrganisationName>> {
        let names = group(&loaders(ctx)?.names_by_organisation, self.0.id).await?;
        Ok(crate::domain::organisations::name_on(&names, date.0)
            .cloned()
            .map(OrganisationName::from))
    }

    /// Org-id identifiers, e.g. `UA-EDR-12345678` (EDRPOU) or `XM-DAC-41146`.
    async fn identifiers(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        related_all(
            ctx,
            self.0.id,
            |l| &l.identifiers_by_organisation,
            |i| i.identifier.clone(),
        )
        .await
    }

    /// The region a regional or local body serves.
    async fn region(&self, ctx: &Context<'_>) -> Result<Option<Region>> {
        related(ctx, self.0.region_id, |l| &l.regions, Region).await
    }

    /// Bodies whose functions this organisation took over.
    async fn predecessors(&self, ctx: &Context<'_>) -> Result<ObjectList<Organisation>> {
        let loaders = loaders(ctx)?;
        let links = group(&loaders.successions_by_successor, self.0.id).await?;
        Ok(
            many(&loaders.organisations, links.iter().map(|l| l.predecessor_id))
                .await?
                .into_iter()
                .map(Organisation)
                .collect(),
        )
    }

    /// Bodies that took over this organisation's functions.
    async fn successors(&self, ctx: &Context<'_>) -> Result<ObjectList<Organisation>> {
        let loaders = loaders(ctx)?;
        let links = group(&loaders.successions_by_predecessor, self.0.id).await?;
        Ok(many(&loaders.organisations, links.iter().map(|l| l.successor_id))
            .await?
            .into_iter()
            .map(Organisation)
            .collect())
    }

    /// The plans this organisation maintains, by code; withdrawn plans are left out unless
    /// `includeWithdrawn` is true.
    async fn owned_plans(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default,
            desc = "Also return withdrawn plans (left out by default). Default false."
        )]
        include_withdrawn: bool,
    ) -> Result<ObjectList<Plan>> {
        let plans = group(&loaders(ctx)?.plans_by_owner, self.0.id).await?;
        Ok(in_force(plans, include_withdrawn, Plan))
    }

    /// The plan items this organisation carries out, with its role in each.
    #[graphql(complexity = "first.or(last).unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn responsibilities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return the first n (at most 100).")] first: Option<i32>,
        #[graphql(desc = "Return those after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return those before this cursor.")] before: Option<String>,
    ) -> Result<ResponsibilityConnection> {
        let rows = group(&loaders(ctx)?.responsibilities_by_organisation, self.0.id).await?;
        let request = page_request(first, after, last, before);
        Ok(connection_by_id(rows, |r| r.id, &request, Responsibility)?)
    }

    /// Project links this organisation takes part in, optionally only in one IATI role; withdrawn
    /// links are left out unless `includeWithdrawn` is true.
    #[graphql(complexity = "first.or(last).unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    #[expect(
        clippy::too_many_arguments,
        reason = "a GraphQL field's arguments are the resolver's parameters"
    )]
    async fn project_links(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only projects where the organisation has this role.")] role: Option<
            ParticipantRole,
        >,
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
        let loaders = loaders(ctx)?;
        let role = role.map(entity::enums::ParticipantRole::from);
        let participations = group(&loaders.participants_by_organisation, self.0.id).await?;
        let ids = unique(
            participations
                .iter()
                .filter(|p| role.is_none_or(|r| p.role == r))
                .map(|p| p.project_link_id),
        );
        project_link_page(ctx, ids, include_withdrawn, first, after, last, before).await
    }

    /// This organisation's permanent address, `<base>/id/organisation/<code>`.
    async fn uri(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(ctx
            .data::<crate::linked_data::PublicUrl>()?
            .organisation(&self.0.code))
    }
}

impl Organisation {
    /// The organisation with id `id` (none without one), read through the request's loader.
    pub async fn of(ctx: &Context<'_>, id: impl Into<Option<uuid::Uuid>>) -> Result<Option<Self>> {
        related(ctx, id, |l| &l.organisations, Self).await
    }
}

/// A name history row.
pub struct OrganisationName(pub Arc<organisation_name::Model>);

/// A name an organisation has had, with the period it was used when known.
#[Object]
impl OrganisationName {
    /// The name in both languages.
    async fn names(&self) -> LocalizedText {
        LocalizedText::new(self.0.name_uk.as_deref(), self.0.name_en.as_deref())
    }

    /// First day the name was used, when known.
    async fn valid_from(&self) -> Option<Date> {
        date(self.0.valid_from)
    }

    /// Last day the name was used; null for the current name or when not known.
    async fn valid_until(&self) -> Option<Date> {
        date(self.0.valid_until)
    }
}

super::common::connection_type!(
    OrganisationConnection,
    OrganisationEdge,
    Organisation,
    "organisations"
);
