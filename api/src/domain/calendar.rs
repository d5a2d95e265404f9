//! The registry's calendar. Acts are dated, deadlines fall and statuses change by the calendar of
//! Ukraine's government, Kyiv's (`Europe/Kyiv`, UTC+2, UTC+3 in summer), not by UTC: an act
//! adopted at 01:00 in Kyiv is dated that day, though it is still the day before in UTC.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Kyiv;

/// The date in Kyiv at the instant `at`.
pub fn kyiv_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Kyiv).date_naive()
}

/// Today's date in Kyiv. Asked on every request (the read cache keys answers by it), so the date
/// is worked out in Kyiv's time zone once a day: it is kept with the instant of the next midnight
/// in Kyiv, and until then a read of the clock and a comparison answer.
pub fn today() -> NaiveDate {
    static TODAY: KeptDate = KeptDate::new();
    TODAY.at(Utc::now())
}

/// A Kyiv date with the hours it is the date, packed in one word so that readers never see one
/// without the other: from the low bits, the date's day number (from 1 January of year 1,
/// [`DAY_BITS`]), how many hours the day lasts ([`LENGTH_BITS`]: 23, 24 or 25), and the Unix hour
/// its midnight falls on. 0: nothing kept yet.
struct KeptDate(AtomicU64);

/// Bits of a packed [`KeptDate`] that hold the day number (enough until the year 2800).
const DAY_BITS: u32 = 20;
/// Bits of a packed [`KeptDate`] that hold the day's length in hours.
const LENGTH_BITS: u32 = 8;

impl KeptDate {
    const fn new() -> Self {
        Self(AtomicU64::new(0))
    }

    /// The date in Kyiv at `now`: the kept one while `now` falls within it, else worked out (and
    /// kept).
    fn at(&self, now: DateTime<Utc>) -> NaiveDate {
        let packed = self.0.load(Ordering::Relaxed);
        let from = (packed >> (DAY_BITS + LENGTH_BITS)).saturating_mul(3600);
        let until = from + ((packed >> DAY_BITS) & ((1 << LENGTH_BITS) - 1)) * 3600;
        let second = u64::try_from(now.timestamp()).unwrap_or(0);
        if (from..until).contains(&second) {
            let day = i32::try_from(packed & ((1 << DAY_BITS) - 1)).unwrap_or(0);
            if let Some(date) = NaiveDate::from_num_days_from_ce_opt(day) {
                return date;
            }
        }
        let date = kyiv_date(now);
        if let Some(packed) = pack(date) {
            self.0.store(packed, Ordering::Relaxed);
        }
        date
    }
}

/// `date` with the hours it lasts in Kyiv, packed as [`KeptDate`] holds them; `None` when they do
/// not fit (then nothing is kept and each call works the date out).
fn pack(date: NaiveDate) -> Option<u64> {
    let midnight = |date: NaiveDate| {
        let local = date.and_hms_opt(0, 0, 0)?;
        let second = Kyiv.from_local_datetime(&local).earliest()?.timestamp();
        // Kyiv's midnights fall on whole hours of UTC since 1924.
        u64::try_from(second)
            .ok()
            .filter(|second| second % 3600 == 0)
            .map(|second| second / 3600)
    };
    let from = midnight(date)?;
    let length = midnight(date.succ_opt()?)?.checked_sub(from)?;
    let day = u64::try_from(date.num_days_from_ce()).ok()?;
    (day < 1 << DAY_BITS && length < 1 << LENGTH_BITS && from < 1 << (64 - DAY_BITS - LENGTH_BITS))
        .then_some(from << (DAY_BITS + LENGTH_BITS) | length << DAY_BITS | day)
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

    #[test]
    fn the_kept_date_turns_at_kyiv_midnight() {
        let kept = KeptDate::new();
        for (instant, expected) in [
            ("2026-12-01T12:00:00Z", "2026-12-01"),
            ("2026-12-01T21:59:59.999Z", "2026-12-01"),
            ("2026-12-01T22:00:00Z", "2026-12-02"),
            ("2026-12-02T21:59:59Z", "2026-12-02"),
            // Across the change to summer time (29 March 2026, 03:00 in Kyiv).
            ("2026-03-28T21:59:59Z", "2026-03-28"),
            ("2026-03-28T22:00:00Z", "2026-03-29"),
            ("2026-03-29T20:59:59Z", "2026-03-29"),
            ("2026-03-29T21:00:00Z", "2026-03-30"),
            // A clock set back is asked again, not answered from the kept date.
            ("2026-03-29T21:00:00Z", "2026-03-30"),
            ("2025-01-01T00:00:00Z", "2025-01-01"),
        ] {
            assert_eq!(kept.at(at(instant)), date(expected), "{instant}");
            assert_eq!(kept.at(at(instant)), kyiv_date(at(instant)), "{instant}");
        }
        assert_eq!(today(), kyiv_date(Utc::now()));
    }
}
