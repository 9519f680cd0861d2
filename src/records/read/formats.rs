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
    } else if head.starts_with(&[0xFF, 0xFF, 0xFF, 0xFF]) {
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
    } else {
        Ok(FileFormat::Csv)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_their_first_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let cases: [(&[u8], Result<FileFormat, &str>); 9] = [
            (b"PAR1\x15\x04", Ok(FileFormat::Parquet)),
            (b"ARROW1\0\0", Ok(FileFormat::Ipc)),
            (b"\"\",\"detainer_prepare_date\"", Ok(FileFormat::Csv)),
            (b"", Ok(FileFormat::Csv)),
            (b"FEA1....", Err("Feather v1")),
            (b"\xFF\xFF\xFF\xFF\x10\0\0\0", Err("IPC stream")),
            (b"PK\x03\x04....", Ok(FileFormat::Xlsx)),
            (b"\x1F\x8B\x08\0", Err("gzip")),
            (b"\xD0\xCF\x11\xE0\xA1\xB1", Err("xls")),
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
}
