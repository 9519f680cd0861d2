//! Likely duplicates as a choice: the release flags `duplicate_likely` on
//! every row of a group that shares a person (`unique_identifier`) and a
//! prepare date, so the first of a pair is flagged as well as its repeat.
//! Dropping every flagged row removes too much; keeping them all counts a
//! detainer twice. The Deportation Data Project's August 2026 release groups
//! a person's rows into episodes instead, and says which rows to drop.
//! [`Duplicates`] names the five policies, and [`resolve_duplicates`]
//! applies the chosen one after the scan and counts what each policy would
//! use, so a reader sees what the choice changes.
//!
//! Every counted row carries its class under the episode rules
//! ([`Combination::repeat`]: alone, the one row on its group's first day, a
//! later day's repeat, or one of several on the first day) and the file's
//! drop flag, which decide it without looking at other rows. Both engines
//! leave a row that must be compared with others (flagged
//! `duplicate_likely`, for `keep-first`; one of several on its group's first
//! day) as a [`Pending`] combination of its own (there are few), carrying
//! its person, its date and its place in the files; this module decides
//! them.

use crate::error::{Error, Result};
use crate::records::count::counts::{Combination, Pending};
use crate::records::count::episodes::Class;
use crate::records::count::reasons::Exclusion;
use crate::records::select::duplicates::Duplicates;
use serde::{Deserialize, Serialize};

/// Rows used under one policy.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PolicyRows {
    /// The policy.
    pub policy: Duplicates,
    /// Rows the analysis would use; `null` when a file lacks what the
    /// policy reads (`unique_identifier` for `keep-first` and `episode`,
    /// `duplicate_drop_row` or `duplicate_episode_id` for `file`).
    pub rows_used: Option<u64>,
}

/// What the duplicates policy changes.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DuplicateCounts {
    /// The policy applied.
    pub policy: Duplicates,
    /// Flagged rows that pass every other filter.
    pub flagged_rows: u64,
    /// Distinct person and prepare date among them (a flagged row without a
    /// person is a group of its own); `null` when a file has no
    /// `unique_identifier` column.
    pub flagged_groups: Option<u64>,
    /// Rows that pass every other filter and share a person, an episode
    /// (DDP's rule), a detainer type and a facility with another such row;
    /// `null` without `unique_identifier`.
    #[serde(default)]
    pub episode_rows: Option<u64>,
    /// The distinct episodes (split by type and facility) among them.
    #[serde(default)]
    pub episode_groups: Option<u64>,
    /// Rows used under each policy, the one applied among them.
    pub rows_used_by_policy: Vec<PolicyRows>,
}

/// What the files hold that the policies read.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Known {
    /// Every file has `unique_identifier`.
    pub ids: bool,
    /// Every file has `duplicate_drop_row` or `duplicate_episode_id`.
    pub file_flags: bool,
}

/// Whether `policy` can be applied to files holding `known`.
fn applies(policy: Duplicates, known: Known) -> bool {
    match policy {
        Duplicates::Exclude | Duplicates::Include => true,
        Duplicates::KeepFirst | Duplicates::Episode => known.ids,
        Duplicates::File => known.file_flags,
    }
}

/// A pending row flagged `duplicate_likely`.
fn flagged(c: &Combination) -> bool {
    c.pending.as_ref().is_some_and(|p| p.flagged)
}

/// Which rows of `pending` come first in their group, for groups keyed by
/// `key` (rows whose key is `None` are in no group: `None` for them), in
/// date order and then the order of the files.
fn firsts<K: Ord + Clone>(
    pending: &[Combination],
    key: impl Fn(&Combination, &Pending) -> Option<K>,
) -> Vec<Option<bool>> {
    // (group, date, place in the files, index in `pending`)
    type Place<K> = (K, i32, (u32, u64, u64), usize);
    let mut order: Vec<Place<K>> = pending
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let p = c.pending.as_ref()?;
            Some((key(c, p)?, p.day, p.order, i))
        })
        .collect();
    order.sort();
    let mut first = vec![None; pending.len()];
    for (n, row) in order.iter().enumerate() {
        first[row.3] = Some(n == 0 || order[n - 1].0 != row.0);
    }
    first
}

