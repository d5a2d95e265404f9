//! Bulk exports: the datasets `plan-items`, `indicator-values`, `project-links`, `coverage` and
//! `organisations` as CSV (RFC 4180), JSON or JSON Lines, with codes and their labels side by side.
//! An export streams: rows are read from the database one keyset page at a time (`keyset`),
//! encoded (`encode`) and handed to a bounded channel, so memory stays flat whatever the size.
//! `GET /export/<dataset>.<format>` (`http::export`) and `nap-registry export` both run [`run`].

pub mod coverage;
pub mod encode;
pub mod indicator_values;
pub mod keyset;
pub mod organisations;
pub mod plan_items;
pub mod project_links;

use std::collections::HashMap;

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Select};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::{
    domain::write::rows::Row,
    error::{ApiError, ApiResult},
};
pub use encode::{Cell, Chunk, Format, RowWriter};

/// Rows read from the database per statement.
pub const PAGE_SIZE: u64 = 500;

/// The exported datasets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dataset {
    /// Plan items with their parents, time frames, responsible bodies, target groups and financing.
    PlanItems,
    /// Every indicator value in long form.
    IndicatorValues,
    /// Project links, one row per link and plan item.
    ProjectLinks,
    /// Localization coverage of each national plan, one row per region.
    Coverage,
    /// Organisations with their identifiers, regions and successions.
    Organisations,
}

impl Dataset {
    /// Every dataset.
    pub const ALL: [Self; 5] = [
        Self::PlanItems,
        Self::IndicatorValues,
        Self::ProjectLinks,
        Self::Coverage,
        Self::Organisations,
    ];

    /// The name in addresses and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::PlanItems => "plan-items",
            Self::IndicatorValues => "indicator-values",
            Self::ProjectLinks => "project-links",
            Self::Coverage => "coverage",
            Self::Organisations => "organisations",
        }
    }

    /// The dataset called `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.name() == name)
    }

    /// The header row.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Self::PlanItems => plan_items::COLUMNS,
            Self::IndicatorValues => indicator_values::COLUMNS,
            Self::ProjectLinks => project_links::COLUMNS,
            Self::Coverage => coverage::COLUMNS,
            Self::Organisations => organisations::COLUMNS,
        }
    }

    /// The filters that apply, as their query parameter names.
    fn filters(self) -> &'static [&'static str] {
        match self {
            Self::PlanItems | Self::IndicatorValues => &["plan", "region", "item"],
            Self::ProjectLinks => &["plan", "region", "funder", "item"],
            Self::Coverage => &["plan", "region"],
            Self::Organisations => &["region"],
        }
    }
}

/// Language of the label columns (names of related objects); the other language is used where
/// a label is missing in this one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lang {
    /// Ukrainian (the default).
    #[default]
    Uk,
    /// English.
    En,
}

impl Lang {
    /// Parses `uk` or `en` (any case) for `field`.
    pub fn parse(field: &str, text: &str) -> ApiResult<Self> {
        match text.to_ascii_lowercase().as_str() {
            "uk" => Ok(Self::Uk),
            "en" => Ok(Self::En),
            _ => Err(ApiError::invalid(field, format!("`{text}` is not uk or en"))),
        }
    }

    /// The text in this language, else in the other one.
    pub fn pick(self, uk: Option<&str>, en: Option<&str>) -> String {
        let (first, second) = match self {
            Self::Uk => (uk, en),
            Self::En => (en, uk),
        };
        first.or(second).unwrap_or_default().to_owned()
    }
}

/// What to export: the query parameters of `/export/…`, the flags of `nap-registry export`.
#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    /// Code of a plan.
    pub plan: Option<String>,
    /// ISO 3166-2:UA code of a region.
    pub region: Option<String>,
    /// Code or identifier of a funding organisation.
    pub funder: Option<String>,
    /// Canonical code of a plan item; its descendants are included.
    pub item: Option<String>,
    /// Language of the label columns.
    pub lang: Lang,
    /// Whether withdrawn rows are exported too.
    pub include_withdrawn: bool,
}

