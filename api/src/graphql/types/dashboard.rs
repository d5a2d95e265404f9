//! The donor dashboard's totals over project links.

use async_graphql::{Object, SimpleObject};

use super::{common::Money, organisation::Organisation, plan_item::PlanItem, region::Region};
use crate::domain::donor_dashboard::{ProjectLinkSummary as Summary, Totals};

/// Project link totals: how many links, and their budgets per currency.
#[derive(SimpleObject)]
pub struct LinkTotals {
    /// How many distinct project links.
    pub link_count: u64,
    /// Their budgets added up per currency (amounts in different currencies are never added), by currency code.
    pub budgets: Vec<Money>,
}

impl From<&Totals> for LinkTotals {
    fn from(totals: &Totals) -> Self {
        Self {
            link_count: totals.link_count,
            budgets: totals
                .budgets
                .iter()
                .map(|(currency, cents)| Money::from_cents(*cents, currency))
                .collect(),
        }
    }
}

/// Totals for one strategic goal.
#[derive(SimpleObject)]
pub struct StrategicGoalTotals {
    /// The strategic goal.
    pub goal: PlanItem,
    /// Links to the goal or any item below it, each counted once with its whole budget (a link to
    /// several goals counts under each).
    pub totals: LinkTotals,
}

/// Totals for one region.
#[derive(SimpleObject)]
pub struct RegionTotals {
    /// The region.
    pub region: Region,
    /// Links of projects working in the region, each counted once with its whole budget (a
    /// project working in several regions counts under each).
    pub totals: LinkTotals,
}

/// Totals for one funder.
#[derive(SimpleObject)]
pub struct FunderTotals {
    /// The organisation with the FUNDING role.
    pub funder: Organisation,
    /// Links of projects it funds, each counted once with its whole budget (a project with
    /// several funders counts under each).
    pub totals: LinkTotals,
}

/// Project links grouped the way a donor dashboard shows them.
pub struct ProjectLinkSummary(pub Summary);

/// Project links grouped by strategic goal, region and funder, with budget totals per currency.
#[Object]
impl ProjectLinkSummary {
    /// All matching links in force (withdrawn ones only with `includeWithdrawn`), each project
    /// counted once with its whole budget, whatever goals, regions and funders it has: the
    /// overall total per currency.
    async fn overall(&self) -> LinkTotals {
        LinkTotals::from(&self.0.overall)
    }

    /// Per strategic goal, counting a link to any item below the goal once; goals without links,
    /// withdrawn goals and goals of withdrawn plans are left out. A project linked under two goals
    /// shows its whole budget under both, so these rows may add up to more than `overall`.
    async fn by_strategic_goal(&self) -> Vec<StrategicGoalTotals> {
        self.0
            .by_strategic_goal
            .iter()
            .map(|(goal, totals)| StrategicGoalTotals {
                goal: PlanItem::from(goal.clone()),
                totals: totals.into(),
            })
            .collect()
    }

    /// Per region, by region code; regions without links are left out. A project working in two
    /// regions shows its whole budget under both.
    async fn by_region(&self) -> Vec<RegionTotals> {
        self.0
            .by_region
            .iter()
            .map(|(region, totals)| RegionTotals {
                region: Region::from(region.clone()),
                totals: totals.into(),
            })
            .collect()
    }

    /// Per funding organisation, by organisation code. A project counts once per funder; with
    /// several funders it shows its whole budget under each.
    async fn by_funder(&self) -> Vec<FunderTotals> {
        self.0
            .by_funder
            .iter()
            .map(|(funder, totals)| FunderTotals {
                funder: Organisation::from(funder.clone()),
                totals: totals.into(),
            })
            .collect()
    }
}
