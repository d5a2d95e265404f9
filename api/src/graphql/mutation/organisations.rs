//! Organisations (registry administrators only).

use crate::domain::entity_type::EntityType;
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};

use super::{in_write, payload};
use crate::{
    domain::{
        bilingual::Bilingual,
        write::organisations::{self, NewOrganisation, OrganisationChanges},
    },
    graphql::{
        context::{patch, patch_texts},
        node_id::decode_as,
        types::{common::Date, enums::OrganisationKind, organisation::Organisation},
    },
};

/// A new organisation.
#[derive(InputObject)]
pub struct CreateOrganisationInput {
    /// Registry code: 2 to 64 letters, digits and inner hyphens, e.g. `ua-womens-fund`.
    pub code: String,
    /// Kind of body.
    pub kind: OrganisationKind,
    /// Ukrainian name (a name in at least one language is required).
    pub name_uk: Option<String>,
    /// English name.
    pub name_en: Option<String>,
    /// Org-id identifiers, e.g. `UA-EDR-12345678`; each unique in the registry.
    #[graphql(default)]
    pub identifiers: Vec<String>,
    /// ISO 3166-2 code of the region it serves.
    pub region: Option<String>,
}

/// Changes to an organisation, based on the version last read. A new name closes the current one
/// in the name history.
#[derive(InputObject)]
pub struct UpdateOrganisationInput {
    /// The organisation's global ID.
    pub id: ID,
    /// The `version` you last read.
    pub version: i32,
    /// Kind of body.
    pub kind: Option<OrganisationKind>,
    /// Ukrainian name.
    pub name_uk: MaybeUndefined<String>,
    /// English name.
    pub name_en: MaybeUndefined<String>,
    /// ISO 3166-2 code of the region it serves.
    pub region: MaybeUndefined<String>,
    /// Identifiers to add.
    #[graphql(default)]
    pub add_identifiers: Vec<String>,
    /// The day the new name took effect (the decree's date, not the day of this write); today when
    /// left out. Only with a new name; not in the future, and not before the day the current name
    /// took effect. The current name's `validUntil` becomes this day.
    pub name_effective_on: Option<Date>,
}

/// Withdraws an organisation that ceased or was reorganised.
#[derive(InputObject)]
pub struct WithdrawOrganisationInput {
    /// The organisation's global ID.
    pub id: ID,
    /// The `version` you last read.
    pub version: i32,
    /// What happened to it.
    pub reason: String,
    /// Code or identifier of the organisation that took over its functions.
    pub successor: Option<String>,
}

payload! {
    /// The result of an organisation mutation.
    OrganisationPayload {
        /// The organisation as it is now.
        organisation: Organisation,
    }
}

#[derive(Default)]
pub struct OrganisationMutation;

#[Object]
impl OrganisationMutation {
    /// Creates an organisation.
    async fn create_organisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new organisation.")] input: CreateOrganisationInput,
    ) -> Result<OrganisationPayload> {
        let new = NewOrganisation {
            code: input.code,
            kind: input.kind.into(),
            name: Bilingual::new(input.name_uk, input.name_en),
            identifiers: input.identifiers,
            region: input.region,
        };
        Ok(in_write!(ctx, |write| organisations::create_organisation(&mut write, new)).into())
    }

    /// Changes an organisation.
    async fn update_organisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: UpdateOrganisationInput,
    ) -> Result<OrganisationPayload> {
        let id = decode_as("input.id", &input.id, EntityType::Organisation)?;
        let changes = OrganisationChanges {
            kind: input.kind.map(Into::into),
            name: patch_texts(input.name_uk, input.name_en),
            region: patch(input.region),
            add_identifiers: input.add_identifiers,
            name_effective_on: input.name_effective_on.map(|d| d.0),
        };
        Ok(in_write!(ctx, |write| organisations::update_organisation(
            &mut write,
            id,
            input.version,
            changes
        ))
        .into())
    }

    /// Withdraws an organisation, optionally linking its successor.
    async fn withdraw_organisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which organisation and why.")] input: WithdrawOrganisationInput,
    ) -> Result<OrganisationPayload> {
        let id = decode_as("input.id", &input.id, EntityType::Organisation)?;
        Ok(in_write!(ctx, |write| organisations::withdraw_organisation(
            &mut write,
            id,
            input.version,
            &input.reason,
            input.successor.as_deref()
        ))
        .into())
    }
}
