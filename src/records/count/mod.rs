//! Stage 2, counting: every row of the files given a reason (or used) and
//! counted per combination of labels by one of two engines, behind one
//! function ([`count_combinations`]); [`scan::scan_files`] runs the passes.
//! Both engines give every row the same reason and keep the same labels
//! (but for the request's type, which the block engine keeps as one value
//! per kind); the tests hold them to equal results on every input.
//!
//! Takes in: the [`SourceFile`]s read, the filters, the grouping, the
//! request-type crosswalk (the same one the summary reads). Gives
//! out: [`counts::Combination`]s, never one entry per record, so memory
//! stays bounded at any size.

pub(crate) mod accepted;
pub(crate) mod blocks;
pub(crate) mod counts;
pub(crate) mod episodes;
pub(crate) mod polars;
pub(crate) mod reasons;
pub(crate) mod scan;

use crate::error::{Error, Result};
use crate::records::count::accepted::Accepted;
use crate::records::count::counts::Combination;
use crate::records::count::episodes::Episodes;
use crate::records::read::formats::FileFormat;
use crate::records::read::SourceFile;
use crate::records::select::filters::Filters;
use crate::records::select::grouping::By;
use crate::records::select::request_types::KeptTypes;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

/// How the files are read. Both give the same combinations;
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
/// `accepted`. `rows_seen`, when given, grows as rows are read. Parquet, IPC
/// and xlsx files are read by polars whichever engine is chosen (the block
/// engine reads CSV text); the combinations of both are put together.
/// A row on a day `episodes` keeps waits for the duplicates policy. The
/// block engine keeps each row's request type as `kept` says (polars keeps
/// the raw values; both give the same kinds).
#[allow(clippy::too_many_arguments)]
pub(crate) fn count_combinations(
    engine: ScanEngine,
    sources: &[SourceFile],
    filters: &Filters,
    accepted: &Accepted,
    by: Option<By>,
    episodes: &Episodes,
    kept: KeptTypes<'_>,
    rows_seen: Option<&Arc<AtomicU64>>,
) -> Result<Vec<Combination>> {
    let (csv, typed): (Vec<SourceFile>, Vec<SourceFile>) = sources
        .iter()
        .cloned()
        .partition(|f| f.format() == FileFormat::Csv);
    match engine {
        ScanEngine::Blocks => {
            let mut out = Vec::new();
            if !csv.is_empty() {
                let seen = rows_seen.map(|r| r.as_ref());
                out = blocks::count_files(&csv, filters, accepted, by, episodes, kept, seen)?;
            }
            if !typed.is_empty() {
                let seen = rows_seen.cloned();
                out.extend(polars::count_files(
                    &typed,
                    filters,
                    accepted,
                    by,
                    episodes,
                    seen,
                    || Ok(()),
                )?);
            }
            Ok(out)
        }
        ScanEngine::Polars => {
            let diagnose = || {
                if csv.is_empty() {
                    Ok(())
                } else {
                    blocks::count_files(&csv, filters, accepted, by, episodes, kept, None)
                        .map(|_| ())
                }
            };
            polars::count_files(
                sources,
                filters,
                accepted,
                by,
                episodes,
                rows_seen.cloned(),
                diagnose,
            )
        }
    }
}
