//! A person's repeated records, found over every file before the count:
//! for each of a person's days that a rule may group with another of their
//! rows, which group the day's rows belong to and whether that group starts
//! on that day. The rule is the Deportation Data Project's, from its August
//! 2026 release (`deportationdata/ice@7d5fb01:code/detainers-latest.R:198-256`):
//!
//! - a person's rows with a prepare date read, in date order, form one
//!   episode while each is at most a day after the one before it; a gap of
//!   more than a day starts the next one. The chain is measured from the
//!   previous row, not from the episode's first, so rows on days 1, 2 and 3
//!   are one episode;
//! - within an episode, the rows of one detainer type and facility are one
//!   detainer (a *split*); its first row (earliest date, then the order of
//!   the files) is used and the others are repeats.
//!
//! The file's own episode number (`duplicate_episode_id`, DDP's historical
//! file) groups rows the same way, with no split by type or facility.
//!
//! Groups are found over every file and every row with a person and a
//! readable prepare date, before any filter, as DDP finds them over the
//! whole release: a repeat whose first row falls outside `--from` is still
//! a repeat. Each row of a group of more than one row is marked with its
//! [`Role`]: the group, and whether the row is on the group's first day.
//! Rows on a later day are repeats; among the rows on the first day (a
//! same-day pair), the first in the files is used, which `decide` settles.
//!
//! The pass reads only the person, the date, the type, the facility and the
//! file's episode: CSV with the block reader, other formats through polars.
//! It holds one entry of 32 bytes per row with a person, and keeps
//! only the days of groups of more than one row. People, types and
//! facilities are compared by 128- and 64-bit hashes of their text.

use crate::error::{Error, Result};
use crate::records::count::blocks::{read_file, value, Layout, Visit};
use crate::records::count::polars::{judge_dates, lazy_file, FILE_NO, ROW};
use crate::records::read::dates::{day_key, PrepareDate};
use crate::records::read::formats::FileFormat;
use crate::records::read::schema::{at, DATE, DETAINER_TYPE, EPISODE, FACILITY, ID};
use crate::records::read::SourceFile;
use chrono::Datelike;
use foldhash::fast::FixedState;
use polars::prelude::*;
use std::hash::BuildHasher;
use std::sync::Arc;

/// A row's place in a group of more than one row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Role {
    /// The group, numbered over the run.
    pub group: u32,
    /// The row is on the group's first day.
    pub first_day: bool,
    /// The group has more than one row on its first day (a same-day
    /// repeat): which of them is first is settled by the order of the files.
    pub shared: bool,
}

/// What a group rule decides for a row without looking at any other row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Class {
    /// In no group of more than one row: used.
    #[default]
    Alone,
    /// The only row on its group's first day: used.
    Keep,
    /// On a later day than its group's first: a repeat.
    Drop,
    /// One of several rows on its group's first day: the first in the
    /// files is used (the row waits for the policy, with its place).
    Shared,
}

impl Class {
    /// The class of a row with `role`.
    pub(crate) fn of(role: Option<Role>) -> Class {
        match role {
            None => Class::Alone,
            Some(r) if !r.first_day => Class::Drop,
            Some(r) if r.shared => Class::Shared,
            Some(_) => Class::Keep,
        }
    }

    /// The class as two bits.
    pub(crate) fn bits(self) -> u8 {
        self as u8
    }

    /// The class of two bits.
    pub(crate) fn of_bits(bits: u8) -> Class {
        match bits & 3 {
            1 => Class::Keep,
            2 => Class::Drop,
            3 => Class::Shared,
            _ => Class::Alone,
        }
    }
}

impl Role {
    /// The role as one number: 0 for none, else
    /// `(group + 1) * 4 + shared * 2 + first`.
    pub(crate) fn code(role: Option<Role>) -> u32 {
        role.map_or(0, |r| {
            (r.group + 1) * 4 + u32::from(r.shared) * 2 + u32::from(r.first_day)
        })
    }

    /// The role of a [`Role::code`].
    pub(crate) fn of_code(code: u32) -> Option<Role> {
        (code >= 4).then(|| Role {
            group: code / 4 - 1,
            first_day: code % 2 == 1,
            shared: code / 2 % 2 == 1,
        })
    }
}

/// A row's roles: in DDP's episode rule and in the file's own episodes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Roles {
    /// Its split of an episode (type and facility), when of more than one row.
    pub episode: Option<Role>,
    /// Its file episode, when of more than one row.
    pub file: Option<Role>,
}

