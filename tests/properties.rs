//! Property-based tests: arbitrary bytes and mutations of valid files
//! (truncation, inserted quotes, a byte-order mark, CRLF, NUL, very long
//! fields, flipped bytes), prepare dates of any text and any typed day, and
//! files of any name give `Ok` or a clean error, never a panic; and the two
//! record engines agree on every file.
//!
//! CI runs a fixed number of cases per property (`PROPTEST_CASES`, default
//! below). A long run, as in CONTRIBUTING.md:
//!
//! ```sh
//! PROPTEST_CASES=20000 cargo test --release --test tests properties
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
    /// The field around a position (between commas or line ends) replaced
    /// by white space.
    BlankField(usize, Vec<u8>),
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
        (
            any::<usize>(),
            prop_oneof![
                Just(b" ".to_vec()),
                Just(b"\t \t".to_vec()),
                Just("\u{a0}\u{2003}".as_bytes().to_vec())
            ]
        )
            .prop_map(|(at, b)| Mutation::BlankField(at, b)),
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
            Mutation::BlankField(i, blank) => {
                let k = at(*i, bytes.len());
                let edge = |b: &u8| matches!(b, b',' | b'\n' | b'\r');
                let start = bytes[..k].iter().rposition(edge).map_or(0, |p| p + 1);
                let end = bytes[k..]
                    .iter()
                    .position(edge)
                    .map_or(bytes.len(), |p| k + p);
                bytes.splice(start..end, blank.iter().copied());
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
        policy in 0usize..4,
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

/// A prepare date's text as a careless writer or an unkind input might
/// write it: years of any sign and length, one- to three-digit parts, any
/// separator, times of day with and without zones, spaces around, and now
/// and then a date in a form the rule reads.
fn date_text() -> impl Strategy<Value = String> {
    let year = prop_oneof![
        (1000i64..=9999).prop_map(|y| y.to_string()),
        (-99_999i64..=999_999).prop_map(|y| y.to_string()),
        (0i64..100).prop_map(|y| format!("{y:02}")),
        (0i64..10).prop_map(|y| format!("000{y}")),
        Just("+214749".to_string()),
        Just("-0001".to_string()),
    ];
    let part = prop_oneof![
        (0u32..40).prop_map(|n| n.to_string()),
        (0u32..40).prop_map(|n| format!("{n:02}")),
        Just("0".to_string())
    ];
    let sep = prop_oneof![Just("-"), Just("/"), Just("."), Just(" "), Just("")];
    let time = prop_oneof![
        Just(String::new()),
        Just(" 00:00:00".to_string()),
        Just("T14:05:09.5Z".to_string()),
        Just(" 3:10 PM".to_string()),
        Just(" 24:00".to_string()),
        Just("+05:00".to_string()),
        "[ -~]{0,6}".prop_map(|s| s),
    ];
    let pad = prop_oneof![Just(""), Just(" "), Just("\t")];
    prop_oneof![
        (
            year.clone(),
            sep.clone(),
            part.clone(),
            sep.clone(),
            part.clone(),
            time.clone(),
            pad.clone()
        )
            .prop_map(|(y, s1, m, s2, d, t, p)| format!("{p}{y}{s1}{m}{s2}{d}{t}")),
        (part.clone(), sep.clone(), part, sep, year, time)
            .prop_map(|(m, s1, d, s2, y, t)| format!("{m}{s1}{d}{s2}{y}{t}")),
        (2000i32..2110, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        "\\PC{0,12}",
    ]
}

/// A one-row record file whose prepare date is `date`, quoted as CSV.
fn one_row(dir: &Path, date: &str) -> std::path::PathBuf {
    let path = dir.join("one.csv");
    let quoted = format!("\"{}\"", date.replace('"', "\"\""));
    std::fs::write(
        &path,
        format!(
            "detainer_prepare_date,facility_aor,detainer_lift_reason,row_original\n{quoted},Boston Area of Responsibility,NA,1\n"
        ),
    )
    .unwrap();
    path
}

proptest! {
    #![proptest_config(config())]

    /// Whatever the text of a prepare date, the one row is one row: used or
    /// counted under one date reason, the same in both engines, and it can
    /// make at most one month of the series.
    #[test]
    fn any_prepare_date_is_one_row_under_one_reason_in_both_engines(date in date_text()) {
        let dir = tempfile::tempdir().unwrap();
        let path = one_row(dir.path(), &date);
        let files = [path.clone()];
        let blocks = crate::util::run_engine(ScanEngine::Blocks, &files, &Filters::default());
        let polars = crate::util::run_engine(ScanEngine::Polars, &files, &Filters::default());
        if let Some(why) = crate::util::disagreement(&blocks, &polars) {
            return Err(TestCaseError::fail(format!("{date:?}: {why}")));
        }
        let r = blocks.map_err(|e| TestCaseError::fail(format!("{date:?}: {e}")))?;
        prop_assert_eq!(r.rows_read, 1);
        let counted = ["missing_date", "unparseable_date", "implausible_date"]
            .iter()
            .map(|k| r.rows_excluded[*k])
            .sum::<u64>()
            + r.rows_used;
        prop_assert_eq!(counted, 1, "{:?}", date);
        prop_assert!(r.by_month.len() <= 1, "{:?}: {} months", date, r.by_month.len());
    }

    /// A typed prepare date of any day chrono can hold, as a Parquet date
    /// or a timestamp of any unit and zone: the same results from both
    /// engines, one row under one reason, at most one month.
    #[test]
    fn any_typed_prepare_date_is_one_row_in_both_engines(
        days in -80_000_000i32..80_000_000,
        unit in 0usize..4,
        zoned in any::<bool>(),
    ) {
        use detainers::polars::prelude::*;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("one.parquet");
        let dtype = match unit {
            0 => DataType::Date,
            u => DataType::Datetime(
                [TimeUnit::Milliseconds, TimeUnit::Microseconds, TimeUnit::Nanoseconds][u - 1],
                TimeZone::opt_try_new(zoned.then_some("America/New_York")).unwrap(),
            ),
        };
        // A day count as the unit's count, within what an i64 holds.
        let column = if unit == 0 {
            Column::new("detainer_prepare_date".into(), [days]).cast(&DataType::Date)
        } else {
            let per_day: i64 = [86_400_000, 86_400_000_000, 86_400_000_000_000][unit - 1];
            let value = (days as i64).saturating_mul(per_day);
            Column::new("detainer_prepare_date".into(), [value]).cast(&dtype)
        };
        let Ok(column) = column else { return Ok(()) };
        let mut df = DataFrame::new_infer_height(vec![
            column,
            Column::new("facility_aor".into(), ["Boston Area of Responsibility"]),
        ])
        .unwrap();
        ParquetWriter::new(std::fs::File::create(&path).unwrap()).finish(&mut df).unwrap();
        let files = [path.clone()];
        let blocks = crate::util::run_engine(ScanEngine::Blocks, &files, &Filters::default());
        let polars = crate::util::run_engine(ScanEngine::Polars, &files, &Filters::default());
        if let Some(why) = crate::util::disagreement(&blocks, &polars) {
            return Err(TestCaseError::fail(why));
        }
        if let Ok(r) = blocks {
            prop_assert_eq!(r.rows_read, 1);
            prop_assert!(r.by_month.len() <= 1);
        }
    }

    /// A file of any name (any characters but `/` and NUL, newlines and
    /// quotes among them): both engines give the same answer, and any error
    /// is one line.
    #[test]
    fn any_file_name_is_read_alike_and_named_in_one_line(name in "[^/\\x00]{1,40}", bad in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(&name);
        let body = if bad { "when,where\n1,2\n" } else { "detainer_prepare_date\n2019-03-01\n" };
        if std::fs::write(&path, body).is_err() || !path.is_file() {
            return Ok(()); // a name the file system refuses ("." or "..")
        }
        let files = [path.clone()];
        let blocks = crate::util::run_engine(ScanEngine::Blocks, &files, &Filters::default());
        let polars = crate::util::run_engine(ScanEngine::Polars, &files, &Filters::default());
        if let Some(why) = crate::util::disagreement(&blocks, &polars) {
            return Err(TestCaseError::fail(why));
        }
        match blocks {
            Ok(r) => prop_assert_eq!(r.rows_used, 1),
            Err(e) => prop_assert!(!e.to_string().contains('\n'), "{}", e),
        }
    }
}
