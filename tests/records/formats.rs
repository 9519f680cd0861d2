//! Record files as they are published: the same records written as CSV,
//! Parquet and Arrow IPC (Feather v2) give the same results (the files read
//! aside), from both engines, under each duplicates policy; a typed file's
//! errors name the file and the column.

use detainers::polars::prelude::*;
use detainers::records::{detect_format, record_text_frame, resolve_aor, PREAMBLE_ROWS};
use detainers::{
    generate_file, generate_file_as, By, Duplicates, FileFormat, Filters, RecordResults,
    ScanEngine, Size,
};
use std::path::{Path, PathBuf};

/// A CSV record file with every column as text (`NA` and empty as missing),
/// without the unnamed R index column.
fn as_frame(csv: &Path) -> DataFrame {
    record_text_frame(csv).unwrap()
}

/// Type the frame as the Deportation Data Project's files are typed: the
/// duplicate flag as a boolean and, when `dates`, the prepare date as a date.
fn typed(df: DataFrame, dates: bool) -> DataFrame {
    let mut columns = vec![col("duplicate_likely")
        .eq(lit("TRUE"))
        .alias("duplicate_likely")];
    if dates {
        columns.push(
            col("detainer_prepare_date")
                .str()
                .to_date(StrptimeOptions {
                    format: Some("%Y-%m-%d".into()),
                    strict: true,
                    exact: true,
                    cache: true,
                })
                .alias("detainer_prepare_date"),
        );
    }
    df.lazy().with_columns(columns).collect().unwrap()
}

fn write_parquet(df: &DataFrame, path: &Path) {
    let file = std::fs::File::create(path).unwrap();
    ParquetWriter::new(file).finish(&mut df.clone()).unwrap();
}

fn write_ipc(df: &DataFrame, path: &Path) {
    let file = std::fs::File::create(path).unwrap();
    IpcWriter::new(file).finish(&mut df.clone()).unwrap();
}

/// Results with the files read left out (and the names of the files that
/// lack a column).
fn without_files(mut r: RecordResults) -> RecordResults {
    r.files.clear();
    r.missing_columns.iter_mut().for_each(|m| m.files.clear());
    r
}

fn run(files: &[PathBuf], filters: &Filters, engine: ScanEngine, by: Option<By>) -> RecordResults {
    without_files(crate::util::run_engine_by(engine, files, filters, by).unwrap())
}

#[test]
fn the_same_records_give_the_same_results_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("records.csv");
    generate_file(&csv, Size::Rows(20_000), 31).unwrap();
    // The generated file has unparseable dates, which a date column cannot
    // hold: its dates stay text, as a CSV export has them.
    let df = typed(as_frame(&csv), false);
    // The names say nothing: the bytes decide the format.
    let parquet = dir.path().join("records.parquet.csv");
    let ipc = dir.path().join("records.feather");
    write_parquet(&df, &parquet);
    write_ipc(&df, &ipc);
    let boston = Filters {
        aor: Some(resolve_aor("BOS").unwrap().into()),
        ..Filters::default()
    };
    for policy in crate::util::ROW_POLICIES {
        for (filters, by) in [(Filters::default(), None), (boston.clone(), Some(By::Aor))] {
            let filters = Filters {
                duplicates: policy,
                ..filters
            };
            let expected = run(std::slice::from_ref(&csv), &filters, ScanEngine::Blocks, by);
            assert!(expected.rows_used > 0);
            for engine in [ScanEngine::Blocks, ScanEngine::Polars] {
                for file in [&parquet, &ipc] {
                    let got = run(std::slice::from_ref(file), &filters, engine, by);
                    assert_eq!(got, expected, "{file:?} {engine:?} {policy:?} {by:?}");
                }
                // Several files of different formats read as one.
                let mixed = run(&[csv.clone(), ipc.clone()], &filters, engine, by);
                let twice = run(
                    &[csv.clone(), csv.clone()],
                    &filters,
                    ScanEngine::Blocks,
                    by,
                );
                assert_eq!(mixed, twice, "{engine:?} {policy:?} {by:?}");
            }
        }
    }
}

