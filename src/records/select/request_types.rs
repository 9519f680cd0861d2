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

/// The kinds of the values a count has met: `[0]` read from
/// `request_type`, `[1]` from `detainer_type` (one per worker).
pub(crate) type KindCache = [foldhash::HashMap<Box<str>, RequestKind>; 2];

/// The request's type as a count keeps it ([`RequestTypes::kept_types`]):
/// every value of a kind the crosswalk classes (hold, notification, other)
/// as one `request_type` value of that kind, so that rows differing only in
/// a form's wording are counted together; a value no rule knows, or a row
/// without either column filled, as it is. What is kept has the kind of
/// the row's own values, and an unknown value is kept for its listing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeptTypes<'a> {
    types: &'a RequestTypes,
    /// Per classed kind (hold, notification, other), a `request_type`
    /// value the crosswalk classes as it, when it lists one.
    representative: [Option<&'a str>; 3],
}

impl<'a> KeptTypes<'a> {
    /// The `(request_type, detainer_type)` to count a row with these
    /// values under.
    pub(crate) fn kept<'v>(
        &self,
        cache: &mut KindCache,
        request_type: Option<&'v str>,
        detainer_type: Option<&'v str>,
    ) -> (Option<&'v str>, Option<&'v str>)
    where
        'a: 'v,
    {
        let (text, from_form) = match (request_type, detainer_type) {
            (Some(t), _) => (t, false),
            (None, Some(t)) => (t, true),
            (None, None) => return (None, None),
        };
        let seen = &mut cache[usize::from(from_form)];
        let kind = match seen.get(text) {
            Some(k) => *k,
            None => {
                let k = if from_form {
                    self.types.kind(None, Some(text))
                } else {
                    self.types.kind(Some(text), None)
                };
                seen.insert(Box::from(text), k);
                k
            }
        };
        let slot = match kind {
            RequestKind::Hold => Some(0),
            RequestKind::Notification => Some(1),
            RequestKind::Other => Some(2),
            RequestKind::Unknown | RequestKind::Missing => None,
        };
        match slot.and_then(|i| self.representative[i]) {
            Some(rep) => (Some(rep), None),
            None if from_form => (None, Some(text)),
            None => (Some(text), None),
        }
    }
}

impl RequestTypes {
    /// What a count keeps of each row's request type ([`KeptTypes`]).
    pub(crate) fn kept_types(&self) -> KeptTypes<'_> {
        let classed = [
            RequestKind::Hold,
            RequestKind::Notification,
            RequestKind::Other,
        ];
        let representative = classed.map(|kind| {
            self.rules
                .iter()
                .filter(|r| !r.detainer_type && r.kind == kind)
                .map(|r| r.value.as_str())
                .find(|v| self.kind(Some(v), None) == kind)
        });
        KeptTypes {
            types: self,
            representative,
        }
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
    fn a_count_keeps_one_value_per_classed_kind_and_unknown_values_as_they_are() {
        let t = RequestTypes::bundled();
        let kept = t.kept_types();
        let mut cache = KindCache::default();
        let forms = [
            "I247A - Immigration Detainer - Notice of Action (as of May 2025)",
            "I247D - Immigration Detainer - Request for Action",
            "I247 - Immigration Detainer - Notice of Action (prior to March 2013)",
            "I247N - Immigration Advisal - Request for Notification",
            "I247G",
            "I247X - Request for Transfer",
            "I-247 Unlisted Form",
        ];
        let mut values = std::collections::BTreeSet::new();
        for form in forms {
            let (r, d) = kept.kept(&mut cache, None, Some(form));
            // What is kept has the row's own kind.
            assert_eq!(t.kind(r, d), t.kind(None, Some(form)), "{form}");
            values.insert((r, d));
        }
        // Three hold forms are one value, two notification forms another;
        // the unlisted form stays itself.
        assert_eq!(values.len(), 4, "{values:?}");
        assert!(values.contains(&(None, Some("I-247 Unlisted Form"))));
        // DDP's own class wins over the form, as in `kind`.
        let (r, d) = kept.kept(&mut cache, Some("Other"), Some("I247A"));
        assert_eq!((t.kind(r, d), d), (RequestKind::Other, None));
        assert_eq!(
            kept.kept(&mut cache, Some("Odd"), None),
            (Some("Odd"), None)
        );
        assert_eq!(kept.kept(&mut cache, None, None), (None, None));
    }

    #[test]
    fn a_kept_value_has_the_rows_kind_under_an_oddly_ordered_crosswalk() {
        // A broad rule before a narrow one: the hold class's own value is
        // read as a notification, so hold rows keep their text.
        let text = "column,match,value,request,note,source\n\
            request_type,contains,Req,notification,n,s\n\
            request_type,equals,Request to hold,hold,n,s\n\
            detainer_type,equals,I247A,other,n,s\n\
            detainer_type,contains,I247A,hold,n,s\n\
            detainer_type,code_and_space,I247,hold,n,s\n";
        let t = RequestTypes::parse(Path::new("odd.csv"), text).unwrap();
        let kept = t.kept_types();
        let mut cache = KindCache::default();
        for (r, d) in [
            (Some("Request to hold"), None),
            (Some("Requested"), None),
            (None, Some("I247A")),
            (None, Some("I247A - Notice")),
            (None, Some("I247 - Notice")),
            (None, Some("I247X")),
            (Some("Something"), Some("I247A")),
        ] {
            let (kr, kd) = kept.kept(&mut cache, r, d);
            assert_eq!(
                t.kind(kr, kd),
                t.kind(r, d),
                "{r:?} {d:?} kept as {kr:?} {kd:?}"
            );
        }
        // The hold rows were not given the notification class's value.
        assert_eq!(
            kept.kept(&mut cache, None, Some("I247A - Notice")),
            (None, Some("I247A - Notice"))
        );
    }

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
