//! The polars engine, the reference: a lazy query on polars' streaming engine
//! that gives every row its reason and counts rows per reason and labels.

use crate::error::{Error, Result};
use crate::records::count::accepted::Accepted;
use crate::records::count::counts::{lift_days, Combination, Pending};
use crate::records::count::episodes::{repeat_waits, Episodes, Roles};
use crate::records::count::reasons::Exclusion;
use crate::records::read::dates::day_key;
use crate::records::read::dates::PrepareDate;
use crate::records::read::formats::FileFormat;
use crate::records::read::layouts::ColumnMap;
use crate::records::read::quoting::check_rows;
use crate::records::read::schema::{
    at, is_flagged, place_column, CASE_CATEGORY, COLUMNS, DATE, DETAINER_TYPE, DROP_ROW, DUPLICATE,
    ENTRY_STATUS, EPISODE, FACILITY, FINAL_ORDER, FLAGGED, ID, ILLEGAL_REENTRY, LABELS, LIFT_DATE,
    LIFT_REASON, REQUEST_TYPE,
};
use crate::records::read::typed::{as_text, missing_as_null, null_string, scan_typed, utf8_path};
use crate::records::read::xlsx::read_columns;
use crate::records::read::SourceFile;
use crate::records::select::filters::{Filters, Place};
use crate::records::select::grouping::By;
use polars::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The columns read besides the labels and places: the request's type,
/// the lift date and the file's own duplicate answers.
const EXTRAS: [&str; 5] = [REQUEST_TYPE, DETAINER_TYPE, LIFT_DATE, DROP_ROW, EPISODE];

/// The labels counted for a used row, after the date and the places.
const DETAILS: [&str; 6] = [
    COLUMNS[LABELS[0]],
    COLUMNS[LABELS[1]],
    COLUMNS[LABELS[2]],
    COLUMNS[LABELS[3]],
    COLUMNS[LABELS[4]],
    COLUMNS[LABELS[5]],
];

/// A record file of any format as the query's columns: each of [`COLUMNS`]
/// as text (missing as null, and null when the file lacks it), whether the
/// row is short, the file's number, the row's index, and whether the file
/// has a lift reason.
pub(crate) fn lazy_file(file: &SourceFile, short_rows: &[u64]) -> Result<LazyFrame> {
    match file.format() {
        FileFormat::Csv => csv_file(file, short_rows),
        FileFormat::Xlsx => xlsx_file(file),
        format => {
            let (lf, schema) = scan_typed(&file.path, format)?;
            Ok(typed_query(lf, &schema, file))
        }
    }
}

/// Each of [`COLUMNS`] from the file's own columns through `map`: the first
/// of a column's sources a row fills, read by `text`; null when the file
/// lacks the column.
fn canonical(map: &ColumnMap, text: impl Fn(&str) -> Expr) -> Vec<Expr> {
    COLUMNS
        .iter()
        .enumerate()
        .map(|(at, name)| {
            let sources: Vec<Expr> = map.of(at).iter().map(|s| text(s)).collect();
            match sources.len() {
                0 => null_string(),
                1 => sources.into_iter().next().unwrap_or_else(null_string),
                _ => coalesce(&sources),
            }
            .alias(*name)
        })
        .collect()
}

/// The columns every file's query ends with, after [`COLUMNS`].
fn file_columns(file: &SourceFile, short: Expr) -> [Expr; 4] {
    [
        short.alias(SHORT_ROW),
        lit(file.no).alias(FILE_NO),
        col(ROW).cast(DataType::UInt64),
        lit(file.layout.map.has(at::LIFT_REASON)).alias(LIFT_KNOWN),
    ]
}

