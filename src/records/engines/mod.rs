//! The two engines that count a record file's rows, behind one function:
//! [`count_combinations`]. Both give every row the same reason and keep the
//! same labels; the tests hold them to equal results on every input.

pub(crate) mod blocks;
pub(crate) mod polars;

use super::areas::By;
use super::counts::Combination;
use super::filters::{Accepted, Filters};
use super::formats::{detect_format, FileFormat};
use super::schema::{read_header, SheetRead};
use crate::error::{Error, Result};
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

/// How [`crate::scan_files`] reads the files. Both give the same combinations;
/// the tests hold them to it on every fixture and on generated files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ScanEngine {
    /// Blocks of whole rows parsed by worker threads with the `csv` crate:
    /// the default, about twice as fast as [`ScanEngine::Polars`] on stable
    /// Rust.
    #[default]
    Blocks,
    /// A lazy polars query on polars' streaming engine: the reference.
    Polars,
}

impl std::str::FromStr for ScanEngine {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "blocks" => Ok(ScanEngine::Blocks),
            "polars" => Ok(ScanEngine::Polars),
            _ => Err(Error::Argument(format!(
                "unknown engine '{s}'; use 'blocks' or 'polars'"
            ))),
        }
    }
}

/// One input file: its place in the list given (which orders the rows for
/// the duplicates policy), its path and its format.
#[derive(Debug, Clone)]
pub(crate) struct SourceFile {
    pub(crate) no: u32,
    pub(crate) path: PathBuf,
    pub(crate) format: FileFormat,
}

/// A record file's columns and where they were found.
pub(crate) struct FileLayout {
    pub(crate) format: FileFormat,
    /// The column names (for a workbook, those every sheet read has).
    pub(crate) columns: Vec<String>,
    /// For a workbook, the sheets read.
    pub(crate) sheets: Vec<SheetRead>,
    /// Whether `duplicate_likely` is derived (a workbook without one).
    pub(crate) derives_duplicates: bool,
}

/// The columns of a record file of any format, after checking it has every
/// one of [`crate::USED_COLUMNS`].
///
/// # Errors
/// As [`read_header`] for CSV; for Parquet and IPC, [`Error::Input`] naming
/// the file for one polars cannot read or a missing column; for xlsx, as
/// [`crate::records::xlsx::sheet_layouts`].
pub(crate) fn file_layout(path: &std::path::Path) -> Result<FileLayout> {
    let format = detect_format(path)?;
    let mut derives_duplicates = false;
    let (columns, sheets) = match format {
        FileFormat::Csv => (read_header(path)?, Vec::new()),
        FileFormat::Xlsx => {
            let layouts = crate::records::xlsx::sheet_layouts(path)?;
            derives_duplicates = crate::records::xlsx::derives_duplicates(&layouts);
            let columns = layouts[0]
                .columns
                .iter()
                .filter(|c| !c.is_empty() && layouts.iter().all(|l| l.columns.contains(c)))
                .cloned()
                .collect();
            let sheets = layouts
                .into_iter()
                .map(|l| SheetRead {
                    sheet: l.sheet,
                    header_row: l.header_row,
                })
                .collect();
            (columns, sheets)
        }
        format => (polars::typed_columns(path, format)?, Vec::new()),
    };
    Ok(FileLayout {
        format,
        columns,
        sheets,
        derives_duplicates,
    })
}

/// Count the combinations in `files` with `engine`, for the raw labels in
/// `accepted`. `rows_seen`, when given, grows as rows are read. Parquet, IPC
/// and xlsx files are read by polars whichever engine is chosen (the block
/// engine reads CSV text); the combinations of both are put together.
pub(crate) fn count_combinations(
    engine: ScanEngine,
    sources: &[SourceFile],
    filters: &Filters,
    accepted: &Accepted,
    by: Option<By>,
    rows_seen: Option<&Arc<AtomicU64>>,
) -> Result<Vec<Combination>> {
    let (csv, typed): (Vec<SourceFile>, Vec<SourceFile>) = sources
        .iter()
        .cloned()
        .partition(|f| f.format == FileFormat::Csv);
    match engine {
        ScanEngine::Blocks => {
            let mut out = Vec::new();
            if !csv.is_empty() {
                let seen = rows_seen.map(|r| r.as_ref());
                out = blocks::count_files(&csv, filters, accepted, by, seen)?;
            }
            if !typed.is_empty() {
                let seen = rows_seen.cloned();
                out.extend(polars::count_files(
                    &typed,
                    filters,
                    accepted,
                    by,
                    seen,
                    || Ok(()),
                )?);
            }
            Ok(out)
        }
        ScanEngine::Polars => {
            polars::count_files(sources, filters, accepted, by, rows_seen.cloned(), || {
                if csv.is_empty() {
                    Ok(())
                } else {
                    blocks::count_files(&csv, filters, accepted, by, None).map(|_| ())
                }
            })
        }
    }
}
