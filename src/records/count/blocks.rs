//! The block engine for the record scan: the default behind
//! [`super::count_combinations`].
//!
//! It gives every row the same reason and keeps the same labels as the polars
//! query ([`super::polars::aggregation_query`]), which stays as the reference
//! engine. The tests run both engines on every fixture, on the real sample and
//! on generated files, and require equal results.
//!
//! Why a second engine: polars splits CSV lines with SIMD only when it is built
//! on nightly Rust, as Python polars is. On stable Rust, its byte-at-a-time line
//! counting and splitting took over half of the scan time (perf, 1 GB file).
//! This engine works differently:
//! - The calling thread reads the file in blocks of [`BLOCK_BYTES`](crate::records::read::blocks::BLOCK_BYTES). Each block
//!   ends at a row boundary: the last newline with an even number of quote
//!   characters before it, counted with memchr.
//! - Worker threads parse the rows of each block with the `csv` crate. They
//!   count rows per (reason, month, labels) in a hash map whose keys are
//!   encoded in a reused buffer, so a row allocates nothing unless its labels
//!   are new.
//! - Only a few blocks are in memory at once, so peak memory does not grow
//!   with the file.

use crate::error::{Error, Result};
use crate::records::count::accepted::Accepted;
use crate::records::count::counts::{lift_days, Combination, Pending};
use crate::records::count::episodes::{Episodes, Roles};
use crate::records::count::reasons::Exclusion;
use crate::records::read::blocks::{block_reader, count_byte, read_blocks, Block};
use crate::records::read::dates::day_key;
use crate::records::read::dates::PrepareDate;
use crate::records::read::quoting::check_block;
use crate::records::read::schema::{at, column_index, is_flagged, place_column, COLUMNS, LABELS};
use crate::records::read::SourceFile;
use crate::records::select::filters::{Filters, Place};
use crate::records::select::grouping::By;
use crate::records::select::request_types::{KeptTypes, KindCache};
use chrono::Datelike;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender};
use std::sync::{Arc, Mutex};

/// What is counted per encoded combination (the key layout is in
/// [`Judge::encode`]).
struct Tally {
    /// Rows.
    rows: u64,
    /// The latest date among them as `yyyymmdd` (0 for none).
    latest: i32,
    /// Used rows per day of the month.
    days: Days,
    /// Rows per number of days to the lift date ([`Combination::lifts`]).
    lifts: Lifts,
}

/// Rows per number of days to the lift date, kept small: most
/// combinations hold a few rows.
enum Lifts {
    /// No row with a lift date.
    None,
    /// Rows with one number of days.
    One(i32, u64),
    /// Rows per number of days.
    // Boxed: a tally is kept per combination, and most have no map.
    #[allow(clippy::box_collection)]
    Many(Box<foldhash::HashMap<i32, u64>>),
}

impl Lifts {
    fn add(&mut self, days: i32, rows: u64) {
        match self {
            Lifts::None => *self = Lifts::One(days, rows),
            Lifts::One(d, n) if *d == days => *n += rows,
            Lifts::One(d, n) => {
                let mut all: Box<foldhash::HashMap<i32, u64>> = Box::default();
                all.insert(*d, *n);
                all.insert(days, rows);
                *self = Lifts::Many(all);
            }
            Lifts::Many(all) => *all.entry(days).or_default() += rows,
        }
    }

    fn merge(&mut self, other: Lifts) {
        match other {
            Lifts::None => {}
            Lifts::One(d, n) => self.add(d, n),
            Lifts::Many(all) => {
                for (d, n) in *all {
                    self.add(d, n);
                }
            }
        }
    }

    fn to_pairs(&self) -> Vec<(i32, u64)> {
        match self {
            Lifts::None => Vec::new(),
            Lifts::One(d, n) => vec![(*d, *n)],
            Lifts::Many(all) => {
                let mut pairs: Vec<(i32, u64)> = all.iter().map(|(d, n)| (*d, *n)).collect();
                pairs.sort_unstable();
                pairs
            }
        }
    }
}

/// Rows per day of the month, kept small: most combinations fall on one day.
enum Days {
    /// No used row.
    None,
    /// Rows on one day (1-31).
    One(u8, u64),
    /// Rows per day (index 0 is the 1st).
    Many(Box<[u64; 31]>),
}

