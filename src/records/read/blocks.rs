//! Cutting a record file into blocks of whole rows for the worker threads:
//! each block ends at a newline outside quotes, found with memchr, and
//! carries the physical line its first row starts on.

use crate::csv_table::physical_line;
use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;
use std::sync::mpsc::Receiver;

/// Bytes read per block (a block grows past this only to finish a row).
pub const BLOCK_BYTES: usize = 8 << 20;

/// The longest row (or header) read: a quote that is never closed would
/// otherwise make the row the rest of the file, held in memory and searched
/// again for its end at every block read.
pub const MAX_ROW_BYTES: usize = 2 * BLOCK_BYTES;

/// The error for a row that does not end within [`MAX_ROW_BYTES`]: the row
/// starts at `line`, after the last newline outside quotes, so the quote
/// that leaves it open is on that line.
fn unending_row(path: &Path, line: u64) -> Error {
    Error::input(
        path,
        Some(line),
        None,
        format!(
            "malformed CSV: a quote on this line is never closed (the row runs past {} MiB)",
            MAX_ROW_BYTES >> 20
        ),
    )
}

/// A block of whole rows, the file line its first row starts on, and the
/// number of lines in it.
pub(crate) struct Block {
    pub(crate) bytes: Vec<u8>,
    pub(crate) first_line: u64,
    pub(crate) lines: u64,
}

impl Block {
    /// The file line of the byte at `offset` in this block.
    pub(crate) fn line_at(&self, offset: u64) -> u64 {
        self.first_line + physical_line(&self.bytes, offset) - 1
    }
}

/// Read `path` after its header line in blocks of whole rows and hand each to
/// `deliver`, which returns false to stop early. Buffers come from `recycled`
/// when a worker has handed one back.
pub(crate) fn read_blocks(
    path: &Path,
    recycled: &Receiver<Vec<u8>>,
    mut deliver: impl FnMut(Block) -> bool,
) -> Result<()> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let fresh = || Vec::with_capacity(BLOCK_BYTES + (1 << 16));
    let mut buf: Vec<u8> = fresh();
    let mut header_done = false;
    let mut line = 1u64; // the file line `buf` starts on
    let mut at_eof = false;
    loop {
        if !at_eof {
            buf.reserve(BLOCK_BYTES);
            let n = file
                .by_ref()
                .take(BLOCK_BYTES as u64)
                .read_to_end(&mut buf)
                .map_err(|e| Error::io(path, e))?;
            at_eof = n == 0;
        }
        if !header_done {
            if buf.starts_with(b"\xEF\xBB\xBF") {
                buf.drain(..3);
            }
            match first_row_end(&buf) {
                Some(end) => {
                    buf.drain(..=end);
                    line += 1;
                    header_done = true;
                }
                None if at_eof => return Ok(()),
                None if buf.len() > MAX_ROW_BYTES => return Err(unending_row(path, line)),
                None => continue,
            }
        }
        let cut = if at_eof {
            (!buf.is_empty()).then(|| buf.len() - 1)
        } else {
            last_row_end(&buf)
        };
        match cut {
            Some(end) => {
                let mut next = recycled.try_recv().unwrap_or_else(|_| fresh());
                next.clear();
                next.extend_from_slice(&buf[end + 1..]);
                buf.truncate(end + 1);
                let newlines = count_byte(&buf, b'\n') as u64;
                // A last line without a newline (the end of the file) counts too.
                let unterminated = u64::from(buf.last() != Some(&b'\n'));
                let block = Block {
                    bytes: std::mem::replace(&mut buf, next),
                    first_line: line,
                    lines: newlines + unterminated,
                };
                line += newlines;
                if !deliver(block) {
                    return Ok(());
                }
            }
            None if at_eof => return Ok(()),
            None if buf.len() > MAX_ROW_BYTES => return Err(unending_row(path, line)),
            None => {} // no row ends in this block yet: read more
        }
        if at_eof && buf.is_empty() {
            return Ok(());
        }
    }
}

