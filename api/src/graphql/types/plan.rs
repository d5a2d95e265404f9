//! `Plan`, its legal acts, and the acts themselves.

use crate::domain::entity_type::EntityType;
use crate::graphql::object_list::ObjectList;
use crate::read_model::table::Row;
use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};
use entity::{legal_act, plan, plan_legal_act};
use std::sync::Arc;

use super::{
    common::Date,
    coverage::RegionLocalization,
    enums::{LegalActKind, PlanActRole, PlanLevel, PlanStatus},
    organisation::Organisation,
    plan_item::{PlanItem, live_items},
    record::Withdrawal,
    region::Region,
};
use crate::graphql::{
    context::{db, in_force, loaders, related},
    language::bilingual_fields,
    loaders::{group, many},
    node_id,
};

/// A plan row, resolved as the GraphQL `Plan` type.
#[derive(Clone)]
pub struct Plan(pub Arc<plan::Model>);

/// A national, regional, departmental or local action plan for UN Security Council Resolution
/// 1325 "Women, Peace and Security".
#[Object]
impl Plan {
    /// Global ID, stable across restarts and re-seeding.
    pub async fn id(&self) -> ID {
        node_id::encode(EntityType::Plan, self.0.id)
    }

    /// The plan's stable code, e.g. `UA-NAP-2021-2025`. Plan item codes start with it.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// National, regional, departmental or local.
    async fn level(&self) -> PlanLevel {
        self.0.level.into()
    }

    /// Where the plan stands in its legal life; `WITHDRAWN` once the plan is withdrawn.
    async fn status(&self) -> PlanStatus {
        crate::domain::plans::effective_status(&self.0).into()
    }

    #[graphql(flatten)]
    async fn title_fields(&self) -> PlanTitle<'_> {
        PlanTitle::new(self.0.title_uk.as_deref(), self.0.title_en.as_deref())
    }

    /// First year of the plan's period.
    async fn start_year(&self) -> i32 {
        self.0.start_year
    }

    /// Last year of the plan's period.
    async fn end_year(&self) -> i32 {
        self.0.end_year
    }

    /// The document the registry's record of this plan is taken from.
    async fn source_document(&self) -> Option<&str> {
        self.0.source_document.as_deref()
    }

    #[graphql(flatten)]
    async fn withdrawal_fields(&self) -> Withdrawal<'_> {
        Withdrawal::of(&*self.0)
    }

    /// When the record was created in the registry.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When the record last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// The region of a regional plan.
    async fn region(&self, ctx: &Context<'_>) -> Result<Option<Region>> {
        related(ctx, self.0.region_id, |l| &l.regions, Region).await
    }

    /// The organisation that maintains the plan in the registry.
    async fn owner(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        Organisation::of(ctx, self.0.owner_organisation_id).await
    }

    /// The national plan this regional, departmental or local plan localizes.
    async fn parent_plan(&self, ctx: &Context<'_>) -> Result<Option<Plan>> {
        related(ctx, self.0.parent_plan_id, |l| &l.plans, Plan).await
    }

    /// The regional, departmental and local plans that localize this plan, by code; withdrawn
    /// plans are left out unless `includeWithdrawn` is true.
    async fn localizing_plans(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default,
            desc = "Also return withdrawn plans (left out by default). Default false."
        )]
        include_withdrawn: bool,
    ) -> Result<ObjectList<Plan>> {
        let plans = group(&loaders(ctx)?.plans_by_parent, self.0.id).await?;
        Ok(in_force(plans, include_withdrawn, Plan))
    }

    /// The plan this one replaces.
    async fn supersedes(&self, ctx: &Context<'_>) -> Result<Option<Plan>> {
        related(ctx, self.0.supersedes_id, |l| &l.plans, Plan).await
    }

    /// The plans that replace this one (drafts included), by code; withdrawn plans are left out
    /// unless `includeWithdrawn` is true.
    async fn superseded_by(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default,
            desc = "Also return withdrawn plans (left out by default). Default false."
        )]
        include_withdrawn: bool,
    ) -> Result<ObjectList<Plan>> {
        let plans = group(&loaders(ctx)?.plans_by_superseded, self.0.id).await?;
        Ok(in_force(plans, include_withdrawn, Plan))
    }

    /// The legal acts that approve, amend or repeal the plan, by date.
    async fn legal_acts(&self, ctx: &Context<'_>) -> Result<ObjectList<PlanLegalAct>> {
        let loaders = loaders(ctx)?;
        let links = group(&loaders.plan_acts_by_plan, self.0.id).await?;
        let acts = many(&loaders.legal_acts, links.iter().map(|l| l.legal_act_id)).await?;
        let mut result: Vec<PlanLegalAct> = links
            .into_iter()
            .filter_map(|link| {
                let act = acts.iter().find(|a| a.id == link.legal_act_id)?.clone();
                Some(PlanLegalAct { link, act })
            })
            .collect();
        result.sort_by(|a, b| {
            a.act
                .adopted_on
                .cmp(&b.act.adopted_on)
                .then(a.act.number.cmp(&b.act.number))
        });
        Ok(result.into())
    }

    /// The plan's strategic goals, by number: the top of its tree. Follow `children` for the rest.
    /// Withdrawn goals (and, in a withdrawn plan, every goal) are left out unless
    /// `includeWithdrawn` is true.
    async fn goals(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default,
            desc = "Also return withdrawn goals (left out by default). Default false."
        )]
        include_withdrawn: bool,
    ) -> Result<ObjectList<PlanItem>> {
        let goals = group(&loaders(ctx)?.goals_by_plan, self.0.id).await?;
        live_items(ctx, goals, include_withdrawn).await
    }

    /// For a national plan: every region with its regional plan (or none), whether that plan is
    /// adopted or a draft, its approving act, how many of this plan's items it implements, and its
    /// `coverageStatus` with the re-alignment deadline (the rule is on `CoverageStatus`; the same
    /// figures as the `coverage` export and the `/coverage/<plan code>` page). Withdrawn regional
    /// plans and withdrawn items count for nothing (and a withdrawn national plan is localized by
    /// no region). Empty for other levels.
    async fn localization_coverage(&self, ctx: &Context<'_>) -> Result<ObjectList<RegionLocalization>> {
        Ok(crate::domain::coverage::plan_coverage(db(ctx)?, &self.0)
            .await?
            .into_iter()
            .map(RegionLocalization)
            .collect())
    }

    /// This plan's permanent address, e.g. `<base>/id/plan/UA-NAP-2021-2025`: a page for people,
    /// JSON-LD (SKOS) for machines.
    async fn uri(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(ctx.data::<crate::linked_data::PublicUrl>()?.plan(&self.0.code))
    }

    /// The address of this plan as an IATI codelist, to write as the `vocabulary-uri` of an IATI
    /// `<tag vocabulary="99">` whose `code` is an item number, e.g. `<base>/vocabulary/UA-NAP-2021-2025`.
    async fn vocabulary_uri(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(ctx
            .data::<crate::linked_data::PublicUrl>()?
            .vocabulary(&self.0.code))
    }
}

