//! The one way a write stores a row. Every table's model is a `Row` (key, timestamps, version);
//! the objects the audit trail names are `Audited` (their `EntityType`, and the code the feed
//! shows). A write changes such an object only through `WriteTransaction::create` and
//! `WriteTransaction::save`: they stamp the time, set or grow the version, store the row and record
//! its audit event, so neither the version bump nor the audit type can be left out or mistyped.
//! The reference data loader stamps its rows with the same `Row` methods.

use std::ops::{Deref, DerefMut};

use chrono::{DateTime, Utc};
use entity::{
    api_token, funding_line, indicator, indicator_value, legal_act, organisation, organisation_identifier,
    organisation_name, organisation_succession, plan, plan_item, plan_item_implementation,
    plan_item_target_group, plan_legal_act, project_budget, project_dac_purpose, project_iati_record,
    project_link, project_participant, project_plan_item, project_region, region, region_plan_state,
    responsibility, target_group, vocabulary, vocabulary_carry_over, webhook_cursor, webhook_endpoint,
    webhook_secret,
};
use sea_orm::{ActiveModelBehavior, ActiveModelTrait, EntityTrait, IntoActiveModel};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    domain::{
        audit::{Action, Change, WriteTransaction, check_version},
        entity_type::EntityType,
        indicators::canonical_code,
    },
    error::{ApiError, ApiResult},
};

/// A stored row: its key, its timestamps and its version.
pub trait Row: Clone + PartialEq + Serialize + Send + Sync + 'static {
    /// The table's entity.
    type Entity: EntityTrait<Model = Self> + Default;
    /// The table's active model.
    type Active: ActiveModelTrait<Entity = Self::Entity> + ActiveModelBehavior + Send + From<Self>;
    /// The row's key.
    fn id(&self) -> Uuid;
    /// The key column.
    fn id_column() -> <Self::Entity as EntityTrait>::Column;
    /// Sets creation time, change time and version.
    fn stamp(&mut self, created_at: DateTime<Utc>, updated_at: DateTime<Utc>, version: i32);
    /// Creation time, change time and version.
    fn stamps(&self) -> (DateTime<Utc>, DateTime<Utc>, i32);

    /// Stamps a new row, created at `now` (version 1).
    fn stamp_new(&mut self, now: DateTime<Utc>) {
        self.stamp(now, now, 1);
    }

    /// Stamps the row that replaces `stored`: changed at `now`, one version on.
    fn stamp_after(&mut self, stored: &Self, now: DateTime<Utc>) {
        let (created_at, _, version) = stored.stamps();
        self.stamp(created_at, now, version + 1);
    }
}

macro_rules! rows {
    ($($module:ident),+ $(,)?) => {$(
        impl Row for $module::Model {
            type Entity = $module::Entity;
            type Active = $module::ActiveModel;
            fn id(&self) -> Uuid {
                self.id
            }
            fn id_column() -> $module::Column {
                $module::Column::Id
            }
            fn stamp(&mut self, created_at: DateTime<Utc>, updated_at: DateTime<Utc>, version: i32) {
                self.created_at = created_at;
                self.updated_at = updated_at;
                self.version = version;
            }
            fn stamps(&self) -> (DateTime<Utc>, DateTime<Utc>, i32) {
                (self.created_at, self.updated_at, self.version)
            }
        }
    )+};
}

rows!(
    api_token,
    funding_line,
    indicator,
    indicator_value,
    legal_act,
    organisation,
    organisation_identifier,
    organisation_name,
    organisation_succession,
    plan,
    plan_item,
    plan_item_implementation,
    plan_item_target_group,
    plan_legal_act,
    project_budget,
    project_dac_purpose,
    project_iati_record,
    project_link,
    project_participant,
    project_plan_item,
    project_region,
    region,
    region_plan_state,
    responsibility,
    target_group,
    vocabulary,
    webhook_cursor,
    webhook_endpoint,
    webhook_secret,
    vocabulary_carry_over,
);

/// The time a row carries until it is stored (see `new_row!`).
pub const UNSTORED: DateTime<Utc> = DateTime::UNIX_EPOCH;

/// `$model { fields }` as a row not stored yet. Its stamps are placeholders: storing it sets them
/// (`WriteTransaction::create` and `insert`, the reference data loader: `Row::stamp_new`).
macro_rules! new_row {
    ($($model:ident)::+ { $($field:ident $(: $value:expr)?),* $(,)? }) => {
        $($model)::+ {
            $($field $(: $value)?,)*
            created_at: $crate::domain::write::rows::UNSTORED,
            updated_at: $crate::domain::write::rows::UNSTORED,
            version: 1,
        }
    };
}
pub(crate) use new_row;

/// An object the API writes, with its own events in the audit trail.
pub trait Audited: Row {
    /// The type its events name.
    const AUDIT_TYPE: EntityType;
    /// What errors call it, e.g. `plan item`.
    const WHAT: &'static str;
    /// Whether its events belong to the public change feed.
    const PUBLIC: bool = true;
    /// What creating it is called in the audit trail.
    const CREATED: Action = Action::Create;
    /// The code the audit trail and the feed show for it, if it has one.
    fn audit_code(&self) -> Option<String>;
}

