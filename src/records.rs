//! Record-level ICE detainer files, in the schema of the Deportation Data
//! Project's release (one row per detainer, 64 columns, an unnamed R row-index
//! column first, `NA` for missing values).
//!
//! The pipeline has two steps, so that memory stays bounded however large the
//! files are:
//!
//! 1. [`scan_files`]: reads the nine columns used, parses the date, gives each
//!    row a reason (used, or why not) and counts rows per combination of the
//!    raw labels. The result has one row per distinct combination (a few
//!    thousand for a national file), never one per record. Two engines do this
//!    and must agree ([`ScanEngine`]): a block reader with worker threads
//!    (the default, [`crate::records_scan`]) and a lazy polars query on the
//!    streaming engine ([`aggregation_query`], the reference).
//! 2. [`summarise`]: normalises labels (whitespace only), applies the area and
//!    state filters, maps records to the article's groups through the
//!    crosswalk and builds every table of [`RecordResults`]. Every row read is
//!    either used or counted under a reason in `rows_excluded`.

use crate::crosswalk::{
    normalise_label, Aor, StatusCrosswalk, StatusFields, ARTICLE_GROUPS, NOT_MAPPED,
};
use crate::error::{Error, Result};
use crate::stats::{wilson_interval, Interval};
use chrono::{Datelike, NaiveDate};
use polars::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// `detainer_prepare_date`: when the detainer was prepared (`YYYY-MM-DD`).
pub const DATE: &str = "detainer_prepare_date";
/// `facility_aor`: the area of responsibility, e.g. `St. Paul Area of Responsibility`.
pub const AOR: &str = "facility_aor";
/// `facility_state`: the state of the holding facility, e.g. `MINNESOTA`.
pub const STATE: &str = "facility_state";
/// `case_category`.
pub const CASE_CATEGORY: &str = "case_category";
/// `entry_status`.
pub const ENTRY_STATUS: &str = "entry_status";
/// `final_order_yes_no`.
pub const FINAL_ORDER: &str = "final_order_yes_no";
/// `illegal_reentry_yes_no`.
pub const ILLEGAL_REENTRY: &str = "illegal_reentry_yes_no";
/// `detainer_lift_reason`.
pub const LIFT_REASON: &str = "detainer_lift_reason";
/// `duplicate_likely`: `TRUE` when the release flags the row as a likely duplicate.
pub const DUPLICATE: &str = "duplicate_likely";

/// The columns the analysis reads; every file must have them.
pub const USED_COLUMNS: [&str; 9] = [
    DATE,
    AOR,
    STATE,
    CASE_CATEGORY,
    ENTRY_STATUS,
    FINAL_ORDER,
    ILLEGAL_REENTRY,
    LIFT_REASON,
    DUPLICATE,
];

/// The lift reason counted as a declined detainer.
pub const DECLINED_BY_LEA: &str = "Detainer Declined by LEA";

/// Reasons a row is not used, in the order they are tested. `short_row`: the
/// row has fewer fields than the header, or its last field is empty (the
/// release's last column, `row_original`, is never empty); fields past the
/// header's width are ignored, as polars does.
pub const EXCLUSION_REASONS: [&str; 7] = [
    "short_row",
    "missing_date",
    "unparseable_date",
    "outside_dates",
    "outside_aor",
    "outside_state",
    "duplicate_likely",
];

/// Which records to use.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Filters {
    /// Area of responsibility (resolved from a code, city or label).
    pub aor: Option<AorFilter>,
    /// Facility state, compared case-insensitively (`Minnesota` = `MINNESOTA`).
    pub state: Option<String>,
    /// First day, inclusive.
    pub from: Option<NaiveDate>,
    /// Last day, inclusive.
    pub to: Option<NaiveDate>,
    /// Use rows flagged `duplicate_likely` (they are excluded by default).
    pub include_duplicates: bool,
}

/// The area of responsibility a filter selects.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AorFilter {
    /// Three-letter code, e.g. `BOS`.
    pub code: String,
    /// The `facility_aor` label matched.
    pub label: String,
}

impl From<Aor> for AorFilter {
    fn from(a: Aor) -> Self {
        AorFilter {
            code: a.code,
            label: a.label,
        }
    }
}

