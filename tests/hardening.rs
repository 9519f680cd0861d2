//! Damaged and hostile input: no hang, errors on the right physical line
//! (header = line 1) from every reader, one rule for bytes that are not UTF-8.

use detainers::records::{BLOCK_BYTES, MAX_ROW_BYTES};
use detainers::{generate_file, Size};
use detainers::{Filters, RecordResults, ScanEngine};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use crate::util::ENGINES;

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
        let _ = send.send(crate::util::run_engine(
            engine,
            &[path],
            &Filters::default(),
        ));
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
            let err =
                crate::util::run_engine(engine, std::slice::from_ref(&path), &Filters::default())
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

/// A quote that is never closed, early in a file far longer than a row can
/// be: both engines stop at the row it opens, once the row has run past
/// `MAX_ROW_BYTES`, instead of holding the rest of the file as one row.
#[test]
fn a_quote_never_closed_stops_at_its_row_without_reading_the_file_as_one_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("open-quote.csv");
    let good = b"Boston Area of Responsibility".as_slice();
    let mut bytes = HEADER.as_bytes().to_vec();
    let mut i = 0;
    while bytes.len() < MAX_ROW_BYTES + 2 * BLOCK_BYTES {
        i += 1;
        let note: &[u8] = if i == 4 {
            b"\"opened, never closed"
        } else {
            b"NA"
        };
        bytes.push(b'\n');
        bytes.extend_from_slice(&row(i, note, good));
    }
    std::fs::write(&path, &bytes).unwrap();
    for engine in ENGINES {
        let err = run_within(Duration::from_secs(120), engine, &path)
            .expect_err("an open quote is an error")
            .to_string();
        // Header on line 1, the fourth row on line 5.
        assert_eq!(line_in(&err, &path), 5, "{engine:?}: {err}");
        assert!(
            err.contains("is never closed (the row runs past"),
            "{engine:?}: {err}"
        );
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
            crate::util::run_engine(e, std::slice::from_ref(&path), &Filters::default())
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
        .map(|&e| {
            crate::util::run_engine(e, std::slice::from_ref(&path), &Filters::default()).unwrap()
        })
        .collect();
    assert_eq!(results[0], results[1]);
    assert_eq!(results[0].rows_used, 1);
}

#[test]
fn dataset_errors_name_the_physical_line() {
    let dir = crate::util::copy_of_boston();
    let status = dir.path().join("status.csv");
    let original = crate::util::read(&status);
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

/// Every tag of an HTML page: (lower-case name, attributes as written).
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(start) = html[i..].find('<').map(|p| p + i) {
        let mut j = start + 1;
        let mut quote: Option<u8> = None;
        while j < bytes.len() {
            match (quote, bytes[j]) {
                (None, b'"' | b'\'') => quote = Some(bytes[j]),
                (Some(q), c) if c == q => quote = None,
                (None, b'>') => break,
                _ => {}
            }
            j += 1;
        }
        let inner = &html[start + 1..j.min(html.len())];
        let inner = inner.trim_start_matches('/').trim_end_matches('/');
        let name: String = inner
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '!' || *c == ':')
            .collect::<String>()
            .to_ascii_lowercase();
        let mut attrs = Vec::new();
        let mut rest = &inner[name.len().min(inner.len())..];
        while let Some(eq) = rest.find('=') {
            let key = rest[..eq]
                .trim()
                .rsplit(' ')
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            let after = rest[eq + 1..].trim_start();
            let (value, tail) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let end = after[1..].find(q).map_or(after.len(), |e| e + 1);
                    (&after[1..end], &after[(end + 1).min(after.len())..])
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            attrs.push((key, value.to_string()));
            rest = tail;
        }
        out.push((name, attrs));
        i = j + 1;
    }
    out
}

