//! Localization coverage: who has localized what (the question the regions' own reports ask).

use async_graphql::{Enum, Object, SimpleObject};

use super::{
    enums::PlanStatus,
    plan::{LegalAct, Plan},
    region::Region,
};
use crate::domain::coverage::{self, RegionCoverage};

/// How far a region has localized a national plan. Withdrawn plans count as none.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalizationStatus {
    /// The region has a regional plan in force that was adopted (its `status` is ADOPTED, AMENDED,
    /// EXPIRED or SUPERSEDED).
    Adopted,
    /// The region has only a draft plan: not adopted, so it does not count as having a plan.
    Draft,
    /// The region has no plan (or only withdrawn ones).
    None,
}

impl From<coverage::LocalizationStatus> for LocalizationStatus {
    fn from(status: coverage::LocalizationStatus) -> Self {
        match status {
            coverage::LocalizationStatus::Adopted => Self::Adopted,
            coverage::LocalizationStatus::Draft => Self::Draft,
            coverage::LocalizationStatus::NoPlan => Self::None,
        }
    }
}

/// A region's localization of a national plan.
pub struct RegionLocalization(pub RegionCoverage);

/// One region's localization of a national plan: its regional plan (or none), the plan's status and
/// approving act, and how many items of the national plan it implements. Withdrawn plans and items
/// are left out of every figure.
#[Object]
impl RegionLocalization {
    /// The region.
    async fn region(&self) -> Region {
        Region(self.0.region.clone())
    }

    /// Whether the region has an adopted plan in force localizing the national plan
    /// (`localizationStatus` is ADOPTED). A draft plan or a withdrawn one does not count.
    async fn has_plan(&self) -> bool {
        self.0.status == coverage::LocalizationStatus::Adopted
    }

    /// Adopted, draft or none: whether the region has an adopted plan, only a draft, or no plan
    /// (withdrawn plans count as none).
    async fn localization_status(&self) -> LocalizationStatus {
        self.0.status.into()
    }

    /// The regional plan that is not withdrawn (the most recent adopted one, else the most recent
    /// draft); null when there is none.
    async fn plan(&self) -> Option<Plan> {
        self.0.plan.clone().map(Plan)
    }

    /// The status of `plan`; null when there is no plan.
    async fn status(&self) -> Option<PlanStatus> {
        self.0.plan.as_ref().map(|p| p.status.into())
    }

    /// The act approving the regional plan, when recorded.
    async fn approval_act(&self) -> Option<LegalAct> {
        self.0.approval.clone().map(LegalAct)
    }

    /// How many distinct items of the national plan the items of `plan` implement (withdrawn items on
    /// either side left out); 0 when there is no plan.
    async fn implemented_item_count(&self) -> u64 {
        self.0.implemented_items
    }
}

/// Which regions localize a national plan item. Withdrawn plans and items, and the items of
/// withdrawn plans, are left out; a draft plan is told apart from an adopted one.
#[derive(SimpleObject)]
pub struct ItemLocalization {
    /// Regions whose adopted plans (not withdrawn) have a live item implementing this one, by code.
    pub implementing_regions: Vec<Region>,
    /// Regions where only a draft plan has an item implementing this one, by code.
    pub drafting_regions: Vec<Region>,
    /// All other regions (with no plan, or plans that do not implement this item), by code.
    pub not_implementing_regions: Vec<Region>,
}