impl Days {
    fn add(&mut self, day: u8, rows: u64) {
        if day == 0 || day > 31 || rows == 0 {
            return;
        }
        match self {
            Days::None => *self = Days::One(day, rows),
            Days::One(d, n) if *d == day => *n += rows,
            Days::One(d, n) => {
                let mut all = Box::new([0u64; 31]);
                all[usize::from(*d) - 1] = *n;
                all[usize::from(day) - 1] = rows;
                *self = Days::Many(all);
            }
            Days::Many(all) => all[usize::from(day) - 1] += rows,
        }
    }

    fn merge(&mut self, other: Days) {
        match other {
            Days::None => {}
            Days::One(d, n) => self.add(d, n),
            Days::Many(all) => {
                for (i, n) in all.iter().enumerate() {
                    self.add(i as u8 + 1, *n);
                }
            }
        }
    }

    /// `(day, rows)` for each day with rows, in day order.
    fn to_pairs(&self) -> Vec<(u8, u64)> {
        match self {
            Days::None => Vec::new(),
            Days::One(d, n) => vec![(*d, *n)],
            Days::Many(all) => (1..=31u8)
                .zip(all.iter().copied())
                .filter(|(_, n)| *n > 0)
                .collect(),
        }
    }
}

type Counts = foldhash::HashMap<Vec<u8>, Tally>;

/// What [`Judge::encode`] saw of a row's date.
#[derive(Clone, Copy)]
struct Seen {
    /// The date as `yyyymmdd` when it parses and the row is not short, else 0.
    latest: i32,
    /// The day of the month (1-31) of a used or pending row, else 0.
    day_of_month: u8,
    /// Days to the lift date ([`lift_days`]) of a row used or counted in
    /// `by_area`.
    lift: Option<i32>,
}

/// Add `rows` rows seen as `seen` into `counts` under `key`.
fn add(counts: &mut Counts, key: &[u8], rows: u64, seen: Seen) {
    let tally = match counts.get_mut(key) {
        Some(t) => t,
        None => counts.entry(key.to_vec()).or_insert(Tally {
            rows: 0,
            latest: 0,
            days: Days::None,
            lifts: Lifts::None,
        }),
    };
    tally.rows += rows;
    tally.latest = tally.latest.max(seen.latest);
    tally.days.add(seen.day_of_month, rows);
    if let Some(days) = seen.lift {
        tally.lifts.add(days, rows);
    }
}

/// Merge `from` into `into`.
fn merge(into: &mut Counts, from: Counts) {
    for (key, t) in from {
        match into.get_mut(&key) {
            Some(total) => {
                total.rows += t.rows;
                total.latest = total.latest.max(t.latest);
                total.days.merge(t.days);
                total.lifts.merge(t.lifts);
            }
            None => {
                into.insert(key, t);
            }
        }
    }
}

/// What a row is judged on: where the columns read sit in the file.
pub(crate) struct Layout {
    /// For each of [`COLUMNS`], the positions in the file of its sources, in
    /// the order a value is taken (empty when the file lacks it).
    pub(crate) used: Vec<Vec<usize>>,
    /// The header's names, for errors.
    names: Vec<String>,
    /// Number of columns in the header: a row with fewer fields is short.
    pub(crate) width: usize,
    /// The place in [`COLUMNS`] of the column `by_area` groups on, when one
    /// is asked for.
    by: Option<usize>,
    /// The file has a lift-reason column.
    lift_known: bool,
    /// The field delimiter.
    delimiter: u8,
    /// The file's position in the list given.
    pub(crate) file_no: u32,
}

/// The filters as the rows are judged against them.
struct Judge<'a> {
    from: Option<i32>,
    to: Option<i32>,
    /// For each of [`Place::ALL`], the raw values accepted, when filtered.
    places: [Option<&'a [String]>; 4],
    by: Option<By>,
    /// The days of each person a duplicates rule may group.
    episodes: &'a Episodes,
    /// What is kept of a counted row's request type.
    kept: KeptTypes<'a>,
}

