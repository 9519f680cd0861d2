//! Notebook parameters set from outside the notebook (papermill's `-p NAME
//! VALUE`, or `scripts/run`).
//!
//! A notebook declares its parameters in one cell tagged `parameters`, as
//! plain typed `let` bindings:
//!
//! ```text
//! let mut data_dir: PathBuf = PathBuf::from("data/boston-2018");
//! let mut honored_share: Option<f64> = None;
//! ```
//!
//! The project's papermill translator (`notebooks/papermill/`) writes the
//! values it is given as Rust literals (a string as `"…"`, escaped; an
//! integer as `7_i64`; a float as `0.7_f64`; a boolean; `None` as `()`; a
//! list as an array) into a cell after that one, each through
//! [`set_param`]:
//!
//! ```text
//! detainers::set_param("honored_share", &mut honored_share, 0.7_f64)?;
//! ```
//!
//! The binding is set in place (hence `let mut`): a new `let` would need
//! its type written out, as evcxr cannot infer the type of a generic call's
//! result, and the translator does not know the declared types.
//!
//! The injected cell wraps the calls in [`set_params`], whose value is the
//! cell's result: "Parameters set: …", or "Parameters not set: …" with the
//! reason. evcxr reports an error returned by `?` only on stderr, which can
//! reach Jupyter after the cell has ended, or not at all; a cell's result
//! always arrives, so papermill's engine (`notebooks/papermill/`) reads it
//! and stops the run when the values were not set.
//!
//! The declared binding fixes the type, so a value is read as what the
//! notebook declared: a string becomes a path, a date, a duplicates policy;
//! an integer becomes a float where a float is declared. A value of the
//! wrong kind does not compile (the message names the declared type), and
//! a value of the right kind that does not parse, or a path that does not
//! exist, is an [`Error::Argument`] naming the parameter. A name the
//! notebook does not declare does not compile either.

use crate::error::{Error, Result};
use crate::paths::repo_root;
use crate::records::{Duplicates, RequestChoice};
use crate::render::notebook::show;
use chrono::NaiveDate;
use std::path::PathBuf;

/// A notebook parameter's type that can be set from a literal of type `V`.
#[diagnostic::on_unimplemented(
    message = "this notebook parameter is a `{Self}`, which cannot be set from a `{V}`",
    label = "the value given for the parameter",
    note = "a text value is written as a string; use papermill's -r NAME VALUE to pass digits as text"
)]
pub trait Param<V>: Sized {
    /// The value, or why it is not one (without the parameter's name).
    ///
    /// # Errors
    /// A sentence saying what was expected.
    fn from_param(value: V) -> std::result::Result<Self, String>;
}

/// Set a declared notebook parameter from a given value: `declared` is the
/// notebook's own binding, whose type says how to read the value; it is
/// left as it was when the value does not fit.
///
/// ```
/// use detainers::set_param;
/// let mut honored_share: Option<f64> = None;
/// set_param("honored_share", &mut honored_share, 0.7_f64).unwrap();
/// assert_eq!(honored_share, Some(0.7));
/// let mut area: String = String::from("BOS");
/// set_param("area", &mut area, "SEA").unwrap();
/// assert_eq!(area, "SEA");
/// ```
///
/// # Errors
/// [`Error::Argument`] naming the parameter when the value does not parse
/// as the declared type, or names a path that does not exist.
pub fn set_param<T: Param<V>, V>(name: &str, declared: &mut T, value: V) -> Result<()> {
    *declared =
        T::from_param(value).map_err(|why| Error::Argument(format!("parameter {name}: {why}")))?;
    Ok(())
}

/// Run the injected cell's [`set_param`] calls and say what came of them:
/// the cell's result, which papermill's engine reads.
///
/// ```
/// use detainers::prelude::NaiveDate;
/// let mut area = String::from("BOS");
/// let mut from: Option<NaiveDate> = None;
/// let done = detainers::set_params(&["area", "from"], || {
///     detainers::set_param("area", &mut area, "SEA")?;
///     detainers::set_param("from", &mut from, "2019-02-30")?;
///     Ok(())
/// });
/// assert!(!done.is_set());
/// assert!(done.to_string().contains("parameter from:"));
/// ```
pub fn set_params(names: &[&str], set: impl FnOnce() -> Result<()>) -> ParamsSet {
    match set() {
        Ok(()) => ParamsSet(Ok(names.join(", "))),
        Err(e) => {
            let why = e.to_string();
            // Also on stderr, for a reader of the notebook's error text.
            eprintln!("{why}");
            ParamsSet(Err(why))
        }
    }
}

/// What the injected parameters cell shows ([`set_params`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamsSet(std::result::Result<String, String>);

impl ParamsSet {
    /// Whether every value was set.
    pub fn is_set(&self) -> bool {
        self.0.is_ok()
    }

