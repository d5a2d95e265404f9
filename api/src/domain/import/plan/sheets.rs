//! Reading the files of a plan import into sheets of text cells: an XLSX workbook (calamine; a
//! formula gives its cached value, never evaluated here) or CSV files (csv crate), one per sheet,
//! each named by the end of its file name (`…plan.csv`, `…items.csv`, `…indicators.csv`).

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::{Duration, NaiveDate};

use super::report::{Problem, ProblemCode};

/// One uploaded or named file.
#[derive(Debug, Clone)]
pub struct ImportFile {
    /// Its name, e.g. `lviv-items.csv` or `plan.xlsx`: the extension picks the reader, and a CSV
    /// file's name the sheet.
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// The sheets of a plan import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SheetName {
    /// The plan itself (optional): `field`, `value` rows.
    Plan,
    /// One row per plan item.
    Items,
    /// One row per indicator, or per indicator value.
    Indicators,
}

impl SheetName {
    /// The sheet's name in a workbook (and the end of a CSV file's name).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Plan => "plan",
            Self::Items => "items",
            Self::Indicators => "indicators",
        }
    }

    fn named(name: &str) -> Option<Self> {
        let name = name.trim().to_lowercase();
        [Self::Indicators, Self::Items, Self::Plan]
            .into_iter()
            .find(|sheet| {
                name == sheet.as_str()
                    || name.ends_with(&format!("-{}", sheet.as_str()))
                    || name.ends_with(&format!("_{}", sheet.as_str()))
                    || name.ends_with(&format!(".{}", sheet.as_str()))
            })
    }
}

/// A sheet's text: its header (column names, lower case) and its data rows with their row
/// numbers as a spreadsheet shows them (the header's row is not a data row; blank rows and rows
/// whose first cell starts with `#` are comments and left out).
#[derive(Debug, Clone)]
pub struct Sheet {
    /// Which sheet.
    pub name: SheetName,
    /// The column names.
    pub header: Vec<String>,
    /// The data rows: row number and cells (trimmed; as many as the header has columns).
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Sheet {
    fn from_rows(name: SheetName, rows: impl IntoIterator<Item = (usize, Vec<String>)>) -> Self {
        let mut header: Option<Vec<String>> = None;
        let mut data = Vec::new();
        for (number, cells) in rows {
            let cells: Vec<String> = cells.into_iter().map(|c| c.trim().to_owned()).collect();
            if cells.iter().all(String::is_empty) || cells.first().is_some_and(|c| c.starts_with('#')) {
                continue;
            }
            match &header {
                None => {
                    header = Some(
                        cells
                            .iter()
                            .map(|c| c.to_lowercase().replace([' ', '-'], "_"))
                            .collect(),
                    );
                }
                Some(columns) => {
                    let mut cells = cells;
                    cells.resize(columns.len().max(cells.len()), String::new());
                    data.push((number, cells));
                }
            }
        }
        Self {
            name,
            header: header.unwrap_or_default(),
            rows: data,
        }
    }
}

fn unreadable(file: &str, en: String, uk: String) -> Problem {
    Problem::file(ProblemCode::UnreadableFile, file, uk, en)
}

/// Reads `files` into sheets; files over `max_bytes` (all together), unreadable files, unknown
/// sheet names and a sheet given twice are problems.
pub fn read(files: &[ImportFile], max_bytes: usize) -> Result<Vec<Sheet>, Vec<Problem>> {
    let total: usize = files.iter().map(|f| f.bytes.len()).sum();
    if total > max_bytes {
        return Err(vec![Problem::file(
            ProblemCode::FileTooLarge,
            &files.first().map(|f| f.name.clone()).unwrap_or_default(),
            format!("файл завеликий: {total} байт, найбільше {max_bytes}"),
            format!("the file is too large: {total} bytes, at most {max_bytes}"),
        )]);
    }
    let mut sheets: Vec<Sheet> = Vec::new();
    let mut problems = Vec::new();
    for file in files {
        let lower = file.name.to_lowercase();
        let read = if lower.ends_with(".xlsx") {
            read_xlsx(file)
        } else if lower.ends_with(".csv") {
            read_csv(file).map(|sheet| vec![sheet])
        } else {
            Err(unreadable(
                &file.name,
                "not a spreadsheet: give an .xlsx workbook or .csv files".to_owned(),
                "не таблиця: потрібна книга .xlsx або файли .csv".to_owned(),
            ))
        };
        match read {
            Ok(read) => {
                for sheet in read {
                    if sheets.iter().any(|s| s.name == sheet.name) {
                        problems.push(Problem::file(
                            ProblemCode::UnknownSheet,
                            &file.name,
                            format!("аркуш `{}` подано двічі", sheet.name.as_str()),
                            format!("the sheet `{}` is given twice", sheet.name.as_str()),
                        ));
                    } else {
                        sheets.push(sheet);
                    }
                }
            }
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(sheets)
    } else {
        Err(problems)
    }
}

fn read_csv(file: &ImportFile) -> Result<Sheet, Problem> {
    let stem = file.name.rsplit(['/', '\\']).next().unwrap_or(&file.name);
    let stem = &stem[..stem.len().saturating_sub(4)];
    let name = SheetName::named(stem).ok_or_else(|| {
        Problem::file(
            ProblemCode::UnknownSheet,
            &file.name,
            format!("назва CSV-файлу `{}` має закінчуватися на plan, items або indicators", file.name),
            format!("a CSV file's name ends with plan, items or indicators (e.g. `lviv-items.csv`); `{}` does not", file.name),
        )
    })?;
    let bytes = file
        .bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(&file.bytes);
    let first_line = bytes
        .split(|b| *b == b'\n')
        .find(|line| !line.starts_with(b"#") && !line.starts_with(b"\"#"))
        .unwrap_or_default();
    let semicolons = first_line.iter().filter(|b| **b == b';').count();
    let commas = first_line.iter().filter(|b| **b == b',').count();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(if semicolons > commas { b';' } else { b',' })
        .from_reader(bytes);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            unreadable(
                &file.name,
                format!("line {line} is not CSV text in UTF-8: {e}"),
                format!("рядок {line} не є текстом CSV у UTF-8: {e}"),
            )
        })?;
        // The line a spreadsheet shows, counted from the record's first byte (csv's own line count
        // leaves out blank lines).
        let start = record
            .position()
            .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(0))
            .min(bytes.len());
        // A record after blank lines starts at them.
        let start = start
            + bytes[start..]
                .iter()
                .take_while(|b| matches!(b, b'\n' | b'\r'))
                .count();
        let line = bytes[..start].iter().filter(|b| **b == b'\n').count() + 1;
        rows.push((line, record.iter().map(str::to_owned).collect()));
    }
    Ok(Sheet::from_rows(name, rows))
}

