//! Reading plan items, and what makes an item live: active, in a plan that is not withdrawn.

use entity::{
    enums::{PlanItemKind, PlanItemStatus, ResponsibilityRole},
    plan, plan_item, plan_item_target_group, responsibility,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
    sea_query::Expr,
};

use uuid::Uuid;

use super::{
    lookup,
    pagination::{KeyKind, KeyValue, Page, PageRequest, paginate},
    search::matching,
};
use crate::error::ApiResult;

/// Narrows `planItems`; empty fields match everything.
#[derive(Debug, Default, Clone)]
pub struct PlanItemFilter {
    /// Code of the plan.
    pub plan: Option<String>,
    /// Kind of item.
    pub kind: Option<PlanItemKind>,
    /// Canonical code of the parent item.
    pub parent: Option<String>,
    /// Active (live) or withdrawn (withdrawn itself, or in a withdrawn plan).
    pub status: Option<PlanItemStatus>,
    /// Without `status`: also withdrawn items and the items of withdrawn plans.
    pub include_withdrawn: bool,
    /// Code of a target group the items serve.
    pub target_group: Option<String>,
    /// Code or identifier of an organisation responsible for the items (in `role`, if given).
    pub organisation: Option<String>,
    /// Role of the responsible organisation.
    pub role: Option<ResponsibilityRole>,
    /// ISO code of the region whose plans the items belong to.
    pub region: Option<String>,
    /// Words that must all appear in the code or title (either language, any case).
    pub search: Option<String>,
}

/// The keys of the withdrawn plans, as a subquery.
fn withdrawn_plans() -> sea_orm::sea_query::SelectStatement {
    plan::Entity::find()
        .select_only()
        .column(plan::Column::Id)
        .filter(plan::Column::WithdrawnAt.is_not_null())
        .into_query()
}

/// Items in force: active, in a plan that is not withdrawn. (An item cannot be withdrawn while it
/// has active children, so an item's own status and its plan's settle whether it is live.)
pub fn live_items() -> Condition {
    Condition::all()
        .add(plan_item::Column::Status.eq(PlanItemStatus::Active))
        .add(plan_item::Column::PlanId.not_in_subquery(withdrawn_plans()))
}

/// Items no longer in force: withdrawn themselves, or in a withdrawn plan.
pub fn withdrawn_items() -> Condition {
    Condition::any()
        .add(plan_item::Column::Status.eq(PlanItemStatus::Withdrawn))
        .add(plan_item::Column::PlanId.in_subquery(withdrawn_plans()))
}

/// Whether `item` of `plan` is live: active, and its plan not withdrawn.
pub fn is_live(item: &plan_item::Model, plan: Option<&plan::Model>) -> bool {
    item.status == PlanItemStatus::Active && plan.is_none_or(|p| p.withdrawn_at.is_none())
}

/// Items of the plan with `code`.
pub async fn of_plan(db: &impl ConnectionTrait, code: &str) -> ApiResult<Condition> {
    Ok(lookup::equals_key(
        plan_item::Column::PlanId,
        lookup::plan_id(db, code).await?,
    ))
}

/// Items of the plans of the region with ISO `code`.
pub async fn of_region(db: &impl ConnectionTrait, code: &str) -> ApiResult<Condition> {
    let plans = plan::Entity::find()
        .select_only()
        .column(plan::Column::Id)
        .filter(lookup::equals_key(
            plan::Column::RegionId,
            lookup::region_id(db, code).await?,
        ));
    Ok(Condition::all().add(plan_item::Column::PlanId.in_subquery(plans.into_query())))
}

/// A page of plan items matching `filter`, by number then code.
pub async fn list_plan_items(
    db: &impl ConnectionTrait,
    filter: &PlanItemFilter,
    page: &PageRequest,
) -> ApiResult<Page<plan_item::Model>> {
    let mut query = plan_item::Entity::find();
    if let Some(code) = &filter.plan {
        query = query.filter(of_plan(db, code).await?);
    }
    if let Some(kind) = filter.kind {
        query = query.filter(plan_item::Column::Kind.eq(kind));
    }
    match filter.status {
        Some(PlanItemStatus::Active) => query = query.filter(live_items()),
        Some(PlanItemStatus::Withdrawn) => query = query.filter(withdrawn_items()),
        None if !filter.include_withdrawn => query = query.filter(live_items()),
        None => {}
    }
    if let Some(code) = &filter.parent {
        query = query.filter(lookup::equals_key(
            plan_item::Column::ParentId,
            lookup::plan_item_id(db, code).await?,
        ));
    }
    if let Some(code) = &filter.target_group {
        let group = lookup::target_group_id(db, code).await?;
        let items = plan_item_target_group::Entity::find()
            .select_only()
            .column(plan_item_target_group::Column::PlanItemId)
            .filter(lookup::equals_key(
                plan_item_target_group::Column::TargetGroupId,
                group,
            ));
        query = query.filter(plan_item::Column::Id.in_subquery(items.into_query()));
    }
    if filter.organisation.is_some() || filter.role.is_some() {
        let mut items = responsibility::Entity::find()
            .select_only()
            .column(responsibility::Column::PlanItemId);
        if let Some(code) = &filter.organisation {
            let organisation = lookup::organisation_id(db, code).await?;
            items = items.filter(lookup::equals_key(
                responsibility::Column::OrganisationId,
                organisation,
            ));
        }
        if let Some(role) = filter.role {
            items = items.filter(responsibility::Column::Role.eq(role));
        }
        query = query.filter(plan_item::Column::Id.in_subquery(items.into_query()));
    }
    if let Some(code) = &filter.region {
        query = query.filter(of_region(db, code).await?);
    }
    let query = matching(query, plan_item::Column::SearchText, filter.search.as_deref())?;
    paginate(
        db,
        query,
        &LIST_KEY_COLUMNS.map(Expr::col),
        &LIST_KEY_KINDS,
        list_key,
        page,
    )
    .await
}

/// The columns of [`list_key`].
pub const LIST_KEY_COLUMNS: [plan_item::Column; 2] = [plan_item::Column::SortKey, plan_item::Column::Code];

/// The kinds of the values of [`list_key`].
pub const LIST_KEY_KINDS: [KeyKind; 2] = [KeyKind::Text, KeyKind::Text];

/// An item's place in `planItems`: its sort key, then its code.
pub fn list_key(item: &plan_item::Model) -> Vec<KeyValue> {
    vec![
        KeyValue::from(item.sort_key.as_str()),
        KeyValue::from(item.code.as_str()),
    ]
}

/// The plan item with canonical `code`, if there is one.
pub async fn find_plan_item_by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> ApiResult<Option<plan_item::Model>> {
    lookup::by_code::<plan_item::Entity>(db, plan_item::Column::Code, code).await
}

/// The items of the plan with key `plan`, by sort key.
pub async fn items_of_plan(db: &impl ConnectionTrait, plan: Uuid) -> ApiResult<Vec<plan_item::Model>> {
    lookup::rows_with(
        db,
        plan_item::Column::PlanId,
        plan,
        Some(plan_item::Column::SortKey),
    )
    .await
}
