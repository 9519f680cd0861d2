//! The record-level run from files to results: read (stage 1), count
//! (stage 2), decide (stage 3), with every input a parameter.

use super::count::scan::scan_files;
use super::count::ScanEngine;
use super::decide::summary::{summarise, RecordResults};
use super::decide::Inputs;
use super::read::layouts::{bundled_layouts, ColumnNames, Layout};
use super::select::filters::Filters;
use super::select::follow_up::FollowUpOptions;
use super::select::grouping::GroupBy;
use crate::error::Result;
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

/// How [`run_records_with`] reads the files.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// The engine that reads the files (both give the same results).
    pub engine: ScanEngine,
    /// When given, grows as rows are read, so a caller can draw progress.
    pub rows_seen: Option<Arc<AtomicU64>>,
    /// The cut date and follow-up of the `followed_up` outcome denominator.
    pub follow_up: FollowUpOptions,
    /// Every area side by side (`by_area`), when given.
    pub group: Option<GroupBy>,
    /// The file's columns for columns the analysis reads, replacing those of
    /// the layout found from the header (`--columns`).
    pub columns: ColumnNames,
    /// The published layouts a header is matched against; `None` for the
    /// bundled ones (`data/crosswalk/layouts.csv`).
    pub layouts: Option<Vec<Layout>>,
}

/// Read `files`, apply `filters` and decide every table with the tables
/// in `inputs` ([`Inputs::bundled`] for the bundled crosswalks, events and
/// population), with the default [`RunOptions`].
///
/// # Errors
/// As [`run_records_with`].
pub fn run_records(files: &[PathBuf], filters: &Filters, inputs: &Inputs) -> Result<RecordResults> {
    run_records_with(files, filters, inputs, &RunOptions::default())
}

/// [`run_records`] with a chosen engine, a progress counter, the follow-up
/// and a grouping.
///
/// # Errors
/// [`Error::Argument`](crate::error::Error::Argument) for filters that fail
/// [`Filters::check`]; [`Error::Input`](crate::error::Error::Input) naming the file
/// (and line and column where there is one) for a file that cannot be read
/// as a detainer file.
pub fn run_records_with(
    files: &[PathBuf],
    filters: &Filters,
    inputs: &Inputs,
    options: &RunOptions,
) -> Result<RecordResults> {
    filters.check()?;
    let bundled;
    let layouts = match &options.layouts {
        Some(l) => l.as_slice(),
        None => {
            bundled = bundled_layouts();
            bundled.as_slice()
        }
    };
    let scan = scan_files(
        options.engine,
        files,
        layouts,
        &options.columns,
        filters,
        options.group.map(|g| g.by),
        &inputs.request_types,
        options.rows_seen.as_ref(),
    )?;
    summarise(scan, filters, inputs, options.follow_up, options.group)
}
