//! Re-alignment of regional plans with a national plan: the pure rule that turns what is recorded
//! (the national plan's approving and amending acts, the region's plan and its own acts, and any
//! recorded state of the region) into a coverage status and a deadline. No database here.
//!
//! The rule (also in the GraphQL schema and the README):
//! - the *national change* is the latest act approving or amending the national plan; the region's
//!   re-alignment is due three calendar months after it (a day past the end of a shorter month
//!   falls on that month's last day: 30 November + 3 months = 28 or 29 February);
//! - a regional plan is *re-approved since* when one of its own approving or amending acts is dated
//!   strictly after the national change;
//! - a recorded regional plan (not withdrawn) decides the status: `DRAFT` while it is a draft; else
//!   `ALIGNED` when re-approved since (or when no national act is recorded, so nothing to re-align
//!   to), `REALIGNMENT_DUE` until the due date (inclusive), `OVERDUE` after it;
//! - without a regional plan, a recorded state decides: `NO_PLAN` (known, with source and date) or
//!   `NOT_APPLICABLE` (a temporarily occupied territory); with nothing recorded, `UNKNOWN`.

use chrono::{Months, NaiveDate};
use entity::enums::RegionPlanState;

/// How a region stands with a national plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CoverageStatus {
    /// An adopted regional plan re-approved since the latest national change.
    Aligned,
    /// An adopted regional plan not re-approved since the latest national change; the deadline
    /// has not passed.
    RealignmentDue,
    /// An adopted regional plan not re-approved since the latest national change; the deadline
    /// has passed.
    Overdue,
    /// Only a draft regional plan.
    Draft,
    /// Known to have no approved regional plan (source and date recorded).
    NoPlan,
    /// Nothing recorded.
    Unknown,
    /// Cannot localize the plan: a temporarily occupied territory (source recorded).
    NotApplicable,
}

impl CoverageStatus {
    /// Every status, in the order legends and counts list them.
    pub const ALL: [Self; 7] = [
        Self::Aligned,
        Self::RealignmentDue,
        Self::Overdue,
        Self::Draft,
        Self::NoPlan,
        Self::Unknown,
        Self::NotApplicable,
    ];

    /// The wire name, as in GraphQL and the coverage export.
    pub fn as_wire(self) -> &'static str {
        match self {
            Self::Aligned => "ALIGNED",
            Self::RealignmentDue => "REALIGNMENT_DUE",
            Self::Overdue => "OVERDUE",
            Self::Draft => "DRAFT",
            Self::NoPlan => "NO_PLAN",
            Self::Unknown => "UNKNOWN",
            Self::NotApplicable => "NOT_APPLICABLE",
        }
    }
}

/// The regional plan a region has, as far as the rule needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionalPlan {
    /// None recorded (withdrawn plans count as none).
    None,
    /// A draft.
    Draft,
    /// Adopted (adopted, amended, expired or superseded), with the dates of its own approving and
    /// amending acts (repealing acts left out).
    Adopted(Vec<NaiveDate>),
}

/// What the rule derives for one region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alignment {
    /// The status.
    pub status: CoverageStatus,
    /// The date of the latest national change (approving or amending act), if one is recorded.
    pub national_change_on: Option<NaiveDate>,
    /// Three months after the national change; `None` when no national act is recorded or the
    /// region is not applicable.
    pub due_on: Option<NaiveDate>,
    /// The date of the regional plan's latest own act after the national change, if any.
    pub reapproved_on: Option<NaiveDate>,
}

/// The re-alignment deadline for a national change on `changed_on`: three calendar months later.
pub fn due_date(changed_on: NaiveDate) -> NaiveDate {
    changed_on
        .checked_add_months(Months::new(3))
        .unwrap_or(NaiveDate::MAX)
}