/// One input file as read.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileInfo {
    /// The path as given.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// One combination of a reason and raw labels, and how many rows carry it.
/// Used rows (reason 0) carry their labels; an excluded row carries only the
/// area (reason 5) or state (reason 6) that excluded it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Combination {
    /// 0 when used, else 1 + the index of its reason in [`EXCLUSION_REASONS`].
    pub reason: u8,
    /// Year and month of the date (`year * 100 + month`), for used rows.
    pub year_month: Option<i32>,
    /// Raw `facility_aor`.
    pub aor: Option<String>,
    /// Raw `facility_state`.
    pub state: Option<String>,
    /// Raw `case_category`.
    pub case_category: Option<String>,
    /// Raw `entry_status`.
    pub entry_status: Option<String>,
    /// Raw `final_order_yes_no`.
    pub final_order: Option<String>,
    /// Raw `illegal_reentry_yes_no`.
    pub illegal_reentry: Option<String>,
    /// Raw `detainer_lift_reason`.
    pub lift_reason: Option<String>,
    /// Raw `duplicate_likely`.
    pub duplicate: Option<String>,
    /// Rows with exactly these values.
    pub rows: u64,
}

/// What [`scan_files`] returns: the files and the counted combinations.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// Files read, in order.
    pub files: Vec<FileInfo>,
    /// Counted combinations of raw labels.
    pub combinations: Vec<Combination>,
}

/// Read the header line of a detainer file and check it has every column in
/// [`USED_COLUMNS`]. Returns the column names, with an unnamed column named
/// `_index` and a repeated name suffixed by its position.
///
/// # Errors
/// [`Error::Input`] naming the file for an empty file, a UTF-16 file, a header
/// that is not UTF-8 or a missing column.
pub fn read_header(path: &Path) -> Result<Vec<String>> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut head = Vec::with_capacity(64 * 1024);
    file.by_ref()
        .take(1024 * 1024)
        .read_to_end(&mut head)
        .map_err(|e| Error::io(path, e))?;
    if head.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::input(path, None, None, "file is empty"));
    }
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Err(Error::input(
            path,
            None,
            None,
            "file is UTF-16; save it as UTF-8 (CSV UTF-8) and try again",
        ));
    }
    let end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let line = &head[..end];
    let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    let text = std::str::from_utf8(line)
        .map_err(|_| Error::input(path, Some(1), None, "the header is not valid UTF-8"))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let record = reader
        .records()
        .next()
        .transpose()
        .map_err(|e| Error::input(path, Some(1), None, format!("malformed header: {e}")))?
        .ok_or_else(|| Error::input(path, None, None, "file is empty"))?;
    let mut names: Vec<String> = Vec::with_capacity(record.len());
    for (i, raw) in record.iter().enumerate() {
        let name = raw.trim();
        let mut name = if name.is_empty() {
            "_index".to_string()
        } else {
            name.to_string()
        };
        if names.contains(&name) {
            name = format!("{name}_{}", i + 1);
        }
        names.push(name);
    }
    for wanted in USED_COLUMNS {
        if !names.iter().any(|n| n == wanted) {
            return Err(Error::input(
                path,
                Some(1),
                Some(wanted),
                "required column is missing; is this a detainer file from the Deportation Data Project release?",
            ));
        }
    }
    Ok(names)
}

/// Path as a string for polars (which takes UTF-8 paths).
fn utf8_path(path: &Path) -> Result<&str> {
    path.to_str()
        .ok_or_else(|| Error::input(path, None, None, "the file name is not valid UTF-8"))
}

