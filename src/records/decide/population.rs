//! Population context: noncitizen residents per ICE area of responsibility,
//! read from a `|`-delimited table in the format of UWCHR's
//! `aor_demog_indicators.csv` (columns `aor`, `noncitizen_pop`, `year`, and
//! optionally `noncitizen_pop_se`; other columns are ignored).

use crate::csv_table::{decode_utf8, parse_table, TableShape};
use crate::error::{Error, Result};
use crate::records::select::filters::AorFilter;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::Path;

const BUNDLED: &str = include_str!("../../../data/context/aor_population.csv");

const BUNDLED_NAME: &str = "data/context/aor_population.csv";

/// One area and year.
#[derive(Debug, Clone, PartialEq)]
pub struct PopulationRow {
    /// Area code, e.g. `BOS`.
    pub aor: String,
    /// Year of the estimate.
    pub year: i32,
    /// Estimated noncitizen residents.
    pub noncitizen: f64,
    /// Standard error, when the file has it.
    pub noncitizen_se: Option<f64>,
}

/// A population table and where it came from.
#[derive(Debug, Clone)]
pub struct PopulationTable {
    /// The file, as named in results.
    pub source: String,
    /// Its rows.
    pub rows: Vec<PopulationRow>,
}

impl PopulationTable {
    /// The two rows bundled in `data/context/` (BOS and SPM, 2019).
    pub fn bundled() -> Self {
        Self::parse(Path::new(BUNDLED_NAME), BUNDLED)
            .expect("the bundled population table is checked by the test suite")
    }

    /// Read a population file.
    pub fn from_file(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = decode_utf8(path, &bytes)?;
        Self::parse(path, &text)
    }

    fn parse(path: &Path, text: &str) -> Result<Self> {
        let table = parse_table(
            path,
            text,
            &TableShape {
                delimiter: b'|',
                required: &["aor", "noncitizen_pop", "year"],
                optional: &["noncitizen_pop_se"],
                others_allowed: true,
            },
        )?;
        let mut rows = Vec::with_capacity(table.rows.len());
        for row in &table.rows {
            let number = |name: &str| -> Result<f64> {
                let text = table.text(row, name);
                match text.parse::<f64>() {
                    Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
                    _ => Err(table.error(
                        row,
                        name,
                        format!("'{text}' is not a number of 0 or more"),
                    )),
                }
            };
            let year = table.text(row, "year").parse::<i32>().map_err(|_| {
                table.error(
                    row,
                    "year",
                    format!("'{}' is not a year", table.text(row, "year")),
                )
            })?;
            let noncitizen_se = match table.text(row, "noncitizen_pop_se") {
                "" | "NA" => None,
                _ => Some(number("noncitizen_pop_se")?),
            };
            rows.push(PopulationRow {
                aor: table.text(row, "aor").to_string(),
                year,
                noncitizen: number("noncitizen_pop")?,
                noncitizen_se,
            });
        }
        Ok(PopulationTable {
            source: path.display().to_string(),
            rows,
        })
    }

    /// The row for `aor` whose year is closest to `year` (the later year on a tie).
    pub fn nearest(&self, aor: &str, year: i32) -> Option<&PopulationRow> {
        self.rows
            .iter()
            .filter(|r| r.aor.eq_ignore_ascii_case(aor))
            .min_by_key(|r| ((r.year - year).abs(), -r.year))
    }
}

/// Detainers against the noncitizen population of the area of responsibility.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PopulationContext {
    /// Area code.
    pub aor: String,
    /// Year of the population estimate.
    pub population_year: i32,
    /// Estimated noncitizen residents.
    pub noncitizen_population: f64,
    /// Standard error of that estimate.
    pub noncitizen_population_se: Option<f64>,
    /// Days in the period counted (from the filters, or the months seen).
    pub period_days: i64,
    /// `rows_used / population * 100,000` over the period.
    pub detainers_per_100k: f64,
    /// The same, per year of the period.
    pub detainers_per_100k_per_year: f64,
    /// Where the population figure comes from.
    pub population_source: String,
    /// Caveats (for example the gap between population year and period).
    pub note: String,
}

/// Detainers per 100,000 noncitizen residents of the selected area, when the
/// results select one area, it has a row in `table`, and some rows are used.
pub(crate) fn context(
    aor: &AorFilter,
    (start, end): (NaiveDate, NaiveDate),
    rows_used: u64,
    table: &PopulationTable,
) -> Option<PopulationContext> {
    let mid_year = chrono::Datelike::year(&(start + (end - start) / 2));
    let row = table.nearest(&aor.code, mid_year)?;
    let days = (end - start).num_days() + 1;
    if days <= 0 || row.noncitizen <= 0.0 {
        return None;
    }
    let per_100k = rows_used as f64 / row.noncitizen * 100_000.0;
    let per_year = per_100k / (days as f64 / 365.25);
    let gap = (mid_year - row.year).abs();
    let mut note = format!(
        "Population of {} in {} (American Community Survey estimate); detainers from {start} to {end} ({days} days).",
        aor.code, row.year
    );
    if gap > 0 {
        note.push_str(&format!(
            " The estimate is {gap} year(s) from the middle of the period; the rate assumes the population did not change."
        ));
    }
    note.push_str(" Detainers count events, not people: one person can have several.");
    Some(PopulationContext {
        aor: aor.code.clone(),
        population_year: row.year,
        noncitizen_population: row.noncitizen,
        noncitizen_population_se: row.noncitizen_se,
        period_days: days,
        detainers_per_100k: per_100k,
        detainers_per_100k_per_year: per_year,
        population_source: table.source.clone(),
        note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_rows_and_nearest_year() {
        let t = PopulationTable::bundled();
        let bos = t.nearest("BOS", 2018).unwrap();
        assert_eq!((bos.year, bos.noncitizen), (2019, 824_540.0));
        assert!(t.nearest("bos", 2030).is_some());
        assert!(t.nearest("XYZ", 2019).is_none());
    }

    #[test]
    fn bad_numbers_name_line_and_column() {
        let text = "aor|noncitizen_pop|year\nBOS|-5|2019\n";
        let e = PopulationTable::parse(Path::new("p.csv"), text).unwrap_err();
        assert_eq!(
            e.to_string(),
            "p.csv:2: column 'noncitizen_pop': '-5' is not a number of 0 or more"
        );
        let e = PopulationTable::parse(Path::new("p.csv"), "aor,year\nBOS,2019\n").unwrap_err();
        assert!(
            e.to_string()
                .contains("column 'aor': required column is missing"),
            "{e}"
        );
    }
}
