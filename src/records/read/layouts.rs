//! The published layouts of the record files, as data
//! (`data/crosswalk/layouts.csv`, one row per layout, and
//! `data/crosswalk/layout_columns.csv`, one row per layout and column, each
//! with its source in DDP's, NPR's or TRAC's code): which of a file's
//! columns holds each column the analysis reads.
//!
//! A file's layout is found from its header: names are compared as the
//! Deportation Data Project cleans them ([`clean_name`]: `Detainer Prepare
//! Date` and `detainer_prepare_date` are one name); among the layouts whose
//! prepare-date column the header has, the one with the most of its columns
//! and markers present wins, then the one with the fewest missing, then the
//! first listed. A column the layout lacks is read when the file has it
//! under its canonical name. Names given with `--columns` replace the
//! layout's.

use super::schema::{at, column_index, COLUMNS, DATE, DETAINER_TYPE, FILE_FLAGS, REQUEST_TYPE};
use crate::csv_table::parse_csv_text;
use crate::error::{Error, Result};
use std::path::Path;

const BUNDLED_LAYOUTS: &str = include_str!("../../../data/crosswalk/layouts.csv");
const BUNDLED_COLUMNS: &str = include_str!("../../../data/crosswalk/layout_columns.csv");

/// Where the bundled layouts live in the repository.
pub const LAYOUTS_PATH: &str = "data/crosswalk/layouts.csv";

/// Where the bundled layouts' columns live in the repository.
pub const LAYOUT_COLUMNS_PATH: &str = "data/crosswalk/layout_columns.csv";

/// The `column` of a row that names a column read only to tell layouts
/// apart.
const MARKER: &str = "marker";

/// One published layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Its name, e.g. `ddp-2026-08`.
    pub name: String,
    /// Who published it, and which files.
    pub title: String,
    /// How its prepare dates are written (`YYYY-MM-DD`, `M/D/YY`, ...).
    pub dates: String,
    /// Its field delimiter as written in the table (`,` or `tab`); empty
    /// for workbooks.
    pub delimiter: String,
    /// What it lacks, and anything else a reader should know.
    pub note: String,
    /// Where it is documented.
    pub reference: String,
    /// For each of [`COLUMNS`], the layout's names for it, in the order a
    /// row's value is taken (empty: the layout lacks it).
    pub sources: Vec<Vec<String>>,
    /// Names read only to tell this layout from others.
    pub markers: Vec<String>,
}

impl Layout {
    /// The layout's rows as a header is scored against them: each column it
    /// has (present when any of its names is), then each marker.
    fn rows(&self) -> Vec<Vec<&String>> {
        self.sources
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.iter().collect())
            .chain(self.markers.iter().map(|m| vec![m]))
            .collect()
    }
}

/// The bundled layouts, in the order of `data/crosswalk/layouts.csv`.
pub fn bundled_layouts() -> Vec<Layout> {
    parse_layouts(
        Path::new(LAYOUTS_PATH),
        BUNDLED_LAYOUTS,
        Path::new(LAYOUT_COLUMNS_PATH),
        BUNDLED_COLUMNS,
    )
    .expect("the bundled layouts are checked by the test suite")
}

/// The bundled layout of that name (`npr-processed`, `ddp-2026-08`, ...).
///
/// # Errors
/// [`Error::Argument`] for a name not in `data/crosswalk/layouts.csv`,
/// listing the names that are.
pub fn bundled_layout(name: &str) -> Result<Layout> {
    let layouts = bundled_layouts();
    match layouts.iter().position(|l| l.name == name) {
        Some(i) => Ok(layouts.into_iter().nth(i).expect("found above")),
        None => {
            let names: Vec<&str> = layouts.iter().map(|l| l.name.as_str()).collect();
            Err(Error::Argument(format!(
                "unknown layout '{name}'; the layouts are {}",
                names.join(", ")
            )))
        }
    }
}

