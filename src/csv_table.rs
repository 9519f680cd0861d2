//! Reading text tables, below both pipelines: a file's bytes decoded as UTF-8
//! and parsed as CSV into rows of trimmed text, each with the physical line it
//! starts on (the header is line 1).
//!
//! Takes a path and the columns a caller requires or allows; gives a
//! [`CsvTable`]. Nothing here interprets the rows beyond their shape and
//! encoding, and no input file is ever written.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// One data row of a CSV file, with the 1-based line it starts on.
#[derive(Debug, Clone)]
pub(crate) struct CsvRow {
    /// Line number in the file (the header is line 1).
    pub line: u64,
    fields: Vec<String>,
}

/// A CSV file read as text: header names and data rows, fields trimmed.
#[derive(Debug, Clone)]
pub(crate) struct CsvTable {
    /// The file this table was read from (used in every error).
    pub path: PathBuf,
    /// Column names, in file order, trimmed.
    pub headers: Vec<String>,
    /// The data rows.
    pub rows: Vec<CsvRow>,
}

impl CsvTable {
    /// Index of a column, if the file has it.
    pub(crate) fn column_index(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// The trimmed text of a column in a row; `""` when the column is absent.
    pub(crate) fn text<'a>(&self, row: &'a CsvRow, column: &str) -> &'a str {
        self.column_index(column)
            .and_then(|i| row.fields.get(i))
            .map(String::as_str)
            .unwrap_or("")
    }

    /// The text of a column, or `None` when it is blank or the column is absent.
    pub(crate) fn optional_text(&self, row: &CsvRow, column: &str) -> Option<String> {
        let text = self.text(row, column);
        (!text.is_empty()).then(|| text.to_owned())
    }

    /// The text of a column that must not be blank.
    pub(crate) fn required_text(&self, row: &CsvRow, column: &str) -> Result<String> {
        self.optional_text(row, column)
            .ok_or_else(|| self.error(row, column, "is blank; a value is required"))
    }

    /// A count: a whole number, zero or more. Accepts `1,234` grouping.
    pub(crate) fn count(&self, row: &CsvRow, column: &str) -> Result<u64> {
        let text = self.text(row, column);
        parse_count(text).map_err(|why| self.error(row, column, why))
    }

    /// An optional decimal number (blank means missing).
    pub(crate) fn optional_number(&self, row: &CsvRow, column: &str) -> Result<Option<f64>> {
        let text = self.text(row, column).trim_end_matches('%').trim();
        if text.is_empty() {
            return Ok(None);
        }
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            _ => Err(self.error(
                row,
                column,
                format!("'{}' is not a number", self.text(row, column)),
            )),
        }
    }

    /// An input error located at a row and column of this file.
    pub(crate) fn error(&self, row: &CsvRow, column: &str, message: impl Into<String>) -> Error {
        Error::input(&self.path, Some(row.line), Some(column), message)
    }

    /// An input error about the whole file.
    pub(crate) fn file_error(&self, message: impl Into<String>) -> Error {
        Error::input(&self.path, None, None, message)
    }
}

fn parse_count(text: &str) -> std::result::Result<u64, String> {
    if text.is_empty() {
        return Err("is blank; a count is required".into());
    }
    let digits: String = if is_grouped_thousands(text) {
        text.replace(',', "")
    } else {
        text.to_owned()
    };
    if let Ok(v) = digits.parse::<u64>() {
        return Ok(v);
    }
    match digits.parse::<f64>() {
        Ok(v) if v < 0.0 => Err(format!("'{text}' is negative; counts must be 0 or more")),
        Ok(v) if v.fract() != 0.0 => Err(format!("'{text}' is not a whole number")),
        Ok(_) => Err(format!("'{text}' is too large for a count")),
        Err(_) => Err(format!("'{text}' is not a number")),
    }
}

/// `1,234` or `12,345,678`: digits grouped by threes with commas.
fn is_grouped_thousands(text: &str) -> bool {
    let mut parts = text.split(',');
    let first = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    !rest.is_empty()
        && (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && rest
            .iter()
            .all(|p| p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Decode a file's bytes as UTF-8 text, with an error naming the line of the
/// first bad byte. A UTF-8 byte-order mark is dropped; UTF-16 is recognised
/// and refused with advice.
pub(crate) fn decode_utf8(path: &Path, bytes: &[u8]) -> Result<String> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Error::input(
            path,
            Some(1),
            None,
            "file is UTF-16 encoded; save it as UTF-8",
        ));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            Err(Error::input(
                path,
                Some(line),
                None,
                format!(
                    "file is not valid UTF-8 (byte 0x{:02X} at offset {at}); save it as UTF-8",
                    bytes[at]
                ),
            ))
        }
    }
}

/// Read a CSV file: check encoding, that it is not empty, that `required`
/// columns are present and that every column is either required or in
/// `optional`. Fields are trimmed; quoted fields, CRLF and a BOM are accepted.
pub(crate) fn read_csv(path: &Path, required: &[&str], optional: &[&str]) -> Result<CsvTable> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = decode_utf8(path, &bytes)?;
    parse_csv_text(path, &text, required, optional)
}

/// [`read_csv`] on text already in memory; `path` names it in errors.
pub(crate) fn parse_csv_text(
    path: &Path,
    text: &str,
    required: &[&str],
    optional: &[&str],
) -> Result<CsvTable> {
    parse_table(
        path,
        text,
        &TableShape {
            delimiter: b',',
            required,
            optional,
            others_allowed: false,
        },
    )
}

