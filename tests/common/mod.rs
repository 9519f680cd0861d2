//! Helpers shared by the integration tests.
#![allow(dead_code)]

use detainers::{
    run_records_with, Filters, PopulationTable, RecordResults, RunOptions, ScanEngine,
    StatusCrosswalk,
};
use std::path::{Path, PathBuf};

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

/// Run record files through `engine` with the bundled crosswalk and
/// population table.
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
    by: Option<detainers::By>,
) -> detainers::Result<RecordResults> {
    let (crosswalk, population) = (StatusCrosswalk::bundled(), PopulationTable::bundled());
    let options = RunOptions {
        engine,
        group: by.map(|by| detainers::GroupBy { by, min_n: 1 }),
        ..RunOptions::default()
    };
    run_records_with(files, filters, &crosswalk, &population, &options)
}
