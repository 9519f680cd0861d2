//! A record file rewritten in the other formats the records are published
//! in, for the generator (`detainers generate --format`) and the tests that
//! hold every format to the same results:
//!
//! - **Parquet** and **Arrow IPC** (Feather v2) as the Deportation Data
//!   Project writes them: typed columns (`duplicate_likely` a boolean, whole
//!   numbers as integers), missing values as nulls, no R index column. The
//!   dates stay text, because a generated file holds unparseable dates on
//!   purpose and a date column cannot hold them.
//! - **xlsx** as ICE releases it: six rows of preamble, then a header in
//!   title case ("Detainer Prepare Date") on row 7, dates as Excel dates
//!   (text where a date does not parse), numbers as numbers, missing values
//!   as empty cells.
//!
//! Each is written to a temporary file beside the target and renamed into
//! place, so an error leaves no partial file (a killed process can leave a
//! hidden `.partial` file beside the target).

use crate::error::{Error, Result};
use crate::records::read::dates::parse_date_text;
use crate::records::read::formats::FileFormat;
use crate::records::read::layouts::bundled_layouts;
use crate::records::read::layouts::clean_name;
use crate::records::read::schema::{DATE, DUPLICATE, FLAGGED};
use crate::render::output::write_atomically;
use polars::prelude::*;
use std::path::Path;

/// Rows of preamble above the header in a release-style workbook.
pub const PREAMBLE_ROWS: u32 = 6;

/// Columns written as dates in a workbook (when their text parses).
const DATE_COLUMNS: [&str; 7] = [
    DATE,
    "departed_date",
    "msc_charge_date",
    "msc_conviction_date",
    "final_order_date",
    "apprehension_date",
    "entry_date",
];

/// Columns written as whole numbers.
const NUMBER_COLUMNS: [&str; 5] = [
    "birth_year",
    "msc_sentence_days",
    "msc_sentence_months",
    "msc_sentence_years",
    "row_original",
];

/// Words ICE's headers write in capitals.
const ACRONYMS: [&str; 6] = ["aor", "msc", "eid", "dta", "id", "tod"];

