//! The two record-scan engines (worker-thread blocks, and polars' streaming
//! CSV reader) must give the same results on every input: fixtures, the real
//! sample, generated files, and files built to be awkward (quoted newlines
//! across block boundaries, CRLF, a byte-order mark, blank lines, no final
//! newline).

use chrono::NaiveDate;
use detainers::records::resolve_aor;
use detainers::records::BLOCK_BYTES;
use detainers::{generate_file, Size};
use detainers::{Duplicates, Filters, RecordResults};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Both engines on `files`: equal results ([`crate::util::both_engines`]),
/// which must be a success.
fn agree(files: &[PathBuf], f: &Filters) -> RecordResults {
    crate::util::both_engines(files, f, None)
        .unwrap_or_else(|e| panic!("{files:?} with {f:?}: {e}"))
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn filter_sets() -> Vec<Filters> {
    let bos = Some(resolve_aor("BOS").unwrap().into());
    vec![
        Filters::default(),
        Filters {
            aor: bos.clone(),
            from: Some(day("2018-03-19")),
            to: Some(day("2018-05-30")),
            ..Filters::default()
        },
        Filters {
            aor: bos,
            state: Some("massachusetts".into()),
            duplicates: Duplicates::Include,
            ..Filters::default()
        },
        Filters {
            duplicates: Duplicates::KeepFirst,
            ..Filters::default()
        },
    ]
}

#[test]
fn engines_agree_on_every_fixture() {
    // Each fixture with what both engines must make of it: the data rows
    // (counted by eye from the files: every line after the header) or the
    // words of the one error both give.
    let expected: [(&str, Result<u64, &str>); 11] = [
        ("areas.csv", Ok(11)),
        ("empty.csv", Err("file is empty")),
        ("header-only-unknown.csv", Err("no known layout")),
        ("header-only.csv", Ok(0)),
        ("latin1.csv", Err(":2: column 'facility_aor'")),
        ("mini.csv", Ok(11)),
        // Only a prepare date and a state: read, the rest said missing.
        ("missing-column.csv", Ok(1)),
        ("pairs.csv", Ok(8)),
        ("ragged.csv", Ok(3)),
        ("short.csv", Ok(3)),
        ("utf16.csv", Err("file is UTF-16")),
    ];
    let dir = crate::util::fixture("records");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let listed: Vec<&str> = expected.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, listed, "every fixture has an expectation");
    for (name, want) in expected {
        let path = dir.join(name);
        for f in filter_sets() {
            let got = crate::util::both_engines(std::slice::from_ref(&path), &f, None);
            // A file without a person: keep-first is refused before any
            // row (a usage error); one without an area: an area filter is.
            let no_person = ["latin1.csv", "missing-column.csv"].contains(&name);
            let want = match want {
                _ if no_person && f.duplicates == Duplicates::KeepFirst => {
                    Err("has no unique_identifier column")
                }
                Ok(_) if name == "missing-column.csv" && f.aor.is_some() => {
                    Err("has no facility_aor column")
                }
                w => w,
            };
            match (got, want) {
                (Ok(r), Ok(rows)) => {
                    assert_eq!(r.rows_read, rows, "{name} with {f:?}");
                    let excluded: u64 = r.rows_excluded.values().sum();
                    assert_eq!(r.rows_used + excluded, rows, "{name}: every row once");
                }
                (Err(e), Err(words)) => {
                    let e = e.to_string();
                    assert!(e.contains(&path.display().to_string()), "{e}");
                    assert!(e.contains(words), "{name} with {f:?}: {e}");
                }
                (got, want) => panic!("{name} with {f:?}: {got:?}, expected {want:?}"),
            }
        }
    }
}

#[test]
fn engines_agree_on_the_real_sample() {
    let Some(sample) = crate::util::real_detainer_sample() else {
        return;
    };
    let r = agree(&[sample], &Filters::default());
    assert_eq!(
        (r.rows_read, r.rows_used, r.declined_by_lea.count),
        (22, 22, 22)
    );
}

