//! The canonical reference data: the 27 regions, the coordinating bodies and regional military
//! administrations, the target-group vocabulary, and the national plans with their legal acts and
//! goals, built from the embedded files into a `Dataset` with stable keys.

use std::collections::{HashMap, HashSet};

use entity::{
    enums::{PlanItemStatus, RegionKind},
    legal_act, organisation, organisation_identifier, organisation_name, plan, plan_item, plan_legal_act,
    region, region_plan_state, target_group, vocabulary,
};
use uuid::Uuid;

use super::{
    dataset::Dataset,
    files::{self, LegalActRecord, NameRecord, OrganisationsFile, PlansFile, TargetGroupsFile},
};
use crate::domain::write::rows::new_row;
use crate::domain::{ids::stable_id, numbering::ItemNumber};

/// Keys by code, as read so far.
type Keys = HashMap<String, Uuid>;

/// Builds the canonical dataset from the embedded files, checking every cross-reference.
pub fn canonical_dataset() -> Result<Dataset, String> {
    let mut data = Dataset::default();
    let region_ids = regions(&mut data)?;
    let organisation_ids = organisations(&mut data, &region_ids)?;
    target_groups(&mut data)?;
    let mut plans: PlansFile = files::parse_json("plans.json", files::PLANS_JSON)?;
    let act_ids = legal_acts(
        &mut data,
        std::mem::take(&mut plans.legal_acts),
        &organisation_ids,
    )?;
    national_plans(&mut data, plans, &act_ids, &region_ids, &organisation_ids)?;
    data.plan_items
        .sort_by(|a, b| a.sort_key.len().cmp(&b.sort_key.len()).then(a.code.cmp(&b.code)));
    order_plans(&mut data.plans);
    data.fill_derived_columns();
    Ok(data)
}

/// The key of the region with ISO code `code`, if one is given; `context` names the referrer in
/// errors.
fn region_key(keys: &Keys, code: &Option<String>, context: &str) -> Result<Option<Uuid>, String> {
    code.as_ref()
        .map(|code| {
            keys.get(code)
                .copied()
                .ok_or(format!("{context}: unknown region `{code}`"))
        })
        .transpose()
}

/// The key of the organisation with code `code`; `context` names the referrer in errors.
fn organisation_key(keys: &Keys, code: &str, context: &str) -> Result<Uuid, String> {
    keys.get(code)
        .copied()
        .ok_or(format!("{context}: unknown organisation `{code}`"))
}

/// The 27 regions; returns their keys by ISO code.
fn regions(data: &mut Dataset) -> Result<Keys, String> {
    let mut region_ids = HashMap::new();
    for record in files::parse_regions(files::REGIONS_CSV)? {
        let kind = match record.kind.as_str() {
            "region" => RegionKind::Oblast,
            "city" => RegionKind::City,
            "republic" => RegionKind::AutonomousRepublic,
            other => return Err(format!("regions.csv: unknown kind `{other}` for {}", record.code)),
        };
        let id = stable_id("region", &record.code);
        region_ids.insert(record.code.clone(), id);
        data.regions.push(new_row!(region::Model {
            id,
            code: record.code,
            kind,
            name_uk: record.name_uk,
            name_en: record.name_en,
            name_romanized: record.name_romanized,
        }));
    }
    Ok(region_ids)
}

/// The organisations with their names and identifiers; returns their keys by code.
fn organisations(data: &mut Dataset, region_ids: &Keys) -> Result<Keys, String> {
    let organisations: OrganisationsFile =
        files::parse_json("organisations.json", files::ORGANISATIONS_JSON)?;
    let mut organisation_ids = HashMap::new();
    for record in organisations.organisations {
        let id = stable_id("organisation", &record.code);
        if organisation_ids.insert(record.code.clone(), id).is_some() {
            return Err(format!("organisations.json: duplicate code `{}`", record.code));
        }
        for identifier in &record.identifiers {
            let scheme = crate::domain::validation::identifier_scheme(identifier).ok_or(format!(
                "organisations.json: `{identifier}` is not an org-id identifier"
            ))?;
            data.organisation_identifiers
                .push(new_row!(organisation_identifier::Model {
                    id: stable_id("organisation-identifier", identifier),
                    organisation_id: id,
                    scheme,
                    identifier: identifier.clone(),
                }));
        }
        let history = if record.names.is_empty() {
            vec![NameRecord {
                name_uk: record.name_uk.clone(),
                name_en: record.name_en.clone(),
                valid_from: None,
                valid_until: None,
            }]
        } else {
            record.names
        };
        for (index, name) in history.into_iter().enumerate() {
            data.organisation_names.push(new_row!(organisation_name::Model {
                id: stable_id("organisation-name", &format!("{}#{index}", record.code)),
                organisation_id: id,
                name_uk: name.name_uk,
                name_en: name.name_en,
                valid_from: name.valid_from,
                valid_until: name.valid_until,
            }));
        }
        data.organisations.push(new_row!(organisation::Model {
            id,
            region_id: region_key(
                region_ids,
                &record.region,
                &format!("organisation {}", record.code),
            )?,
            code: record.code,
            kind: record.kind,
            name_uk: record.name_uk,
            name_en: record.name_en,
            withdrawn_at: None,
            withdrawal_reason: None,
            search_text: String::new(),
        }));
    }
    Ok(organisation_ids)
}

