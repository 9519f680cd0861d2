//! Policy events as data (`data/context/events.csv`): each with its date,
//! its place, a label for the chart and its source. The events of the
//! selected area or state are marked on the monthly charts, and the months
//! before and after each are put side by side. That comparison describes;
//! it does not show that an event caused a change (other things changed too,
//! and ICE's recording did as well).

use crate::csv_table::parse_csv_text;
use crate::error::Result;
use crate::records::decide::outcomes::Share;
use crate::records::decide::tally::MonthCount;
use crate::records::select::aor::normalise_label;
use crate::records::select::filters::Filters;
use crate::render::html::http_url;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::path::Path;

const BUNDLED: &str = include_str!("../../../data/context/events.csv");

/// Where the bundled events live in the repository.
pub const EVENTS_PATH: &str = "data/context/events.csv";

/// One policy event.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Event {
    /// The day it was decided or took effect.
    pub date: NaiveDate,
    /// The area of responsibility it falls in (code), if any.
    pub aor: Option<String>,
    /// The facility state it falls in, as in the records, if any.
    pub state: Option<String>,
    /// The facility city it falls in, as in the records, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// The facility it concerns, as in the records, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facility: Option<String>,
    /// Where it applies, in words.
    pub place: String,
    /// A few words for the chart.
    pub label: String,
    /// What happened.
    pub event: String,
    /// Where it is documented.
    pub source: String,
}

impl Event {
    /// Whether the event falls in the area, state, city or facility
    /// `filters` select (labels compared as the filters compare them:
    /// spacing and case aside).
    pub fn applies_to(&self, filters: &Filters) -> bool {
        let aor = match (&self.aor, &filters.aor) {
            (Some(e), Some(f)) => e.eq_ignore_ascii_case(&f.code),
            _ => false,
        };
        let same = |event: &Option<String>, wanted: &Option<String>| match (event, wanted) {
            (Some(e), Some(w)) => normalise_label(e).eq_ignore_ascii_case(&normalise_label(w)),
            _ => false,
        };
        aor || same(&self.state, &filters.state)
            || same(&self.city, &filters.city)
            || same(&self.facility, &filters.facility)
    }
}

/// The bundled events ([`EVENTS_PATH`]).
pub fn bundled_events() -> Vec<Event> {
    parse_events(Path::new(EVENTS_PATH), BUNDLED)
        .expect("the bundled events are checked by the test suite")
}

/// Read an events file in the format of [`EVENTS_PATH`] (`--events`).
///
/// # Errors
/// As [`parse_events`], and [`crate::error::Error::Io`] when the file cannot
/// be read.
pub fn read_events(path: &Path) -> Result<Vec<Event>> {
    let bytes = std::fs::read(path).map_err(|e| crate::error::Error::io(path, e))?;
    let text = crate::csv_table::decode_utf8(path, &bytes)?;
    parse_events(path, &text)
}

/// Read an events table in the format of [`EVENTS_PATH`].
///
/// # Errors
/// [`crate::error::Error::Input`] naming file, line and column for a date that is
/// not `YYYY-MM-DD`, an empty label, event or source, or a source that is
/// not an http(s) link.
pub fn parse_events(path: &Path, text: &str) -> Result<Vec<Event>> {
    let table = parse_csv_text(
        path,
        text,
        &["date", "aor", "state", "place", "label", "event", "source"],
        &["city", "facility"],
    )?;
    let mut events = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let date = NaiveDate::parse_from_str(table.text(row, "date"), "%Y-%m-%d")
            .map_err(|_| table.error(row, "date", "is not a date in the form YYYY-MM-DD"))?;
        for column in ["place", "label", "event"] {
            if table.text(row, column).is_empty() {
                return Err(table.error(row, column, "is empty"));
            }
        }
        let source = table.text(row, "source");
        if http_url(source).is_none() {
            return Err(table.error(row, "source", "is not an http(s) link"));
        }
        let optional =
            |column: &str| Some(table.text(row, column).to_string()).filter(|s| !s.is_empty());
        events.push(Event {
            date,
            aor: optional("aor"),
            state: optional("state"),
            city: optional("city"),
            facility: optional("facility"),
            place: table.text(row, "place").to_string(),
            label: table.text(row, "label").to_string(),
            event: table.text(row, "event").to_string(),
            source: source.to_string(),
        });
    }
    events.sort_by_key(|e| e.date);
    Ok(events)
}

/// The detainers of a run of months and their outcome shares.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MonthsOutcomes {
    /// First month, `YYYY-MM`.
    pub from: String,
    /// Last month, `YYYY-MM`.
    pub to: String,
    /// Months counted.
    pub months: usize,
    /// Detainers prepared in them.
    pub detainers: u64,
    /// Declined by the law-enforcement agency, over every detainer.
    pub declined: Share,
    /// Custody outcomes, over every detainer.
    pub custody: Share,
    /// custody / (custody + declined).
    pub honored: Share,
}