fn read_xlsx(file: &ImportFile) -> Result<Vec<Sheet>, Problem> {
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(file.bytes.as_slice())).map_err(|e| {
        unreadable(
            &file.name,
            format!("not a readable XLSX workbook: {e}"),
            format!("це не книга XLSX, яку можна прочитати: {e}"),
        )
    })?;
    let mut sheets = Vec::new();
    for sheet_name in workbook.sheet_names() {
        let Some(name) = SheetName::named(&sheet_name) else {
            return Err(Problem::file(
                ProblemCode::UnknownSheet,
                &file.name,
                format!("аркуш `{sheet_name}` невідомий: аркуші звуться plan, items та indicators"),
                format!("the sheet `{sheet_name}` is unknown: the sheets are plan, items and indicators"),
            ));
        };
        let range = workbook.worksheet_range(&sheet_name).map_err(|e| {
            unreadable(
                &file.name,
                format!("the sheet `{sheet_name}` cannot be read: {e}"),
                format!("аркуш `{sheet_name}` не читається: {e}"),
            )
        })?;
        let first_row = range.start().map_or(0, |(row, _)| row as usize);
        let first_column = range.start().map_or(0, |(_, column)| column as usize);
        let rows = range.rows().enumerate().map(|(index, cells)| {
            let mut text = vec![String::new(); first_column];
            text.extend(cells.iter().map(cell_text));
            (first_row + index + 1, text)
        });
        sheets.push(Sheet::from_rows(name, rows));
    }
    Ok(sheets)
}

/// A cell as text: whole numbers without a fraction, dates as `YYYY-MM-DD`.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(date) => {
            let days = date.as_f64().floor();
            // Spreadsheet serial dates count days from 1899-12-30.
            NaiveDate::from_ymd_opt(1899, 12, 30)
                .and_then(|epoch| epoch.checked_add_signed(Duration::days(days as i64)))
                .map_or_else(|| date.as_f64().to_string(), |d| d.format("%Y-%m-%d").to_string())
        }
        Data::Error(error) => format!("#{error:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_sheets_are_named_by_the_end_of_the_file_name() {
        assert_eq!(SheetName::named("lviv-items"), Some(SheetName::Items));
        assert_eq!(SheetName::named("indicators"), Some(SheetName::Indicators));
        assert_eq!(SheetName::named("UA-46_plan"), Some(SheetName::Plan));
        assert_eq!(SheetName::named("budget"), None);
    }

    #[test]
    fn csv_rows_keep_their_line_numbers_and_skip_comments() {
        let file = ImportFile {
            name: "x-items.csv".to_owned(),
            bytes: b"# example\nnumber;title_en\n1;One\n\n1.1;\"Two; three\"\n".to_vec(),
        };
        let sheet = read_csv(&file).unwrap();
        assert_eq!(sheet.header, ["number", "title_en"]);
        assert_eq!(sheet.rows[0], (3, vec!["1".to_owned(), "One".to_owned()]));
        assert_eq!(sheet.rows[1].0, 5);
        assert_eq!(sheet.rows[1].1[1], "Two; three");
    }

    #[test]
    fn files_over_the_limit_are_refused() {
        let file = ImportFile {
            name: "items.csv".to_owned(),
            bytes: vec![b'a'; 11],
        };
        let problems = read(&[file], 10).unwrap_err();
        assert_eq!(problems[0].code, ProblemCode::FileTooLarge);
    }
}