#[test]
fn date_and_boolean_columns_read_as_their_csv_text() {
    let dir = tempfile::tempdir().unwrap();
    let csv = crate::util::fixture("records/pairs.csv");
    let df = typed(as_frame(&csv), true);
    assert_eq!(
        df.column("detainer_prepare_date").unwrap().dtype(),
        &DataType::Date
    );
    let parquet = dir.path().join("pairs.parquet");
    let ipc = dir.path().join("pairs.arrow");
    write_parquet(&df, &parquet);
    write_ipc(&df, &ipc);
    for policy in crate::util::ROW_POLICIES {
        let filters = Filters {
            duplicates: policy,
            ..Filters::default()
        };
        let expected = run(
            std::slice::from_ref(&csv),
            &filters,
            ScanEngine::Blocks,
            None,
        );
        for engine in [ScanEngine::Blocks, ScanEngine::Polars] {
            for file in [&parquet, &ipc] {
                let got = run(std::slice::from_ref(file), &filters, engine, None);
                assert_eq!(got, expected, "{file:?} {engine:?} {policy:?}");
            }
        }
    }
}

#[test]
fn a_typed_file_without_the_area_reads_and_an_area_filter_on_it_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let df = as_frame(&crate::util::fixture("records/pairs.csv"))
        .drop("facility_aor")
        .unwrap();
    let parquet = dir.path().join("no-area.parquet");
    write_parquet(&df, &parquet);
    // Not a Parquet file after all: the footer is cut off.
    let cut = dir.path().join("cut.parquet");
    let bytes = std::fs::read(&parquet).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let boston = Filters {
        aor: Some(resolve_aor("BOS").unwrap().into()),
        ..Filters::default()
    };
    for engine in [ScanEngine::Blocks, ScanEngine::Polars] {
        let r =
            crate::util::run_engine(engine, std::slice::from_ref(&parquet), &Filters::default())
                .unwrap();
        assert_eq!(
            (r.rows_read, r.files[0].missing.clone()),
            (
                8,
                vec![
                    "facility_aor".to_string(),
                    "facility_city".into(),
                    "detention_facility".into(),
                    "request_type".into(),
                    "detainer_lift_date".into(),
                ]
            )
        );
        let e =
            crate::util::run_engine(engine, std::slice::from_ref(&parquet), &boston).unwrap_err();
        assert!(matches!(e, detainers::Error::Argument(_)), "{e}");
        let e = e.to_string();
        assert!(
            e.contains("no-area.parquet has no facility_aor column") && e.contains("--aor"),
            "{e}"
        );
        let e = crate::util::run_engine(engine, std::slice::from_ref(&cut), &Filters::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("cut.parquet") && e.contains("Parquet"), "{e}");
        assert!(!e.contains('\n'), "one line: {e}");
    }
}

/// Every output file of a `detainers records` run, by path in the folder,
/// with `results.json`'s `files` taken out (the one place the formats may
/// differ) and the page and the table of files left aside (they list the
/// files).
fn outputs(dir: &Path) -> (serde_json::Value, Vec<(String, Vec<u8>)>) {
    let mut results: serde_json::Value =
        serde_json::from_str(&crate::util::read(&dir.join("results.json"))).unwrap();
    let files = results
        .as_object_mut()
        .unwrap()
        .remove("files")
        .expect("results.json lists the files");
    // The files lacking a column are named by path: set aside as `files`.
    if let Some(missing) = results["missing_columns"].as_array_mut() {
        for m in missing {
            m["files"] = serde_json::Value::Null;
        }
    }
    let mut rest = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(dir).unwrap().display().to_string();
            if path.is_dir() {
                stack.push(path);
            } else if rel == "results.json" {
                rest.push((rel, serde_json::to_vec(&results).unwrap()));
            } else if !rel.ends_with(".html")
                && rel != "tables/files.csv"
                && rel != "tables/missing_columns.csv"
            {
                rest.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    rest.sort();
    (files, rest)
}

/// The done-when of the formats work: one generated data set written as
/// CSV, Parquet, IPC and a release-style workbook (six preamble rows, a
/// title-case header, Excel dates) gives the same `results.json` but for
/// `files`, and the same tables and figures byte for byte, from both
/// engines, with no option naming the format.
#[test]
fn one_data_set_in_four_formats_gives_identical_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = Vec::new();
    for format in [
        FileFormat::Csv,
        FileFormat::Parquet,
        FileFormat::Ipc,
        FileFormat::Xlsx,
    ] {
        // One name for every format (charts name their source file), with
        // no extension: the content tells the format.
        let folder = dir.path().join(format.name().replace(' ', "-"));
        std::fs::create_dir(&folder).unwrap();
        let path = folder.join("records");
        let g = generate_file_as(&path, Size::Rows(6_000), 13, format).unwrap();
        assert_eq!(g.rows, 6_000);
        assert_eq!(detect_format(&path).unwrap(), format);
        inputs.push((format, path));
    }
    let mut expected: Option<Vec<(String, Vec<u8>)>> = None;
    for engine in ["blocks", "polars"] {
        for (format, input) in &inputs {
            let out = dir.path().join(format!("out-{engine}-{}", format.name()));
            let o = crate::util::detainers(&[
                "records",
                input.to_str().unwrap(),
                "--aor",
                "BOS",
                "--by",
                "aor",
                "--duplicates",
                "keep-first",
                "--engine",
                engine,
                "--quiet",
                "--out",
                out.to_str().unwrap(),
            ]);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            let (files, rest) = outputs(&out);
            assert_eq!(files[0]["format"], format.name(), "{files}");
            if *format == FileFormat::Xlsx {
                assert_eq!(files[0]["sheets"][0]["sheet"], "Detainers");
                assert_eq!(files[0]["sheets"][0]["header_row"], PREAMBLE_ROWS + 1);
                assert!(files[0].get("derived").is_none(), "{files}");
            } else {
                assert!(files[0].get("sheets").is_none(), "{files}");
            }
            match &expected {
                None => {
                    assert!(
                        rest.len() > 5,
                        "{:?}",
                        rest.iter().map(|r| &r.0).collect::<Vec<_>>()
                    );
                    expected = Some(rest);
                }
                Some(want) => {
                    let names =
                        |v: &[(String, Vec<u8>)]| v.iter().map(|r| r.0.clone()).collect::<Vec<_>>();
                    assert_eq!(names(&rest), names(want), "{engine} {format:?}");
                    for ((name, got), (_, want)) in rest.iter().zip(want) {
                        assert!(
                            got == want,
                            "{engine} {format:?}: {name} differs from the CSV run's"
                        );
                    }
                }
            }
        }
    }
}