/// The target-group vocabulary and its groups.
fn target_groups(data: &mut Dataset) -> Result<(), String> {
    let groups: TargetGroupsFile = files::parse_json("target-groups.json", files::TARGET_GROUPS_JSON)?;
    let vocabulary_id = stable_id("vocabulary", &groups.vocabulary.code);
    data.vocabularies.push(new_row!(vocabulary::Model {
        id: vocabulary_id,
        code: groups.vocabulary.code,
        edition: groups.vocabulary.edition,
        title_uk: groups.vocabulary.title_uk,
        title_en: groups.vocabulary.title_en,
        status: groups.vocabulary.status,
        source_document: groups.vocabulary.source_document,
        previous_edition_id: None,
    }));
    let group_codes: HashSet<&str> = groups.target_groups.iter().map(|g| g.code.as_str()).collect();
    for (position, group) in groups.target_groups.iter().enumerate() {
        if let Some(replacement) = &group.replaced_by
            && !group_codes.contains(replacement.as_str())
        {
            return Err(format!(
                "target-groups.json: `{}` is replaced by unknown `{replacement}`",
                group.code
            ));
        }
        data.target_groups.push(new_row!(target_group::Model {
            id: stable_id("target-group", &group.code),
            vocabulary_id,
            code: group.code.clone(),
            position: i32::try_from(position + 1).map_err(|e| e.to_string())?,
            label_uk: group.label_uk.clone(),
            label_en: group.label_en.clone(),
            description_uk: group.description_uk.clone(),
            description_en: group.description_en.clone(),
            status: group.status,
            replaced_by_id: group
                .replaced_by
                .as_deref()
                .map(|code| stable_id("target-group", code)),
        }));
    }
    // A replacement must exist before the rows that point to it.
    data.target_groups
        .sort_by_key(|group| group.replaced_by_id.is_some());

    Ok(())
}

/// The legal acts, amended acts first; returns their keys by the file's act key.
fn legal_acts(
    data: &mut Dataset,
    acts: Vec<LegalActRecord>,
    organisation_ids: &Keys,
) -> Result<Keys, String> {
    let mut act_ids = HashMap::new();
    for act in &acts {
        act_ids.insert(act.key.clone(), stable_id("legal-act", &act.key));
    }
    for act in acts {
        let amends_id = act
            .amends
            .as_ref()
            .map(|key| {
                act_ids
                    .get(key)
                    .copied()
                    .ok_or(format!("plans.json: act `{}` amends unknown `{key}`", act.key))
            })
            .transpose()?;
        data.legal_acts.push(new_row!(legal_act::Model {
            id: act_ids[&act.key],
            issuer_id: organisation_key(organisation_ids, &act.issuer, &format!("legal act {}", act.key))?,
            kind: act.kind,
            number: act.number,
            adopted_on: act.adopted_on,
            title_uk: act.title_uk,
            title_en: act.title_en,
            url: act.url,
            amends_id,
        }));
    }
    data.legal_acts.sort_by_key(|act| act.amends_id.is_some());

    Ok(act_ids)
}

