//! The article's dataset as typed tables: what a dataset folder holds once it
//! is loaded and validated. Types only; [`super::load`] builds them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// One immigration-status group: hits and detainers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusRow {
    /// Group name as printed.
    pub status: String,
    /// Actionable Secure Communities hits.
    pub hits: u64,
    /// Detainers issued (never more than `hits`).
    pub detainers: u64,
    /// The percentage the source printed for this row, if any.
    pub published_percent: Option<f64>,
    /// Line in `status.csv`.
    pub line: u64,
}

/// A `Total` row pasted into the status table, checked against the groups' sums.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrintedTotal {
    /// Total hits as printed.
    pub hits: u64,
    /// Total detainers as printed.
    pub detainers: u64,
    /// Total percentage as printed, if any.
    pub published_percent: Option<f64>,
    /// Line in `status.csv`.
    pub line: u64,
}

/// The status table: one row per group, plus the printed total if the file had one.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusTable {
    /// The groups, in file order (never including a total row).
    pub rows: Vec<StatusRow>,
    /// The file's own `Total` row, already checked against the sums.
    pub printed_total: Option<PrintedTotal>,
}

impl StatusTable {
    /// Sum of hits over the groups.
    pub fn total_hits(&self) -> u64 {
        self.rows.iter().map(|r| r.hits).sum()
    }

    /// Sum of detainers over the groups.
    pub fn total_detainers(&self) -> u64 {
        self.rows.iter().map(|r| r.detainers).sum()
    }

    /// The row for a group name (exact match after trimming).
    pub fn group(&self, status: &str) -> Option<&StatusRow> {
        self.rows.iter().find(|r| r.status == status.trim())
    }
}

/// The outcomes a hit can have, as named in `dispositions.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A detainer and arrest warrant were issued.
    DetainerAndWarrant,
    /// Released before ICE could act.
    ReleasedBeforeAction,
    /// Referred to the Criminal Alien Program (CAP).
    ReferredToCap,
}

impl Outcome {
    /// Every outcome, in report order.
    pub const ALL: [Outcome; 3] = [
        Outcome::DetainerAndWarrant,
        Outcome::ReleasedBeforeAction,
        Outcome::ReferredToCap,
    ];

    /// The key used in `dispositions.csv`.
    pub fn key(self) -> &'static str {
        match self {
            Outcome::DetainerAndWarrant => "detainer_and_warrant",
            Outcome::ReleasedBeforeAction => "released_before_action",
            Outcome::ReferredToCap => "referred_to_cap",
        }
    }

    /// Parse a key from `dispositions.csv`.
    pub fn from_key(key: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.key() == key)
    }
}

/// One line of `dispositions.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Disposition {
    /// Which outcome.
    pub outcome: Outcome,
    /// How many hits had it.
    pub count: u64,
    /// Readable label (the key when the file has none).
    pub label: String,
}

/// ICE's response to the hits: every outcome exactly once.
#[derive(Debug, Clone, PartialEq)]
pub struct Dispositions {
    /// One entry per outcome, in [`Outcome::ALL`] order.
    pub rows: Vec<Disposition>,
}

impl Dispositions {
    /// The count for an outcome.
    pub fn count(&self, outcome: Outcome) -> u64 {
        self.rows
            .iter()
            .find(|d| d.outcome == outcome)
            .map_or(0, |d| d.count)
    }

    /// Sum over all outcomes.
    pub fn total(&self) -> u64 {
        self.rows.iter().map(|d| d.count).sum()
    }
}

/// How a claim is checked. See the README for each rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The claimed number against a measure: exact, rounds correctly, approximately or not.
    Value,
    /// The measure is below the claimed number.
    LessThan,
    /// The measure is at or above the claimed number.
    AtLeast,
    /// The named groups' pooled detainer rate is above the other groups'.
    HigherRate,
    /// The named groups' pooled detainer rate is below the other groups'.
    LowerRate,
    /// The data cannot check the claim.
    NotCheckable,
}

impl Rule {
    const ALL: [Rule; 6] = [
        Rule::Value,
        Rule::LessThan,
        Rule::AtLeast,
        Rule::HigherRate,
        Rule::LowerRate,
        Rule::NotCheckable,
    ];

    /// The key used in `claims.csv`.
    pub fn key(self) -> &'static str {
        match self {
            Rule::Value => "value",
            Rule::LessThan => "less_than",
            Rule::AtLeast => "at_least",
            Rule::HigherRate => "higher_rate",
            Rule::LowerRate => "lower_rate",
            Rule::NotCheckable => "not_checkable",
        }
    }

    pub(crate) fn from_key(key: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.key() == key)
    }
}

