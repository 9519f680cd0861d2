//! One rule for quoting, held by both engines: the quoting of RFC 4180, and
//! nothing looser. The `csv` crate and polars each accept some malformed
//! quoting, differently (`"abc"def`, a quote that is never closed, a
//! carriage return that ends no line), so they would read such a file
//! differently; checked first, it is an error naming its line in both.

use super::blocks::read_blocks;
use crate::csv_table::physical_line;
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

/// Check the quoting of every row of `files`, reading them in blocks as the
/// block engine does, so that the polars engine refuses what this engine
/// refuses, at the same line.
///
/// # Errors
/// [`Error::Input`] naming the file and line of the first malformed quote.
pub(crate) fn check_quoting(files: &[(&Path, u8)]) -> Result<()> {
    for &(path, delimiter) in files {
        let (_unused, recycled) = channel::<Vec<u8>>();
        let mut found: Option<Error> = None;
        read_blocks(path, &recycled, |block| {
            match first_malformed(&block.bytes, delimiter) {
                Some((offset, what)) => {
                    let at = block.first_line + physical_line(&block.bytes, offset as u64) - 1;
                    found = Some(Error::input(
                        path,
                        Some(at),
                        None,
                        format!("malformed CSV: {what}"),
                    ));
                    false
                }
                None => true,
            }
        })?;
        if let Some(e) = found {
            return Err(e);
        }
    }
    Ok(())
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
