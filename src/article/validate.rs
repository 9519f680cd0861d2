//! Validate stage: CSV rows into the typed tables of [`super::model`], with the
//! checks that span rows (duplicates, detainers within hits, printed totals,
//! outcomes adding up). The first problem is an error naming file, line and
//! column.

use super::model::{
    CaseExample, ClaimSpec, Disposition, Dispositions, Outcome, PrintedTotal, Rule, StatusRow,
    StatusTable, Unit,
};
use crate::csv_table::CsvTable;
use crate::error::Result;
use chrono::NaiveDate;

/// Is this status label a pasted total row (`Total`, `Totals`, `Grand total`, `All`)?
pub(crate) fn is_total_label(label: &str) -> bool {
    let folded = label
        .trim()
        .trim_end_matches(':')
        .to_ascii_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    matches!(
        folded.as_str(),
        "total" | "totals" | "grand total" | "all" | "all groups"
    )
}

fn fold(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Build the status table: counts are whole numbers, detainers never exceed
/// hits, no group appears twice, and a pasted total row matches the sums
/// (it is kept apart, never counted as a group).
pub(crate) fn validate_status(csv: &CsvTable) -> Result<StatusTable> {
    let mut rows: Vec<StatusRow> = Vec::new();
    let mut printed_total: Option<PrintedTotal> = None;
    for row in &csv.rows {
        let status = csv.required_text(row, "status")?;
        let hits = csv.count(row, "hits")?;
        let detainers = csv.count(row, "detainers")?;
        let published_percent = csv.optional_number(row, "published_percent")?;
        if detainers > hits {
            return Err(csv.error(
                row,
                "detainers",
                format!("{detainers} detainers is more than the {hits} hits of '{status}'"),
            ));
        }
        if is_total_label(&status) {
            if let Some(first) = &printed_total {
                return Err(csv.error(
                    row,
                    "status",
                    format!("a second total row (the first is on line {})", first.line),
                ));
            }
            printed_total = Some(PrintedTotal {
                hits,
                detainers,
                published_percent,
                line: row.line,
            });
            continue;
        }
        if let Some(twin) = rows.iter().find(|r| fold(&r.status) == fold(&status)) {
            return Err(csv.error(
                row,
                "status",
                format!("'{status}' is listed twice (also on line {})", twin.line),
            ));
        }
        rows.push(StatusRow {
            status,
            hits,
            detainers,
            published_percent,
            line: row.line,
        });
    }
    if rows.is_empty() {
        return Err(csv.file_error("no status groups: the only row is a total"));
    }
    let table = StatusTable {
        rows,
        printed_total,
    };
    if let Some(total) = &table.printed_total {
        let row = csv
            .rows
            .iter()
            .find(|r| r.line == total.line)
            .expect("total row came from these rows");
        for (column, printed, summed) in [
            ("hits", total.hits, table.total_hits()),
            ("detainers", total.detainers, table.total_detainers()),
        ] {
            if printed != summed {
                return Err(csv.error(
                    row,
                    column,
                    format!("total row says {printed} but the groups add up to {summed}"),
                ));
            }
        }
    }
    Ok(table)
}

/// Build the dispositions: each known outcome exactly once, counts that add up
/// to the status table's hits, and detainers equal to the table's detainers.
pub(crate) fn validate_dispositions(csv: &CsvTable, status: &StatusTable) -> Result<Dispositions> {
    let mut found: Vec<(Disposition, u64)> = Vec::new();
    for row in &csv.rows {
        let key = csv.required_text(row, "outcome")?;
        if is_total_label(&key) {
            // A pasted total is checked like any other, then set aside.
            let count = csv.count(row, "count")?;
            let summed: u64 = found.iter().map(|(d, _)| d.count).sum::<u64>();
            let expected = status.total_hits();
            if count != expected {
                return Err(csv.error(
                    row,
                    "count",
                    format!("total row says {count} but status.csv has {expected} hits (outcomes so far add up to {summed})"),
                ));
            }
            continue;
        }
        let outcome = Outcome::from_key(&key).ok_or_else(|| {
            let known: Vec<&str> = Outcome::ALL.iter().map(|o| o.key()).collect();
            csv.error(
                row,
                "outcome",
                format!(
                    "unknown outcome '{key}'; expected one of: {}",
                    known.join(", ")
                ),
            )
        })?;
        if let Some((_, line)) = found.iter().find(|(d, _)| d.outcome == outcome) {
            return Err(csv.error(
                row,
                "outcome",
                format!("'{key}' is listed twice (also on line {line})"),
            ));
        }
        let count = csv.count(row, "count")?;
        let label = csv
            .optional_text(row, "label")
            .unwrap_or_else(|| key.clone());
        found.push((
            Disposition {
                outcome,
                count,
                label,
            },
            row.line,
        ));
    }
    for outcome in Outcome::ALL {
        if !found.iter().any(|(d, _)| d.outcome == outcome) {
            return Err(csv.file_error(format!(
                "outcome '{}' is missing; every outcome needs a row",
                outcome.key()
            )));
        }
    }
    found.sort_by_key(|(d, _)| Outcome::ALL.iter().position(|o| *o == d.outcome));
    let (rows, lines): (Vec<Disposition>, Vec<u64>) = found.into_iter().unzip();
    let table = Dispositions { rows };
    if table.total() != status.total_hits() {
        return Err(crate::error::Error::input(
            &csv.path,
            None,
            Some("count"),
            format!(
                "outcomes add up to {} but status.csv has {} hits",
                table.total(),
                status.total_hits()
            ),
        ));
    }
    let detainers = table.count(Outcome::DetainerAndWarrant);
    if detainers != status.total_detainers() {
        let line = lines[0];
        return Err(crate::error::Error::input(
            &csv.path,
            Some(line),
            Some("count"),
            format!(
                "detainer_and_warrant is {detainers} but status.csv has {} detainers",
                status.total_detainers()
            ),
        ));
    }
    Ok(table)
}

/// Build the claims: known rules and units, numbers where a rule needs one,
/// and group names that exist in the status table.
pub(crate) fn validate_claims(csv: &CsvTable, status: &StatusTable) -> Result<Vec<ClaimSpec>> {
    let mut out: Vec<ClaimSpec> = Vec::new();
    for row in &csv.rows {
        let id = csv.required_text(row, "id")?;
        if let Some(twin) = out.iter().find(|c| c.id == id) {
            return Err(csv.error(
                row,
                "id",
                format!("'{id}' is listed twice (also on line {})", twin.line),
            ));
        }
        let quote = csv.required_text(row, "quote")?;
        let rule_key = csv.required_text(row, "rule")?;
        let rule = Rule::from_key(&rule_key)
            .ok_or_else(|| csv.error(row, "rule", format!("unknown rule '{rule_key}'")))?;
        let measure = csv.optional_text(row, "measure");
        let claimed = csv.optional_text(row, "claimed");
        if let Some(text) = &claimed {
            if text.parse::<f64>().map_or(true, |v| !v.is_finite()) {
                return Err(csv.error(row, "claimed", format!("'{text}' is not a number")));
            }
        }
        let unit = match csv.text(row, "unit") {
            "" => None,
            "count" => Some(Unit::Count),
            "percent" => Some(Unit::Percent),
            "weeks" => Some(Unit::Weeks),
            other => {
                return Err(csv.error(
                    row,
                    "unit",
                    format!("unknown unit '{other}'; expected count, percent or weeks"),
                ))
            }
        };
        let needs_number = matches!(rule, Rule::Value | Rule::LessThan | Rule::AtLeast);
        if needs_number {
            if measure.is_none() {
                return Err(csv.error(
                    row,
                    "measure",
                    format!("rule '{rule_key}' needs a measure"),
                ));
            }
            if claimed.is_none() {
                return Err(csv.error(row, "claimed", format!("rule '{rule_key}' needs a number")));
            }
            if unit.is_none() {
                return Err(csv.error(row, "unit", format!("rule '{rule_key}' needs a unit")));
            }
        }
        let groups: Vec<String> = csv
            .text(row, "groups")
            .split(';')
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .map(str::to_owned)
            .collect();
        for group in &groups {
            if status.group(group).is_none() {
                return Err(csv.error(
                    row,
                    "groups",
                    format!("'{group}' is not a status in status.csv"),
                ));
            }
        }
        if matches!(rule, Rule::HigherRate | Rule::LowerRate)
            && (groups.is_empty() || groups.len() >= status.rows.len())
        {
            return Err(csv.error(
                row,
                "groups",
                "rule needs at least one named group and at least one other group",
            ));
        }
        out.push(ClaimSpec {
            id,
            quote,
            rule,
            measure,
            claimed,
            unit,
            groups,
            note: csv.optional_text(row, "note"),
            line: row.line,
        });
    }
    Ok(out)
}

/// Build the case examples: a month (`YYYY-MM`) and a verbatim quote each.
pub(crate) fn validate_cases(csv: &CsvTable) -> Result<Vec<CaseExample>> {
    let mut out: Vec<CaseExample> = Vec::new();
    for row in &csv.rows {
        let id = csv.required_text(row, "id")?;
        if out.iter().any(|c| c.id == id) {
            return Err(csv.error(row, "id", format!("'{id}' is listed twice")));
        }
        let month_text = csv.required_text(row, "month")?;
        let month =
            NaiveDate::parse_from_str(&format!("{month_text}-01"), "%Y-%m-%d").map_err(|_| {
                csv.error(
                    row,
                    "month",
                    format!("'{month_text}' is not a month written YYYY-MM"),
                )
            })?;
        out.push(CaseExample {
            id,
            month,
            citizenship: csv.optional_text(row, "citizenship"),
            place: csv.optional_text(row, "place"),
            charge: csv.optional_text(row, "charge"),
            agency: csv.optional_text(row, "agency"),
            what_happened: csv.optional_text(row, "what_happened"),
            status_when_reported: csv.optional_text(row, "status_when_reported"),
            immigration_history: csv.optional_text(row, "immigration_history"),
            quote: csv.required_text(row, "quote")?,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_labels_are_recognised_but_not_groups_that_contain_the_word() {
        assert!(is_total_label("Total"));
        assert!(is_total_label(" TOTALS: "));
        assert!(is_total_label("Grand  total"));
        assert!(!is_total_label("Total removals pending"));
        assert!(!is_total_label("Final Order of Removal"));
    }
}