/// What the block reader does with each row of a file: the count
/// ([`Judge`]) or the episode pass ([`super::episodes`]). Each worker
/// gathers into an `Acc` of its own; they are merged at the end.
pub(crate) trait Visit: Sync {
    /// What a worker gathers.
    type Acc: Send + Default;
    /// Take one row; an error names the position in the file of the column
    /// at fault and what is wrong.
    fn row(
        &self,
        layout: &Layout,
        record: &csv::ByteRecord,
        order: (u64, u64),
        acc: &mut Self::Acc,
    ) -> std::result::Result<(), (usize, &'static str)>;
    /// Take `n` blank lines (a row of no fields each, as polars reads them).
    fn blank(&self, layout: &Layout, n: u64, acc: &mut Self::Acc);
    /// Merge one worker's gathering into another's.
    fn merge(into: &mut Self::Acc, from: Self::Acc);
}

/// A worker's counts, its reused key buffer and the kinds of the request
/// types it has met.
#[derive(Default)]
pub(crate) struct Counted {
    counts: Counts,
    key: Vec<u8>,
    kinds: KindCache,
}

impl Visit for Judge<'_> {
    type Acc = Counted;

    fn row(
        &self,
        layout: &Layout,
        record: &csv::ByteRecord,
        order: (u64, u64),
        acc: &mut Counted,
    ) -> std::result::Result<(), (usize, &'static str)> {
        let seen = self.encode(layout, record, order, &mut acc.key, &mut acc.kinds)?;
        add(&mut acc.counts, &acc.key, 1, seen);
        Ok(())
    }

    fn blank(&self, layout: &Layout, n: u64, acc: &mut Counted) {
        let empty = csv::ByteRecord::new();
        if let Ok(seen) = self.encode(layout, &empty, (0, 0), &mut acc.key, &mut acc.kinds) {
            add(&mut acc.counts, &acc.key, n, seen);
        }
    }

    fn merge(into: &mut Counted, from: Counted) {
        merge(&mut into.counts, from.counts);
    }
}

/// Count the combinations in `files`, as the polars engine does.
pub(crate) fn count_files(
    files: &[SourceFile],
    filters: &Filters,
    accepted: &Accepted,
    by: Option<By>,
    episodes: &Episodes,
    kept: KeptTypes<'_>,
    rows_seen: Option<&AtomicU64>,
) -> Result<Vec<Combination>> {
    let judge = Judge {
        by,
        episodes,
        kept,
        from: filters.from.map(day_key),
        to: filters.to.map(day_key),
        places: Place::ALL.map(|p| accepted.of(p)),
    };
    let mut total = Counts::default();
    let by = by.and_then(|by| column_index(place_column(by.place())));
    for f in files {
        merge(&mut total, read_file(f, &judge, by, rows_seen)?.counts);
    }
    let mut out: Vec<Combination> = total
        .into_iter()
        .map(|(key, tally)| decode(&key, &tally))
        .collect();
    out.sort_by(|a, b| b.rows.cmp(&a.rows).then(a.reason.cmp(&b.reason)));
    Ok(out)
}

/// Read `file` in blocks with worker threads, each row through `visit`;
/// `by` is the place in [`COLUMNS`] of the column `by_area` groups on.
pub(crate) fn read_file<V: Visit>(
    file: &SourceFile,
    visit: &V,
    by: Option<usize>,
    rows_seen: Option<&AtomicU64>,
) -> Result<V::Acc> {
    let (path, file_no) = (file.path.as_path(), file.no);
    let names = &file.layout.columns;
    let map = &file.layout.map;
    let position = |name: &String| names.iter().position(|n| n == name);
    let layout = Layout {
        used: map
            .sources
            .iter()
            .map(|sources| sources.iter().filter_map(position).collect())
            .collect(),
        names: names.clone(),
        width: names.len(),
        by,
        lift_known: map.has(at::LIFT_REASON),
        delimiter: file.layout.delimiter.unwrap_or(b','),
        file_no,
    };
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let (send, receive) = sync_channel::<Block>(workers * 2);
    let receive = Arc::new(Mutex::new(receive));
    // Workers hand emptied buffers back, so blocks reuse memory already paged in.
    let (give_back, recycled) = channel::<Vec<u8>>();
    // Set by the first worker that meets an error: the others finish the
    // block in hand (it may hold an earlier line) and take no more, and the
    // reader stops reading.
    let failed = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let receive = Arc::clone(&receive);
                let give_back = give_back.clone();
                let (layout, failed) = (&layout, &failed);
                scope.spawn(move || {
                    let outcome =
                        work(path, layout, visit, &receive, &give_back, rows_seen, failed);
                    if outcome.is_err() {
                        failed.store(true, Ordering::SeqCst);
                    }
                    // Dropping this worker's handle on the channel here, not at
                    // the end of the scope, is what lets the reader's `send`
                    // fail once every worker has stopped, instead of blocking
                    // on a full channel that nobody empties.
                    drop(receive);
                    outcome
                })
            })
            .collect();
        drop(give_back);
        // Only the workers hold the receiving end from here on.
        drop(receive);
        let read = read_blocks(path, &recycled, |block| {
            !failed.load(Ordering::SeqCst) && send.send(block).is_ok()
        });
        drop(send);
        let mut total = V::Acc::default();
        let mut first_error: Option<(u64, Error)> = None;
        for h in handles {
            match h.join() {
                Ok(Ok(acc)) => V::merge(&mut total, acc),
                Ok(Err((line, e))) => {
                    if first_error.as_ref().is_none_or(|(l, _)| line < *l) {
                        first_error = Some((line, e));
                    }
                }
                Err(_) => {
                    return Err(Error::input(path, None, None, "a reading thread failed"));
                }
            }
        }
        read?;
        match first_error {
            Some((_, e)) => Err(e),
            None => Ok(total),
        }
    })
}

