//! Encoding export rows as CSV (RFC 4180 via the `csv` crate: UTF-8, CRLF, one header row),
//! a JSON array of objects, or JSON Lines, and handing the bytes on in pieces.

use bytes::Bytes;
use tokio::sync::mpsc;

use crate::error::{ApiError, ApiResult};

/// Bytes gathered before they are handed on.
const CHUNK_BYTES: usize = 64 * 1024;

/// A piece of an export as it travels to the reader; an error ends the transfer abruptly, so a
/// failed export can never pass for a complete file.
pub type Chunk = Result<Bytes, std::io::Error>;

/// The UTF-8 byte order mark, which spreadsheet programs take as "this CSV is UTF-8".
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The file formats of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON array of objects.
    Json,
    /// One JSON object per line.
    Jsonl,
}

impl Format {
    /// The format with file extension `extension`.
    pub fn from_extension(extension: &str) -> Option<Self> {
        match extension {
            "csv" => Some(Self::Csv),
            "json" => Some(Self::Json),
            "jsonl" => Some(Self::Jsonl),
            _ => None,
        }
    }

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
            Self::Jsonl => "jsonl",
        }
    }

    /// The media type.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8; header=present",
            Self::Json => "application/json",
            Self::Jsonl => "application/jsonl",
        }
    }
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// No value: an empty CSV field, JSON `null`.
    Null,
    /// Text.
    Text(String),
    /// A whole number.
    Int(i64),
    /// A measured value.
    Float(f64),
}

impl Cell {
    /// `Text`, or `Null` for `None`.
    pub fn text(value: Option<impl Into<String>>) -> Self {
        value.map_or(Self::Null, |v| Self::Text(v.into()))
    }

    fn csv_field(&self) -> String {
        match self {
            Self::Null => String::new(),
            Self::Text(text) => text.clone(),
            Self::Int(number) => number.to_string(),
            Self::Float(number) => number.to_string(),
        }
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Self::Null => serde_json::Value::Null,
            Self::Text(text) => serde_json::Value::String(text.clone()),
            Self::Int(number) => serde_json::Value::from(*number),
            Self::Float(number) => serde_json::Number::from_f64(*number)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
        }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

/// Encodes rows of fixed columns and sends the bytes into a channel in chunks of about
/// [`CHUNK_BYTES`].
pub struct RowWriter {
    format: Format,
    columns: &'static [&'static str],
    csv: csv::WriterBuilder,
    buffer: Vec<u8>,
    rows: u64,
    sink: mpsc::Sender<Chunk>,
}

impl RowWriter {
    /// A writer of `columns` in `format` (a CSV starting with a byte order mark when `bom`).
    pub fn new(
        format: Format,
        columns: &'static [&'static str],
        bom: bool,
        sink: mpsc::Sender<Chunk>,
    ) -> Self {
        let mut csv = csv::WriterBuilder::new();
        csv.terminator(csv::Terminator::CRLF).has_headers(false);
        let mut writer = Self {
            format,
            columns,
            csv,
            buffer: Vec::with_capacity(CHUNK_BYTES),
            rows: 0,
            sink,
        };
        match format {
            Format::Csv => {
                if bom {
                    writer.buffer.extend_from_slice(BOM);
                }
                writer.csv_record(columns.iter().map(|c| (*c).to_owned()));
            }
            Format::Json => writer.buffer.push(b'['),
            Format::Jsonl => {}
        }
        writer
    }

    fn csv_record(&mut self, fields: impl IntoIterator<Item = String>) {
        let mut writer = self.csv.from_writer(&mut self.buffer);
        // Writing into a Vec cannot fail.
        let _ = writer.write_record(fields);
        let _ = writer.flush();
    }

    /// How many rows have been written.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Adds a row (one cell per column), sending the buffer on when it is full.
    pub async fn row(&mut self, cells: Vec<Cell>) -> ApiResult<()> {
        debug_assert_eq!(cells.len(), self.columns.len(), "a row has a cell per column");
        match self.format {
            Format::Csv => self.csv_record(cells.iter().map(Cell::csv_field)),
            Format::Json | Format::Jsonl => {
                if self.format == Format::Json {
                    self.buffer
                        .extend_from_slice(if self.rows == 0 { b"\n" } else { b",\n" });
                }
                let object: serde_json::Map<String, serde_json::Value> = self
                    .columns
                    .iter()
                    .zip(&cells)
                    .map(|(column, cell)| ((*column).to_owned(), cell.json()))
                    .collect();
                serde_json::to_writer(&mut self.buffer, &ObjectInOrder(self.columns, &object))
                    .map_err(|e| ApiError::Internal(format!("encode an export row: {e}")))?;
                if self.format == Format::Jsonl {
                    self.buffer.push(b'\n');
                }
            }
        }
        self.rows += 1;
        if self.buffer.len() >= CHUNK_BYTES {
            self.send().await?;
        }
        Ok(())
    }

    async fn send(&mut self) -> ApiResult<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK_BYTES),
        ));
        self.sink
            .send(Ok(chunk))
            .await
            .map_err(|_| ApiError::Internal("the export's reader went away".to_owned()))
    }

    /// Ends the file and sends what is left.
    pub async fn finish(mut self) -> ApiResult<()> {
        if self.format == Format::Json {
            self.buffer
                .extend_from_slice(if self.rows == 0 { b"]\n" } else { b"\n]\n" });
        }
        self.send().await
    }
}

/// Serializes a row's object with its keys in column order (a `serde_json::Map` sorts them).
struct ObjectInOrder<'a>(
    &'static [&'static str],
    &'a serde_json::Map<String, serde_json::Value>,
);

impl serde::Serialize for ObjectInOrder<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for column in self.0 {
            map.serialize_entry(column, self.1.get(*column).unwrap_or(&serde_json::Value::Null))?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn encode(format: Format, bom: bool, rows: Vec<Vec<Cell>>) -> String {
        let (sender, mut receiver) = mpsc::channel(16);
        let mut writer = RowWriter::new(format, &["code", "label"], bom, sender);
        for row in rows {
            writer.row(row).await.unwrap();
        }
        writer.finish().await.unwrap();
        let mut out = Vec::new();
        while let Some(chunk) = receiver.recv().await {
            out.extend_from_slice(&chunk.unwrap());
        }
        String::from_utf8(out).unwrap()
    }

    #[tokio::test]
    async fn csv_quotes_per_rfc_4180_and_json_keeps_column_order() {
        let rows = || {
            vec![
                vec![Cell::from("a,1"), Cell::from("say \"hi\"\nthere")],
                vec![Cell::Int(2), Cell::Null],
            ]
        };
        assert_eq!(
            encode(Format::Csv, true, rows()).await,
            "\u{feff}code,label\r\n\"a,1\",\"say \"\"hi\"\"\nthere\"\r\n2,\r\n"
        );
        assert_eq!(
            encode(Format::Jsonl, false, rows()).await,
            "{\"code\":\"a,1\",\"label\":\"say \\\"hi\\\"\\nthere\"}\n{\"code\":2,\"label\":null}\n"
        );
        let json: serde_json::Value =
            serde_json::from_str(&encode(Format::Json, false, rows()).await).unwrap();
        assert_eq!(json.as_array().unwrap().len(), 2);
        assert_eq!(encode(Format::Json, false, vec![]).await, "[]\n");
    }
}
