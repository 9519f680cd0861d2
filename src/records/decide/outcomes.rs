//! What happened to the detainers, as far as the records say: each lift
//! reason mapped to an outcome class by a crosswalk kept as data
//! (`data/crosswalk/lift_outcomes.csv`), the declined and custody shares over
//! two denominators, and the honored share measured among resolved detainers.
//!
//! Takes the lift-reason counts of [`super::summary`]; gives [`Outcomes`].
//! A reason the crosswalk does not know is counted and listed as
//! `unclassified`, never dropped; a detainer with no lift reason is `open`.

use crate::csv_table::parse_csv_text;
use crate::error::Result;
use crate::records::decide::tally::ReasonCount;
use crate::records::select::aor::normalise_label;
use crate::records::select::follow_up::FollowUpOptions;
use crate::stats::{wilson_interval, Interval, CONFIDENCE};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::Path;

const BUNDLED: &str = include_str!("../../../data/crosswalk/lift_outcomes.csv");

/// Where the bundled outcome crosswalk lives in the repository.
pub const LIFT_OUTCOMES_PATH: &str = "data/crosswalk/lift_outcomes.csv";

/// The outcome class of a lift reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeClass {
    /// Read as a refusal by the jail or prison.
    Declined,
    /// Read as ICE taking custody.
    Custody,
    /// Resolved in some other way (released, lifted, closed, superseded).
    OtherResolved,
}

impl OutcomeClass {
    fn parse(text: &str) -> Option<Self> {
        match text {
            "declined" => Some(Self::Declined),
            "custody" => Some(Self::Custody),
            "other_resolved" => Some(Self::OtherResolved),
            _ => None,
        }
    }
}

/// One row of the outcome crosswalk.
#[derive(Debug, Clone)]
pub struct LiftOutcome {
    /// The lift reason as ICE writes it (whitespace normalised).
    pub reason: String,
    /// Its outcome class.
    pub outcome: OutcomeClass,
}

/// The lift-reason to outcome crosswalk.
#[derive(Debug, Clone)]
pub struct LiftOutcomes {
    rows: Vec<LiftOutcome>,
}

impl LiftOutcomes {
    /// The bundled crosswalk ([`LIFT_OUTCOMES_PATH`]).
    pub fn bundled() -> Self {
        Self::parse(Path::new(LIFT_OUTCOMES_PATH), BUNDLED)
            .expect("the bundled outcome crosswalk is checked by the test suite")
    }

    fn parse(path: &Path, text: &str) -> Result<Self> {
        let table = parse_csv_text(path, text, &["reason", "outcome", "note", "source"], &[])?;
        let mut rows: Vec<LiftOutcome> = Vec::with_capacity(table.rows.len());
        for row in &table.rows {
            let reason = normalise_label(table.text(row, "reason"));
            if reason.is_empty() {
                return Err(table.error(row, "reason", "is empty"));
            }
            if rows.iter().any(|r| r.reason.eq_ignore_ascii_case(&reason)) {
                return Err(table.error(row, "reason", format!("'{reason}' is listed twice")));
            }
            let outcome = OutcomeClass::parse(table.text(row, "outcome")).ok_or_else(|| {
                table.error(
                    row,
                    "outcome",
                    "expected declined, custody or other_resolved (a missing reason is open by rule)",
                )
            })?;
            for column in ["note", "source"] {
                if table.text(row, column).trim().is_empty() {
                    return Err(table.error(row, column, "is empty: every mapping needs one"));
                }
            }
            rows.push(LiftOutcome { reason, outcome });
        }
        Ok(Self { rows })
    }

    /// The class of a lift reason, compared after normalising whitespace and
    /// ignoring case; `None` when the crosswalk does not list it.
    pub fn class(&self, reason: &str) -> Option<OutcomeClass> {
        let reason = normalise_label(reason);
        self.rows
            .iter()
            .find(|r| r.reason.eq_ignore_ascii_case(&reason))
            .map(|r| r.outcome)
    }
}

