//! `ProjectLink`: a donor or partner project linked to plan items.

use crate::domain::entity_type::EntityType;
use crate::graphql::object_list::ObjectList;
use async_graphql::{Context, ID, Object, Result};
use entity::{project_link, project_participant};
use std::sync::Arc;

use super::{
    codelist::IatiCode,
    common::{Date, Money, connection_by_id, date, page_request},
    enums::ParticipantRole,
    organisation::Organisation,
    plan_item::PlanItem,
    record::Withdrawal,
    region::Region,
};
use crate::{
    domain::codelists,
    graphql::{
        context::{loaders, related_all},
        language::Title,
        loaders::{group, many},
        node_id,
    },
};

/// A project link row, resolved as `ProjectLink`.
#[derive(Clone)]
pub struct ProjectLink(pub Arc<project_link::Model>);

/// A donor or partner project (often published in IATI) and the plan items it contributes to.
#[Object]
impl ProjectLink {
    /// Global ID.
    pub async fn id(&self) -> ID {
        node_id::encode(EntityType::ProjectLink, self.0.id)
    }

    /// The IATI activity identifier, when the project is published in IATI.
    async fn iati_identifier(&self) -> Option<&str> {
        self.0.iati_identifier.as_deref()
    }

    #[graphql(flatten)]
    async fn title_fields(&self) -> Title<'_> {
        Title::new(self.0.title_uk.as_deref(), self.0.title_en.as_deref())
    }

    /// The project's budget.
    async fn budget(&self) -> Option<Money> {
        Money::maybe(self.0.budget_amount_cents, self.0.budget_currency.as_deref())
    }

    /// The budget per currency, by currency code: the totals of an activity imported from IATI
    /// (which may budget in several currencies, when `budget` is empty), else `budget` alone.
    async fn budgets(&self, ctx: &Context<'_>) -> Result<Vec<Money>> {
        let rows = group(&loaders(ctx)?.budgets_by_project, self.0.id).await?;
        if rows.is_empty() {
            return Ok(
                Money::maybe(self.0.budget_amount_cents, self.0.budget_currency.as_deref())
                    .into_iter()
                    .collect(),
            );
        }
        Ok(rows
            .iter()
            .map(|b| Money::from_cents(b.amount_cents, &b.currency))
            .collect())
    }

    /// Planned or actual start.
    async fn start_date(&self) -> Option<Date> {
        date(self.0.start_date)
    }

    /// Planned or actual end.
    async fn end_date(&self) -> Option<Date> {
        date(self.0.end_date)
    }

    /// The project's public page.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }

    /// OECD gender-equality policy marker: 0 not targeted, 1 significant, 2 principal objective.
    async fn gender_marker(&self) -> Option<i16> {
        self.0.gender_marker
    }

    /// The gender marker as an IATI policy significance code with its label, e.g. `2`
    /// "principal objective".
    async fn gender_marker_significance(&self) -> Option<IatiCode> {
        self.0
            .gender_marker
            .map(|m| IatiCode::new(codelists::policy_significance(), &m.to_string()))
    }

    #[graphql(flatten)]
    async fn withdrawal_fields(&self) -> Withdrawal<'_> {
        Withdrawal::of(&*self.0)
    }

    /// OECD DAC purpose codes, e.g. `15170` (women's rights organisations).
    async fn dac_purposes(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        related_all(ctx, self.0.id, |l| &l.purposes_by_project, |p| p.code.clone()).await
    }

    /// OECD DAC purpose codes with their labels from IATI's `Sector` codelist.
    async fn dac_sectors(&self, ctx: &Context<'_>) -> Result<Vec<IatiCode>> {
        related_all(
            ctx,
            self.0.id,
            |l| &l.purposes_by_project,
            |p| IatiCode::new(codelists::sectors(), &p.code),
        )
        .await
    }

    /// Participating organisations with their IATI roles.
    async fn participants(&self, ctx: &Context<'_>) -> Result<ObjectList<ProjectParticipant>> {
        related_all(ctx, self.0.id, |l| &l.participants_by_project, ProjectParticipant).await
    }

    /// The regions the project works in, by code.
    async fn regions(&self, ctx: &Context<'_>) -> Result<ObjectList<Region>> {
        let loaders = loaders(ctx)?;
        let links = group(&loaders.regions_by_project, self.0.id).await?;
        let mut regions = many(&loaders.regions, links.iter().map(|l| l.region_id)).await?;
        regions.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(regions.into_iter().map(Region).collect())
    }

    /// The plan items the project contributes to, by code.
    async fn plan_items(&self, ctx: &Context<'_>) -> Result<ObjectList<PlanItem>> {
        let loaders = loaders(ctx)?;
        let links = group(&loaders.items_by_project, self.0.id).await?;
        let mut items = many(&loaders.plan_items, links.iter().map(|l| l.plan_item_id)).await?;
        items.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(items.into_iter().map(PlanItem).collect())
    }

    /// The organisation that maintains this link in the registry.
    async fn owner(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        Organisation::of(ctx, self.0.owner_organisation_id).await
    }

    /// This project link's permanent address, `<base>/id/project/<IATI identifier>` (the
    /// registry's id where there is no IATI identifier).
    async fn uri(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(ctx
            .data::<crate::linked_data::PublicUrl>()?
            .project(self.0.iati_identifier.as_deref(), self.0.id))
    }
}

/// A participant row.
pub struct ProjectParticipant(pub Arc<project_participant::Model>);

/// An organisation taking part in a project.
#[Object]
impl ProjectParticipant {
    /// Funding, accountable, extending or implementing (IATI roles 1 to 4).
    async fn role(&self) -> ParticipantRole {
        self.0.role.into()
    }

    /// The role as an IATI `OrganisationRole` code with its label, e.g. `1` "Funding".
    async fn role_code(&self) -> IatiCode {
        IatiCode::new(
            codelists::organisation_roles(),
            codelists::participant_role_code(self.0.role),
        )
    }

    /// The organisation.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        Organisation::of(ctx, self.0.organisation_id).await
    }
}

super::common::connection_type!(
    ProjectLinkConnection,
    ProjectLinkEdge,
    ProjectLink,
    "project links"
);

/// A page of the project links with keys `ids`, in key order, withdrawn links left out unless
/// `include_withdrawn`: the answer of every type's `projectLinks` relation.
pub async fn project_link_page(
    ctx: &Context<'_>,
    ids: Vec<uuid::Uuid>,
    include_withdrawn: bool,
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> Result<ProjectLinkConnection> {
    let mut projects = many(&loaders(ctx)?.project_links, ids).await?;
    projects.retain(|p| include_withdrawn || p.withdrawn_at.is_none());
    let request = page_request(first, after, last, before);
    Ok(connection_by_id(projects, |p| p.id, &request, ProjectLink)?)
}