fn lazy_file(path: &Path) -> Result<LazyFrame> {
    let names = read_header(path)?;
    let schema: Schema = names
        .iter()
        .map(|n| Field::new(n.as_str().into(), DataType::String))
        .collect();
    // `NA` is missing in the columns used; the last column keeps its text, so
    // a null there means the row ended early (or its last field is empty).
    let nulls = USED_COLUMNS
        .iter()
        .map(|c| (PlSmallStr::from(*c), PlSmallStr::from("NA")))
        .collect();
    // An absolute path without `..`: polars' chunked reader refuses `..` segments.
    let absolute = path.canonicalize().map_err(|e| Error::io(path, e))?;
    let lf = LazyCsvReader::new(PlRefPath::new(utf8_path(&absolute)?))
        .with_has_header(true)
        .with_schema(Some(Arc::new(schema)))
        .with_null_values(Some(NullValues::Named(nulls)))
        .with_missing_is_null(true)
        // Bytes that are not UTF-8 become U+FFFD instead of failing the
        // whole scan: in a column the analysis ignores they are accepted, as
        // the block engine accepts them; in a used column the query flags
        // the row (REPLACED) and the scan is diagnosed row by row.
        .with_encoding(CsvEncoding::LossyUtf8)
        .finish()
        .map_err(|e| polars_input_error(path, &e))?;
    let last = names.last().map(String::as_str).unwrap_or_default();
    let short = if USED_COLUMNS.contains(&last) {
        // Cannot tell a short row from a missing value in this layout.
        lit(false)
    } else {
        col(last).is_null()
    };
    let mut columns: Vec<Expr> = USED_COLUMNS.map(col).to_vec();
    columns.push(short.alias(SHORT_ROW));
    Ok(lf.select(columns))
}

/// Internal column: the parsed date.
const PARSED_DATE: &str = "_date";
/// Internal column: the date as `yyyymmdd`.
const DAY: &str = "_day";

/// Internal column: the row has fewer fields than the header.
const SHORT_ROW: &str = "_short_row";

/// Output column of [`aggregation_query`]: a used column of the row holds
/// U+FFFD, the mark polars leaves for bytes that are not UTF-8 (or a literal
/// U+FFFD in the data, which is valid text).
pub const REPLACED: &str = "_replaced";

fn polars_input_error(path: &Path, e: &PolarsError) -> Error {
    Error::input(path, None, None, format!("could not read as CSV: {e}"))
}

/// Parse a day given as `YYYY-MM-DD` (for filters).
///
/// # Errors
/// [`Error::Argument`] for anything else.
pub fn parse_day(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| Error::Argument(format!("'{text}' is not a date in the form YYYY-MM-DD")))
}

/// Day number `year * 10000 + month * 100 + day`, comparable as an integer.
pub(crate) fn day_key(d: NaiveDate) -> i32 {
    d.year() * 10000 + d.month() as i32 * 100 + d.day() as i32
}

/// Raw label values a filter accepts, compared exactly inside the query. They
/// start as the label asked for; [`scan_files`] adds any raw variant found in
/// the data that differs only in spacing or case, and scans again.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Accepted {
    /// `facility_aor` values that select the area.
    pub aor: Vec<String>,
    /// `facility_state` values that select the state.
    pub state: Vec<String>,
}

impl Accepted {
    /// The labels as given in the filters.
    pub fn from_filters(filters: &Filters) -> Self {
        let mut state = Vec::new();
        if let Some(s) = &filters.state {
            state.push(s.clone());
            if s.to_uppercase() != *s {
                state.push(s.to_uppercase());
            }
        }
        Accepted {
            aor: filters.aor.iter().map(|a| a.label.clone()).collect(),
            state,
        }
    }
}

fn equals_any(column: &str, values: &[String]) -> Expr {
    values.iter().fold(lit(false), |acc, v| {
        acc.or(col(column).eq(lit(v.as_str())).fill_null(lit(false)))
    })
}

fn null_string() -> Expr {
    lit(NULL).cast(DataType::String)
}

