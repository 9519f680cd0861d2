//! A CSV record file's header line: its column names, read once and checked.

use super::quoting::first_malformed;
use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;

/// The longest header line read: 16 MiB, far beyond any release's (64
/// columns of about 25 characters), so a file that is not a record file
/// cannot make the reader hold it whole.
pub(crate) const MAX_HEADER_BYTES: usize = 16 << 20;

/// Read the header line of a text record file: its delimiter
/// ([`find_delimiter`]) and its column names, with an unnamed column named
/// `_index` and a repeated name suffixed by its position.
///
/// # Errors
/// [`Error::Input`] naming the file for an empty file, a UTF-16 file, a
/// header that is not UTF-8, malformed or longer than [`MAX_HEADER_BYTES`].
pub(crate) fn read_header(path: &Path) -> Result<CsvHeader> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    // Read until the header's line ends (and past blank lines, to tell an
    // empty file), however long the line: it is decoded only once whole, so
    // a cut can never fall inside a character.
    let mut head = Vec::with_capacity(64 * 1024);
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut chunk).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&chunk[..n]);
        let ended = memchr::memchr(b'\n', &head).is_some();
        if ended && !head.iter().all(u8::is_ascii_whitespace) {
            break;
        }
        if head.len() > MAX_HEADER_BYTES {
            if !ended {
                return Err(Error::input(
                    path,
                    Some(1),
                    None,
                    format!(
                        "the header line is longer than {} MiB; is this a detainer file?",
                        MAX_HEADER_BYTES >> 20
                    ),
                ));
            }
            break;
        }
    }
    if head.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::input(path, None, None, "file is empty"));
    }
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Err(Error::input(
            path,
            None,
            None,
            "file is UTF-16; save it as UTF-8 (CSV UTF-8) and try again",
        ));
    }
    let end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let line = &head[..end];
    let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    let without_cr = line.strip_suffix(b"\r").unwrap_or(line);
    if without_cr.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::input(
            path,
            Some(1),
            None,
            "the header line is empty; the file's first line must name its columns",
        ));
    }
    let delimiter = find_delimiter(without_cr);
    if let Some((_, what)) = first_malformed(without_cr, delimiter) {
        return Err(Error::input(
            path,
            Some(1),
            None,
            format!("malformed CSV header: {what}"),
        ));
    }
    let text = std::str::from_utf8(line)
        .map_err(|_| Error::input(path, Some(1), None, "the header is not valid UTF-8"))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let record = reader
        .records()
        .next()
        .transpose()
        .map_err(|e| Error::input_caused(path, Some(1), None, "malformed header", e))?
        .ok_or_else(|| Error::input(path, None, None, "file is empty"))?;
    let mut names: Vec<String> = Vec::with_capacity(record.len());
    for (i, raw) in record.iter().enumerate() {
        let name = raw.trim();
        let mut name = if name.is_empty() {
            "_index".to_string()
        } else {
            name.to_string()
        };
        if names.contains(&name) {
            name = format!("{name}_{}", i + 1);
        }
        names.push(name);
    }
    Ok(CsvHeader { names, delimiter })
}

/// A text file's header: its column names and the delimiter between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CsvHeader {
    /// The names, an unnamed column as `_index` and a repeated name
    /// suffixed by its position.
    pub(crate) names: Vec<String>,
    /// The field delimiter.
    pub(crate) delimiter: u8,
}

/// The delimiters a header is tried with, in the order a tie is broken.
pub(crate) const DELIMITERS: [u8; 4] = [b',', b'\t', b'|', b';'];

/// The delimiter of a header line: the one of [`DELIMITERS`] that occurs
/// most often outside quotes (a comma when none does), whatever the file is
/// called. NPR's and DDP's per-year files use commas and tabs, UWCHR's
/// tables `|`, European spreadsheets `;`.
pub(crate) fn find_delimiter(line: &[u8]) -> u8 {
    let mut counts = [0usize; 4];
    let mut quoted = false;
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(i) = DELIMITERS.iter().position(|d| *d == b) {
                counts[i] += 1;
            }
        }
    }
    let best = (0..4).fold(0, |best, i| if counts[i] > counts[best] { i } else { best });
    DELIMITERS[best]
}

/// A delimiter as people write it.
pub(crate) fn delimiter_name(delimiter: u8) -> String {
    match delimiter {
        b'\t' => "tab".to_string(),
        d => (d as char).to_string(),
    }
}
