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
use crate::records::count::counts::Combination;
use crate::records::count::reasons::Exclusion;
use crate::records::select::duplicates::Duplicates;
use serde::{Deserialize, Serialize};

/// Rows used under one policy.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PolicyRows {
    /// The policy.
    pub policy: Duplicates,
    /// Rows the analysis would use; `null` for `keep-first` when a file has
    /// no `unique_identifier` column.
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
    /// Rows used under each policy, the one applied among them.
    pub rows_used_by_policy: Vec<PolicyRows>,
}

/// Which rows of `pending` are the first of their group, for groups keyed
/// by `group` (a row whose key is `None` is not in any group and is left
/// out), in the order of the files. A row without a person cannot be matched:
/// it is a group of its own.
fn firsts<K: Ord>(
    pending: &[Combination],
    group: impl Fn(&Combination) -> Option<K>,
) -> Vec<Option<bool>> {
    let person = |c: &Combination| c.pending.as_ref().and_then(|p| p.id.clone());
    // (group, person, date, place in the files, index in `pending`)
    type Place<K> = (K, Option<String>, i32, (u32, u64, u64), usize);
    let mut order: Vec<Place<K>> = pending
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let p = c.pending.as_ref()?;
            Some((group(c)?, person(c), p.day, p.order, i))
        })
        .collect();
    order.sort();
    let mut first = vec![None; pending.len()];
    for (n, row) in order.iter().enumerate() {
        let same_as_previous = n > 0 && {
            let previous = &order[n - 1];
            row.1.is_some() && previous.0 == row.0 && previous.1 == row.1 && previous.2 == row.2
        };
        first[row.4] = Some(!same_as_previous);
    }
    first
}

/// Decide the pending (flagged) combinations under `policy`, and count what
/// each policy would use. `ids_known` says whether every file had a
/// `unique_identifier` column.
///
/// A pending row that passes every filter is used, or excluded as
/// [`Exclusion::DuplicateLikely`] (keeping only its latest date, as the
/// engines keep for any excluded row); its groups are its person and prepare
/// date. A pending row counted in `by_area` (it has a `by` group) keeps that
/// group, or loses it, by the same policy within its area, so a grouping
/// never changes the main results.
///
/// # Errors
/// [`Error::Argument`] for `keep-first` when `ids_known` is false.
pub(crate) fn resolve_duplicates(
    combinations: Vec<Combination>,
    policy: Duplicates,
    ids_known: bool,
) -> Result<(Vec<Combination>, DuplicateCounts)> {
    if policy == Duplicates::KeepFirst && !ids_known {
        return Err(Error::Argument(
            "--duplicates keep-first needs the column unique_identifier, which a file lacks".into(),
        ));
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
    let main = firsts(&pending, |c| c.reason.is_none().then_some(()));
    // Within `by_area`, a group is a person and a date among every row it
    // counts, whatever their areas: a pair split across two facilities
    // counts once, in the facility of its first row.
    let by_area = firsts(&pending, |c| c.in_by.then_some(()));
    let keeps = |first: bool| match policy {
        Duplicates::Include => true,
        Duplicates::KeepFirst => first,
        Duplicates::Exclude => false,
    };
    let (mut flagged, mut groups) = (0, 0);
    for (i, mut c) in pending.into_iter().enumerate() {
        c.pending = None;
        if !by_area[i].is_some_and(keeps) {
            c.in_by = false;
            c.by = None;
        }
        match main[i] {
            None => {
                // Outside the selection: only its `by_area` group counts.
                if !c.in_by {
                    c.lift_reason = None;
                }
                out.push(c);
            }
            Some(first) => {
                flagged += c.rows;
                groups += u64::from(first);
                if keeps(first) {
                    out.push(c);
                } else {
                    out.push(Combination {
                        reason: Some(Exclusion::DuplicateLikely),
                        latest_day: c.latest_day,
                        rows: c.rows,
                        lift_reason: c.lift_reason.filter(|_| c.in_by),
                        in_by: c.in_by,
                        by: c.by,
                        ..Combination::default()
                    });
                }
            }
        }
    }
    let groups = ids_known.then_some(groups);
    let counts = DuplicateCounts {
        policy,
        flagged_rows: flagged,
        flagged_groups: groups,
        rows_used_by_policy: Duplicates::ALL
            .iter()
            .map(|d| PolicyRows {
                policy: *d,
                rows_used: match d {
                    Duplicates::Exclude => Some(used_before),
                    Duplicates::KeepFirst => groups.map(|g| used_before + g),
                    Duplicates::Include => Some(used_before + flagged),
                },
            })
            .collect(),
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
            })),
            ..Combination::default()
        }
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
        let (out, counts) = resolve_duplicates(input.clone(), Duplicates::KeepFirst, true).unwrap();
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
        assert_eq!(by, [Some(10), Some(14), Some(15)]);
        let (out, _) = resolve_duplicates(input.clone(), Duplicates::Exclude, true).unwrap();
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
        let (out, _) = resolve_duplicates(input.clone(), Duplicates::Include, true).unwrap();
        assert_eq!(rows_used(&out), 15);
        let (_, counts) = resolve_duplicates(input.clone(), Duplicates::Include, false).unwrap();
        assert_eq!(counts.flagged_groups, None);
        assert!(resolve_duplicates(input, Duplicates::KeepFirst, false).is_err());
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
