//! `PlanItem` (strategic goal, operational goal, task or activity) with its funding lines and
//! responsibilities.

use crate::domain::entity_type::EntityType;
use crate::graphql::object_list::ObjectList;
use crate::read_model::table::Row;
use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};
use entity::{funding_line, plan_item, responsibility};
use std::sync::Arc;

use super::{
    common::Money,
    coverage::ItemLocalization,
    enums::{FundingSource, PlanItemKind, PlanItemStatus, ResponsibilityRole},
    indicator::Indicator,
    organisation::Organisation,
    plan::Plan,
    project_link::{ProjectLinkConnection, project_link_page},
    region::Region,
    target_group::TargetGroup,
};
use crate::{
    domain::{coverage::LocalizationStatus, plan_items::is_live},
    graphql::{
        context::{in_force, loaders, related, related_all},
        language::bilingual_fields,
        loaders::{group, many, one, unique},
        node_id,
    },
};

bilingual_fields! {
    /// `PlanItem.title` and `PlanItem.titles`.
    PlanItemTitle {
        /// The title in `lang` (default: the request's `Accept-Language`, else Ukrainian), falling
        /// back to the other language.
        title,
        /// The title in both languages.
        titles,
    }
}

bilingual_fields! {
    /// `PlanItem.description` and `PlanItem.descriptions`.
    PlanItemDescription {
        /// The description in `lang`, falling back to the other language.
        description,
        /// The description in both languages.
        descriptions,
    }
}

/// A plan item row, resolved as `PlanItem`.
#[derive(Clone)]
pub struct PlanItem(pub Arc<plan_item::Model>);

/// A strategic goal, operational goal, task or activity (measure) of a plan, cited by its
/// canonical code, e.g. `UA-NAP-2021-2025/3.1.12`.
#[Object]
impl PlanItem {
    /// Global ID, stable across restarts and re-seeding.
    pub async fn id(&self) -> ID {
        node_id::encode(EntityType::PlanItem, self.0.id)
    }

    /// Canonical code: the plan code, `/`, and the number. Never changes meaning; a withdrawn
    /// item's code is never reused.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Position in the plan, e.g. `3.1.12` (strategic goal 3, operational goal 1, task 12).
    async fn number(&self) -> &str {
        &self.0.number
    }

    /// Strategic goal, operational goal, task or activity.
    async fn kind(&self) -> PlanItemKind {
        self.0.kind.into()
    }

    /// `ACTIVE` while in force; `WITHDRAWN` once the item, or the plan it belongs to, is withdrawn.
    async fn status(&self, ctx: &Context<'_>) -> Result<PlanItemStatus> {
        let plan = one(&loaders(ctx)?.plans, self.0.plan_id).await?;
        Ok(if is_live(&self.0, plan.as_deref()) {
            PlanItemStatus::Active
        } else {
            PlanItemStatus::Withdrawn
        })
    }

