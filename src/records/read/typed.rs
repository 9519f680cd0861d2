//! Parquet and Arrow IPC (Feather v2) record files, as the Deportation
//! Data Project publishes them: scanned lazily by polars (only the columns
//! used are read), with every typed column turned into the text a CSV export
//! holds, so the rules downstream never see a format.

use crate::error::{Error, Result};
use crate::records::read::formats::FileFormat;
use crate::records::read::layouts::ColumnMap;
use polars::prelude::*;
use std::path::Path;

/// Path as a string for polars (which takes UTF-8 paths).
pub(crate) fn utf8_path(path: &Path) -> Result<&str> {
    path.to_str()
        .ok_or_else(|| Error::input(path, None, None, "the file name is not valid UTF-8"))
}

/// A Parquet or IPC file, scanned lazily: polars reads only the columns the
/// query uses. Globbing and hive partitions are off, so the path is taken
/// as it is written.
pub(crate) fn scan_typed(path: &Path, format: FileFormat) -> Result<(LazyFrame, SchemaRef)> {
    let absolute = path.canonicalize().map_err(|e| Error::io(path, e))?;
    let at = PlRefPath::new(utf8_path(&absolute)?);
    let unreadable = |e: PolarsError| {
        Error::input_caused(
            path,
            None,
            None,
            format!("could not read as {}", format.name()),
            e,
        )
    };
    let mut lf = match format {
        FileFormat::Parquet => LazyFrame::scan_parquet(
            at,
            ScanArgsParquet {
                glob: false,
                hive_options: HiveOptions::new_disabled(),
                ..Default::default()
            },
        ),
        _ => LazyFrame::scan_ipc(
            at,
            IpcScanOptions::default(),
            UnifiedScanArgs {
                glob: false,
                hive_options: HiveOptions::new_disabled(),
                ..Default::default()
            },
        ),
    }
    .map_err(unreadable)?;
    let schema = lf.collect_schema().map_err(unreadable)?;
    Ok((lf, schema))
}

/// The schema of a Parquet or IPC file (its footer only).
///
/// # Errors
/// [`Error::Input`] naming the file for one polars cannot read.
pub(crate) fn typed_schema(path: &Path, format: FileFormat) -> Result<SchemaRef> {
    Ok(scan_typed(path, format)?.1)
}

/// Check that none of the columns `map` reads holds nested values (a
/// struct, a list, an array, a map), and that the prepare date is a date,
/// a timestamp, or text in any of Arrow's forms.
///
/// # Errors
/// [`Error::Input`] naming the file and the column that holds something
/// else.
pub(crate) fn check_column_types(path: &Path, schema: &Schema, map: &ColumnMap) -> Result<()> {
    for (at, sources) in map.sources.iter().enumerate() {
        for name in sources {
            let Some(dtype) = schema.get(name) else {
                continue;
            };
            if dtype.is_nested() {
                return Err(Error::input(
                    path,
                    None,
                    Some(name),
                    format!("holds nested values ({dtype}), not text or dates; write one value per cell"),
                ));
            }
            if at == 0 && !is_text(dtype) && !is_date(dtype) {
                return Err(Error::input(
                    path,
                    None,
                    Some(name),
                    format!("holds {dtype} values, not dates or text; write it as a date column"),
                ));
            }
        }
    }
    Ok(())
}

/// Text in any of the forms Arrow writers use: plain, large or view strings
/// (all read as polars' strings), dictionary-encoded text (R's factors, read
/// as categoricals), or a column of nothing but nulls.
fn is_text(dtype: &DataType) -> bool {
    matches!(
        dtype,
        DataType::String | DataType::Categorical(..) | DataType::Enum(..) | DataType::Null
    )
}

/// A date or a timestamp of any unit and time zone.
fn is_date(dtype: &DataType) -> bool {
    matches!(dtype, DataType::Date | DataType::Datetime(..))
}

/// A typed column as the text a CSV export holds: a date as `YYYY-MM-DD`, a
/// timestamp as its date where it was taken (in its own time zone, when it
/// has one), a boolean as `TRUE` or `FALSE`, dictionary-encoded text as its
/// text, a column of nulls as missing, anything else cast to text; empty
/// and `NA` as missing, as in CSV.
pub(crate) fn as_text(name: &str, dtype: Option<&DataType>) -> Expr {
    let c = col(name);
    let text = match dtype {
        Some(DataType::String) => c,
        Some(DataType::Null) => null_string(),
        Some(d) if is_date(d) => c.dt().strftime("%Y-%m-%d"),
        Some(DataType::Boolean) => when(c.clone().is_null())
            .then(null_string())
            .when(c)
            .then(lit("TRUE"))
            .otherwise(lit("FALSE")),
        _ => c.cast(DataType::String),
    };
    missing_as_null(text)
}

/// Empty, only white space (as `str::trim` reads it) and `NA` as null.
pub(crate) fn missing_as_null(e: Expr) -> Expr {
    let blank = e.clone().str().strip_chars(null_string()).eq(lit(""));
    when(blank.or(e.clone().eq(lit("NA"))))
        .then(null_string())
        .otherwise(e)
}

pub(crate) fn null_string() -> Expr {
    lit(NULL).cast(DataType::String)
}