/// What `policy` decides for a row from its own values: its
/// `duplicate_likely` flag and its repeat byte
/// ([`crate::records::count::episodes::Roles::repeat`]); `None` when the
/// row must be compared with others (a flagged row under `keep-first`, a
/// row sharing its group's first day).
fn by_class(policy: Duplicates, repeat: u8, flagged: bool) -> Option<bool> {
    let class = |bits: u8| match Class::of_bits(bits) {
        Class::Alone | Class::Keep => Some(true),
        Class::Drop => Some(false),
        Class::Shared => None,
    };
    match policy {
        Duplicates::Exclude => Some(!flagged),
        Duplicates::Include => Some(true),
        Duplicates::KeepFirst => (!flagged).then_some(true),
        Duplicates::Episode => class(repeat),
        Duplicates::File => match (repeat >> 4) & 3 {
            1 => Some(true),
            2 => Some(false),
            _ => class(repeat >> 2),
        },
    }
}

/// For each pending row, whether `policy` uses it, among the rows that
/// `selected` picks (the selection, or the rows of `by_area`); `None` for a
/// row not picked.
fn kept(
    pending: &[Combination],
    policy: Duplicates,
    selected: impl Fn(&Combination) -> bool + Copy,
) -> Vec<Option<bool>> {
    let undecided =
        |c: &Combination| selected(c) && by_class(policy, c.repeat, flagged(c)).is_none();
    let grouped = match policy {
        Duplicates::Exclude | Duplicates::Include => vec![None; pending.len()],
        // The first flagged row of each person and date.
        Duplicates::KeepFirst => firsts(pending, |c, p| {
            if undecided(c) {
                Some((p.id.clone()?, p.day, 0))
            } else {
                None
            }
        }),
        // Among the rows on a group's first day, the first in the files.
        Duplicates::Episode => firsts(pending, |c, p| {
            p.episode
                .filter(|_| undecided(c))
                .map(|r| (None::<String>, 0, r.group))
        }),
        Duplicates::File => firsts(pending, |c, p| {
            p.file_role
                .filter(|_| undecided(c))
                .map(|r| (None::<String>, 0, r.group))
        }),
    };
    pending
        .iter()
        .zip(grouped)
        .map(|(c, first)| {
            selected(c).then(|| {
                by_class(policy, c.repeat, flagged(c)).unwrap_or_else(|| first.unwrap_or(true))
            })
        })
        .collect()
}