    #[graphql(flatten)]
    async fn title_fields(&self) -> PlanItemTitle<'_> {
        PlanItemTitle::new(self.0.title_uk.as_deref(), self.0.title_en.as_deref())
    }

    #[graphql(flatten)]
    async fn description_fields(&self) -> PlanItemDescription<'_> {
        PlanItemDescription::new(self.0.description_uk.as_deref(), self.0.description_en.as_deref())
    }

    /// Why the item was withdrawn; for an item of a withdrawn plan not withdrawn itself, why the
    /// plan was.
    async fn withdrawal_reason(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        if self.0.withdrawal_reason.is_some() {
            return Ok(self.0.withdrawal_reason.clone());
        }
        let plan = one(&loaders(ctx)?.plans, self.0.plan_id).await?;
        Ok(plan.and_then(|p| p.withdrawal_reason.clone()))
    }

    /// When the item was withdrawn; for an item of a withdrawn plan not withdrawn itself, when the
    /// plan was.
    async fn withdrawn_at(&self, ctx: &Context<'_>) -> Result<Option<DateTime<Utc>>> {
        if self.0.withdrawn_at.is_some() {
            return Ok(self.0.withdrawn_at);
        }
        let plan = one(&loaders(ctx)?.plans, self.0.plan_id).await?;
        Ok(plan.and_then(|p| p.withdrawn_at))
    }

    /// First year of the item's time frame.
    async fn start_year(&self) -> Option<i32> {
        self.0.start_year
    }

    /// Last year of the item's time frame.
    async fn end_year(&self) -> Option<i32> {
        self.0.end_year
    }

    /// Version of the record; grows by one with every change.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// When the record was created in the registry.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When the record last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// The plan the item belongs to.
    async fn plan(&self, ctx: &Context<'_>) -> Result<Option<Plan>> {
        related(ctx, self.0.plan_id, |l| &l.plans, Plan).await
    }

    /// The item one level up; null for a strategic goal.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<PlanItem>> {
        related(ctx, self.0.parent_id, |l| &l.plan_items, PlanItem).await
    }

    /// The items one level down, by number; withdrawn items (and, in a withdrawn plan, every item)
    /// are left out unless `includeWithdrawn` is true.
    async fn children(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default,
            desc = "Also return withdrawn items (left out by default). Default false."
        )]
        include_withdrawn: bool,
    ) -> Result<ObjectList<PlanItem>> {
        let children = group(&loaders(ctx)?.items_by_parent, self.0.id).await?;
        live_items(ctx, children, include_withdrawn).await
    }

    /// The path from the strategic goal down to this item's parent (empty for a strategic goal).
    async fn ancestors(&self, ctx: &Context<'_>) -> Result<ObjectList<PlanItem>> {
        let loaders = loaders(ctx)?;
        let mut path = Vec::new();
        let mut next = self.0.parent_id;
        // Numbers have at most four levels, so this follows at most three parents.
        while let Some(id) = next {
            let Some(parent) = one(&loaders.plan_items, id).await? else {
                break;
            };
            next = parent.parent_id;
            path.push(PlanItem(parent));
            if path.len() > 4 {
                break;
            }
        }
        path.reverse();
        Ok(path.into())
    }

    /// The indicators that measure the item, by code; withdrawn indicators are left out unless
    /// `includeWithdrawn` is true.
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default,
            desc = "Also return withdrawn indicators (left out by default). Default false."
        )]
        include_withdrawn: bool,
    ) -> Result<ObjectList<Indicator>> {
        let indicators = group(&loaders(ctx)?.indicators_by_item, self.0.id).await?;
        Ok(in_force(indicators, include_withdrawn, Indicator))
    }

    /// The target groups the item serves, in the order of their vocabulary; withdrawn groups are
    /// left out unless `includeWithdrawn` is true.
    async fn target_groups(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default,
            desc = "Also return withdrawn groups (left out by default). Default false."
        )]
        include_withdrawn: bool,
    ) -> Result<ObjectList<TargetGroup>> {
        let loaders = loaders(ctx)?;
        let links = group(&loaders.target_group_links_by_item, self.0.id).await?;
        let mut groups = many(&loaders.target_groups, links.iter().map(|l| l.target_group_id)).await?;
        groups.retain(|g| include_withdrawn || g.status == entity::enums::VocabularyStatus::Active);
        groups.sort_by(|a, b| a.position.cmp(&b.position).then(a.code.cmp(&b.code)));
        Ok(groups.into_iter().map(TargetGroup).collect())
    }

    /// Who carries the item out, and in what role.
    async fn responsibilities(&self, ctx: &Context<'_>) -> Result<ObjectList<Responsibility>> {
        related_all(ctx, self.0.id, |l| &l.responsibilities_by_item, Responsibility).await
    }

    /// The item's sources of financing with their estimated amounts.
    async fn funding(&self, ctx: &Context<'_>) -> Result<ObjectList<FundingLine>> {
        related_all(ctx, self.0.id, |l| &l.funding_by_item, FundingLine).await
    }

    /// The items this item implements, by code: national items for a regional or departmental
    /// item; national items or items of its region's regional plan for a local (community) item.
    /// Withdrawn items and items of withdrawn plans are left out unless `includeWithdrawn` is true.
    async fn implements(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default,
            desc = "Also return withdrawn items (left out by default). Default false."
        )]
        include_withdrawn: bool,
    ) -> Result<ObjectList<PlanItem>> {
        let links = group(&loaders(ctx)?.implemented_by_item, self.0.id).await?;
        let ids = links.iter().map(|l| l.implemented_item_id);
        live_items_by_code(ctx, ids, include_withdrawn).await
    }

    /// The items that implement this item, by code: items of regional, departmental and local plans
    /// for a national item; items of the region's local (community) plans for a regional item.
    /// Withdrawn items and items of withdrawn plans are left out unless `includeWithdrawn` is true.
    async fn localizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default,
            desc = "Also return withdrawn items (left out by default). Default false."
        )]
        include_withdrawn: bool,
    ) -> Result<ObjectList<PlanItem>> {
        let links = group(&loaders(ctx)?.localizations_by_item, self.0.id).await?;
        let ids = links.iter().map(|l| l.implementing_item_id);
        live_items_by_code(ctx, ids, include_withdrawn).await
    }

    /// Which regions' plans implement this item, which only in a draft, and which do not
    /// (meaningful for national items). Withdrawn plans, withdrawn items and the items of withdrawn
    /// plans are left out.
    async fn localization_coverage(&self, ctx: &Context<'_>) -> Result<ItemLocalization> {
        let loaders = loaders(ctx)?;
        let links = group(&loaders.localizations_by_item, self.0.id).await?;
        let items = many(
            &loaders.plan_items,
            unique(links.iter().map(|l| l.implementing_item_id)),
        )
        .await?;
        let plans = many(&loaders.plans, unique(items.iter().map(|i| i.plan_id))).await?;
        let mut adopted = Vec::new();
        let mut drafted = Vec::new();
        for item in &items {
            let Some(plan) = plans.iter().find(|p| p.id == item.plan_id) else {
                continue;
            };
            let Some(region) = plan.region_id.filter(|_| is_live(item, Some(plan))) else {
                continue;
            };
            match LocalizationStatus::of(plan) {
                LocalizationStatus::Draft => drafted.push(region),
                _ => adopted.push(region),
            }
        }
        let regions = loaders.all_regions.all().await?;
        let mut coverage = ItemLocalization {
            implementing_regions: Vec::new(),
            drafting_regions: Vec::new(),
            not_implementing_regions: Vec::new(),
        };
        for region in regions {
            let list = if adopted.contains(&region.id) {
                &mut coverage.implementing_regions
            } else if drafted.contains(&region.id) {
                &mut coverage.drafting_regions
            } else {
                &mut coverage.not_implementing_regions
            };
            list.push(Region(region));
        }
        Ok(coverage)
    }

    /// Donor and partner projects linked to this item; withdrawn links are left out unless
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
        let links = group(&loaders(ctx)?.projects_by_item, self.0.id).await?;
        let ids = unique(links.iter().map(|l| l.project_link_id));
        project_link_page(ctx, ids, include_withdrawn, first, after, last, before).await
    }

    /// This item's permanent address, e.g. `<base>/id/item/UA-NAP-2021-2025/3.1.12`.
    async fn uri(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(ctx
            .data::<crate::linked_data::PublicUrl>()?
            .plan_item(&self.0.code))
    }
}