/// A worker: parse and count blocks until the channel closes. An error carries
/// the file line it was found on, so the earliest one is reported.
fn work<V: Visit>(
    path: &Path,
    layout: &Layout,
    visit: &V,
    receive: &Mutex<Receiver<Block>>,
    give_back: &Sender<Vec<u8>>,
    rows_seen: Option<&AtomicU64>,
    failed: &AtomicBool,
) -> std::result::Result<V::Acc, (u64, Error)> {
    let mut counts = V::Acc::default();
    let mut record = csv::ByteRecord::new();
    loop {
        // Blocks not yet taken all start after the block that failed, so an
        // error in them could not be the earliest: stop taking them.
        if failed.load(Ordering::SeqCst) {
            return Ok(counts);
        }
        let block = match receive.lock() {
            Ok(r) => match r.recv() {
                Ok(b) => b,
                Err(_) => return Ok(counts),
            },
            Err(_) => return Ok(counts),
        };
        check_block(path, &block, layout.delimiter)?;
        let mut reader = block_reader(&block.bytes, layout.delimiter);
        let mut rows = 0u64;
        let mut lines_read = 0u64;
        // The file line of a position inside this block, from its byte offset.
        let line = |at: Option<&csv::Position>| block.line_at(at.map_or(0, csv::Position::byte));
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    let at = line(e.position());
                    let error =
                        Error::input_caused(path, Some(at), None, "could not read as CSV", e);
                    return Err((at, error));
                }
            }
            rows += 1;
            lines_read += 1 + count_byte(record.as_slice(), b'\n') as u64;
            let order = (
                block.first_line,
                record.position().map_or(0, csv::Position::byte),
            );
            match visit.row(layout, &record, order, &mut counts) {
                Ok(()) => {}
                Err((column, message)) => {
                    let at = line(record.position());
                    let name = layout.names.get(column).map(String::as_str);
                    return Err((at, Error::input(path, Some(at), name, message)));
                }
            }
        }
        // The csv crate skips blank lines; polars reads each as a row with
        // every field missing, so they are counted here as such: a row of no
        // fields, so a short row.
        let blank = block.lines.saturating_sub(lines_read);
        if blank > 0 {
            visit.blank(layout, blank, &mut counts);
            rows += blank;
        }
        if let Some(seen) = rows_seen {
            seen.fetch_add(rows, Ordering::Relaxed);
        }
        drop(reader);
        let _ = give_back.send(block.bytes);
    }
}

/// A field of a used column: `None` when missing, empty, only white space
/// or `NA`.
pub(crate) fn value(
    record: &csv::ByteRecord,
    index: usize,
) -> std::result::Result<Option<&str>, &'static str> {
    match record.get(index) {
        None | Some(b"") | Some(b"NA") => Ok(None),
        // Only white space (as `str::trim` and polars' `strip_chars` read
        // it) holds nothing either.
        Some(bytes) => std::str::from_utf8(bytes)
            .map(|v| (!v.trim().is_empty()).then_some(v))
            .map_err(|_| {
                "could not read as CSV (is the file UTF-8?): the value is not valid UTF-8"
            }),
    }
}