/// A snake_case column name as a release header: `facility_aor` as
/// `Facility AOR`. Cleaning it ([`crate::records::clean_name`]) gives
/// the name back.
pub fn title_case(name: &str) -> String {
    name.split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            if ACRONYMS.contains(&w) {
                w.to_ascii_uppercase()
            } else {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}

/// The records of a CSV record file as text columns (`NA` and empty as
/// null), without the unnamed R index column: the frame the typed formats
/// are written from.
///
/// # Errors
/// [`Error::Input`] naming the file polars cannot read.
pub fn record_text_frame(csv: &Path) -> Result<DataFrame> {
    let fail = |e: PolarsError| Error::input(csv, None, None, format!("could not read: {e}"));
    let df = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .map_parse_options(|o| {
            o.with_null_values(Some(NullValues::AllColumnsSingle("NA".into())))
                .with_missing_is_null(true)
        })
        .try_into_reader_with_file_path(Some(csv.to_path_buf()))
        .map_err(fail)?
        .finish()
        .map_err(fail)?;
    match df.get_column_names().first().map(|n| n.to_string()) {
        Some(first) if first.is_empty() => df.drop(&first).map_err(fail),
        _ => Ok(df),
    }
}

/// The text frame typed as the Deportation Data Project types its files.
fn typed_frame(df: DataFrame) -> Result<DataFrame> {
    // `NA` stays null; `TRUE` is read in any of the cases the analysis reads.
    let flagged = FLAGGED
        .into_iter()
        .fold(lit(false), |acc, t| acc.or(col(DUPLICATE).eq(lit(t))));
    let mut columns = Vec::new();
    if df.column(DUPLICATE).is_ok() {
        columns.push(
            when(col(DUPLICATE).is_null())
                .then(lit(NULL).cast(DataType::Boolean))
                .otherwise(flagged)
                .alias(DUPLICATE),
        );
    }
    for name in NUMBER_COLUMNS {
        if df.column(name).is_ok() {
            columns.push(col(name).cast(DataType::Int32).alias(name));
        }
    }
    df.lazy()
        .with_columns(columns)
        .collect()
        .map_err(|e| Error::Argument(format!("could not type the generated records: {e}")))
}

/// Rewrite the CSV record file `csv` as `format` at `out` (atomically).
///
/// # Errors
/// [`Error::Io`] or [`Error::Input`] naming the file that could not be read
/// or written.
pub fn convert_records(csv: &Path, out: &Path, format: FileFormat) -> Result<()> {
    match format {
        FileFormat::Csv => write_atomically(out, |tmp| {
            std::fs::copy(csv, tmp).map_err(|e| Error::io(tmp, e))?;
            Ok(())
        }),
        FileFormat::Parquet | FileFormat::Ipc => {
            let mut df = typed_frame(record_text_frame(csv)?)?;
            write_atomically(out, |tmp| {
                let file = std::fs::File::create(tmp).map_err(|e| Error::io(tmp, e))?;
                let fail = |e: PolarsError| Error::input(out, None, None, format!("{e}"));
                if format == FileFormat::Parquet {
                    ParquetWriter::new(file).finish(&mut df).map_err(fail)?;
                } else {
                    IpcWriter::new(file)
                        .with_compression(Some(IpcCompression::LZ4))
                        .finish(&mut df)
                        .map_err(fail)?;
                }
                Ok(())
            })
        }
        FileFormat::Xlsx => write_atomically(out, |tmp| write_workbook(csv, tmp, out)),
    }
}

fn xlsx_error(path: &Path, e: rust_xlsxwriter::XlsxError) -> Error {
    Error::input(
        path,
        None,
        None,
        format!("could not write the workbook: {e}"),
    )
}

/// Rows a worksheet holds (Excel's limit).
pub(crate) const SHEET_ROWS: u32 = 1_048_576;

/// Write the records of `csv` as a release-style workbook at `tmp`, one row
/// in memory at a time; errors name `target`, the file being made.
fn write_workbook(csv: &Path, tmp: &Path, target: &Path) -> Result<()> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| xlsx_error(target, e);
    let mut reader = csv::ReaderBuilder::new()
        .from_path(csv)
        .map_err(|e| Error::input(csv, None, None, e.to_string()))?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| Error::input(csv, Some(1), None, e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect();
    // The R index column is not in ICE's workbook.
    let kept: Vec<usize> = (0..header.len())
        .filter(|&i| !header[i].is_empty())
        .collect();
    let mut book = Workbook::new();
    book.set_zip_compression_level(1);
    let dates = Format::new().set_num_format("yyyy-mm-dd");
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet_with_constant_memory().map_err(fail)?;
    sheet.set_name("Detainers").map_err(fail)?;
    let preamble = [
        "Immigration and Customs Enforcement",
        "Detainers (synthetic records written by `detainers generate`; not real data)",
        "",
        "Laid out as ICE's release workbook is: six rows of preamble, then the header.",
        "",
        "",
    ];
    for (r, text) in preamble.iter().enumerate() {
        if !text.is_empty() {
            sheet.write_string(r as u32, 0, *text).map_err(fail)?;
        }
    }
    for (c, &i) in kept.iter().enumerate() {
        sheet
            .write_string_with_format(PREAMBLE_ROWS, c as u16, title_case(&header[i]), &bold)
            .map_err(fail)?;
    }
    // A layout's own name for the prepare date is a date column too.
    let prepare_dates: Vec<String> = bundled_layouts()
        .iter()
        .flat_map(|l| l.sources[0].iter().map(|n| clean_name(n)))
        .collect();
    let kinds: Vec<u8> = kept
        .iter()
        .map(|&i| {
            let name = header[i].as_str();
            if DATE_COLUMNS.contains(&name) || prepare_dates.contains(&clean_name(name)) {
                b'd'
            } else if NUMBER_COLUMNS.contains(&name) {
                b'n'
            } else if name == DUPLICATE {
                b'b'
            } else {
                b's'
            }
        })
        .collect();
    let mut record = csv::StringRecord::new();
    let mut row = PREAMBLE_ROWS;
    loop {
        let more = reader.read_record(&mut record).map_err(|e| {
            let line = e.position().map(|p| p.line());
            Error::input(csv, line, None, e.to_string())
        })?;
        if !more {
            break;
        }
        row += 1;
        if row >= SHEET_ROWS {
            return Err(Error::input(
                target,
                None,
                None,
                format!(
                    "a worksheet holds at most {SHEET_ROWS} rows, {} of them the preamble and header: write fewer rows, or another format",
                    PREAMBLE_ROWS + 1
                ),
            ));
        }
        for (c, (&i, &kind)) in kept.iter().zip(&kinds).enumerate() {
            let c = c as u16;
            let text = record.get(i).unwrap_or("");
            if text == "NA" || text.is_empty() {
                continue;
            }
            match kind {
                b'd' => {
                    // A date Excel cannot hold (before 1900) stays text.
                    let day = parse_date_text(text).and_then(|d| {
                        use chrono::Datelike;
                        let year = u16::try_from(d.year()).ok()?;
                        ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8).ok()
                    });
                    match day {
                        Some(day) => {
                            sheet
                                .write_datetime_with_format(row, c, &day, &dates)
                                .map_err(fail)?;
                        }
                        None => {
                            sheet.write_string(row, c, text).map_err(fail)?;
                        }
                    }
                }
                b'n' => match text.parse::<f64>() {
                    Ok(x) => {
                        sheet.write_number(row, c, x).map_err(fail)?;
                    }
                    Err(_) => {
                        sheet.write_string(row, c, text).map_err(fail)?;
                    }
                },
                b'b' if text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false") => {
                    sheet
                        .write_boolean(row, c, text.eq_ignore_ascii_case("true"))
                        .map_err(fail)?;
                }
                _ => {
                    sheet.write_string(row, c, text).map_err(fail)?;
                }
            }
        }
    }
    book.save(tmp).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::read::layouts::clean_name;
    use crate::records::synthetic::generate::COLUMNS;

    #[test]
    fn title_case_headers_clean_back_to_the_names() {
        assert_eq!(title_case("facility_aor"), "Facility AOR");
        assert_eq!(title_case("detainer_prepare_date"), "Detainer Prepare Date");
        assert_eq!(title_case("msc_sentence_days"), "MSC Sentence Days");
        for name in COLUMNS.iter().filter(|c| !c.is_empty()) {
            assert_eq!(clean_name(&title_case(name)), *name);
        }
    }
}
