//! Which format a record file is in, told by its first bytes rather than its
//! name: CSV as the release's text export, Parquet and Arrow IPC (Feather v2)
//! as the Deportation Data Project writes them, xlsx workbooks as ICE
//! releases them. Formats the tool cannot read
//! are named, with what to do, instead of being read as broken CSV.

use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;

/// A record file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// Comma-separated text (anything not recognised below).
    Csv,
    /// Apache Parquet (`PAR1`).
    Parquet,
    /// Arrow IPC file format, also called Feather v2 (`ARROW1`).
    Ipc,
    /// An Excel workbook (`PK`, a zip archive), as ICE releases the records.
    Xlsx,
}

impl FileFormat {
    /// The format's name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            FileFormat::Csv => "CSV",
            FileFormat::Parquet => "Parquet",
            FileFormat::Ipc => "Arrow IPC (Feather v2)",
            FileFormat::Xlsx => "xlsx",
        }
    }

    /// The usual file extension (without the dot).
    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Parquet => "parquet",
            FileFormat::Ipc => "feather",
            FileFormat::Xlsx => "xlsx",
        }
    }
}

impl std::str::FromStr for FileFormat {
    type Err = Error;
    /// `csv`, `parquet`, `ipc` (or `feather`) and `xlsx`, as `--format` takes them.
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Ok(FileFormat::Csv),
            "parquet" => Ok(FileFormat::Parquet),
            "ipc" | "feather" | "arrow" => Ok(FileFormat::Ipc),
            "xlsx" => Ok(FileFormat::Xlsx),
            _ => Err(Error::Argument(format!(
                "unknown format '{s}'; use csv, parquet, ipc or xlsx"
            ))),
        }
    }
}

/// The format of the file at `path`, from its first bytes.
///
/// # Errors
/// [`Error::Input`] naming the file when it cannot be opened, or when its
/// first bytes say it is a format the tool does not read (Feather v1, an
/// Arrow IPC stream, a legacy xls
/// workbook, a gzip or zstd compressed file), saying what to do instead.
pub fn detect_format(path: &Path) -> Result<FileFormat> {
    let mut head = [0u8; 8];
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    // A file is read more than once (its layout, then its rows, then again
    // when a spelling of a filtered label is accepted): a pipe or a device
    // would give its first bytes to the first read only.
    let kind = file.metadata().map_err(|e| Error::io(path, e))?.file_type();
    if !kind.is_file() {
        return Err(Error::input(
            path,
            None,
            None,
            "is not a regular file (a pipe, a device or a folder), and a record file is read more than once; save it to a file first",
        ));
    }
    let mut n = 0;
    while n < head.len() {
        match file.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) => return Err(Error::io(path, e)),
        }
    }
    let head = &head[..n];
    let refuse = |what: &str| Err(Error::input(path, None, None, what.to_string()));
    if head.starts_with(b"PAR1") {
        Ok(FileFormat::Parquet)
    } else if head.starts_with(b"ARROW1") {
        Ok(FileFormat::Ipc)
    } else if head.starts_with(b"FEA1") {
        refuse(
            "file is Feather v1, which is not read; write it as Feather v2 (Arrow IPC) or Parquet",
        )
    } else if head.starts_with(&[0xFF, 0xFF, 0xFF, 0xFF]) || is_legacy_ipc_stream(head) {
        refuse("file is an Arrow IPC stream, which is not read; write it in the Arrow IPC file format (Feather v2) or as Parquet")
    } else if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        // A zip archive: an xlsx workbook, or a file the workbook reader
        // will name as unreadable.
        Ok(FileFormat::Xlsx)
    } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        refuse(
            "file is a legacy Excel workbook (xls), which is not read; save the sheet as CSV UTF-8",
        )
    } else if head.starts_with(&[0x1F, 0x8B]) {
        refuse("file is gzip-compressed; decompress it first")
    } else if head.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) {
        refuse("file is zstd-compressed; decompress it first")
    } else if head.starts_with(b"BZh") && head.get(3).is_some_and(|d| (b'1'..=b'9').contains(d)) {
        refuse("file is bzip2-compressed; decompress it first")
    } else if head.starts_with(&[0xFD, b'7', b'z', b'X', b'Z', 0x00]) {
        refuse("file is xz-compressed; decompress it first")
    } else if head.starts_with(&[0x04, 0x22, 0x4D, 0x18]) {
        refuse("file is lz4-compressed; decompress it first")
    } else {
        Ok(FileFormat::Csv)
    }
}

