//! Localization coverage: who has localized what (the question the regions' own reports ask).

use async_graphql::{Enum, Object, SimpleObject};

use super::{
    common::Date,
    enums::{PlanStatus, RegionPlanState},
    plan::{LegalAct, Plan},
    region::Region,
};
use crate::domain::coverage::{self, RegionCoverage};

/// How a region stands with a national plan, re-alignment included. The rule: the *national
/// change* is the latest act approving or amending the national plan, and regions must re-align
/// within three calendar months of it (`realignmentDueOn`; the end of a shorter month clamps to
/// its last day). A regional plan is *re-approved since* when one of its own approving or
/// amending acts is dated after the national change. A regional plan that is not withdrawn decides
/// the status (DRAFT, or ALIGNED / REALIGNMENT_DUE / OVERDUE); without one, the recorded state
/// decides (NO_PLAN or NOT_APPLICABLE), and with nothing recorded the status is UNKNOWN.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::domain::alignment::CoverageStatus")]
pub enum CoverageStatus {
    /// An adopted regional plan re-approved (approving or amending act) since the latest national
    /// change, or adopted while no national act is recorded.
    Aligned,
    /// An adopted regional plan not re-approved since the latest national change, on or before
    /// `realignmentDueOn`.
    RealignmentDue,
    /// An adopted regional plan not re-approved since the latest national change, after
    /// `realignmentDueOn`.
    Overdue,
    /// Only a draft regional plan.
    Draft,
    /// Known to have no approved regional plan: see `recordedState` for the source and date.
    NoPlan,
    /// Nothing is recorded about the region: neither a plan nor a known state.
    Unknown,
    /// The region cannot localize the plan (a temporarily occupied territory): see `recordedState`.
    NotApplicable,
}

/// A region's recorded state relative to a national plan, with its source.
#[derive(SimpleObject)]
pub struct RecordedRegionState {
    /// No approved plan, or not applicable.
    pub state: RegionPlanState,
    /// The document or statement the state is taken from.
    pub source: String,
    /// The date the source states it for; null where the source gives none.
    pub as_of: Option<Date>,
}

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
        Region::from(self.0.region.clone())
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
        self.0.plan.clone().map(Plan::from)
    }

    /// The status of `plan`; null when there is no plan.
    async fn status(&self) -> Option<PlanStatus> {
        self.0.plan.as_ref().map(|p| p.status.into())
    }

    /// The act approving the regional plan, when recorded.
    async fn approval_act(&self) -> Option<LegalAct> {
        self.0.approval.clone().map(LegalAct::from)
    }

    /// How many distinct items of the national plan the items of `plan` implement (withdrawn items on
    /// either side left out); 0 when there is no plan.
    async fn implemented_item_count(&self) -> u64 {
        self.0.implemented_items
    }

    /// The region's status with the national plan, re-alignment included (the rule is on
    /// `CoverageStatus`). Derived for today's date in Kyiv.
    async fn coverage_status(&self) -> CoverageStatus {
        self.0.alignment.status.into()
    }

    /// The latest act approving or amending the national plan: the change regions re-align to.
    /// Null when the national plan has no recorded act.
    async fn national_change_act(&self) -> Option<LegalAct> {
        self.0.national_change.clone().map(LegalAct::from)
    }

    /// When the region's re-alignment with the latest national change is due: that act's date
    /// plus three calendar months. Null when no national act is recorded, or NOT_APPLICABLE.
    async fn realignment_due_on(&self) -> Option<Date> {
        self.0.alignment.due_on.map(Date)
    }

    /// Whether the regional plan was re-approved (its own approving or amending act) after the
    /// latest national change.
    async fn reapproved_since(&self) -> bool {
        self.0.alignment.reapproved_on.is_some()
    }

    /// The date of the regional plan's latest own approving or amending act after the latest
    /// national change; null when there is none.
    async fn reapproved_on(&self) -> Option<Date> {
        self.0.alignment.reapproved_on.map(Date)
    }

    /// What is recorded about a region without a plan (no approved plan, or not applicable), with
    /// its source and date; null when nothing is recorded.
    async fn recorded_state(&self) -> Option<RecordedRegionState> {
        self.0.state.as_ref().map(|s| RecordedRegionState {
            state: s.state.into(),
            source: s.source.clone(),
            as_of: s.as_of.map(Date),
        })
    }

    /// How many local (community) plans in the region, not withdrawn, localize the national plan.
    async fn community_plan_count(&self) -> u64 {
        self.0.community_plans
    }

    /// The localization chain one level down: how many of those community plans have a live item
    /// implementing a live item of the national plan, directly or through a live item of the
    /// region's regional plan (`plan`). Withdrawn plans and items count for nothing.
    async fn community_implementing_plan_count(&self) -> u64 {
        self.0.community_implementing_plans
    }

    /// How many distinct live items of the national plan the region's community plans reach:
    /// items their live items implement directly, and items implemented by the regional plan's
    /// live items that community items implement.
    async fn community_implemented_item_count(&self) -> u64 {
        self.0.community_implemented_items
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