/// An xlsx workbook's columns read, cell by cell into memory (the workbook
/// reader has no lazy scan), then queried as a typed file is. A workbook
/// without `duplicate_likely` gets it derived by the Deportation Data
/// Project's first rule: `TRUE` where another row has the same person and
/// prepare date (missing without a person).
fn xlsx_file(file: &SourceFile) -> Result<LazyFrame> {
    let map = &file.layout.map;
    let mut wanted: Vec<&str> = map.all_sources().map(String::as_str).collect();
    wanted.dedup();
    let dates: Vec<&str> = map.of(at::DATE).iter().map(String::as_str).collect();
    let df = read_columns(&file.path, &file.layout.sheets, &wanted, &dates)?;
    let schema = df.schema().clone();
    let lf = typed_query(df.lazy(), &schema, file);
    if !file.layout.derives_duplicates {
        return Ok(lf);
    }
    let repeated = len().over([col(DATE), col(ID)])?.gt(lit(1));
    let flag = when(col(ID).is_null())
        .then(null_string())
        .when(repeated)
        .then(lit("TRUE"))
        .otherwise(lit("FALSE"));
    Ok(lf.with_column(flag.alias(DUPLICATE)))
}

/// The query's columns from a file whose columns are typed (or all text, as
/// an xlsx workbook's are read): see [`lazy_file`]. A typed file has no
/// short rows: every row has every column.
fn typed_query(lf: LazyFrame, schema: &Schema, file: &SourceFile) -> LazyFrame {
    let mut columns = canonical(&file.layout.map, |name| as_text(name, schema.get(name)));
    columns.extend(file_columns(file, lit(false)));
    lf.with_row_index(ROW, None).select(columns)
}

fn csv_file(file: &SourceFile, short_rows: &[u64]) -> Result<LazyFrame> {
    let path = file.path.as_path();
    let names = &file.layout.columns;
    let map = &file.layout.map;
    let schema: Schema = names
        .iter()
        .map(|n| Field::new(n.as_str().into(), DataType::String))
        .collect();
    // An absolute path without `..`: polars' chunked reader refuses `..` segments.
    let absolute = path.canonicalize().map_err(|e| Error::io(path, e))?;
    let lf = LazyCsvReader::new(PlRefPath::new(utf8_path(&absolute)?))
        // The path is a file's name, never a pattern: `[` or `*` in it is
        // part of the name.
        .with_glob(false)
        .with_has_header(true)
        .with_separator(file.layout.delimiter.unwrap_or(b','))
        .with_schema(Some(Arc::new(schema)))
        .with_missing_is_null(true)
        // Bytes that are not UTF-8 become U+FFFD instead of failing the
        // whole scan: in a column the analysis ignores they are accepted, as
        // the block engine accepts them; in a used column the query flags
        // the row (REPLACED) and the scan is diagnosed row by row.
        .with_encoding(CsvEncoding::LossyUtf8)
        .finish()
        .map_err(|e| polars_input_error(path, e))?;
    // The rows with fewer fields than the header, found by [`check_rows`]:
    // polars reads a missing field as it reads an empty one.
    let short = if short_rows.is_empty() {
        lit(false)
    } else {
        let rows = Series::new("short".into(), short_rows);
        col(ROW)
            .cast(DataType::UInt64)
            .is_in(lit(rows).implode(false), false)
    };
    // Every field read is missing when empty (quoted or not) or `NA`, as
    // the block engine reads a field.
    let mut columns = canonical(map, |name| missing_as_null(col(name)));
    columns.extend(file_columns(file, short));
    Ok(lf.with_row_index(ROW, None).select(columns))
}

/// Internal column: the prepare date as judged by [`judge_dates`].
const JUDGED_DATE: &str = "_date";

/// [`JUDGED_DATE`] of a date that is not in a form read.
const UNPARSEABLE: i32 = -1;

/// [`JUDGED_DATE`] of a date outside the plausible window.
const IMPLAUSIBLE: i32 = -2;

/// The prepare dates of a batch judged by [`PrepareDate::judge`], the
/// block engine's rule: `yyyymmdd` for a date used, [`UNPARSEABLE`] or
/// [`IMPLAUSIBLE`], null when missing.
pub(crate) fn judge_dates(c: Column) -> PolarsResult<Column> {
    let text = c.str()?;
    let judged: Int32Chunked = text
        .iter()
        .map(|v| match PrepareDate::judge(v) {
            PrepareDate::Missing => None,
            PrepareDate::Unparseable => Some(UNPARSEABLE),
            PrepareDate::Implausible(_) => Some(IMPLAUSIBLE),
            PrepareDate::Date(d) => Some(day_key(d)),
        })
        .collect();
    Ok(judged.with_name(c.name().clone()).into_column())
}