/// Decide the waiting (pending) combinations and every other counted
/// combination with a group class under `policy`, and count what each
/// policy would use. `known` says what the files hold.
///
/// A row that passes every filter is used, or excluded as
/// [`Exclusion::DuplicateLikely`] (keeping only its latest date, as the
/// engines keep for any excluded row). A row counted in `by_area` (it has a
/// `by` group) keeps that group, or loses it, by the same policy among the
/// rows `by_area` counts, so a grouping never changes the main results.
///
/// # Errors
/// [`Error::Argument`] for a policy the files cannot support.
pub(crate) fn resolve_duplicates(
    combinations: Vec<Combination>,
    policy: Duplicates,
    known: Known,
) -> Result<(Vec<Combination>, DuplicateCounts)> {
    if !applies(policy, known) {
        let needs = match policy {
            Duplicates::File => "duplicate_drop_row or duplicate_episode_id",
            _ => "unique_identifier",
        };
        return Err(Error::Argument(format!(
            "--duplicates {} needs the column {needs}, which a file lacks",
            policy.name()
        )));
    }
    // Taken out in place: the other combinations can be many (one per row at
    // worst), and are not copied.
    let mut out = combinations;
    let mut pending = Vec::new();
    let mut i = 0;
    while i < out.len() {
        if out[i].pending.is_some() {
            pending.push(out.swap_remove(i));
        } else {
            i += 1;
        }
    }
    let in_selection = |c: &Combination| c.reason.is_none();
    let in_by = |c: &Combination| c.in_by;
    // A combination that waits for no other row is decided by its class.
    let decided = |c: &Combination, d: Duplicates| by_class(d, c.repeat, false).unwrap_or(true);
    let main = kept(&pending, policy, in_selection);
    // Within `by_area`, a group is formed among every row it counts,
    // whatever their areas: a pair split across two facilities counts
    // once, in the facility of its first row.
    let by_area = kept(&pending, policy, in_by);
    let rows_used_by_policy = Duplicates::ALL
        .iter()
        .map(|d| PolicyRows {
            policy: *d,
            rows_used: applies(*d, known).then(|| {
                let chosen = if *d == policy {
                    main.clone()
                } else {
                    kept(&pending, *d, in_selection)
                };
                let others: u64 = out
                    .iter()
                    .filter(|c| in_selection(c) && decided(c, *d))
                    .map(|c| c.rows)
                    .sum();
                others
                    + pending
                        .iter()
                        .zip(chosen)
                        .filter(|(_, k)| *k == Some(true))
                        .map(|(c, _)| c.rows)
                        .sum::<u64>()
            }),
        })
        .collect();
    let keep_first = kept(&pending, Duplicates::KeepFirst, in_selection);
    let (mut flagged_rows, mut groups, mut episode_rows, mut episode_groups) = (0, 0, 0, 0);
    for (n, c) in pending.iter().enumerate() {
        if in_selection(c) && flagged(c) {
            flagged_rows += c.rows;
            groups += u64::from(keep_first[n] == Some(true));
        }
    }
    // Rows in an episode split of more than one row, and the splits whose
    // first row is selected: the one row on a first day, or the several
    // sharing one (counted once).
    let mut shared = std::collections::BTreeSet::new();
    for c in out.iter().chain(&pending).filter(|c| in_selection(c)) {
        match Class::of_bits(c.repeat) {
            Class::Alone => {}
            Class::Keep => {
                episode_rows += c.rows;
                episode_groups += c.rows;
            }
            Class::Drop => episode_rows += c.rows,
            Class::Shared => {
                episode_rows += c.rows;
                if let Some(r) = c.pending.as_ref().and_then(|p| p.episode) {
                    shared.insert(r.group);
                }
            }
        }
    }
    episode_groups += shared.len() as u64;
    // Combinations that wait for no other row, decided by their class.
    for c in out.iter_mut() {
        if (c.reason.is_none() || c.in_by) && c.repeat != 0 && !decided(c, policy) {
            *c = excluded(std::mem::take(c), false);
        }
    }
    for (i, mut c) in pending.into_iter().enumerate() {
        c.pending = None;
        if !by_area[i].unwrap_or(false) {
            c.in_by = false;
            c.by = None;
        }
        match main[i] {
            None => {
                // Outside the selection: only its `by_area` group counts.
                if !c.in_by {
                    c = excluded(c, false);
                }
                out.push(c);
            }
            Some(true) => out.push(c),
            Some(false) => {
                let in_by = c.in_by;
                out.push(excluded(c, in_by));
            }
        }
    }
    let counts = DuplicateCounts {
        policy,
        flagged_rows,
        flagged_groups: known.ids.then_some(groups),
        episode_rows: known.ids.then_some(episode_rows),
        episode_groups: known.ids.then_some(episode_groups),
        rows_used_by_policy,
    };
    Ok((out, counts))
}

