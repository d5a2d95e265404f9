//! What the coverage page of a national plan (`/coverage/<plan code>`) says, read from the
//! database: the regions' coverage (from `domain::coverage`, the same figures as GraphQL and the
//! coverage export), counts per status, the tiles of the map, and the table sorted server-side by
//! the `?sort=` key. No HTTP here.

use entity::enums::PlanLevel;
use sea_orm::ConnectionTrait;
use serde::Serialize;

use super::{
    resource::Texts,
    tile_map::{self, look},
    uri::PublicUrl,
};
use crate::{
    domain::{
        alignment::CoverageStatus,
        coverage::{RegionCoverage, plan_coverage},
        plans::find_plan_by_code,
    },
    error::{ApiError, ApiResult},
};

/// The columns the table can be sorted by (`?sort=<key>`), with their headings.
pub const SORT_KEYS: [(&str, &str, &str); 7] = [
    ("region", "Регіон", "Region"),
    ("status", "Статус", "Status"),
    ("plan", "Регіональний план", "Regional plan"),
    ("act", "Акт затвердження", "Approving act"),
    ("deadline", "Термін узгодження", "Re-alignment due"),
    ("items", "Виконувані пункти НПД", "National items implemented"),
    ("community", "Плани громад", "Community plans"),
];

/// One status with its look and how many regions have it.
#[derive(Debug, Clone, Serialize)]
pub struct StatusCount {
    /// Wire name, e.g. `OVERDUE`.
    pub status: &'static str,
    /// Names in both languages.
    pub name: Texts,
    /// Short text written on tiles.
    pub short: &'static str,
    /// Fill colour.
    pub fill: &'static str,
    /// Pattern id.
    pub pattern: &'static str,
    /// Number of regions.
    pub count: usize,
}

/// A tile of the map.
#[derive(Debug, Clone, Serialize)]
pub struct Tile {
    /// ISO code.
    pub code: String,
    /// Short label.
    pub label: &'static str,
    /// Ukrainian name.
    pub name_uk: String,
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Wire status.
    pub status: &'static str,
    /// Status names.
    pub status_name: Texts,
    /// Short status text.
    pub short: &'static str,
    /// Fill colour.
    pub fill: &'static str,
    /// Pattern id.
    pub pattern: &'static str,
}

/// A linked value of a row: text and an optional address.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    /// What is shown.
    pub text: String,
    /// Where it links, if anywhere.
    pub href: Option<String>,
}

/// One region's row of the table.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// ISO code.
    pub code: String,
    /// The region's address.
    pub uri: String,
    /// Its names.
    pub name: Texts,
    /// Wire status.
    pub status: &'static str,
    /// Status names.
    pub status_name: Texts,
    /// Fill colour of the status.
    pub fill: &'static str,
    /// Pattern id of the status.
    pub pattern: &'static str,
    /// The regional plan (code, permalink) with its stored status.
    pub plan: Option<Cell>,
    /// The approving act (number and date, linked to its text).
    pub act: Option<Cell>,
    /// Re-alignment due date.
    pub due_on: Option<String>,
    /// Re-approval date after the national change.
    pub reapproved_on: Option<String>,
    /// The recorded state's source and date.
    pub source: Option<String>,
    /// National items implemented.
    pub items: u64,
    /// Community plans.
    pub community: u64,
    /// Community plans whose items implement national items, directly or through the regional plan.
    pub community_implementing: u64,
    #[serde(skip)]
    rank: CoverageStatus,
}

/// A sortable column heading.
#[derive(Debug, Clone, Serialize)]
pub struct Heading {
    /// Sort key.
    pub key: &'static str,
    /// Heading text.
    pub label: Texts,
    /// Whether the table is sorted by it.
    pub current: bool,
}

/// The coverage page of one national plan.
#[derive(Debug, Clone, Serialize)]
pub struct CoveragePage {
    /// Plan code.
    pub code: String,
    /// Plan address.
    pub uri: String,
    /// Plan titles.
    pub title: Texts,
    /// The latest national act (number and date), if any.
    pub national_change: Option<String>,
    /// Counts per status, in legend order.
    pub counts: Vec<StatusCount>,
    /// Map tiles.
    pub tiles: Vec<Tile>,
    /// Map size.
    pub width: u32,
    /// Map size.
    pub height: u32,
    /// Tile size.
    pub tile_width: u32,
    /// Tile size.
    pub tile_height: u32,
    /// Table rows, sorted.
    pub rows: Vec<Row>,
    /// Column headings.
    pub headings: Vec<Heading>,
    /// The date the statuses are derived for.
    pub today: String,
}

/// Reads the page of national plan `code`, its table sorted by `sort` (default `region`). `None`
/// when there is no national plan with that code; an unknown sort key is a field-named error.
pub async fn read_coverage(
    db: &impl ConnectionTrait,
    base: &PublicUrl,
    code: &str,
    sort: Option<&str>,
) -> ApiResult<Option<CoveragePage>> {
    let sort = sort.unwrap_or("region");
    if !SORT_KEYS.iter().any(|k| k.0 == sort) {
        let keys: Vec<&str> = SORT_KEYS.iter().map(|k| k.0).collect();
        return Err(ApiError::invalid(
            "sort",
            format!("`{sort}` is not a column; sort by one of {}", keys.join(", ")),
        ));
    }
    let Some(national) = find_plan_by_code(db, code).await? else {
        return Ok(None);
    };
    if national.level != PlanLevel::National {
        return Ok(None);
    }
    let coverage = plan_coverage(db, &national).await?;
    let national_change = coverage
        .first()
        .and_then(|c| c.national_change.as_ref())
        .map(|a| format!("№ {} ({})", a.number, a.adopted_on));
    let mut rows: Vec<Row> = coverage.iter().map(|c| row(base, c)).collect();
    sort_rows(&mut rows, sort);
    let (width, height) = tile_map::size();
    Ok(Some(CoveragePage {
        uri: base.plan(&national.code),
        title: Texts::from(national.title_uk.as_deref(), national.title_en.as_deref()),
        code: national.code,
        national_change,
        counts: counts(&coverage),
        tiles: coverage.iter().filter_map(tile).collect(),
        width,
        height,
        tile_width: tile_map::TILE_WIDTH,
        tile_height: tile_map::TILE_HEIGHT,
        rows,
        headings: SORT_KEYS
            .iter()
            .map(|(key, uk, en)| Heading {
                key,
                label: Texts::of(uk, en),
                current: *key == sort,
            })
            .collect(),
        today: crate::domain::calendar::today().to_string(),
    }))
}

