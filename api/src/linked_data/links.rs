//! Links from one object to another, as every reader writes them, and small shared helpers.

use entity::{enums::PlanItemStatus, organisation, plan, plan_item, region, target_group};

use super::{
    resource::{Link, Texts},
    uri::PublicUrl,
};

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

/// The SDG indicator's address in the UN's metadata service.
pub fn sdg_uri(code: &str) -> String {
    format!("http://metadata.un.org/sdg/{code}")
}

/// A GraphQL query reading `field(code: …)` with `selection`.
pub fn graphql_query(field: &str, code: &str, selection: &str) -> String {
    format!("{{ {field}(code: \"{code}\") {{ {selection} }} }}")
}