/// Internal column: the date as `yyyymmdd`.
const DAY: &str = "_day";

/// Internal column: the row's date as `yyyymmdd` unless the row is short;
/// its maximum per combination is [`Combination::latest_day`].
const LATEST: &str = "_latest";

/// Internal column: the value of the column `by_area` groups on.
const GROUP: &str = "_by";

/// Internal column: the row is flagged `duplicate_likely`.
const DUPLICATE_FLAG: &str = "_flagged";

/// Internal column: the row is counted in `by_area`.
const IN_BY: &str = "_in_by";

/// Internal key column: a flagged row left for the duplicates policy (see
/// [`crate::records::counts::Pending`]).
const PENDING: &str = "_pending";

/// Internal column: the day of the month of a used or pending row.
const DAY_OF_MONTH: &str = "_day_of_month";

/// Internal key column: the date (`yyyymmdd`) of a pending row.
const PENDING_DAY: &str = "_pending_day";

/// Output column: used rows of a combination on day `d` of the month.
fn day_column(d: u32) -> String {
    format!("_on_{d}")
}

/// Internal column: `unique_identifier`, or null when the file has none.
const PERSON: &str = "_id";

/// Internal column: the file's position in the list given.
pub(crate) const FILE_NO: &str = "_file";

/// Internal column: the row's index in its file.
pub(crate) const ROW: &str = "_row";

/// Internal column: the row's roles in the groups [`Episodes`] finds
/// ([`Roles::code`]; 0 for none).
const EPISODE_NO: &str = "_roles";

/// Internal key column: [`Roles::repeat`] of a row used or counted in
/// `by_area`.
const REPEAT: &str = "_repeat";

/// Internal key column: a pending row is flagged `duplicate_likely`.
const LIKELY: &str = "_likely";

/// Internal key column: days from the prepare date to the lift date
/// ([`lift_days`]), for a used row or one counted in `by_area`.
const LIFT_DAYS: &str = "_lift_days";

/// The columns every stage carries through: [`COLUMNS`] but the person
/// (carried as [`PERSON`]).
fn carried() -> impl Iterator<Item = &'static str> {
    COLUMNS.iter().copied().filter(|c| *c != ID)
}

/// The lift days of a batch of (`yyyymmdd` prepare date, lift date text)
/// pairs, by [`lift_days`].
fn judge_lifts(c: Column) -> PolarsResult<Column> {
    let pairs = c.struct_()?;
    let fields = pairs.fields_as_series();
    let days = fields[0].i32()?;
    let lifts = fields[1].str()?;
    let judged: Int32Chunked = days
        .iter()
        .zip(lifts.iter())
        .map(|(day, lift)| day.and_then(|d| lift_days(d, lift)))
        .collect();
    Ok(judged.with_name(LIFT_DAYS.into()).into_column())
}

/// Internal column: the row's file has a lift-reason column.
const LIFT_KNOWN: &str = "_lift_known";

/// Internal key column: the raw place (area, state, city or facility) that
/// excluded the row.
const PLACE: &str = "_place";

/// Internal column: the row has fewer fields than the header.
const SHORT_ROW: &str = "_short_row";

/// Output column of [`aggregation_query`]: a used column of the row holds
/// U+FFFD, the mark polars leaves for bytes that are not UTF-8 (or a literal
/// U+FFFD in the data, which is valid text).
pub(crate) const REPLACED: &str = "_replaced";

fn polars_input_error(path: &Path, e: PolarsError) -> Error {
    Error::input_caused(path, None, None, "could not read as CSV", e)
}

fn equals_any(column: &str, values: &[String]) -> Expr {
    values.iter().fold(lit(false), |acc, v| {
        acc.or(col(column).eq(lit(v.as_str())).fill_null(lit(false)))
    })
}