/// Read the two layout tables.
///
/// # Errors
/// [`Error::Input`] naming file, line and column for an unknown layout or
/// column, an empty source, or a layout without a prepare date.
pub(crate) fn parse_layouts(
    layouts_path: &Path,
    layouts_text: &str,
    columns_path: &Path,
    columns_text: &str,
) -> Result<Vec<Layout>> {
    let table = parse_csv_text(
        layouts_path,
        layouts_text,
        &["layout", "title", "dates", "delimiter", "note", "reference"],
        &[],
    )?;
    let mut layouts: Vec<Layout> = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let name = table.required_text(row, "layout")?;
        if layouts.iter().any(|l| l.name == name) {
            return Err(table.error(row, "layout", "is listed twice"));
        }
        layouts.push(Layout {
            name,
            title: table.required_text(row, "title")?,
            dates: table.required_text(row, "dates")?,
            delimiter: table.text(row, "delimiter").to_string(),
            note: table.text(row, "note").to_string(),
            reference: table.required_text(row, "reference")?,
            sources: vec![Vec::new(); COLUMNS.len()],
            markers: Vec::new(),
        });
    }
    let columns = parse_csv_text(
        columns_path,
        columns_text,
        &["layout", "column", "source", "reference"],
        &["note"],
    )?;
    for row in &columns.rows {
        let name = columns.text(row, "layout");
        let layout = layouts.iter_mut().find(|l| l.name == name).ok_or_else(|| {
            columns.error(
                row,
                "layout",
                format!("'{name}' is not in {}", layouts_path.display()),
            )
        })?;
        let names: Vec<String> = columns
            .required_text(row, "source")?
            .split('|')
            .map(|n| n.trim().to_string())
            .collect();
        if names.iter().any(String::is_empty) {
            return Err(columns.error(row, "source", "names an empty column"));
        }
        columns.required_text(row, "reference")?;
        let column = columns.text(row, "column");
        if column == MARKER {
            layout.markers.extend(names);
            continue;
        }
        let at = column_index(column).ok_or_else(|| {
            columns.error(
                row,
                "column",
                format!(
                    "'{column}' is not a column the analysis reads ({}) or 'marker'",
                    COLUMNS.join(", ")
                ),
            )
        })?;
        if !layout.sources[at].is_empty() {
            return Err(columns.error(row, "column", "is listed twice for this layout"));
        }
        layout.sources[at] = names;
    }
    for layout in &layouts {
        if layout.sources[0].is_empty() {
            return Err(Error::input(
                columns_path,
                None,
                Some(DATE),
                format!("layout '{}' has no prepare date", layout.name),
            ));
        }
    }
    Ok(layouts)
}

/// Names a user gives for columns (`--columns canonical=source,...`): for
/// each of [`COLUMNS`], the file's column or columns (`a|b`), replacing the
/// layout's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnNames {
    names: Vec<(usize, Vec<String>)>,
}

impl ColumnNames {
    /// Whether any name is given.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

impl std::str::FromStr for ColumnNames {
    type Err = Error;

    /// `canonical=source,...`, a source being one column or several joined
    /// by `|` (the first a row fills is read).
    fn from_str(text: &str) -> Result<Self> {
        let mut names = Vec::new();
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (column, source) = pair.split_once('=').ok_or_else(|| {
                Error::Argument(format!(
                    "--columns takes canonical=source pairs separated by commas, not '{pair}'"
                ))
            })?;
            let at = column_index(column.trim()).ok_or_else(|| {
                Error::Argument(format!(
                    "--columns: '{}' is not a column the analysis reads; use one of {}",
                    column.trim(),
                    COLUMNS.join(", ")
                ))
            })?;
            let sources: Vec<String> = source.split('|').map(|s| s.trim().to_string()).collect();
            if sources.iter().any(String::is_empty) {
                return Err(Error::Argument(format!(
                    "--columns: no source column named for '{}'",
                    column.trim()
                )));
            }
            names.retain(|(a, _)| *a != at);
            names.push((at, sources));
        }
        Ok(ColumnNames { names })
    }
}

