//! Which kind of request each detainer record is: a hold request (the jail
//! is asked to hold the person), a request for notification of release, or
//! another, from a crosswalk kept as data
//! (`data/crosswalk/request_types.csv`). A file's `request_type` (the
//! Deportation Data Project's class) is read when it has one; otherwise the
//! class is derived from `detainer_type` by DDP's rule
//! (`deportationdata/ice@7d5fb01:code/detainers-latest.R:148-163`): the
//! first rule that matches wins, case-sensitively. A value no rule knows is
//! `unknown`: counted and listed beside the others, and read only under
//! `--request-type all`, as a row with no type (`missing`) is.

use crate::csv_table::parse_csv_text;
use crate::error::Result;
use crate::records::select::aor::normalise_label;
use serde::{Deserialize, Serialize};
use std::path::Path;

const BUNDLED: &str = include_str!("../../../data/crosswalk/request_types.csv");

/// Where the bundled request-type crosswalk lives in the repository.
pub const REQUEST_TYPES_PATH: &str = "data/crosswalk/request_types.csv";

/// The kind of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// A detainer request: hold the person (I-247A, I-247D, the older I-247).
    Hold,
    /// A request for notification of release (I-247N, I-247G).
    Notification,
    /// Another request (I-247X).
    Other,
    /// A value the crosswalk does not list.
    Unknown,
    /// Neither `request_type` nor `detainer_type` filled.
    Missing,
}

impl RequestKind {
    /// Every kind, in the order `results.json` lists them.
    pub const ALL: [RequestKind; 5] = [
        RequestKind::Hold,
        RequestKind::Notification,
        RequestKind::Other,
        RequestKind::Unknown,
        RequestKind::Missing,
    ];

    /// The kind as `results.json` writes it.
    pub fn key(self) -> &'static str {
        match self {
            RequestKind::Hold => "hold",
            RequestKind::Notification => "notification",
            RequestKind::Other => "other",
            RequestKind::Unknown => "unknown",
            RequestKind::Missing => "missing",
        }
    }

    /// The kind in a few words, for people.
    pub fn label(self) -> &'static str {
        match self {
            RequestKind::Hold => "hold requests (detainer requests)",
            RequestKind::Notification => "requests for notification of release",
            RequestKind::Other => "other requests",
            RequestKind::Unknown => "a form the crosswalk does not list",
            RequestKind::Missing => "no request type",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "hold" => Some(RequestKind::Hold),
            "notification" => Some(RequestKind::Notification),
            "other" => Some(RequestKind::Other),
            _ => None,
        }
    }
}

/// How a rule compares a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    /// The whole value, whitespace normalised, case ignored.
    Equals,
    /// The text anywhere in the value, case-sensitively.
    Contains,
    /// The text followed by a space, anywhere in the value.
    CodeAndSpace,
}

#[derive(Debug, Clone)]
struct Rule {
    detainer_type: bool,
    how: Match,
    value: String,
    kind: RequestKind,
}

/// The request-type crosswalk.
#[derive(Debug, Clone)]
pub struct RequestTypes {
    rules: Vec<Rule>,
    path: String,
}

impl RequestTypes {
    /// The bundled crosswalk ([`REQUEST_TYPES_PATH`]).
    pub fn bundled() -> Self {
        Self::parse(Path::new(REQUEST_TYPES_PATH), BUNDLED)
            .expect("the bundled request-type crosswalk is checked by the test suite")
    }

