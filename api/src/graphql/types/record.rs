//! The fields every record that is withdrawn rather than deleted answers alike: its version, and
//! when and why it was withdrawn. A record takes them in with a `#[graphql(flatten)]` resolver, so
//! they are written once; the types declared here never appear in the schema.

use async_graphql::Object;
use chrono::{DateTime, Utc};

use crate::domain::write::Withdrawable;

/// Declares `$fields`, the `version`, `withdrawnAt` and `withdrawalReason` fields of a record that
/// is withdrawn rather than deleted, with the doc written for `withdrawnAt` (a macro, as
/// `bilingual_fields!` is, because a field's doc cannot be an argument).
macro_rules! withdrawal_fields {
    ($(#[$fields_doc:meta])* $fields:ident { $(#[$at_doc:meta])* withdrawn_at $(,)? }) => {
        $(#[$fields_doc])*
        pub struct $fields<'a> {
            version: i32,
            withdrawn_at: Option<DateTime<Utc>>,
            withdrawal_reason: Option<&'a str>,
        }

        impl<'a> $fields<'a> {
            /// The fields of `record`.
            pub fn of(record: &'a impl Withdrawable) -> Self {
                Self {
                    version: record.version(),
                    withdrawn_at: record.withdrawn_at(),
                    withdrawal_reason: record.withdrawal_reason(),
                }
            }
        }

        #[Object]
        impl $fields<'_> {
            /// Version of the record; grows by one with every change.
            async fn version(&self) -> i32 {
                self.version
            }

            $(#[$at_doc])*
            async fn withdrawn_at(&self) -> Option<DateTime<Utc>> {
                self.withdrawn_at
            }

            /// Why it was withdrawn.
            async fn withdrawal_reason(&self) -> Option<&str> {
                self.withdrawal_reason
            }
        }
    };
}

withdrawal_fields! {
    /// `version`, `withdrawnAt` and `withdrawalReason` where nothing more is said of them
    /// (`Organisation`, `Plan`, `ProjectLink`).
    Withdrawal {
        /// When it was withdrawn; null while in force.
        withdrawn_at
    }
}

withdrawal_fields! {
    /// `Indicator.version`, `Indicator.withdrawnAt` and `Indicator.withdrawalReason`.
    IndicatorWithdrawal {
        /// When the indicator was withdrawn; null while in force.
        withdrawn_at
    }
}

withdrawal_fields! {
    /// `IndicatorValue.version`, `IndicatorValue.withdrawnAt` and `IndicatorValue.withdrawalReason`.
    IndicatorValueWithdrawal {
        /// When the value was withdrawn; null while in force.
        withdrawn_at
    }
}
