//! What the landing page (`/`) says, read from the database: the national plans in force with
//! their coverage counts, and the target-group vocabularies. No HTTP here.

use entity::{enums::PlanLevel, plan, vocabulary};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use super::{
    coverage_page::{StatusCount, counts},
    resource::Texts,
    uri::PublicUrl,
};
use crate::{domain::coverage::plan_coverage, error::ApiResult};

/// A national plan on the landing page, with its coverage counts.
#[derive(Debug, Clone, Serialize)]
pub struct PlanSummary {
    /// Code.
    pub code: String,
    /// Address.
    pub uri: String,
    /// Titles.
    pub title: Texts,
    /// Period.
    pub period: String,
    /// Stored status.
    pub status: &'static str,
    /// Its coverage page.
    pub coverage: String,
    /// Its codelist.
    pub vocabulary: String,
    /// Counts per status (statuses with no region left out).
    pub counts: Vec<StatusCount>,
}

/// What the landing page lists: the national plans in force with their coverage, and the
/// target-group vocabularies.
#[derive(Debug, Clone, Serialize)]
pub struct Landing {
    /// National plans by code.
    pub plans: Vec<PlanSummary>,
    /// Vocabulary codes with their addresses.
    pub vocabularies: Vec<(String, String)>,
}

/// Reads the landing page.
pub async fn read_landing(db: &impl ConnectionTrait, base: &PublicUrl) -> ApiResult<Landing> {
    let nationals = plan::Entity::find()
        .filter(plan::Column::Level.eq(PlanLevel::National))
        .filter(plan::Column::WithdrawnAt.is_null())
        .order_by_asc(plan::Column::Code)
        .all(db)
        .await?;
    let mut plans = Vec::with_capacity(nationals.len());
    for national in nationals {
        let coverage = plan_coverage(db, &national).await?;
        plans.push(PlanSummary {
            uri: base.plan(&national.code),
            title: Texts::from(national.title_uk.as_deref(), national.title_en.as_deref()),
            period: format!("{}–{}", national.start_year, national.end_year),
            status: national.status.as_wire(),
            coverage: base.at(&format!("/coverage/{}", super::uri::segment(&national.code))),
            vocabulary: base.vocabulary(&national.code),
            counts: counts(&coverage).into_iter().filter(|c| c.count > 0).collect(),
            code: national.code,
        });
    }
    let vocabularies = vocabulary::Entity::find()
        .order_by_asc(vocabulary::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|v| {
            let uri = base.vocabulary(&v.code);
            (v.code, uri)
        })
        .collect();
    Ok(Landing { plans, vocabularies })
}
