//! `TargetGroup` and its `Vocabulary`.

use crate::domain::entity_type::EntityType;
use crate::graphql::object_list::ObjectList;
use crate::read_model::table::Row;
use async_graphql::{Context, ID, Object, Result, SimpleObject};
use entity::{target_group, vocabulary};
use std::sync::Arc;

use super::{
    common::{connection, page_request},
    enums::VocabularyStatus,
    indicator::Indicator,
    plan_item::{PlanItem, PlanItemConnection, live_only},
};
use crate::{
    domain::pagination::{KeyKind, KeyValue, paginate_loaded},
    graphql::{
        context::{in_force, loaders, related},
        language::{Title, bilingual_fields},
        loaders::{group, groups, many, unique},
        node_id,
    },
};

bilingual_fields! {
    /// `TargetGroup.label` and `TargetGroup.labels`.
    TargetGroupLabel {
        /// The label in `lang`, falling back to the other language.
        label,
        /// The label in both languages.
        labels,
    }
}

bilingual_fields! {
    /// `TargetGroup.description` and `TargetGroup.descriptions`.
    TargetGroupDescription {
        /// The full published wording in `lang` where the label shortens it.
        description,
        /// The full wording in both languages.
        descriptions,
    }
}

/// A target group row, resolved as `TargetGroup`.
#[derive(Clone)]
pub struct TargetGroup(pub Arc<target_group::Model>);

/// A group of people plan items serve, from a versioned vocabulary (e.g. internally displaced persons).
#[Object]
impl TargetGroup {
    /// Global ID.
    pub async fn id(&self) -> ID {
        node_id::encode(EntityType::TargetGroup, self.0.id)
    }

    /// Stable code, e.g. `internally-displaced-persons`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    #[graphql(flatten)]
    async fn label_fields(&self) -> TargetGroupLabel<'_> {
        TargetGroupLabel::new(self.0.label_uk.as_deref(), self.0.label_en.as_deref())
    }

    #[graphql(flatten)]
    async fn description_fields(&self) -> TargetGroupDescription<'_> {
        TargetGroupDescription::new(self.0.description_uk.as_deref(), self.0.description_en.as_deref())
    }

    /// Position in the published list.
    async fn position(&self) -> i32 {
        self.0.position
    }

    /// Active or withdrawn.
    async fn status(&self) -> VocabularyStatus {
        self.0.status.into()
    }

    /// Version of the record; grows by one with every change.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The vocabulary version the group was published in.
    async fn vocabulary(&self, ctx: &Context<'_>) -> Result<Option<Vocabulary>> {
        related(ctx, self.0.vocabulary_id, |l| &l.vocabularies, Vocabulary).await
    }

    /// Every edition of the vocabulary the group is in: the one it was first published in and
    /// those that carry it over unchanged, oldest first.
    async fn editions(&self, ctx: &Context<'_>) -> Result<ObjectList<Vocabulary>> {
        let loaders = loaders(ctx)?;
        let carried = group(&loaders.carry_overs_by_group, self.0.id).await?;
        let mut editions = many(
            &loaders.vocabularies,
            unique(std::iter::once(self.0.vocabulary_id).chain(carried.iter().map(|c| c.vocabulary_id))),
        )
        .await?;
        editions.sort_by(|a, b| (a.created_at, &a.code).cmp(&(b.created_at, &b.code)));
        Ok(editions.into_iter().map(Vocabulary).collect())
    }

    /// The groups this one replaces: groups of earlier editions renamed into it or replaced by it.
    async fn replaces(&self, ctx: &Context<'_>) -> Result<ObjectList<TargetGroup>> {
        let mut groups = group(&loaders(ctx)?.groups_replaced_by, self.0.id).await?;
        groups.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(groups.into_iter().map(TargetGroup).collect())
    }

    /// The group that replaces this one, when it was renamed or withdrawn (in a later edition, when
    /// this one stays active in its own).
    async fn replaced_by(&self, ctx: &Context<'_>) -> Result<Option<TargetGroup>> {
        related(ctx, self.0.replaced_by_id, |l| &l.target_groups, TargetGroup).await
    }

    /// The plan items that serve this group, by number then code; withdrawn items and items of
    /// withdrawn plans are left out unless `includeWithdrawn` is true.
    #[graphql(complexity = "first.or(last).unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn plan_items(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default,
            desc = "Also return withdrawn items (left out by default). Default false."
        )]
        include_withdrawn: bool,
        #[graphql(desc = "Return the first n items (at most 100).")] first: Option<i32>,
        #[graphql(desc = "Return items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n items (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return items before this cursor.")] before: Option<String>,
    ) -> Result<PlanItemConnection> {
        let items = live_only(ctx, self.items(ctx).await?, include_withdrawn).await?;
        let page = paginate_loaded(
            items,
            &[KeyKind::Text, KeyKind::Text],
            |i| {
                vec![
                    KeyValue::from(i.sort_key.as_str()),
                    KeyValue::from(i.code.as_str()),
                ]
            },
            &page_request(first, after, last, before),
        )?;
        Ok(connection(page, PlanItem::from))
    }

    /// The indicators of the plan items that serve this group; withdrawn indicators and those of
    /// withdrawn items or items of withdrawn plans are left out unless `includeWithdrawn` is true.
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default,
            desc = "Also return withdrawn indicators (left out by default). Default false."
        )]
        include_withdrawn: bool,
    ) -> Result<ObjectList<Indicator>> {
        let loaders = loaders(ctx)?;
        let items = live_only(ctx, self.items(ctx).await?, include_withdrawn).await?;
        let batches = groups(&loaders.indicators_by_item, items.iter().map(|i| i.id)).await?;
        let indicators = items
            .iter()
            .flat_map(|item| batches.get(&item.id).cloned().unwrap_or_default());
        Ok(in_force(indicators, include_withdrawn, Indicator))
    }

    /// This target group's permanent address, `<base>/id/target-group/<code>`.
    async fn uri(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(ctx
            .data::<crate::linked_data::PublicUrl>()?
            .target_group(&self.0.code))
    }
}

