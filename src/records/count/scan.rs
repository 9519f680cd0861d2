//! The scan: every file's layout read once, then every row counted per
//! combination by one of the engines, again when a spacing variant of a
//! filtered label turns up. Memory stays bounded however large the files
//! are. The duplicates policy is decided after, in `decide`.

use crate::error::{Error, Result};
use crate::records::count::accepted::{same_label, Accepted};
use crate::records::count::counts::Combination;
use crate::records::count::episodes::{find_episodes, Episodes};
use crate::records::count::reasons::Exclusion;
use crate::records::count::{count_combinations, ScanEngine};
use crate::records::read::csv_header::delimiter_name;
use crate::records::read::layouts::{ColumnNames, Layout};
use crate::records::read::schema::at;
use crate::records::read::schema::{
    column_index, place_column, FileInfo, COLUMNS, DETAINER_TYPE, DROP_ROW, DUPLICATE, EPISODE, ID,
    REQUEST_TYPE,
};
use crate::records::read::xlsx::DERIVED_DUPLICATES;
use crate::records::read::{read_sources, SourceFile};
use crate::records::select::duplicates::Duplicates;
use crate::records::select::filters::{Filters, Place};
use crate::records::select::grouping::By;
use crate::records::select::request_type::RequestChoice;
use crate::records::select::request_types::RequestTypes;
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

/// What [`scan_files`] returns: the files and the counted combinations.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scan {
    /// Files read, in order.
    pub files: Vec<FileInfo>,
    /// Counted combinations of raw labels; flagged rows wait for the
    /// duplicates policy ([`Combination::pending`]).
    pub combinations: Vec<Combination>,
    /// Whether every file has a `unique_identifier` column.
    pub ids_known: bool,
    /// Whether every file has its own duplicate answer
    /// (`duplicate_drop_row` or `duplicate_episode_id`).
    pub file_flags_known: bool,
    /// Whether every file says which request is which (`request_type` or
    /// `detainer_type`).
    pub request_types_known: bool,
    /// How many times the files were read: 1, or 2 when a spacing variant
    /// of a filtered label was found and accepted. (Read by the tests, which
    /// hold the scan to reading twice exactly when it must.)
    #[cfg_attr(not(test), allow(dead_code))]
    pub passes: u32,
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
#[allow(clippy::too_many_arguments)]
pub(crate) fn scan_files(
    engine: ScanEngine,
    files: &[PathBuf],
    layouts: &[Layout],
    names: &ColumnNames,
    filters: &Filters,
    by: Option<By>,
    request_types: &RequestTypes,
    rows_seen: Option<&Arc<AtomicU64>>,
) -> Result<Scan> {
    if files.is_empty() {
        return Err(Error::Argument("no detainer files given".into()));
    }
    let sources = read_sources(files, layouts, names)?;
    let mut infos = Vec::with_capacity(sources.len());
    let mut ids_known = true;
    let mut file_flags_known = true;
    let mut request_types_known = true;
    for f in &sources {
        let layout = &f.layout;
        ids_known &= layout.map.has(at::ID);
        file_flags_known &= layout.map.has(at::DROP_ROW) || layout.map.has(at::EPISODE);
        request_types_known &=
            layout.map.has(at::REQUEST_TYPE) || layout.map.has(at::DETAINER_TYPE);
        let meta = std::fs::metadata(&f.path).map_err(|e| Error::io(&f.path, e))?;
        let map = &layout.map;
        infos.push(FileInfo {
            path: f.path.display().to_string(),
            bytes: meta.len(),
            format: layout.format.name().to_string(),
            sheets: layout.sheets_read(),
            derived: if layout.derives_duplicates {
                vec![DERIVED_DUPLICATES.to_string()]
            } else {
                Vec::new()
            },
            layout: map.layout.clone(),
            delimiter: layout.delimiter.map(delimiter_name),
            columns: COLUMNS
                .iter()
                .zip(&map.sources)
                .filter(|(_, s)| !s.is_empty())
                .map(|(c, s)| (c.to_string(), s.clone()))
                .collect(),
            missing: map
                .missing()
                .into_iter()
                .filter(|c| !(layout.derives_duplicates && *c == DUPLICATE))
                .map(String::from)
                .collect(),
        });
    }
    for f in &sources {
        check_columns_asked_for(f, filters, by)?;
    }
    let mut accepted = Accepted::from_filters(filters);
    // A person's repeated rows, over every file: if polars cannot read the
    // files, the engine reads them and names the problem.
    let episodes = match find_episodes(&sources) {
        Ok(e) => e,
        Err(e) => {
            let none = Episodes::default();
            let kept = request_types.kept_types();
            count_combinations(engine, &sources, filters, &accepted, by, &none, kept, None)?;
            return Err(e);
        }
    };
    let mut passes = 0;
    loop {
        passes += 1;
        // Each pass reads every row again: the count starts over, so a
        // progress bar shows this pass, not the sum of passes.
        if let Some(seen) = rows_seen {
            seen.store(0, std::sync::atomic::Ordering::Relaxed);
        }
        let combinations = count_combinations(
            engine,
            &sources,
            filters,
            &accepted,
            by,
            &episodes,
            request_types.kept_types(),
            rows_seen,
        )?;
        let mut added = false;
        for c in &combinations {
            let (Some(reason), Some(raw)) = (c.reason, &c.place) else {
                continue;
            };
            for place in Place::ALL {
                if reason == Exclusion::outside(place)
                    && filters.wanted(place).is_some_and(|w| same_label(raw, w))
                {
                    added |= accepted.add(place, raw);
                }
            }
        }
        if !added {
            return Ok(Scan {
                files: infos,
                combinations,
                ids_known,
                file_flags_known,
                request_types_known,
                passes,
            });
        }
    }
}