bilingual_fields! {
    /// `Plan.title` and `Plan.titles`.
    PlanTitle {
        /// The plan's title in `lang` (default: the request's `Accept-Language`, else Ukrainian),
        /// falling back to the other language; null only where no title is known in either.
        title,
        /// The title in both languages, each null where the official wording is not known.
        titles,
    }
}

/// A legal act's relation to a plan.
pub struct PlanLegalAct {
    link: Row<plan_legal_act::Entity>,
    act: Row<legal_act::Entity>,
}

/// What a legal act does to a plan.
#[Object]
impl PlanLegalAct {
    /// Approves, amends or repeals.
    async fn role(&self) -> PlanActRole {
        self.link.role.into()
    }

    /// The act.
    async fn act(&self) -> LegalAct {
        LegalAct::from(self.act.clone())
    }
}

bilingual_fields! {
    /// `LegalAct.title` and `LegalAct.titles`.
    LegalActTitle {
        /// The act's title in `lang`, falling back to the other language.
        title,
        /// The title in both languages.
        titles,
    }
}

/// A legal act row, resolved as `LegalAct`.
pub struct LegalAct(pub Arc<legal_act::Model>);

/// A legal act such as the Cabinet of Ministers order that approves a plan.
#[Object]
impl LegalAct {
    /// Global ID.
    pub async fn id(&self) -> ID {
        node_id::encode(EntityType::LegalAct, self.0.id)
    }

    /// Order, resolution, decree, law, decision or other.
    async fn kind(&self) -> LegalActKind {
        self.0.kind.into()
    }

    /// The act's number as cited, e.g. `1544-r`.
    async fn number(&self) -> &str {
        &self.0.number
    }

    /// The act's date.
    async fn adopted_on(&self) -> Date {
        Date(self.0.adopted_on)
    }

    #[graphql(flatten)]
    async fn title_fields(&self) -> LegalActTitle<'_> {
        LegalActTitle::new(self.0.title_uk.as_deref(), self.0.title_en.as_deref())
    }

    /// Where the official text is published.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }

    /// The body that issued the act.
    async fn issuer(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        Organisation::of(ctx, self.0.issuer_id).await
    }

    /// The act this one amends.
    async fn amends(&self, ctx: &Context<'_>) -> Result<Option<LegalAct>> {
        related(ctx, self.0.amends_id, |l| &l.legal_acts, LegalAct).await
    }
}

super::common::connection_type!(PlanConnection, PlanEdge, Plan, "plans");