    /// Read a crosswalk file in the bundled one's columns.
    ///
    /// # Errors
    /// [`crate::Error::Input`] naming the file, line and column of a bad row.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| crate::Error::io(path, e))?;
        Self::parse(path, &text)
    }

    fn parse(path: &Path, text: &str) -> Result<Self> {
        let columns = ["column", "match", "value", "request", "note", "source"];
        let table = parse_csv_text(path, text, &columns, &[])?;
        let mut rules = Vec::with_capacity(table.rows.len());
        for row in &table.rows {
            let detainer_type = match table.text(row, "column") {
                "request_type" => false,
                "detainer_type" => true,
                _ => {
                    return Err(table.error(
                        row,
                        "column",
                        "expected request_type or detainer_type",
                    ))
                }
            };
            let how = match table.text(row, "match") {
                "equals" => Match::Equals,
                "contains" => Match::Contains,
                "code_and_space" => Match::CodeAndSpace,
                _ => {
                    return Err(table.error(
                        row,
                        "match",
                        "expected equals, contains or code_and_space",
                    ))
                }
            };
            let value = table.text(row, "value").to_string();
            if value.is_empty() {
                return Err(table.error(row, "value", "is empty"));
            }
            let kind = RequestKind::parse(table.text(row, "request")).ok_or_else(|| {
                table.error(row, "request", "expected hold, notification or other")
            })?;
            for column in ["note", "source"] {
                if table.text(row, column).is_empty() {
                    return Err(table.error(row, column, "is empty: every rule needs one"));
                }
            }
            rules.push(Rule {
                detainer_type,
                how,
                value,
                kind,
            });
        }
        Ok(RequestTypes {
            rules,
            path: path.display().to_string(),
        })
    }

    /// The file the crosswalk was read from ([`REQUEST_TYPES_PATH`] for the
    /// bundled one).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The kind of a row with these raw values: its `request_type` when
    /// filled, else its `detainer_type`.
    pub fn kind(&self, request_type: Option<&str>, detainer_type: Option<&str>) -> RequestKind {
        let (text, from_form) = match (request_type, detainer_type) {
            (Some(t), _) => (t, false),
            (None, Some(t)) => (t, true),
            (None, None) => return RequestKind::Missing,
        };
        let wanted = normalise_label(text);
        self.rules
            .iter()
            .filter(|r| r.detainer_type == from_form)
            .find(|r| match r.how {
                Match::Equals => normalise_label(&r.value).eq_ignore_ascii_case(&wanted),
                Match::Contains => text.contains(&r.value),
                Match::CodeAndSpace => text.contains(&format!("{} ", r.value)),
            })
            .map_or(RequestKind::Unknown, |r| r.kind)
    }
}

impl Default for RequestTypes {
    fn default() -> Self {
        RequestTypes::bundled()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ddp_rule_first_match_wins_case_sensitively() {
        let t = RequestTypes::bundled();
        let form = |f: &str| t.kind(None, Some(f));
        assert_eq!(
            form("I247A - Immigration Detainer - Notice of Action (as of May 2025)"),
            RequestKind::Hold
        );
        assert_eq!(
            form("I247N - Immigration Advisal - Request for Notification"),
            RequestKind::Notification
        );
        assert_eq!(form("I247G"), RequestKind::Notification);
        assert_eq!(form("I247X - Request for Transfer"), RequestKind::Other);
        assert_eq!(
            form("I247 - Immigration Detainer - Notice of Action (prior to March 2013)"),
            RequestKind::Hold
        );
        assert_eq!(
            form("I247"),
            RequestKind::Unknown,
            "no space after the code"
        );
        assert_eq!(form("i247a"), RequestKind::Unknown, "case-sensitive");
        assert_eq!(
            form("I-247A"),
            RequestKind::Unknown,
            "DDP's codes have no hyphen"
        );
        assert_eq!(t.kind(None, None), RequestKind::Missing);
        // The file's own class wins over the form, compared whole.
        assert_eq!(
            t.kind(
                Some("request for  advance notification of release"),
                Some("I247A")
            ),
            RequestKind::Notification
        );
        assert_eq!(
            t.kind(Some("Detainer"), Some("I247A")),
            RequestKind::Unknown
        );
    }

    #[test]
    fn a_bad_rule_names_its_line_and_column() {
        let text = "column,match,value,request,note,source\nrequest_type,equals,A,hold,n,s\ndetainer_type,regex,B,hold,n,s\n";
        let e = RequestTypes::parse(Path::new("r.csv"), text)
            .unwrap_err()
            .to_string();
        assert!(e.contains("r.csv:3") && e.contains("match"), "{e}");
        let text = "column,match,value,request,note,source\nrequest_type,equals,A,held,n,s\n";
        let e = RequestTypes::parse(Path::new("r.csv"), text)
            .unwrap_err()
            .to_string();
        assert!(e.contains("r.csv:2") && e.contains("request"), "{e}");
    }
}
