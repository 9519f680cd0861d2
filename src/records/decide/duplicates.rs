//! Likely duplicates as a choice: the release flags `duplicate_likely` on
//! every row of a group that shares a person (`unique_identifier`) and a
//! prepare date, so the first of a pair is flagged as well as its repeat.
//! Dropping every flagged row removes too much; keeping them all counts a
//! detainer twice. [`Duplicates`] names the three policies, and
//! [`resolve_duplicates`] applies the chosen one after the scan and counts
//! what each policy would use, so a reader sees what the choice changes.
//!
//! Both engines leave each flagged row that passes every other filter as a
//! [`Pending`] combination of its own (there are few), carrying its person,
//! its date and its place in the files; this module decides them.

use crate::error::{Error, Result};
use crate::records::count::counts::{Combination, Pending};
use crate::records::count::reasons::Exclusion;
use crate::records::read::schema::is_flagged;
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

/// A row's episode split: person, episode, detainer type and facility;
/// `None` without a person or an episode (the row is alone).
type EpisodeKey = (String, u32, Option<String>, Option<String>);

fn episode_key(c: &Combination, p: &Pending) -> Option<EpisodeKey> {
    Some((
        p.id.clone()?,
        p.episode?,
        c.detainer_type.clone(),
        p.facility.clone(),
    ))
}

/// For each pending row, whether `policy` uses it, among the rows that
/// `selected` picks (the selection, or the rows of `by_area`); `None` for a
/// row not picked.
fn kept(
    pending: &[Combination],
    policy: Duplicates,
    selected: impl Fn(&Combination) -> bool + Copy,
) -> Vec<Option<bool>> {
    let person = |p: &Pending| p.id.clone();
    let grouped = match policy {
        Duplicates::Exclude | Duplicates::Include => vec![None; pending.len()],
        // The first flagged row of each person and date.
        Duplicates::KeepFirst => firsts(pending, |c, p| {
            if selected(c) && flagged(c) {
                Some((person(p)?, p.day))
            } else {
                None
            }
        }),
        // The first row of each person, episode, type and facility.
        Duplicates::Episode => firsts(
            pending,
            |c, p| {
                if selected(c) {
                    episode_key(c, p)
                } else {
                    None
                }
            },
        ),
        // The first row of each person and file episode, for rows without
        // a drop flag.
        Duplicates::File => firsts(pending, |c, p| {
            if selected(c) && p.drop_row.is_none() {
                Some((person(p)?, p.file_episode.clone()?))
            } else {
                None
            }
        }),
    };
    pending
        .iter()
        .zip(grouped)
        .map(|(c, first)| {
            if !selected(c) {
                return None;
            }
            let p = c.pending.as_deref();
            Some(match policy {
                Duplicates::Exclude => !flagged(c),
                Duplicates::Include => true,
                Duplicates::KeepFirst => !flagged(c) || first.unwrap_or(true),
                Duplicates::Episode => first.unwrap_or(true),
                Duplicates::File => match p.and_then(|p| p.drop_row.as_deref()) {
                    Some(drop) => !is_flagged(drop),
                    None => first.unwrap_or(true),
                },
            })
        })
        .collect()
}

