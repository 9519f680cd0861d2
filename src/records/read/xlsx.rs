//! ICE's release workbooks (xlsx) read as the analysis reads a CSV export.
//!
//! The release's sheets open with rows of preamble (a title, a date, notes)
//! before a header in title case ("Detainer Prepare Date", "Facility AOR").
//! A sheet's header is its first row whose names, cleaned as the Deportation
//! Data Project cleans them (lower case, runs of other characters to one
//! underscore), include `detainer_prepare_date`; every sheet with one is
//! read, in order, as one file. Cells are read one at a time, so memory holds the
//! used columns and the workbook's shared strings, never the whole sheet.
//!
//! Each cell becomes the text a CSV export holds: an Excel date as
//! `YYYY-MM-DD` (its time of day, if any, left out), a whole number without a decimal point, a boolean as `TRUE`
//! or `FALSE`, an empty cell as missing. A number in the prepare-date column
//! is refused (a column formatted as numbers, not dates, would otherwise
//! read as unparseable dates); text there is read as a CSV's text is.

use crate::error::{Error, Result};
use crate::records::read::layouts::{clean_name, Layout};
use crate::records::read::schema::DATE;
use calamine::{DataRef, Reader, Xlsx, XlsxError};
use polars::prelude::*;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// How many rows of a sheet are searched for the header.
const HEADER_SEARCH_ROWS: u32 = 30;

/// The rule a workbook without `duplicate_likely` is flagged by, as the
/// Deportation Data Project first derived the column for ICE's workbooks.
pub(crate) const DERIVED_DUPLICATES: &str = "duplicate_likely derived: TRUE where another row of the file has the same unique_identifier and detainer_prepare_date (missing without a unique_identifier), as the workbook has no such column";

/// Where a workbook's records are: the sheet, the header's row (1-based, as
/// Excel numbers it) and the columns' cleaned names, in sheet order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SheetLayout {
    pub(crate) sheet: String,
    pub(crate) header_row: u32,
    /// Cleaned name of each column, by its 0-based column index in the sheet.
    pub(crate) columns: Vec<String>,
}

/// A column's letters as Excel shows them (0 is `A`, 26 is `AA`).
pub(crate) fn column_letters(index: u32) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        letters.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

fn open(path: &Path) -> Result<Xlsx<BufReader<File>>> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    Xlsx::new(BufReader::new(file))
        .map_err(|e| Error::input_caused(path, None, None, "could not read as an xlsx workbook", e))
}

fn cell_error(path: &Path, sheet: &str, e: XlsxError) -> Error {
    Error::input(
        path,
        None,
        None,
        format!("sheet '{sheet}': could not read the sheet: {e}"),
    )
}

/// A header cell's text, when it holds any.
fn header_text(value: &DataRef<'_>) -> Option<String> {
    match value {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Some(s.clone()),
        DataRef::SharedString(s) => Some((*s).to_string()),
        DataRef::Float(x) => Some(number_text(*x)),
        DataRef::Int(i) => Some(i.to_string()),
        DataRef::DateTime(d) => Some(date_text(d)),
        DataRef::Bool(_) | DataRef::Error(_) | DataRef::Empty => None,
    }
}

/// Cleaned names of one row's cells, by column index; repeated names get
/// `_2`, `_3` (as `clean_names` does).
fn names_of(cells: &[(u32, String)]) -> Vec<String> {
    let width = cells.iter().map(|(c, _)| c + 1).max().unwrap_or(0) as usize;
    let mut names = vec![String::new(); width];
    let mut seen: std::collections::HashMap<String, u32> = Default::default();
    for (c, text) in cells {
        let base = clean_name(text);
        if base.is_empty() {
            continue;
        }
        let n = seen.entry(base.clone()).or_insert(0);
        *n += 1;
        names[*c as usize] = if *n == 1 { base } else { format!("{base}_{n}") };
    }
    names
}

/// The names a header row is recognised by, cleaned: every layout's names
/// for the prepare date, and every name any layout lists.
struct Known {
    dates: std::collections::HashSet<String>,
    names: std::collections::HashSet<String>,
}

impl Known {
    fn of(layouts: &[Layout]) -> Self {
        let clean = |names: &[String]| names.iter().map(|n| clean_name(n)).collect::<Vec<_>>();
        Known {
            dates: layouts.iter().flat_map(|l| clean(&l.sources[0])).collect(),
            names: layouts
                .iter()
                .flat_map(|l| {
                    l.sources
                        .iter()
                        .flat_map(|s| clean(s))
                        .chain(clean(&l.markers))
                })
                .collect(),
        }
    }

