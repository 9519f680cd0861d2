//! One rule for quoting, held by both engines: the quoting of RFC 4180, and
//! nothing looser. The `csv` crate and polars each accept some malformed
//! quoting, differently (`"abc"def`, a quote that is never closed, a
//! carriage return that ends no line), so they would read such a file
//! differently; checked first, it is an error naming its line in both.

use super::blocks::{block_reader, count_byte, read_blocks, Block};
use crate::error::{Error, Result};
use std::path::Path;
use std::sync::mpsc::channel;

/// What is wrong with the first malformed byte of `bytes` (a block of whole
/// rows, or a header line) and its offset; `None` when the quoting is sound.
///
/// Outside quotes, a quote may only open a field (at the start of a line or
/// after the `delimiter`) and a carriage return may only end a line (before
/// a newline). Inside quotes, a quote is doubled (`""`) or closes the field,
/// followed by the delimiter, the end of the line or the end of the bytes.
pub(crate) fn first_malformed(bytes: &[u8], delimiter: u8) -> Option<(usize, &'static str)> {
    let mut inside: Option<usize> = None; // where the open quoted field began
    let mut skip_to = 0;
    for p in memchr::memchr2_iter(b'"', b'\r', bytes) {
        if p < skip_to {
            continue;
        }
        let next = bytes.get(p + 1).copied();
        match (bytes[p], inside) {
            (b'\r', None) if next != Some(b'\n') => {
                return Some((p, "a carriage return that does not end a line"));
            }
            (b'\r', _) => {}
            (_, None) => {
                if p == 0 || bytes[p - 1] == delimiter || bytes[p - 1] == b'\n' {
                    inside = Some(p);
                } else {
                    return Some((p, "a quote inside a field that does not start with one"));
                }
            }
            (_, Some(_)) => match next {
                Some(b'"') => skip_to = p + 2,
                None | Some(b'\n' | b'\r') => inside = None,
                Some(d) if d == delimiter => inside = None,
                Some(_) => return Some((p, "text after the quote that closes a field")),
            },
        }
    }
    inside.map(|start| (start, "a quoted field that is never closed"))
}

/// Check the quoting of one block of `path`: the error names the file line
/// of the first malformed byte, and is returned with that line, so that
/// workers can report the earliest.
pub(crate) fn check_block(
    path: &Path,
    block: &Block,
    delimiter: u8,
) -> std::result::Result<(), (u64, Error)> {
    match first_malformed(&block.bytes, delimiter) {
        Some((offset, what)) => {
            let at = block.line_at(offset as u64);
            let message = format!("malformed CSV: {what}");
            Err((at, Error::input(path, Some(at), None, message)))
        }
        None => Ok(()),
    }
}

/// Check the quoting of every row of the file at `path` (with `delimiter`
/// and `width` columns in its header), reading it in blocks as the block
/// engine does, so that the polars engine refuses what this engine refuses,
/// at the same line; and list its short rows: the data rows (0-based, in
/// file order, a blank line counted as a row, as polars counts rows) with
/// fewer fields than the header. polars fills a missing field as it fills
/// an empty one, so it cannot tell a short row itself.
///
/// # Errors
/// [`Error::Input`] naming the file and line of the first malformed quote,
/// or of a row the `csv` crate cannot read.
pub(crate) fn check_rows(path: &Path, delimiter: u8, width: usize) -> Result<Vec<u64>> {
    let (_unused, recycled) = channel::<Vec<u8>>();
    let mut found: Option<Error> = None;
    let mut short = Vec::new();
    let mut row = 0u64; // data rows before this block
    read_blocks(path, &recycled, |block| {
        if let Err((_, e)) = check_block(path, &block, delimiter) {
            found = Some(e);
            return false;
        }
        match block_short_rows(&block, delimiter, width, &mut row, &mut short) {
            Ok(()) => true,
            Err((offset, cause)) => {
                let at = block.line_at(offset);
                found = Some(Error::input_caused(
                    path,
                    Some(at),
                    None,
                    "could not read as CSV",
                    cause,
                ));
                false
            }
        }
    })?;
    match found {
        Some(e) => Err(e),
        None => Ok(short),
    }
}

