//! The `organisations` export: one row per organisation with its kind, names, org-id
//! identifiers, region, and the codes of its predecessors and successors.

use std::collections::HashMap;

use entity::{organisation, organisation_identifier, organisation_succession, region};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, sea_query::Expr};
use uuid::Uuid;

use super::{Cell, ExportFilter, RowWriter, by_id, by_ids, joined, keyset::Pages, status};
use crate::{
    domain::{lookup, pagination::KeyValue},
    error::ApiResult,
};

/// The header row.
pub const COLUMNS: &[&str] = &[
    "code",
    "kind",
    "name_uk",
    "name_en",
    "identifiers",
    "region_code",
    "region_name",
    "predecessor_codes",
    "successor_codes",
    "status",
];

/// Writes the rows.
pub async fn export(db: &DatabaseConnection, filter: &ExportFilter, out: &mut RowWriter) -> ApiResult<()> {
    let lang = filter.lang;
    let mut query = organisation::Entity::find();
    if let Some(code) = &filter.region {
        query = query.filter(lookup::equals_key(
            organisation::Column::RegionId,
            lookup::region_id(db, code).await?,
        ));
    }
    if !filter.include_withdrawn {
        query = query.filter(organisation::Column::WithdrawnAt.is_null());
    }
    let regions: HashMap<Uuid, region::Model> = by_id(db, region::Entity::find()).await?;
    let mut pages = Pages::new(query, vec![Expr::col(organisation::Column::Code)], |o| {
        vec![KeyValue::from(o.code.as_str())]
    });
    while let Some(page) = pages.next(db).await? {
        let ids: Vec<Uuid> = page.iter().map(|o| o.id).collect();
        let identifiers = lookup::rows_among(
            db,
            organisation_identifier::Column::OrganisationId,
            ids.clone(),
            Some(organisation_identifier::Column::Identifier),
        )
        .await?;
        let successions = organisation_succession::Entity::find()
            .filter(
                Condition::any()
                    .add(organisation_succession::Column::PredecessorId.is_in(ids.clone()))
                    .add(organisation_succession::Column::SuccessorId.is_in(ids)),
            )
            .all(db)
            .await?;
        let others: HashMap<Uuid, organisation::Model> = by_ids(
            db,
            successions
                .iter()
                .flat_map(|s| [s.predecessor_id, s.successor_id]),
        )
        .await?;
        for body in page {
            let codes = |ids: Vec<Uuid>| {
                let mut found: Vec<&str> = ids
                    .iter()
                    .filter_map(|id| others.get(id).map(|o| o.code.as_str()))
                    .collect();
                found.sort_unstable();
                joined(found)
            };
            let predecessors = successions
                .iter()
                .filter(|s| s.successor_id == body.id)
                .map(|s| s.predecessor_id)
                .collect();
            let successors = successions
                .iter()
                .filter(|s| s.predecessor_id == body.id)
                .map(|s| s.successor_id)
                .collect();
            let region = body.region_id.and_then(|r| regions.get(&r));
            out.row(vec![
                Cell::from(body.code.as_str()),
                Cell::from(body.kind.as_wire()),
                Cell::text(body.name_uk.clone()),
                Cell::text(body.name_en.clone()),
                joined(
                    identifiers
                        .iter()
                        .filter(|i| i.organisation_id == body.id)
                        .map(|i| i.identifier.as_str()),
                ),
                Cell::text(region.map(|r| r.code.clone())),
                Cell::text(region.map(|r| lang.pick(Some(&r.name_uk), Some(&r.name_en)))),
                codes(predecessors),
                codes(successors),
                status(body.withdrawn_at.is_some()),
            ])
            .await?;
        }
    }
    Ok(())
}