/// Which of a file's columns holds each column the analysis reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ColumnMap {
    /// For each of [`COLUMNS`], the file's columns (as the file names them)
    /// a row's value is taken from, the first it fills; empty when missing.
    pub(crate) sources: Vec<Vec<String>>,
    /// The layout's name.
    pub(crate) layout: String,
}

impl ColumnMap {
    /// The file's columns for the column at `at` in [`COLUMNS`].
    pub(crate) fn of(&self, at: usize) -> &[String] {
        &self.sources[at]
    }

    /// Whether the file has the column at `at` in [`COLUMNS`].
    pub(crate) fn has(&self, at: usize) -> bool {
        !self.sources[at].is_empty()
    }

    /// Every source column the map reads.
    pub(crate) fn all_sources(&self) -> impl Iterator<Item = &String> {
        self.sources.iter().flatten()
    }

    /// The canonical columns the file lacks.
    ///
    /// `request_type` and `detainer_type` are one answer read two ways: the
    /// file lacks it only when it has neither (named `request_type`). The
    /// file's own duplicate answers ([`FILE_FLAGS`]) are never missing: only
    /// `--duplicates file` reads them, and says so when a file lacks them.
    pub(crate) fn missing(&self) -> Vec<&'static str> {
        let request = self.has(at::REQUEST_TYPE) || self.has(at::DETAINER_TYPE);
        COLUMNS
            .iter()
            .zip(&self.sources)
            .filter(|(_, s)| s.is_empty())
            .map(|(c, _)| *c)
            .filter(|c| !FILE_FLAGS.contains(c) && *c != DETAINER_TYPE)
            .filter(|c| !(request && *c == REQUEST_TYPE))
            .collect()
    }
}

/// Find the layout of a file whose header holds `header` (the names as the
/// file writes them), and map its columns, `names` replacing the layout's.
///
/// # Errors
/// [`Error::Input`] naming the file's header line (`header_line`, `None` for
/// a typed file) for a header in no known layout (listing what it has and
/// the nearest layout), or a `--columns` source the file lacks.
pub(crate) fn map_columns(
    path: &Path,
    header_line: Option<u64>,
    header: &[String],
    layouts: &[Layout],
    names: &ColumnNames,
) -> Result<ColumnMap> {
    let cleaned: Vec<String> = header.iter().map(|h| clean_name(h)).collect();
    // The file's column for a listed name: the same name, else the same
    // cleaned name.
    let find = |name: &str| -> Option<String> {
        header
            .iter()
            .position(|h| h == name)
            .or_else(|| {
                let want = clean_name(name);
                cleaned.iter().position(|c| *c == want)
            })
            .map(|i| header[i].clone())
    };
    let scored = layouts.iter().filter_map(|l| {
        let present = |n: &&String| find(n).is_some();
        if !l.sources[0].iter().any(|n| present(&n)) {
            return None;
        }
        let rows = l.rows();
        let matched = rows.iter().filter(|r| r.iter().any(present)).count();
        Some((matched, rows.len() - matched, l))
    });
    // Most present, then fewest missing; the first listed on a tie.
    let best = scored.fold(
        None,
        |best: Option<(usize, usize, &Layout)>, s| match best {
            Some(b) if (std::cmp::Reverse(b.0), b.1) <= (std::cmp::Reverse(s.0), s.1) => Some(b),
            _ => Some(s),
        },
    );
    let mut sources: Vec<Vec<String>> = vec![Vec::new(); COLUMNS.len()];
    let mut layout = match best {
        Some((matched, missing, l)) => {
            for (at, names) in l.sources.iter().enumerate() {
                sources[at] = names.iter().filter_map(|n| find(n)).collect();
            }
            // A header that holds few of the layout's columns is named as
            // only partly that layout.
            if matched < missing {
                format!(
                    "{} (partly: {matched} of its {} columns)",
                    l.name,
                    matched + missing
                )
            } else {
                l.name.clone()
            }
        }
        None if names.names.iter().any(|(at, _)| *at == 0) => "custom".to_string(),
        None => return Err(unknown_layout(path, header_line, header, layouts)),
    };
    // A column the layout lacks is still read when the file has it under
    // its canonical name (a layout's file with a column added).
    for (at, name) in COLUMNS.iter().enumerate() {
        if sources[at].is_empty() {
            if let Some(column) = find(name) {
                sources[at] = vec![column];
            }
        }
    }
    for (at, given) in &names.names {
        let mut found = Vec::with_capacity(given.len());
        for name in given {
            match find(name) {
                Some(column) => found.push(column),
                None => {
                    return Err(Error::input(
                        path,
                        header_line,
                        Some(name),
                        format!(
                            "--columns names this column for {}, but the file has no such column; its columns: {}",
                            COLUMNS[*at],
                            listing(header)
                        ),
                    ))
                }
            }
        }
        sources[*at] = found;
    }
    if !names.is_empty() && layout != "custom" {
        layout.push_str(" + --columns");
    }
    Ok(ColumnMap { sources, layout })
}

