//! The checks of a plan import that need the registry, made before anything is written: the plan
//! (or the `plan` sheet to create it), organisations, target groups, national items, regions,
//! parents, and numbering without gaps among siblings (the file's items with the plan's own).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use entity::{enums::PlanItemStatus, plan, plan_item};
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use super::{
    parse::Parsed,
    report::{Problem, ProblemCode},
};
use crate::domain::lookup::rows_with;
use crate::{
    domain::{
        lookup, numbering::CODE_SEPARATOR, plan_items::find_plan_item_by_code, plans::find_plan_by_code,
    },
    error::ApiResult,
};

/// What the file names, found in the registry.
#[derive(Debug, Default)]
pub struct Resolved {
    /// The plan, when it exists.
    pub plan: Option<plan::Model>,
    /// Organisations by the code or identifier the file gives.
    pub organisations: HashMap<String, Uuid>,
    /// Target groups by code.
    pub target_groups: HashMap<String, Uuid>,
    /// National items by the text the file gives: key and canonical code.
    pub implements: HashMap<String, (Uuid, String)>,
    /// The plan's items (active and withdrawn) by number.
    pub existing_items: BTreeMap<String, plan_item::Model>,
}

impl Resolved {
    /// Whether the plan has an active item numbered `number`.
    fn has_active_item(&self, number: &str) -> bool {
        let item = self.existing_items.get(number);
        item.is_some_and(|i| i.status == PlanItemStatus::Active)
    }
}

fn last_segment(number: &str) -> u32 {
    number
        .rsplit('.')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn parent_of(number: &str) -> String {
    number
        .rsplit_once('.')
        .map(|(parent, _)| parent.to_owned())
        .unwrap_or_default()
}

/// Looks up what `parsed` names for an import into `plan_code`; adds a problem for each
/// unknown or inconsistent name.
pub async fn resolve(
    db: &impl ConnectionTrait,
    plan_code: &str,
    parsed: &Parsed,
    problems: &mut Vec<Problem>,
) -> ApiResult<Resolved> {
    let mut resolved = Resolved {
        plan: find_plan_by_code(db, plan_code).await?,
        ..Resolved::default()
    };
    let mut parent_plan = None;
    if let Some(sheet) = &parsed.plan {
        if let Some(code) = &sheet.code
            && code != plan_code
        {
            problems.push(Problem::cell(
                "plan",
                sheet.rows.get("code").copied().unwrap_or(1),
                Some("code"),
                ProblemCode::PlanMismatch,
                format!("аркуш описує план `{code}`, а імпорт іде до `{plan_code}`"),
                format!("the sheet describes the plan `{code}`, but the import is into `{plan_code}`"),
            ));
        }
        if let Some(region) = &sheet.region
            && lookup::region_id(db, region).await?.is_none()
        {
            problems.push(Problem::cell(
                "plan",
                sheet.rows.get("region").copied().unwrap_or(1),
                Some("region"),
                ProblemCode::UnknownRegion,
                format!("`{region}` не є кодом регіону ISO 3166-2:UA, напр. UA-46"),
                format!("`{region}` is not an ISO 3166-2:UA region code such as UA-46"),
            ));
        }
        for (field, key) in [
            ("owner", &sheet.owner),
            ("act_issuer", &sheet.act.as_ref().and_then(|a| a.issuer.clone())),
        ] {
            if let Some(key) = key
                && lookup::organisation_id(db, key).await?.is_none()
            {
                problems.push(Problem::cell(
                    "plan",
                    sheet.rows.get(field).copied().unwrap_or(1),
                    Some(field),
                    ProblemCode::UnknownOrganisation,
                    format!("організації `{key}` немає в реєстрі"),
                    format!("there is no organisation `{key}` in the registry"),
                ));
            }
        }
        parent_plan = sheet.parent_plan.clone();
    }
    match &resolved.plan {
        Some(plan) => {
            if let Some(parent) = plan.parent_plan_id {
                parent_plan = plan::Entity::find_by_id(parent).one(db).await?.map(|p| p.code);
            }
            for item in rows_with(db, plan_item::Column::PlanId, plan.id, None).await? {
                resolved.existing_items.insert(item.number.clone(), item);
            }
        }
        None if parsed.plan.is_none() => problems.push(Problem::file(
            ProblemCode::UnknownPlan,
            "plan",
            format!("плану `{plan_code}` немає; додайте аркуш `plan`, щоб створити його"),
            format!("there is no plan `{plan_code}`; add a `plan` sheet to create it"),
        )),
        None => {}
    }
    check_numbering(parsed, &resolved, problems);
    for item in &parsed.items {
        let place = |column: &str, code, uk: String, en: String| {
            Problem::cell("items", item.row, Some(column), code, uk, en)
        };
        for (key, role) in &item.responsibilities {
            if resolved.organisations.contains_key(key) {
                continue;
            }
            match lookup::organisation_id(db, key).await? {
                Some(id) => {
                    resolved.organisations.insert(key.clone(), id);
                }
                None => problems.push(place(
                    role_column(*role),
                    ProblemCode::UnknownOrganisation,
                    format!("організації `{key}` немає в реєстрі (код або ідентифікатор, напр. UA-EDR-…)"),
                    format!("there is no organisation `{key}` in the registry (a registry code or an org-id identifier)"),
                )),
            }
        }
        for code in &item.target_groups {
            if resolved.target_groups.contains_key(code) {
                continue;
            }
            match lookup::target_group_id(db, code).await? {
                Some(id) => {
                    resolved.target_groups.insert(code.clone(), id);
                }
                None => problems.push(place(
                    "target_groups",
                    ProblemCode::UnknownTargetGroup,
                    format!("цільової групи `{code}` немає в реєстрі"),
                    format!("there is no target group `{code}` in the registry"),
                )),
            }
        }
        for text in &item.implements {
            if resolved.implements.contains_key(text) {
                continue;
            }
            let code = if text.contains(CODE_SEPARATOR) {
                Some(text.clone())
            } else {
                parent_plan.as_ref().map(|p| format!("{p}{CODE_SEPARATOR}{text}"))
            };
            let found = match &code {
                Some(code) => find_plan_item_by_code(db, code).await?,
                None => None,
            };
            match found {
                Some(national) => {
                    resolved.implements.insert(text.clone(), (national.id, national.code));
                }
                None => problems.push(place(
                    "implements",
                    ProblemCode::UnknownItem,
                    format!("пункту `{}` немає в реєстрі", code.as_deref().unwrap_or(text)),
                    format!(
                        "there is no item `{}` (give national item numbers of the plan this plan localizes, or full codes such as UA-NAP-2021-2025/1.1)",
                        code.as_deref().unwrap_or(text)
                    ),
                )),
            }
        }
    }
    let numbers: BTreeSet<String> = parsed.items.iter().map(|i| i.number.to_string()).collect();
    for indicator in &parsed.indicators {
        let number = indicator.item.to_string();
        if !numbers.contains(&number) && !resolved.has_active_item(&number) {
            problems.push(Problem::cell(
                "indicators",
                indicator.row,
                Some("item"),
                ProblemCode::UnknownItem,
                format!("пункту {number} немає ні у файлі, ні в плані"),
                format!("the item {number} is neither in the file nor in the plan"),
            ));
        }
    }
    Ok(resolved)
}

fn role_column(role: entity::enums::ResponsibilityRole) -> &'static str {
    use entity::enums::ResponsibilityRole as R;
    match role {
        R::Responsible => "responsible",
        R::CoExecutor => "co_executors",
        R::ByConsent => "by_consent",
        R::Coordinator => "coordinators",
    }
}

