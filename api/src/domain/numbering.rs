//! Plan item numbers (`3`, `3.1`, `3.1.12`, `3.1.12.1`) and the canonical codes built from them.
//! The depth of a number gives the item's kind; dropping the last segment gives its parent.

use std::fmt;

use entity::enums::PlanItemKind;

/// Separates the plan code from the item number in a canonical code: `UA-NAP-2021-2025/3.1.12`.
pub const CODE_SEPARATOR: char = '/';

/// Width each segment is padded to in sort keys; numbers above 9999 are refused.
const SORT_SEGMENT_WIDTH: usize = 4;
const MAX_SEGMENT: u32 = 9999;

/// A valid plan item number: one to four positive integers separated by dots, no leading zeros.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemNumber(Vec<u32>);

impl ItemNumber {
    /// Parses `3.1.12`; the error says what is wrong, for a field-named validation error.
    pub fn parse(text: &str) -> Result<Self, String> {
        let segments: Vec<&str> = text.split('.').collect();
        if segments.len() > 4 {
            return Err(format!(
                "`{text}` has more than four levels (goal.operational-goal.task.activity)"
            ));
        }
        let mut parsed = Vec::with_capacity(segments.len());
        for segment in segments {
            let valid = !segment.is_empty()
                && segment.bytes().all(|b| b.is_ascii_digit())
                && !segment.starts_with('0');
            let value = segment.parse::<u32>().ok().filter(|v| valid && *v <= MAX_SEGMENT);
            match value {
                Some(value) => parsed.push(value),
                None => {
                    return Err(format!(
                        "`{text}` is not a plan item number such as `3.1.12` (positive whole numbers up to {MAX_SEGMENT}, no leading zeros, separated by dots)"
                    ));
                }
            }
        }
        Ok(Self(parsed))
    }

    /// The kind of item a number of this depth denotes.
    pub fn kind(&self) -> PlanItemKind {
        match self.0.len() {
            1 => PlanItemKind::StrategicGoal,
            2 => PlanItemKind::OperationalGoal,
            3 => PlanItemKind::Task,
            _ => PlanItemKind::Activity,
        }
    }

    /// The number of the parent item, or `None` for a strategic goal.
    pub fn parent(&self) -> Option<Self> {
        (self.0.len() > 1).then(|| Self(self.0[..self.0.len() - 1].to_vec()))
    }

    /// A key that sorts numbers numerically segment by segment (`0003.0001.0012`).
    pub fn sort_key(&self) -> String {
        self.0
            .iter()
            .map(|segment| format!("{segment:0width$}", width = SORT_SEGMENT_WIDTH))
            .collect::<Vec<_>>()
            .join(".")
    }

    /// The canonical code of the item with this number in the plan with `plan_code`.
    pub fn canonical_code(&self, plan_code: &str) -> String {
        format!("{plan_code}{CODE_SEPARATOR}{self}")
    }
}

impl fmt::Display for ItemNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text: Vec<String> = self.0.iter().map(u32::to_string).collect();
        f.write_str(&text.join("."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_gives_the_kind() {
        assert_eq!(
            ItemNumber::parse("3").unwrap().kind(),
            PlanItemKind::StrategicGoal
        );
        assert_eq!(
            ItemNumber::parse("3.1").unwrap().kind(),
            PlanItemKind::OperationalGoal
        );
        assert_eq!(ItemNumber::parse("3.1.12").unwrap().kind(), PlanItemKind::Task);
        assert_eq!(
            ItemNumber::parse("3.1.12.1").unwrap().kind(),
            PlanItemKind::Activity
        );
    }

    #[test]
    fn refuses_malformed_numbers() {
        for bad in [
            "",
            "3.",
            ".3",
            "3..1",
            "03",
            "3.01",
            "a",
            "3.1.2.1.1",
            "-1",
            "3,1",
            "10000",
            " 3",
        ] {
            assert!(ItemNumber::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn sort_keys_order_numerically() {
        let a = ItemNumber::parse("3.1.2").unwrap().sort_key();
        let b = ItemNumber::parse("3.1.12").unwrap().sort_key();
        assert!(a < b, "{a} !< {b}");
        assert_eq!(b, "0003.0001.0012");
    }

    #[test]
    fn parent_and_code() {
        let number = ItemNumber::parse("3.1.12").unwrap();
        assert_eq!(number.parent().unwrap().to_string(), "3.1");
        assert_eq!(ItemNumber::parse("3").unwrap().parent(), None);
        assert_eq!(
            number.canonical_code("UA-NAP-2021-2025"),
            "UA-NAP-2021-2025/3.1.12"
        );
    }
}