impl ExportFilter {
    /// Refuses a filter that `dataset` does not have, naming the parameter.
    pub fn check(&self, dataset: Dataset) -> ApiResult<()> {
        let given = [
            ("plan", self.plan.is_some()),
            ("region", self.region.is_some()),
            ("funder", self.funder.is_some()),
            ("item", self.item.is_some()),
        ];
        for (name, present) in given {
            if present && !dataset.filters().contains(&name) {
                return Err(ApiError::invalid(
                    name,
                    format!(
                        "the {} export has no `{name}` filter (it has: {})",
                        dataset.name(),
                        dataset.filters().join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// One export.
#[derive(Debug, Clone)]
pub struct ExportRequest {
    /// The dataset.
    pub dataset: Dataset,
    /// The format.
    pub format: Format,
    /// The filters.
    pub filter: ExportFilter,
    /// Whether a CSV starts with a UTF-8 byte order mark (for spreadsheet programs).
    pub bom: bool,
}

impl ExportRequest {
    /// The file name: dataset and change sequence, e.g. `plan-items-42.csv`.
    pub fn file_name(&self, sequence: i64) -> String {
        format!("{}-{sequence}.{}", self.dataset.name(), self.format.extension())
    }
}

/// Runs `request`, sending the encoded file into `sink` piece by piece. Sending waits while the
/// receiver is behind, so a slow reader slows the export instead of filling memory. Stops with
/// an error when the receiver is gone.
pub async fn run(
    db: &DatabaseConnection,
    request: &ExportRequest,
    sink: mpsc::Sender<Chunk>,
) -> ApiResult<()> {
    request.filter.check(request.dataset)?;
    let mut out = RowWriter::new(request.format, request.dataset.columns(), request.bom, sink);
    let filter = &request.filter;
    match request.dataset {
        Dataset::PlanItems => plan_items::export(db, filter, &mut out).await?,
        Dataset::IndicatorValues => indicator_values::export(db, filter, &mut out).await?,
        Dataset::ProjectLinks => project_links::export(db, filter, &mut out).await?,
        Dataset::Coverage => coverage::export(db, filter, &mut out).await?,
        Dataset::Organisations => organisations::export(db, filter, &mut out).await?,
    }
    out.finish().await
}

/// Starts `request` in a task of its own and returns the receiving end of its pieces (at most a
/// few held at a time). A failure is logged and ends the stream with an error.
pub fn spawn(db: DatabaseConnection, request: ExportRequest) -> mpsc::Receiver<Chunk> {
    let (sender, receiver) = mpsc::channel(4);
    tokio::spawn(async move {
        if let Err(error) = run(&db, &request, sender.clone()).await {
            match &error {
                ApiError::Database(cause) => {
                    tracing::error!(error = %cause, dataset = request.dataset.name(), "export failed")
                }
                other => {
                    tracing::warn!(error = %other.message(), dataset = request.dataset.name(), "export stopped")
                }
            }
            let _ = sender.send(Err(std::io::Error::other(error.message()))).await;
        }
    });
    receiver
}

/// The rows `select` finds, by key.
pub async fn by_id<M: Row>(
    db: &DatabaseConnection,
    select: Select<M::Entity>,
) -> ApiResult<HashMap<Uuid, M>> {
    Ok(select
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.id(), row))
        .collect())
}

/// The rows with the keys `ids`, by key.
pub async fn by_ids<M: Row>(
    db: &DatabaseConnection,
    ids: impl IntoIterator<Item = Uuid>,
) -> ApiResult<HashMap<Uuid, M>> {
    by_id(db, M::Entity::find().filter(M::id_column().is_in(ids))).await
}

/// The status cell of a row: `WITHDRAWN` or `ACTIVE`.
pub fn status(withdrawn: bool) -> Cell {
    Cell::from(if withdrawn { "WITHDRAWN" } else { "ACTIVE" })
}

/// `items` joined by `; ` (the separator of list cells).
pub fn joined<I, S>(items: I) -> Cell
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let parts: Vec<String> = items.into_iter().map(|s| s.as_ref().to_owned()).collect();
    if parts.is_empty() {
        Cell::Null
    } else {
        Cell::Text(parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dataset_names_round_trip_and_filters_are_checked() {
        for dataset in Dataset::ALL {
            assert_eq!(Dataset::from_name(dataset.name()), Some(dataset));
        }
        assert_eq!(Dataset::from_name("plans"), None);
        let filter = ExportFilter {
            funder: Some("x".into()),
            ..Default::default()
        };
        assert!(filter.check(Dataset::ProjectLinks).is_ok());
        match filter.check(Dataset::Organisations) {
            Err(ApiError::Validation { field, .. }) => assert_eq!(field, "funder"),
            other => panic!("{other:?}"),
        }
        assert_eq!(Lang::En.pick(None, Some("b")), "b");
        assert_eq!(Lang::En.pick(Some("a"), None), "a");
        assert!(Lang::parse("lang", "de").is_err());
    }
}