/// Derives a region's status (see the module documentation for the rule). `national_acts` are
/// the dates of the national plan's approving and amending acts; `today` is the day the status is
/// for.
pub fn derive(
    national_acts: &[NaiveDate],
    plan: &RegionalPlan,
    state: Option<RegionPlanState>,
    today: NaiveDate,
) -> Alignment {
    let national_change_on = national_acts.iter().max().copied();
    let due_on = national_change_on.map(due_date);
    let reapproved_on = match (plan, national_change_on) {
        (RegionalPlan::Adopted(acts), Some(changed)) => acts.iter().filter(|d| **d > changed).max().copied(),
        _ => None,
    };
    let status = match plan {
        RegionalPlan::Draft => CoverageStatus::Draft,
        RegionalPlan::Adopted(_) => match due_on {
            None => CoverageStatus::Aligned,
            Some(_) if reapproved_on.is_some() => CoverageStatus::Aligned,
            Some(due) if today <= due => CoverageStatus::RealignmentDue,
            Some(_) => CoverageStatus::Overdue,
        },
        RegionalPlan::None => match state {
            Some(RegionPlanState::NoPlan) => CoverageStatus::NoPlan,
            Some(RegionPlanState::NotApplicable) => CoverageStatus::NotApplicable,
            None => CoverageStatus::Unknown,
        },
    };
    Alignment {
        status,
        national_change_on,
        due_on: (status != CoverageStatus::NotApplicable)
            .then_some(due_on)
            .flatten(),
        reapproved_on,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CoverageStatus::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    /// NAP 2021-2025: approved 2020-10-28, amended 2022-12-16 (due 2023-03-16).
    fn nap2() -> Vec<NaiveDate> {
        vec![d("2020-10-28"), d("2022-12-16")]
    }

    /// (case, national acts, regional plan, recorded state, today, status, re-approved on).
    type Case = (
        &'static str,
        Vec<NaiveDate>,
        RegionalPlan,
        Option<RegionPlanState>,
        &'static str,
        CoverageStatus,
        Option<&'static str>,
    );

    #[test]
    fn the_status_table() {
        let adopted = |dates: &[&str]| RegionalPlan::Adopted(dates.iter().map(|t| d(t)).collect());
        let table: Vec<Case> = vec![
            (
                "re-approved after the amendment",
                nap2(),
                adopted(&["2021-03-01", "2023-02-01"]),
                None,
                "2025-01-01",
                Aligned,
                Some("2023-02-01"),
            ),
            (
                "re-approved after the deadline still counts",
                nap2(),
                adopted(&["2021-03-01", "2023-06-01"]),
                None,
                "2025-01-01",
                Aligned,
                Some("2023-06-01"),
            ),
            (
                "approved only before the amendment, before the deadline",
                nap2(),
                adopted(&["2021-03-01"]),
                None,
                "2023-01-10",
                RealignmentDue,
                None,
            ),
            (
                "on the due date itself",
                nap2(),
                adopted(&["2021-03-01"]),
                None,
                "2023-03-16",
                RealignmentDue,
                None,
            ),
            (
                "the day after the due date",
                nap2(),
                adopted(&["2021-03-01"]),
                None,
                "2023-03-17",
                Overdue,
                None,
            ),
            (
                "an act on the day of the national change is not after it",
                nap2(),
                adopted(&["2022-12-16"]),
                None,
                "2023-04-01",
                Overdue,
                None,
            ),
            (
                "an act the day after the national change is",
                nap2(),
                adopted(&["2022-12-17"]),
                None,
                "2023-04-01",
                Aligned,
                Some("2022-12-17"),
            ),
            (
                "adopted with no act recorded",
                nap2(),
                adopted(&[]),
                None,
                "2023-04-01",
                Overdue,
                None,
            ),
            (
                "no national act recorded: nothing to re-align to",
                vec![],
                adopted(&[]),
                None,
                "2023-04-01",
                Aligned,
                None,
            ),
            (
                "a draft",
                nap2(),
                RegionalPlan::Draft,
                None,
                "2025-01-01",
                Draft,
                None,
            ),
            (
                "a draft outranks a recorded NO_PLAN",
                nap2(),
                RegionalPlan::Draft,
                Some(RegionPlanState::NoPlan),
                "2025-01-01",
                Draft,
                None,
            ),
            (
                "no plan, known",
                nap2(),
                RegionalPlan::None,
                Some(RegionPlanState::NoPlan),
                "2025-01-01",
                NoPlan,
                None,
            ),
            (
                "no plan, nothing recorded",
                nap2(),
                RegionalPlan::None,
                None,
                "2025-01-01",
                Unknown,
                None,
            ),
            (
                "occupied territory",
                nap2(),
                RegionalPlan::None,
                Some(RegionPlanState::NotApplicable),
                "2025-01-01",
                NotApplicable,
                None,
            ),
        ];
        for (case, national, plan, state, today, status, reapproved) in table {
            let got = derive(&national, &plan, state, d(today));
            assert_eq!(got.status, status, "{case}");
            assert_eq!(got.reapproved_on, reapproved.map(d), "{case}");
        }
    }

    #[test]
    fn the_deadline_is_three_months_after_the_latest_national_act() {
        let got = derive(&nap2(), &RegionalPlan::None, None, d("2025-01-01"));
        assert_eq!(got.national_change_on, Some(d("2022-12-16")));
        assert_eq!(got.due_on, Some(d("2023-03-16")));
        assert_eq!(due_date(d("2020-10-28")), d("2021-01-28"));
        // The end of a shorter month clamps to its last day.
        assert_eq!(due_date(d("2022-11-30")), d("2023-02-28"));
        assert_eq!(due_date(d("2023-11-30")), d("2024-02-29"));
        let occupied = derive(
            &nap2(),
            &RegionalPlan::None,
            Some(RegionPlanState::NotApplicable),
            d("2025-01-01"),
        );
        assert_eq!(occupied.due_on, None, "no deadline where the plan cannot apply");
        assert_eq!(
            derive(&[], &RegionalPlan::Draft, None, d("2025-01-01")).due_on,
            None
        );
    }

    #[test]
    fn every_status_has_its_wire_name_once() {
        let names: std::collections::HashSet<_> = CoverageStatus::ALL.iter().map(|s| s.as_wire()).collect();
        assert_eq!(names.len(), 7);
    }
}