#[test]
fn engines_agree_on_generated_files_larger_than_a_block() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    let ga = generate_file(&a, Size::Bytes(3 * BLOCK_BYTES as u64), 11).unwrap();
    let (rows_a, bytes_a) = (ga.rows, ga.bytes);
    let rows_b = generate_file(&b, Size::Rows(5_000), 12).unwrap().rows;
    assert!(bytes_a > 2 * BLOCK_BYTES as u64);
    for f in filter_sets() {
        let r = agree(&[a.clone(), b.clone()], &f);
        assert_eq!(r.rows_read, rows_a + rows_b);
    }
}

/// A detainer file with awkward but valid CSV: a quoted note with commas,
/// escaped quotes and newlines in many rows (so block cuts fall near them),
/// CRLF line ends, blank lines, a byte-order mark and no newline after the
/// last row.
fn awkward_file(path: &Path, rows: usize) {
    let mut text = String::from("\u{feff}\"\",\"detainer_prepare_date\",\"facility_state\",\"facility_aor\",\"note\",\"case_category\",\"entry_status\",\"final_order_yes_no\",\"illegal_reentry_yes_no\",\"detainer_lift_reason\",\"duplicate_likely\",\"unique_identifier\",\"row_original\"\r\n");
    let areas = [
        "Boston Area of Responsibility",
        "Boston  Area of Responsibility",
        "St. Paul Area of Responsibility",
    ];
    let reasons = [
        "\"Detainer Declined by LEA\"",
        "NA",
        "\"Booked into Detention\"",
    ];
    for i in 0..rows {
        let note = match i % 4 {
            0 => "\"line one\nline two, with a comma\"".to_string(),
            1 => format!("\"he said \"\"{i}\"\", then\r\nleft\""),
            2 => "NA".to_string(),
            _ => "\"\"".to_string(),
        };
        let date = match i % 29 {
            0 => "NA".to_string(),
            1 => "2018-02-30".to_string(),
            _ => format!("2018-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
        };
        // Every 97th row ends a field early (short); every 89th has an
        // empty last field, which is a value like any other.
        let last = if i % 97 == 0 {
            String::new()
        } else if i % 89 == 0 {
            ",".to_string()
        } else {
            format!(",{i}")
        };
        if i % 50 == 25 {
            text.push_str("\r\n"); // a blank line
        }
        let _ = write!(
            text,
            "\"{i}\",{date},\"MASSACHUSETTS\",\"{}\",{note},\"[2A] Deportable\",NA,\"{}\",NA,{},{},\"p{}\"{last}\r\n",
            areas[i % 3],
            if i % 2 == 0 { "YES" } else { "NO" },
            reasons[i % 3],
            if i % 31 == 0 { "TRUE" } else { "FALSE" },
            // Rows 2604 (= 31 x 84) apart share a person and a date, and both
            // are flagged when the first is.
            i % 2604,
        );
    }
    let text = text.trim_end_matches("\r\n");
    std::fs::write(path, text).unwrap();
}

#[test]
fn engines_agree_on_quoted_newlines_crlf_and_a_bom() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("awkward.csv");
    // About 120 bytes a row: enough rows to span three blocks.
    let rows = 3 * BLOCK_BYTES / 120;
    awkward_file(&path, rows);
    // A blank line is read as a row with every field missing: a short row.
    let blank = (0..rows).filter(|i| i % 50 == 25).count() as u64;
    for f in filter_sets() {
        let r = agree(std::slice::from_ref(&path), &f);
        assert_eq!(r.rows_read, rows as u64 + blank);
    }
    let r = agree(std::slice::from_ref(&path), &Filters::default());
    let short = (0..rows).filter(|i| i % 97 == 0).count() as u64;
    assert_eq!(r.rows_excluded["short_row"], short + blank);
    // Dates written as NA (every 29th row) and as 2018-02-30 (the next),
    // on rows that are not short.
    let not_short = |i: &usize| !i.is_multiple_of(97);
    let missing = (0..rows).filter(|i| i % 29 == 0 && not_short(i)).count() as u64;
    let unparseable = (0..rows).filter(|i| i % 29 == 1 && not_short(i)).count() as u64;
    assert_eq!(r.rows_excluded["missing_date"], missing);
    assert_eq!(r.rows_excluded["unparseable_date"], unparseable);
    // Flagged rows with a good date and a full row, and their distinct
    // (person, date) groups, counted here from the rules that wrote the file.
    let flagged: Vec<usize> = (0..rows)
        .filter(|i| i % 31 == 0 && i % 97 != 0 && i % 29 > 1)
        .collect();
    let groups: std::collections::BTreeSet<(usize, usize, usize)> =
        flagged.iter().map(|i| (i % 2604, i % 12, i % 28)).collect();
    assert!(groups.len() < flagged.len(), "the file has flagged pairs");
    let keep_first = Filters {
        duplicates: Duplicates::KeepFirst,
        ..Filters::default()
    };
    let k = agree(std::slice::from_ref(&path), &keep_first);
    assert_eq!(k.duplicates.flagged_rows, flagged.len() as u64);
    assert_eq!(k.duplicates.flagged_groups, Some(groups.len() as u64));
    assert_eq!(k.rows_used, r.rows_used + groups.len() as u64);
    assert_eq!(
        k.rows_excluded["duplicate_likely"],
        (flagged.len() - groups.len()) as u64
    );
}

