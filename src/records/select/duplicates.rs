//! What to do with repeated records: the policy a run asks for (applied
//! after the scan, by `decide::duplicates`). Three read the release's
//! `duplicate_likely` flag; `episode` applies the Deportation Data
//! Project's August 2026 episode rule to the rows themselves; `file` uses
//! the file's own answer (`duplicate_drop_row`, or its episode number).

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// What to do with repeated records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Duplicates {
    /// Use no flagged row (the Deportation Data Project's own default).
    #[default]
    Exclude,
    /// Use the first flagged row of each person and prepare date, in the
    /// order of the files as given and of the rows in each file.
    KeepFirst,
    /// Use every flagged row.
    Include,
    /// DDP's August 2026 rule, applied here to every file: a person's rows
    /// whose prepare dates are at most a day apart, in date order, form an
    /// episode (the gap is to the previous row, so the chain can run for
    /// days); within an episode, the rows of one detainer type and facility
    /// are one detainer, and only the first (earliest date, then the order
    /// of the files) is used. Rows without a person are all used.
    Episode,
    /// The file's own answer: drop a row whose `duplicate_drop_row` is
    /// `TRUE`; in a file with only an episode number (DDP's historical
    /// file), use the first row of each person and episode.
    File,
}

impl Duplicates {
    /// Every policy, in the order `results.json` lists them.
    pub const ALL: [Duplicates; 5] = [
        Duplicates::Exclude,
        Duplicates::KeepFirst,
        Duplicates::Include,
        Duplicates::Episode,
        Duplicates::File,
    ];

    /// The policy as the command line writes it.
    pub fn name(self) -> &'static str {
        match self {
            Duplicates::Exclude => "exclude",
            Duplicates::KeepFirst => "keep-first",
            Duplicates::Include => "include",
            Duplicates::Episode => "episode",
            Duplicates::File => "file",
        }
    }
}

impl std::str::FromStr for Duplicates {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Duplicates::ALL
            .into_iter()
            .find(|d| d.name() == s || d.name().replace('-', "_") == s)
            .ok_or_else(|| {
                Error::Argument(format!(
                    "unknown duplicates policy '{s}'; use exclude, keep-first, include, episode or file"
                ))
            })
    }
}