    /// Show the outcome as the cell's plain-text result.
    pub fn evcxr_display(&self) {
        show("text/plain", &self.to_string());
    }
}

impl std::fmt::Display for ParamsSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Ok(names) => write!(f, "Parameters set: {names}"),
            Err(why) => write!(f, "Parameters not set: {why}"),
        }
    }
}

/// An argument error's own sentence, without the "invalid argument" prefix
/// that [`set_param`]'s error adds once.
fn reason(e: Error) -> String {
    match e {
        Error::Argument(why) => why,
        other => other.to_string(),
    }
}

impl Param<&'static str> for String {
    fn from_param(value: &'static str) -> std::result::Result<Self, String> {
        Ok(value.to_owned())
    }
}

/// A path parameter names an input: relative paths are relative to the
/// repository root (as the notebooks' own paths are), a leading `~` is the
/// home folder (a shell does not expand it inside quotes), and the path
/// must exist.
impl Param<&'static str> for PathBuf {
    fn from_param(value: &'static str) -> std::result::Result<Self, String> {
        if value.is_empty() {
            return Err("the path is empty".to_owned());
        }
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let path = match (value.strip_prefix('~'), home) {
            (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with('/') => {
                home.join(rest.trim_start_matches('/'))
            }
            _ => PathBuf::from(value),
        };
        let full = repo_root().join(&path);
        if full.exists() {
            Ok(path)
        } else {
            Err(format!("{} does not exist", full.display()))
        }
    }
}

impl Param<&'static str> for NaiveDate {
    fn from_param(value: &'static str) -> std::result::Result<Self, String> {
        NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
            .map_err(|_| format!("{value:?} is not a date in the form YYYY-MM-DD"))
    }
}

impl Param<&'static str> for Duplicates {
    fn from_param(value: &'static str) -> std::result::Result<Self, String> {
        value.parse().map_err(reason)
    }
}

impl Param<&'static str> for RequestChoice {
    fn from_param(value: &'static str) -> std::result::Result<Self, String> {
        value.parse().map_err(reason)
    }
}

impl Param<f64> for f64 {
    fn from_param(value: f64) -> std::result::Result<Self, String> {
        Ok(value)
    }
}

impl Param<i64> for f64 {
    fn from_param(value: i64) -> std::result::Result<Self, String> {
        // Exact up to 2^53; beyond that a float parameter given as an
        // integer would silently change.
        let float = value as f64;
        if float as i64 == value && float.abs() <= 9_007_199_254_740_992.0 {
            Ok(float)
        } else {
            Err(format!("{value} has no exact float value"))
        }
    }
}

impl Param<i64> for i64 {
    fn from_param(value: i64) -> std::result::Result<Self, String> {
        Ok(value)
    }
}

impl Param<i64> for usize {
    fn from_param(value: i64) -> std::result::Result<Self, String> {
        usize::try_from(value).map_err(|_| format!("{value} is not a count (0 or more)"))
    }
}

impl Param<i64> for u32 {
    fn from_param(value: i64) -> std::result::Result<Self, String> {
        u32::try_from(value).map_err(|_| format!("{value} is not a count from 0 to {}", u32::MAX))
    }
}

impl Param<bool> for bool {
    fn from_param(value: bool) -> std::result::Result<Self, String> {
        Ok(value)
    }
}

/// `None` (written `()` by the translator) unsets an optional parameter.
impl<T> Param<()> for Option<T> {
    fn from_param((): ()) -> std::result::Result<Self, String> {
        Ok(None)
    }
}

impl<T: Param<&'static str>> Param<&'static str> for Option<T> {
    fn from_param(value: &'static str) -> std::result::Result<Self, String> {
        T::from_param(value).map(Some)
    }
}

impl<T: Param<f64>> Param<f64> for Option<T> {
    fn from_param(value: f64) -> std::result::Result<Self, String> {
        T::from_param(value).map(Some)
    }
}

impl<T: Param<i64>> Param<i64> for Option<T> {
    fn from_param(value: i64) -> std::result::Result<Self, String> {
        T::from_param(value).map(Some)
    }
}

impl<T: Param<bool>> Param<bool> for Option<T> {
    fn from_param(value: bool) -> std::result::Result<Self, String> {
        T::from_param(value).map(Some)
    }
}

impl<T: Param<[V; N]>, V, const N: usize> Param<[V; N]> for Option<T> {
    fn from_param(values: [V; N]) -> std::result::Result<Self, String> {
        T::from_param(values).map(Some)
    }
}

/// One text value where a list is declared is a list of one.
impl<T: Param<&'static str>> Param<&'static str> for Vec<T> {
    fn from_param(value: &'static str) -> std::result::Result<Self, String> {
        T::from_param(value).map(|one| vec![one])
    }
}