/// What a text table must look like.
pub(crate) struct TableShape<'a> {
    /// The field delimiter (`,` for CSV, `|` for UWCHR's tables).
    pub(crate) delimiter: u8,
    /// Columns that must be there.
    pub(crate) required: &'a [&'a str],
    /// Columns that may be there.
    pub(crate) optional: &'a [&'a str],
    /// Whether other columns are passed over (a third party's table with
    /// columns this crate does not read) or refused (a table of its own).
    pub(crate) others_allowed: bool,
}

/// A delimited text table of `shape`; `path` names it in errors.
pub(crate) fn parse_table(path: &Path, text: &str, shape: &TableShape<'_>) -> Result<CsvTable> {
    if text.trim().is_empty() {
        return Err(Error::input(path, None, None, "file is empty"));
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(shape.delimiter)
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(path, text.as_bytes(), &e))?
        .iter()
        .map(str::to_owned)
        .collect();
    check_headers(path, &headers, shape)?;

    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, text.as_bytes(), &e))?;
        let line = record
            .position()
            .map_or(0, |p| physical_line(text.as_bytes(), p.byte()));
        rows.push(CsvRow {
            line,
            fields: record.iter().map(str::to_owned).collect(),
        });
    }
    if rows.is_empty() {
        return Err(Error::input(
            path,
            None,
            None,
            "file has a header but no data rows",
        ));
    }
    Ok(CsvTable {
        path: path.to_path_buf(),
        headers,
        rows,
    })
}

fn check_headers(path: &Path, headers: &[String], shape: &TableShape<'_>) -> Result<()> {
    let (required, optional) = (shape.required, shape.optional);
    for (i, name) in headers.iter().enumerate() {
        if name.is_empty() {
            return Err(Error::input(
                path,
                Some(1),
                None,
                format!("column {} has no name", i + 1),
            ));
        }
        if headers[..i].contains(name) {
            return Err(Error::input(
                path,
                Some(1),
                Some(name),
                "column appears twice",
            ));
        }
        if !shape.others_allowed
            && !required.contains(&name.as_str())
            && !optional.contains(&name.as_str())
        {
            let mut known: Vec<&str> = required.to_vec();
            known.extend_from_slice(optional);
            return Err(Error::input(
                path,
                Some(1),
                Some(name),
                format!("unknown column; expected columns are: {}", known.join(", ")),
            ));
        }
    }
    for name in required {
        if !headers.iter().any(|h| h == name) {
            return Err(Error::input(
                path,
                Some(1),
                Some(name),
                format!(
                    "required column is missing (the header has: {})",
                    headers.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// The physical line (1-based: the header is line 1) of the record that
/// starts at byte `offset` of `bytes`. The csv crate's own line count is not
/// this after a CRLF line end, and the offset it gives for a record can point
/// at the end of the line before (the `\n` of a CRLF, or blank lines it
/// skipped), so line ends at the offset are stepped over before counting.
pub(crate) fn physical_line(bytes: &[u8], offset: u64) -> u64 {
    let mut at = usize::try_from(offset).map_or(bytes.len(), |o| o.min(bytes.len()));
    while matches!(bytes.get(at), Some(b'\r' | b'\n')) {
        at += 1;
    }
    memchr::memchr_iter(b'\n', &bytes[..at]).count() as u64 + 1
}

fn csv_error(path: &Path, bytes: &[u8], e: &csv::Error) -> Error {
    let line = e.position().map(|p| physical_line(bytes, p.byte()));
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("row has {len} fields but the header has {expected_len}"),
        _ => format!("malformed CSV: {e}"),
    };
    Error::input(path, line, None, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_accept_grouping_and_refuse_signs_and_fractions() {
        assert_eq!(parse_count("456"), Ok(456));
        assert_eq!(parse_count("1,234"), Ok(1234));
        assert!(parse_count("-3").unwrap_err().contains("negative"));
        assert!(parse_count("3.5").unwrap_err().contains("whole number"));
        assert!(parse_count("abc").unwrap_err().contains("not a number"));
        assert!(parse_count("").unwrap_err().contains("blank"));
        assert!(parse_count("12,34").unwrap_err().contains("not a number"));
    }

    #[test]
    fn record_offsets_map_to_physical_lines() {
        let text = b"h\r\na\r\n\r\nb\n\"x\ny\",z\nc";
        assert_eq!(physical_line(text, 0), 1);
        assert_eq!(physical_line(text, 3), 2, "the LF of the header's CRLF");
        assert_eq!(physical_line(text, 6), 4, "a blank line is skipped");
        assert_eq!(physical_line(text, 10), 5, "a quoted field with a newline");
        assert_eq!(physical_line(text, 18), 7, "after a quoted newline");
        assert_eq!(physical_line(text, 99), 7, "past the end");
    }

    #[test]
    fn bad_utf8_names_its_line() {
        let err = decode_utf8(Path::new("x.csv"), b"a,b\n1,2\n\xE9,3\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.csv:3: file is not valid UTF-8 (byte 0xE9 at offset 8); save it as UTF-8"
        );
    }

    #[test]
    fn utf8_bom_is_dropped_and_utf16_refused() {
        assert_eq!(decode_utf8(Path::new("x"), b"\xEF\xBB\xBFa").unwrap(), "a");
        let err = decode_utf8(Path::new("x"), b"\xFF\xFEa\x00").unwrap_err();
        assert!(err.to_string().contains("UTF-16"));
    }
}
