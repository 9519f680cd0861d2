//! Damaged and hostile input: no hang, errors on the right physical line
//! (header = line 1) from every reader, one rule for bytes that are not UTF-8.

mod common;

use detainers::BLOCK_BYTES;
use detainers::{generate_file, Size};
use detainers::{Filters, RecordResults, ScanEngine};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

const ENGINES: [ScanEngine; 2] = [ScanEngine::Blocks, ScanEngine::Polars];

/// Run on another thread and give up after `limit`: a hang fails the test
/// instead of stalling the suite.
fn run_within(
    limit: Duration,
    engine: ScanEngine,
    path: &Path,
) -> detainers::Result<RecordResults> {
    let (send, receive) = mpsc::channel();
    let path = path.to_path_buf();
    std::thread::spawn(move || {
        let _ = send.send(common::run_engine(engine, &[path], &Filters::default()));
    });
    receive
        .recv_timeout(limit)
        .unwrap_or_else(|_| panic!("{engine:?} engine did not finish within {limit:?}"))
}

/// The 1-based physical line an error message names (`file:LINE: ...`).
fn line_in(message: &str, file: &Path) -> u64 {
    let rest = message
        .strip_prefix(&file.display().to_string())
        .unwrap_or_else(|| panic!("error does not start with the file name: {message}"));
    let digits: String = rest
        .trim_start_matches(':')
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("error names no line: {message}"))
}

/// Physical lines (header = 1) that hold the byte 0xE9.
fn lines_with_bad_byte(bytes: &[u8]) -> Vec<u64> {
    let mut lines = Vec::new();
    let mut line = 1;
    let mut seen_on_line = false;
    for &b in bytes {
        if b == 0xE9 && !seen_on_line {
            lines.push(line);
            seen_on_line = true;
        }
        if b == b'\n' {
            line += 1;
            seen_on_line = false;
        }
    }
    lines
}

/// A generated file of several blocks in which every 5,000th row carries a
/// Latin-1 byte in `facility_aor`, a column the analysis uses.
fn many_blocks_with_bad_bytes(path: &Path) -> Vec<u64> {
    generate_file(path, Size::Bytes(12 * BLOCK_BYTES as u64), 5).unwrap();
    let mut bytes = std::fs::read(path).unwrap();
    let mut row = 0;
    let mut start = 0;
    while let Some(end) = bytes[start..].iter().position(|&b| b == b'\n') {
        let end = start + end;
        if row > 0 && row % 5_000 == 0 {
            let line = &bytes[start..end];
            let at = line
                .windows(4)
                .position(|w| w == b"Area")
                .expect("every row names an area");
            bytes[start + at] = 0xE9;
        }
        row += 1;
        start = end + 1;
    }
    std::fs::write(path, &bytes).unwrap();
    let bad = lines_with_bad_byte(&bytes);
    assert!(bad.len() >= 10, "{} bad lines", bad.len());
    bad
}

#[test]
fn a_bad_byte_in_every_block_ends_in_an_error_on_its_line_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("damaged.csv");
    let bad = many_blocks_with_bad_bytes(&path);
    for engine in ENGINES {
        let err = run_within(Duration::from_secs(120), engine, &path)
            .expect_err("a value that is not UTF-8 in a used column is an error")
            .to_string();
        assert_eq!(line_in(&err, &path), bad[0], "{engine:?}: {err}");
        assert!(err.contains("column 'facility_aor'"), "{engine:?}: {err}");
    }
}

/// The columns of `tests/fixtures/records/mini.csv`, and one valid row.
const HEADER: &str = "\"\",\"detainer_prepare_date\",\"facility_state\",\"facility_aor\",\"note\",\"case_category\",\"entry_status\",\"final_order_yes_no\",\"illegal_reentry_yes_no\",\"detainer_lift_reason\",\"duplicate_likely\",\"row_original\"";

fn row(i: u32, note: &[u8], area: &[u8]) -> Vec<u8> {
    let mut out = format!("\"{i}\",2018-04-02,\"MASSACHUSETTS\",\"").into_bytes();
    out.extend_from_slice(area);
    out.extend_from_slice(b"\",");
    out.extend_from_slice(note);
    out.extend_from_slice(format!(",\"[2A] Deportable\",NA,\"NO\",NA,NA,FALSE,{i}").as_bytes());
    out
}

