//! Errors for every stage: each input problem names the file, the line and the column.

use std::fmt;
use std::path::{Path, PathBuf};

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong, from reading a dataset to writing a report.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A problem in an input file: what is wrong and where.
    Input {
        /// The file that holds the problem.
        file: PathBuf,
        /// 1-based line in the file, when the problem sits on one line.
        line: Option<u64>,
        /// The column (by header name), when the problem sits in one column.
        column: Option<String>,
        /// What is wrong, in one sentence.
        message: String,
    },
    /// Reading or writing a file failed.
    Io {
        /// The path being read or written.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// An argument is out of its range (for example an honored share outside 0..=1).
    Argument(String),
    /// Drawing a chart or building a table failed.
    Output(String),
}

impl Error {
    /// An input error at a file, with optional line and column.
    pub fn input(
        file: &Path,
        line: Option<u64>,
        column: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        Error::Input {
            file: file.to_path_buf(),
            line,
            column: column.map(str::to_owned),
            message: message.into(),
        }
    }

    /// An I/O error on a path.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Input {
                file,
                line,
                column,
                message,
            } => {
                write!(f, "{}", file.display())?;
                if let Some(line) = line {
                    write!(f, ":{line}")?;
                }
                if let Some(column) = column {
                    write!(f, ": column '{column}'")?;
                }
                write!(f, ": {message}")
            }
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Argument(message) => write!(f, "invalid argument: {message}"),
            Error::Output(message) => write!(f, "output: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<polars::prelude::PolarsError> for Error {
    fn from(e: polars::prelude::PolarsError) -> Self {
        Error::Output(format!("table: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_error_names_file_line_and_column_on_one_line() {
        let e = Error::input(Path::new("d/status.csv"), Some(4), Some("hits"), "bad");
        assert_eq!(e.to_string(), "d/status.csv:4: column 'hits': bad");
        let e = Error::input(Path::new("d/status.csv"), None, None, "empty file");
        assert_eq!(e.to_string(), "d/status.csv: empty file");
    }
}
