//! What to do with rows the release flags as likely duplicates: the
//! policy a run asks for (applied after the scan, by
//! `decide::duplicates`).

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// What to do with rows flagged `duplicate_likely`.
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
}

impl Duplicates {
    /// Every policy, in the order `results.json` lists them.
    pub const ALL: [Duplicates; 3] = [
        Duplicates::Exclude,
        Duplicates::KeepFirst,
        Duplicates::Include,
    ];

    /// The policy as the command line writes it.
    pub fn name(self) -> &'static str {
        match self {
            Duplicates::Exclude => "exclude",
            Duplicates::KeepFirst => "keep-first",
            Duplicates::Include => "include",
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
                    "unknown duplicates policy '{s}'; use exclude, keep-first or include"
                ))
            })
    }
}
