//! Localization coverage: who has localized what (the question the regions' own reports ask).

use async_graphql::{Object, SimpleObject};

use super::{
    enums::PlanStatus,
    plan::{LegalAct, Plan},
    region::Region,
};
use crate::domain::coverage::RegionCoverage;

/// A region's localization of a national plan.
pub struct RegionLocalization(pub RegionCoverage);

/// One region's localization of a national plan: its regional plan (or none), the plan's status and
/// approving act, and how many items of the national plan it implements.
#[Object]
impl RegionLocalization {
    /// The region.
    async fn region(&self) -> Region {
        Region(self.0.region.clone())
    }

    /// Whether the region has a plan localizing the national plan.
    async fn has_plan(&self) -> bool {
        self.0.plan.is_some()
    }

    /// The regional plan (the most recent, when there are several); null when there is none.
    async fn plan(&self) -> Option<Plan> {
        self.0.plan.clone().map(Plan)
    }

    /// The regional plan's status; null when there is no plan.
    async fn status(&self) -> Option<PlanStatus> {
        self.0.plan.as_ref().map(|p| p.status.into())
    }

    /// The act approving the regional plan, when recorded.
    async fn approval_act(&self) -> Option<LegalAct> {
        self.0.approval.clone().map(LegalAct)
    }

    /// How many distinct items of the national plan the regional plan implements.
    async fn implemented_item_count(&self) -> u64 {
        self.0.implemented_items
    }
}

/// Which regions localize a national plan item.
#[derive(SimpleObject)]
pub struct ItemLocalization {
    /// Regions whose plans have an item implementing this one, by code.
    pub implementing_regions: Vec<Region>,
    /// All other regions (with no plan, or a plan that does not implement this item), by code.
    pub not_implementing_regions: Vec<Region>,
}
