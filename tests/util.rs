//! Helpers shared by the integration tests, each written once: paths, the
//! shared third-party files, the binary runner and the record-run helpers.

use detainers::{
    run_records_with, By, Filters, GroupBy, Inputs, RecordResults, RunOptions, ScanEngine,
};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Both engines, the default first.
pub const ENGINES: [ScanEngine; 2] = [ScanEngine::Blocks, ScanEngine::Polars];

/// Run the `detainers` binary with `args`.
pub fn detainers(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_detainers"))
        .args(args)
        .output()
        .expect("run the detainers binary")
}

/// `detainers records --quiet --out OUT ARGS...` (options and files).
pub fn records(out: &Path, args: &[&str]) -> Output {
    let mut all = vec![
        "records",
        "--quiet",
        "--out",
        out.to_str().expect("a UTF-8 path"),
    ];
    all.extend_from_slice(args);
    detainers(&all)
}

/// [`records`], which must succeed.
pub fn records_ok(out: &Path, args: &[&str]) {
    let o = records(out, args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// A run folder's `results.json`, parsed.
pub fn results(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&read(&dir.join("results.json"))).expect("results.json parses")
}

/// The bundled dataset.
pub fn boston() -> PathBuf {
    detainers::dataset_dir("boston-2018")
}

/// A test fixture path.
pub fn fixture(rel: &str) -> PathBuf {
    detainers::repo_root().join("tests/fixtures").join(rel)
}

/// Copy the bundled dataset into a fresh temporary folder (so a test can
/// replace one file without touching the real inputs).
pub fn copy_of_boston() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(boston()).expect("read data dir") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
    }
    dir
}

/// A file from `../shared` (third-party data or the seed article). In CI
/// (`CI=true`) a missing file fails the test loudly; elsewhere the test is
/// skipped with a message saying why.
pub fn shared_file(rel: &str) -> Option<PathBuf> {
    let path = detainers::repo_root().join("..").join("shared").join(rel);
    if path.exists() {
        return Some(path);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "{} is missing; CI must have ../shared beside the clone",
            path.display()
        );
    }
    eprintln!(
        "SKIP: {} not found (outside CI this test is skipped)",
        path.display()
    );
    None
}

/// The real 22-row St. Paul sample of the detainer release, through
/// [`shared_file`] (a loud failure in CI when it is missing).
pub fn real_detainer_sample() -> Option<PathBuf> {
    shared_file("data/real/ddp-detainers-stpaul-sample/st_cloud_denied.csv")
}

/// Read a file to a string.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Run record files through `engine` with the bundled inputs.
pub fn run_engine(
    engine: ScanEngine,
    files: &[PathBuf],
    filters: &Filters,
) -> detainers::Result<RecordResults> {
    run_engine_by(engine, files, filters, None)
}

/// [`run_engine`] with every area side by side (`--by`) when given.
pub fn run_engine_by(
    engine: ScanEngine,
    files: &[PathBuf],
    filters: &Filters,
    by: Option<By>,
) -> detainers::Result<RecordResults> {
    let options = RunOptions {
        engine,
        group: by.map(|by| GroupBy { by, min_n: 1 }),
        ..RunOptions::default()
    };
    run_records_with(files, filters, &Inputs::bundled(), &options)
}

/// Why the two engines' answers on one input disagree: different results,
/// one failing, or different errors; `None` when they agree.
pub fn disagreement(
    blocks: &detainers::Result<RecordResults>,
    polars: &detainers::Result<RecordResults>,
) -> Option<String> {
    match (blocks, polars) {
        (Ok(a), Ok(b)) if a == b => None,
        (Err(a), Err(b)) if a.to_string() == b.to_string() => None,
        (Ok(a), Ok(b)) => Some(format!(
            "different results: rows read {} / {}, used {} / {}",
            a.rows_read, b.rows_read, a.rows_used, b.rows_used
        )),
        (Err(a), Err(b)) => Some(format!("different errors: '{a}' / '{b}'")),
        (a, b) => Some(format!(
            "one engine failed: blocks {:?} / polars {:?}",
            a.as_ref().map(|r| r.rows_read),
            b.as_ref().map(|r| r.rows_read)
        )),
    }
}

/// Run record files through both engines, require them to agree
/// ([`disagreement`]), and return the block engine's answer.
pub fn both_engines(
    files: &[PathBuf],
    filters: &Filters,
    by: Option<By>,
) -> detainers::Result<RecordResults> {
    let blocks = run_engine_by(ScanEngine::Blocks, files, filters, by);
    let polars = run_engine_by(ScanEngine::Polars, files, filters, by);
    if let Some(why) = disagreement(&blocks, &polars) {
        panic!("the engines disagree on {files:?} with {filters:?} by {by:?}: {why}");
    }
    blocks
}

/// A run's outcome counts in one order: declined, custody, other resolved,
/// unclassified, open.
pub fn outcome_classes(r: &RecordResults) -> [u64; 5] {
    let o = &r.outcomes;
    [
        o.declined,
        o.custody,
        o.other_resolved,
        o.unclassified,
        o.open,
    ]
}

/// The duplicates policies that apply to a file without DDP's own drop
/// flag or episode number (`file` reads those).
pub const ROW_POLICIES: [detainers::Duplicates; 4] = [
    detainers::Duplicates::Exclude,
    detainers::Duplicates::KeepFirst,
    detainers::Duplicates::Include,
    detainers::Duplicates::Episode,
];

/// A generated file that has every column the analysis reads, under its
/// canonical name (the release's 2025 layout lacks the lift date and DDP's
/// later columns).
pub fn every_column_file(path: &std::path::Path, rows: u64, seed: u64) {
    use detainers::records::{bundled_layout, canonical_layout, generate_layout_file, COLUMNS};
    let mut every = bundled_layout("ddp-2025").unwrap();
    every.sources = COLUMNS.iter().map(|c| vec![c.to_string()]).collect();
    let every = canonical_layout(&every);
    generate_layout_file(
        path,
        detainers::Size::Rows(rows),
        seed,
        detainers::FileFormat::Csv,
        &every,
    )
    .unwrap();
}