/// The unit a claimed number is printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// People or cases.
    Count,
    /// Percent (the measure, a fraction, is multiplied by 100).
    Percent,
    /// Weeks.
    Weeks,
}

/// A claim as written in `claims.csv`: the quote and the rule that checks it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimSpec {
    /// Short identifier.
    pub id: String,
    /// The claim, verbatim from the source.
    pub quote: String,
    /// How it is checked.
    pub rule: Rule,
    /// The named measure it is compared with (see [`crate::article::measures::measure`]).
    pub measure: Option<String>,
    /// The number as printed (its decimals set the rounding check).
    pub claimed: Option<String>,
    /// Unit of `claimed`.
    pub unit: Option<Unit>,
    /// Status groups the claim names.
    pub groups: Vec<String>,
    /// How the claim is read.
    pub note: Option<String>,
    /// Line in `claims.csv`.
    pub line: u64,
}

/// A case example from the source, one per person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseExample {
    /// Short identifier.
    pub id: String,
    /// First day of the month the source dates the case to.
    pub month: NaiveDate,
    /// Country of citizenship, when stated.
    pub citizenship: Option<String>,
    /// Place, when stated.
    pub place: Option<String>,
    /// Charge as described.
    pub charge: Option<String>,
    /// The agency involved.
    pub agency: Option<String>,
    /// What happened.
    pub what_happened: Option<String>,
    /// Status when the source was written.
    pub status_when_reported: Option<String>,
    /// Immigration history, when stated.
    pub immigration_history: Option<String>,
    /// The source's sentence(s), verbatim.
    pub quote: String,
}

/// The study period, inclusive of both dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Period {
    /// First day.
    pub start: NaiveDate,
    /// Last day (inclusive).
    pub end: NaiveDate,
    /// The source's sentence naming the period.
    #[serde(default)]
    pub quote: Option<String>,
}

/// An assumption the source makes, with its value and its words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assumption {
    /// The value used.
    pub value: f64,
    /// The source's sentence it rests on.
    #[serde(default)]
    pub quote: Option<String>,
    /// How it is used.
    #[serde(default)]
    pub note: Option<String>,
}

/// Assumptions carried by a dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assumptions {
    /// Share of issued detainers that lead to ICE custody.
    pub honored_share: Assumption,
}

/// A source of the dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// Title.
    pub title: String,
    /// Author.
    #[serde(default)]
    pub author: Option<String>,
    /// Publication date as written (YYYY-MM-DD).
    #[serde(default)]
    pub published: Option<String>,
    /// Address, if known.
    #[serde(default)]
    pub url: Option<String>,
    /// Why the address is missing, or other remarks on it.
    #[serde(default)]
    pub url_note: Option<String>,
    /// The source's own caveat.
    #[serde(default)]
    pub caveat: Option<String>,
}

/// A resource entry of `datapackage.json` (only what the loader uses).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    /// `status`, `dispositions`, `claims` or `cases`.
    pub name: String,
    /// File name relative to the dataset folder.
    pub path: String,
}

/// `datapackage.json`: the dataset's description and provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetMeta {
    /// Short machine name.
    pub name: String,
    /// Title.
    pub title: String,
    /// What the data are.
    #[serde(default)]
    pub description: Option<String>,
    /// Study period.
    pub period: Period,
    /// Assumptions the source makes.
    pub assumptions: Assumptions,
    /// Where the data come from.
    pub sources: Vec<Source>,
    /// The files.
    #[serde(default)]
    pub resources: Vec<Resource>,
}

/// A loaded, validated dataset.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The folder it was read from.
    pub dir: PathBuf,
    /// Description, period, assumptions, sources.
    pub meta: DatasetMeta,
    /// Hits and detainers by status group.
    pub status: StatusTable,
    /// ICE's response to the hits.
    pub dispositions: Dispositions,
    /// The source's claims (empty when the folder has no `claims.csv`).
    pub claims: Vec<ClaimSpec>,
    /// Path of `claims.csv` (used to locate errors in claim rules).
    pub claims_path: PathBuf,
    /// Case examples (empty when the folder has no `cases.csv`).
    pub cases: Vec<CaseExample>,
}

impl Dataset {
    /// The dataset's folder name (e.g. `boston-2018`), which names it in
    /// results, charts and notebook checks.
    pub fn folder_name(&self) -> String {
        self.dir
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}
