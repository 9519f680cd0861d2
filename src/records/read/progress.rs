//! How many rows a scan will read, estimated from the files' sizes, for a
//! progress bar (drawn by the command line, only on a terminal).

use std::io::Read;
use std::path::PathBuf;

/// Estimated data rows in `files`: total bytes over the mean row length in the
/// first megabyte of the first file. `None` when a file cannot be read or is
/// not CSV (a Parquet, IPC or xlsx file's size says little of its rows).
pub fn estimate_rows(files: &[PathBuf]) -> Option<u64> {
    for f in files {
        if super::formats::detect_format(f).ok()? != super::formats::FileFormat::Csv {
            return None;
        }
    }
    let total: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()))
        .sum::<std::io::Result<u64>>()
        .ok()?;
    let mut head = Vec::new();
    std::fs::File::open(files.first()?)
        .ok()?
        .take(1 << 20)
        .read_to_end(&mut head)
        .ok()?;
    let lines = head.iter().filter(|&&b| b == b'\n').count() as u64;
    if lines < 2 {
        return Some(lines);
    }
    Some(total * lines / head.len() as u64)
}