/// A share with its count, denominator and 95% Wilson interval.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Share {
    /// The numerator.
    pub count: u64,
    /// The denominator.
    pub of: u64,
    /// `count / of`; `null` when `of` is 0.
    pub share: Option<f64>,
    /// 95% Wilson interval, treating detainers as independent.
    pub interval: Option<Interval>,
}

impl Share {
    /// `count` of `of`, with its share and 95% Wilson interval.
    pub fn new(count: u64, of: u64) -> Self {
        Share {
            count,
            of,
            share: (of > 0).then(|| count as f64 / of as f64),
            interval: wilson_interval(count, of, CONFIDENCE),
        }
    }
}

/// The declined and custody shares over one denominator.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Denominator {
    /// `all_used`, `with_lift_reason` or `followed_up`.
    pub name: String,
    /// What the denominator counts, in words.
    pub description: String,
    /// Declined detainers over this denominator.
    pub declined: Share,
    /// Custody outcomes over this denominator.
    pub custody: Share,
}

/// The follow-up applied, as `results.json` records it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FollowUp {
    /// The cut date; `null` when none was given and no date was read.
    pub as_of: Option<NaiveDate>,
    /// Where the cut date comes from: `--as-of`, or the latest prepare date
    /// read (in any row whose date parses, whether used or not).
    pub as_of_from: String,
    /// Days of follow-up required.
    pub days: u32,
    /// The last prepare date with that much follow-up (`as_of - days`).
    pub last_prepare_date: Option<NaiveDate>,
    /// Detainers used that were prepared on or before `last_prepare_date`.
    pub detainers: u64,
}

impl FollowUp {
    /// The follow-up for `options`, given the latest prepare date read.
    pub fn new(options: FollowUpOptions, latest_read: Option<NaiveDate>) -> Self {
        let (as_of, as_of_from) = match options.as_of {
            Some(d) => (Some(d), "--as-of"),
            None => (latest_read, "the latest prepare date read"),
        };
        FollowUp {
            as_of,
            as_of_from: as_of_from.to_string(),
            days: options.days,
            last_prepare_date: as_of
                .and_then(|d| d.checked_sub_days(chrono::Days::new(u64::from(options.days)))),
            detainers: 0,
        }
    }
}

/// Outcomes of the detainers used.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Outcomes {
    /// The crosswalk used.
    pub crosswalk: String,
    /// Detainers whose lift reason is read as a refusal.
    pub declined: u64,
    /// Detainers whose lift reason is read as ICE taking custody.
    pub custody: u64,
    /// Detainers resolved some other way.
    pub other_resolved: u64,
    /// Detainers with a lift reason the crosswalk does not list.
    pub unclassified: u64,
    /// Detainers with no lift reason yet (still open, or not updated by ICE).
    pub open: u64,
    /// Detainers used from files with no lift-reason column: counted among
    /// the detainers, but in no outcome class and no outcome denominator.
    #[serde(default)]
    pub no_lift_reason_column: u64,
    /// The unlisted lift reasons and their counts, most first.
    pub unclassified_reasons: Vec<ReasonCount>,
    /// The cut date and the follow-up the `followed_up` denominator requires.
    pub follow_up: FollowUp,
    /// The shares over every detainer used (`all_used`), over those with a
    /// lift reason (`with_lift_reason`), and over those with the follow-up
    /// (`followed_up`, open ones included).
    pub denominators: Vec<Denominator>,
    /// `custody / (custody + declined)`: the share of detainers honored among
    /// those the records resolve either way.
    pub honored_share: Share,
}

/// Detainers per outcome class.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub(crate) declined: u64,
    pub(crate) custody: u64,
    pub(crate) other_resolved: u64,
    pub(crate) unclassified: u64,
    pub(crate) open: u64,
    pub(crate) unknown: Vec<ReasonCount>,
}

/// Count lift reasons per outcome class.
pub(crate) fn outcome_counts(lift_reasons: &[ReasonCount], crosswalk: &LiftOutcomes) -> Tally {
    Tally::of(lift_reasons, crosswalk)
}