/// The polars query: give each row a reason code (0 = used, else 1 + its
/// index in [`EXCLUSION_REASONS`]) and count rows per reason and labels.
/// Excluded rows keep only the label that excluded them (the area or state,
/// so spacing variants can be found), so the result stays small.
///
/// `rows_seen`, when given, is increased as batches pass through the scan, for a
/// progress display. It is never used for results.
pub fn aggregation_query(
    files: &[PathBuf],
    filters: &Filters,
    accepted: &Accepted,
    rows_seen: Option<Arc<AtomicU64>>,
) -> Result<LazyFrame> {
    if files.is_empty() {
        return Err(Error::Argument("no detainer files given".into()));
    }
    let frames = files
        .iter()
        .map(|p| lazy_file(p))
        .collect::<Result<Vec<_>>>()?;
    let lf = if frames.len() == 1 {
        frames.into_iter().next().unwrap_or_default()
    } else {
        concat(frames, UnionArgs::default())?
    };
    // The date is parsed once, in a stage of its own, and everything else is
    // derived from the parsed column (expressions cloned into several places
    // would otherwise parse it once per use).
    let parsed = col(DATE)
        .str()
        .to_date(StrptimeOptions {
            format: Some("%Y-%m-%d".into()),
            strict: false,
            exact: true,
            cache: true,
        })
        .alias(PARSED_DATE);
    let date = col(PARSED_DATE);
    let year = date.clone().dt().year();
    let month = date.clone().dt().month().cast(DataType::Int32);
    let day = year.clone() * lit(10000)
        + month.clone() * lit(100)
        + date.clone().dt().day().cast(DataType::Int32);
    let year_month = year * lit(100) + month;
    let mut in_dates = lit(true);
    if let Some(from) = filters.from {
        in_dates = in_dates.and(col(DAY).gt_eq(lit(day_key(from))));
    }
    if let Some(to) = filters.to {
        in_dates = in_dates.and(col(DAY).lt_eq(lit(day_key(to))));
    }
    let aor_ok = if filters.aor.is_some() {
        equals_any(AOR, &accepted.aor)
    } else {
        lit(true)
    };
    let state_ok = if filters.state.is_some() {
        equals_any(STATE, &accepted.state)
    } else {
        lit(true)
    };
    let mut duplicate = col(DUPLICATE);
    if let Some(counter) = rows_seen {
        duplicate = duplicate.map(
            move |c: Column| {
                counter.fetch_add(c.len() as u64, Ordering::Relaxed);
                Ok(c)
            },
            |_, f| Ok(f.clone()),
        );
    }
    let flagged = ["TRUE", "True", "true"].map(String::from);
    let excluded_duplicate = if filters.include_duplicates {
        lit(false)
    } else {
        equals_any(DUPLICATE, &flagged)
    };
    let reason = when(col(SHORT_ROW))
        .then(lit(1u8))
        .when(col(DATE).is_null().or(col(DATE).eq(lit(""))))
        .then(lit(2u8))
        .when(col(PARSED_DATE).is_null())
        .then(lit(3u8))
        .when(in_dates.fill_null(lit(false)).not())
        .then(lit(4u8))
        .when(aor_ok.not())
        .then(lit(5u8))
        .when(state_ok.not())
        .then(lit(6u8))
        .when(excluded_duplicate)
        .then(lit(7u8))
        .otherwise(lit(0u8));
    let used = || col("reason").eq(lit(0u8));
    let keep = |name: &str| {
        when(used())
            .then(col(name))
            .otherwise(null_string())
            .alias(name)
    };
    // The date, the area and the state decide a row's reason; the rest are
    // the labels counted for used rows.
    let details = &USED_COLUMNS[3..];
    let raw_columns = || {
        std::iter::once(col(SHORT_ROW))
            .chain(USED_COLUMNS.iter().map(|&name| col(name)))
            .collect::<Vec<_>>()
    };
    let replaced = USED_COLUMNS.iter().fold(lit(false), |acc, &name| {
        acc.or(col(name)
            .cast(DataType::Binary)
            .binary()
            .contains_literal(lit("\u{FFFD}".as_bytes()))
            .fill_null(lit(false)))
    });
    let mut stage1 = raw_columns();
    stage1.push(parsed);
    stage1.push(replaced.alias(REPLACED));
    let mut stage2 = raw_columns();
    stage2.push(col(REPLACED));
    stage2.push(col(PARSED_DATE));
    stage2.push(day.alias(DAY));
    stage2.push(year_month.alias("year_month"));
    let mut stage3 = vec![
        reason.alias("reason"),
        col(REPLACED),
        col("year_month"),
        col(AOR),
        col(STATE),
    ];
    stage3.extend(details.iter().map(|&name| {
        if name == DUPLICATE {
            duplicate.clone().alias(DUPLICATE)
        } else {
            col(name)
        }
    }));
    let mut stage4 = vec![
        col("reason"),
        col(REPLACED),
        when(used())
            .then(col("year_month"))
            .otherwise(lit(NULL).cast(DataType::Int32))
            .alias("year_month"),
        when(col("reason").eq(lit(5u8)))
            .then(col(AOR))
            .otherwise(null_string())
            .alias(AOR),
        when(col("reason").eq(lit(6u8)))
            .then(col(STATE))
            .otherwise(null_string())
            .alias(STATE),
    ];
    stage4.extend(details.iter().map(|&name| keep(name)));
    let keys: Vec<Expr> = ["reason", REPLACED, "year_month"]
        .iter()
        .chain(&USED_COLUMNS[1..])
        .map(|&name| col(name))
        .collect();
    Ok(lf
        .select(stage1)
        .select(stage2)
        .select(stage3)
        .select(stage4)
        .group_by(keys)
        .agg([len().alias("rows")]))
}