/// The short rows of one block, numbered from `row` (which is advanced past
/// the block). The `csv` crate skips blank lines; each is a row of no
/// fields here, found from the gap in line numbers it leaves.
fn block_short_rows(
    block: &Block,
    delimiter: u8,
    width: usize,
    row: &mut u64,
    short: &mut Vec<u64>,
) -> std::result::Result<(), (u64, csv::Error)> {
    let mut reader = block_reader(&block.bytes, delimiter);
    let mut record = csv::ByteRecord::new();
    let bytes = block.bytes.as_slice();
    let mut cursor = 0usize; // where the reader stood after the last row
    let mut lines_read = 0u64;
    let blank = |n: u64, row: &mut u64, short: &mut Vec<u64>| {
        for _ in 0..n {
            short.push(*row);
            *row += 1;
        }
    };
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err((e.position().map_or(0, csv::Position::byte), e)),
        }
        // The reader skipped the blank lines before the row; its position
        // is where it began looking, so they are counted from there.
        let skipped = leading_blank_lines(bytes.get(cursor..).unwrap_or_default());
        blank(skipped, row, short);
        lines_read += skipped + 1 + count_byte(record.as_slice(), b'\n') as u64;
        if record.len() < width {
            short.push(*row);
        }
        *row += 1;
        // A row ended by `\r\n` leaves the reader between the two bytes.
        cursor = reader.position().byte() as usize;
        if cursor > 0 && bytes.get(cursor - 1) == Some(&b'\r') && bytes.get(cursor) == Some(&b'\n')
        {
            cursor += 1;
        }
    }
    // Blank lines after the last row (the block's line count includes a
    // last line without a newline, as the block engine counts them).
    blank(block.lines.saturating_sub(lines_read), row, short);
    Ok(())
}

/// Empty lines (`\n` or `\r\n` alone) at the start of `bytes`, as the `csv`
/// crate skips them.
fn leading_blank_lines(bytes: &[u8]) -> u64 {
    let mut n = 0;
    let mut rest = bytes;
    loop {
        rest = match rest {
            [b'\n', tail @ ..] | [b'\r', b'\n', tail @ ..] => tail,
            _ => return n,
        };
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sound_quoting_passes_and_each_fault_is_found_where_it_is() {
        for sound in [
            &b"a,b\n\"x, y\",\"he said \"\"hi\"\"\"\r\n\"two\nlines\",\"\"\n"[..],
            b"",
            b"\"a\"",
            b"a,\"b\"\r\n",
            b"\"cr \r inside quotes\",x\n",
        ] {
            assert_eq!(
                first_malformed(sound, b','),
                None,
                "{}",
                String::from_utf8_lossy(sound)
            );
        }
        assert_eq!(first_malformed(b"a,\"bc\"d\n", b',').map(|f| f.0), Some(5));
        assert_eq!(first_malformed(b"a,b\"c\n", b',').map(|f| f.0), Some(3));
        assert_eq!(
            first_malformed(b"a,\"open\nx\n", b',').map(|f| f.0),
            Some(2)
        );
        assert_eq!(first_malformed(b"a\rb\n", b',').map(|f| f.0), Some(1));
        assert_eq!(
            first_malformed(b"x,\"ab\"c\"", b',').map(|f| f.1),
            Some("text after the quote that closes a field")
        );
        // With a tab as the delimiter, a quote opens a field after a tab.
        assert_eq!(first_malformed(b"a\t\"b\tc\"\n", b'\t'), None);
        assert!(first_malformed(b"a\t\"b\"c\n", b'\t').is_some());
    }
}