impl TargetGroup {
    async fn items(&self, ctx: &Context<'_>) -> Result<Vec<Row<entity::plan_item::Entity>>> {
        let loaders = loaders(ctx)?;
        let links = group(&loaders.item_links_by_target_group, self.0.id).await?;
        let mut items = many(&loaders.plan_items, unique(links.iter().map(|l| l.plan_item_id))).await?;
        items.sort_by(|a, b| a.sort_key.cmp(&b.sort_key).then(a.code.cmp(&b.code)));
        Ok(items)
    }
}

/// A vocabulary row.
pub struct Vocabulary(pub Arc<vocabulary::Model>);

/// An edition of the target-group vocabulary, such as the target groups of the 2021-2025 plan
/// (`UA-NAP-TG-2020`). A later edition follows an earlier one (`previousEdition`): it carries groups
/// over unchanged, adds new ones, and renames or replaces old ones (the old group's `replacedBy`).
#[Object]
impl Vocabulary {
    /// Stable code of this version, e.g. `UA-NAP-TG-2020`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Edition label, e.g. `2020`.
    async fn edition(&self) -> &str {
        &self.0.edition
    }

    #[graphql(flatten)]
    async fn title_fields(&self) -> Title<'_> {
        Title::new(self.0.title_uk.as_deref(), self.0.title_en.as_deref())
    }

    /// Active, or withdrawn in favour of a newer version.
    async fn status(&self) -> VocabularyStatus {
        self.0.status.into()
    }

    /// Where the list was published.
    async fn source_document(&self) -> Option<&str> {
        self.0.source_document.as_deref()
    }

    /// Version of the record; grows by one with every change (groups carried over into it).
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The edition this one follows; null for a first edition.
    async fn previous_edition(&self, ctx: &Context<'_>) -> Result<Option<Vocabulary>> {
        related(ctx, self.0.previous_edition_id, |l| &l.vocabularies, Vocabulary).await
    }

    /// The groups of this edition in its order: those first published in it and those it carries
    /// over from earlier editions. Withdrawn groups are left out unless `includeWithdrawn` is true.
    async fn entries(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default,
            desc = "Also return withdrawn groups (left out by default). Default false."
        )]
        include_withdrawn: bool,
    ) -> Result<ObjectList<VocabularyEntry>> {
        let loaders = loaders(ctx)?;
        let own = group(&loaders.target_groups_by_vocabulary, self.0.id).await?;
        let carried = group(&loaders.carry_overs_by_vocabulary, self.0.id).await?;
        let carried_groups = many(&loaders.target_groups, carried.iter().map(|c| c.target_group_id)).await?;
        let mut entries: Vec<VocabularyEntry> = own
            .into_iter()
            .map(|g| VocabularyEntry {
                position: g.position,
                carried_over: false,
                target_group: TargetGroup(g),
            })
            .chain(carried.iter().filter_map(|c| {
                let g = carried_groups.iter().find(|g| g.id == c.target_group_id)?;
                Some(VocabularyEntry {
                    position: c.position,
                    carried_over: true,
                    target_group: TargetGroup(g.clone()),
                })
            }))
            .filter(|e| {
                include_withdrawn || e.target_group.0.status != entity::enums::VocabularyStatus::Withdrawn
            })
            .collect();
        entries
            .sort_by(|a, b| (a.position, &a.target_group.0.code).cmp(&(b.position, &b.target_group.0.code)));
        Ok(entries.into())
    }

    /// The address of this vocabulary as an IATI codelist (XML, JSON, CSV), to write as the
    /// `vocabulary-uri` of an IATI `<tag vocabulary="99">` whose `code` is a target group's code.
    async fn uri(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(ctx
            .data::<crate::linked_data::PublicUrl>()?
            .vocabulary(&self.0.code))
    }
}

/// One group of an edition of the vocabulary.
#[derive(SimpleObject)]
pub struct VocabularyEntry {
    /// Its order in this edition's list.
    pub position: i32,
    /// Whether this edition carries the group over unchanged from an earlier edition (false: first
    /// published in this edition).
    pub carried_over: bool,
    /// The group.
    pub target_group: TargetGroup,
}

super::common::connection_type!(
    TargetGroupConnection,
    TargetGroupEdge,
    TargetGroup,
    "target groups"
);