/// No element or attribute that runs code, and links only to http(s).
fn assert_no_active_content(html: &str, page: &str) {
    for (name, attrs) in tags(html) {
        assert!(
            !matches!(
                name.as_str(),
                "script" | "iframe" | "object" | "embed" | "base" | "form"
            ),
            "{page}: a <{name}> element"
        );
        for (key, value) in attrs {
            assert!(!key.starts_with("on"), "{page}: <{name} {key}=...>");
            if matches!(
                key.as_str(),
                "href" | "src" | "xlink:href" | "action" | "formaction"
            ) {
                let v = value.trim().to_ascii_lowercase();
                assert!(
                    v.starts_with("http://") || v.starts_with("https://") || v.starts_with('#'),
                    "{page}: <{name} {key}=\"{value}\">"
                );
            }
        }
    }
    let lower = html.to_ascii_lowercase();
    assert!(
        !lower.contains("href=\"javascript") && !lower.contains("href=\"data:"),
        "{page}: a link that runs code"
    );
}

#[test]
fn hostile_labels_and_addresses_never_become_active_content() {
    let dir = crate::util::copy_of_boston();
    let path = dir.path().join("datapackage.json");
    let mut meta: serde_json::Value = serde_json::from_str(&crate::util::read(&path)).unwrap();
    meta["title"] = "<script>alert(1)</script> \"quoted\" & 'single'".into();
    meta["description"] = "<img src=x onerror=alert(1)>".into();
    meta["assumptions"]["honored_share"]["quote"] = "</blockquote><script>alert(2)</script>".into();
    meta["sources"] = serde_json::json!([
        {"title": "<b onmouseover=alert(3)>t</b>", "author": "\"><script>alert(4)</script>",
         "url": "javascript:alert(document.domain)", "caveat": "<style>body{display:none}</style>"},
        {"title": "data", "url": "data:text/html,<script>alert(5)</script>"},
        {"title": "ok", "url": "https://example.org/?a=\"b\"&c=<d>"},
        {"title": "spaced", "url": "  JAVASCRIPT:alert(6)"}
    ]);
    std::fs::write(&path, meta.to_string()).unwrap();
    let status = dir.path().join("status.csv");
    let text = crate::util::read(&status).replacen(
        "Final Order of Removal",
        "\"Final <script>alert(7)</script> \"\"q\"\" 'a'\"",
        1,
    );
    std::fs::write(&status, text).unwrap();
    // The claims and cases name the original groups; this test is about the page.
    std::fs::remove_file(dir.path().join("claims.csv")).unwrap();
    std::fs::remove_file(dir.path().join("cases.csv")).unwrap();
    let dataset = detainers::load_dataset(dir.path()).unwrap();
    let analysis = detainers::analyse(&dataset, 0.5).unwrap();
    let out = tempfile::tempdir().unwrap();
    detainers::write_report(&dataset, &analysis, &[], out.path()).unwrap();
    let html = crate::util::read(&out.path().join("report.html"));
    assert_no_active_content(&html, "report.html");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the title shows as text"
    );
    assert!(
        html.contains("javascript:alert(document.domain)"),
        "a refused address shows as text"
    );
    assert!(
        html.contains("<a href=\"https://example.org/?a=&quot;b&quot;&amp;c=&lt;d&gt;\">"),
        "http(s) stays a link"
    );
    for svg in std::fs::read_dir(out.path().join("figures"))
        .unwrap()
        .flatten()
    {
        if svg.path().extension().is_some_and(|e| e == "svg") {
            assert_no_active_content(
                &crate::util::read(&svg.path()),
                &svg.path().display().to_string(),
            );
        }
    }
}

#[test]
fn hostile_labels_in_record_files_never_become_active_content() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.csv");
    let hostile = b"\"<script>alert(1)</script>\"";
    let mut bytes = HEADER.as_bytes().to_vec();
    for i in 1..=3u32 {
        bytes.push(b'\n');
        let mut r = row(i, b"NA", b"Boston Area of Responsibility");
        // The case category, a used column shown in tables and charts.
        let at = r
            .windows(17)
            .position(|w| w == b"\"[2A] Deportable\"")
            .unwrap();
        r.splice(at..at + 17, hostile.iter().copied());
        bytes.extend_from_slice(&r);
    }
    std::fs::write(&path, &bytes).unwrap();
    let r = crate::util::run_engine(ScanEngine::Blocks, &[path], &Filters::default()).unwrap();
    assert_eq!(
        r.by_case_category[0].case_category.as_deref(),
        Some("<script>alert(1)</script>")
    );
    let out = tempfile::tempdir().unwrap();
    detainers::write_records_report(&r, out.path()).unwrap();
    let html = crate::util::read(&out.path().join("report.html"));
    assert_no_active_content(&html, "records report.html");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[test]