    /// A header: a prepare-date name and at least one other known name
    /// (a preamble line reading only "Date" is not taken for one).
    fn is_header(&self, columns: &[String]) -> bool {
        columns.iter().any(|c| self.dates.contains(c))
            && columns.iter().filter(|c| self.names.contains(*c)).count() >= 2
    }
}

/// The header of one sheet: the first row within the first
/// [`HEADER_SEARCH_ROWS`] rows whose cleaned names include a prepare date
/// and another name of a known layout. `None` for a sheet without one, or
/// one the reader cannot open as a worksheet (a blank sheet stored without
/// cells, a chart sheet).
fn sheet_header(
    book: &mut Xlsx<BufReader<File>>,
    sheet: &str,
    known: &Known,
) -> Option<SheetLayout> {
    let mut cells = book.worksheet_cells_reader(sheet).ok()?;
    let mut row: Option<u32> = None;
    let mut current: Vec<(u32, String)> = Vec::new();
    loop {
        let next = cells.next_cell().ok()?;
        let r = next.as_ref().map(|cell| cell.get_position().0);
        if r != row {
            if let Some(done) = row {
                let columns = names_of(&current);
                if known.is_header(&columns) {
                    return Some(SheetLayout {
                        sheet: sheet.to_string(),
                        header_row: done + 1,
                        columns,
                    });
                }
            }
            current.clear();
            row = r;
        }
        match next {
            Some(cell) if cell.get_position().0 < HEADER_SEARCH_ROWS => {
                if let Some(text) = header_text(cell.get_value()) {
                    current.push((cell.get_position().1, text));
                }
            }
            _ => return None,
        }
    }
}

