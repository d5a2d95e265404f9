//! The `plan_legal_acts` table: which legal acts approve, amend or repeal which plans.

use crate::enums::PlanActRole;
use sea_orm::entity::prelude::*;

/// One row of `plan_legal_acts`. Which legal acts approve, amend or repeal which plans.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "plan_legal_acts")]
pub struct Model {
    /// Immutable key; never changes and is never reused.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The plan.
    pub plan_id: Uuid,
    /// The act.
    pub legal_act_id: Uuid,
    /// What the act does to the plan.
    pub role: PlanActRole,
    /// When the row was created.
    pub created_at: DateTimeUtc,
    /// When the row was last changed.
    pub updated_at: DateTimeUtc,
    /// Starts at 1 and grows by one on every change (optimistic concurrency).
    pub version: i32,
}

/// The rows of other tables that `plan_legal_acts` points to.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The row `plan_id` refers to.
    #[sea_orm(
        belongs_to = "super::plan::Entity",
        from = "Column::PlanId",
        to = "super::plan::Column::Id"
    )]
    Plan,
    /// The row `legal_act_id` refers to.
    #[sea_orm(
        belongs_to = "super::legal_act::Entity",
        from = "Column::LegalActId",
        to = "super::legal_act::Column::Id"
    )]
    LegalAct,
}

impl ActiveModelBehavior for ActiveModel {}