/// [`Roles::waits`] read from a [`Roles::repeat`] byte, as the polars
/// engine has it.
pub(crate) fn repeat_waits(repeat: u8) -> bool {
    let no_drop_flag = (repeat >> 4) & 3 == 0;
    Class::of_bits(repeat) == Class::Shared
        || (no_drop_flag && Class::of_bits(repeat >> 2) == Class::Shared)
}

impl Roles {
    /// The classes of the row under both rules, and the file's drop flag
    /// (`None`, or whether it is `TRUE`), as one byte: episode class, file
    /// class, then the flag (0 none, 1 not set, 2 set), two bits each.
    pub(crate) fn repeat(self, drop: Option<bool>) -> u8 {
        Class::of(self.episode).bits()
            | (Class::of(self.file).bits() << 2)
            | (drop.map_or(0, |d| 1 + u8::from(d)) << 4)
    }

    /// Whether the row must wait, with its place in the files, for a rule
    /// to choose among rows on one day: `Shared` under either rule (the
    /// file's rule only where no drop flag decides).
    pub(crate) fn waits(self, drop: Option<bool>) -> bool {
        repeat_waits(self.repeat(drop))
    }

    /// Both roles as one number (episode above, file below).
    pub(crate) fn code(self) -> u64 {
        (u64::from(Role::code(self.episode)) << 32) | u64::from(Role::code(self.file))
    }

    /// The roles of a [`Roles::code`].
    pub(crate) fn of_code(code: u64) -> Roles {
        Roles {
            episode: Role::of_code((code >> 32) as u32),
            file: Role::of_code(code as u32),
        }
    }
}

/// The hashes people, kinds (type and facility) and file episodes are
/// compared by: fixed seeds, so the pass and both engines agree.
#[derive(Debug, Clone, Copy)]
struct Hashes;

impl Hashes {
    fn person(self, id: &str) -> [u64; 2] {
        [
            FixedState::with_seed(0x1247_A0D1).hash_one(id),
            FixedState::with_seed(0x5EED_2026).hash_one(id),
        ]
    }

    /// 32 bits are enough: kinds are compared only among one person's rows.
    fn kind(self, detainer_type: Option<&str>, facility: Option<&str>) -> u32 {
        FixedState::with_seed(0x0007_1247).hash_one((detainer_type, facility)) as u32
    }

    /// Never 0, which stands for no file episode.
    fn file_episode(self, episode: &str) -> u32 {
        (FixedState::with_seed(0x00E9_150D).hash_one(episode) as u32).max(1)
    }
}

/// The roles on one person's day.
#[derive(Debug, Clone, Default)]
struct DayRoles {
    /// Per kind (type and facility) on that day, its episode split's role.
    splits: Vec<(u32, Role)>,
    /// Per file episode on that day, its role.
    files: Vec<(u32, Role)>,
}

/// The days of each person that a rule groups with another row, and each
/// row's role there.
#[derive(Debug, Clone, Default)]
pub(crate) struct Episodes {
    /// Per shard of people ([`shard`]), each kept (person, `yyyymmdd`).
    days: Arc<Vec<DayMap>>,
}

/// The kept days of one shard of people.
type DayMap = foldhash::HashMap<([u64; 2], i32), DayRoles>;

/// People are split into this many shards by their hash, so that the pass
/// sorts and groups each shard apart, in parallel.
const SHARDS: usize = 16;

/// A person's shard.
fn shard(person: [u64; 2]) -> usize {
    (person[0] >> 60) as usize % SHARDS
}

impl Episodes {
    /// Whether no day is kept.
    pub(crate) fn is_empty(&self) -> bool {
        self.days.iter().all(|d| d.is_empty())
    }

    /// The roles of a row of person `id` on `day` (`yyyymmdd`) with these
    /// raw values (missing as `None`).
    pub(crate) fn roles(
        &self,
        id: &str,
        day: i32,
        detainer_type: Option<&str>,
        facility: Option<&str>,
        file_episode: Option<&str>,
    ) -> Roles {
        let person = Hashes.person(id);
        let Some(d) = self
            .days
            .get(shard(person))
            .and_then(|days| days.get(&(person, day)))
        else {
            return Roles::default();
        };
        let kind = Hashes.kind(detainer_type, facility);
        let file = file_episode.map(|e| Hashes.file_episode(e));
        Roles {
            episode: d.splits.iter().find(|(k, _)| *k == kind).map(|(_, r)| *r),
            file: file.and_then(|f| d.files.iter().find(|(k, _)| *k == f).map(|(_, r)| *r)),
        }
    }
}

