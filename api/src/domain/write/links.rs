//! Links between objects: an item's target groups, responsibilities and `implements` links, and a
//! project's plan items. A link change is a change of the item (or project) that owns it: it
//! grows that object's version and is audited on it as LINK or UNLINK.

use entity::{
    enums::{PlanLevel, ResponsibilityRole, VocabularyStatus},
    plan_item, plan_item_implementation, plan_item_target_group, project_link, project_plan_item,
    responsibility,
};
use sea_orm::{ActiveModelTrait, IntoActiveModel};

use super::prelude::*;
use super::{
    plan_items::editable_item,
    rows::{Audited, Row},
};

/// Whether a link is being added or removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkChange {
    /// Add the link (adding an existing link is an error).
    Link,
    /// Remove the link (removing a missing link is an error).
    Unlink,
}

impl LinkChange {
    fn action(self) -> Action {
        match self {
            Self::Link => Action::Link,
            Self::Unlink => Action::Unlink,
        }
    }
}

fn already(field: &str, what: &str) -> ApiError {
    ApiError::invalid(field, format!("{what} is already linked"))
}

fn missing(field: &str, what: &str) -> ApiError {
    ApiError::invalid(field, format!("{what} is not linked"))
}

/// Adds the link row `new_row` makes for `owner`, or deletes the `current` one, and records the
/// change on `owner`: one version on, audited as LINK or UNLINK. Adding a link that exists, or
/// removing one that does not, is refused on `field`, naming `what`.
async fn apply<M, R>(
    write: &mut WriteTransaction,
    owner: M,
    change: LinkChange,
    current: Option<R>,
    field: &str,
    what: &str,
    new_row: impl FnOnce(&M) -> R,
) -> ApiResult<M>
where
    M: Audited + IntoActiveModel<M::Active>,
    R: Row + IntoActiveModel<R::Active>,
{
    match (change, current) {
        (LinkChange::Link, Some(_)) => return Err(already(field, what)),
        (LinkChange::Unlink, None) => return Err(missing(field, what)),
        (LinkChange::Link, None) => {
            write.insert(new_row(&owner)).await?;
        }
        (LinkChange::Unlink, Some(row)) => {
            R::Active::from(row).delete(&write.txn).await?;
        }
    }
    write.save(Edit::of(owner), change.action()).await
}

/// Links or unlinks a target group (by code) and a plan item (by canonical code).
pub async fn target_group(
    write: &mut WriteTransaction,
    item: &str,
    group: &str,
    change: LinkChange,
) -> ApiResult<plan_item::Model> {
    let (item, _) = editable_item(write, "input.planItem", item).await?;
    let group = group_by_code(&write.txn, "input.targetGroup", group).await?;
    let link = plan_item_target_group::Entity::find()
        .filter(plan_item_target_group::Column::PlanItemId.eq(item.id))
        .filter(plan_item_target_group::Column::TargetGroupId.eq(group.id))
        .one(&write.txn)
        .await?;
    if change == LinkChange::Link && link.is_none() && group.status == VocabularyStatus::Withdrawn {
        return Err(ApiError::invalid(
            "input.targetGroup",
            format!("target group `{}` is withdrawn", group.code),
        ));
    }
    let what = format!("target group `{}`", group.code);
    apply(write, item, change, link, "input.targetGroup", &what, |item| {
        new_row!(plan_item_target_group::Model {
            id: new_id(),
            plan_item_id: item.id,
            target_group_id: group.id,
        })
    })
    .await
}

/// Adds or removes an organisation's responsibility for a plan item.
pub async fn responsibility(
    write: &mut WriteTransaction,
    item: &str,
    organisation: &str,
    role: ResponsibilityRole,
    change: LinkChange,
) -> ApiResult<plan_item::Model> {
    let (item, _) = editable_item(write, "input.planItem", item).await?;
    let organisation = organisation_by_key(&write.txn, "input.organisation", organisation).await?;
    let link = responsibility::Entity::find()
        .filter(responsibility::Column::PlanItemId.eq(item.id))
        .filter(responsibility::Column::OrganisationId.eq(organisation.id))
        .filter(responsibility::Column::Role.eq(role))
        .one(&write.txn)
        .await?;
    let what = format!("`{}` as {}", organisation.code, role.as_wire());
    apply(write, item, change, link, "input.organisation", &what, |item| {
        new_row!(responsibility::Model {
            id: new_id(),
            plan_item_id: item.id,
            organisation_id: organisation.id,
            role,
        })
    })
    .await
}

/// Which items an item of a plan at `level` may implement: a regional or departmental item
/// implements national items; a local (community) item national items or items of its region's
/// regional plan. Because each step goes strictly down a level, `implements` links form no cycle.
pub fn may_implement(level: PlanLevel, target: PlanLevel) -> bool {
    match level {
        PlanLevel::National => false,
        PlanLevel::Regional | PlanLevel::Departmental => target == PlanLevel::National,
        PlanLevel::Local => matches!(target, PlanLevel::National | PlanLevel::Regional),
    }
}

