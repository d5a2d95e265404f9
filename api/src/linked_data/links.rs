//! Links from one object to another, as every reader writes them, the queries that find the
//! rows they link to, and small shared helpers.

use entity::{enums::PlanItemStatus, organisation, plan, plan_item, project_link, region, target_group};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, sea_query::IntoCondition,
};
use std::collections::HashMap;
use uuid::Uuid;

use super::{
    resource::{Link, Table, Texts},
    uri::PublicUrl,
};
use crate::{domain::lookup::rows_among, error::ApiResult};

/// How many active project links `links` selects (a condition on `project_link::Column::Id`).
pub async fn count_active_projects(db: &impl ConnectionTrait, links: impl IntoCondition) -> ApiResult<u64> {
    Ok(project_link::Entity::find()
        .filter(links)
        .filter(project_link::Column::WithdrawnAt.is_null())
        .count(db)
        .await?)
}

/// Links to the plan items with keys `keys`, by code.
pub async fn item_links(
    db: &impl ConnectionTrait,
    base: &PublicUrl,
    keys: impl IntoIterator<Item = Uuid>,
) -> ApiResult<Vec<Link>> {
    let items = rows_among(db, plan_item::Column::Id, keys, Some(plan_item::Column::Code)).await?;
    Ok(items.iter().map(|i| item_link(base, i)).collect())
}

/// Links to the organisations that play `roles` (an organisation's key and its role), in that
/// order, each noting its role.
pub async fn role_links(
    db: &impl ConnectionTrait,
    base: &PublicUrl,
    roles: Vec<(Uuid, &str)>,
) -> ApiResult<Vec<Link>> {
    let bodies = rows_among(db, organisation::Column::Id, roles.iter().map(|r| r.0), None).await?;
    Ok(roles
        .iter()
        .filter_map(|(key, role)| {
            let body = bodies.iter().find(|b| b.id == *key)?;
            Some(organisation_link(base, body, Some((*role).to_owned())))
        })
        .collect())
}

/// A link to `plan`.
pub fn plan_link(base: &PublicUrl, plan: &plan::Model) -> Link {
    Link {
        uri: base.plan(&plan.code),
        code: plan.code.clone(),
        title: Texts::from(plan.title_uk.as_deref(), plan.title_en.as_deref()),
        note: None,
    }
}

/// A link to `item`.
pub fn item_link(base: &PublicUrl, item: &plan_item::Model) -> Link {
    Link {
        uri: base.plan_item(&item.code),
        code: item.code.clone(),
        title: Texts::from(item.title_uk.as_deref(), item.title_en.as_deref()),
        note: (item.status == PlanItemStatus::Withdrawn).then(|| "WITHDRAWN".to_owned()),
    }
}

/// A link to `group`.
pub fn target_group_link(base: &PublicUrl, group: &target_group::Model) -> Link {
    Link {
        uri: base.target_group(&group.code),
        code: group.code.clone(),
        title: Texts::from(group.label_uk.as_deref(), group.label_en.as_deref()),
        note: None,
    }
}

/// A link to `body`, noting `note`.
pub fn organisation_link(base: &PublicUrl, body: &organisation::Model, note: Option<String>) -> Link {
    Link {
        uri: base.organisation(&body.code),
        code: body.code.clone(),
        title: Texts::from(body.name_uk.as_deref(), body.name_en.as_deref()),
        note,
    }
}

/// A link to `region`.
pub fn region_link(base: &PublicUrl, region: &region::Model) -> Link {
    Link {
        uri: base.region(&region.code),
        code: region.code.clone(),
        title: Texts::from(Some(&region.name_uk), Some(&region.name_en)),
        note: None,
    }
}

/// The CSV list of `items`: code, number, kind, status, titles, the parent's code where the codes
/// of the parents by key (`parents`) are given, and the address.
pub fn item_table(
    base: &PublicUrl,
    items: &[plan_item::Model],
    parents: Option<&HashMap<Uuid, &str>>,
) -> Table {
    let mut header = vec!["code", "number", "kind", "status", "title_uk", "title_en"];
    header.extend(parents.map(|_| "parent_code"));
    header.push("uri");
    let rows = items
        .iter()
        .map(|i| {
            let mut row = vec![
                i.code.clone(),
                i.number.clone(),
                i.kind.as_wire().to_owned(),
                i.status.as_wire().to_owned(),
                i.title_uk.clone().unwrap_or_default(),
                i.title_en.clone().unwrap_or_default(),
            ];
            if let Some(parents) = parents {
                let parent = i.parent_id.and_then(|p| parents.get(&p));
                row.push(parent.map(|c| (*c).to_owned()).unwrap_or_default());
            }
            row.push(base.plan_item(&i.code));
            row
        })
        .collect();
    Table { header, rows }
}

/// The SDG indicator's address in the UN's metadata service.
pub fn sdg_uri(code: &str) -> String {
    format!("http://metadata.un.org/sdg/{code}")
}

/// A GraphQL query reading `field(code: …)` with `selection`.
pub fn graphql_query(field: &str, code: &str, selection: &str) -> String {
    format!("{{ {field}(code: \"{code}\") {{ {selection} }} }}")
}