/// How [`scan_files_with`] reads the files. Both give the same combinations;
/// the tests hold them to it on every fixture and on generated files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ScanEngine {
    /// Blocks of rows parsed by worker threads ([`crate::records_scan`]):
    /// the default, about twice as fast as [`ScanEngine::Polars`] on stable Rust.
    #[default]
    Blocks,
    /// The lazy polars query of [`aggregation_query`] on polars' streaming
    /// engine: the reference.
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

/// [`scan_files_with`] the default engine ([`ScanEngine::Blocks`]).
///
/// # Errors
/// As [`scan_files_with`].
pub fn scan_files(
    files: &[PathBuf],
    filters: &Filters,
    rows_seen: Option<Arc<AtomicU64>>,
) -> Result<Scan> {
    scan_files_with(ScanEngine::default(), files, filters, rows_seen)
}

/// Count the combinations in `files` with `engine`. When rows were excluded
/// by an area or state label that matches the filter once spacing and case
/// are normalised (`Boston  Area of Responsibility`), that raw label is
/// accepted and the files are scanned again.
///
/// # Errors
/// [`Error::Input`] naming the file for a missing column, an empty file, bad
/// encoding or a malformed CSV row.
pub fn scan_files_with(
    engine: ScanEngine,
    files: &[PathBuf],
    filters: &Filters,
    rows_seen: Option<Arc<AtomicU64>>,
) -> Result<Scan> {
    if files.is_empty() {
        return Err(Error::Argument("no detainer files given".into()));
    }
    let mut infos = Vec::with_capacity(files.len());
    for f in files {
        let meta = std::fs::metadata(f).map_err(|e| Error::io(f, e))?;
        infos.push(FileInfo {
            path: f.display().to_string(),
            bytes: meta.len(),
        });
    }
    if engine == ScanEngine::Polars {
        read_local_files_in_chunks();
    }
    let mut accepted = Accepted::from_filters(filters);
    loop {
        let combinations = match engine {
            ScanEngine::Blocks => {
                crate::records_scan::count_files(files, filters, &accepted, rows_seen.as_deref())?
            }
            ScanEngine::Polars => {
                let query = aggregation_query(files, filters, &accepted, rows_seen.clone())?;
                let collected = query
                    .collect_with_engine(Engine::Streaming)
                    .map(|r| r.unwrap_single());
                // polars says neither which line nor which column broke, and
                // replaces bytes that are not UTF-8: either way, the file is
                // read again row by row, which finds the first problem and
                // names it as the block engine does.
                let diagnose = || {
                    crate::records_scan::count_files(files, filters, &accepted, None).map(|_| ())
                };
                match collected {
                    Err(e) => {
                        diagnose()?;
                        return Err(scan_error(files, &e));
                    }
                    Ok(df) => {
                        if df.column(REPLACED)?.bool()?.any() {
                            diagnose()?;
                        }
                        combinations_from_frame(&df)?
                    }
                }
            }
        };
        let mut added = false;
        for c in &combinations {
            if let (5, Some(raw), Some(a)) = (c.reason, &c.aor, &filters.aor) {
                if same_label(&c.aor, &a.label) && !accepted.aor.contains(raw) {
                    accepted.aor.push(raw.clone());
                    added = true;
                }
            }
            if let (6, Some(raw), Some(s)) = (c.reason, &c.state, &filters.state) {
                if same_label(&c.state, s) && !accepted.state.contains(raw) {
                    accepted.state.push(raw.clone());
                    added = true;
                }
            }
        }
        if !added {
            return Ok(Scan {
                files: infos,
                combinations,
            });
        }
    }
}

