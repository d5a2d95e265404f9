//! `Indicator` and its values.

use crate::domain::entity_type::EntityType;
use crate::graphql::object_list::ObjectList;
use async_graphql::{Context, ID, Object, Result};
use entity::{indicator, indicator_value};
use std::sync::Arc;

use super::{
    enums::{IndicatorDirection, IndicatorValueKind, Sex},
    organisation::Organisation,
    plan_item::PlanItem,
    record::{IndicatorValueWithdrawal, IndicatorWithdrawal},
    region::Region,
};
use crate::graphql::{
    context::{in_force, loaders, related},
    language::Name,
    loaders::{group, one},
    node_id,
};

/// An indicator row, resolved as `Indicator`.
#[derive(Clone)]
pub struct Indicator(pub Arc<indicator::Model>);

/// A measure of progress of a goal or task, with baseline, target and actual values.
#[Object]
impl Indicator {
    /// Global ID.
    pub async fn id(&self) -> ID {
        node_id::encode(EntityType::Indicator, self.0.id)
    }

    /// Code within its plan item, e.g. `I1`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    #[graphql(flatten)]
    async fn name_fields(&self) -> Name<'_> {
        Name::new(self.0.name_uk.as_deref(), self.0.name_en.as_deref())
    }

    /// Unit of measure, e.g. `percent` or `persons`.
    async fn unit(&self) -> &str {
        &self.0.unit
    }

    /// Whether higher, lower or steady is better.
    async fn direction(&self) -> IndicatorDirection {
        self.0.direction.into()
    }

    /// The related SDG indicator, e.g. `5.5.1`.
    async fn sdg_indicator(&self) -> Option<&str> {
        self.0.sdg_indicator.as_deref()
    }

    /// The UN's address of the related SDG indicator, e.g. `http://metadata.un.org/sdg/5.5.1`.
    async fn sdg_indicator_uri(&self) -> Option<String> {
        self.0
            .sdg_indicator
            .as_deref()
            .map(|code| format!("http://metadata.un.org/sdg/{code}"))
    }

    /// Where the values come from.
    async fn data_source(&self) -> Option<&str> {
        self.0.data_source.as_deref()
    }

    #[graphql(flatten)]
    async fn withdrawal_fields(&self) -> IndicatorWithdrawal<'_> {
        IndicatorWithdrawal::of(&*self.0)
    }

    /// The plan item it measures.
    async fn plan_item(&self, ctx: &Context<'_>) -> Result<Option<PlanItem>> {
        related(ctx, self.0.plan_item_id, |l| &l.plan_items, PlanItem).await
    }

    /// Baseline, target and actual values by period, optionally only of one kind or sex; withdrawn
    /// values are left out unless `includeWithdrawn` is true.
    async fn values(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default,
            desc = "Also return withdrawn values (left out by default). Default false."
        )]
        include_withdrawn: bool,

        #[graphql(desc = "Only values of this kind.")] kind: Option<IndicatorValueKind>,
        #[graphql(desc = "Only values for this sex (F, M or T for total).")] sex: Option<Sex>,
    ) -> Result<ObjectList<IndicatorValue>> {
        let values = group(&loaders(ctx)?.values_by_indicator, self.0.id).await?;
        let kind = kind.map(entity::enums::IndicatorValueKind::from);
        let sex = sex.map(entity::enums::Sex::from);
        let values = values
            .into_iter()
            .filter(|v| kind.is_none_or(|k| v.kind == k) && sex.is_none_or(|s| v.sex == s));
        Ok(in_force(values, include_withdrawn, IndicatorValue))
    }

    /// This indicator's permanent address, `<base>/id/indicator/<item code>/<indicator code>`.
    async fn uri(&self, ctx: &Context<'_>) -> Result<Option<String>> {
        let base = ctx.data::<crate::linked_data::PublicUrl>()?;
        Ok(one(&loaders(ctx)?.plan_items, self.0.plan_item_id)
            .await?
            .map(|item| base.indicator(&item.code, &self.0.code)))
    }
}

/// An indicator value row.
#[derive(Clone)]
pub struct IndicatorValue(pub Arc<indicator_value::Model>);

/// A baseline, target or actual value of an indicator for a year or a stage (range of years).
#[Object]
impl IndicatorValue {
    /// Global ID.
    pub async fn id(&self) -> ID {
        node_id::encode(EntityType::IndicatorValue, self.0.id)
    }

    #[graphql(flatten)]
    async fn withdrawal_fields(&self) -> IndicatorValueWithdrawal<'_> {
        IndicatorValueWithdrawal::of(&*self.0)
    }

    /// Baseline, target or actual.
    async fn kind(&self) -> IndicatorValueKind {
        self.0.kind.into()
    }

    /// First year of the period.
    async fn period_start_year(&self) -> i32 {
        self.0.period_start_year
    }

    /// Last year of the period (the same as the first for a single year).
    async fn period_end_year(&self) -> i32 {
        self.0.period_end_year
    }

    /// The value in the indicator's unit.
    async fn value(&self) -> f64 {
        self.0.value
    }

    /// F, M or T (total).
    async fn sex(&self) -> Sex {
        self.0.sex.into()
    }

    /// The region the value is for; null for the whole country.
    async fn region(&self, ctx: &Context<'_>) -> Result<Option<Region>> {
        related(ctx, self.0.region_id, |l| &l.regions, Region).await
    }

    /// Where this value comes from.
    async fn source(&self) -> Option<&str> {
        self.0.source.as_deref()
    }

    /// The organisation that reported it.
    async fn reported_by(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        Organisation::of(ctx, self.0.reported_by_id).await
    }
}

super::common::connection_type!(IndicatorConnection, IndicatorEdge, Indicator, "indicators");
