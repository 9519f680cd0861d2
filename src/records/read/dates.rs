//! The one rule for a prepare date, shared by both engines and every
//! format: which texts are dates, and which dates a detainer file can
//! plausibly hold. Typed dates (Parquet, IPC, Excel) are first written as
//! `YYYY-MM-DD` text, so they meet the same rule.
//!
//! Forms read, and nothing looser (no spaces around, no signs, no other
//! separators):
//!
//! - `YYYY-MM-DD`, optionally followed by a time of day after a space or a
//!   `T` (`2019-03-01 00:00:00`, `2019-03-01T14:05`, with optional
//!   fractions of a second and a `Z` or `+HH:MM` offset, as psql, pandas
//!   and R write them); the date is taken as written;
//! - `M/D/YYYY` and `MM/DD/YYYY`, optionally followed by a space and a time
//!   of day (`H:MM` or `H:MM:SS`, with an optional ` AM` or ` PM`), as ICE's
//!   workbooks and Excel's CSV exports write them;
//! - `M/D/YY`, the same with a two-digit year, as NPR's raw per-year files
//!   hold them (`10/17/14`); the year is read as Python's `%y` and POSIX
//!   read it, which NPR's own cleaning used: `69`-`99` are 1969-1999,
//!   `00`-`68` are 2000-2068.
//!
//! A four-digit year starts with a digit other than `0` (`0002` is not a
//! year this data can hold; DDP's notes record `06/14/0002 03:10 PM` as a
//! broken cell). A date that parses but falls outside
//! [`FIRST_PLAUSIBLE`]..=[`LAST_PLAUSIBLE`] is counted apart, as
//! implausible, and never becomes a month of the series: no single row can
//! make the output grow beyond what the number of rows explains.

use chrono::{Datelike, NaiveDate};

/// The first prepare date used: 2007-01-01, the lower bound the Deportation
/// Data Project's historical script holds its prepare dates to
/// (`deportationdata/ice`, `code/detainers-historical.R` at 2875c3c, lines
/// 467-469); NPR's release, the oldest published, starts in October 2007.
pub(crate) const FIRST_PLAUSIBLE: (i32, u32, u32) = (2007, 1, 1);

/// The last prepare date used: 2099-12-31, a ceiling that keeps the monthly
/// series of any file under 1,116 months. (DDP's script uses the day it
/// runs, which would make a result depend on when it was computed.)
pub(crate) const LAST_PLAUSIBLE: (i32, u32, u32) = (2099, 12, 31);

/// What the rule makes of a prepare date's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PrepareDate {
    /// Empty or `NA`.
    Missing,
    /// Not one of the forms read, or not a day of the calendar.
    Unparseable,
    /// A day outside the plausible window.
    Implausible(NaiveDate),
    /// A day inside it.
    Date(NaiveDate),
}

impl PrepareDate {
    /// Judge a field's text (`None` for a missing field).
    pub(crate) fn judge(text: Option<&str>) -> PrepareDate {
        match text {
            None | Some("") | Some("NA") => PrepareDate::Missing,
            Some(text) => match parse_date_text(text) {
                None => PrepareDate::Unparseable,
                Some(d) if is_plausible(d) => PrepareDate::Date(d),
                Some(d) => PrepareDate::Implausible(d),
            },
        }
    }

    /// The date, when it is used.
    pub(crate) fn date(self) -> Option<NaiveDate> {
        match self {
            PrepareDate::Date(d) => Some(d),
            _ => None,
        }
    }
}

/// Whether `d` is inside the plausible window.
pub(crate) fn is_plausible(d: NaiveDate) -> bool {
    let key = (d.year(), d.month(), d.day());
    FIRST_PLAUSIBLE <= key && key <= LAST_PLAUSIBLE
}