/// Files whose bad byte sits on a known physical line, behind quoted
/// newlines, CRLF line ends and a byte-order mark; (name, bytes, line).
fn files_with_a_bad_line() -> Vec<(&'static str, Vec<u8>, u64)> {
    let good = b"Boston Area of Responsibility".as_slice();
    let bad = b"Boston \xE9 Area".as_slice();
    let join = |rows: &[Vec<u8>], end: &[u8]| {
        let mut out = HEADER.as_bytes().to_vec();
        for r in rows {
            out.extend_from_slice(end);
            out.extend_from_slice(r);
        }
        out.extend_from_slice(end);
        out
    };
    let plain = join(
        &[row(1, b"NA", good), row(2, b"NA", good), row(3, b"NA", bad)],
        b"\n",
    );
    let quoted = join(
        &[row(1, b"\"two\nlines\"", good), row(2, b"NA", bad)],
        b"\n",
    );
    let crlf = join(
        &[
            row(1, b"\"a\r\nb\r\nc\"", good),
            row(2, b"NA", good),
            row(3, b"NA", bad),
        ],
        b"\r\n",
    );
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(&plain);
    vec![
        ("fourth line", plain, 4),
        ("after a quoted newline", quoted, 4),
        ("CRLF and quoted CRLFs", crlf, 6),
        ("with a byte-order mark", bom, 4),
    ]
}

#[test]
fn record_errors_name_the_physical_line_from_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes, line) in files_with_a_bad_line() {
        let path = dir.path().join("records.csv");
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(lines_with_bad_byte(&bytes), vec![line], "{name}: fixture");
        for engine in ENGINES {
            let err = common::run_engine(engine, std::slice::from_ref(&path), &Filters::default())
                .expect_err(name)
                .to_string();
            assert_eq!(line_in(&err, &path), line, "{name}, {engine:?}: {err}");
            assert!(
                err.contains("column 'facility_aor'"),
                "{name}, {engine:?}: {err}"
            );
        }
    }
}

#[test]
fn a_byte_that_is_not_utf8_in_an_unused_column_is_accepted_by_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1-note.csv");
    let good = b"Boston Area of Responsibility".as_slice();
    let mut bytes = HEADER.as_bytes().to_vec();
    for (i, note) in [
        b"NA".as_slice(),
        b"\"caf\xE9\"",
        b"\"\xEF\xBF\xBD literal\"",
    ]
    .iter()
    .enumerate()
    {
        bytes.push(b'\n');
        bytes.extend_from_slice(&row(i as u32 + 1, note, good));
    }
    std::fs::write(&path, &bytes).unwrap();
    let results: Vec<RecordResults> = ENGINES
        .iter()
        .map(|&e| {
            common::run_engine(e, std::slice::from_ref(&path), &Filters::default())
                .expect("an unused column is not read")
        })
        .collect();
    assert_eq!(results[0], results[1]);
    assert_eq!((results[0].rows_read, results[0].rows_used), (3, 3));
}

#[test]
fn a_literal_replacement_character_in_a_used_column_is_valid_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fffd.csv");
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.push(b'\n');
    bytes.extend_from_slice(&row(1, b"NA", "Boston \u{FFFD} Area".as_bytes()));
    std::fs::write(&path, &bytes).unwrap();
    let results: Vec<RecordResults> = ENGINES
        .iter()
        .map(|&e| common::run_engine(e, std::slice::from_ref(&path), &Filters::default()).unwrap())
        .collect();
    assert_eq!(results[0], results[1]);
    assert_eq!(results[0].rows_used, 1);
}

#[test]
fn dataset_errors_name_the_physical_line() {
    let dir = common::copy_of_boston();
    let status = dir.path().join("status.csv");
    let original = common::read(&status);
    let lines: Vec<&str> = original.lines().collect();
    let cases: Vec<(&str, String, u64)> = vec![
        (
            "bad count",
            format!("{}\n{}\n{}\nGroup X,ten,1,\n", lines[0], lines[2], lines[3]),
            4,
        ),
        (
            "after a quoted newline",
            format!(
                "{}\n\"Two\nLines\",3,1,\n{}\nGroup X,ten,1,\n",
                lines[0], lines[2]
            ),
            5,
        ),
        (
            "CRLF",
            format!(
                "{}\r\n{}\r\n{}\r\nGroup X,ten,1,\r\n",
                lines[0], lines[2], lines[3]
            ),
            4,
        ),
    ];
    for (name, text, line) in cases {
        std::fs::write(&status, &text).unwrap();
        let err = detainers::load_dataset(dir.path())
            .expect_err(name)
            .to_string();
        assert!(
            err.starts_with(&format!("{}:{line}: column 'hits'", status.display())),
            "{name}: {err}"
        );
    }
    let mut latin1 = format!("{}\n{}\n", lines[0], lines[2]).into_bytes();
    latin1.extend_from_slice(b"Caf\xE9 group,3,1,\n");
    std::fs::write(&status, &latin1).unwrap();
    let err = detainers::load_dataset(dir.path()).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("{}:3: ", status.display())),
        "{err}"
    );
}