fn months_outcomes(months: &[&MonthCount]) -> Option<MonthsOutcomes> {
    let (first, last) = (months.first()?, months.last()?);
    let detainers: u64 = months.iter().map(|m| m.detainers).sum();
    let declined: u64 = months.iter().map(|m| m.declined_by_lea).sum();
    let custody: u64 = months.iter().map(|m| m.custody).sum();
    Some(MonthsOutcomes {
        from: first.month.clone(),
        to: last.month.clone(),
        months: months.len(),
        detainers,
        declined: Share::new(declined, detainers),
        custody: Share::new(custody, detainers),
        honored: Share::new(custody, custody + declined),
    })
}

/// The months before and after one event.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EventSplit {
    /// The event.
    pub event: Event,
    /// The months before the event's month.
    pub before: MonthsOutcomes,
    /// The months after the event's month (the event's own month is in
    /// neither).
    pub after: MonthsOutcomes,
}

/// For each event of the selected area or state with months of records on
/// both sides, the months before and after it.
pub(crate) fn event_splits(
    by_month: &[MonthCount],
    filters: &Filters,
    events: &[Event],
) -> Vec<EventSplit> {
    events
        .iter()
        .filter(|e| e.applies_to(filters))
        .filter_map(|e| {
            let month = format!("{:04}-{:02}", e.date.year(), e.date.month());
            let before: Vec<&MonthCount> = by_month.iter().filter(|m| m.month < month).collect();
            let after: Vec<&MonthCount> = by_month.iter().filter(|m| m.month > month).collect();
            Some(EventSplit {
                event: e.clone(),
                before: months_outcomes(&before)?,
                after: months_outcomes(&after)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::select::aor::resolve_aor;

    fn month(month: &str, detainers: u64, declined: u64, custody: u64) -> MonthCount {
        MonthCount {
            month: month.to_string(),
            detainers,
            declined_by_lea: declined,
            custody,
            declined_share: None,
        }
    }

    #[test]
    fn bundled_events_read_with_sources() {
        let events = bundled_events();
        assert!(events.len() >= 3);
        let lunn = events
            .iter()
            .find(|e| e.label == "Lunn v. Commonwealth")
            .unwrap();
        assert_eq!(lunn.date, NaiveDate::from_ymd_opt(2017, 7, 24).unwrap());
        assert!(events.iter().all(|e| http_url(&e.source).is_some()));
    }

    #[test]
    fn months_split_around_an_event_month() {
        let boston = Filters {
            aor: Some(resolve_aor("BOS").unwrap().into()),
            ..Filters::default()
        };
        let months = [
            month("2017-05", 10, 4, 2),
            month("2017-06", 10, 2, 4),
            month("2017-07", 99, 99, 0),
            month("2017-08", 20, 10, 5),
        ];
        let splits = event_splits(&months, &boston, &bundled_events());
        assert_eq!(splits.len(), 1, "only Lunn has months on both sides");
        let s = &splits[0];
        assert_eq!(
            (s.before.from.as_str(), s.before.to.as_str()),
            ("2017-05", "2017-06")
        );
        assert_eq!((s.before.detainers, s.before.declined.count), (20, 6));
        assert_eq!((s.before.honored.count, s.before.honored.of), (6, 12));
        assert_eq!((s.after.months, s.after.detainers), (1, 20));
        assert_eq!(s.after.honored.share, Some(5.0 / 15.0));
        let st_paul = Filters {
            aor: Some(resolve_aor("SPM").unwrap().into()),
            ..Filters::default()
        };
        assert!(event_splits(&months, &st_paul, &bundled_events()).is_empty());
        let massachusetts = Filters {
            state: Some("Massachusetts".into()),
            ..Filters::default()
        };
        assert_eq!(
            event_splits(&months, &massachusetts, &bundled_events()).len(),
            1
        );
    }

    #[test]
    fn a_bad_event_row_names_its_line_and_column() {
        let head = "date,aor,state,place,label,event,source\n";
        let e = parse_events(
            Path::new("e.csv"),
            &format!("{head}2017-07-24,BOS,,MA,L,E,javascript:alert(1)\n"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("e.csv:2") && e.contains("source"), "{e}");
        let e = parse_events(
            Path::new("e.csv"),
            &format!(
                "{head}2017-07-24,BOS,,MA,L,E,https://x.org\n24/07/2017,,,MA,L,E,https://x.org\n"
            ),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("e.csv:3") && e.contains("date"), "{e}");
    }
}
