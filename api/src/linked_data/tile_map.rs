//! The tile map of Ukraine's 27 first-level subdivisions: one equal tile per region, placed by its
//! rough position (west to east, north to south), drawn by the registry itself so that no
//! third-party boundary data is needed; and the status palette, colour-blind safe (Okabe-Ito
//! colours) with a pattern and a text label per status so that colour is never the only cue.

use crate::domain::alignment::CoverageStatus;

/// A region's place on the map: ISO code, short English label, column and row.
pub const TILES: [(&str, &str, u32, u32); 27] = [
    ("UA-07", "Volyn", 1, 0),
    ("UA-56", "Rivne", 2, 0),
    ("UA-18", "Zhytomyr", 3, 0),
    ("UA-32", "Kyiv Oblast", 4, 0),
    ("UA-74", "Chernihiv", 5, 0),
    ("UA-59", "Sumy", 6, 0),
    ("UA-46", "Lviv", 0, 1),
    ("UA-61", "Ternopil", 1, 1),
    ("UA-68", "Khmelnytskyi", 2, 1),
    ("UA-05", "Vinnytsia", 3, 1),
    ("UA-30", "Kyiv City", 4, 1),
    ("UA-53", "Poltava", 5, 1),
    ("UA-63", "Kharkiv", 6, 1),
    ("UA-09", "Luhansk", 7, 1),
    ("UA-21", "Zakarpattia", 0, 2),
    ("UA-26", "Ivano-Frankivsk", 1, 2),
    ("UA-77", "Chernivtsi", 2, 2),
    ("UA-51", "Odesa", 3, 2),
    ("UA-71", "Cherkasy", 4, 2),
    ("UA-12", "Dnipropetrovsk", 5, 2),
    ("UA-14", "Donetsk", 6, 2),
    ("UA-48", "Mykolaiv", 3, 3),
    ("UA-35", "Kirovohrad", 4, 3),
    ("UA-23", "Zaporizhzhia", 5, 3),
    ("UA-65", "Kherson", 4, 4),
    ("UA-40", "Sevastopol", 3, 5),
    ("UA-43", "Crimea", 4, 5),
];

/// Width of a tile in SVG units.
pub const TILE_WIDTH: u32 = 118;
/// Height of a tile in SVG units.
pub const TILE_HEIGHT: u32 = 66;
/// Space between tiles.
pub const GAP: u32 = 6;

/// The map's width and height in SVG units.
pub fn size() -> (u32, u32) {
    let columns = TILES.iter().map(|t| t.2).max().unwrap_or(0) + 1;
    let rows = TILES.iter().map(|t| t.3).max().unwrap_or(0) + 1;
    (columns * (TILE_WIDTH + GAP), rows * (TILE_HEIGHT + GAP))
}

/// The top-left corner of `code`'s tile, if it is one of the 27 regions.
pub fn place(code: &str) -> Option<(&'static str, u32, u32)> {
    TILES
        .iter()
        .find(|t| t.0 == code)
        .map(|t| (t.1, t.2 * (TILE_WIDTH + GAP), t.3 * (TILE_HEIGHT + GAP)))
}

/// How a status is drawn and named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    /// Fill colour.
    pub fill: &'static str,
    /// The id of the SVG pattern drawn over the tile's lower band.
    pub pattern: &'static str,
    /// Ukrainian name.
    pub uk: &'static str,
    /// English name.
    pub en: &'static str,
    /// The short English text written on the tile.
    pub short: &'static str,
}

/// How `status` is drawn and named.
pub fn look(status: CoverageStatus) -> Look {
    let (fill, pattern, uk, en, short) = match status {
        CoverageStatus::Aligned => ("#009E73", "p-solid", "Узгоджено", "Aligned", "aligned"),
        CoverageStatus::RealignmentDue => (
            "#F0E442",
            "p-dots",
            "Термін узгодження триває",
            "Re-alignment due",
            "due",
        ),
        CoverageStatus::Overdue => ("#D55E00", "p-hatch", "Прострочено", "Overdue", "overdue"),
        CoverageStatus::Draft => ("#56B4E9", "p-vertical", "Лише проєкт", "Draft only", "draft"),
        CoverageStatus::NoPlan => ("#CC79A7", "p-cross", "Плану немає", "No plan", "no plan"),
        CoverageStatus::Unknown => ("#FFFFFF", "p-none", "Невідомо", "Unknown", "unknown"),
        CoverageStatus::NotApplicable => (
            "#BBBBBB",
            "p-horizontal",
            "Тимчасово окупована територія",
            "Not applicable (temporarily occupied)",
            "n/a",
        ),
    };
    Look {
        fill,
        pattern,
        uk,
        en,
        short,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_region_has_one_tile_of_its_own() {
        let codes: HashSet<&str> = TILES.iter().map(|t| t.0).collect();
        let places: HashSet<(u32, u32)> = TILES.iter().map(|t| (t.2, t.3)).collect();
        assert_eq!(codes.len(), 27);
        assert_eq!(places.len(), 27, "two regions share a tile");
        let shipped = include_str!("../../../reference-data/regions.csv");
        for line in shipped.lines().skip(1) {
            let code = line.split(',').next().unwrap();
            assert!(codes.contains(code), "{code} has no tile");
        }
    }

    #[test]
    fn every_status_looks_different() {
        let looks: Vec<Look> = CoverageStatus::ALL.iter().map(|s| look(*s)).collect();
        let fills: HashSet<&str> = looks.iter().map(|l| l.fill).collect();
        let patterns: HashSet<&str> = looks.iter().map(|l| l.pattern).collect();
        let shorts: HashSet<&str> = looks.iter().map(|l| l.short).collect();
        assert_eq!((fills.len(), patterns.len(), shorts.len()), (7, 7, 7));
    }
}
