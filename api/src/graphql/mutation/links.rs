//! Linking and unlinking: target groups, responsibilities and `implements` links of plan items,
//! and the plan items of project links.

use crate::domain::entity_type::EntityType;
use async_graphql::{Context, ID, InputObject, Object, Result};

use super::{in_write, plan_items::PlanItemPayload, project_links::ProjectLinkPayload};
use crate::{
    domain::write::links::{self, LinkChange},
    graphql::{node_id::decode_as, types::enums::ResponsibilityRole},
};

/// A plan item and a target group.
#[derive(InputObject)]
pub struct PlanItemTargetGroupInput {
    /// Canonical code of the item.
    pub plan_item: String,
    /// Code of the target group.
    pub target_group: String,
}

/// A plan item, an organisation and its role.
#[derive(InputObject)]
pub struct ResponsibilityInput {
    /// Canonical code of the item.
    pub plan_item: String,
    /// Registry code or identifier of the organisation.
    pub organisation: String,
    /// Its role.
    pub role: ResponsibilityRole,
}

/// An item and the item it implements: a regional, departmental or local item and a national
/// item, or a local (community) item and an item of its region's regional plan.
#[derive(InputObject)]
pub struct ImplementationInput {
    /// Canonical code of the localizing item.
    pub plan_item: String,
    /// Canonical code of the item it implements: an item of the national plan the localizing
    /// item's plan localizes, or (for a local plan's item) an item of the regional plan of the
    /// local plan's region. Another level or another region is refused (`BAD_USER_INPUT` on
    /// `input.implements`); since each link goes down a level, links never form a cycle.
    pub implements: String,
}

/// A project link and a plan item.
#[derive(InputObject)]
pub struct ProjectPlanItemInput {
    /// The project link's global ID.
    pub project_link: ID,
    /// Canonical code of the plan item.
    pub plan_item: String,
}

#[derive(Default)]
pub struct LinkMutation;

#[Object]
impl LinkMutation {
    /// Links a target group to a plan item.
    async fn link_target_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The item and the group.")] input: PlanItemTargetGroupInput,
    ) -> Result<PlanItemPayload> {
        change_item_link(ctx, ItemLink::TargetGroup(input), LinkChange::Link).await
    }

    /// Removes a target group from a plan item.
    async fn unlink_target_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The item and the group.")] input: PlanItemTargetGroupInput,
    ) -> Result<PlanItemPayload> {
        change_item_link(ctx, ItemLink::TargetGroup(input), LinkChange::Unlink).await
    }

    /// Makes an organisation responsible for a plan item in a role.
    async fn add_responsibility(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The item, organisation and role.")] input: ResponsibilityInput,
    ) -> Result<PlanItemPayload> {
        change_item_link(ctx, ItemLink::Responsibility(input), LinkChange::Link).await
    }

    /// Removes an organisation's role for a plan item.
    async fn remove_responsibility(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The item, organisation and role.")] input: ResponsibilityInput,
    ) -> Result<PlanItemPayload> {
        change_item_link(ctx, ItemLink::Responsibility(input), LinkChange::Unlink).await
    }

    /// Records that a regional, departmental or local item implements a national item, or that a
    /// local (community) item implements an item of its region's regional plan.
    async fn link_implementation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The localizing item and the item it implements.")] input: ImplementationInput,
    ) -> Result<PlanItemPayload> {
        change_item_link(ctx, ItemLink::Implementation(input), LinkChange::Link).await
    }

    /// Removes an `implements` link.
    async fn unlink_implementation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The localizing item and the item it implements.")] input: ImplementationInput,
    ) -> Result<PlanItemPayload> {
        change_item_link(ctx, ItemLink::Implementation(input), LinkChange::Unlink).await
    }

    /// Links a project to a plan item it contributes to.
    async fn link_project_plan_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project link and the item.")] input: ProjectPlanItemInput,
    ) -> Result<ProjectLinkPayload> {
        change_project_plan_item(ctx, input, LinkChange::Link).await
    }

    /// Removes a project's link to a plan item.
    async fn unlink_project_plan_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project link and the item.")] input: ProjectPlanItemInput,
    ) -> Result<ProjectLinkPayload> {
        change_project_plan_item(ctx, input, LinkChange::Unlink).await
    }
}

/// A link of a plan item, as a link or unlink mutation's input names it.
enum ItemLink {
    TargetGroup(PlanItemTargetGroupInput),
    Responsibility(ResponsibilityInput),
    Implementation(ImplementationInput),
}

/// Adds or removes `link` in one write: the pair of mutations of each kind of plan item link.
async fn change_item_link(ctx: &Context<'_>, link: ItemLink, change: LinkChange) -> Result<PlanItemPayload> {
    Ok(in_write!(ctx, |write| async {
        match &link {
            ItemLink::TargetGroup(input) => {
                links::target_group(&mut write, &input.plan_item, &input.target_group, change).await
            }
            ItemLink::Responsibility(input) => {
                let role = input.role.into();
                links::responsibility(&mut write, &input.plan_item, &input.organisation, role, change).await
            }
            ItemLink::Implementation(input) => {
                links::implementation(&mut write, &input.plan_item, &input.implements, change).await
            }
        }
    })
    .into())
}

/// Adds or removes a project link's plan item in one write.
async fn change_project_plan_item(
    ctx: &Context<'_>,
    input: ProjectPlanItemInput,
    change: LinkChange,
) -> Result<ProjectLinkPayload> {
    let project = decode_as("input.projectLink", &input.project_link, EntityType::ProjectLink)?;
    Ok(in_write!(ctx, |write| links::project_item(
        &mut write,
        project,
        &input.plan_item,
        change
    ))
    .into())
}