#[test]
fn engines_agree_on_blank_lines_and_file_ends() {
    let mini = crate::util::read(&crate::util::fixture("records/mini.csv"));
    let mut lines = mini.lines();
    let header = lines.next().unwrap();
    let row = lines.next().unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Each text with the rows it holds and how many of them are blank: a
    // line after the header is a row, a blank one a row with every field
    // missing (a short row), and the last line break starts no row.
    let variants = [
        (format!("{header}\n{row}\n"), 1, 0),
        (format!("{header}\n{row}"), 1, 0),
        (format!("{header}\n{row}\n\n"), 2, 1),
        (format!("{header}\n{row}\n\n\n"), 3, 2),
        (format!("{header}\n\n{row}\n"), 2, 1),
        (format!("{header}\r\n{row}\r\n\r\n{row}\r\n"), 3, 1),
        (format!("{header}\n  \n{row}\n"), 2, 1),
        // A line of only a byte-order mark, where a block starts.
        (format!("{header}\n\u{feff}\n{row}\n"), 2, 1),
        (format!("{header}\n{row}\n\u{feff}\n{row}\n"), 3, 1),
        (format!("{header}\n"), 0, 0),
        (header.to_string(), 0, 0),
    ];
    for (i, (text, rows, blank)) in variants.iter().enumerate() {
        let path = dir.path().join(format!("v{i}.csv"));
        std::fs::write(&path, text).unwrap();
        for f in filter_sets() {
            let r = agree(std::slice::from_ref(&path), &f);
            assert_eq!(r.rows_read, *rows, "variant {i}");
            assert_eq!(r.rows_excluded["short_row"], *blank, "variant {i}");
        }
    }
}

/// A byte-order mark that starts a row is data, wherever the row falls:
/// at a block's start too (the `csv` crate drops a mark at the start of
/// its input, and the block engine starts a reader at every block).
#[test]
fn a_mark_that_starts_a_row_is_data_in_both_engines_at_every_block_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("marks.csv");
    let mut text = String::from("date,lift_reason,det_facility,city,state,detainer_type\n");
    let mut rows = 0u64;
    while text.len() < 2 * BLOCK_BYTES + BLOCK_BYTES / 2 {
        text.push_str("\u{feff}2018-04-02,Lifted,COUNTY JAIL,BOSTON,MA,I-247D\n");
        rows += 1;
    }
    std::fs::write(&path, text).unwrap();
    let r = agree(std::slice::from_ref(&path), &Filters::default());
    assert_eq!(r.files[0].layout, "npr-processed");
    // Every date is the mark and a date: not a date in the forms read.
    assert_eq!((r.rows_read, r.rows_used), (rows, 0));
    assert_eq!(r.rows_excluded["unparseable_date"], rows);
}
