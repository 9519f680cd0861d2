//! Writing an output folder, below both pipelines: `results.json`,
//! `tables/*.csv` and `figures/*.svg` with their data as CSV, then a page.

use super::figure::Figure;
use super::table::ShowTable;
use crate::error::{Error, Result};
use polars::prelude::{CsvWriter, DataFrame, SerWriter};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// What a report writer ([`crate::write_report`], [`crate::write_records_report`]) wrote.
#[derive(Debug, Clone)]
pub struct Written {
    /// The output folder.
    pub out_dir: PathBuf,
    /// Every file written, relative to `out_dir`.
    pub files: Vec<PathBuf>,
}

pub(crate) fn write_file(
    out_dir: &Path,
    rel: &str,
    bytes: &[u8],
    written: &mut Vec<PathBuf>,
) -> Result<()> {
    let path = out_dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
    written.push(PathBuf::from(rel));
    Ok(())
}

/// Write `results.json`, `tables/<name>.csv` and `figures/<name>.svg` + `.csv`
/// under `out_dir`: the part of a report that both report kinds share.
pub(crate) fn write_results_tables_figures<T: Serialize>(
    out_dir: &Path,
    results: &T,
    tables: &[(&'static str, ShowTable)],
    figures: &[Figure],
    written: &mut Vec<PathBuf>,
) -> Result<()> {
    let json = serde_json::to_string_pretty(results)
        .map_err(|e| Error::Output(format!("results.json: {e}")))?;
    write_file(
        out_dir,
        "results.json",
        format!("{json}\n").as_bytes(),
        written,
    )?;
    for (name, table) in tables {
        let csv = frame_to_csv(&table.frame)?;
        write_file(out_dir, &format!("tables/{name}.csv"), &csv, written)?;
    }
    for f in figures {
        let svg = format!("figures/{}.svg", f.name);
        write_file(out_dir, &svg, f.svg.as_bytes(), written)?;
        let csv = frame_to_csv(&f.data)?;
        write_file(out_dir, &format!("figures/{}.csv", f.name), &csv, written)?;
    }
    Ok(())
}

/// A DataFrame as CSV bytes.
pub fn frame_to_csv(frame: &DataFrame) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    let mut frame = frame.clone();
    CsvWriter::new(&mut buf).finish(&mut frame)?;
    Ok(buf)
}