/// The polars query: give each row a reason code ([`Exclusion::code`], 0 for
/// a used row) and count rows per reason and labels.
/// Excluded rows keep only the label that excluded them (the area or state,
/// so spacing variants can be found), so the result stays small.
///
/// `rows_seen`, when given, is increased as batches pass through the scan, for a
/// progress display. It is never used for results.
pub(crate) fn aggregation_query(
    files: &[SourceFile],
    short_rows: &[&[u64]],
    filters: &Filters,
    accepted: &Accepted,
    by: Option<By>,
    episodes: &Episodes,
    rows_seen: Option<Arc<AtomicU64>>,
) -> Result<LazyFrame> {
    if files.is_empty() {
        return Err(Error::Argument("no detainer files given".into()));
    }
    let frames = files
        .iter()
        .enumerate()
        .map(|(i, f)| lazy_file(f, short_rows.get(i).copied().unwrap_or_default()))
        .collect::<Result<Vec<_>>>()?;
    let lf = if frames.len() == 1 {
        frames.into_iter().next().unwrap_or_default()
    } else {
        concat(frames, UnionArgs::default())?
    };
    // The date is judged once, in a stage of its own, by the rule the block
    // engine uses ([`PrepareDate`]), and everything else is derived from
    // the judged column (expressions cloned into several places would
    // otherwise judge it once per use).
    let judged = col(DATE)
        .map(judge_dates, |_, f| {
            Ok(Field::new(f.name().clone(), DataType::Int32))
        })
        .alias(JUDGED_DATE);
    let day = when(col(JUDGED_DATE).gt(lit(0)))
        .then(col(JUDGED_DATE))
        .otherwise(lit(NULL).cast(DataType::Int32));
    let year_month = (col(DAY) / lit(100)).cast(DataType::Int32);
    let day_of_month = col(DAY) % lit(100);
    let mut in_dates = lit(true);
    if let Some(from) = filters.from {
        in_dates = in_dates.and(col(DAY).gt_eq(lit(day_key(from))));
    }
    if let Some(to) = filters.to {
        in_dates = in_dates.and(col(DAY).lt_eq(lit(day_key(to))));
    }
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
    let flagged = FLAGGED.map(String::from);
    let likely = equals_any(DUPLICATE, &flagged);
    // A row flagged duplicate_likely, or one of several on its group's
    // first day, waits for the policy with its place in the files
    // ([`Roles::waits`], read from the repeat byte).
    let waits = col(REPEAT).map(
        |c: Column| {
            let waits: BooleanChunked = c
                .u32()?
                .iter()
                .map(|b| Some(repeat_waits(b.unwrap_or(0) as u8)))
                .collect();
            Ok(waits.with_name(REPEAT.into()).into_column())
        },
        |_, _| Ok(Field::new(REPEAT.into(), DataType::Boolean)),
    );
    let flagged = likely.clone().or(waits);
    let mut reason = when(col(SHORT_ROW))
        .then(lit(Exclusion::ShortRow.code()))
        .when(col(DATE).is_null().or(col(DATE).eq(lit(""))))
        .then(lit(Exclusion::MissingDate.code()))
        .when(col(JUDGED_DATE).eq(lit(UNPARSEABLE)))
        .then(lit(Exclusion::UnparseableDate.code()))
        .when(col(JUDGED_DATE).eq(lit(IMPLAUSIBLE)))
        .then(lit(Exclusion::ImplausibleDate.code()))
        .when(in_dates.fill_null(lit(false)).not())
        .then(lit(Exclusion::OutsideDates.code()));
    // The places filtered, in the order a row is tested against them.
    for place in Place::ALL {
        if let Some(values) = accepted.of(place) {
            reason = reason
                .when(equals_any(place_column(place), values).not())
                .then(lit(Exclusion::outside(place).code()));
        }
    }
    let reason = reason.otherwise(lit(0u8));
    let used = || col("reason").eq(lit(0u8));
    // Counted in `by_area`: a used row, or (grouping by area or state) one
    // excluded only by the area or state filter.
    let in_by = match by {
        None => lit(false),
        Some(by) if by.sets_area_filters_aside() => used()
            .or(col("reason").eq(lit(Exclusion::OutsideAor.code())))
            .or(col("reason").eq(lit(Exclusion::OutsideState.code()))),
        Some(_) => used(),
    };
    // A flagged row that is used or counted in `by_area` is left for the
    // duplicates policy, with its person, its date and its place in the files.
    let pending_row = col(DUPLICATE_FLAG).and(used().or(col(IN_BY)));
    let pending = || col(PENDING);
    let keep = |name: &str| {
        when(used())
            .then(col(name))
            .otherwise(null_string())
            .alias(name)
    };
    // The place that excluded a row, kept so that a spelling of a filtered
    // label can be found.
    let outside = |p: Place| col("reason").eq(lit(Exclusion::outside(p).code()));
    let [aor, state, city, facility] = Place::ALL;
    let place = when(outside(aor))
        .then(col(place_column(aor)))
        .when(outside(state))
        .then(col(place_column(state)))
        .when(outside(city))
        .then(col(place_column(city)))
        .when(outside(facility))
        .then(col(place_column(facility)))
        .otherwise(null_string());
    let places: Vec<&str> = Place::ALL.iter().map(|p| place_column(*p)).collect();
    let group = match by {
        Some(by) => col(place_column(by.place())),
        None => null_string(),
    };
    let raw_columns = || {
        [SHORT_ROW, FILE_NO, ROW, LIFT_KNOWN, PERSON, GROUP]
            .into_iter()
            .chain(carried())
            .map(col)
            .collect::<Vec<_>>()
    };
    let replaced = carried()
        .chain([PERSON, GROUP])
        .fold(lit(false), |acc, name| {
            acc.or(col(name)
                .cast(DataType::Binary)
                .binary()
                .contains_literal(lit("\u{FFFD}".as_bytes()))
                .fill_null(lit(false)))
        });
    let mut stage0: Vec<Expr> = [SHORT_ROW, FILE_NO, ROW, LIFT_KNOWN]
        .into_iter()
        .chain(carried())
        .map(col)
        .collect();
    stage0.push(col(ID).alias(PERSON));
    stage0.push(group.alias(GROUP));
    let mut stage1 = raw_columns();
    stage1.push(judged);
    stage1.push(replaced.alias(REPLACED));
    let mut stage2a = raw_columns();
    stage2a.push(col(REPLACED));
    stage2a.push(col(JUDGED_DATE));
    stage2a.push(day.alias(DAY));
    let mut stage2 = raw_columns();
    stage2.push(col(REPLACED));
    stage2.push(col(JUDGED_DATE));
    stage2.push(col(DAY));
    stage2.push(year_month.alias("year_month"));
    stage2.push(day_of_month.alias(DAY_OF_MONTH));
    stage2.push(
        as_struct(vec![col(DAY), col(LIFT_DATE)])
            .map(judge_lifts, |_, _| {
                Ok(Field::new(LIFT_DAYS.into(), DataType::Int32))
            })
            .alias(LIFT_DAYS),
    );
    let mut stage3 = vec![
        reason.alias("reason"),
        col(REPLACED),
        col(DAY),
        col("year_month"),
        col(DAY_OF_MONTH),
        col(PERSON),
        col(GROUP),
        col(FILE_NO),
        col(ROW),
        col(LIFT_KNOWN),
        flagged.alias(DUPLICATE_FLAG),
        likely.alias(LIKELY),
        col(EPISODE_NO),
        col(REPEAT),
        col(LIFT_DAYS),
    ];
    stage3.extend(places.iter().map(|&name| col(name)));
    stage3.extend(EXTRAS.iter().map(|&name| col(name)));
    stage3.extend(DETAILS.iter().map(|&name| {
        if name == DUPLICATE {
            duplicate.clone().alias(DUPLICATE)
        } else {
            col(name)
        }
    }));
    // The reason decided: whether the row counts in `by_area`, then whether
    // it waits for the duplicates policy.
    let decided: Vec<&str> = [
        "reason",
        REPLACED,
        DAY,
        "year_month",
        DAY_OF_MONTH,
        PERSON,
        GROUP,
        FILE_NO,
        ROW,
        LIFT_KNOWN,
        DUPLICATE_FLAG,
        LIKELY,
        EPISODE_NO,
        REPEAT,
        LIFT_DAYS,
    ]
    .into_iter()
    .chain(places.iter().copied())
    .chain(DETAILS.iter().copied())
    .chain(EXTRAS.iter().copied())
    .collect();
    let mut stage3b: Vec<Expr> = decided.iter().map(|&name| col(name)).collect();
    stage3b.push(in_by.alias(IN_BY));
    let mut stage3c: Vec<Expr> = decided.iter().map(|&name| col(name)).collect();
    stage3c.push(col(IN_BY));
    stage3c.push(pending_row.alias(PENDING));
    let mut stage4 = vec![
        col("reason"),
        col(PENDING),
        col(IN_BY),
        col(REPLACED),
        col(LIFT_KNOWN),
        when(used())
            .then(col("year_month"))
            .otherwise(lit(NULL).cast(DataType::Int32))
            .alias("year_month"),
        when(used())
            .then(col(DAY_OF_MONTH))
            .otherwise(lit(NULL).cast(DataType::Int32))
            .alias(DAY_OF_MONTH),
        when(pending())
            .then(col(DAY))
            .otherwise(lit(NULL).cast(DataType::Int32))
            .alias(PENDING_DAY),
        when(col("reason").eq(lit(Exclusion::ShortRow.code())))
            .then(lit(NULL).cast(DataType::Int32))
            .otherwise(col(DAY))
            .alias(LATEST),
        place.alias(PLACE),
    ];
    stage4.extend(DETAILS.iter().map(|&name| {
        if name == LIFT_REASON {
            when(used().or(col(IN_BY)))
                .then(col(name))
                .otherwise(null_string())
                .alias(name)
        } else {
            keep(name)
        }
    }));
    stage4.push(
        when(col(IN_BY))
            .then(col(GROUP))
            .otherwise(null_string())
            .alias(GROUP),
    );
    // The request's type and the lift's days, for a row used or counted in
    // `by_area`.
    for name in [REQUEST_TYPE, DETAINER_TYPE] {
        stage4.push(
            when(used().or(col(IN_BY)))
                .then(col(name))
                .otherwise(null_string())
                .alias(name),
        );
    }
    stage4.push(
        when(used().or(col(IN_BY)))
            .then(col(REPEAT))
            .otherwise(lit(0u32).cast(DataType::UInt32))
            .alias(REPEAT),
    );
    stage4.push(
        when(used().or(col(IN_BY)))
            .then(col(LIFT_DAYS))
            .otherwise(lit(NULL).cast(DataType::Int32))
            .alias(LIFT_DAYS),
    );
    // What the duplicates policies decide a pending row on.
    stage4.push(
        when(pending())
            .then(col(LIKELY))
            .otherwise(lit(NULL).cast(DataType::Boolean))
            .alias(LIKELY),
    );
    stage4.push(
        when(pending())
            .then(col(EPISODE_NO))
            .otherwise(lit(NULL).cast(DataType::UInt64))
            .alias(EPISODE_NO),
    );
    stage4.push(
        when(pending())
            .then(col(PERSON))
            .otherwise(null_string())
            .alias(PERSON),
    );
    for (name, kind) in [(FILE_NO, DataType::UInt32), (ROW, DataType::UInt64)] {
        stage4.push(
            when(pending())
                .then(col(name))
                .otherwise(lit(NULL).cast(kind))
                .alias(name),
        );
    }
    let keys: Vec<Expr> = [
        "reason",
        PENDING,
        IN_BY,
        REPLACED,
        LIFT_KNOWN,
        "year_month",
        PENDING_DAY,
        GROUP,
        PERSON,
        FILE_NO,
        ROW,
        PLACE,
        REQUEST_TYPE,
        DETAINER_TYPE,
        LIFT_DAYS,
        EPISODE_NO,
        LIKELY,
        REPEAT,
    ]
    .iter()
    .chain(DETAILS.iter())
    .map(|&name| col(name))
    .collect();
    // Rows, the latest date, and used rows per day of the month (so a count
    // up to any date can be taken after the scan without a group per day).
    let mut aggregations = vec![len().alias("rows"), col(LATEST).max().alias(LATEST)];
    aggregations.extend((1..=31).map(|d| {
        col(DAY_OF_MONTH)
            .eq(lit(d as i32))
            .fill_null(lit(false))
            .sum()
            .alias(day_column(d))
    }));
    // The row's roles in the groups [`Episodes`] found, looked up by the
    // rule the block engine uses.
    let roles = if episodes.is_empty() {
        lit(0u64).cast(DataType::UInt64)
    } else {
        let episodes = episodes.clone();
        as_struct(vec![
            col(PERSON),
            col(DAY),
            col(DETAINER_TYPE),
            col(FACILITY),
            col(EPISODE),
        ])
        .map(
            move |c: Column| {
                let s = c.struct_()?;
                let f = s.fields_as_series();
                let (person, day) = (f[0].str()?, f[1].i32()?);
                let (kind, facility, episode) = (f[2].str()?, f[3].str()?, f[4].str()?);
                let codes: UInt64Chunked = (0..c.len())
                    .map(|i| {
                        let (Some(id), Some(d)) = (person.get(i), day.get(i)) else {
                            return Some(0);
                        };
                        let r = episodes.roles(id, d, kind.get(i), facility.get(i), episode.get(i));
                        Some(r.code())
                    })
                    .collect();
                Ok(codes.with_name(EPISODE_NO.into()).into_column())
            },
            |_, _| Ok(Field::new(EPISODE_NO.into(), DataType::UInt64)),
        )
    };
    // The classes and the drop flag in one byte ([`Roles::repeat`]).
    let repeat = as_struct(vec![col(EPISODE_NO), col(DROP_ROW)])
        .map(
            |c: Column| {
                let s = c.struct_()?;
                let f = s.fields_as_series();
                let (codes, drops) = (f[0].u64()?, f[1].str()?);
                // A u32 column: polars is built without its 8-bit types.
                let bytes: UInt32Chunked = codes
                    .iter()
                    .zip(drops.iter())
                    .map(|(code, drop)| {
                        Some(u32::from(
                            Roles::of_code(code.unwrap_or(0)).repeat(drop.map(is_flagged)),
                        ))
                    })
                    .collect();
                Ok(bytes.with_name(REPEAT.into()).into_column())
            },
            |_, _| Ok(Field::new(REPEAT.into(), DataType::UInt32)),
        )
        .alias(REPEAT);
    let lf = lf
        .select(stage0)
        .select(stage1)
        .select(stage2a)
        .select(stage2)
        .with_column(roles.alias(EPISODE_NO))
        .with_column(repeat);
    Ok(lf
        .select(stage3)
        .select(stage3b)
        .select(stage3c)
        .select(stage4)
        .group_by(keys)
        .agg(aggregations))
}

