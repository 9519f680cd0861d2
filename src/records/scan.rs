//! The scan stage: every file read once (again when a spacing variant of a
//! filtered label turns up), rows counted per combination by one of the
//! engines. Memory stays bounded however large the files are.

use super::areas::By;
use super::counts::Combination;
use super::duplicates::{resolve_duplicates, DuplicateCounts, Duplicates};
use super::engines::{count_combinations, file_layout, ScanEngine, SourceFile};
use super::filters::{same_label, Accepted, Filters};
use super::reasons::Exclusion;
use super::schema::{FileInfo, ID};
use super::xlsx::DERIVED_DUPLICATES;
use crate::error::{Error, Result};
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

/// What [`scan_files`] returns: the files and the counted combinations.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// Files read, in order.
    pub files: Vec<FileInfo>,
    /// Counted combinations of raw labels, the duplicates policy applied.
    pub combinations: Vec<Combination>,
    /// Flagged rows and what each duplicates policy would use.
    pub duplicates: DuplicateCounts,
}

/// Count the combinations in `files` with `engine`; with `by`, rows counted
/// in `by_area` carry their group ([`Combination::by`]). When rows were excluded
/// by an area or state label that matches the filter once spacing and case
/// are normalised (`Boston  Area of Responsibility`), that raw label is
/// accepted and the files are scanned again. `rows_seen`, when given, grows as
/// rows are read (for a progress bar).
///
/// # Errors
/// [`Error::Input`] naming the file for a missing column, an empty file, bad
/// encoding or a malformed CSV row.
pub fn scan_files(
    engine: ScanEngine,
    files: &[PathBuf],
    filters: &Filters,
    by: Option<By>,
    rows_seen: Option<&Arc<AtomicU64>>,
) -> Result<Scan> {
    if files.is_empty() {
        return Err(Error::Argument("no detainer files given".into()));
    }
    let mut infos = Vec::with_capacity(files.len());
    let mut ids_known = true;
    let mut sources = Vec::with_capacity(files.len());
    for (no, f) in files.iter().enumerate() {
        let layout = file_layout(f)?;
        let has_id = layout.columns.iter().any(|n| n == ID);
        if !has_id && filters.duplicates == Duplicates::KeepFirst {
            return Err(Error::input(
                f,
                Some(1),
                Some(ID),
                "--duplicates keep-first needs this column to tell a repeat from its first row",
            ));
        }
        ids_known &= has_id;
        let meta = std::fs::metadata(f).map_err(|e| Error::io(f, e))?;
        sources.push(SourceFile {
            no: no as u32,
            path: f.clone(),
            format: layout.format,
        });
        infos.push(FileInfo {
            path: f.display().to_string(),
            bytes: meta.len(),
            format: layout.format.name().to_string(),
            sheets: layout.sheets,
            derived: if layout.derives_duplicates {
                vec![DERIVED_DUPLICATES.to_string()]
            } else {
                Vec::new()
            },
        });
    }
    let mut accepted = Accepted::from_filters(filters);
    loop {
        // Each pass reads every row again: the count starts over, so a
        // progress bar shows this pass, not the sum of passes.
        if let Some(seen) = rows_seen {
            seen.store(0, std::sync::atomic::Ordering::Relaxed);
        }
        let combinations = count_combinations(engine, &sources, filters, &accepted, by, rows_seen)?;
        let mut added = false;
        for c in &combinations {
            if let (Some(Exclusion::OutsideAor), Some(raw), Some(a)) =
                (c.reason, &c.aor, &filters.aor)
            {
                if same_label(&c.aor, &a.label) && !accepted.aor.contains(raw) {
                    accepted.aor.push(raw.clone());
                    added = true;
                }
            }
            if let (Some(Exclusion::OutsideState), Some(raw), Some(s)) =
                (c.reason, &c.state, &filters.state)
            {
                if same_label(&c.state, s) && !accepted.state.contains(raw) {
                    accepted.state.push(raw.clone());
                    added = true;
                }
            }
        }
        if !added {
            let (combinations, duplicates) =
                resolve_duplicates(combinations, filters.duplicates, ids_known)?;
            return Ok(Scan {
                files: infos,
                combinations,
                duplicates,
            });
        }
    }
}