macro_rules! audited {
    ($($module:ident: $type:ident, $what:literal, |$row:ident| $code:expr $(, $name:ident: $ty:ty = $value:expr)*;)+) => {$(
        impl Audited for $module::Model {
            const AUDIT_TYPE: EntityType = EntityType::$type;
            const WHAT: &'static str = $what;
            $(const $name: $ty = $value;)*
            fn audit_code(&self) -> Option<String> {
                let $row = self;
                $code
            }
        }
    )+};
}

audited!(
    plan: Plan, "plan", |p| Some(p.code.clone());
    plan_item: PlanItem, "plan item", |i| Some(i.code.clone());
    // The canonical code `<item code>/<indicator code>`, the one `indicator(code:)` resolves.
    indicator: Indicator, "indicator", |i| canonical_code(&i.sort_key);
    indicator_value: IndicatorValue, "indicator value", |_v| None;
    organisation: Organisation, "organisation", |o| Some(o.code.clone());
    project_link: ProjectLink, "project link", |p| p.iati_identifier.clone();
    target_group: TargetGroup, "target group", |g| Some(g.code.clone());
    vocabulary: Vocabulary, "vocabulary", |v| Some(v.code.clone()), PUBLIC: bool = false;
    api_token: ApiToken, "token", |t| Some(t.label.clone()), PUBLIC: bool = false, CREATED: Action = Action::Issue;
    webhook_endpoint: Webhook, "webhook", |_w| None, PUBLIC: bool = false;
);

/// The audit record of a write that left `after` (and found `before`).
fn change<'a, M: Audited>(after: &'a M, action: Action, before: Option<&'a M>) -> Change<'a, M> {
    Change {
        entity_type: M::AUDIT_TYPE.as_str(),
        entity_id: after.id(),
        entity_code: after.audit_code(),
        action,
        version: after.stamps().2,
        before,
        after: Some(after),
        public: M::PUBLIC,
    }
}

/// A stored object being changed: as it was loaded, and (through `Deref`) as it will be saved.
pub struct Edit<M> {
    before: M,
    after: M,
}

impl<M: Audited> Edit<M> {
    /// A change to `row` made on the client's `expected` version: CONFLICT when the row has moved
    /// on since.
    pub fn based_on(row: M, expected: i32) -> ApiResult<Self> {
        check_version(expected, row.stamps().2, &format!("the {}", M::WHAT))?;
        Ok(Self::of(row))
    }

    /// A change to `row` that does not depend on the version the client saw (a link added or
    /// removed, a token revoked).
    pub fn of(row: M) -> Self {
        Self {
            after: row.clone(),
            before: row,
        }
    }

    /// The object as it was loaded.
    pub fn before(&self) -> &M {
        &self.before
    }
}

impl<M> Deref for Edit<M> {
    type Target = M;

    fn deref(&self) -> &M {
        &self.after
    }
}

impl<M> DerefMut for Edit<M> {
    fn deref_mut(&mut self) -> &mut M {
        &mut self.after
    }
}

impl WriteTransaction {
    /// Loads the object with key `id` for a change, or NOT_FOUND naming what it is.
    pub async fn load_object<M: Audited>(&self, id: Uuid) -> ApiResult<M>
    where
        <<M::Entity as EntityTrait>::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<Uuid>,
    {
        M::Entity::find_by_id(id)
            .one(&self.txn)
            .await?
            .ok_or_else(|| ApiError::NotFound {
                what: M::WHAT.to_owned(),
            })
    }

    /// Loads the object with key `id` for a change made on the client's `version`: NOT_FOUND, or
    /// CONFLICT when it has moved on since.
    pub async fn edit<M: Audited>(&self, id: Uuid, version: i32) -> ApiResult<Edit<M>>
    where
        <<M::Entity as EntityTrait>::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<Uuid>,
    {
        Edit::based_on(self.load_object(id).await?, version)
    }

    /// Stores a row that is part of an object (a name, an identifier, a link), created now.
    pub async fn insert<M>(&self, mut row: M) -> ApiResult<M>
    where
        M: Row + IntoActiveModel<M::Active>,
    {
        row.stamp_new(self.now);
        Ok(M::Active::from(row).reset_all().insert(&self.txn).await?)
    }

    /// Stores a changed part of an object (`stored` as it was), one version on; the object's own
    /// change records it.
    pub async fn update_part<M>(&self, stored: &M, mut row: M) -> ApiResult<M>
    where
        M: Row + IntoActiveModel<M::Active>,
    {
        row.stamp_after(stored, self.now);
        Ok(M::Active::from(row).reset_all().update(&self.txn).await?)
    }

    /// Stores a new object, created now at version 1, and records its creation.
    pub async fn create<M>(&mut self, row: M) -> ApiResult<M>
    where
        M: Audited + IntoActiveModel<M::Active>,
    {
        let created = self.insert(row).await?;
        self.audit(change(&created, M::CREATED, None)).await?;
        Ok(created)
    }

    /// Stores a changed object, one version on, changed now, and records `action` on it.
    pub async fn save<M>(&mut self, edit: Edit<M>, action: Action) -> ApiResult<M>
    where
        M: Audited + IntoActiveModel<M::Active>,
    {
        let Edit { before, mut after } = edit;
        after.stamp_after(&before, self.now);
        let saved = M::Active::from(after).reset_all().update(&self.txn).await?;
        self.audit(change(&saved, action, Some(&before))).await?;
        Ok(saved)
    }
}
