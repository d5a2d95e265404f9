//! The indicators of the file applied, with their baselines and targets; indicators missing from
//! the file withdrawn when asked.

use std::collections::{BTreeMap, BTreeSet};

use entity::{enums::IndicatorValueKind, indicator, indicator_value, plan, plan_item};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::domain::import::plan::{
    parse::{IndicatorRow, Parsed},
    report::{Outcome, RowReport},
};
use crate::domain::lookup::rows_with;
use crate::{
    domain::{
        audit::WriteTransaction,
        write::indicators::{self as indicator_writes, IndicatorChanges, NewIndicator, NewIndicatorValue},
    },
    error::ApiResult,
};

use super::{Applied, WITHDRAWAL_REASON, at, left_out};

/// The indicators of the file, each applied, then those of the plan that the file leaves out
/// (withdrawn when `withdraw_missing`).
pub(super) async fn apply_indicators(
    write: &mut WriteTransaction,
    plan: &plan::Model,
    parsed: &Parsed,
    withdraw_missing: bool,
    rows: &mut Vec<RowReport>,
) -> Applied<()> {
    let mut in_file = BTreeSet::new();
    for row in &parsed.indicators {
        let item_code = row.item.canonical_code(&plan.code);
        in_file.insert(format!("{item_code}/{}", row.code));
        let outcome = apply_indicator(write, &item_code, row)
            .await
            .map_err(at("indicators", Some(row.row)))?;
        rows.push(RowReport {
            sheet: "indicators".to_owned(),
            row: Some(row.row),
            code: format!("{item_code}/{}", row.code),
            outcome,
        });
    }
    let items: BTreeMap<Uuid, String> = rows_with(&write.txn, plan_item::Column::PlanId, plan.id, None)
        .await
        .map_err(at("indicators", None))?
        .into_iter()
        .map(|i| (i.id, i.code))
        .collect();
    let stored = indicator::Entity::find()
        .filter(indicator::Column::PlanItemId.is_in(items.keys().copied().collect::<Vec<_>>()))
        .filter(indicator::Column::WithdrawnAt.is_null())
        .all(&write.txn)
        .await
        .map_err(|e| at("indicators", None)(e.into()))?;
    for indicator in stored {
        let code = format!(
            "{}/{}",
            items.get(&indicator.plan_item_id).cloned().unwrap_or_default(),
            indicator.code
        );
        if in_file.contains(&code) {
            continue;
        }
        let withdrawal = withdraw_missing.then(|| {
            indicator_writes::withdraw_indicator(write, indicator.id, indicator.version, WITHDRAWAL_REASON)
        });
        rows.push(left_out("indicators", code, withdrawal).await?);
    }
    Ok(())
}

/// An indicator row applied: the indicator created or changed, then its values.
async fn apply_indicator(
    write: &mut WriteTransaction,
    item_code: &str,
    row: &IndicatorRow,
) -> ApiResult<Outcome> {
    let item = crate::domain::write::item_by_code(&write.txn, "item", item_code).await?;
    let existing = indicator::Entity::find()
        .filter(indicator::Column::PlanItemId.eq(item.id))
        .filter(indicator::Column::Code.eq(&row.code))
        .one(&write.txn)
        .await?;
    let (indicator, mut outcome) = match existing {
        None => {
            let created = indicator_writes::create_indicator(
                write,
                NewIndicator {
                    plan_item: item_code.to_owned(),
                    code: row.code.clone(),
                    name: row.name.clone(),
                    unit: row.unit.clone(),
                    direction: row.direction,
                    sdg_indicator: row.sdg_indicator.clone(),
                    data_source: row.data_source.clone(),
                },
            )
            .await?;
            (created, Outcome::Create)
        }
        Some(existing) => {
            let same = existing.name_uk == row.name.uk
                && existing.name_en == row.name.en
                && existing.unit == row.unit
                && existing.direction == row.direction
                && existing.sdg_indicator == row.sdg_indicator
                && existing.data_source == row.data_source
                && existing.withdrawn_at.is_none();
            if same {
                (existing, Outcome::Unchanged)
            } else {
                let changes = IndicatorChanges {
                    name: row.name.clone().into(),
                    unit: Some(row.unit.clone()),
                    direction: Some(row.direction),
                    sdg_indicator: Some(row.sdg_indicator.clone()),
                    data_source: Some(row.data_source.clone()),
                };
                let updated =
                    indicator_writes::update_indicator(write, existing.id, existing.version, changes).await?;
                (updated, Outcome::Update)
            }
        }
    };
    let stored = indicator_value::Entity::find()
        .filter(indicator_value::Column::IndicatorId.eq(indicator.id))
        .filter(indicator_value::Column::WithdrawnAt.is_null())
        .filter(indicator_value::Column::RegionId.is_null())
        .filter(
            indicator_value::Column::Kind.is_in([IndicatorValueKind::Baseline, IndicatorValueKind::Target]),
        )
        .all(&write.txn)
        .await?;
    for value in &row.values {
        let key = (value.kind, value.start, value.end, value.sex);
        let found = stored
            .iter()
            .find(|v| (v.kind, v.period_start_year, v.period_end_year, v.sex) == key);
        match found {
            Some(v) if v.value.to_bits() == value.value.to_bits() => continue,
            Some(v) => {
                indicator_writes::update_indicator_value(write, v.id, v.version, Some(value.value), None)
                    .await?;
            }
            None => {
                indicator_writes::create_indicator_value(
                    write,
                    NewIndicatorValue {
                        indicator: indicator.id,
                        kind: value.kind,
                        period_start_year: value.start,
                        period_end_year: value.end,
                        value: value.value,
                        sex: value.sex,
                        region: None,
                        source: None,
                    },
                )
                .await?;
            }
        }
        if outcome == Outcome::Unchanged {
            outcome = Outcome::Update;
        }
    }
    Ok(outcome)
}