/// Up to 30 names, for a message.
fn listing(header: &[String]) -> String {
    let shown: Vec<&str> = header.iter().take(30).map(String::as_str).collect();
    let more = header.len().saturating_sub(shown.len());
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// The error for a header in no known layout: what it has, and the layout
/// that shares most names with it.
fn unknown_layout(
    path: &Path,
    header_line: Option<u64>,
    header: &[String],
    layouts: &[Layout],
) -> Error {
    let cleaned: Vec<String> = header.iter().map(|h| clean_name(h)).collect();
    let nearest = layouts
        .iter()
        .map(|l| {
            let rows = l.rows();
            let shared = rows
                .iter()
                .filter(|r| r.iter().any(|n| cleaned.contains(&clean_name(n))))
                .count();
            (shared, rows.len(), l)
        })
        .max_by_key(|(shared, _, _)| *shared);
    let near = match nearest {
        Some((shared, of, l)) if shared > 0 => format!(
            "; nearest known layout: {} ({shared} of its {of} columns; its prepare date is '{}')",
            l.name,
            l.sources[0].join("' or '")
        ),
        _ => String::new(),
    };
    Error::input(
        path,
        header_line,
        None,
        format!(
            "no known layout: the header has no prepare-date column (columns: {}){near}; name it with --columns {DATE}=NAME",
            listing(header)
        ),
    )
}

/// A header cell's text as a column name, the way janitor's `clean_names`
/// (used by the Deportation Data Project) makes one: quotes dropped, `%` as
/// `percent` and `#` as `number`, lower case, each run of other characters
/// as one underscore, none at either end.
pub fn clean_name(title: &str) -> String {
    let mut spelled = String::with_capacity(title.len() + 8);
    for c in title.chars() {
        match c {
            '\'' | '"' | '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}' => {}
            '%' => spelled.push_str(" percent "),
            '#' => spelled.push_str(" number "),
            c => spelled.push(c),
        }
    }
    let mut out = String::with_capacity(spelled.len());
    let mut gap = false;
    for c in spelled.chars() {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('_');
            }
            gap = false;
            out.extend(c.to_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundled_layout_is_found_by_name_or_the_names_are_listed() {
        assert_eq!(
            bundled_layout("npr-processed").unwrap().name,
            "npr-processed"
        );
        let e = bundled_layout("npr").unwrap_err().to_string();
        assert!(
            matches!(bundled_layout("npr"), Err(Error::Argument(_))),
            "{e}"
        );
        assert!(
            e.contains("unknown layout 'npr'") && e.contains("ddp-historical"),
            "{e}"
        );
    }

    #[test]
    fn names_are_cleaned_as_the_release_is() {
        for (title, name) in [
            ("Detainer Prepare Date", "detainer_prepare_date"),
            ("Facility AOR", "facility_aor"),
            (
                "Most Serious Conviction (MSC) Charge",
                "most_serious_conviction_msc_charge",
            ),
            ("Final Order Yes No", "final_order_yes_no"),
            ("  Case  Category ", "case_category"),
            (
                "Prior Felony / Multiple Prior MISD",
                "prior_felony_multiple_prior_misd",
            ),
            ("Officer's Note", "officers_note"),
            ("% Done", "percent_done"),
            ("EID #", "eid_number"),
            ("", ""),
        ] {
            assert_eq!(clean_name(title), name, "{title}");
        }
    }

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    /// The map of a header read from a file `f`, with no `--columns`.
    fn map_of(h: &[String], layouts: &[Layout]) -> ColumnMap {
        map_columns(Path::new("f"), Some(1), h, layouts, &ColumnNames::default()).unwrap()
    }

    #[test]
    fn the_bundled_layouts_read_and_each_has_a_date() {
        let layouts = bundled_layouts();
        assert!(layouts.len() >= 12, "{}", layouts.len());
        for l in &layouts {
            assert!(!l.sources[0].is_empty(), "{}", l.name);
        }
        let names: Vec<&str> = layouts.iter().map(|l| l.name.as_str()).collect();
        for wanted in [
            "ddp-2025",
            "ddp-2026-03",
            "ddp-2026-08",
            "ddp-2026-08-raw-names",
            "ddp-historical",
            "npr-processed",
            "npr-raw",
            "trac-foia",
            "ice-2025-workbook",
            "ice-2026-03-workbook",
            "ice-2026-08-workbook",
        ] {
            assert!(names.contains(&wanted), "{wanted}");
        }
    }

    #[test]
    fn each_layout_is_found_from_its_own_names() {
        let layouts = bundled_layouts();
        for l in &layouts {
            // The header of a file written in the layout: its first name
            // for each column, and its markers.
            let h: Vec<String> = l
                .sources
                .iter()
                .filter_map(|s| s.first().cloned())
                .chain(l.markers.iter().cloned())
                .collect();
            assert_eq!(map_of(&h, &layouts).layout, l.name, "{h:?}");
        }
    }

    #[test]
    fn names_are_compared_cleaned_and_several_sources_are_kept_in_order() {
        let layouts = bundled_layouts();
        let h = header(&[
            "Prepare Date",
            "Detainer_AOR",
            "facility_aor",
            "State",
            "Case Category",
        ]);
        let map = map_of(&h, &layouts);
        assert_eq!(map.of(0), ["Prepare Date"]);
        assert_eq!(map.of(1), ["Detainer_AOR", "facility_aor"]);
        assert_eq!(map.layout, "ddp-historical (partly: 4 of its 15 columns)");
    }

    #[test]
    fn an_unknown_header_and_a_missing_name_are_errors_that_say_what_is_there() {
        let layouts = bundled_layouts();
        let h = header(&["fecha", "area", "motivo"]);
        let e = map_columns(
            Path::new("f.csv"),
            Some(1),
            &h,
            &layouts,
            &ColumnNames::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("f.csv:1: no known layout"), "{e}");
        assert!(
            e.contains("fecha, area, motivo") && e.contains("--columns detainer_prepare_date=NAME"),
            "{e}"
        );
        let names: ColumnNames = "detainer_prepare_date=fecha,facility_aor=area"
            .parse()
            .unwrap();
        let map = map_columns(Path::new("f.csv"), Some(1), &h, &layouts, &names).unwrap();
        assert_eq!(
            (map.layout.as_str(), map.of(1)),
            ("custom", &["area".to_string()][..])
        );
        let names: ColumnNames = "detainer_prepare_date=fecha,facility_state=estado"
            .parse()
            .unwrap();
        let e = map_columns(Path::new("f.csv"), Some(1), &h, &layouts, &names)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("f.csv:1: column 'estado': --columns names"),
            "{e}"
        );
        assert!("county=x".parse::<ColumnNames>().is_err());
        assert!("detainer_prepare_date".parse::<ColumnNames>().is_err());
    }
}
