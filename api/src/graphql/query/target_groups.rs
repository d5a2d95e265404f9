//! `targetGroups` and `targetGroup`.

use async_graphql::{Context, InputObject, Object, Result};

use crate::{
    domain::target_groups::{self, TargetGroupFilter as Filter},
    graphql::{
        context::db,
        types::{
            common::{connection, page_request},
            enums::VocabularyStatus,
            target_group::{TargetGroup, TargetGroupConnection, Vocabulary},
        },
    },
};

/// Narrows `targetGroups`; fields left out match every group.
#[derive(InputObject, Debug, Default)]
pub struct TargetGroupFilter {
    /// Only groups of the vocabulary edition with this code, e.g. `UA-NAP-TG-2020`: those first
    /// published in it and those it carries over.
    pub vocabulary: Option<String>,
    /// Only active or only withdrawn groups.
    pub status: Option<VocabularyStatus>,
    /// Without `status`: also return withdrawn groups (left out by default). Default false.
    #[graphql(default)]
    pub include_withdrawn: bool,
}

#[derive(Default)]
pub struct TargetGroupQuery;

#[Object]
impl TargetGroupQuery {
    /// Target groups, in published order. Withdrawn groups are left out unless
    /// `filter.includeWithdrawn` is true or `filter.status` is `WITHDRAWN`; `targetGroup` still
    /// finds them.
    #[graphql(complexity = "first.or(last).unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn target_groups(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which objects to return; leave out to return all.")] filter: Option<
            TargetGroupFilter,
        >,
        #[graphql(desc = "Return the first n groups (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Return groups after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n groups (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Return groups before this cursor.")] before: Option<String>,
    ) -> Result<TargetGroupConnection> {
        let f = filter.unwrap_or_default();
        let filter = Filter {
            vocabulary: f.vocabulary,
            status: f.status.map(Into::into),
            include_withdrawn: f.include_withdrawn,
        };
        let page =
            target_groups::list_target_groups(db(ctx)?, &filter, &page_request(first, after, last, before))
                .await?;
        Ok(connection(page, TargetGroup::from))
    }

    /// Every edition of the target-group vocabulary, oldest first (each with its groups in
    /// `entries` and the edition it follows in `previousEdition`).
    async fn vocabularies(&self, ctx: &Context<'_>) -> Result<Vec<Vocabulary>> {
        Ok(target_groups::list_vocabularies(db(ctx)?)
            .await?
            .into_iter()
            .map(Vocabulary::from)
            .collect())
    }

    /// The edition of the target-group vocabulary with this code (e.g. `UA-NAP-TG-2020`), or null.
    async fn vocabulary(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The vocabulary code, e.g. `UA-NAP-TG-2020`.")] code: String,
    ) -> Result<Option<Vocabulary>> {
        Ok(target_groups::find_vocabulary_by_code(db(ctx)?, &code)
            .await?
            .map(Vocabulary::from))
    }

    /// The target group with this code (e.g. `internally-displaced-persons`), or null if there is none.
    async fn target_group(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The target group code, e.g. `internally-displaced-persons`.")] code: String,
    ) -> Result<Option<TargetGroup>> {
        Ok(target_groups::find_target_group_by_code(db(ctx)?, &code)
            .await?
            .map(TargetGroup::from))
    }
}