/// The date a text holds in one of the forms read (see the module's
/// documentation), plausible or not; `None` for anything else.
pub(crate) fn parse_date_text(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' {
        let year = year4(&b[0..4])?;
        let month = digits(&b[5..7])?;
        let day = digits(&b[8..10])?;
        let rest = &b[10..];
        if !rest.is_empty() && (!matches!(rest[0], b' ' | b'T') || !iso_time(&rest[1..])) {
            return None;
        }
        return NaiveDate::from_ymd_opt(year, month, day);
    }
    // M/D/YYYY, MM/DD/YYYY or M/D/YY, then optionally a time of day.
    let (date, time) = match text.split_once(' ') {
        Some((date, time)) => (date, Some(time)),
        None => (text, None),
    };
    let mut parts = date.split('/');
    let (m, d, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
        return None;
    }
    let year = match y.len() {
        4 => year4(y.as_bytes())?,
        2 => {
            let yy = digits(y.as_bytes())? as i32;
            if yy >= 69 {
                1900 + yy
            } else {
                2000 + yy
            }
        }
        _ => return None,
    };
    if let Some(time) = time {
        if !us_time(time) {
            return None;
        }
    }
    NaiveDate::from_ymd_opt(year, digits(m.as_bytes())?, digits(d.as_bytes())?)
}

/// A run of ASCII digits as a number; `None` when empty or anything else.
fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 9 {
        return None;
    }
    b.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

/// Four digits, the first not `0`.
fn year4(b: &[u8]) -> Option<i32> {
    if b.len() != 4 || b[0] == b'0' {
        return None;
    }
    digits(b).map(|y| y as i32)
}

/// `HH:MM`, `HH:MM:SS` or `HH:MM:SS.fff` (hour 0-23), then optionally `Z`,
/// `+HH:MM`, `-HH:MM`, `+HHMM` or `+HH`.
fn iso_time(b: &[u8]) -> bool {
    let Some(rest) = clock(b, 23) else {
        return false;
    };
    let rest = match rest.first() {
        Some(b'.') => {
            let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return false;
            }
            &rest[1 + n..]
        }
        _ => rest,
    };
    match rest {
        [] | [b'Z'] => true,
        [b'+' | b'-', offset @ ..] => match offset.len() {
            2 => digits(offset).is_some_and(|h| h <= 23),
            4 => digits(offset).is_some_and(|hm| hm / 100 <= 23 && hm % 100 <= 59),
            5 => {
                offset[2] == b':'
                    && digits(&offset[..2]).is_some_and(|h| h <= 23)
                    && digits(&offset[3..]).is_some_and(|m| m <= 59)
            }
            _ => false,
        },
        _ => false,
    }
}

/// `H:MM` or `H:MM:SS` (hour 0-23), or the same with ` AM` or ` PM` (hour
/// 1-12), case ignored.
fn us_time(text: &str) -> bool {
    let (clock_text, max_hour, min_hour) = match text.len().checked_sub(3) {
        Some(at)
            if text.is_char_boundary(at)
                && (text[at..].eq_ignore_ascii_case(" AM")
                    || text[at..].eq_ignore_ascii_case(" PM")) =>
        {
            (&text[..at], 12, 1)
        }
        _ => (text, 23, 0),
    };
    let b = clock_text.as_bytes();
    // One-digit hours are written by Excel and ICE (`3:10 PM`).
    let padded;
    let b = if b.len() > 1 && b[1] == b':' {
        padded = [b"0", b].concat();
        padded.as_slice()
    } else {
        b
    };
    match clock(b, max_hour) {
        Some([]) => digits(&b[..2]).is_some_and(|h| h >= min_hour),
        _ => false,
    }
}

/// `HH:MM` or `HH:MM:SS` at the start of `b` with the hour at most
/// `max_hour`; what follows it.
fn clock(b: &[u8], max_hour: u32) -> Option<&[u8]> {
    if b.len() < 5 || b[2] != b':' {
        return None;
    }
    let hour = digits(&b[0..2])?;
    let minute = digits(&b[3..5])?;
    if hour > max_hour || minute > 59 {
        return None;
    }
    if b.len() >= 8 && b[5] == b':' {
        let second = digits(&b[6..8])?;
        // 60: a leap second, as ISO 8601 allows.
        (second <= 60).then_some(&b[8..])
    } else {
        Some(&b[5..])
    }
}