/// Every item's parent is in the file or an active item of the plan; siblings are numbered
/// 1, 2, 3… without gaps (counting the plan's items, withdrawn ones included: their numbers stay
/// taken), and a withdrawn item's number is not given again.
fn check_numbering(parsed: &Parsed, resolved: &Resolved, problems: &mut Vec<Problem>) {
    let in_file: BTreeMap<String, usize> = parsed
        .items
        .iter()
        .map(|i| (i.number.to_string(), i.row))
        .collect();
    let mut siblings: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
    for number in in_file.keys().chain(resolved.existing_items.keys()) {
        siblings
            .entry(parent_of(number))
            .or_default()
            .insert(last_segment(number));
    }
    for item in &parsed.items {
        let number = item.number.to_string();
        let problem = |code, uk, en| Problem::cell("items", item.row, Some("number"), code, uk, en);
        if let Some(existing) = resolved.existing_items.get(&number)
            && existing.status == PlanItemStatus::Withdrawn
        {
            problems.push(problem(
                ProblemCode::DuplicateNumber,
                format!("пункт {number} відкликано; номер відкликаного пункту не використовують знову"),
                format!("the item {number} is withdrawn; a withdrawn item's number is never used again"),
            ));
        }
        if let Some(parent) = item.number.parent() {
            let parent = parent.to_string();
            if !in_file.contains_key(&parent) && !resolved.has_active_item(&parent) {
                problems.push(problem(
                    ProblemCode::MissingParent,
                    format!("пункту {parent}, до якого належить {number}, немає ні у файлі, ні серед чинних пунктів плану"),
                    format!("the parent {parent} of {number} is neither in the file nor an active item of the plan"),
                ));
            }
        }
        let parent = parent_of(&number);
        let segment = last_segment(&number);
        let Some(taken) = siblings.get(&parent) else {
            continue;
        };
        // Report a gap once, on the first number after it.
        let previous = taken.range(..segment).next_back().copied().unwrap_or(0);
        if previous + 1 != segment {
            let prefix = if parent.is_empty() {
                String::new()
            } else {
                format!("{parent}.")
            };
            let missing = format!("{prefix}{}", previous + 1);
            problems.push(problem(
                ProblemCode::SkippedNumber,
                format!("нумерацію пропущено: немає пункту {missing} перед {number}"),
                format!("the numbering skips {missing}: there is no item {missing} before {number}"),
            ));
        }
    }
}
