//! Writes: every change to the registry, each in one transaction with one audit event (see
//! `super::audit`), stored through `rows` (`WriteTransaction::create` and `save`). A write checks who may make it (`super::access`), validates its input with
//! field-named errors (`super::validation`), refuses stale versions with CONFLICT, and changes
//! nothing unless all of it succeeds.

pub mod indicators;
pub mod links;
pub mod organisations;
pub mod plan_acts;
pub mod plan_items;
pub mod plans;
pub mod project_links;
pub mod region_states;
pub mod rows;
pub mod target_groups;
pub mod tokens;
pub mod vocabulary_editions;

use chrono::{DateTime, Utc};
use entity::{organisation, plan, plan_item, target_group, vocabulary};
use rows::{Audited, Edit};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, Select};
use uuid::Uuid;

use super::{
    lookup,
    organisations::find_organisation,
    plan_items::find_plan_item_by_code,
    plans::find_plan_by_code,
    target_groups::{find_target_group_by_code, find_vocabulary_by_code},
};
use crate::error::{ApiError, ApiResult};

/// What the write modules share: the transaction and its audit actions, the edit of a stored
/// object, the checks of the input, and the lookups of the objects an input names.
mod prelude {
    pub(super) use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    pub(super) use uuid::Uuid;

    pub(super) use super::{
        Patch, edition_by_code, exists, group_by_code, item_by_code, organisation_by_key, plan_by_code,
        region_by_code,
        rows::{Edit, new_row},
    };
    pub(super) use crate::{
        domain::{
            access::Scope,
            audit::{Action, WriteTransaction},
            bilingual::{Bilingual, BilingualPatch},
            ids::new_id,
            search, validation,
        },
        error::{ApiError, ApiResult},
    };
}

/// Whether `select` finds any row.
pub async fn exists<E: EntityTrait<Model: Sync>>(
    db: &impl ConnectionTrait,
    select: Select<E>,
) -> ApiResult<bool> {
    Ok(select.count(db).await? > 0)
}

/// A change to an optional field: leave it, clear it, or set it.
pub type Patch<T> = Option<Option<T>>;

/// Rows that are withdrawn with a time and a reason instead of being deleted.
pub trait Withdrawable: Audited {
    /// The row's version.
    fn version(&self) -> i32 {
        let (_, _, version) = self.stamps();
        version
    }
    /// When the row was withdrawn, if it was.
    fn withdrawn_at(&self) -> Option<DateTime<Utc>>;
    /// Why the row was withdrawn, if it was.
    fn withdrawal_reason(&self) -> Option<&str>;
    /// Marks the row withdrawn at `now` for `reason`.
    fn mark_withdrawn(&mut self, reason: String, now: DateTime<Utc>);
}

macro_rules! withdrawable {
    ($($module:ident),+ $(,)?) => {$(
        impl Withdrawable for entity::$module::Model {
            fn withdrawn_at(&self) -> Option<DateTime<Utc>> {
                self.withdrawn_at
            }

            fn withdrawal_reason(&self) -> Option<&str> {
                self.withdrawal_reason.as_deref()
            }

            fn mark_withdrawn(&mut self, reason: String, now: DateTime<Utc>) {
                self.withdrawal_reason = Some(reason);
                self.withdrawn_at = Some(now);
            }
        }
    )+};
}

withdrawable!(plan, indicator, indicator_value, organisation, project_link);

impl<M: Withdrawable> Edit<M> {
    /// Marks the object withdrawn at `now` for `reason`; refuses one already withdrawn (`what`
    /// names it, as in "the plan") and a blank reason.
    pub fn withdraw(&mut self, what: &str, reason: &str, now: DateTime<Utc>) -> ApiResult<()> {
        if self.before().withdrawn_at().is_some() {
            return Err(ApiError::invalid(
                "input.id",
                format!("{what} is already withdrawn"),
            ));
        }
        let reason = crate::domain::validation::text("input.reason", reason, 2000)?;
        self.mark_withdrawn(reason, now);
        Ok(())
    }
}

/// Defines `name(db, field, key)`: loads the row `find` finds by `key`, or an error on `field`
/// saying there is no `what` with that key.
macro_rules! lookups {
    ($($(#[$doc:meta])* $name:ident($key:ident) -> $model:ty = $find:path, $what:literal;)+) => {$(
        $(#[$doc])*
        pub async fn $name(db: &impl ConnectionTrait, field: &str, $key: &str) -> ApiResult<$model> {
            let message = || format!(concat!("there is no ", $what, " `{}`"), $key);
            $find(db, $key).await?.ok_or_else(|| ApiError::invalid(field, message()))
        }
    )+};
}

lookups! {
    /// Loads the plan with `code`, or a field-named error.
    plan_by_code(code) -> plan::Model = find_plan_by_code, "plan";
    /// Loads the plan item with canonical `code`, or a field-named error.
    item_by_code(code) -> plan_item::Model = find_plan_item_by_code, "plan item";
    /// Loads the organisation with registry code or identifier `key`, or a field-named error.
    organisation_by_key(key) -> organisation::Model = find_organisation, "organisation";
    /// Loads the vocabulary edition with `code`, or a field-named error.
    edition_by_code(code) -> vocabulary::Model = find_vocabulary_by_code, "vocabulary";
    /// Loads the target group with `code`, or a field-named error.
    group_by_code(code) -> target_group::Model = find_target_group_by_code, "target group";
}

/// The key of the region with ISO code `code`, or a field-named error.
pub async fn region_by_code(db: &impl ConnectionTrait, field: &str, code: &str) -> ApiResult<Uuid> {
    lookup::region_id(db, code).await?.ok_or_else(|| {
        ApiError::invalid(
            field,
            format!("`{code}` is not an ISO 3166-2:UA region code such as UA-12"),
        )
    })
}