/// One row of the pass, in 32 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PassRow {
    /// The person's hash.
    person: [u64; 2],
    /// The prepare date, as days from the common era.
    day: i32,
    /// The hash of its detainer type and facility.
    kind: u32,
    /// The hash of its file episode; 0 for none.
    file: u32,
}

/// Rows of the pass gathered per shard of people, in chunks of a fixed
/// size, so that gathering millions never copies them to grow.
#[derive(Debug)]
struct Chunks(Vec<Vec<Vec<PassRow>>>);

impl Default for Chunks {
    fn default() -> Self {
        Chunks((0..SHARDS).map(|_| Vec::new()).collect())
    }
}

/// Rows per chunk (512 KiB).
const CHUNK: usize = 1 << 14;

impl Chunks {
    fn push(&mut self, row: PassRow) {
        let chunks = &mut self.0[shard(row.person)];
        match chunks.last_mut() {
            Some(c) if c.len() < CHUNK => c.push(row),
            _ => {
                let mut c = Vec::with_capacity(CHUNK);
                c.push(row);
                chunks.push(c);
            }
        }
    }

    fn append(&mut self, other: Chunks) {
        for (mine, theirs) in self.0.iter_mut().zip(other.0) {
            mine.extend(theirs);
        }
    }
}

/// The pass's row from its values; `None` without a person or a date used.
fn pass_row(
    id: Option<&str>,
    date: Option<&str>,
    detainer_type: Option<&str>,
    facility: Option<&str>,
    file_episode: Option<&str>,
) -> Option<PassRow> {
    let PrepareDate::Date(d) = PrepareDate::judge(date) else {
        return None;
    };
    Some(PassRow {
        person: Hashes.person(id?),
        day: d.num_days_from_ce(),
        kind: Hashes.kind(detainer_type, facility),
        file: file_episode.map_or(0, |e| Hashes.file_episode(e)),
    })
}

/// The pass over a CSV file's rows, on the block reader.
struct Pass;

impl Visit for Pass {
    type Acc = Chunks;

    fn row(
        &self,
        layout: &Layout,
        record: &csv::ByteRecord,
        _order: (u64, u64),
        acc: &mut Chunks,
    ) -> std::result::Result<(), (usize, &'static str)> {
        if record.len() < layout.width {
            return Ok(());
        }
        let read = |at: usize| -> std::result::Result<Option<&str>, (usize, &'static str)> {
            for &index in &layout.used[at] {
                if let Some(v) = value(record, index).map_err(|m| (index, m))? {
                    return Ok(Some(v));
                }
            }
            Ok(None)
        };
        if let Some(row) = pass_row(
            read(at::ID)?,
            read(at::DATE)?,
            read(at::DETAINER_TYPE)?,
            read(at::FACILITY)?,
            read(at::EPISODE)?,
        ) {
            acc.push(row);
        }
        Ok(())
    }

    fn blank(&self, _: &Layout, _: u64, _: &mut Chunks) {}

    fn merge(into: &mut Chunks, from: Chunks) {
        into.append(from);
    }
}

/// The pass over a typed file (Parquet, IPC, xlsx), through polars.
fn typed_rows(file: &SourceFile, out: &mut Chunks) -> Result<()> {
    let judged = col(DATE)
        .map(judge_dates, |_, f| {
            Ok(Field::new(f.name().clone(), DataType::Int32))
        })
        .alias(DATE);
    let df = lazy_file(file, &[])?
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
        .filter(col(DATE).gt(lit(0)))
        .collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
        .map_err(|e| Error::input_caused(&file.path, None, None, "could not read", e))?;
    let text = |name: &str| -> Result<Vec<Option<String>>> {
        Ok(df
            .column(name)?
            .str()?
            .iter()
            .map(|v| v.map(String::from))
            .collect())
    };
    let (ids, types, facilities, episodes) = (
        text(ID)?,
        text(DETAINER_TYPE)?,
        text(FACILITY)?,
        text(EPISODE)?,
    );
    let days = df.column(DATE)?.i32()?;
    for i in 0..df.height() {
        let Some(key) = days.get(i) else { continue };
        let date = format!("{:04}-{:02}-{:02}", key / 10000, key / 100 % 100, key % 100);
        if let Some(row) = pass_row(
            ids[i].as_deref(),
            Some(&date),
            types[i].as_deref(),
            facilities[i].as_deref(),
            episodes[i].as_deref(),
        ) {
            out.push(row);
        }
    }
    Ok(())
}