/// Write a small release-style sheet: a title, the header on `header_row`
/// (0-based) and one Boston row per day from April `first_day`, `rows` rows.
fn fill_sheet(sheet: &mut rust_xlsxwriter::Worksheet, header_row: u32, first_day: u8, rows: u32) {
    use rust_xlsxwriter::{ExcelDateTime, Format};
    sheet.write_string(0, 0, "ICE Detainers").unwrap();
    let header = [
        "Detainer Prepare Date",
        "Facility State",
        "Facility AOR",
        "Case Category",
        "Entry Status",
        "Final Order Yes No",
        "Illegal Reentry Yes No",
        "Detainer Lift Reason",
        "Duplicate Likely",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(header_row, c as u16, *h).unwrap();
    }
    let dates = Format::new().set_num_format("yyyy-mm-dd");
    for k in 0..rows {
        let r = header_row + 1 + k;
        let day = ExcelDateTime::from_ymd(2018, 4, first_day + k as u8).unwrap();
        sheet
            .write_datetime_with_format(r, 0, &day, &dates)
            .unwrap();
        sheet.write_string(r, 1, "MASSACHUSETTS").unwrap();
        sheet
            .write_string(r, 2, "Boston Area of Responsibility")
            .unwrap();
        sheet
            .write_string(r, 7, "Detainer Declined by LEA")
            .unwrap();
        sheet.write_boolean(r, 8, false).unwrap();
    }
}

/// A release-style workbook with one cell changed, for the error tests.
fn workbook_with(
    dir: &Path,
    name: &str,
    edit: impl Fn(&mut rust_xlsxwriter::Worksheet),
) -> PathBuf {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Data").unwrap();
    fill_sheet(sheet, 6, 7, 3);
    edit(sheet);
    let path = dir.join(name);
    book.save(&path).unwrap();
    path
}

