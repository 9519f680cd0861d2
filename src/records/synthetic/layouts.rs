//! The generator's rows written in any published layout
//! (`data/crosswalk/layouts.csv`): each column the layout has under the
//! layout's name, its markers, its prepare-date form and its delimiter, so
//! every layout can be tested with exact expected values.
//!
//! A column with several sources (DDP's historical file: `detainer_aor` for
//! older rows, `facility_aor` for newer) gets its value in the first source
//! on even rows and in the second on odd rows, the other left missing, so
//! reading it back exercises the rule that takes the first a row fills.

use crate::error::{Error, Result};
use crate::records::read::dates::parse_date_text;
use crate::records::read::layouts::Layout;
use crate::records::read::schema::{at, COLUMNS};
use crate::render::output::write_atomically;
use chrono::Datelike;
use std::path::Path;

/// The layout that writes a canonical file's columns as they are, for the
/// columns `like` has: the same rows a layout file holds, in canonical
/// names, to compare with.
pub fn canonical_layout(like: &Layout) -> Layout {
    Layout {
        name: format!("canonical ({})", like.name),
        title: "the canonical names of the columns the layout has".to_string(),
        dates: "YYYY-MM-DD".to_string(),
        delimiter: ",".to_string(),
        note: String::new(),
        reference: String::new(),
        sources: COLUMNS
            .iter()
            .zip(&like.sources)
            .map(|(c, s)| {
                if s.is_empty() {
                    Vec::new()
                } else {
                    vec![c.to_string()]
                }
            })
            .collect(),
        markers: Vec::new(),
    }
}

/// Where an output column's value comes from: the canonical column's place
/// in the generated file, and this source's place among the column's `n`
/// sources (it takes the rows whose index modulo `n` is its place).
type Source = (usize, usize, usize);

/// A prepare date written in a layout's form; text that is not a date is
/// written as it is.
fn date_in(form: &str, text: &str) -> String {
    let Some(d) = parse_date_text(text) else {
        return text.to_string();
    };
    match form {
        "YYYY-MM-DD HH:MM:SS" => format!("{} 00:00:00", d.format("%Y-%m-%d")),
        "M/D/YY" => format!("{}/{}/{:02}", d.month(), d.day(), d.year() % 100),
        "M/D/YYYY" => format!("{}/{}/{}", d.month(), d.day(), d.year()),
        _ => d.format("%Y-%m-%d").to_string(),
    }
}

/// Rewrite the canonical CSV record file `csv` (as the generator writes it)
/// in `layout` at `out`, as text with the layout's delimiter (or, with
/// `comma`, commas: the text a typed file is written from): one row in
/// memory at a time.
///
/// # Errors
/// [`Error::Input`] or [`Error::Io`] naming the file that could not be read
/// or written.
pub(crate) fn write_layout_csv(csv: &Path, out: &Path, layout: &Layout, comma: bool) -> Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .from_path(csv)
        .map_err(|e| Error::input_caused(csv, None, None, "could not read", e))?;
    let header = reader
        .headers()
        .map_err(|e| Error::input_caused(csv, Some(1), None, "malformed header", e))?
        .clone();
    let position = |name: &str| header.iter().position(|h| h == name);
    // Each output column: the canonical column it takes its value from
    // (with the source's place among that column's sources), or none for a
    // marker.
    let mut columns: Vec<(String, Option<Source>)> = Vec::new();
    for (at, sources) in layout.sources.iter().enumerate() {
        for (k, name) in sources.iter().enumerate() {
            let from = position(COLUMNS[at]).ok_or_else(|| {
                Error::input(
                    csv,
                    Some(1),
                    Some(COLUMNS[at]),
                    "the generated file lacks this column",
                )
            })?;
            columns.push((name.clone(), Some((from, k, sources.len()))));
        }
    }
    for marker in &layout.markers {
        columns.push((marker.clone(), None));
    }
    let delimiter = if layout.delimiter == "tab" && !comma {
        b'\t'
    } else {
        b','
    };
    let date_at = position(COLUMNS[at::DATE]);
    write_atomically(out, |tmp| {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .from_path(tmp)
            .map_err(|e| Error::input_caused(out, None, None, "could not write", e))?;
        let fail = |e: csv::Error| Error::input_caused(out, None, None, "could not write", e);
        writer
            .write_record(columns.iter().map(|(n, _)| n.as_str()))
            .map_err(fail)?;
        let mut record = csv::StringRecord::new();
        let mut row = 0usize;
        let mut fields: Vec<String> = Vec::with_capacity(columns.len());
        while reader
            .read_record(&mut record)
            .map_err(|e| Error::input_caused(csv, None, None, "could not read", e))?
        {
            fields.clear();
            for (_, from) in &columns {
                fields.push(match from {
                    None => "NA".to_string(),
                    Some((i, k, n)) if row % n == *k => {
                        let v = record.get(*i).unwrap_or("NA");
                        if Some(*i) == date_at {
                            date_in(&layout.dates, v)
                        } else {
                            v.to_string()
                        }
                    }
                    Some(_) => "NA".to_string(),
                });
            }
            writer.write_record(&fields).map_err(fail)?;
            row += 1;
        }
        writer.flush().map_err(|e| Error::io(tmp, e))?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_in_each_layouts_form() {
        assert_eq!(date_in("YYYY-MM-DD", "2019-03-01"), "2019-03-01");
        assert_eq!(
            date_in("YYYY-MM-DD HH:MM:SS", "2019-03-01"),
            "2019-03-01 00:00:00"
        );
        assert_eq!(date_in("M/D/YY", "2014-10-07"), "10/7/14");
        assert_eq!(date_in("M/D/YYYY", "2014-10-07"), "10/7/2014");
        assert_eq!(date_in("M/D/YY", "43199"), "43199");
        assert_eq!(date_in("Excel date", "NA"), "NA");
    }
}