fn scan_error(files: &[SourceFile], e: PolarsError) -> Error {
    let names: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    let file = if files.len() == 1 {
        files[0].path.clone()
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
    let format = match files.first().map(|f| f.format()) {
        Some(first) if files.iter().all(|f| f.format() == first) => first.name(),
        _ => "CSV, Parquet, IPC or xlsx",
    };
    Error::input_caused(
        &file,
        None,
        None,
        format!("could not read as {format}{hint}"),
        e,
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
    let flags = |name: &str| -> Result<Vec<bool>> {
        Ok(df
            .column(name)?
            .bool()?
            .iter()
            .map(|v| v.unwrap_or(false))
            .collect())
    };
    let codes = int_column("reason")?;
    let pending_flags = flags(PENDING)?;
    let groups = string_values(df, GROUP)?;
    let in_by = flags(IN_BY)?;
    let person = string_values(df, PERSON)?;
    let file_no: Vec<Option<u32>> = df
        .column(FILE_NO)?
        .cast(&DataType::UInt32)?
        .u32()?
        .iter()
        .collect();
    let row: Vec<Option<u64>> = df
        .column(ROW)?
        .cast(&DataType::UInt64)?
        .u64()?
        .iter()
        .collect();
    let year_month = int_column("year_month")?;
    let pending_day = int_column(PENDING_DAY)?;
    let day_columns = (1..=31)
        .map(|d| {
            let c = df.column(&day_column(d))?.cast(&DataType::UInt64)?;
            Ok(c.u64()?
                .iter()
                .map(|v| v.unwrap_or(0))
                .collect::<Vec<u64>>())
        })
        .collect::<Result<Vec<_>>>()?;
    let latest_day = int_column(LATEST)?;
    let rows_col = df.column("rows")?.cast(&DataType::UInt64)?;
    let rows: Vec<u64> = rows_col.u64()?.iter().map(|v| v.unwrap_or(0)).collect();
    let lift_known = flags(LIFT_KNOWN)?;
    let lift_days = int_column(LIFT_DAYS)?;
    let likely = flags(LIKELY)?;
    let repeat: Vec<u8> = df
        .column(REPEAT)?
        .cast(&DataType::UInt32)?
        .u32()?
        .iter()
        .map(|v| v.unwrap_or(0) as u8)
        .collect();
    let roles: Vec<Roles> = df
        .column(EPISODE_NO)?
        .cast(&DataType::UInt64)?
        .u64()?
        .iter()
        .map(|v| Roles::of_code(v.unwrap_or(0)))
        .collect();
    let mut text: BTreeMap<&str, Vec<Option<String>>> = BTreeMap::new();
    let more = [PLACE, REQUEST_TYPE, DETAINER_TYPE];
    for name in DETAILS.iter().chain(more.iter()) {
        text.insert(name, string_values(df, name)?);
    }
    let mut take = |name: &str, i: usize| text.get_mut(name).and_then(|v| v[i].take());
    let mut out = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let code = codes[i].unwrap_or(0) as u8;
        let pending = if pending_flags[i] {
            Some(Box::new(Pending {
                id: person[i].clone(),
                day: pending_day[i].unwrap_or(0),
                order: (file_no[i].unwrap_or(0), row[i].unwrap_or(0), 0),
                episode: roles[i].episode,
                file_role: roles[i].file,
                flagged: likely[i],
            }))
        } else {
            None
        };
        out.push(Combination {
            reason: Exclusion::from_code(code),
            year_month: year_month[i],
            days: (1..=31u8)
                .zip(day_columns.iter().map(|c| c[i]))
                .filter(|(_, n)| *n > 0)
                .collect(),
            latest_day: latest_day[i],
            place: take(PLACE, i),
            lift_known: lift_known[i],
            case_category: take(CASE_CATEGORY, i),
            entry_status: take(ENTRY_STATUS, i),
            final_order: take(FINAL_ORDER, i),
            illegal_reentry: take(ILLEGAL_REENTRY, i),
            lift_reason: take(LIFT_REASON, i),
            duplicate: take(DUPLICATE, i),
            request_type: take(REQUEST_TYPE, i),
            detainer_type: take(DETAINER_TYPE, i),
            repeat: repeat[i],
            lifts: lift_days[i].map(|d| vec![(d, rows[i])]).unwrap_or_default(),
            rows: rows[i],
            in_by: in_by[i],
            by: groups[i].clone(),
            pending,
        });
    }
    Ok(out)
}

/// Count the combinations in `files` with the polars query. polars says
/// neither which line nor which column broke, and replaces bytes that are not
/// UTF-8 (flagged in [`REPLACED`]): either way, `diagnose` reads the files
/// again row by row, which finds the first problem and names it as the block
/// engine does.
pub(crate) fn count_files(
    files: &[SourceFile],
    filters: &Filters,
    accepted: &Accepted,
    by: Option<By>,
    episodes: &Episodes,
    rows_seen: Option<Arc<AtomicU64>>,
    diagnose: impl Fn() -> Result<()>,
) -> Result<Vec<Combination>> {
    // polars accepts some malformed quoting the block engine refuses (and
    // reads it differently): the files' quoting is checked first. A file
    // that fails is read row by row, so the error named is the first
    // problem in the file (an earlier bad byte, say), as the block engine
    // names it.
    let mut short_rows: Vec<Vec<u64>> = Vec::with_capacity(files.len());
    for f in files {
        if f.format() != FileFormat::Csv {
            short_rows.push(Vec::new());
            continue;
        }
        let delimiter = f.layout.delimiter.unwrap_or(b',');
        match check_rows(&f.path, delimiter, f.layout.columns.len()) {
            Ok(rows) => short_rows.push(rows),
            Err(e) => {
                diagnose()?;
                return Err(e);
            }
        }
    }
    let short: Vec<&[u64]> = short_rows.iter().map(Vec::as_slice).collect();
    let query = aggregation_query(files, &short, filters, accepted, by, episodes, rows_seen)?;
    match query
        .collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
    {
        Err(e) => {
            diagnose()?;
            Err(scan_error(files, e))
        }
        Ok(df) => {
            if df.column(REPLACED)?.bool()?.any() {
                diagnose()?;
            }
            combinations_from_frame(&df)
        }
    }
}