/// A workbook as a release may hold one: a blank cover sheet, a sheet per
/// year (their preambles of different lengths), a notes sheet without a
/// header, and notes beside the table, all read as one file.
#[test]
fn every_sheet_with_a_header_is_read_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().set_name("Cover").unwrap();
    let fy18 = book.add_worksheet().set_name("FY18").unwrap();
    fill_sheet(fy18, 6, 1, 3);
    // A note beside the table, and one below it: not records.
    fy18.write_string(8, 12, "checked").unwrap();
    fy18.write_string(20, 11, "Source: ICE").unwrap();
    let notes = book.add_worksheet().set_name("Notes").unwrap();
    notes
        .write_string(0, 0, "Dates are prepare dates.")
        .unwrap();
    let fy19 = book.add_worksheet().set_name("FY19").unwrap();
    fill_sheet(fy19, 2, 10, 2);
    let path = dir.path().join("years.xlsx");
    book.save(&path).unwrap();
    for engine in [ScanEngine::Blocks, ScanEngine::Polars] {
        let r = crate::util::run_engine(engine, std::slice::from_ref(&path), &Filters::default())
            .unwrap();
        assert_eq!((r.rows_read, r.rows_used), (5, 5), "{engine:?}");
        let sheets: Vec<(&str, u32)> = r.files[0]
            .sheets
            .iter()
            .map(|s| (s.sheet.as_str(), s.header_row))
            .collect();
        assert_eq!(sheets, [("FY18", 7), ("FY19", 3)]);
        assert!(r.files[0].derived.is_empty());
        let months: Vec<(&str, u64)> = r
            .by_month
            .iter()
            .map(|m| (m.month.as_str(), m.detainers))
            .collect();
        assert_eq!(months, [("2018-04", 5)]);
    }
}

#[test]
fn a_small_workbook_reads_and_its_errors_name_sheet_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let good = workbook_with(dir.path(), "good.xlsx", |_| {});
    for engine in [ScanEngine::Blocks, ScanEngine::Polars] {
        let r = crate::util::run_engine(engine, std::slice::from_ref(&good), &Filters::default())
            .unwrap();
        assert_eq!((r.rows_read, r.rows_used), (3, 3));
        assert_eq!(r.declined_by_lea.count, 3);
        let sheets = &r.files[0].sheets;
        assert_eq!(
            (sheets[0].sheet.as_str(), sheets[0].header_row),
            ("Data", 7)
        );
    }
    // ICE's own layout: no duplicate flag, a person column instead; the
    // second and third rows are one person on one day.
    let derived = workbook_with(dir.path(), "derived.xlsx", |s| {
        s.write_string(6, 8, "Unique Identifier").unwrap();
        for (r, id) in [(7, "A1"), (8, "B2"), (9, "B2")] {
            s.write_string(r, 8, id).unwrap();
        }
        let day = rust_xlsxwriter::ExcelDateTime::from_ymd(2018, 4, 8).unwrap();
        let dates = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        s.write_datetime_with_format(9, 0, &day, &dates).unwrap();
    });
    for engine in [ScanEngine::Blocks, ScanEngine::Polars] {
        for (policy, used) in [
            (Duplicates::Exclude, 1),
            (Duplicates::KeepFirst, 2),
            (Duplicates::Include, 3),
        ] {
            let filters = Filters {
                duplicates: policy,
                ..Filters::default()
            };
            let r =
                crate::util::run_engine(engine, std::slice::from_ref(&derived), &filters).unwrap();
            assert_eq!(r.rows_used, used, "{engine:?} {policy:?}");
            assert_eq!(r.duplicates.flagged_rows, 2);
            assert!(r.files[0].derived[0].starts_with("duplicate_likely derived"));
        }
    }
    // `NA` and empty identifiers are no person: never a repeat.
    let unknown = workbook_with(dir.path(), "unknown.xlsx", |s| {
        s.write_string(6, 8, "Unique Identifier").unwrap();
        let day = rust_xlsxwriter::ExcelDateTime::from_ymd(2018, 4, 8).unwrap();
        let dates = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        for (r, id) in [(7, "NA"), (8, "NA"), (9, "")] {
            s.write_string(r, 8, id).unwrap();
            s.write_datetime_with_format(r, 0, &day, &dates).unwrap();
        }
    });
    let r = crate::util::run_engine(
        ScanEngine::Blocks,
        std::slice::from_ref(&unknown),
        &Filters::default(),
    )
    .unwrap();
    assert_eq!((r.rows_used, r.duplicates.flagged_rows), (3, 0));
    // A date column formatted as numbers.
    let number = workbook_with(dir.path(), "number.xlsx", |s| {
        s.write_number(8, 0, 43199.0).unwrap();
    });
    // No header anywhere: no row names a prepare date.
    let no_header = workbook_with(dir.path(), "no-header.xlsx", |s| {
        s.write_string(6, 0, "When").unwrap();
    });
    // A header without the lift reason: read, and the loss said.
    let missing = workbook_with(dir.path(), "missing.xlsx", |s| {
        s.write_string(6, 7, "Reason").unwrap();
    });
    for engine in [ScanEngine::Blocks, ScanEngine::Polars] {
        let r =
            crate::util::run_engine(engine, std::slice::from_ref(&missing), &Filters::default())
                .unwrap();
        assert!(r.files[0]
            .missing
            .iter()
            .any(|m| m == "detainer_lift_reason"));
        let lift = r
            .missing_columns
            .iter()
            .find(|m| m.column == "detainer_lift_reason");
        assert!(lift.unwrap().effect.starts_with("no outcomes"));
        assert_eq!(r.outcomes.no_lift_reason_column, r.rows_used);
        assert!(r.lift_reasons.is_empty() && r.declined_by_lea.share.is_none());
    }
    // A zip archive that is not a workbook.
    let zip = dir.path().join("not-a-book.xlsx");
    std::fs::write(&zip, b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0").unwrap();
    let cases: [(&PathBuf, &[&str]); 3] = [
        (
            &number,
            &[
                "number.xlsx:9",
                "sheet 'Data'",
                "detainer_prepare_date (column A)",
                "43199",
                "not a date",
            ],
        ),
        (
            &no_header,
            &["no-header.xlsx", "no sheet has a header row", "'Data'"],
        ),
        (
            &zip,
            &["not-a-book.xlsx", "could not read as an xlsx workbook"],
        ),
    ];
    for engine in [ScanEngine::Blocks, ScanEngine::Polars] {
        for (file, words) in &cases {
            let e =
                crate::util::run_engine(engine, std::slice::from_ref(*file), &Filters::default())
                    .unwrap_err()
                    .to_string();
            for w in *words {
                assert!(e.contains(w), "{engine:?}: '{w}' not in: {e}");
            }
            assert!(!e.contains('\n'), "one line: {e}");
        }
    }
}