/// polars memory-maps a local CSV file by default, so a scan of a 1 GB file
/// holds up to 1 GB of file pages resident. Its chunked reader (the one it uses
/// for cloud files, switched on by `POLARS_FORCE_ASYNC`) keeps a few 32 MB
/// chunks in memory instead: peak memory stays a few hundred MB at any file
/// size, for about 10% more time. A value the user set is left alone.
fn read_local_files_in_chunks() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        const VAR: &str = "POLARS_FORCE_ASYNC";
        if std::env::var_os(VAR).is_none() {
            std::env::set_var(VAR, "1");
            polars_config::config().reload_env_var(VAR);
        }
    });
}

fn scan_error(files: &[PathBuf], e: &PolarsError) -> Error {
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let file = if files.len() == 1 {
        files[0].clone()
    } else {
        PathBuf::from(names.join(", "))
    };
    let text = e.to_string();
    let hint = if text.contains("utf-8") || text.contains("utf8") {
        " (is the file UTF-8?)"
    } else if text.contains("fields") || text.contains("ragged") {
        " (a row has a different number of fields than the header)"
    } else {
        ""
    };
    Error::input(
        &file,
        None,
        None,
        format!("could not read as CSV{hint}: {text}"),
    )
}

fn string_values(df: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    let c = df.column(name)?.str()?;
    Ok(c.iter().map(|v| v.map(str::to_owned)).collect())
}

fn combinations_from_frame(df: &DataFrame) -> Result<Vec<Combination>> {
    let int_column = |name: &str| -> Result<Vec<Option<i32>>> {
        let c = df.column(name)?.cast(&DataType::Int32)?;
        Ok(c.i32()?.iter().collect())
    };
    let reason: Vec<u8> = int_column("reason")?
        .into_iter()
        .map(|v| v.unwrap_or(0) as u8)
        .collect();
    let year_month = int_column("year_month")?;
    let rows_col = df.column("rows")?.cast(&DataType::UInt64)?;
    let rows: Vec<u64> = rows_col.u64()?.iter().map(|v| v.unwrap_or(0)).collect();
    let mut text: BTreeMap<&str, Vec<Option<String>>> = BTreeMap::new();
    for name in &USED_COLUMNS[1..] {
        text.insert(name, string_values(df, name)?);
    }
    let mut take = |name: &str, i: usize| text.get_mut(name).and_then(|v| v[i].take());
    let mut out = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        out.push(Combination {
            reason: reason[i],
            year_month: year_month[i],
            aor: take(AOR, i),
            state: take(STATE, i),
            case_category: take(CASE_CATEGORY, i),
            entry_status: take(ENTRY_STATUS, i),
            final_order: take(FINAL_ORDER, i),
            illegal_reentry: take(ILLEGAL_REENTRY, i),
            lift_reason: take(LIFT_REASON, i),
            duplicate: take(DUPLICATE, i),
            rows: rows[i],
        });
    }
    Ok(out)
}

/// Detainers in one status group.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GroupCount {
    /// One of the article's six groups, or `Not mapped`.
    pub group: String,
    /// Detainers used in this group.
    pub detainers: u64,
}

/// Detainers in one ICE case category.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CategoryCount {
    /// The case category (normalised); `null` when missing.
    pub case_category: Option<String>,
    /// Detainers used in this category.
    pub detainers: u64,
}

/// One month of detainers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MonthCount {
    /// `YYYY-MM`.
    pub month: String,
    /// Detainers prepared in the month.
    pub detainers: u64,
    /// Of those, lifted as declined by the law-enforcement agency.
    pub declined_by_lea: u64,
    /// `declined_by_lea / detainers`; `null` for a month with none.
    pub declined_share: Option<f64>,
}

/// One lift reason.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ReasonCount {
    /// The lift reason (normalised); `null` when none is recorded yet.
    pub reason: Option<String>,
    /// Detainers with this reason.
    pub count: u64,
}

/// Detainers declined by the law-enforcement agency.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Declined {
    /// Detainers lifted as "Detainer Declined by LEA".
    pub count: u64,
    /// `count / rows_used` (a detainer not yet lifted counts in the
    /// denominator); `null` when no rows are used.
    pub share: Option<f64>,
    /// 95% Wilson interval for the share, treating detainers as independent.
    pub share_interval: Option<Interval>,
}

