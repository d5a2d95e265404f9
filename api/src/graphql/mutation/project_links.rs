//! Project links (by the organisations that own them).

use crate::domain::entity_type::EntityType;
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};

use super::{in_write, payload};
use crate::{
    domain::{
        bilingual::Bilingual,
        write::project_links::{self, BudgetInput, ProjectLinkFields},
    },
    graphql::{
        context::{patch, patch_texts},
        node_id::decode_as,
        types::{common::Date, enums::ParticipantRole, project_link::ProjectLink},
    },
};

/// An amount in a currency.
#[derive(InputObject, Clone)]
pub struct MoneyInput {
    /// Non-negative decimal amount with at most two fraction digits, e.g. `1250.50`.
    pub amount: String,
    /// ISO 4217 currency code, e.g. `EUR`.
    pub currency: String,
}

/// An organisation taking part in a project.
#[derive(InputObject, Clone)]
pub struct ParticipantInput {
    /// Registry code or identifier of the organisation.
    pub organisation: String,
    /// Its IATI role.
    pub role: ParticipantRole,
}

/// A new project link, owned by the token's organisation (administrators may name an owner).
#[derive(InputObject)]
pub struct CreateProjectLinkInput {
    /// Ukrainian title (a title in at least one language is required).
    pub title_uk: Option<String>,
    /// English title.
    pub title_en: Option<String>,
    /// IATI activity identifier; unique in the registry.
    pub iati_identifier: Option<String>,
    /// Budget.
    pub budget: Option<MoneyInput>,
    /// Start date.
    pub start_date: Option<Date>,
    /// End date (not before the start).
    pub end_date: Option<Date>,
    /// Public page (http or https).
    pub url: Option<String>,
    /// OECD gender-equality policy marker: 0, 1 or 2.
    pub gender_marker: Option<i32>,
    /// OECD DAC purpose codes, e.g. `15170`.
    #[graphql(default)]
    pub dac_purposes: Vec<String>,
    /// Participating organisations with their roles.
    #[graphql(default)]
    pub participants: Vec<ParticipantInput>,
    /// ISO 3166-2 codes of the regions it works in.
    #[graphql(default)]
    pub regions: Vec<String>,
    /// Canonical codes of the plan items it contributes to.
    #[graphql(default)]
    pub plan_items: Vec<String>,
    /// Owning organisation's code or identifier (administrators only); the token's organisation when left out.
    pub owner: Option<String>,
}

/// Changes to a project link, based on the version last read. Lists given replace the old ones.
#[derive(InputObject)]
pub struct UpdateProjectLinkInput {
    /// The link's global ID.
    pub id: ID,
    /// The `version` you last read.
    pub version: i32,
    /// Ukrainian title.
    pub title_uk: MaybeUndefined<String>,
    /// English title.
    pub title_en: MaybeUndefined<String>,
    /// IATI activity identifier.
    pub iati_identifier: MaybeUndefined<String>,
    /// Budget.
    pub budget: MaybeUndefined<MoneyInput>,
    /// Start date.
    pub start_date: MaybeUndefined<Date>,
    /// End date.
    pub end_date: MaybeUndefined<Date>,
    /// Public page.
    pub url: MaybeUndefined<String>,
    /// OECD gender-equality policy marker.
    pub gender_marker: MaybeUndefined<i32>,
    /// OECD DAC purpose codes (replace the list).
    pub dac_purposes: Option<Vec<String>>,
    /// Participants (replace the list).
    pub participants: Option<Vec<ParticipantInput>>,
    /// Region codes (replace the list).
    pub regions: Option<Vec<String>>,
}

/// Withdraws a project link, based on the version last read.
#[derive(InputObject)]
pub struct WithdrawProjectLinkInput {
    /// The link's global ID.
    pub id: ID,
    /// The `version` you last read.
    pub version: i32,
    /// Why it is withdrawn.
    pub reason: String,
}

payload! {
    /// The result of a project link mutation.
    ProjectLinkPayload {
        /// The link as it is now.
        project_link: ProjectLink,
    }
}

fn participants(list: Vec<ParticipantInput>) -> Vec<(String, entity::enums::ParticipantRole)> {
    list.into_iter()
        .map(|p| (p.organisation, p.role.into()))
        .collect()
}

fn budget(money: MoneyInput) -> BudgetInput {
    BudgetInput {
        amount: money.amount,
        currency: money.currency,
    }
}

#[derive(Default)]
pub struct ProjectLinkMutation;

#[Object]
impl ProjectLinkMutation {
    /// Creates a project link.
    async fn create_project_link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new link.")] input: CreateProjectLinkInput,
    ) -> Result<ProjectLinkPayload> {
        let fields = ProjectLinkFields {
            title: Bilingual::new(input.title_uk, input.title_en).into(),
            iati_identifier: Some(input.iati_identifier),
            budget: Some(input.budget.map(budget)),
            start_date: Some(input.start_date.map(|d| d.0)),
            end_date: Some(input.end_date.map(|d| d.0)),
            url: Some(input.url),
            gender_marker: Some(input.gender_marker),
            dac_purposes: Some(input.dac_purposes),
            participants: Some(participants(input.participants)),
            regions: Some(input.regions),
        };
        let owner = input.owner;
        let items = input.plan_items;
        Ok(in_write!(ctx, |write| project_links::create_project_link(
            &mut write,
            owner.as_deref(),
            fields,
            &items
        ))
        .into())
    }

    /// Changes a project link.
    async fn update_project_link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: UpdateProjectLinkInput,
    ) -> Result<ProjectLinkPayload> {
        let id = decode_as("input.id", &input.id, EntityType::ProjectLink)?;
        let fields = ProjectLinkFields {
            title: patch_texts(input.title_uk, input.title_en),
            iati_identifier: patch(input.iati_identifier),
            budget: patch(input.budget).map(|b| b.map(budget)),
            start_date: patch(input.start_date).map(|d| d.map(|d| d.0)),
            end_date: patch(input.end_date).map(|d| d.map(|d| d.0)),
            url: patch(input.url),
            gender_marker: patch(input.gender_marker),
            dac_purposes: input.dac_purposes,
            participants: input.participants.map(participants),
            regions: input.regions,
        };
        Ok(in_write!(ctx, |write| project_links::update_project_link(
            &mut write,
            id,
            input.version,
            fields
        ))
        .into())
    }

    /// Withdraws a project link with a reason.
    async fn withdraw_project_link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which link and why.")] input: WithdrawProjectLinkInput,
    ) -> Result<ProjectLinkPayload> {
        let id = decode_as("input.id", &input.id, EntityType::ProjectLink)?;
        Ok(in_write!(ctx, |write| project_links::withdraw_project_link(
            &mut write,
            id,
            input.version,
            &input.reason
        ))
        .into())
    }
}