/// A `csv` reader over the rows of one block, which reads a byte-order mark
/// at the block's start as data. The `csv` crate drops one at the start of
/// its input, as it would at the start of a file; here the file's own mark
/// is gone with its header, and a mark that starts a block starts a row, so
/// it is kept, as polars keeps it.
pub(crate) fn block_reader(bytes: &[u8], delimiter: u8) -> csv::Reader<KeepMark<'_>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(KeepMark {
            rest: bytes,
            started: false,
        })
}

/// The bytes of a block, handed out one byte on the first read: the `csv`
/// crate looks for a byte-order mark only in its first input, and only when
/// it holds all three bytes of it.
pub(crate) struct KeepMark<'a> {
    rest: &'a [u8],
    started: bool,
}

impl Read for KeepMark<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let limit = if self.started { buf.len() } else { 1 };
        self.started = true;
        let n = limit.min(buf.len()).min(self.rest.len());
        buf[..n].copy_from_slice(&self.rest[..n]);
        self.rest = &self.rest[n..];
        Ok(n)
    }
}

/// Occurrences of `byte`. memchr counts with vector instructions chosen at
/// run time (AVX2 where the CPU has it), however dense the matches.
pub(crate) fn count_byte(bytes: &[u8], byte: u8) -> usize {
    memchr::memchr_iter(byte, bytes).count()
}

/// The first newline outside quotes, for a buffer that starts at a row.
fn first_row_end(buf: &[u8]) -> Option<usize> {
    let mut quoted = false;
    for (i, &b) in buf.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => return Some(i),
            _ => {}
        }
    }
    None
}

/// The last newline outside quotes, for a buffer that starts at a row: a
/// newline with an even number of quote characters before it.
fn last_row_end(buf: &[u8]) -> Option<usize> {
    let mut end = memchr::memrchr(b'\n', buf)?;
    let mut odd = count_byte(&buf[..end], b'"') % 2 == 1;
    while odd {
        let previous = memchr::memrchr(b'\n', &buf[..end])?;
        odd ^= count_byte(&buf[previous..end], b'"') % 2 == 1;
        end = previous;
    }
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_end_at_newlines_outside_quotes() {
        assert_eq!(last_row_end(b"a,b\n\"x\ny\",c\nd"), Some(11));
        assert_eq!(last_row_end(b"a,\"b\nc"), None);
        assert_eq!(last_row_end(b"a,b\n\"open\nstill"), Some(3));
        assert_eq!(first_row_end(b"\"h\n1\",h2\nx"), Some(8));
        assert_eq!(last_row_end(b"no newline"), None);
    }

    #[test]
    fn a_mark_that_starts_a_block_is_read_as_data() {
        let mut reader = block_reader(b"\xEF\xBB\xBFa,b\n\xEF\xBB\xBF\nc,d", b',');
        let rows: Vec<Vec<Vec<u8>>> = reader
            .byte_records()
            .map(|r| r.unwrap().iter().map(<[u8]>::to_vec).collect())
            .collect();
        assert_eq!(
            rows,
            vec![
                vec![b"\xEF\xBB\xBFa".to_vec(), b"b".to_vec()],
                vec![b"\xEF\xBB\xBF".to_vec()],
                vec![b"c".to_vec(), b"d".to_vec()],
            ]
        );
    }

    #[test]
    fn counts_bytes_across_lane_and_chunk_edges() {
        let mut data = Vec::new();
        for i in 0..100_000u32 {
            data.push(if i % 3 == 0 || i % 255 == 0 {
                b'"'
            } else {
                b'x'
            });
        }
        for len in [0, 1, 31, 32, 33, 8160, 8161, 100_000] {
            let slice = &data[..len];
            let naive = slice.iter().filter(|&&b| b == b'"').count();
            assert_eq!(count_byte(slice, b'"'), naive, "length {len}");
        }
        assert_eq!(count_byte(&[b'"'; 20_000], b'"'), 20_000);
    }
}
