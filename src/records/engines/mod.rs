//! The two engines that count a record file's rows, behind one function:
//! [`count_combinations`]. Both give every row the same reason and keep the
//! same labels; the tests hold them to equal results on every input.

pub(crate) mod blocks;
pub(crate) mod polars;

use super::areas::By;
use super::counts::Combination;
use super::filters::{Accepted, Filters};
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

/// Count the combinations in `files` with `engine`, for the raw labels in
/// `accepted`. `rows_seen`, when given, grows as rows are read.
pub(crate) fn count_combinations(
    engine: ScanEngine,
    files: &[PathBuf],
    filters: &Filters,
    accepted: &Accepted,
    by: Option<By>,
    rows_seen: Option<&Arc<AtomicU64>>,
) -> Result<Vec<Combination>> {
    match engine {
        ScanEngine::Blocks => {
            blocks::count_files(files, filters, accepted, by, rows_seen.map(|r| r.as_ref()))
        }
        ScanEngine::Polars => {
            polars::count_files(files, filters, accepted, by, rows_seen.cloned(), || {
                blocks::count_files(files, filters, accepted, by, None).map(|_| ())
            })
        }
    }
}
