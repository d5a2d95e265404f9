//! The `audit_events` table: one row per acknowledged write, numbered by the registry's change
//! sequence. Public rows also form the change feed.

use sea_orm::entity::prelude::*;

/// One row of `audit_events`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    /// Immutable key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Position in the registry's change sequence: gapless, in commit order.
    pub sequence: i64,
    /// When the write happened.
    pub occurred_at: DateTimeUtc,
    /// The organisation that made the write; empty for the operator's command line.
    pub organisation_id: Option<Uuid>,
    /// The token used; empty for the command line.
    pub token_id: Option<Uuid>,
    /// `token:<jti>` or `cli`.
    pub actor: String,
    /// GraphQL type name of the changed object, e.g. `PlanItem`.
    pub entity_type: String,
    /// Key of the changed object.
    pub entity_id: Uuid,
    /// Human code of the changed object, when it has one.
    pub entity_code: Option<String>,
    /// CREATE, UPDATE, WITHDRAW, LINK, UNLINK, ISSUE or REVOKE.
    pub action: String,
    /// The object's version after the write.
    pub entity_version: i32,
    /// The object before the write, as JSON.
    #[sea_orm(column_type = "Text")]
    pub before: Option<String>,
    /// The object after the write, as JSON.
    #[sea_orm(column_type = "Text")]
    pub after: Option<String>,
    /// Whether the change belongs to the public change feed (changes to the canonical structure).
    pub public: bool,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Always 1: audit rows never change.
    pub version: i32,
}

/// `audit_events` points to no rows through relations declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