fn crosswalk_and_population_errors_name_the_physical_line() {
    let dir = tempfile::tempdir().unwrap();
    let crosswalk = dir.path().join("crosswalk.csv");
    std::fs::write(
        &crosswalk,
        "rule,field,match,value,group,note\r\n1,case_category,contains,Final,Final Order of Removal,\"two\r\nlines\"\r\nx,case_category,contains,Y,Final Order of Removal,\r\n",
    )
    .unwrap();
    let e = detainers::records::StatusCrosswalk::from_file(&crosswalk)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with(&format!("{}:4: column 'rule'", crosswalk.display())),
        "{e}"
    );
    let population = dir.path().join("population.csv");
    std::fs::write(
        &population,
        "aor|noncitizen_pop|year\r\nBOS|1000|2019\r\nSPM|-3|2019\r\n",
    )
    .unwrap();
    let e = detainers::records::PopulationTable::from_file(&population)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with(&format!(
            "{}:3: column 'noncitizen_pop'",
            population.display()
        )),
        "{e}"
    );
}

/// A record file of one row whose prepare date is `date`, as CSV.
fn one_row_csv(path: &Path, date: &str) {
    let text = format!(
        "detainer_prepare_date,facility_state,facility_aor,case_category,entry_status,\
         final_order_yes_no,illegal_reentry_yes_no,detainer_lift_reason,duplicate_likely\n\
         {date},MASSACHUSETTS,Boston Area of Responsibility,NA,NA,NO,NO,Detainer Declined by LEA,FALSE\n"
    );
    std::fs::write(path, text).unwrap();
}

/// The same row as Parquet, its prepare date a typed date (`date32`).
fn one_row_parquet(path: &Path, date: chrono::NaiveDate) {
    use detainers::polars::prelude::*;
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    let days = (date - epoch).num_days() as i32;
    let text = |name: &str, v: &str| Column::new(name.into(), [v]);
    let mut df = DataFrame::new_infer_height(vec![
        Column::new("detainer_prepare_date".into(), [days])
            .cast(&DataType::Date)
            .unwrap(),
        text("facility_state", "MASSACHUSETTS"),
        text("facility_aor", "Boston Area of Responsibility"),
        text("case_category", "NA"),
        text("entry_status", "NA"),
        text("final_order_yes_no", "NO"),
        text("illegal_reentry_yes_no", "NO"),
        text("detainer_lift_reason", "Detainer Declined by LEA"),
        Column::new("duplicate_likely".into(), [false]),
    ])
    .unwrap();
    let file = std::fs::File::create(path).unwrap();
    ParquetWriter::new(file).finish(&mut df).unwrap();
}

/// Bytes in every file under `dir`.
fn folder_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        total += if path.is_dir() {
            folder_bytes(&path)
        } else {
            std::fs::metadata(&path).unwrap().len()
        };
    }
    total
}