/// Detainers against the noncitizen population of the area of responsibility.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PopulationContext {
    /// Area code.
    pub aor: String,
    /// Year of the population estimate.
    pub population_year: i32,
    /// Estimated noncitizen residents.
    pub noncitizen_population: f64,
    /// Standard error of that estimate.
    pub noncitizen_population_se: Option<f64>,
    /// Days in the period counted (from the filters, or the months seen).
    pub period_days: i64,
    /// `rows_used / population * 100,000` over the period.
    pub detainers_per_100k: f64,
    /// The same, per year of the period.
    pub detainers_per_100k_per_year: f64,
    /// Where the population figure comes from.
    pub population_source: String,
    /// Caveats (for example the gap between population year and period).
    pub note: String,
}

/// Everything `detainers records` computes; written as `results.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RecordResults {
    /// Files read.
    pub files: Vec<FileInfo>,
    /// Filters applied.
    pub filters: Filters,
    /// Data rows in all files.
    pub rows_read: u64,
    /// Rows used in every table below.
    pub rows_used: u64,
    /// Rows not used, by reason (every reason listed, zero or not).
    pub rows_excluded: BTreeMap<String, u64>,
    /// Rows flagged `duplicate_likely` that are used (only with `--include-duplicates`).
    pub duplicates_used: u64,
    /// Detainers per status group, the article's six then `Not mapped`.
    pub by_status_group: Vec<GroupCount>,
    /// Detainers per case category, most first.
    pub by_case_category: Vec<CategoryCount>,
    /// Detainers per month, every month from the first to the last.
    pub by_month: Vec<MonthCount>,
    /// Lift reasons, most first.
    pub lift_reasons: Vec<ReasonCount>,
    /// Detainers declined by the law-enforcement agency.
    pub declined_by_lea: Declined,
    /// Detainers per 100,000 noncitizen residents, when one area is selected.
    pub context: Option<PopulationContext>,
}

fn norm(v: &Option<String>) -> Option<String> {
    v.as_deref().map(normalise_label).filter(|s| !s.is_empty())
}

fn is_true(v: &Option<String>) -> bool {
    v.as_deref()
        .is_some_and(|s| s.trim().eq_ignore_ascii_case("true"))
}

fn same_label(value: &Option<String>, wanted: &str) -> bool {
    value
        .as_deref()
        .is_some_and(|v| normalise_label(v).eq_ignore_ascii_case(&normalise_label(wanted)))
}

fn month_label(year_month: i32) -> String {
    format!("{:04}-{:02}", year_month / 100, year_month % 100)
}

fn next_month(year_month: i32) -> i32 {
    if year_month % 100 == 12 {
        (year_month / 100 + 1) * 100 + 1
    } else {
        year_month + 1
    }
}

