//! Errors for every stage: each input problem names the file, the line and
//! the column. An error that another library raised (polars, serde, an
//! I/O call, the workbook reader, the template engine) is kept as the
//! cause, reachable through [`std::error::Error::source`]; the message a
//! user reads stays one line, the cause's text included.

use std::fmt;
use std::path::{Path, PathBuf};

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The error another library raised, kept as a cause.
pub(crate) type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

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
        /// The error of the reader that found it, when another library's.
        cause: Option<Cause>,
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
    /// Drawing a chart, building a table or page, or serialising results
    /// failed.
    Output {
        /// What failed.
        message: String,
        /// The error of the library that failed, when there is one.
        cause: Option<Cause>,
    },
}

impl Error {
    /// An input error at a file, with optional line and column.
    pub fn input(
        file: &Path,
        line: Option<u64>,
        column: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        Error::input_with(file, line, column, message.into(), None)
    }

    /// An input error found by another library's reader, kept as the cause.
    pub fn input_caused(
        file: &Path,
        line: Option<u64>,
        column: Option<&str>,
        message: impl Into<String>,
        cause: impl Into<Cause>,
    ) -> Self {
        Error::input_with(file, line, column, message.into(), Some(cause.into()))
    }

    fn input_with(
        file: &Path,
        line: Option<u64>,
        column: Option<&str>,
        message: String,
        cause: Option<Cause>,
    ) -> Self {
        Error::Input {
            file: file.to_path_buf(),
            line,
            column: column.map(str::to_owned),
            message,
            cause,
        }
    }

    /// An output error with no other library's error behind it.
    pub fn output(message: impl Into<String>) -> Self {
        Error::Output {
            message: message.into(),
            cause: None,
        }
    }

    /// An output error raised by another library, kept as the cause.
    pub fn output_caused(message: impl Into<String>, cause: impl Into<Cause>) -> Self {
        Error::Output {
            message: message.into(),
            cause: Some(cause.into()),
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
                cause,
            } => {
                write!(f, "{}", one_line(&file.display().to_string()))?;
                if let Some(line) = line {
                    write!(f, ":{line}")?;
                }
                if let Some(column) = column {
                    write!(f, ": column '{}'", one_line(column))?;
                }
                write!(f, ": {}", one_line(message))?;
                write_cause(f, cause)
            }
            Error::Io { path, source } => write!(
                f,
                "{}: {}",
                one_line(&path.display().to_string()),
                one_line(&source.to_string())
            ),
            Error::Argument(message) => write!(f, "invalid argument: {}", one_line(message)),
            Error::Output { message, cause } => {
                write!(f, "output: {}", one_line(message))?;
                write_cause(f, cause)
            }
        }
    }
}

/// `: cause` on the same line, when there is a cause.
fn write_cause(f: &mut fmt::Formatter<'_>, cause: &Option<Cause>) -> fmt::Result {
    match cause {
        Some(cause) => write!(f, ": {}", one_line(&cause.to_string())),
        None => Ok(()),
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Input { cause, .. } | Error::Output { cause, .. } => cause
                .as_deref()
                .map(|c| c as &(dyn std::error::Error + 'static)),
            Error::Argument(_) => None,
        }
    }
}

impl From<polars::prelude::PolarsError> for Error {
    fn from(e: polars::prelude::PolarsError) -> Self {
        Error::output_caused("table", e)
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::output_caused("JSON", e)
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
        // A file name with a newline in it stays on the line too.
        let e = Error::input(Path::new("a\nb.csv"), Some(2), None, "bad");
        assert_eq!(e.to_string(), "a\\nb.csv:2: bad");
    }

    #[test]
    fn a_cause_is_kept_and_shown_on_the_same_line() {
        use std::error::Error as _;
        let io = std::io::Error::other("disk\nfull");
        let e = Error::output_caused("writing results.json", io);
        assert_eq!(e.to_string(), "output: writing results.json: disk\\nfull");
        let cause = e.source().expect("the cause is kept");
        assert_eq!(cause.to_string(), "disk\nfull");
        let bad = serde_json::from_str::<u8>("x").unwrap_err();
        let e = Error::input_caused(Path::new("f.json"), Some(1), None, "not JSON", bad);
        assert!(e.source().is_some());
        assert!(
            e.to_string()
                .starts_with("f.json:1: not JSON: expected value"),
            "{e}"
        );
        assert!(Error::input(Path::new("f"), None, None, "x")
            .source()
            .is_none());
    }
}