impl Judge<'_> {
    /// Judge one row and write its combination key into `key`. Returns what
    /// was seen of its date; an error names the position in the file of the
    /// column that holds bytes that are not UTF-8.
    ///
    /// Key layout: reason (1 byte: [`Exclusion::code`], 0 for a used row),
    /// flags (1 byte: 1 for a flagged row left for the duplicates policy,
    /// plus 2 for a row counted in `by_area`, plus 4 when the file has a
    /// lift reason), year-month (0 for none, or 1 then `year * 100 + month`
    /// in 4 bytes little-endian), then the place that excluded the row and
    /// each of the six labels counted for a used row (status columns, lift
    /// reason, duplicate flag), each 0 for none, or 1, the length (4 bytes
    /// little-endian) and the bytes, then the `by_area` group the same way.
    /// A pending row adds its `unique_identifier` the same way, then its
    /// date (`yyyymmdd`, 4 bytes), the file's number (4 bytes) and `order`
    /// (8 + 8 bytes), so each pending row is a combination of its own.
    fn encode<'r>(
        &self,
        layout: &Layout,
        record: &'r csv::ByteRecord,
        order: (u64, u64),
        key: &mut Vec<u8>,
        kinds: &mut KindCache,
    ) -> std::result::Result<Seen, (usize, &'static str)> {
        // Each column read: the first of its sources the row fills.
        let mut values: [Option<&'r str>; COLUMNS.len()] = [None; COLUMNS.len()];
        let read = |columns: std::ops::Range<usize>, values: &mut [Option<&'r str>]| {
            for i in columns {
                for &index in &layout.used[i] {
                    if let Some(v) = value(record, index).map_err(|m| (index, m))? {
                        values[i] = Some(v);
                        break;
                    }
                }
            }
            Ok::<(), (usize, &'static str)>(())
        };
        // The columns every row is judged on; the request's type, the lift
        // date and the file's duplicate answers are read below, only for a
        // row that is counted (as the polars engine keeps them).
        read(0..at::REQUEST_TYPE, &mut values)?;
        let short = record.len() < layout.width;
        let judged = PrepareDate::judge(values[at::DATE]);
        let date = judged.date();
        let in_dates = date.is_some_and(|d| {
            let k = day_key(d);
            self.from.is_none_or(|f| k >= f) && self.to.is_none_or(|t| k <= t)
        });
        let outside = Place::ALL.into_iter().find(|p| {
            self.places[*p as usize].is_some_and(|list| {
                let v = values[column_index(place_column(*p)).unwrap_or(0)];
                !v.is_some_and(|v| list.iter().any(|w| w == v))
            })
        });
        let reason = if short {
            Some(Exclusion::ShortRow)
        } else if judged == PrepareDate::Missing {
            Some(Exclusion::MissingDate)
        } else if judged == PrepareDate::Unparseable {
            Some(Exclusion::UnparseableDate)
        } else if matches!(judged, PrepareDate::Implausible(_)) {
            Some(Exclusion::ImplausibleDate)
        } else if !in_dates {
            Some(Exclusion::OutsideDates)
        } else {
            outside.map(Exclusion::outside)
        };
        // Counted in `by_area`: a used row, or (grouping by area or state)
        // one excluded only by the area or state filter.
        let in_by = self.by.is_some_and(|by| {
            reason.is_none()
                || (by.sets_area_filters_aside()
                    && matches!(
                        reason,
                        Some(Exclusion::OutsideAor | Exclusion::OutsideState)
                    ))
        });
        let counted = reason.is_none() || in_by;
        if counted {
            read(at::REQUEST_TYPE..COLUMNS.len(), &mut values)?;
        }
        let flagged = values[at::DUPLICATE].is_some_and(is_flagged);
        let drop = values[at::DROP_ROW].map(is_flagged);
        // A flagged row, or one on a day a rule may group with another of
        // the person's rows, waits for the duplicates policy.
        let roles = match (values[at::ID], date) {
            (Some(id), Some(d)) if counted && !self.episodes.is_empty() => self.episodes.roles(
                id,
                day_key(d),
                values[at::DETAINER_TYPE],
                values[at::FACILITY],
                values[at::EPISODE],
            ),
            _ => Roles::default(),
        };
        // A row flagged duplicate_likely (keep-first orders them), or one
        // of several on its group's first day, waits for the policy with
        // its place in the files; any other row's group decides it alone.
        let pending = (flagged || roles.waits(drop)) && counted;
        key.clear();
        key.push(reason.map_or(0, Exclusion::code));
        key.push(u8::from(pending) | (u8::from(in_by) << 1) | (u8::from(layout.lift_known) << 2));
        match date.filter(|_| reason.is_none()) {
            Some(d) => {
                key.push(1);
                key.extend_from_slice(&(day_key(d) / 100).to_le_bytes());
            }
            None => key.push(0),
        }
        let place = match (reason, outside) {
            (Some(r), Some(p)) if r == Exclusion::outside(p) => {
                values[column_index(place_column(p)).unwrap_or(0)]
            }
            _ => None,
        };
        push_text(key, place);
        for at in LABELS {
            let kept = if at == at::LIFT_REASON {
                reason.is_none() || in_by
            } else {
                reason.is_none()
            };
            push_text(key, values[at].filter(|_| kept));
        }
        push_text(key, layout.by.filter(|_| in_by).and_then(|at| values[at]));
        // The request's type, one value per kind the crosswalk classes
        // ([`KeptTypes`]): a form's wording alone makes no combination.
        let (request_type, detainer_type) = if counted {
            self.kept
                .kept(kinds, values[at::REQUEST_TYPE], values[at::DETAINER_TYPE])
        } else {
            (None, None)
        };
        push_text(key, request_type);
        push_text(key, detainer_type);
        key.push(if counted { roles.repeat(drop) } else { 0 });
        if pending {
            push_text(key, values[at::ID]);
            key.extend_from_slice(&date.map_or(0, day_key).to_le_bytes());
            key.extend_from_slice(&layout.file_no.to_le_bytes());
            key.extend_from_slice(&order.0.to_le_bytes());
            key.extend_from_slice(&order.1.to_le_bytes());
            key.extend_from_slice(&roles.code().to_le_bytes());
            key.push(u8::from(flagged));
        }
        Ok(Seen {
            lift: date
                .filter(|_| counted)
                .and_then(|d| lift_days(day_key(d), values[at::LIFT_DATE])),
            latest: date.filter(|_| !short).map_or(0, day_key),
            day_of_month: date
                .filter(|_| reason.is_none())
                .map_or(0, |d| d.day() as u8),
        })
    }
}

/// Append an optional text to a key: 0 for none, or 1, the length (4 bytes
/// little-endian) and the bytes.
fn push_text(key: &mut Vec<u8>, text: Option<&str>) {
    match text {
        Some(text) => {
            key.push(1);
            key.extend_from_slice(&(text.len() as u32).to_le_bytes());
            key.extend_from_slice(text.as_bytes());
        }
        None => key.push(0),
    }
}

/// Read an optional text written by [`push_text`] at `*at`, moving past it.
fn take_text(key: &[u8], at: &mut usize) -> Option<String> {
    if key[*at] == 1 {
        let len = u32::from_le_bytes([key[*at + 1], key[*at + 2], key[*at + 3], key[*at + 4]]);
        let start = *at + 5;
        let end = start + len as usize;
        *at = end;
        Some(String::from_utf8_lossy(&key[start..end]).into_owned())
    } else {
        *at += 1;
        None
    }
}

/// A little-endian `u64` at `at`.
fn read_u64(key: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&key[at..at + 8]);
    u64::from_le_bytes(b)
}