/// A filter or grouping on a column a file lacks is a usage error naming
/// the file, the column and the file's layout.
fn check_columns_asked_for(f: &SourceFile, filters: &Filters, by: Option<By>) -> Result<()> {
    let map = &f.layout.map;
    let lacks = |column: &str| !column_index(column).is_some_and(|at| map.has(at));
    let refuse = |column: &str, option: String| {
        Error::Argument(format!(
            "{} has no {column} column (layout {}), so {option} cannot be used",
            f.path.display(),
            map.layout
        ))
    };
    for place in Place::ALL {
        if filters.wanted(place).is_some() && lacks(place_column(place)) {
            return Err(refuse(place_column(place), place.option().to_string()));
        }
    }
    if let Some(by) = by {
        let column = place_column(by.place());
        if lacks(column) {
            return Err(refuse(column, format!("--by {}", by.name())));
        }
    }
    // keep-first and episode tell a repeat from its first row by the person.
    for policy in [Duplicates::KeepFirst, Duplicates::Episode] {
        if filters.duplicates == policy && lacks(ID) {
            return Err(refuse(ID, format!("--duplicates {}", policy.name())));
        }
    }
    if filters.duplicates == Duplicates::File && lacks(DROP_ROW) && lacks(EPISODE) {
        return Err(refuse(
            "duplicate_drop_row or duplicate_episode_id",
            "--duplicates file".to_string(),
        ));
    }
    if matches!(
        filters.request_type,
        RequestChoice::Hold | RequestChoice::Notification
    ) && lacks(REQUEST_TYPE)
        && lacks(DETAINER_TYPE)
    {
        return Err(refuse(
            "request_type or detainer_type",
            format!("--request-type {}", filters.request_type.name()),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::select::aor::resolve_aor;

    /// A file whose Boston rows are spelled two ways: as the area table
    /// spells the label, and with a doubled space inside it.
    fn two_spellings(dir: &std::path::Path, variant: bool) -> PathBuf {
        let spelled = if variant {
            "Boston  Area of Responsibility"
        } else {
            "Boston Area of Responsibility"
        };
        let mut text = String::from(
            "detainer_prepare_date,facility_state,facility_aor,case_category,entry_status,\
             final_order_yes_no,illegal_reentry_yes_no,detainer_lift_reason,duplicate_likely\n",
        );
        for (area, n) in [("Boston Area of Responsibility", 3), (spelled, 2)] {
            for _ in 0..n {
                text.push_str(&format!("2019-03-01,MA,{area},NA,NA,NO,NO,NA,FALSE\n"));
            }
        }
        text.push_str("2019-03-01,MN,St. Paul Area of Responsibility,NA,NA,NO,NO,NA,FALSE\n");
        let path = dir.join(format!("variant-{variant}.csv"));
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn a_spacing_variant_of_the_area_is_accepted_in_a_second_pass() {
        let dir = tempfile::tempdir().unwrap();
        let filters = Filters {
            aor: Some(resolve_aor("BOS").unwrap().into()),
            ..Filters::default()
        };
        for engine in [ScanEngine::Blocks, ScanEngine::Polars] {
            for (variant, passes) in [(false, 1), (true, 2)] {
                let file = two_spellings(dir.path(), variant);
                let scan = scan_files(
                    engine,
                    &[file],
                    &crate::records::read::layouts::bundled_layouts(),
                    &ColumnNames::default(),
                    &filters,
                    None,
                    &crate::records::RequestTypes::bundled(),
                    None,
                )
                .unwrap();
                assert_eq!(scan.passes, passes, "{engine:?}, variant {variant}");
                let used: u64 = scan
                    .combinations
                    .iter()
                    .filter(|c| c.reason.is_none())
                    .map(|c| c.rows)
                    .sum();
                let outside: u64 = scan
                    .combinations
                    .iter()
                    .filter(|c| c.reason == Some(Exclusion::OutsideAor))
                    .map(|c| c.rows)
                    .sum();
                // Five Boston rows, however spelled; the St. Paul row outside.
                assert_eq!((used, outside), (5, 1), "{engine:?}, variant {variant}");
            }
        }
    }
}