/// The typed files of `tests/fixtures/typed` (written by its `make.py`).
fn typed_fixture(name: &str) -> PathBuf {
    crate::util::fixture(&format!("typed/{name}"))
}

#[test]
fn typed_columns_as_common_writers_write_them_read_as_their_text() {
    let plain = typed_fixture("plain.csv");
    let boston = Filters {
        aor: Some(resolve_aor("BOS").unwrap().into()),
        ..Filters::default()
    };
    for name in [
        "dictionary.parquet",
        "dictionary.arrow",
        "large_string.parquet",
        "large_string.arrow",
        "string_view.arrow",
        "null_column.parquet",
        "null_column.arrow",
        "timestamp_s.parquet",
        "timestamp_ms.arrow",
        "timestamp_us.parquet",
        "timestamp_ns.arrow",
        "timestamp_new_york.parquet",
        "timestamp_new_york.arrow",
        "date64.parquet",
        "date64.arrow",
    ] {
        let file = typed_fixture(name);
        for (filters, by) in [(Filters::default(), None), (boston.clone(), Some(By::Aor))] {
            let expected = without_files(
                crate::util::both_engines(std::slice::from_ref(&plain), &filters, by).unwrap(),
            );
            let got = crate::util::both_engines(std::slice::from_ref(&file), &filters, by)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(without_files(got), expected, "{name} with {filters:?}");
        }
    }
    // Worked out from plain.csv: four rows, the three in Boston all in
    // March 2019 (the New York timestamps on their local days, one of them
    // 2019-04-01 in UTC).
    for name in ["dictionary.arrow", "timestamp_new_york.parquet"] {
        let r = crate::util::both_engines(&[typed_fixture(name)], &boston, None).unwrap();
        assert_eq!((r.rows_read, r.rows_used), (4, 3), "{name}");
        assert_eq!(r.by_month.len(), 1, "{name}");
        assert_eq!(
            (r.by_month[0].month.as_str(), r.by_month[0].detainers),
            ("2019-03", 3)
        );
    }
}

#[test]
fn a_nested_value_in_a_used_column_is_an_error_naming_file_and_column() {
    for (name, column) in [
        ("struct_area.parquet", "facility_aor"),
        ("struct_area.arrow", "facility_aor"),
        ("list_state.parquet", "facility_state"),
        ("list_state.arrow", "facility_state"),
        ("map_category.arrow", "case_category"),
    ] {
        let file = typed_fixture(name);
        for engine in crate::util::ENGINES {
            let e =
                crate::util::run_engine(engine, std::slice::from_ref(&file), &Filters::default())
                    .unwrap_err()
                    .to_string();
            assert!(e.contains(name), "{e}");
            assert!(e.contains(&format!("column '{column}'")), "{e}");
            assert!(e.contains("nested"), "{e}");
            assert!(!e.contains('\n'), "{e}");
        }
    }
}