/// `items` without the withdrawn ones and those of withdrawn plans, unless `include_withdrawn`:
/// what every relation listing plan items answers (their plans load in one batch).
pub async fn live_only(
    ctx: &Context<'_>,
    mut items: Vec<Row<plan_item::Entity>>,
    include_withdrawn: bool,
) -> Result<Vec<Row<plan_item::Entity>>> {
    if include_withdrawn {
        return Ok(items);
    }
    // Items listed together are nearly always of one plan: a short list beats a map.
    let plans = many(&loaders(ctx)?.plans, unique(items.iter().map(|i| i.plan_id))).await?;
    items.retain(|item| {
        is_live(
            item,
            plans.iter().find(|p| p.id == item.plan_id).map(AsRef::as_ref),
        )
    });
    Ok(items)
}

/// `items` as `PlanItem`s, without the withdrawn ones and those of withdrawn plans unless
/// `include_withdrawn`: what every relation listing plan items in a stored order answers.
pub async fn live_items(
    ctx: &Context<'_>,
    items: Vec<Row<plan_item::Entity>>,
    include_withdrawn: bool,
) -> Result<ObjectList<PlanItem>> {
    Ok(live_only(ctx, items, include_withdrawn)
        .await?
        .into_iter()
        .map(PlanItem::from)
        .collect())
}

/// The plan items with ids `ids`, by code, as `live_items` leaves them: the answer of the
/// `implements` links in either direction.
async fn live_items_by_code(
    ctx: &Context<'_>,
    ids: impl IntoIterator<Item = uuid::Uuid>,
    include_withdrawn: bool,
) -> Result<ObjectList<PlanItem>> {
    let mut items = many(&loaders(ctx)?.plan_items, ids).await?;
    items.sort_by(|a, b| a.code.cmp(&b.code));
    live_items(ctx, items, include_withdrawn).await
}

/// A funding line row.
pub struct FundingLine(pub Arc<funding_line::Model>);

/// A source of financing of a plan item with its estimated amount.
#[Object]
impl FundingLine {
    /// State budget, local budget, international assistance or other.
    async fn source(&self) -> FundingSource {
        self.0.source.into()
    }

    /// The estimated amount; null when the plan gives none.
    async fn estimated_amount(&self) -> Option<Money> {
        Money::maybe(self.0.estimated_amount_cents, self.0.currency.as_deref())
    }

    /// As the plan states it, e.g. "within budget allocations".
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
}

/// A responsibility row.
#[derive(Clone)]
pub struct Responsibility(pub Arc<responsibility::Model>);

/// An organisation's role in carrying out a plan item.
#[Object]
impl Responsibility {
    /// Responsible executor, co-executor, by consent or coordinator.
    async fn role(&self) -> ResponsibilityRole {
        self.0.role.into()
    }

    /// The organisation.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        Organisation::of(ctx, self.0.organisation_id).await
    }

    /// The plan item.
    async fn plan_item(&self, ctx: &Context<'_>) -> Result<Option<PlanItem>> {
        related(ctx, self.0.plan_item_id, |l| &l.plan_items, PlanItem).await
    }
}

super::common::connection_type!(PlanItemConnection, PlanItemEdge, PlanItem, "plan items");

super::common::connection_type!(
    ResponsibilityConnection,
    ResponsibilityEdge,
    Responsibility,
    "responsibilities"
);
