//! A person's repeated records, found over every file before the count:
//! which of a person's days some duplicates rule may group with another of
//! their rows, and the person's episode on each such day by the Deportation
//! Data Project's August 2026 rule
//! (`deportationdata/ice@7d5fb01:code/detainers-latest.R:198-256`).
//!
//! The rule, as this module applies it: a person's rows with a prepare date
//! read, in date order (then the order of the files and of the rows), form
//! one episode while each is at most a day after the one before it; a gap
//! of more than a day starts the next episode. The chain is measured from
//! the previous row, not from the episode's first, so rows on days 1, 2 and
//! 3 are one episode. Episodes are numbered from 1 per person. Detainer
//! type and facility split an episode afterwards, in `decide::duplicates`.
//!
//! Only the days that matter are kept: a day with two rows of the person,
//! a day in an episode split (by type and facility) of more than one row,
//! or a day of a file episode (`duplicate_episode_id`) of more than one
//! row. Every other row is alone under every rule and is counted at once,
//! so what is kept stays small (a few percent of the rows in DDP's files).
//!
//! Rows are found over every file and every row with a person and a
//! readable prepare date, before any filter, as DDP finds them over the
//! whole release. One pass over the files reads only the columns it needs
//! (person, date, detainer type, facility, file episode) through polars,
//! whichever engine counts.

use crate::error::Result;
use crate::records::count::polars::{judge_dates, lazy_file, FILE_NO, ROW};
use crate::records::read::schema::{at, DATE, DETAINER_TYPE, EPISODE, FACILITY, ID};
use crate::records::read::SourceFile;
use polars::prelude::*;
use std::collections::HashMap;

/// The days of each person that a duplicates rule may group with another
/// row, with the person's episode on that day.
#[derive(Debug, Clone, Default)]
pub(crate) struct Episodes {
    /// Person to `(yyyymmdd, episode)`, in date order.
    by_person: HashMap<Box<str>, Vec<(i32, u32)>>,
}

impl Episodes {
    /// The person's episode on `day` (`yyyymmdd`), when the day is kept.
    pub(crate) fn get(&self, person: &str, day: i32) -> Option<u32> {
        let days = self.by_person.get(person)?;
        days.binary_search_by_key(&day, |(d, _)| *d)
            .ok()
            .map(|i| days[i].1)
    }

    /// Whether no day is kept.
    pub(crate) fn is_empty(&self) -> bool {
        self.by_person.is_empty()
    }

    /// The kept days as a frame: person (`_id`), day (`_day`) and episode
    /// (`_episode`), for the polars engine to join.
    pub(crate) fn frame(&self, person: &str, day: &str, episode: &str) -> Result<DataFrame> {
        let (mut people, mut days, mut episodes) = (Vec::new(), Vec::new(), Vec::new());
        for (p, list) in &self.by_person {
            for (d, e) in list {
                people.push(p.as_ref());
                days.push(*d);
                episodes.push(*e);
            }
        }
        Ok(DataFrame::new_infer_height(vec![
            Column::new(person.into(), people),
            Column::new(day.into(), days),
            Column::new(episode.into(), episodes),
        ])?)
    }
}

/// One row of the pass: person, day as days from the common era, the
/// `yyyymmdd` key, the file, the row, its type-and-facility kind and its
/// file episode (all interned).
type PassRow = (u32, i32, i32, u32, u64, u32, Option<u32>);

/// Find the kept days of `sources` (see the module's documentation).
/// Files without a person column add nothing.
///
/// # Errors
/// What polars meets reading the files (the caller then lets the engine
/// name the problem).
pub(crate) fn find_episodes(sources: &[SourceFile]) -> Result<Episodes> {
    let with_people: Vec<&SourceFile> = sources
        .iter()
        .filter(|f| f.layout.map.has(at::ID))
        .collect();
    if with_people.is_empty() {
        return Ok(Episodes::default());
    }
    let mut frames = Vec::with_capacity(with_people.len());
    for f in with_people {
        let judged = col(DATE)
            .map(judge_dates, |_, f| {
                Ok(Field::new(f.name().clone(), DataType::Int32))
            })
            .alias(DATE);
        frames.push(
            lazy_file(f, &[])?
                .filter(col(ID).is_not_null())
                .select([
                    col(ID),
                    judged,
                    col(DETAINER_TYPE),
                    col(FACILITY),
                    col(EPISODE),
                    col(FILE_NO),
                    col(ROW),
                ])
                .filter(col(DATE).gt(lit(0))),
        );
    }
    let lf = if frames.len() == 1 {
        frames.into_iter().next().unwrap_or_default()
    } else {
        concat(frames, UnionArgs::default())?
    };
    let df = lf
        .collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())?;
    Ok(episodes_of(&df)?)
}

/// Intern a text column: a number per distinct value (`None` stays `None`).
fn intern<'a>(values: impl Iterator<Item = Option<&'a str>>) -> Vec<Option<u32>> {
    let mut seen: HashMap<&str, u32> = HashMap::new();
    values
        .map(|v| {
            v.map(|v| {
                let n = seen.len() as u32;
                *seen.entry(v).or_insert(n)
            })
        })
        .collect()
}

