//! Stage 1, reading: what each input file is (its format, told by its first
//! bytes), which published layout it follows and which of its columns holds
//! each column the analysis reads (found once per run from the header, and
//! handed down to the engines). Also the one rule for prepare dates, the
//! quoting rule, and the readers of typed files and workbooks.
//!
//! Takes in: paths, the layouts and any names given with `--columns`.
//! Gives out: [`SourceFile`]s (format, layout, column map) and the text of
//! each column read, whatever the format.

pub(crate) mod blocks;
pub(crate) mod csv_header;
pub(crate) mod dates;
pub(crate) mod formats;
pub(crate) mod layouts;
pub(crate) mod progress;
pub(crate) mod quoting;
pub(crate) mod schema;
pub(crate) mod typed;
pub(crate) mod xlsx;

use crate::error::{Error, Result};
use csv_header::read_header;
use formats::{detect_format, FileFormat};
use layouts::{map_columns, ColumnMap, ColumnNames, Layout};
use schema::at;
use schema::SheetRead;
use std::path::PathBuf;
use xlsx::SheetLayout;

/// One input file: its place in the list given (which orders the rows for
/// the duplicates policy), its path and its layout, read once.
#[derive(Debug, Clone)]
pub(crate) struct SourceFile {
    pub(crate) no: u32,
    pub(crate) path: PathBuf,
    pub(crate) layout: FileLayout,
}

impl SourceFile {
    /// The file's format.
    pub(crate) fn format(&self) -> FileFormat {
        self.layout.format
    }
}

/// A record file's columns and where they were found.
#[derive(Debug, Clone)]
pub(crate) struct FileLayout {
    pub(crate) format: FileFormat,
    /// The column names (for a workbook, those every sheet read has,
    /// cleaned).
    pub(crate) columns: Vec<String>,
    /// Which of them holds each column the analysis reads.
    pub(crate) map: ColumnMap,
    /// For a text file, the field delimiter.
    pub(crate) delimiter: Option<u8>,
    /// For a workbook, the sheets read, with their header rows and columns.
    pub(crate) sheets: Vec<SheetLayout>,
    /// Whether `duplicate_likely` is derived (a workbook without one).
    pub(crate) derives_duplicates: bool,
}

/// The columns of a record file of any format, its layout among `layouts`
/// and the map of the columns the analysis reads, `names` replacing the
/// layout's.
///
/// # Errors
/// As [`read_header`] for CSV; for Parquet and IPC, [`Error::Input`] naming
/// the file for one polars cannot read or a column of the wrong type; for
/// xlsx, as [`xlsx::sheet_layouts`]; for any, as [`layouts::map_columns`].
pub(crate) fn file_layout(
    path: &std::path::Path,
    layouts: &[Layout],
    names: &ColumnNames,
) -> Result<FileLayout> {
    let format = detect_format(path)?;
    let mut derives_duplicates = false;
    let mut delimiter = None;
    let mut typed_schema = None;
    let (columns, sheets, header_line) = match format {
        FileFormat::Csv => {
            let header = read_header(path)?;
            delimiter = Some(header.delimiter);
            (header.names, Vec::new(), Some(1))
        }
        FileFormat::Xlsx => {
            let sheets = xlsx::sheet_layouts(path, layouts)?;
            let columns: Vec<String> = sheets[0]
                .columns
                .iter()
                .filter(|c| !c.is_empty() && sheets.iter().all(|l| l.columns.contains(c)))
                .cloned()
                .collect();
            let line = u64::from(sheets[0].header_row);
            (columns, sheets, Some(line))
        }
        format => {
            let schema = typed::typed_schema(path, format)?;
            typed_schema = Some(schema.clone());
            let names = schema.iter_names().map(|n| n.to_string()).collect();
            (names, Vec::new(), None)
        }
    };
    let mut map = map_columns(path, header_line, &columns, layouts, names)?;
    if format == FileFormat::Xlsx && !map.has(at::DUPLICATE) && map.has(at::ID) {
        // ICE's own workbooks have no duplicate_likely: it is derived.
        derives_duplicates = true;
    }
    if let Some(schema) = &typed_schema {
        typed::check_column_types(path, schema, &map)?;
    }
    map.sources.iter_mut().for_each(|s| s.dedup());
    Ok(FileLayout {
        format,
        columns,
        map,
        delimiter,
        sheets,
        derives_duplicates,
    })
}

impl FileLayout {
    /// The sheets read, as `results.json` lists them.
    pub(crate) fn sheets_read(&self) -> Vec<SheetRead> {
        self.sheets
            .iter()
            .map(|l| SheetRead {
                sheet: l.sheet.clone(),
                header_row: l.header_row,
            })
            .collect()
    }
}

/// Each of `files` with its layout, in the order given.
///
/// # Errors
/// As [`file_layout`].
pub(crate) fn read_sources(
    files: &[PathBuf],
    layouts: &[Layout],
    names: &ColumnNames,
) -> Result<Vec<SourceFile>> {
    files
        .iter()
        .enumerate()
        .map(|(no, path)| {
            // polars takes paths as UTF-8 text, so both engines refuse a
            // name that is not, rather than one engine reading it.
            if path.to_str().is_none() {
                return Err(Error::input(
                    path,
                    None,
                    None,
                    "the file's name is not valid UTF-8; rename the file (or link to it under a UTF-8 name)",
                ));
            }
            Ok(SourceFile {
                no: no as u32,
                path: path.clone(),
                layout: file_layout(path, layouts, names)?,
            })
        })
        .collect()
}
