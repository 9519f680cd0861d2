//! The library changes no process-wide state: a notebook kernel or a test
//! runner calling it from many threads must find the environment as it was.
//! (One test in a file of its own, so that no other test can have changed
//! the environment first.)

use detainers::{generate_file, run_records_with, Filters, RunOptions, ScanEngine, Size};

use detainers::Inputs;

#[test]
fn scanning_with_either_engine_leaves_the_environment_alone() {
    let before: Vec<(std::ffi::OsString, std::ffi::OsString)> = std::env::vars_os().collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("records.csv");
    generate_file(&path, Size::Rows(2_000), 3).unwrap();
    for engine in [ScanEngine::Blocks, ScanEngine::Polars] {
        let options = RunOptions {
            engine,
            ..RunOptions::default()
        };
        let r = run_records_with(
            std::slice::from_ref(&path),
            &Filters::default(),
            &Inputs::bundled(),
            &options,
        )
        .unwrap();
        assert_eq!(r.rows_read, 2_000);
    }
    let after: Vec<(std::ffi::OsString, std::ffi::OsString)> = std::env::vars_os().collect();
    assert_eq!(before, after, "the library changed the process environment");
}