impl Tally {
    fn of(lift_reasons: &[ReasonCount], crosswalk: &LiftOutcomes) -> Self {
        let mut t = Tally::default();
        for r in lift_reasons {
            match r.reason.as_deref().map(|text| crosswalk.class(text)) {
                None => t.open += r.count,
                Some(Some(OutcomeClass::Declined)) => t.declined += r.count,
                Some(Some(OutcomeClass::Custody)) => t.custody += r.count,
                Some(Some(OutcomeClass::OtherResolved)) => t.other_resolved += r.count,
                Some(None) => {
                    t.unclassified += r.count;
                    t.unknown.push(r.clone());
                }
            }
        }
        t.unknown
            .sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason)));
        t
    }

    fn with_reason(&self) -> u64 {
        self.declined + self.custody + self.other_resolved + self.unclassified
    }

    fn denominator(&self, name: &str, description: String, of: u64) -> Denominator {
        Denominator {
            name: name.to_string(),
            description,
            declined: Share::new(self.declined, of),
            custody: Share::new(self.custody, of),
        }
    }
}

/// Classify the lift-reason counts of every detainer used (`lift_reasons`)
/// and of those with the follow-up (`followed_up`, the detainers prepared on
/// or before `follow_up.last_prepare_date`).
pub(crate) fn classify_outcomes(
    lift_reasons: &[ReasonCount],
    follow_up: FollowUp,
    followed_up: &[ReasonCount],
    crosswalk: &LiftOutcomes,
) -> Outcomes {
    let all = Tally::of(lift_reasons, crosswalk);
    let later = Tally::of(followed_up, crosswalk);
    let with_reason = all.with_reason();
    let followed = later.with_reason() + later.open;
    let follow_up = FollowUp {
        detainers: followed,
        ..follow_up
    };
    let followed_description = match (follow_up.last_prepare_date, follow_up.as_of) {
        (Some(last), Some(as_of)) => format!(
            "detainers prepared on or before {last} ({} days before the cut date {as_of}), open ones included",
            follow_up.days
        ),
        (None, Some(as_of)) => format!(
            "none: no date is {} days before the cut date {as_of}",
            follow_up.days
        ),
        _ => "no cut date: no prepare date was read".to_string(),
    };
    Outcomes {
        crosswalk: LIFT_OUTCOMES_PATH.to_string(),
        declined: all.declined,
        custody: all.custody,
        other_resolved: all.other_resolved,
        unclassified: all.unclassified,
        open: all.open,
        no_lift_reason_column: 0,
        denominators: vec![
            all.denominator(
                "all_used",
                "every detainer used, open ones included".to_string(),
                with_reason + all.open,
            ),
            all.denominator(
                "with_lift_reason",
                "detainers with a lift reason (open ones left out, as in NPR's analysis)"
                    .to_string(),
                with_reason,
            ),
            later.denominator("followed_up", followed_description, followed),
        ],
        honored_share: Share::new(all.custody, all.custody + all.declined),
        unclassified_reasons: all.unknown,
        follow_up,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(reason: Option<&str>, count: u64) -> ReasonCount {
        ReasonCount {
            reason: reason.map(String::from),
            count,
        }
    }

    #[test]
    fn the_bundled_crosswalk_reads_and_classifies() {
        let c = LiftOutcomes::bundled();
        assert_eq!(
            c.class("Detainer Declined by LEA"),
            Some(OutcomeClass::Declined)
        );
        assert_eq!(
            c.class("booked  into detention"),
            Some(OutcomeClass::Custody)
        );
        assert_eq!(
            c.class("No longer in State, Local, or Federal Custody"),
            Some(OutcomeClass::OtherResolved)
        );
        assert_eq!(c.class("Detainer Lifted by ICE"), None);
    }

    #[test]
    fn counts_shares_and_the_honored_share() {
        let reasons = [
            count(None, 400),
            count(Some("Booked into Detention"), 250),
            count(Some("Detainer Declined by LEA"), 150),
            count(Some("Early Release"), 120),
            count(Some("Something new"), 30),
            count(Some("Another"), 50),
        ];
        let as_of = NaiveDate::from_ymd_opt(2020, 12, 31);
        let follow_up = FollowUp::new(FollowUpOptions::default(), as_of);
        assert_eq!(
            follow_up.last_prepare_date,
            NaiveDate::from_ymd_opt(2020, 7, 4),
            "180 days before the last day of 2020"
        );
        let followed = [
            count(None, 40),
            count(Some("Booked into Detention"), 150),
            count(Some("Detainer Declined by LEA"), 100),
            count(Some("Another"), 10),
        ];
        let o = classify_outcomes(&reasons, follow_up, &followed, &LiftOutcomes::bundled());
        assert_eq!(
            (
                o.declined,
                o.custody,
                o.other_resolved,
                o.unclassified,
                o.open
            ),
            (150, 250, 120, 80, 400)
        );
        assert_eq!(
            o.unclassified_reasons,
            [count(Some("Another"), 50), count(Some("Something new"), 30)]
        );
        assert_eq!(o.denominators[0].declined.of, 1000);
        assert_eq!(o.denominators[0].declined.share, Some(0.15));
        assert_eq!(o.denominators[1].declined.of, 600);
        assert_eq!(o.denominators[1].declined.share, Some(0.25));
        assert_eq!(o.denominators[1].custody.share, Some(250.0 / 600.0));
        let f = &o.denominators[2];
        assert_eq!(f.name, "followed_up");
        assert_eq!((f.declined.count, f.declined.of), (100, 300));
        assert_eq!((f.custody.count, f.custody.of), (150, 300));
        assert_eq!(o.follow_up.detainers, 300);
        assert_eq!(o.follow_up.as_of_from, "the latest prepare date read");
        assert!(f.description.contains("2020-07-04"), "{}", f.description);
        assert_eq!(o.honored_share.of, 400);
        assert_eq!(o.honored_share.share, Some(0.625));
        let i = o.honored_share.interval.unwrap();
        assert!(i.low < 0.625 && 0.625 < i.high);
        assert!((i.low - 0.5765).abs() < 1e-3 && (i.high - 0.6711).abs() < 1e-3);
    }

    #[test]
    fn nothing_resolved_gives_no_share() {
        let given = FollowUpOptions {
            as_of: NaiveDate::from_ymd_opt(2018, 5, 30),
            days: 30,
        };
        let follow_up = FollowUp::new(given, NaiveDate::from_ymd_opt(2026, 1, 1));
        assert_eq!(follow_up.as_of, given.as_of, "--as-of wins over the data");
        assert_eq!(
            follow_up.last_prepare_date,
            NaiveDate::from_ymd_opt(2018, 4, 30)
        );
        let o = classify_outcomes(&[count(None, 5)], follow_up, &[], &LiftOutcomes::bundled());
        assert_eq!(o.denominators[2].declined.share, None);
        assert_eq!(o.open, 5);
        assert_eq!(o.honored_share.share, None);
        assert_eq!(o.honored_share.interval, None);
        assert_eq!(o.denominators[1].declined.of, 0);
    }

    #[test]
    fn a_bad_crosswalk_row_names_its_line_and_column() {
        let text = "reason,outcome,note,source\nBooked into Detention,custody,n,s\nX,honored,n,s\n";
        let e = LiftOutcomes::parse(Path::new("x.csv"), text)
            .unwrap_err()
            .to_string();
        assert!(e.contains("x.csv:3") && e.contains("outcome"), "{e}");
        let text = "reason,outcome,note,source\nA,custody,n,s\na,declined,n,s\n";
        let e = LiftOutcomes::parse(Path::new("x.csv"), text)
            .unwrap_err()
            .to_string();
        assert!(e.contains("x.csv:3") && e.contains("twice"), "{e}");
        let text = "reason,outcome,note,source\nA,custody,,s\n";
        let e = LiftOutcomes::parse(Path::new("x.csv"), text)
            .unwrap_err()
            .to_string();
        assert!(e.contains("x.csv:2") && e.contains("note"), "{e}");
    }
}