/// Find the groups of `sources` (see the module's documentation). Files
/// without a person column add nothing.
///
/// # Errors
/// As the engines, for a file that cannot be read.
pub(crate) fn find_episodes(sources: &[SourceFile]) -> Result<Episodes> {
    let mut rows = Chunks::default();
    for f in sources.iter().filter(|f| f.layout.map.has(at::ID)) {
        if f.format() == FileFormat::Csv {
            rows.append(read_file(f, &Pass, None, None)?);
        } else {
            typed_rows(f, &mut rows)?;
        }
    }
    Ok(group_shards(rows))
}

/// The `yyyymmdd` key of a day counted from the common era.
fn key_of(day: i32) -> i32 {
    chrono::NaiveDate::from_num_days_from_ce_opt(day).map_or(0, day_key)
}

/// Group every shard, on as many threads as there are cores, each
/// copying a shard's chunks into one reused vector to sort.
fn group_shards(rows: Chunks) -> Episodes {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut shards: Vec<Option<Vec<Vec<PassRow>>>> = rows.0.into_iter().map(Some).collect();
    let mut work: Vec<Vec<(usize, Vec<Vec<PassRow>>)>> = (0..threads).map(|_| Vec::new()).collect();
    for (i, s) in shards.iter_mut().enumerate() {
        if let Some(chunks) = s.take() {
            work[i % threads].push((i, chunks));
        }
    }
    let mut days: Vec<DayMap> = (0..SHARDS).map(|_| DayMap::default()).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = work
            .into_iter()
            .map(|mine| {
                scope.spawn(move || {
                    let mut buffer: Vec<PassRow> = Vec::new();
                    let mut out = Vec::new();
                    for (i, chunks) in mine {
                        buffer.clear();
                        for c in chunks {
                            buffer.extend_from_slice(&c);
                        }
                        out.push((i, group(&mut buffer, (i as u32) << 25)));
                    }
                    out
                })
            })
            .collect();
        for h in handles {
            for (i, map) in h.join().unwrap_or_default() {
                days[i] = map;
            }
        }
    });
    Episodes {
        days: Arc::new(days),
    }
}

/// One group of a person's rows, an episode split (keyed by episode and
/// kind) or a file episode, gathered from rows in date order.
struct Gathered<K> {
    key: K,
    /// The day of its first row.
    first_day: i32,
    /// Its rows.
    rows: usize,
    /// Its number, once it has more than one row ([`Gathered::number`]).
    group: u32,
    /// Its rows on its first day.
    on_first_day: usize,
}

impl<K: PartialEq + Copy> Gathered<K> {
    /// Count a row of group `key` on `day` (rows come in date order).
    fn add(list: &mut Vec<Self>, key: K, day: i32) {
        match list.iter_mut().find(|g| g.key == key) {
            Some(g) => {
                g.rows += 1;
                g.on_first_day += usize::from(g.first_day == day);
            }
            None => list.push(Gathered {
                key,
                first_day: day,
                rows: 1,
                group: 0,
                on_first_day: 1,
            }),
        }
    }

    /// Number the groups of more than one row, from `next` on.
    fn number(list: &mut [Self], next: &mut u32) {
        for g in list.iter_mut().filter(|g| g.rows > 1) {
            g.group = *next;
            *next += 1;
        }
    }

    /// The group `key`, when it has more than one row.
    fn repeated(list: &[Self], key: K) -> Option<&Self> {
        list.iter().find(|g| g.key == key && g.rows > 1)
    }

    /// The role of its row on `day`.
    fn role(&self, day: i32) -> Role {
        Role {
            group: self.group,
            first_day: self.first_day == day,
            shared: self.on_first_day > 1,
        }
    }
}