/// A list (at least one item: an empty list has no type to check).
impl<T: Param<V>, V, const N: usize> Param<[V; N]> for Vec<T> {
    fn from_param(values: [V; N]) -> std::result::Result<Self, String> {
        values
            .into_iter()
            .enumerate()
            .map(|(i, v)| T::from_param(v).map_err(|why| format!("item {}: {why}", i + 1)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `declared` after setting it from `value`, or the error.
    fn set<T: Param<V>, V>(name: &str, mut declared: T, value: V) -> Result<T> {
        set_param(name, &mut declared, value).map(|()| declared)
    }

    #[test]
    fn a_value_takes_the_declared_type() {
        let share: Option<f64> = Some(0.5);
        assert_eq!(set("p", share, 1_i64).unwrap(), Some(1.0));
        assert_eq!(set("p", share, ()).unwrap(), None);
        let day: Option<NaiveDate> = None;
        assert_eq!(
            set("from", day, "2017-02-28").unwrap(),
            NaiveDate::from_ymd_opt(2017, 2, 28)
        );
        assert_eq!(
            set("d", Duplicates::Exclude, "keep-first").unwrap(),
            Duplicates::KeepFirst
        );
        assert_eq!(
            set("r", RequestChoice::Auto, "notification").unwrap(),
            RequestChoice::Notification
        );
        let files: Vec<PathBuf> = Vec::new();
        assert_eq!(
            set("files", files, ["Cargo.toml", "src"]).unwrap(),
            vec![PathBuf::from("Cargo.toml"), PathBuf::from("src")]
        );
        let files: Option<Vec<PathBuf>> = None;
        assert_eq!(
            set("files", files, "Cargo.toml").unwrap(),
            Some(vec![PathBuf::from("Cargo.toml")])
        );
        assert_eq!(set("days", 180_u32, 30_i64).unwrap(), 30);
    }

    #[test]
    fn the_cell_says_whether_every_value_was_set() {
        let (mut area, mut share) = (String::from("BOS"), None::<f64>);
        let done = set_params(&["area", "share"], || {
            set_param("area", &mut area, "SEA")?;
            set_param("share", &mut share, 0.7_f64)
        });
        assert_eq!(done.to_string(), "Parameters set: area, share");
        assert_eq!((area.as_str(), share), ("SEA", Some(0.7)));
        let mut from: Option<NaiveDate> = None;
        let done = set_params(&["from"], || set_param("from", &mut from, "2019-02-30"));
        assert!(!done.is_set());
        assert_eq!(
            done.to_string(),
            "Parameters not set: invalid argument: parameter from: \"2019-02-30\" is not a date in the form YYYY-MM-DD"
        );
    }

    #[test]
    fn a_bad_value_names_the_parameter_and_what_was_expected() {
        let message = |e: Error| {
            let text = e.to_string();
            text.strip_prefix("invalid argument: ")
                .map(str::to_owned)
                .unwrap_or_else(|| panic!("not an argument error: {text}"))
        };
        let from: Option<NaiveDate> = None;
        assert_eq!(
            message(set("from", from, "2017-02-30").unwrap_err()),
            "parameter from: \"2017-02-30\" is not a date in the form YYYY-MM-DD"
        );
        let dir = PathBuf::new();
        let e = message(set("data_dir", dir, "no/such/folder").unwrap_err());
        assert!(
            e.starts_with("parameter data_dir: ") && e.ends_with("no/such/folder does not exist"),
            "{e}"
        );
        let e = message(set("duplicates", Duplicates::Exclude, "first").unwrap_err());
        assert!(e.starts_with("parameter duplicates: "), "{e}");
        assert!(
            e.contains("keep-first"),
            "the message lists the policies: {e}"
        );
        let n: usize = 0;
        assert_eq!(
            message(set("min_n", n, -1_i64).unwrap_err()),
            "parameter min_n: -1 is not a count (0 or more)"
        );
        if let Some(home) = std::env::var_os("HOME").filter(|h| PathBuf::from(h).is_dir()) {
            assert_eq!(
                set("dir", PathBuf::new(), "~").unwrap(),
                PathBuf::from(&home)
            );
            assert_eq!(
                set("dir", PathBuf::new(), "~/").unwrap(),
                PathBuf::from(&home)
            );
        }
        let files: Vec<PathBuf> = Vec::new();
        let e = message(set("files", files, ["Cargo.toml", "nowhere.csv"]).unwrap_err());
        assert!(e.starts_with("parameter files: item 2: "), "{e}");
        assert_eq!(
            message(set("share", 0.0_f64, i64::MAX).unwrap_err()),
            format!("parameter share: {} has no exact float value", i64::MAX)
        );
    }
}