/// An Arrow IPC stream in the format before the continuation marker (Arrow
/// before 0.15): a little-endian length of the first message's metadata,
/// below 16 MiB and padded so that it and its four bytes end on a multiple
/// of 8, then the offset of a flatbuffer's root table, a few hundred bytes
/// at most. Text never starts so: its fourth byte would be a character,
/// making the length at least 512 MiB.
fn is_legacy_ipc_stream(head: &[u8]) -> bool {
    let [a, b, c, d, e, f, g, h] = match head {
        [a, b, c, d, e, f, g, h, ..] => [*a, *b, *c, *d, *e, *f, *g, *h],
        _ => return false,
    };
    let length = u32::from_le_bytes([a, b, c, d]);
    let root = u32::from_le_bytes([e, f, g, h]);
    (4..(16 << 20)).contains(&length) && (length + 4).is_multiple_of(8) && (1..1024).contains(&root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_their_first_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let cases: [(&[u8], Result<FileFormat, &str>); 15] = [
            (b"PAR1\x15\x04", Ok(FileFormat::Parquet)),
            (b"ARROW1\0\0", Ok(FileFormat::Ipc)),
            (b"\"\",\"detainer_prepare_date\"", Ok(FileFormat::Csv)),
            (b"", Ok(FileFormat::Csv)),
            (b"FEA1....", Err("Feather v1")),
            (b"\xFF\xFF\xFF\xFF\x10\0\0\0", Err("IPC stream")),
            (b"PK\x03\x04....", Ok(FileFormat::Xlsx)),
            (b"\x1F\x8B\x08\0", Err("gzip")),
            (b"\xD0\xCF\x11\xE0\xA1\xB1", Err("xls")),
            // The stream format before the continuation marker: metadata
            // length 0x84 (with its four bytes, 136), root table offset 0x0C.
            (b"\x84\0\0\0\x0C\0\0\0", Err("IPC stream")),
            (b"BZh91AY&", Err("bzip2")),
            (b"\xFD7zXZ\0\0\x04", Err("xz")),
            (b"\x04\x22\x4D\x18\x64", Err("lz4")),
            // UTF-16 text without a byte-order mark is not taken for one.
            (b"d\0e\0t\0a\0", Ok(FileFormat::Csv)),
            (b"date,aor", Ok(FileFormat::Csv)),
        ];
        for (i, (bytes, expected)) in cases.iter().enumerate() {
            // The name says CSV: the content decides.
            let path = dir.path().join(format!("f{i}.csv"));
            std::fs::write(&path, bytes).unwrap();
            match (detect_format(&path), expected) {
                (Ok(got), Ok(want)) => assert_eq!(got, *want, "{bytes:?}"),
                (Err(e), Err(words)) => {
                    let e = e.to_string();
                    assert!(e.contains(words) && e.contains(&format!("f{i}.csv")), "{e}");
                }
                (got, want) => panic!("{bytes:?}: {got:?}, expected {want:?}"),
            }
        }
    }

    #[test]
    fn a_pipe_or_a_folder_is_refused_in_one_line() {
        let dir = tempfile::tempdir().unwrap();
        let e = detect_format(dir.path()).unwrap_err().to_string();
        assert!(e.contains("not a regular file") && !e.contains('\n'), "{e}");
        let fifo = dir.path().join("pipe.csv");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            // Opening a pipe for reading waits for a writer: give it one.
            let writer = {
                let fifo = fifo.clone();
                std::thread::spawn(move || {
                    let _ = std::fs::write(&fifo, b"detainer_prepare_date\n2019-03-01\n");
                })
            };
            let e = detect_format(&fifo).unwrap_err().to_string();
            assert!(
                e.contains("pipe.csv") && e.contains("not a regular file"),
                "{e}"
            );
            let _ = writer.join();
        }
    }
}