/// Group one shard's rows: episodes per person, splits and file episodes;
/// groups are numbered from `first_group`.
fn group(rows: &mut [PassRow], first_group: u32) -> DayMap {
    rows.sort_unstable_by_key(|r| (r.person, r.day));
    let mut days = DayMap::default();
    let mut next_group = first_group;
    let mut start = 0;
    // One person's splits (by episode and kind) and file episodes.
    let mut splits: Vec<Gathered<(u32, u32)>> = Vec::new();
    let mut files: Vec<Gathered<u32>> = Vec::new();
    let mut episode: Vec<u32> = Vec::new();
    while start < rows.len() {
        let person = rows[start].person;
        let end = start + rows[start..].partition_point(|r| r.person == person);
        let mine = &rows[start..end];
        start = end;
        if mine.len() < 2 {
            continue;
        }
        // Each row's episode: a new one after a gap of more than a day.
        episode.clear();
        for (n, r) in mine.iter().enumerate() {
            episode.push(match n {
                0 => 0u32,
                _ if r.day - mine[n - 1].day <= 1 => episode[n - 1],
                _ => episode[n - 1] + 1,
            });
        }
        // Splits (episode and kind) and file episodes: their rows and
        // first day, in date order.
        splits.clear();
        files.clear();
        for (n, r) in mine.iter().enumerate() {
            Gathered::add(&mut splits, (episode[n], r.kind), r.day);
            if r.file != 0 {
                Gathered::add(&mut files, r.file, r.day);
            }
        }
        Gathered::number(&mut splits, &mut next_group);
        Gathered::number(&mut files, &mut next_group);
        for (n, r) in mine.iter().enumerate() {
            let split = Gathered::repeated(&splits, (episode[n], r.kind));
            let file = Gathered::repeated(&files, r.file).filter(|_| r.file != 0);
            if split.is_none() && file.is_none() {
                continue;
            }
            let d = days.entry((person, key_of(r.day))).or_default();
            if let Some(s) = split {
                if !d.splits.iter().any(|(k, _)| *k == r.kind) {
                    d.splits.push((r.kind, s.role(r.day)));
                }
            }
            if let Some(s) = file {
                if !d.files.iter().any(|(k, _)| *k == s.key) {
                    d.files.push((s.key, s.role(r.day)));
                }
            }
        }
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, day: &str, form: &str, facility: &str, file: Option<&str>) -> PassRow {
        pass_row(Some(id), Some(day), Some(form), Some(facility), file).unwrap()
    }

    #[test]
    fn episodes_chain_across_month_ends_and_split_only_what_repeats() {
        let mut rows = Chunks::default();
        for r in [
            // One chain over three days, across a month's end: days 31, 1, 2.
            row("a", "2019-01-31", "I247A", "X", None),
            row("a", "2019-02-01", "I247N", "Y", None),
            row("a", "2019-02-02", "I247A", "X", None),
            // Two days later: the next episode, alone.
            row("a", "2019-02-04", "I247A", "X", None),
            // Alone under every rule.
            row("b", "2019-01-01", "I247A", "X", None),
            // The same day twice.
            row("c", "2019-03-01", "I247A", "X", None),
            row("c", "2019-03-01", "I247A", "X", None),
            // A file episode of two rows far apart.
            row("d", "2019-01-01", "I247A", "X", Some("1")),
            row("d", "2019-06-01", "I247A", "X", Some("1")),
        ] {
            rows.push(r);
        }
        let e = group_shards(rows);
        let roles = |id: &str, day: i32, form: &str, facility: &str, file: Option<&str>| {
            e.roles(id, day, Some(form), Some(facility), file)
        };
        // The rows on the 31st and the 2nd are one type and facility in one
        // episode; the notification between them chains them.
        let first = roles("a", 20190131, "I247A", "X", None).episode.unwrap();
        let later = roles("a", 20190202, "I247A", "X", None).episode.unwrap();
        assert!(first.first_day && !later.first_day);
        assert_eq!(first.group, later.group);
        assert_eq!(roles("a", 20190201, "I247N", "Y", None), Roles::default());
        assert_eq!(roles("a", 20190204, "I247A", "X", None), Roles::default());
        assert_eq!(roles("b", 20190101, "I247A", "X", None), Roles::default());
        // A same-day pair: both on the first day, the order settles it.
        let pair = roles("c", 20190301, "I247A", "X", None);
        assert_eq!(Class::of(pair.episode), Class::Shared);
        assert_eq!(Class::of(Some(first)), Class::Keep);
        assert_eq!(Class::of(Some(later)), Class::Drop);
        // Another facility on the same day is another detainer.
        assert!(
            roles("c", 20190301, "I247A", "X", None)
                .episode
                .unwrap()
                .first_day
        );
        assert_eq!(roles("c", 20190301, "I247A", "Z", None), Roles::default());
        // A file episode: no split, no chain; the later day is a repeat.
        let d1 = roles("d", 20190101, "I247A", "X", Some("1"));
        let d2 = roles("d", 20190601, "I247A", "X", Some("1"));
        assert_eq!(d1.episode, None);
        assert!(d1.file.unwrap().first_day && !d2.file.unwrap().first_day);
        for r in [d1, d2, roles("a", 20190202, "I247A", "X", None)] {
            assert_eq!(Roles::of_code(r.code()), r);
        }
    }
}
