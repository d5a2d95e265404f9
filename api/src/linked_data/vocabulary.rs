//! A plan, or a target-group vocabulary, as an IATI codelist: one entry per code with its names
//! in Ukrainian and English, description, category (the parent's code) and status, so that a
//! donor can tag an activity `<tag vocabulary="99" vocabulary-uri="…/vocabulary/<plan>" code="3.1.12">`.

use entity::{enums::PlanItemStatus, enums::VocabularyStatus, target_group};
use sea_orm::ConnectionTrait;
use serde::Serialize;

use super::{resource::Texts, uri::PublicUrl};
use crate::{
    domain::{plan_items::items_of_plan, plans::find_plan_by_code, target_groups::find_vocabulary_by_code},
    error::ApiResult,
};

/// One code of a codelist.
#[derive(Debug, Clone, Serialize)]
pub struct CodelistItem {
    /// The code a tag carries: an item's number (`3.1.12`) or a target group's code.
    pub code: String,
    /// Names in Ukrainian and English.
    pub name: Texts,
    /// Descriptions, where recorded.
    pub description: Texts,
    /// The code of the parent item, if any.
    pub category: Option<String>,
    /// `active` or `withdrawn`, as IATI writes it.
    pub status: &'static str,
    /// The code's permanent address.
    pub url: String,
}

/// A codelist: a plan's items or a target-group vocabulary.
#[derive(Debug, Clone, Serialize)]
pub struct Codelist {
    /// The list's name: the plan's or vocabulary's code.
    pub code: String,
    /// The list's address, the `vocabulary-uri` of tags.
    pub uri: String,
    /// The plan's or vocabulary's titles.
    pub title: Texts,
    /// What the codes are, in English.
    pub description: String,
    /// The codes, in the plan's numbering or the vocabulary's published order.
    pub items: Vec<CodelistItem>,
}

/// The codelist named `code` (a plan code or a target-group vocabulary code), if there is one.
pub async fn read_codelist(
    db: &impl ConnectionTrait,
    base: &PublicUrl,
    code: &str,
) -> ApiResult<Option<Codelist>> {
    if let Some(plan) = find_plan_by_code(db, code).await? {
        let items = items_of_plan(db, plan.id).await?;
        let numbers: std::collections::HashMap<uuid::Uuid, &str> =
            items.iter().map(|i| (i.id, i.number.as_str())).collect();
        return Ok(Some(Codelist {
            code: plan.code.clone(),
            uri: base.vocabulary(&plan.code),
            title: Texts::from(plan.title_uk.as_deref(), plan.title_en.as_deref()),
            description: format!(
                "The items of {} (strategic goals, operational goals, tasks and activities) by number; \
                 the category is the parent item's number. Each item's address is {}/<number>.",
                plan.code,
                base.at(&format!("/id/item/{}", super::uri::segment(&plan.code)))
            ),
            items: items
                .iter()
                .map(|i| CodelistItem {
                    code: i.number.clone(),
                    name: Texts::from(i.title_uk.as_deref(), i.title_en.as_deref()),
                    description: Texts::from(i.description_uk.as_deref(), i.description_en.as_deref()),
                    category: i.parent_id.and_then(|p| numbers.get(&p)).map(|n| (*n).to_owned()),
                    status: if i.status == PlanItemStatus::Withdrawn {
                        "withdrawn"
                    } else {
                        "active"
                    },
                    url: base.plan_item(&i.code),
                })
                .collect(),
        }));
    }
    let Some(list) = find_vocabulary_by_code(db, code).await? else {
        return Ok(None);
    };
    // The edition's own groups and those it carries over, in its order.
    let groups: Vec<target_group::Model> = crate::domain::target_groups::edition_members(db, list.id)
        .await?
        .into_iter()
        .map(|m| m.group)
        .collect();
    Ok(Some(Codelist {
        code: list.code.clone(),
        uri: base.vocabulary(&list.code),
        title: Texts::from(list.title_uk.as_deref(), list.title_en.as_deref()),
        description: format!(
            "The target groups of vocabulary {} (edition {}).",
            list.code, list.edition
        ),
        items: groups
            .iter()
            .map(|g| CodelistItem {
                code: g.code.clone(),
                name: Texts::from(g.label_uk.as_deref(), g.label_en.as_deref()),
                description: Texts::from(g.description_uk.as_deref(), g.description_en.as_deref()),
                category: None,
                status: if g.status == VocabularyStatus::Withdrawn {
                    "withdrawn"
                } else {
                    "active"
                },
                url: base.target_group(&g.code),
            })
            .collect(),
    }))
}

/// The permanent address of `code` in the codelist `list`, if the list has that code.
pub fn address_of(list: &Codelist, code: &str) -> Option<String> {
    list.items.iter().find(|i| i.code == code).map(|i| i.url.clone())
}