#[test]
fn one_odd_date_is_one_excluded_row_from_both_engines_in_csv_and_parquet() {
    let dir = tempfile::tempdir().unwrap();
    let ymd = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
    // (text in CSV, the typed date in Parquet, the reason both must give)
    let cases = [
        ("+214749-01-01", ymd(214_749, 1, 1), "unparseable_date"),
        ("-0001-01-01", ymd(-1, 1, 1), "unparseable_date"),
        ("10000-01-01", ymd(10_000, 1, 1), "unparseable_date"),
        ("0002-01-01", ymd(2, 1, 1), "unparseable_date"),
        ("1850-06-01", ymd(1850, 6, 1), "implausible_date"),
        ("2150-01-01", ymd(2150, 1, 1), "implausible_date"),
    ];
    for (i, (text, date, reason)) in cases.iter().enumerate() {
        let csv = dir.path().join(format!("odd{i}.csv"));
        one_row_csv(&csv, text);
        let parquet = dir.path().join(format!("odd{i}.parquet"));
        one_row_parquet(&parquet, *date);
        for file in [&csv, &parquet] {
            for engine in ["blocks", "polars"] {
                let out = dir.path().join(format!("out-{i}-{engine}"));
                let o = std::process::Command::new(env!("CARGO_BIN_EXE_detainers"))
                    .args(["records", "--quiet", "--engine", engine, "--out"])
                    .arg(&out)
                    .arg(file)
                    .output()
                    .unwrap();
                let context = format!("{text} in {} by {engine}", file.display());
                assert!(
                    o.status.success(),
                    "{context}: {}",
                    String::from_utf8_lossy(&o.stderr)
                );
                let v: serde_json::Value =
                    serde_json::from_str(&crate::util::read(&out.join("results.json"))).unwrap();
                assert_eq!(v["rows_read"], 1, "{context}");
                assert_eq!(v["rows_used"], 0, "{context}");
                assert_eq!(v["rows_excluded"][reason], 1, "{context}");
                assert_eq!(v["by_month"].as_array().unwrap().len(), 0, "{context}");
                assert!(v["outcomes"]["follow_up"]["as_of"].is_null(), "{context}");
                let bytes = folder_bytes(&out);
                assert!(bytes < 1_000_000, "{context}: {bytes} bytes of output");
            }
        }
    }
}

#[test]
fn streams_and_feather_v1_are_recognised_and_refused_with_advice() {
    for (name, words) in [
        ("stream.arrows", "Arrow IPC stream"),
        ("legacy_stream.arrows", "Arrow IPC stream"),
        ("feather_v1.feather", "Feather v1"),
    ] {
        let file = crate::util::fixture(&format!("typed/{name}"));
        let e = crate::util::both_engines(std::slice::from_ref(&file), &Filters::default(), None)
            .unwrap_err()
            .to_string();
        assert!(e.contains(name) && e.contains(words), "{e}");
        assert!(
            e.contains("write it") || e.contains("Parquet"),
            "advice: {e}"
        );
    }
}

/// The nine columns the analysis reads, then `extra`.
fn header_with(extra: &str) -> String {
    format!(
        "detainer_prepare_date,facility_state,facility_aor,case_category,entry_status,\
         final_order_yes_no,illegal_reentry_yes_no,detainer_lift_reason,duplicate_likely,{extra}\n"
    )
}

#[test]
fn a_header_longer_than_a_mebibyte_reads_whole() {
    let dir = tempfile::tempdir().unwrap();
    // A last column named with 600,000 two-byte characters: 1 MiB falls in
    // the middle of one of them.
    let name: String = std::iter::repeat_n('é', 600_000).collect();
    let header = header_with(&name);
    assert!(header.len() > 1 << 20);
    assert!(
        !header.is_char_boundary(1 << 20),
        "the old cut falls inside a character"
    );
    let path = dir.path().join("long-header.csv");
    std::fs::write(
        &path,
        format!("{header}2019-03-01,MA,Boston Area of Responsibility,NA,NA,NO,NO,NA,FALSE,x\n"),
    )
    .unwrap();
    let r = crate::util::both_engines(&[path], &Filters::default(), None).unwrap();
    assert_eq!((r.rows_read, r.rows_used), (1, 1));
}

#[test]
fn odd_file_names_are_shown_escaped_and_treated_alike_by_both_engines() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    // A newline in the name: the error stays on one line.
    let newline = dir.path().join("two\nlines.csv");
    std::fs::write(&newline, "day,place\n2019-03-01,x\n").unwrap();
    for engine in ENGINES {
        let e =
            crate::util::run_engine(engine, std::slice::from_ref(&newline), &Filters::default())
                .unwrap_err()
                .to_string();
        assert!(!e.contains('\n') && e.contains("two\\nlines.csv"), "{e}");
    }
    // A name that is not UTF-8: refused by both, in the same words.
    let bytes = std::ffi::OsStr::from_bytes(b"latin\xE9.csv");
    let latin = dir.path().join(bytes);
    std::fs::write(&latin, header_with("x")).unwrap();
    let e = crate::util::both_engines(&[latin], &Filters::default(), None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("not valid UTF-8") && !e.contains('\n'), "{e}");
}