/// Decide the pending combinations under `policy`, and count what each
/// policy would use. `known` says what the files hold.
///
/// A pending row that passes every filter is used, or excluded as
/// [`Exclusion::DuplicateLikely`] (keeping only its latest date, as the
/// engines keep for any excluded row). A pending row counted in `by_area`
/// (it has a `by` group) keeps that group, or loses it, by the same policy
/// among the rows `by_area` counts, so a grouping never changes the main
/// results.
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
    let used_before: u64 = out
        .iter()
        .filter(|c| c.reason.is_none())
        .map(|c| c.rows)
        .sum();
    let in_selection = |c: &Combination| c.reason.is_none();
    let in_by = |c: &Combination| c.in_by;
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
                used_before
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
    let episode = firsts(&pending, |c, p| {
        if in_selection(c) {
            episode_key(c, p)
        } else {
            None
        }
    });
    let (mut flagged_rows, mut groups, mut episode_rows, mut episode_groups) = (0, 0, 0, 0);
    for (n, c) in pending.iter().enumerate() {
        if in_selection(c) && flagged(c) {
            flagged_rows += c.rows;
            groups += u64::from(keep_first[n] == Some(true));
        }
    }
    // An episode split of more than one row: its rows have a first and at
    // least one later row.
    let mut sizes: std::collections::BTreeMap<_, (u64, u64)> = Default::default();
    for (n, c) in pending.iter().enumerate() {
        if let (Some(first), Some(p)) = (episode[n], c.pending.as_deref()) {
            let key = episode_key(c, p);
            let entry = sizes.entry(key).or_default();
            entry.0 += c.rows;
            entry.1 += u64::from(first);
        }
    }
    for (rows, _) in sizes.values().filter(|(rows, _)| *rows > 1) {
        episode_rows += rows;
        episode_groups += 1;
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
                    c.lift_reason = None;
                    c.request_type = None;
                    c.detainer_type = None;
                    c.lifts = Vec::new();
                }
                out.push(c);
            }
            Some(true) => out.push(c),
            Some(false) => {
                let counted = c.in_by;
                out.push(Combination {
                    reason: Some(Exclusion::DuplicateLikely),
                    latest_day: c.latest_day,
                    rows: c.rows,
                    lift_reason: c.lift_reason.filter(|_| counted),
                    request_type: c.request_type.filter(|_| counted),
                    detainer_type: c.detainer_type.filter(|_| counted),
                    lifts: if counted { c.lifts } else { Vec::new() },
                    in_by: c.in_by,
                    by: c.by,
                    ..Combination::default()
                });
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::count::counts::Pending;

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

    /// A row of an episode: person, day, episode, form, facility, the
    /// file's drop flag, its place in the file.
    fn episode_row(
        id: &str,
        day: i32,
        episode: Option<u32>,
        form: &str,
        facility: &str,
        drop: &str,
        order: u64,
    ) -> Combination {
        Combination {
            year_month: Some(day / 100),
            days: vec![((day % 100) as u8, 1)],
            latest_day: Some(day),
            detainer_type: Some(form.into()),
            lift_reason: Some(format!("{id}{order}")),
            duplicate: Some("FALSE".into()),
            rows: 1,
            pending: Some(Box::new(Pending {
                id: Some(id.into()),
                day,
                order: (0, order, 0),
                facility: Some(facility.into()),
                episode,
                file_episode: Some("1".into()),
                drop_row: Some(drop.into()),
                flagged: false,
            })),
            ..Combination::default()
        }
    }

    #[test]
    fn the_episode_rule_keeps_the_first_of_each_type_and_facility() {
        let input = vec![
            used(3),
            // Days 1-3 one episode; the notification between is its own.
            episode_row("a", 20190301, Some(1), "I247A", "X", "FALSE", 1),
            episode_row("a", 20190302, Some(1), "I247N", "X", "FALSE", 2),
            episode_row("a", 20190303, Some(1), "I247A", "X", "TRUE", 3),
            // Listed first in the files but a day later: not the first.
            episode_row("b", 20190302, Some(1), "I247A", "Y", "TRUE", 0),
            episode_row("b", 20190301, Some(1), "I247A", "Y", "FALSE", 9),
            // Another facility: another detainer.
            episode_row("b", 20190301, Some(1), "I247A", "Z", "FALSE", 10),
        ];
        let known = Known {
            ids: true,
            file_flags: true,
        };
        let (out, counts) = resolve_duplicates(input.clone(), Duplicates::Episode, known).unwrap();
        let mut kept: Vec<String> = out
            .iter()
            .filter(|c| c.reason.is_none())
            .filter_map(|c| c.lift_reason.clone())
            .collect();
        kept.sort();
        assert_eq!(kept, ["a1", "a2", "b10", "b9"]);
        let by: Vec<Option<u64>> = counts
            .rows_used_by_policy
            .iter()
            .map(|p| p.rows_used)
            .collect();
        // exclude/include: nothing flagged; keep-first likewise; episode
        // and the file's flag: two repeats left out; the file's episode
        // number alone (no drop flag read here) is not what decides.
        assert_eq!(by, [Some(9), Some(9), Some(9), Some(7), Some(7)]);
        assert_eq!(
            (counts.episode_rows, counts.episode_groups),
            (Some(4), Some(2))
        );
        // Without drop flags, `file` keeps the first row of each person's
        // file episode, whatever its type or facility.
        let no_flags: Vec<Combination> = input
            .into_iter()
            .map(|mut c| {
                if let Some(p) = c.pending.as_mut() {
                    p.drop_row = None;
                }
                c
            })
            .collect();
        let (out, _) = resolve_duplicates(no_flags, Duplicates::File, known).unwrap();
        let mut kept: Vec<String> = out
            .iter()
            .filter(|c| c.reason.is_none())
            .filter_map(|c| c.lift_reason.clone())
            .collect();
        kept.sort();
        assert_eq!(kept, ["a1", "b9"]);
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
