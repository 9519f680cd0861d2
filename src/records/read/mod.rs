//! Stage 1, reading: what each input file is (its format, told by its first
//! bytes) and what its columns are, found once per run and handed down to
//! the engines. Also the one rule for prepare dates, the quoting rule, and
//! the readers of typed files and workbooks.
//!
//! Takes in: paths. Gives out: [`SourceFile`]s (format and layout) and the
//! text of each used column, whatever the format.

pub(crate) mod blocks;
pub(crate) mod csv_header;
pub(crate) mod dates;
pub(crate) mod formats;
pub(crate) mod progress;
pub(crate) mod quoting;
pub(crate) mod schema;
pub(crate) mod typed;
pub(crate) mod xlsx;

use crate::error::{Error, Result};
use csv_header::read_header;
use formats::{detect_format, FileFormat};
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
    /// The column names (for a workbook, those every sheet read has).
    pub(crate) columns: Vec<String>,
    /// For a workbook, the sheets read, with their header rows and columns.
    pub(crate) sheets: Vec<SheetLayout>,
    /// Whether `duplicate_likely` is derived (a workbook without one).
    pub(crate) derives_duplicates: bool,
}

/// The columns of a record file of any format, after checking it has every
/// one of [`USED_COLUMNS`](crate::records::USED_COLUMNS).
///
/// # Errors
/// As [`read_header`] for CSV; for Parquet and IPC, [`Error::Input`] naming
/// the file for one polars cannot read or a missing column; for xlsx, as
/// [`xlsx::sheet_layouts`].
pub(crate) fn file_layout(path: &std::path::Path) -> Result<FileLayout> {
    let format = detect_format(path)?;
    let mut derives_duplicates = false;
    let (columns, sheets) = match format {
        FileFormat::Csv => (read_header(path)?, Vec::new()),
        FileFormat::Xlsx => {
            let layouts = xlsx::sheet_layouts(path)?;
            derives_duplicates = xlsx::derives_duplicates(&layouts);
            let columns = layouts[0]
                .columns
                .iter()
                .filter(|c| !c.is_empty() && layouts.iter().all(|l| l.columns.contains(c)))
                .cloned()
                .collect();
            (columns, layouts)
        }
        format => (typed::typed_columns(path, format)?, Vec::new()),
    };
    Ok(FileLayout {
        format,
        columns,
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
pub(crate) fn read_sources(files: &[PathBuf]) -> Result<Vec<SourceFile>> {
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
                layout: file_layout(path)?,
            })
        })
        .collect()
}