fn episodes_of(df: &DataFrame) -> PolarsResult<Episodes> {
    let person = df.column(ID)?.str()?;
    let people: Vec<&str> = person.iter().map(|p| p.unwrap_or_default()).collect();
    let person_no = intern(person.iter());
    let day = df.column(DATE)?.i32()?;
    // Detainer type and facility together: the split within an episode.
    let kinds: Vec<String> = df
        .column(DETAINER_TYPE)?
        .str()?
        .iter()
        .zip(df.column(FACILITY)?.str()?.iter())
        .map(|(t, f)| {
            format!(
                "{}\u{0}{}\u{0}{}",
                t.is_some(),
                t.unwrap_or(""),
                f.unwrap_or("\u{1}")
            )
        })
        .collect();
    let kind_no = intern(kinds.iter().map(|k| Some(k.as_str())));
    let file_episode = intern(df.column(EPISODE)?.str()?.iter());
    let file_no = df.column(FILE_NO)?.cast(&DataType::UInt32)?;
    let file_no = file_no.u32()?;
    let row = df.column(ROW)?.cast(&DataType::UInt64)?;
    let row = row.u64()?;
    let mut rows: Vec<(PassRow, usize)> = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let (Some(p), Some(key)) = (person_no[i], day.get(i)) else {
            continue;
        };
        let Some(date) = chrono::NaiveDate::from_ymd_opt(
            key / 10000,
            (key / 100 % 100) as u32,
            (key % 100) as u32,
        ) else {
            continue;
        };
        use chrono::Datelike;
        rows.push((
            (
                p,
                date.num_days_from_ce(),
                key,
                file_no.get(i).unwrap_or(0),
                row.get(i).unwrap_or(0),
                kind_no[i].unwrap_or(0),
                file_episode[i],
            ),
            i,
        ));
    }
    rows.sort_unstable_by_key(|(r, _)| (r.0, r.1, r.3, r.4));
    // Each row's episode: a new one after a gap of more than a day.
    let mut episode = vec![0u32; rows.len()];
    for n in 0..rows.len() {
        let (r, _) = &rows[n];
        episode[n] = match n.checked_sub(1).map(|m| &rows[m].0) {
            Some(prev) if prev.0 == r.0 && r.1 - prev.1 <= 1 => episode[n - 1],
            Some(prev) if prev.0 == r.0 => episode[n - 1] + 1,
            _ => 1,
        };
    }
    let mut same_day: HashMap<(u32, i32), u32> = HashMap::new();
    let mut split: HashMap<(u32, u32, u32), u32> = HashMap::new();
    let mut by_file: HashMap<(u32, u32), u32> = HashMap::new();
    for (n, (r, _)) in rows.iter().enumerate() {
        *same_day.entry((r.0, r.1)).or_default() += 1;
        *split.entry((r.0, episode[n], r.5)).or_default() += 1;
        if let Some(e) = r.6 {
            *by_file.entry((r.0, e)).or_default() += 1;
        }
    }
    let mut by_person: HashMap<Box<str>, Vec<(i32, u32)>> = HashMap::new();
    for (n, (r, i)) in rows.iter().enumerate() {
        let kept = same_day[&(r.0, r.1)] > 1
            || split[&(r.0, episode[n], r.5)] > 1
            || r.6.is_some_and(|e| by_file[&(r.0, e)] > 1);
        if kept {
            let days = by_person.entry(people[*i].into()).or_default();
            if days.last().is_none_or(|(d, _)| *d != r.2) {
                days.push((r.2, episode[n]));
            }
        }
    }
    Ok(Episodes { by_person })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(rows: &[(&str, i32, &str, &str, Option<&str>)]) -> DataFrame {
        let n = rows.len();
        DataFrame::new_infer_height(vec![
            Column::new(ID.into(), rows.iter().map(|r| r.0).collect::<Vec<_>>()),
            Column::new(DATE.into(), rows.iter().map(|r| r.1).collect::<Vec<_>>()),
            Column::new(
                DETAINER_TYPE.into(),
                rows.iter().map(|r| r.2).collect::<Vec<_>>(),
            ),
            Column::new(
                FACILITY.into(),
                rows.iter().map(|r| r.3).collect::<Vec<_>>(),
            ),
            Column::new(EPISODE.into(), rows.iter().map(|r| r.4).collect::<Vec<_>>()),
            Column::new(FILE_NO.into(), vec![0u32; n]),
            Column::new(ROW.into(), (0..n as u64).collect::<Vec<_>>()),
        ])
        .unwrap()
    }

    #[test]
    fn episodes_chain_across_month_ends_and_split_only_what_repeats() {
        let df = frame(&[
            // One chain over three days, across a month's end: days 31, 1, 2.
            ("a", 20190131, "I247A", "X", None),
            ("a", 20190201, "I247N", "Y", None),
            ("a", 20190202, "I247A", "X", None),
            // Two days later: the next episode, alone.
            ("a", 20190204, "I247A", "X", None),
            // Alone under every rule.
            ("b", 20190101, "I247A", "X", None),
            // The same day twice.
            ("c", 20190301, "I247A", "X", None),
            ("c", 20190301, "I247A", "Z", None),
            // A file episode of two rows far apart.
            ("d", 20190101, "I247A", "X", Some("1")),
            ("d", 20190601, "I247A", "X", Some("1")),
        ]);
        let e = episodes_of(&df).unwrap();
        // The rows on the 31st and the 2nd are one type and facility in one
        // episode; the notification between them chains them.
        assert_eq!(e.get("a", 20190131), Some(1));
        assert_eq!(e.get("a", 20190202), Some(1));
        assert_eq!(e.get("a", 20190201), None, "alone in its type and facility");
        assert_eq!(e.get("a", 20190204), None);
        assert_eq!(e.get("b", 20190101), None);
        assert_eq!(e.get("c", 20190301), Some(1));
        assert_eq!(e.get("d", 20190101), Some(1));
        assert_eq!(e.get("d", 20190601), Some(2));
        let f = e.frame("p", "d", "e").unwrap();
        assert_eq!(f.height(), 5);
    }
}