/// The national plans with their legal act links and items.
fn national_plans(
    data: &mut Dataset,
    plans: PlansFile,
    act_ids: &Keys,
    region_ids: &Keys,
    organisation_ids: &Keys,
) -> Result<(), String> {
    let plan_codes: HashSet<String> = plans.plans.iter().map(|p| p.code.clone()).collect();
    let plan_ref = |code: &Option<String>, context: &str| -> Result<Option<Uuid>, String> {
        code.as_ref()
            .map(|code| {
                plan_codes
                    .contains(code)
                    .then(|| stable_id("plan", code))
                    .ok_or(format!("{context}: unknown plan `{code}`"))
            })
            .transpose()
    };
    for record in plans.plans {
        let context = format!("plan {}", record.code);
        if record.start_year > record.end_year {
            return Err(format!("{context}: start year after end year"));
        }
        let plan_id = stable_id("plan", &record.code);
        for link in &record.legal_acts {
            let act_id = *act_ids
                .get(&link.act)
                .ok_or(format!("{context}: unknown legal act `{}`", link.act))?;
            data.plan_legal_acts.push(new_row!(plan_legal_act::Model {
                id: stable_id(
                    "plan-legal-act",
                    &format!("{}|{}|{}", record.code, link.act, link.role.as_wire()),
                ),
                plan_id,
                legal_act_id: act_id,
                role: link.role,
            }));
        }
        for state in &record.region_states {
            if record.level != entity::enums::PlanLevel::National {
                return Err(format!("{context}: region states belong to national plans"));
            }
            let region = region_key(region_ids, &Some(state.region.clone()), &context)?
                .ok_or(format!("{context}: a region state needs its region"))?;
            data.region_plan_states.push(new_row!(region_plan_state::Model {
                id: stable_id("region-plan-state", &format!("{}|{}", record.code, state.region)),
                plan_id,
                region_id: region,
                state: state.state,
                source: state.source.clone(),
                as_of: state.as_of,
            }));
        }
        let mut items = Vec::new();
        let mut numbers = HashSet::new();
        for item in &record.items {
            let number = ItemNumber::parse(&item.number).map_err(|e| format!("{context}: {e}"))?;
            numbers.insert(number.to_string());
            items.push((number, item));
        }
        for (number, item) in items {
            let parent_id = match number.parent() {
                Some(parent) if numbers.contains(&parent.to_string()) => {
                    Some(stable_id("plan-item", &parent.canonical_code(&record.code)))
                }
                Some(parent) => return Err(format!("{context}: item {number} has no parent {parent}")),
                None => None,
            };
            let code = number.canonical_code(&record.code);
            data.plan_items.push(new_row!(plan_item::Model {
                id: stable_id("plan-item", &code),
                plan_id,
                kind: number.kind(),
                number: number.to_string(),
                sort_key: number.sort_key(),
                code,
                parent_id,
                title_uk: item.title_uk.clone(),
                title_en: item.title_en.clone(),
                description_uk: item.description_uk.clone(),
                description_en: item.description_en.clone(),
                status: PlanItemStatus::Active,
                withdrawal_reason: None,
                withdrawn_at: None,
                start_year: item.start_year,
                end_year: item.end_year,
                search_text: String::new(),
            }));
        }
        data.plans.push(new_row!(plan::Model {
            id: plan_id,
            level: record.level,
            title_uk: record.title_uk,
            title_en: record.title_en,
            start_year: record.start_year,
            end_year: record.end_year,
            status: record.status,
            parent_plan_id: plan_ref(&record.parent_plan, &context)?,
            supersedes_id: plan_ref(&record.supersedes, &context)?,
            region_id: region_key(region_ids, &record.region, &context)?,
            owner_organisation_id: organisation_key(organisation_ids, &record.owner, &context)?,
            source_document: record.source_document,
            code: record.code,
            withdrawn_at: None,
            withdrawal_reason: None,
        }));
    }
    Ok(())
}

/// Orders plans so that every plan comes after the plans it localizes or supersedes.
pub(super) fn order_plans(plans: &mut Vec<plan::Model>) {
    let mut ordered: Vec<plan::Model> = Vec::with_capacity(plans.len());
    let mut placed: HashSet<Uuid> = HashSet::new();
    while !plans.is_empty() {
        let before = plans.len();
        let (ready, waiting): (Vec<_>, Vec<_>) = plans.drain(..).partition(|plan| {
            [plan.parent_plan_id, plan.supersedes_id]
                .iter()
                .flatten()
                .all(|id| placed.contains(id))
        });
        placed.extend(ready.iter().map(|plan| plan.id));
        ordered.extend(ready);
        *plans = waiting;
        if plans.len() == before {
            // A cycle or a reference outside the dataset: keep the rest as given, the database decides.
            ordered.append(plans);
        }
    }
    *plans = ordered;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_canonical_files_build_a_consistent_dataset() {
        let data = canonical_dataset().unwrap();
        assert_eq!(data.regions.len(), 27);
        assert_eq!(data.target_groups.len(), 19);
        assert_eq!(data.plans.len(), 2);
        let goals = |plan: &str| {
            data.plan_items
                .iter()
                .filter(|i| i.code.starts_with(plan))
                .count()
        };
        assert_eq!(goals("UA-NAP-2021-2025/"), 5);
        assert_eq!(goals("UA-NAP-2026-2030/"), 4);
        let administrations = data
            .organisations
            .iter()
            .filter(|o| o.kind == entity::enums::OrganisationKind::RegionalAdministration)
            .count();
        assert_eq!(administrations, 25, "24 oblasts and Kyiv city");
    }
}
