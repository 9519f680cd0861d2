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

/// Longest text of a message shown; a value quoted from a file can be
/// anything, a 200,000-character field included.
const MESSAGE_CHARS: usize = 400;

/// A message on one line: control characters (a newline inside a quoted
/// value) shown escaped, and a very long message cut.
fn one_line(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(MESSAGE_CHARS + 32));
    for (count, c) in message.chars().enumerate() {
        if count == MESSAGE_CHARS {
            let rest = message.chars().count() - MESSAGE_CHARS;
            out.push_str(&format!("... ({rest} more characters)"));
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&c.escape_default().to_string()),
            c => out.push(c),
        }
    }
    out
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
                    write!(f, ": column '{}'", one_line(column))?;
                }
                write!(f, ": {}", one_line(message))
            }
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Argument(message) => write!(f, "invalid argument: {}", one_line(message)),
            Error::Output(message) => write!(f, "output: {}", one_line(message)),
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

    #[test]
    fn a_message_stays_on_one_line_and_short() {
        let e = Error::input(
            Path::new("x.csv"),
            Some(3),
            None,
            "'70\nPresent\r' is not a number",
        );
        assert_eq!(e.to_string(), "x.csv:3: '70\\nPresent\\r' is not a number");
        let long = "a".repeat(5_000);
        let shown = Error::Argument(long).to_string();
        assert!(shown.ends_with("... (4600 more characters)"), "{shown}");
        assert!(shown.len() < 500);
    }
}