/// A combination the policy does not use: a used one becomes
/// [`Exclusion::DuplicateLikely`], keeping its latest date; one counted in
/// `by_area` keeps its group only when `in_by` (else it leaves `by_area`,
/// and its labels go).
fn excluded(c: Combination, in_by: bool) -> Combination {
    let reason = match c.reason {
        None => Some(Exclusion::DuplicateLikely),
        r => r,
    };
    let place = if reason == Some(Exclusion::DuplicateLikely) {
        None
    } else {
        c.place
    };
    Combination {
        reason,
        place,
        latest_day: c.latest_day,
        rows: c.rows,
        lift_known: c.lift_known && in_by,
        lift_reason: c.lift_reason.filter(|_| in_by),
        request_type: c.request_type.filter(|_| in_by),
        detainer_type: c.detainer_type.filter(|_| in_by),
        lifts: if in_by { c.lifts } else { Vec::new() },
        in_by,
        by: c.by.filter(|_| in_by),
        ..Combination::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::count::counts::Pending;
    use crate::records::count::episodes::{Role, Roles};

    fn flagged(id: Option<&str>, day: i32, order: u64, reason: &str) -> Combination {
        Combination {
            year_month: Some(day / 100),
            days: vec![((day % 100) as u8, 1)],
            latest_day: Some(day),
            lift_reason: Some(reason.to_string()),
            duplicate: Some("TRUE".into()),
            rows: 1,
            pending: Some(Box::new(Pending {
                id: id.map(String::from),
                day,
                order: (0, order, 0),
                flagged: true,
                ..Pending::default()
            })),
            ..Combination::default()
        }
    }

    const IDS: Known = Known {
        ids: true,
        file_flags: false,
    };

    /// A row of a group: person, day, its split's role (group, first
    /// day), form, the file's drop flag and file role, its place
    /// in the file.
    fn episode_row(
        id: &str,
        day: i32,
        split: Option<(u32, bool, bool)>,
        form: &str,
        drop: Option<&str>,
        file: Option<(u32, bool, bool)>,
        order: u64,
    ) -> Combination {
        let role = |r: Option<(u32, bool, bool)>| {
            r.map(|(group, first_day, shared)| Role {
                group,
                first_day,
                shared,
            })
        };
        let roles = Roles {
            episode: role(split),
            file: role(file),
        };
        Combination {
            year_month: Some(day / 100),
            days: vec![((day % 100) as u8, 1)],
            latest_day: Some(day),
            detainer_type: Some(form.into()),
            lift_reason: Some(format!("{id}{order}")),
            duplicate: Some("FALSE".into()),
            repeat: roles.repeat(drop.map(|d| d == "TRUE")),
            rows: 1,
            pending: Some(Box::new(Pending {
                id: Some(id.into()),
                day,
                order: (0, order, 0),
                episode: role(split),
                file_role: role(file),
                flagged: false,
            })),
            ..Combination::default()
        }
    }

    fn kept_names(out: &[Combination]) -> Vec<String> {
        let mut kept: Vec<String> = out
            .iter()
            .filter(|c| c.reason.is_none())
            .filter_map(|c| c.lift_reason.clone())
            .collect();
        kept.sort();
        kept
    }

    #[test]
    fn a_group_keeps_its_first_days_first_row_and_drops_later_days() {
        let known = Known {
            ids: true,
            file_flags: true,
        };
        // Split 0: a's days 1 and 3 (the notification on day 2 is alone).
        // Split 1: b's pair on its first day, listed later first; and a
        // later day. Rows alone are kept.
        let input = vec![
            used(3),
            episode_row(
                "a",
                20190301,
                Some((0, true, false)),
                "I247A",
                Some("FALSE"),
                None,
                1,
            ),
            episode_row("a", 20190302, None, "I247N", Some("FALSE"), None, 2),
            episode_row(
                "a",
                20190303,
                Some((0, false, false)),
                "I247A",
                Some("TRUE"),
                None,
                3,
            ),
            episode_row(
                "b",
                20190301,
                Some((1, true, true)),
                "I247A",
                Some("TRUE"),
                None,
                9,
            ),
            episode_row(
                "b",
                20190301,
                Some((1, true, true)),
                "I247A",
                Some("FALSE"),
                None,
                4,
            ),
            episode_row(
                "b",
                20190302,
                Some((1, false, false)),
                "I247A",
                Some("TRUE"),
                None,
                0,
            ),
        ];
        let (out, counts) = resolve_duplicates(input.clone(), Duplicates::Episode, known).unwrap();
        assert_eq!(kept_names(&out), ["a1", "a2", "b4"]);
        let by: Vec<Option<u64>> = counts
            .rows_used_by_policy
            .iter()
            .map(|p| p.rows_used)
            .collect();
        // Nothing is flagged duplicate_likely; episode and the file's drop
        // flag agree.
        assert_eq!(by, [Some(9), Some(9), Some(9), Some(6), Some(6)]);
        assert_eq!(
            (counts.episode_rows, counts.episode_groups),
            (Some(5), Some(2))
        );
        // The file's own episodes, without drop flags: the same rule on the
        // file's groups.
        let files = vec![
            episode_row("c", 20190101, None, "I247A", None, Some((7, true, true)), 5),
            episode_row("c", 20190101, None, "I247N", None, Some((7, true, true)), 2),
            episode_row(
                "c",
                20190601,
                None,
                "I247A",
                None,
                Some((7, false, false)),
                1,
            ),
        ];
        let (out, _) = resolve_duplicates(files, Duplicates::File, known).unwrap();
        assert_eq!(kept_names(&out), ["c2"]);
    }

    fn used(rows: u64) -> Combination {
        Combination {
            year_month: Some(201804),
            days: vec![(1, rows)],
            rows,
            ..Combination::default()
        }
    }

    fn rows_used(cs: &[Combination]) -> u64 {
        cs.iter()
            .filter(|c| c.reason.is_none())
            .map(|c| c.rows)
            .sum()
    }

    #[test]
    fn each_policy_uses_what_it_says() {
        let input = vec![
            used(10),
            // A pair, listed repeat first: the earlier row in the file is kept.
            flagged(Some("a"), 20180401, 9, "second"),
            flagged(Some("a"), 20180401, 3, "first"),
            // The same person on another day: another group.
            flagged(Some("a"), 20180402, 5, "other day"),
            // No person: a group of its own.
            flagged(None, 20180401, 7, "no id"),
            flagged(None, 20180401, 8, "no id"),
        ];
        let (out, counts) = resolve_duplicates(input.clone(), Duplicates::KeepFirst, IDS).unwrap();
        assert_eq!(rows_used(&out), 14);
        assert!(out.iter().all(|c| c.pending.is_none()));
        let kept: Vec<&str> = out
            .iter()
            .filter_map(|c| c.lift_reason.as_deref())
            .collect();
        assert!(
            kept.contains(&"first") && !kept.contains(&"second"),
            "{kept:?}"
        );
        assert_eq!(counts.flagged_rows, 5);
        assert_eq!(counts.flagged_groups, Some(4));
        let by: Vec<Option<u64>> = counts
            .rows_used_by_policy
            .iter()
            .map(|p| p.rows_used)
            .collect();
        assert_eq!(by, [Some(10), Some(14), Some(15), Some(15), None]);
        let (out, _) = resolve_duplicates(input.clone(), Duplicates::Exclude, IDS).unwrap();
        assert_eq!(rows_used(&out), 10);
        let excluded: u64 = out
            .iter()
            .filter(|c| c.reason == Some(Exclusion::DuplicateLikely))
            .map(|c| c.rows)
            .sum();
        assert_eq!(excluded, 5);
        assert!(out
            .iter()
            .filter(|c| c.reason.is_some())
            .all(|c| c.lift_reason.is_none() && c.year_month.is_none()));
        let (out, _) = resolve_duplicates(input.clone(), Duplicates::Include, IDS).unwrap();
        assert_eq!(rows_used(&out), 15);
        let (_, counts) =
            resolve_duplicates(input.clone(), Duplicates::Include, Known::default()).unwrap();
        assert_eq!(counts.flagged_groups, None);
        assert!(resolve_duplicates(input, Duplicates::KeepFirst, Known::default()).is_err());
    }

    #[test]
    fn policies_parse_as_the_command_line_writes_them() {
        assert_eq!(
            "keep-first".parse::<Duplicates>().unwrap(),
            Duplicates::KeepFirst
        );
        assert_eq!(
            "keep_first".parse::<Duplicates>().unwrap(),
            Duplicates::KeepFirst
        );
        assert!("first".parse::<Duplicates>().is_err());
        assert_eq!(
            serde_json::to_string(&Duplicates::KeepFirst).unwrap(),
            "\"keep_first\""
        );
    }
}
