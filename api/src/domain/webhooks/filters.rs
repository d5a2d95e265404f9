//! Which changes an endpoint receives. A change passes when it passes every list the endpoint
//! gives (an empty list lets everything through):
//! - object types: the change's `entityType` is one of them;
//! - plans: the change is to one of the plans, or to an item or indicator of one (their codes
//!   start with `<plan code>/`);
//! - regions: the change is to one of the regions, or to a plan of one of them or its items and
//!   indicators;
//! - organisations: the change is to one of the organisations, to a plan one of them owns or its
//!   items and indicators, or to a project link one of them owns.

use entity::{audit_event, organisation, plan, project_link, region, webhook_endpoint};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::split;
use crate::error::ApiResult;

/// An endpoint's filters, with the plans its regions and organisations stand for.
#[derive(Debug, Clone, Default)]
pub struct Matcher {
    types: Vec<String>,
    plans: Vec<String>,
    regions: Option<Scoped>,
    organisations: Option<Scoped>,
}

/// Codes of objects, the plans they stand for, and (for organisations) their keys.
#[derive(Debug, Clone, Default)]
struct Scoped {
    codes: Vec<String>,
    plans: Vec<String>,
    ids: Vec<Uuid>,
}

impl Scoped {
    /// The objects with `codes` (read through their `(key, code)` columns) and the plans
    /// `plan_column` ties to them; none when no code is given.
    async fn of<E: EntityTrait>(
        db: &impl ConnectionTrait,
        codes: Vec<String>,
        (key, code): (E::Column, E::Column),
        plan_column: plan::Column,
    ) -> ApiResult<Option<Self>> {
        if codes.is_empty() {
            return Ok(None);
        }
        let ids: Vec<Uuid> = E::find()
            .select_only()
            .column(key)
            .filter(code.is_in(codes.clone()))
            .into_tuple()
            .all(db)
            .await?;
        let plans = plan_codes(db, plan_column, &ids).await?;
        Ok(Some(Self { codes, plans, ids }))
    }
}

impl Matcher {
    /// The filters of `endpoint`, resolved against the registry as it is now.
    pub async fn of(db: &impl ConnectionTrait, endpoint: &webhook_endpoint::Model) -> ApiResult<Self> {
        let regions = Scoped::of::<region::Entity>(
            db,
            split(&endpoint.region_codes),
            (region::Column::Id, region::Column::Code),
            plan::Column::RegionId,
        )
        .await?;
        let organisations = Scoped::of::<organisation::Entity>(
            db,
            split(&endpoint.organisation_codes),
            (organisation::Column::Id, organisation::Column::Code),
            plan::Column::OwnerOrganisationId,
        )
        .await?;
        Ok(Self {
            types: split(&endpoint.entity_types),
            plans: split(&endpoint.plan_codes),
            regions,
            organisations,
        })
    }

    /// Whether the endpoint receives `event`.
    pub async fn matches(&self, db: &impl ConnectionTrait, event: &audit_event::Model) -> ApiResult<bool> {
        if !self.types.is_empty() && !self.types.contains(&event.entity_type) {
            return Ok(false);
        }
        let plan = plan_of(event);
        let code = event.entity_code.as_deref();
        if !self.plans.is_empty() && !plan.is_some_and(|p| self.plans.iter().any(|c| c == p)) {
            return Ok(false);
        }
        if let Some(regions) = &self.regions {
            let own =
                event.entity_type == "Region" && code.is_some_and(|c| regions.codes.iter().any(|r| r == c));
            if !own && !plan.is_some_and(|p| regions.plans.iter().any(|c| c == p)) {
                return Ok(false);
            }
        }
        if let Some(organisations) = &self.organisations {
            let own = event.entity_type == "Organisation"
                && code.is_some_and(|c| organisations.codes.iter().any(|o| o == c));
            let owns_plan = plan.is_some_and(|p| organisations.plans.iter().any(|c| c == p));
            let owns_project = event.entity_type == "ProjectLink"
                && project_link::Entity::find_by_id(event.entity_id)
                    .one(db)
                    .await?
                    .is_some_and(|p| organisations.ids.contains(&p.owner_organisation_id));
            if !(own || owns_plan || owns_project) {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// The plan a change of a plan, plan item or indicator belongs to, by code.
fn plan_of(event: &audit_event::Model) -> Option<&str> {
    let code = event.entity_code.as_deref()?;
    match event.entity_type.as_str() {
        "Plan" => Some(code),
        "PlanItem" | "Indicator" => code.split('/').next(),
        _ => None,
    }
}

async fn plan_codes(db: &impl ConnectionTrait, column: plan::Column, ids: &[Uuid]) -> ApiResult<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(plan::Entity::find()
        .select_only()
        .column(plan::Column::Code)
        .filter(column.is_in(ids.to_vec()))
        .into_tuple()
        .all(db)
        .await?)
}