/// Every sheet with a header ([`sheet_header`]), in workbook order (a
/// workbook may hold one sheet per year).
fn find_layouts(
    path: &Path,
    book: &mut Xlsx<BufReader<File>>,
    layouts: &[Layout],
) -> Result<Vec<SheetLayout>> {
    let known = Known::of(layouts);
    let sheets = book.sheet_names();
    let found: Vec<SheetLayout> = sheets
        .iter()
        .filter_map(|sheet| sheet_header(book, sheet, &known))
        .collect();
    if found.is_empty() {
        return Err(Error::input(
            path,
            None,
            None,
            format!(
                "no sheet has a header row naming a prepare date ('{DATE}', 'Detainer Prepare Date', 'Detainer Prepared Date', ...) in its first {HEADER_SEARCH_ROWS} rows; sheets: {}",
                sheets
                    .iter()
                    .map(|s| format!("'{s}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    Ok(found)
}

/// The sheets read from the workbook at `path` (see [`find_layouts`]).
///
/// # Errors
/// [`Error::Input`] naming the file for a workbook that cannot be read, no
/// sheet with a recognisable header, or a missing column (with the sheet and
/// the header's row).
pub(crate) fn sheet_layouts(path: &Path, layouts: &[Layout]) -> Result<Vec<SheetLayout>> {
    let mut book = open(path)?;
    find_layouts(path, &mut book, layouts)
}

/// Excel's date as `YYYY-MM-DD` (a time of day, if any, is left out, as it
/// is for a Parquet or IPC datetime: the analysis counts days).
fn date_text(d: &calamine::ExcelDateTime) -> String {
    let (y, m, day, ..) = d.to_ymd_hms_milli();
    format!("{y:04}-{m:02}-{day:02}")
}

/// An ISO 8601 date or date-time (a cell of type `d`) as its date.
fn iso_date(s: &str) -> String {
    match s.get(..10) {
        Some(day) if s.len() == 10 || s.as_bytes().get(10) == Some(&b'T') => day.to_string(),
        _ => s.to_string(),
    }
}

/// A number as a CSV export writes it: whole numbers without a decimal point.
fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// The records of the workbook at `path` as a frame of text columns, one per
/// name in `wanted` (null where a sheet lacks it), from every sheet with a
/// header, in workbook order. Rows with no cell under a named column are
/// skipped, as blank lines are in a CSV file; so are cells outside the
/// table (a note beside it).
///
/// # Errors
/// As [`sheet_layouts`], and [`Error::Input`] naming the file, sheet, row and
/// column for a cell holding an Excel error (`#N/A`) or a number in the
/// prepare-date column.
pub(crate) fn read_columns(
    path: &Path,
    layouts: &[SheetLayout],
    wanted: &[&str],
    dates: &[&str],
) -> Result<DataFrame> {
    let mut book = open(path)?;
    let build =
        |e: PolarsError| Error::input(path, None, None, format!("could not build the table: {e}"));
    let mut frames = Vec::with_capacity(layouts.len());
    for layout in layouts {
        frames.push(read_sheet(path, &mut book, layout, wanted, dates)?.lazy());
    }
    concat(frames, UnionArgs::default())
        .and_then(LazyFrame::collect)
        .map_err(build)
}

/// One sheet's rows below its header, as [`read_columns`] describes.
fn read_sheet(
    path: &Path,
    book: &mut Xlsx<BufReader<File>>,
    layout: &SheetLayout,
    wanted: &[&str],
    dates: &[&str],
) -> Result<DataFrame> {
    // For each column of the sheet, the wanted column it fills.
    let mut slot: Vec<Option<usize>> = vec![None; layout.columns.len()];
    for (k, name) in wanted.iter().enumerate() {
        if let Some(c) = layout.columns.iter().position(|n| n == name) {
            slot[c] = Some(k);
        }
    }
    let mut builders: Vec<StringChunkedBuilder> = wanted
        .iter()
        .map(|n| StringChunkedBuilder::new((*n).into(), 1024))
        .collect();
    let mut row_values: Vec<Option<String>> = vec![None; wanted.len()];
    let is_date = |k: usize| dates.contains(&wanted[k]);
    let sheet = &layout.sheet;
    let at = |row: u32, column: u32, what: String| {
        let name = layout
            .columns
            .get(column as usize)
            .map_or("", String::as_str);
        let column = format!("{name} (column {})", column_letters(column));
        Error::input(
            path,
            Some(u64::from(row) + 1),
            Some(column.as_str()),
            format!("sheet '{sheet}': {what}"),
        )
    };
    let mut cells = book
        .worksheet_cells_reader(sheet)
        .map_err(|e| cell_error(path, sheet, e))?;
    let mut row: Option<u32> = None;
    let mut row_has_cells = false;
    let mut flush = |values: &mut Vec<Option<String>>, has_cells: bool| {
        if has_cells {
            for (b, v) in builders.iter_mut().zip(values.iter_mut()) {
                match v.take() {
                    Some(text) => b.append_value(text),
                    None => b.append_null(),
                }
            }
        } else {
            values.iter_mut().for_each(|v| *v = None);
        }
    };
    while let Some(cell) = cells.next_cell().map_err(|e| cell_error(path, sheet, e))? {
        let (r, c) = cell.get_position();
        if r < layout.header_row {
            continue;
        }
        if Some(r) != row {
            flush(&mut row_values, row_has_cells);
            row = Some(r);
            row_has_cells = false;
        }
        let value = cell.get_value();
        // Only a cell under a named column makes a row.
        let named = layout
            .columns
            .get(c as usize)
            .is_some_and(|n| !n.is_empty());
        if *value == DataRef::Empty || !named {
            continue;
        }
        row_has_cells = true;
        let Some(&Some(k)) = slot.get(c as usize) else {
            continue;
        };
        let not_a_date = |shown: String| {
            at(
                r,
                c,
                format!(
                    "holds the number {shown}, not a date; format the column as dates (yyyy-mm-dd)"
                ),
            )
        };
        let text = match value {
            DataRef::Empty => continue,
            DataRef::String(s) | DataRef::DurationIso(s) => s.clone(),
            DataRef::SharedString(s) => (*s).to_string(),
            DataRef::DateTimeIso(s) => iso_date(s),
            DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
            DataRef::DateTime(d) if d.is_datetime() => date_text(d),
            DataRef::DateTime(d) if is_date(k) => {
                return Err(not_a_date(number_text(d.as_f64())));
            }
            DataRef::DateTime(d) => number_text(d.as_f64()),
            DataRef::Int(i) if is_date(k) => return Err(not_a_date(i.to_string())),
            DataRef::Float(x) if is_date(k) => return Err(not_a_date(number_text(*x))),
            DataRef::Int(i) => i.to_string(),
            DataRef::Float(x) => number_text(*x),
            DataRef::Error(e) => {
                return Err(at(r, c, format!("holds the Excel error {e}")));
            }
        };
        row_values[k] = Some(text);
    }
    flush(&mut row_values, row_has_cells);
    let columns: Vec<Column> = builders
        .into_iter()
        .map(|b| b.finish().into_series().into_column())
        .collect();
    DataFrame::new_infer_height(columns)
        .map_err(|e| Error::input(path, None, None, format!("could not build the table: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_names_are_numbered_and_columns_lettered() {
        let names = names_of(&[
            (0, "AOR".into()),
            (1, "Anonymized Identifier".into()),
            (3, "Gender".into()),
            (4, "gender".into()),
        ]);
        assert_eq!(
            names,
            ["aor", "anonymized_identifier", "", "gender", "gender_2"]
        );
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(64), "BM");
    }
}
