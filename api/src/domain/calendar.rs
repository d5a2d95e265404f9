//! The registry's calendar. Acts are dated, deadlines fall and statuses change by the calendar of
//! Ukraine's government, Kyiv's (`Europe/Kyiv`, UTC+2, UTC+3 in summer), not by UTC: an act
//! adopted at 01:00 in Kyiv is dated that day, though it is still the day before in UTC.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Kyiv;

/// The date in Kyiv at the instant `at`.
pub fn kyiv_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Kyiv).date_naive()
}

/// Today's date in Kyiv.
pub fn today() -> NaiveDate {
    kyiv_date(Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn kyiv_dates_turn_at_kyiv_midnight_in_winter_and_in_summer() {
        for (instant, expected) in [
            // Winter, UTC+2: midnight in Kyiv is 22:00 UTC.
            ("2026-12-01T21:59:59Z", "2026-12-01"),
            ("2026-12-01T22:00:00Z", "2026-12-02"),
            // Summer, UTC+3: midnight in Kyiv is 21:00 UTC.
            ("2026-06-30T20:59:59Z", "2026-06-30"),
            ("2026-06-30T21:00:00Z", "2026-07-01"),
            // The last day of a three-month deadline, late in the evening UTC.
            ("2023-03-15T23:30:00Z", "2023-03-16"),
        ] {
            assert_eq!(kyiv_date(at(instant)), date(expected), "{instant}");
        }
    }
}