/// Links or unlinks an item and an item it implements (by canonical code): a regional,
/// departmental or local item and a national item, or a local (community) item and an item of the
/// regional plan of its own region (see [`may_implement`]). Wrong levels, another region's plan,
/// and a national plan other than the one the plan localizes are refused on `input.implements`.
pub async fn implementation(
    write: &mut WriteTransaction,
    item: &str,
    national: &str,
    change: LinkChange,
) -> ApiResult<plan_item::Model> {
    let (item, plan) = editable_item(write, "input.planItem", item).await?;
    if plan.level == PlanLevel::National {
        return Err(ApiError::invalid(
            "input.planItem",
            "a national item implements no other item",
        ));
    }
    let target = item_by_code(&write.txn, "input.implements", national).await?;
    let target_plan = write.load_object::<entity::plan::Model>(target.plan_id).await?;
    // Unlinking is always allowed, so a link made under older rules can be removed.
    if change == LinkChange::Link {
        check_implements(&plan, &target_plan, national)?;
    }
    let link = plan_item_implementation::Entity::find()
        .filter(plan_item_implementation::Column::ImplementingItemId.eq(item.id))
        .filter(plan_item_implementation::Column::ImplementedItemId.eq(target.id))
        .one(&write.txn)
        .await?;
    let what = format!("`{national}`");
    apply(write, item, change, link, "input.implements", &what, |item| {
        new_row!(plan_item_implementation::Model {
            id: new_id(),
            implementing_item_id: item.id,
            implemented_item_id: target.id,
        })
    })
    .await
}

/// Whether an item of `plan` may implement `code`, an item of `target`.
fn check_implements(plan: &entity::plan::Model, target: &entity::plan::Model, code: &str) -> ApiResult<()> {
    const FIELD: &str = "input.implements";
    if !may_implement(plan.level, target.level) {
        let allowed = if plan.level == PlanLevel::Local {
            "an item of a national plan or of its region's regional plan"
        } else {
            "an item of a national plan"
        };
        return Err(ApiError::invalid(
            FIELD,
            format!(
                "`{code}` is an item of a {} plan; a {} item implements {allowed}",
                target.level.as_wire().to_lowercase(),
                plan.level.as_wire().to_lowercase()
            ),
        ));
    }
    match target.level {
        PlanLevel::National => {
            if plan.parent_plan_id.is_some_and(|parent| parent != target.id) {
                return Err(ApiError::invalid(
                    FIELD,
                    format!("`{code}` is not in the plan {} localizes", plan.code),
                ));
            }
        }
        _ => {
            if plan.region_id.is_none() || plan.region_id != target.region_id {
                return Err(ApiError::invalid(
                    FIELD,
                    format!(
                        "`{code}` is an item of another region's plan; a community item implements items of its own region's regional plan"
                    ),
                ));
            }
            if plan.parent_plan_id.is_some()
                && target.parent_plan_id.is_some()
                && plan.parent_plan_id != target.parent_plan_id
            {
                return Err(ApiError::invalid(
                    FIELD,
                    format!("`{code}` localizes another national plan than {} does", plan.code),
                ));
            }
        }
    }
    Ok(())
}

/// Links or unlinks a project link (by key) and a plan item (by canonical code).
pub async fn project_item(
    write: &mut WriteTransaction,
    project: Uuid,
    item: &str,
    change: LinkChange,
) -> ApiResult<project_link::Model> {
    let before = write.load_object::<project_link::Model>(project).await?;
    write
        .actor
        .require_owner(Scope::ProjectsWrite, before.owner_organisation_id)?;
    let item = item_by_code(&write.txn, "input.planItem", item).await?;
    let link = project_plan_item::Entity::find()
        .filter(project_plan_item::Column::ProjectLinkId.eq(project))
        .filter(project_plan_item::Column::PlanItemId.eq(item.id))
        .one(&write.txn)
        .await?;
    let what = format!("`{}`", item.code);
    apply(write, before, change, link, "input.planItem", &what, |project| {
        new_row!(project_plan_item::Model {
            id: new_id(),
            project_link_id: project.id,
            plan_item_id: item.id,
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::may_implement;
    use entity::enums::PlanLevel::{Departmental, Local, National, Regional};

    #[test]
    fn may_implement_goes_down_one_level_at_a_time_so_links_form_no_cycle() {
        let levels = [National, Regional, Departmental, Local];
        let allowed: Vec<_> = levels
            .iter()
            .flat_map(|a| levels.iter().map(move |b| (*a, *b)))
            .filter(|(a, b)| may_implement(*a, *b))
            .collect();
        assert_eq!(
            allowed,
            vec![
                (Regional, National),
                (Departmental, National),
                (Local, National),
                (Local, Regional)
            ]
        );
    }
}