/// Build every table from the counted combinations.
pub fn summarise(scan: &Scan, filters: &Filters, crosswalk: &StatusCrosswalk) -> RecordResults {
    let mut excluded: BTreeMap<String, u64> = EXCLUSION_REASONS
        .iter()
        .map(|r| (r.to_string(), 0))
        .collect();
    let mut rows_read = 0;
    let mut rows_used = 0;
    let mut duplicates_used = 0;
    let mut groups: BTreeMap<&str, u64> = BTreeMap::new();
    let mut categories: BTreeMap<Option<String>, u64> = BTreeMap::new();
    let mut months: BTreeMap<i32, (u64, u64)> = BTreeMap::new();
    let mut reasons: BTreeMap<Option<String>, u64> = BTreeMap::new();
    let mut declined = 0;
    for c in &scan.combinations {
        rows_read += c.rows;
        if c.reason > 0 {
            let name = EXCLUSION_REASONS
                .get(usize::from(c.reason) - 1)
                .copied()
                .unwrap_or("unknown");
            *excluded.entry(name.to_string()).or_default() += c.rows;
            continue;
        }
        rows_used += c.rows;
        if is_true(&c.duplicate) {
            duplicates_used += c.rows;
        }
        let case_category = norm(&c.case_category);
        let entry_status = norm(&c.entry_status);
        let final_order = norm(&c.final_order);
        let illegal_reentry = norm(&c.illegal_reentry);
        let group = crosswalk.group(StatusFields {
            case_category: case_category.as_deref(),
            entry_status: entry_status.as_deref(),
            final_order: final_order.as_deref(),
            illegal_reentry: illegal_reentry.as_deref(),
        });
        let group = ARTICLE_GROUPS
            .iter()
            .copied()
            .chain([NOT_MAPPED])
            .find(|g| *g == group)
            .unwrap_or(NOT_MAPPED);
        *groups.entry(group).or_default() += c.rows;
        *categories.entry(case_category).or_default() += c.rows;
        let reason = norm(&c.lift_reason);
        let is_declined = reason
            .as_deref()
            .is_some_and(|r| r.eq_ignore_ascii_case(DECLINED_BY_LEA));
        if is_declined {
            declined += c.rows;
        }
        *reasons.entry(reason).or_default() += c.rows;
        if let Some(ym) = c.year_month {
            let m = months.entry(ym).or_default();
            m.0 += c.rows;
            if is_declined {
                m.1 += c.rows;
            }
        }
    }

    let by_status_group = ARTICLE_GROUPS
        .iter()
        .copied()
        .chain([NOT_MAPPED])
        .map(|g| GroupCount {
            group: g.to_string(),
            detainers: groups.get(g).copied().unwrap_or(0),
        })
        .collect();
    let mut by_case_category: Vec<CategoryCount> = categories
        .into_iter()
        .map(|(case_category, detainers)| CategoryCount {
            case_category,
            detainers,
        })
        .collect();
    by_case_category.sort_by_key(|c| std::cmp::Reverse(c.detainers));
    let mut lift_reasons: Vec<ReasonCount> = reasons
        .into_iter()
        .map(|(reason, count)| ReasonCount { reason, count })
        .collect();
    lift_reasons.sort_by_key(|r| std::cmp::Reverse(r.count));
    let mut by_month = Vec::new();
    if let (Some(&first), Some(&last)) = (months.keys().next(), months.keys().next_back()) {
        let mut ym = first;
        while ym <= last {
            let (n, d) = months.get(&ym).copied().unwrap_or((0, 0));
            by_month.push(MonthCount {
                month: month_label(ym),
                detainers: n,
                declined_by_lea: d,
                declined_share: (n > 0).then(|| d as f64 / n as f64),
            });
            ym = next_month(ym);
        }
    }
    let share = (rows_used > 0).then(|| declined as f64 / rows_used as f64);
    let share_interval = wilson_interval(declined, rows_used, crate::analysis::CONFIDENCE);
    RecordResults {
        files: scan.files.clone(),
        filters: filters.clone(),
        rows_read,
        rows_used,
        rows_excluded: excluded,
        duplicates_used,
        by_status_group,
        by_case_category,
        by_month,
        lift_reasons,
        declined_by_lea: Declined {
            count: declined,
            share,
            share_interval,
        },
        context: None,
    }
}

/// The first and last day the results cover: the filter dates when given,
/// else the first day of the first month and the last day of the last month.
pub fn period(results: &RecordResults) -> Option<(NaiveDate, NaiveDate)> {
    let parse = |m: &str| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok();
    let first = results.by_month.first().and_then(|m| parse(&m.month));
    let last = results
        .by_month
        .last()
        .and_then(|m| parse(&m.month))
        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
        .and_then(|d| d.pred_opt());
    let start = results.filters.from.or(first)?;
    let end = results.filters.to.or(last)?;
    Some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_run_across_year_ends() {
        assert_eq!(next_month(202512), 202601);
        assert_eq!(next_month(202601), 202602);
        assert_eq!(month_label(202602), "2026-02");
        assert_eq!(
            day_key(NaiveDate::from_ymd_opt(2026, 2, 11).unwrap()),
            20260211
        );
    }

    #[test]
    fn duplicate_flag_and_labels_compare_loosely() {
        assert!(is_true(&Some("TRUE".into())));
        assert!(is_true(&Some(" true ".into())));
        assert!(!is_true(&Some("FALSE".into())));
        assert!(!is_true(&None));
        assert!(same_label(&Some("MINNESOTA".into()), "Minnesota"));
        assert!(same_label(
            &Some("St.  Paul Area of Responsibility".into()),
            "st. paul area of responsibility"
        ));
        assert!(!same_label(&None, "Minnesota"));
    }
}