/// Day number `year * 10000 + month * 100 + day`, comparable as an integer.
pub(crate) fn day_key(d: NaiveDate) -> i32 {
    d.year() * 10000 + d.month() as i32 * 100 + d.day() as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn the_forms_read() {
        let cases = [
            ("2019-03-01", ymd(2019, 3, 1)),
            ("2007-10-02 00:00:00", ymd(2007, 10, 2)),
            ("2019-03-01T14:05", ymd(2019, 3, 1)),
            ("2019-03-01T14:05:09.123", ymd(2019, 3, 1)),
            ("2019-03-01 23:59:60", ymd(2019, 3, 1)),
            ("2019-03-01T00:00:00Z", ymd(2019, 3, 1)),
            ("2019-03-01 00:00:00+00:00", ymd(2019, 3, 1)),
            ("2019-03-01T10:00:00-0500", ymd(2019, 3, 1)),
            ("2019-03-01T10:00:00-05", ymd(2019, 3, 1)),
            ("3/1/2019", ymd(2019, 3, 1)),
            ("03/01/2019", ymd(2019, 3, 1)),
            ("03/01/2019 14:05", ymd(2019, 3, 1)),
            ("3/1/2019 3:10 PM", ymd(2019, 3, 1)),
            ("3/1/2019 03:10:59 am", ymd(2019, 3, 1)),
            ("10/17/14", ymd(2014, 10, 17)),
            ("10/2/07", ymd(2007, 10, 2)),
            ("1/1/69", ymd(1969, 1, 1)),
            ("12/31/68", ymd(2068, 12, 31)),
            ("2024-02-29", ymd(2024, 2, 29)),
        ];
        for (text, want) in cases {
            assert_eq!(parse_date_text(text), want, "{text:?}");
            assert!(want.is_some());
        }
    }

    #[test]
    fn everything_else_is_unparseable() {
        for text in [
            "2019-3-1",
            " 2019-03-01",
            "2019-03-01 ",
            "+2019-03-01",
            "-0001-01-01",
            "+214749-01-01",
            "10000-01-01",
            "0002-01-01",
            "06/14/0002 03:10 PM",
            "2019-02-30",
            "2023-02-29",
            "2019-13-01",
            "2019-03-01 24:00",
            "2019-03-01 12:60",
            "2019-03-01x",
            "2019-03-01T",
            "2019-03-01 00:00:00+",
            "2019-03-01 00:00:00+0",
            "2019-03-01 00:00:00.",
            "2019/03/01",
            "01-03-2019",
            "3/1/19 13:00 PM",
            "3/1/19 0:00 AM",
            "3/1/2019  3:10",
            "3/1/2019 3:1",
            "3//2019",
            "3/1/2019/1",
            "123/1/2019",
            "3/1/201",
            "43199",
            "March 1, 2019",
            "٢٠١٩-٠٣-٠١",
            "2019-03-0١",
        ] {
            assert_eq!(parse_date_text(text), None, "{text:?}");
            assert_eq!(PrepareDate::judge(Some(text)), PrepareDate::Unparseable);
        }
    }

    #[test]
    fn dates_outside_the_window_are_implausible() {
        assert_eq!(PrepareDate::judge(None), PrepareDate::Missing);
        assert_eq!(PrepareDate::judge(Some("NA")), PrepareDate::Missing);
        assert_eq!(PrepareDate::judge(Some("")), PrepareDate::Missing);
        let judged = |t| PrepareDate::judge(Some(t));
        assert_eq!(
            judged("2006-12-31"),
            PrepareDate::Implausible(ymd(2006, 12, 31).unwrap())
        );
        assert_eq!(
            judged("2007-01-01"),
            PrepareDate::Date(ymd(2007, 1, 1).unwrap())
        );
        assert_eq!(
            judged("2099-12-31"),
            PrepareDate::Date(ymd(2099, 12, 31).unwrap())
        );
        assert_eq!(
            judged("1/1/2100"),
            PrepareDate::Implausible(ymd(2100, 1, 1).unwrap())
        );
        assert_eq!(
            judged("1/1/69"),
            PrepareDate::Implausible(ymd(1969, 1, 1).unwrap())
        );
        assert_eq!(
            judged("1000-01-01"),
            PrepareDate::Implausible(ymd(1000, 1, 1).unwrap())
        );
        assert!(is_plausible(ymd(2026, 3, 1).unwrap()));
        assert!(!is_plausible(ymd(2100, 1, 1).unwrap()));
    }
}
