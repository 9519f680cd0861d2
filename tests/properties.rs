//! Property-based tests: arbitrary bytes and mutations of valid files
//! (truncation, inserted quotes, a byte-order mark, CRLF, NUL, very long
//! fields, flipped bytes) give `Ok` or a clean error, never a panic; and the
//! two record engines agree on every file.
//!
//! CI runs a fixed number of cases per property (`PROPTEST_CASES`, default
//! below). A long run, as in CONTRIBUTING.md:
//!
//! ```sh
//! PROPTEST_CASES=20000 cargo test --release --test properties
//! ```

use detainers::{By, Duplicates, Filters, ScanEngine, Size};

use detainers::records::generate_records;
use proptest::prelude::*;
use std::path::Path;

/// Cases per property when `PROPTEST_CASES` is not set.
const CASES: u32 = 48;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CASES);
    ProptestConfig {
        cases,
        // Failures are reported with the shrunk input; no files are kept.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// One change to a file's bytes.
#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Insert(usize, Vec<u8>),
    Flip(usize, u8),
    Remove(usize, usize),
    ByteOrderMark,
    Crlf,
    LongField(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let special = prop_oneof![
        Just(b"\"".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b",".to_vec()),
        Just(b"\0".to_vec()),
        Just(b"NA".to_vec()),
        Just(b"\xE9".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just("\u{FFFD}".as_bytes().to_vec()),
        Just(b"\"\"".to_vec()),
        Just(b"2018-13-45".to_vec()),
        proptest::collection::vec(any::<u8>(), 1..8),
    ];
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), special).prop_map(|(at, b)| Mutation::Insert(at, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::Flip(at, b)),
        (any::<usize>(), 1usize..40).prop_map(|(at, n)| Mutation::Remove(at, n)),
        Just(Mutation::ByteOrderMark),
        Just(Mutation::Crlf),
        (any::<usize>(), 1usize..200_000).prop_map(|(at, n)| Mutation::LongField(at, n)),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let at = |i: usize, len: usize| if len == 0 { 0 } else { i % (len + 1) };
        match m {
            Mutation::Truncate(i) => {
                let n = at(*i, bytes.len());
                bytes.truncate(n);
            }
            Mutation::Insert(i, b) => {
                let n = at(*i, bytes.len());
                bytes.splice(n..n, b.iter().copied());
            }
            Mutation::Flip(i, b) => {
                if !bytes.is_empty() {
                    let n = i % bytes.len();
                    bytes[n] = *b;
                }
            }
            Mutation::Remove(i, k) => {
                let n = at(*i, bytes.len());
                let end = (n + k).min(bytes.len());
                bytes.drain(n..end);
            }
            Mutation::ByteOrderMark => {
                bytes.splice(0..0, *b"\xEF\xBB\xBF");
            }
            Mutation::Crlf => {
                bytes = bytes
                    .iter()
                    .flat_map(|&b| {
                        if b == b'\n' {
                            vec![b'\r', b'\n']
                        } else {
                            vec![b]
                        }
                    })
                    .collect();
            }
            Mutation::LongField(i, n) => {
                let k = at(*i, bytes.len());
                bytes.splice(k..k, std::iter::repeat_n(b'a', *n));
            }
        }
    }
    bytes
}

/// A small record file in the release's schema: generated rows, or the
/// hand-made fixture.
fn record_file(seed: u64, rows: u64) -> Vec<u8> {
    if rows == 0 {
        return std::fs::read(crate::util::fixture("records/mini.csv")).unwrap();
    }
    let mut out = Vec::new();
    generate_records(&mut out, Size::Rows(rows), seed).unwrap();
    out
}

/// Both engines on one file: equal results, or both an error naming it.
fn engines_agree(path: &Path, filters: &Filters) -> Result<(), TestCaseError> {
    engines_agree_by(path, filters, None)
}

/// [`engines_agree`] with every area side by side (`--by`) when given.
fn engines_agree_by(path: &Path, filters: &Filters, by: Option<By>) -> Result<(), TestCaseError> {
    let files = [path.to_path_buf()];
    let blocks = crate::util::run_engine_by(ScanEngine::Blocks, &files, filters, by);
    let polars = crate::util::run_engine_by(ScanEngine::Polars, &files, filters, by);
    if let Some(why) = crate::util::disagreement(&blocks, &polars) {
        return Err(TestCaseError::fail(why));
    }
    let name = path.display().to_string();
    match blocks {
        // A filter or grouping on a column the file lacks: a usage error
        // naming the file.
        Err(detainers::Error::Argument(m)) => prop_assert!(m.starts_with(&name), "{}", m),
        Err(e) => prop_assert!(e.to_string().starts_with(&name), "{}", e),
        Ok(_) => {}
    }
    Ok(())
}

fn boston() -> Filters {
    Filters {
        aor: Some(detainers::records::resolve_aor("BOS").unwrap().into()),
        ..Filters::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutated_record_files_read_the_same_in_both_engines(
        seed in any::<u64>(),
        rows in 0u64..60,
        mutations in proptest::collection::vec(mutation(), 0..4),
        by_area in any::<bool>(),
        policy in 0usize..3,
        grouping in 0usize..4,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("records.csv");
        std::fs::write(&path, apply(record_file(seed, rows), &mutations)).unwrap();
        let filters = Filters {
            duplicates: Duplicates::ALL[policy],
            ..if by_area { boston() } else { Filters::default() }
        };
        let by = [None, Some(By::Aor), Some(By::State), Some(By::Facility)][grouping];
        engines_agree_by(&path, &filters, by)?;
    }

    #[test]
    fn arbitrary_bytes_as_a_record_file_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("records.csv");
        std::fs::write(&path, &bytes).unwrap();
        engines_agree(&path, &Filters::default())?;
    }

    #[test]
    fn mutated_dataset_files_load_or_give_a_clean_error(
        file in prop_oneof![
            Just("status.csv"),
            Just("dispositions.csv"),
            Just("claims.csv"),
            Just("cases.csv"),
            Just("datapackage.json"),
        ],
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let dir = crate::util::copy_of_boston();
        let path = dir.path().join(file);
        let bytes = apply(std::fs::read(&path).unwrap(), &mutations);
        std::fs::write(&path, bytes).unwrap();
        match detainers::load_dataset(dir.path()) {
            Ok(d) => {
                // What loads must also analyse without a panic.
                let p = d.meta.assumptions.honored_share.value;
                if let Ok(a) = detainers::analyse(&d, p) {
                    let _ = detainers::check_claims(&d, &a);
                }
            }
            Err(e) => {
                let text = e.to_string();
                prop_assert!(text.starts_with(&dir.path().display().to_string()), "{}", text);
                prop_assert!(!text.contains('\n'), "one line: {}", text);
            }
        }
    }

    #[test]
    fn arbitrary_bytes_as_a_status_table_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let dir = crate::util::copy_of_boston();
        std::fs::write(dir.path().join("status.csv"), &bytes).unwrap();
        if let Err(e) = detainers::load_dataset(dir.path()) {
            prop_assert!(e.to_string().starts_with(&dir.path().display().to_string()));
        }
    }
}