/// Turn an encoded key back into a [`Combination`].
fn decode(key: &[u8], tally: &Tally) -> Combination {
    let reason = Exclusion::from_code(key[0]);
    let pending = key[1] & 1 == 1;
    let in_by = key[1] & 2 == 2;
    let lift_known = key[1] & 4 == 4;
    let mut at = 2;
    let year_month = if key[at] == 1 {
        let v = i32::from_le_bytes([key[at + 1], key[at + 2], key[at + 3], key[at + 4]]);
        at += 5;
        Some(v)
    } else {
        at += 1;
        None
    };
    let place = take_text(key, &mut at);
    let labels: [Option<String>; 6] = std::array::from_fn(|_| take_text(key, &mut at));
    let by = take_text(key, &mut at);
    let request_type = take_text(key, &mut at);
    let detainer_type = take_text(key, &mut at);
    let repeat = key[at];
    at += 1;
    let pending = pending.then(|| {
        let id = take_text(key, &mut at);
        let u32_at = |at: usize| [key[at], key[at + 1], key[at + 2], key[at + 3]];
        let day = i32::from_le_bytes(u32_at(at));
        let order = (
            u32::from_le_bytes(u32_at(at + 4)),
            read_u64(key, at + 8),
            read_u64(key, at + 16),
        );
        let roles = Roles::of_code(read_u64(key, at + 24));
        Box::new(Pending {
            id,
            day,
            order,
            episode: roles.episode,
            file_role: roles.file,
            flagged: key[at + 32] == 1,
        })
    });
    let [case_category, entry_status, final_order, illegal_reentry, lift_reason, duplicate] =
        labels;
    Combination {
        reason,
        year_month,
        days: tally.days.to_pairs(),
        latest_day: (tally.latest > 0).then_some(tally.latest),
        place,
        lift_known,
        case_category,
        entry_status,
        final_order,
        illegal_reentry,
        lift_reason,
        duplicate,
        request_type,
        detainer_type,
        repeat,
        lifts: tally.lifts.to_pairs(),
        rows: tally.rows,
        in_by,
        by,
        pending,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_stay_small_and_add_up() {
        let mut d = Days::None;
        d.add(0, 5);
        assert!(matches!(d, Days::None), "day 0 is no day");
        d.add(3, 2);
        d.add(3, 1);
        assert!(matches!(d, Days::One(3, 3)));
        d.add(31, 4);
        let mut other = Days::One(1, 7);
        other.merge(d);
        assert_eq!(other.to_pairs(), [(1, 7), (3, 3), (31, 4)]);
    }

    #[test]
    fn keys_round_trip() {
        let types = crate::records::RequestTypes::bundled();
        let judge = Judge {
            from: None,
            to: None,
            places: [None; 4],
            by: None,
            episodes: &Episodes::default(),
            kept: types.kept_types(),
        };
        let mut kinds = KindCache::default();
        // The file: date, area, state, category, entry, final order,
        // re-entry, lift reason, flag, person; no city or facility.
        let at_column = |i: usize| vec![i];
        let layout = Layout {
            used: vec![
                at_column(0),
                at_column(1),
                at_column(2),
                vec![],
                vec![],
                at_column(3),
                at_column(4),
                at_column(5),
                at_column(6),
                at_column(7),
                at_column(8),
                at_column(9),
                vec![],
                vec![],
                vec![],
                vec![],
                vec![],
            ],
            names: (0..10).map(|i| format!("c{i}")).collect(),
            width: 10,
            by: None,
            lift_known: true,
            delimiter: b',',
            file_no: 2,
        };
        let record = csv::ByteRecord::from(vec![
            "2018-03-19",
            "Boston",
            "MA",
            "cat",
            "NA",
            "",
            "NO",
            "Declined",
            "FALSE",
            "9",
        ]);
        let mut key = Vec::new();
        let seen = judge
            .encode(&layout, &record, (5, 40), &mut key, &mut kinds)
            .unwrap();
        assert_eq!((seen.latest, seen.day_of_month), (20180319, 19));
        let mut counts = Counts::default();
        add(&mut counts, &key, 3, seen);
        let c = decode(&key, &counts[&key]);
        assert_eq!(c.reason, None);
        assert_eq!(c.year_month, Some(201803));
        assert_eq!(c.days, [(19, 3)], "three rows on the 19th");
        assert_eq!(c.latest_day, Some(20180319));
        assert_eq!(
            c.place, None,
            "a place is kept only when it excluded the row"
        );
        assert!(c.lift_known);
        assert_eq!(c.case_category.as_deref(), Some("cat"));
        assert_eq!(c.entry_status, None, "NA is missing");
        assert_eq!(c.final_order, None, "empty is missing");
        assert_eq!(c.duplicate.as_deref(), Some("FALSE"));
        assert_eq!(c.rows, 3);
        assert_eq!(c.pending, None, "a row not flagged is used at once");
        // A flagged row that passes every filter waits for the policy, with
        // its person and its place in the files.
        let mut flagged = record.clone();
        flagged = flagged
            .iter()
            .enumerate()
            .map(|(i, f)| if i == 8 { b"TRUE".as_slice() } else { f })
            .collect();
        let seen = judge
            .encode(&layout, &flagged, (5, 40), &mut key, &mut kinds)
            .unwrap();
        let mut counts = Counts::default();
        add(&mut counts, &key, 1, seen);
        let c = decode(&key, &counts[&key]);
        assert_eq!(c.reason, None);
        assert_eq!(c.lift_reason.as_deref(), Some("Declined"));
        assert_eq!(
            c.pending.as_deref(),
            Some(&Pending {
                id: Some("9".into()),
                day: 20180319,
                order: (2, 5, 40),
                flagged: true,
                ..Pending::default()
            })
        );
    }
}
