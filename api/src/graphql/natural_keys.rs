//! Lookups by the natural keys other systems hold: codes and org-id identifiers. A federation
//! router resolves many entities in one `_entities` request; every key of one kind in it is found
//! with one statement, and the rows themselves then come through the by-id loaders.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::{indicator, organisation, organisation_identifier, plan, plan_item, region, target_group};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use super::loaders::LoadError;

/// Which natural key a lookup uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NaturalKey {
    /// A plan's code, e.g. `UA-NAP-2021-2025`.
    PlanCode,
    /// A plan item's canonical code, e.g. `UA-NAP-2021-2025/3.1`.
    PlanItemCode,
    /// An indicator's canonical code.
    IndicatorCode,
    /// A target group's code.
    TargetGroupCode,
    /// An organisation's registry code.
    OrganisationCode,
    /// One of an organisation's org-id identifiers, e.g. `UA-EDR-00013480`.
    OrganisationIdentifier,
    /// A region's ISO 3166-2:UA code.
    RegionCode,
}

/// The id of the row each natural key names.
pub struct IdsByNaturalKey(DatabaseConnection);

impl IdsByNaturalKey {
    /// The loader over `db`.
    pub fn new(db: &DatabaseConnection) -> Self {
        Self(db.clone())
    }
}

/// `(id, key)` of the rows of `E` whose `key_column` is one of `keys`.
async fn ids_by<E: EntityTrait>(
    db: &DatabaseConnection,
    id_column: E::Column,
    key_column: E::Column,
    keys: Vec<String>,
) -> Result<Vec<(Uuid, String)>, DbErr> {
    E::find()
        .select_only()
        .column(id_column)
        .column(key_column)
        .filter(key_column.is_in(keys))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await
}

/// `(id, canonical code)` of the indicators named by canonical codes (`<item code>/<own code>`):
/// the items in one statement, their indicators in another.
async fn indicator_ids(db: &DatabaseConnection, codes: Vec<String>) -> Result<Vec<(Uuid, String)>, DbErr> {
    let split: Vec<(&str, &str)> = codes
        .iter()
        .filter_map(|code| code.rsplit_once(crate::domain::numbering::CODE_SEPARATOR))
        .collect();
    let item_codes: Vec<String> = split.iter().map(|(item, _)| (*item).to_owned()).collect();
    let items: HashMap<Uuid, String> =
        ids_by::<plan_item::Entity>(db, plan_item::Column::Id, plan_item::Column::Code, item_codes)
            .await?
            .into_iter()
            .collect();
    let own_codes: Vec<String> = split.iter().map(|(_, own)| (*own).to_owned()).collect();
    let indicators: Vec<(Uuid, Uuid, String)> = indicator::Entity::find()
        .select_only()
        .column(indicator::Column::Id)
        .column(indicator::Column::PlanItemId)
        .column(indicator::Column::Code)
        .filter(indicator::Column::PlanItemId.is_in(items.keys().copied()))
        .filter(indicator::Column::Code.is_in(own_codes))
        .into_tuple()
        .all(db)
        .await?;
    Ok(indicators
        .into_iter()
        .filter_map(|(id, item, own)| {
            let item_code = items.get(&item)?;
            Some((
                id,
                format!("{item_code}{}{own}", crate::domain::numbering::CODE_SEPARATOR),
            ))
        })
        .collect())
}

impl Loader<(NaturalKey, String)> for IdsByNaturalKey {
    type Value = Uuid;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[(NaturalKey, String)],
    ) -> Result<HashMap<(NaturalKey, String), Uuid>, LoadError> {
        let mut by_kind: HashMap<NaturalKey, Vec<String>> = HashMap::new();
        for (kind, key) in keys {
            by_kind.entry(*kind).or_default().push(key.clone());
        }
        let db = &self.0;
        let mut found = HashMap::with_capacity(keys.len());
        for (kind, keys) in by_kind {
            use NaturalKey as K;
            let rows = match kind {
                K::PlanCode => ids_by::<plan::Entity>(db, plan::Column::Id, plan::Column::Code, keys).await,
                K::PlanItemCode => {
                    ids_by::<plan_item::Entity>(db, plan_item::Column::Id, plan_item::Column::Code, keys)
                        .await
                }
                K::IndicatorCode => indicator_ids(db, keys).await,
                K::TargetGroupCode => {
                    ids_by::<target_group::Entity>(
                        db,
                        target_group::Column::Id,
                        target_group::Column::Code,
                        keys,
                    )
                    .await
                }
                K::OrganisationCode => {
                    ids_by::<organisation::Entity>(
                        db,
                        organisation::Column::Id,
                        organisation::Column::Code,
                        keys,
                    )
                    .await
                }
                K::OrganisationIdentifier => {
                    ids_by::<organisation_identifier::Entity>(
                        db,
                        organisation_identifier::Column::OrganisationId,
                        organisation_identifier::Column::Identifier,
                        keys,
                    )
                    .await
                }
                K::RegionCode => {
                    ids_by::<region::Entity>(db, region::Column::Id, region::Column::Code, keys).await
                }
            }
            .map_err(std::sync::Arc::new)?;
            found.extend(rows.into_iter().map(|(id, key)| ((kind, key), id)));
        }
        Ok(found)
    }
}