/// How many regions have each status, every status listed.
pub fn counts(coverage: &[RegionCoverage]) -> Vec<StatusCount> {
    CoverageStatus::ALL
        .iter()
        .map(|status| {
            let l = look(*status);
            StatusCount {
                status: status.as_wire(),
                name: Texts::of(l.uk, l.en),
                short: l.short,
                fill: l.fill,
                pattern: l.pattern,
                count: coverage.iter().filter(|c| c.alignment.status == *status).count(),
            }
        })
        .collect()
}

fn tile(c: &RegionCoverage) -> Option<Tile> {
    let (label, x, y) = tile_map::place(&c.region.code)?;
    let l = look(c.alignment.status);
    Some(Tile {
        code: c.region.code.clone(),
        label,
        name_uk: c.region.name_uk.clone(),
        x,
        y,
        status: c.alignment.status.as_wire(),
        status_name: Texts::of(l.uk, l.en),
        short: l.short,
        fill: l.fill,
        pattern: l.pattern,
    })
}

fn row(base: &PublicUrl, c: &RegionCoverage) -> Row {
    let l = look(c.alignment.status);
    let source = c.state.as_ref().map(|s| match s.as_of {
        Some(date) => format!("{} ({date})", s.source),
        None => s.source.clone(),
    });
    Row {
        code: c.region.code.clone(),
        uri: base.region(&c.region.code),
        name: Texts::of(&c.region.name_uk, &c.region.name_en),
        status: c.alignment.status.as_wire(),
        status_name: Texts::of(l.uk, l.en),
        fill: l.fill,
        pattern: l.pattern,
        plan: c.plan.as_ref().map(|p| Cell {
            text: format!("{} ({})", p.code, p.status.as_wire()),
            href: Some(base.plan(&p.code)),
        }),
        act: c.approval.as_ref().map(|a| Cell {
            text: format!("№ {} ({})", a.number, a.adopted_on),
            href: a.url.clone(),
        }),
        due_on: c.alignment.due_on.map(|d| d.to_string()),
        reapproved_on: c.alignment.reapproved_on.map(|d| d.to_string()),
        source,
        items: c.implemented_items,
        community: c.community_plans,
        community_implementing: c.community_implementing_plans,
        rank: c.alignment.status,
    }
}

/// Sorts `rows` by the column `key` (ties and `region` by ISO code). Numbers sort largest first;
/// rows without a value in the column come last.
pub fn sort_rows(rows: &mut [Row], key: &str) {
    rows.sort_by(|a, b| a.code.cmp(&b.code));
    match key {
        "status" => rows.sort_by_key(|r| r.rank),
        "plan" => rows.sort_by_key(|r| (r.plan.is_none(), r.plan.as_ref().map(|p| p.text.clone()))),
        "act" => rows.sort_by_key(|r| (r.act.is_none(), r.act.as_ref().map(|a| a.text.clone()))),
        "deadline" => rows.sort_by_key(|r| (r.due_on.is_none(), r.due_on.clone())),
        "items" => rows.sort_by_key(|r| std::cmp::Reverse(r.items)),
        "community" => rows.sort_by_key(|r| std::cmp::Reverse(r.community)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(code: &str, rank: CoverageStatus, items: u64, due: Option<&str>) -> Row {
        Row {
            code: code.to_owned(),
            uri: String::new(),
            name: Texts::default(),
            status: rank.as_wire(),
            status_name: Texts::default(),
            fill: "",
            pattern: "",
            plan: None,
            act: None,
            due_on: due.map(str::to_owned),
            reapproved_on: None,
            source: None,
            items,
            community: 0,
            community_implementing: 0,
            rank,
        }
    }

    #[test]
    fn rows_sort_by_each_column_with_ties_by_code() {
        let mut rows = vec![
            row("UA-46", CoverageStatus::Overdue, 2, Some("2023-03-16")),
            row("UA-12", CoverageStatus::NoPlan, 0, None),
            row("UA-05", CoverageStatus::Aligned, 2, Some("2023-03-16")),
            row("UA-43", CoverageStatus::NotApplicable, 0, None),
        ];
        let codes = |rows: &[Row]| rows.iter().map(|r| r.code.clone()).collect::<Vec<_>>();
        sort_rows(&mut rows, "status");
        assert_eq!(codes(&rows), ["UA-05", "UA-46", "UA-12", "UA-43"]);
        sort_rows(&mut rows, "items");
        assert_eq!(codes(&rows), ["UA-05", "UA-46", "UA-12", "UA-43"]);
        sort_rows(&mut rows, "deadline");
        assert_eq!(codes(&rows), ["UA-05", "UA-46", "UA-12", "UA-43"]);
        sort_rows(&mut rows, "region");
        assert_eq!(codes(&rows), ["UA-05", "UA-12", "UA-43", "UA-46"]);
    }
}
