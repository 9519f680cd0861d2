//! Record files as they are published: the same records written as CSV,
//! Parquet and Arrow IPC (Feather v2) give the same results (the files read
//! aside), from both engines, under each duplicates policy; a typed file's
//! errors name the file and the column.

mod common;

use detainers::polars::prelude::*;
use detainers::{
    generate_file, resolve_aor, By, Duplicates, Filters, RecordResults, ScanEngine, Size,
};
use std::path::{Path, PathBuf};

/// A CSV record file read by polars with every column as text (`NA` and
/// empty as missing), without the unnamed R index column.
fn as_frame(csv: &Path) -> DataFrame {
    let df = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .map_parse_options(|o| {
            o.with_null_values(Some(NullValues::AllColumnsSingle("NA".into())))
                .with_missing_is_null(true)
        })
        .try_into_reader_with_file_path(Some(csv.to_path_buf()))
        .unwrap()
        .finish()
        .unwrap();
    let first = df.get_column_names()[0].clone();
    df.drop(first.as_str()).unwrap()
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

/// Results with the files read left out.
fn without_files(mut r: RecordResults) -> RecordResults {
    r.files.clear();
    r
}

fn run(files: &[PathBuf], filters: &Filters, engine: ScanEngine, by: Option<By>) -> RecordResults {
    without_files(common::run_engine_by(engine, files, filters, by).unwrap())
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
    for policy in Duplicates::ALL {
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
    let csv = common::fixture("records/pairs.csv");
    let df = typed(as_frame(&csv), true);
    assert_eq!(
        df.column("detainer_prepare_date").unwrap().dtype(),
        &DataType::Date
    );
    let parquet = dir.path().join("pairs.parquet");
    let ipc = dir.path().join("pairs.arrow");
    write_parquet(&df, &parquet);
    write_ipc(&df, &ipc);
    for policy in Duplicates::ALL {
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
fn a_typed_file_without_a_used_column_names_file_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let df = as_frame(&common::fixture("records/pairs.csv"))
        .drop("facility_aor")
        .unwrap();
    let parquet = dir.path().join("no-area.parquet");
    write_parquet(&df, &parquet);
    // Not a Parquet file after all: the footer is cut off.
    let cut = dir.path().join("cut.parquet");
    let bytes = std::fs::read(&parquet).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    for engine in [ScanEngine::Blocks, ScanEngine::Polars] {
        let e = common::run_engine(engine, std::slice::from_ref(&parquet), &Filters::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("no-area.parquet") && e.contains("facility_aor"),
            "{e}"
        );
        let e = common::run_engine(engine, std::slice::from_ref(&cut), &Filters::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("cut.parquet") && e.contains("Parquet"), "{e}");
        assert!(!e.contains('\n'), "one line: {e}");
    }
}
