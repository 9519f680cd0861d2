//! The record-level tables, and the captions that say what they cover.

use crate::records::decide::areas::AreaOutcomes;
use crate::records::select::request_type::RequestChoice;

use crate::error::Result;
use crate::records::decide::outcomes::Share;
use crate::records::decide::summary::{record_period, RecordResults};
use crate::records::select::grouping::By;
use crate::render::format::fmt_count;
use crate::render::table::ShowTable;
use polars::prelude::*;
use std::path::Path;

/// Label used for a missing value in tables and charts (JSON keeps `null`).
pub const MISSING: &str = "(not recorded)";

/// What the results cover, for captions: area, state and dates.
pub fn record_scope(results: &RecordResults) -> String {
    let f = &results.filters;
    let mut parts = Vec::new();
    parts.push(match &f.aor {
        Some(a) => format!("{} ({})", a.label, a.code),
        None => "all areas".to_string(),
    });
    if let Some(s) = &f.state {
        parts.push(format!("state {s}"));
    }
    match record_period(results) {
        Some((a, b)) => parts.push(format!("{a} to {b}")),
        None => parts.push("no dated records".into()),
    }
    match results.request_types.applied {
        RequestChoice::Hold => parts.push("hold requests".into()),
        RequestChoice::Notification => parts.push("requests for notification".into()),
        _ => {}
    }
    parts.join(", ")
}

/// [`record_scope`] with the area as its code, short enough for a chart title.
pub(crate) fn short_scope(results: &RecordResults) -> String {
    let f = &results.filters;
    let mut parts = vec![f
        .aor
        .as_ref()
        .map_or_else(|| "all areas".to_string(), |a| a.code.clone())];
    if let Some(s) = &f.state {
        parts.push(s.clone());
    }
    if let Some((a, b)) = record_period(results) {
        parts.push(format!("{a} to {b}"));
    }
    parts.join(", ")
}

pub(crate) fn source_line(results: &RecordResults) -> String {
    let names: Vec<String> = results
        .files
        .iter()
        .map(|f| {
            Path::new(&f.path)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| f.path.clone())
        })
        .collect();
    format!(
        "Source: ICE detainer records ({}); {} of {} rows used. Chart: detainers.",
        names.join(", "),
        fmt_count(results.rows_used),
        fmt_count(results.rows_read)
    )
}

pub(crate) fn label(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| MISSING.to_string())
}

/// Rows read, used and excluded by reason, and the declined share.
pub fn summary_table(r: &RecordResults) -> Result<ShowTable> {
    let mut what = vec!["rows read".to_string(), "rows used".to_string()];
    let mut rows = vec![r.rows_read, r.rows_used];
    for (reason, n) in &r.rows_excluded {
        what.push(format!("excluded: {reason}"));
        rows.push(*n);
    }
    what.push(format!(
        "flagged duplicates used (--duplicates {})",
        r.filters.duplicates.name()
    ));
    rows.push(r.duplicates_used);
    what.push("declined by LEA".into());
    rows.push(r.declined_by_lea.count);
    let df = df!("row count" => what, "rows" => rows)?;
    Ok(ShowTable::new(
        df,
        format!("Rows read, used and excluded; {}", record_scope(r)),
    ))
}

/// Detainers by the article's status groups (through the crosswalk).
pub fn status_group_table(r: &RecordResults) -> Result<ShowTable> {
    let total = r.rows_used.max(1) as f64;
    let df = df!(
        "status group" => r.by_status_group.iter().map(|g| g.group.clone()).collect::<Vec<_>>(),
        "detainers" => r.by_status_group.iter().map(|g| g.detainers).collect::<Vec<_>>(),
        "share" => r.by_status_group.iter().map(|g| g.detainers as f64 / total).collect::<Vec<_>>(),
    )?;
    Ok(ShowTable::new(
        df,
        format!(
            "Detainers by immigration-status group (crosswalk in data/crosswalk), {}",
            record_scope(r)
        ),
    )
    .with_percent(&["share"]))
}

/// Detainers by ICE case category.
pub fn case_category_table(r: &RecordResults) -> Result<ShowTable> {
    let df = df!(
        "case category" => r.by_case_category.iter().map(|c| label(&c.case_category)).collect::<Vec<_>>(),
        "detainers" => r.by_case_category.iter().map(|c| c.detainers).collect::<Vec<_>>(),
    )?;
    Ok(ShowTable::new(
        df,
        format!("Detainers by ICE case category, {}", record_scope(r)),
    ))
}

/// Detainers and declines per month.
pub fn month_table(r: &RecordResults) -> Result<ShowTable> {
    let df = df!(
        "month" => r.by_month.iter().map(|m| m.month.clone()).collect::<Vec<_>>(),
        "detainers" => r.by_month.iter().map(|m| m.detainers).collect::<Vec<_>>(),
        "declined by LEA" => r.by_month.iter().map(|m| m.declined_by_lea).collect::<Vec<_>>(),
        "declined share" => r.by_month.iter().map(|m| m.declined_share).collect::<Vec<_>>(),
        "custody" => r.by_month.iter().map(|m| m.custody).collect::<Vec<_>>(),
    )?;
    Ok(ShowTable::new(
        df,
        format!(
            "Detainers prepared per month and those declined by the law-enforcement agency, {}",
            record_scope(r)
        ),
    )
    .with_percent(&["declined share"]))
}

/// Lift reasons.
pub fn lift_reason_table(r: &RecordResults) -> Result<ShowTable> {
    let total = r.rows_used.max(1) as f64;
    let df = df!(
        "lift reason" => r.lift_reasons.iter().map(|x| label(&x.reason)).collect::<Vec<_>>(),
        "detainers" => r.lift_reasons.iter().map(|x| x.count).collect::<Vec<_>>(),
        "share" => r.lift_reasons.iter().map(|x| x.count as f64 / total).collect::<Vec<_>>(),
    )?;
    Ok(ShowTable::new(
        df,
        format!(
            "Why detainers were lifted, {} ({MISSING}: not lifted yet, or no reason given)",
            record_scope(r)
        ),
    )
    .with_percent(&["share"]))
}

/// Detainers per 100,000 noncitizen residents (empty when no single area is selected).
pub fn context_table(r: &RecordResults) -> Result<ShowTable> {
    let c = r.context.as_ref();
    let df = df!(
        "area" => c.map(|c| c.aor.clone()).into_iter().collect::<Vec<_>>(),
        "detainers" => c.map(|_| r.rows_used).into_iter().collect::<Vec<_>>(),
        "noncitizen residents" => c.map(|c| c.noncitizen_population).into_iter().collect::<Vec<_>>(),
        "population year" => c.map(|c| c.population_year).into_iter().collect::<Vec<_>>(),
        "days" => c.map(|c| c.period_days).into_iter().collect::<Vec<_>>(),
        "per 100,000" => c.map(|c| c.detainers_per_100k).into_iter().collect::<Vec<_>>(),
        "per 100,000 per year" => c.map(|c| c.detainers_per_100k_per_year).into_iter().collect::<Vec<_>>(),
    )?;
    let caption = match c {
        Some(c) => format!("Detainers per 100,000 noncitizen residents. {}", c.note),
        None => "Detainers per 100,000 noncitizen residents: select one area (--aor) with a population row to compute it".to_string(),
    };
    Ok(ShowTable::new(df, caption).with_years(&["population year"]))
}

/// Outcome classes of the detainers used (through
/// `data/crosswalk/lift_outcomes.csv`), the declined and custody shares over
/// each denominator, and the honored share among resolved detainers, each
/// with its 95% Wilson interval.
pub fn outcome_table(r: &RecordResults) -> Result<ShowTable> {
    let o = &r.outcomes;
    let all = r.rows_used;
    let mut measure: Vec<String> = Vec::new();
    let mut shares: Vec<Share> = Vec::new();
    for (name, count) in [
        ("declined", o.declined),
        ("custody", o.custody),
        ("other resolved", o.other_resolved),
        ("unclassified lift reason", o.unclassified),
        ("open (no lift reason)", o.open),
    ] {
        measure.push(format!("{name} / every detainer used"));
        shares.push(Share::new(count, all));
    }
    for d in o.denominators.iter().skip(1) {
        measure.push(format!("declined / {}", d.description));
        shares.push(d.declined.clone());
        measure.push(format!("custody / {}", d.description));
        shares.push(d.custody.clone());
    }
    measure.push("honored: custody / (custody + declined)".to_string());
    shares.push(o.honored_share.clone());
    let df = df!(
        "measure" => measure,
        "detainers" => shares.iter().map(|s| s.count).collect::<Vec<_>>(),
        "of" => shares.iter().map(|s| s.of).collect::<Vec<_>>(),
        "share" => shares.iter().map(|s| s.share).collect::<Vec<_>>(),
        "ci_low" => shares.iter().map(|s| s.interval.map(|i| i.low)).collect::<Vec<_>>(),
        "ci_high" => shares.iter().map(|s| s.interval.map(|i| i.high)).collect::<Vec<_>>(),
    )?;
    Ok(ShowTable::new(
        df,
        format!(
            "Outcomes of detainers by lift reason (classes in {}), with 95% Wilson intervals; {}",
            o.crosswalk,
            record_scope(r)
        ),
    )
    .with_percent(&["share", "ci_low", "ci_high"]))
}

/// Rows flagged `duplicate_likely` and the rows each duplicates policy
/// would use, the one applied marked.
pub fn duplicates_table(r: &RecordResults) -> Result<ShowTable> {
    let d = &r.duplicates;
    let by = &d.rows_used_by_policy;
    let df = df!(
        "policy" => by.iter().map(|p| format!("--duplicates {}", p.policy.name())).collect::<Vec<_>>(),
        "rows used" => by.iter().map(|p| p.rows_used).collect::<Vec<_>>(),
        "applied" => by.iter().map(|p| if p.policy == d.policy { "yes" } else { "" }).collect::<Vec<_>>(),
    )?;
    let groups = d
        .flagged_groups
        .map(|g| format!("{} distinct person and prepare date", fmt_count(g)))
        .unwrap_or_else(|| "persons unknown: a file has no unique_identifier column".to_string());
    let episodes = match (d.episode_rows, d.episode_groups) {
        (Some(rows), Some(groups)) => format!(
            "; rows in an episode of more than one row by DDP's August 2026 rule: {} in {} episodes",
            fmt_count(rows),
            fmt_count(groups)
        ),
        _ => String::new(),
    };
    Ok(ShowTable::new(
        df,
        format!(
            "Rows flagged duplicate_likely that pass every other filter: {} ({groups}){episodes}; rows used under each policy (empty: a file lacks what the policy reads); {}",
            fmt_count(d.flagged_rows),
            record_scope(r)
        ),
    ))
}

/// Every kind of request side by side, whatever the run reads: detainers,
/// the outcome classes, the declined share over detainers with a lift
/// reason and the honored share, each with its 95% Wilson interval.
pub fn request_type_table(r: &RecordResults) -> Result<ShowTable> {
    let t = &r.request_types.by_type;
    let with_reason =
        |o: &crate::records::Outcomes| o.denominators.get(1).map(|d| d.declined.clone());
    let df = df!(
        "request type" => t.iter().map(|k| k.label.clone()).collect::<Vec<_>>(),
        "read" => t.iter().map(|k| if r.request_types.applied.accepts(k.request_type) { "yes" } else { "" }).collect::<Vec<_>>(),
        "detainers" => t.iter().map(|k| k.detainers).collect::<Vec<_>>(),
        "declined" => t.iter().map(|k| k.outcomes.declined).collect::<Vec<_>>(),
        "custody" => t.iter().map(|k| k.outcomes.custody).collect::<Vec<_>>(),
        "other resolved" => t.iter().map(|k| k.outcomes.other_resolved).collect::<Vec<_>>(),
        "open" => t.iter().map(|k| k.outcomes.open).collect::<Vec<_>>(),
        "declined share" => t.iter().map(|k| with_reason(&k.outcomes).and_then(|s| s.share)).collect::<Vec<_>>(),
        "honored share" => t.iter().map(|k| k.outcomes.honored_share.share).collect::<Vec<_>>(),
        "honored ci_low" => t.iter().map(|k| k.outcomes.honored_share.interval.map(|i| i.low)).collect::<Vec<_>>(),
        "honored ci_high" => t.iter().map(|k| k.outcomes.honored_share.interval.map(|i| i.high)).collect::<Vec<_>>(),
    )?;
    let unknown = if r.request_types.unknown_values.is_empty() {
        String::new()
    } else {
        format!(
            "; forms the crosswalk does not list: {}",
            r.request_types
                .unknown_values
                .iter()
                .map(|v| format!("'{}' ({})", v.value, fmt_count(v.rows)))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Ok(ShowTable::new(
        df,
        format!(
            "Outcomes by kind of request (classes in {}), after the duplicates policy; read: {}{unknown}; {}",
            r.request_types.crosswalk,
            r.request_types.why,
            record_scope(r)
        ),
    )
    .with_percent(&["declined share", "honored share", "honored ci_low", "honored ci_high"]))
}

/// Days from prepare date to lift date per outcome class: rows with a
/// lift date on or after the prepare date, median and quartiles, and the
/// rows left out (a lift date before the prepare date, or unreadable).
pub fn lift_time_table(r: &RecordResults) -> Result<ShowTable> {
    let t = &r.time_to_lift;
    let df = df!(
        "outcome" => t.iter().map(|l| l.outcome.replace('_', " ")).collect::<Vec<_>>(),
        "detainers" => t.iter().map(|l| l.detainers).collect::<Vec<_>>(),
        "q1 days" => t.iter().map(|l| l.q1_days).collect::<Vec<_>>(),
        "median days" => t.iter().map(|l| l.median_days).collect::<Vec<_>>(),
        "q3 days" => t.iter().map(|l| l.q3_days).collect::<Vec<_>>(),
        "lift before prepare (left out)" => t.iter().map(|l| l.lift_before_prepare).collect::<Vec<_>>(),
        "unreadable lift date (left out)" => t.iter().map(|l| l.unreadable_lift_date).collect::<Vec<_>>(),
    )?;
    let caption = if t.is_empty() {
        format!("Time to lift: no file has a lift date; {}", record_scope(r))
    } else {
        format!(
            "Days from prepare date to lift date by outcome, for detainers with a lift date (quartiles as R's and numpy's default); {}",
            record_scope(r)
        )
    };
    Ok(ShowTable::new(df, caption))
}

/// The files each run read: format, the sheets of a workbook (header rows),
/// size, and the run's rows read, rows used and detainers declined by the
/// law-enforcement agency. Runs of the same records in several formats
/// should agree on the last three.
pub fn files_table(runs: &[&RecordResults]) -> Result<ShowTable> {
    let files: Vec<(&RecordResults, &crate::records::read::schema::FileInfo)> = runs
        .iter()
        .flat_map(|r| r.files.iter().map(move |f| (*r, f)))
        .collect();
    let df = df!(
        "file" => files.iter().map(|(_, f)| crate::paths::shown(Path::new(&f.path))).collect::<Vec<_>>(),
        "format" => files.iter().map(|(_, f)| f.format.clone()).collect::<Vec<_>>(),
        "layout" => files.iter().map(|(_, f)| f.layout.clone()).collect::<Vec<_>>(),
        "columns missing" => files.iter().map(|(_, f)| (!f.missing.is_empty()).then(|| f.missing.join(", "))).collect::<Vec<_>>(),
        "sheets (header row)" => files.iter().map(|(_, f)| {
            (!f.sheets.is_empty()).then(|| {
                f.sheets
                    .iter()
                    .map(|s| format!("{} ({})", s.sheet, s.header_row))
                    .collect::<Vec<_>>()
                    .join("; ")
            })
        }).collect::<Vec<_>>(),
        "bytes" => files.iter().map(|(_, f)| f.bytes).collect::<Vec<_>>(),
        "rows read" => files.iter().map(|(r, _)| r.rows_read).collect::<Vec<_>>(),
        "rows used" => files.iter().map(|(r, _)| r.rows_used).collect::<Vec<_>>(),
        "declined by LEA" => files.iter().map(|(r, _)| r.declined_by_lea.count).collect::<Vec<_>>(),
    )?;
    Ok(ShowTable::new(
        df,
        "Files read, by run: format (told by the file's first bytes), published layout (found from the header), the columns the analysis could read that the file lacks, the sheets of a workbook with their header rows, size; rows read, rows used and detainers declined by LEA are the run's",
    ))
}

/// The columns the analysis reads that some files lack: the column, the
/// files, and what its absence costs.
pub fn missing_columns_table(r: &RecordResults) -> Result<ShowTable> {
    let m = &r.missing_columns;
    let df = df!(
        "column" => m.iter().map(|c| c.column.clone()).collect::<Vec<_>>(),
        "files" => m.iter().map(|c| c.files.iter().map(|f| crate::paths::shown(Path::new(f))).collect::<Vec<_>>().join("; ")).collect::<Vec<_>>(),
        "what its absence costs" => m.iter().map(|c| c.effect.clone()).collect::<Vec<_>>(),
    )?;
    let caption = "Columns the analysis reads that the files lack, and what each absence costs";
    Ok(ShowTable::new(
        df,
        if m.is_empty() {
            format!("{caption} (none: every file has every column)")
        } else {
            caption.to_string()
        },
    ))
}

/// Every area's outcomes (`--by`): detainers, outcome classes, the declined
/// and custody shares of detainers with a lift reason, the honored share with
/// its 95% Wilson interval, and detainers per 100,000 noncitizen residents
/// where the population is known. The selected area is marked.
pub fn area_table(r: &RecordResults) -> Result<ShowTable> {
    let a = &r.by_area;
    let by = r.by.map_or("area", |g| g.by.name());
    let share = |f: &dyn Fn(&AreaOutcomes) -> &Share| -> Vec<Option<f64>> {
        a.iter().map(|x| f(x).share).collect()
    };
    // An area of responsibility's label ends in the same three words: the
    // table shows the name before them, beside the code.
    let short = |x: &AreaOutcomes| {
        let l = label(&x.area);
        match l.strip_suffix(" Area of Responsibility") {
            Some(name) if r.by.is_some_and(|g| g.by == By::Aor) => name.to_string(),
            _ => l,
        }
    };
    let df = df!(
        by => a.iter().map(short).collect::<Vec<_>>(),
        "code" => a.iter().map(|x| x.code.clone()).collect::<Vec<_>>(),
        "selected" => a.iter().map(|x| if x.selected { "yes" } else { "" }).collect::<Vec<_>>(),
        "detainers" => a.iter().map(|x| x.detainers).collect::<Vec<_>>(),
        "declined" => a.iter().map(|x| x.declined).collect::<Vec<_>>(),
        "custody" => a.iter().map(|x| x.custody).collect::<Vec<_>>(),
        "other resolved" => a.iter().map(|x| x.other_resolved).collect::<Vec<_>>(),
        "unclassified" => a.iter().map(|x| x.unclassified).collect::<Vec<_>>(),
        "open" => a.iter().map(|x| x.open).collect::<Vec<_>>(),
        "declined share" => share(&|x| &x.declined_share),
        "custody share" => share(&|x| &x.custody_share),
        "honored share" => share(&|x| &x.honored_share),
        "honored ci_low" => a.iter().map(|x| x.honored_share.interval.map(|i| i.low)).collect::<Vec<_>>(),
        "honored ci_high" => a.iter().map(|x| x.honored_share.interval.map(|i| i.high)).collect::<Vec<_>>(),
        "per 100k noncitizens" => a.iter().map(|x| x.detainers_per_100k).collect::<Vec<_>>(),
    )?;
    let caption = format!(
        "Outcomes by {by}, most detainers first; declined and custody shares of detainers with a lift reason, honored share = custody / (custody + declined) with 95% Wilson intervals; {}",
        record_scope(r)
    );
    Ok(ShowTable::new(df, caption).with_percent(&[
        "declined share",
        "custody share",
        "honored share",
        "honored ci_low",
        "honored ci_high",
    ]))
}

/// The months before and after each policy event of the selection
/// (`data/context/events.csv`): detainers, the declined share of all, and the
/// honored share custody / (custody + declined), with 95% Wilson intervals.
/// Descriptive, not causal, and the caption says so.
pub fn event_table(r: &RecordResults) -> Result<ShowTable> {
    let mut event = Vec::new();
    let mut side = Vec::new();
    let mut months = Vec::new();
    let mut detainers = Vec::new();
    let mut shares: [Vec<Option<f64>>; 6] = Default::default();
    for s in &r.event_splits {
        for (name, m) in [("before", &s.before), ("after", &s.after)] {
            event.push(format!(
                "{} ({}, {})",
                s.event.label, s.event.date, s.event.place
            ));
            side.push(name.to_string());
            months.push(format!("{} to {} ({} months)", m.from, m.to, m.months));
            detainers.push(m.detainers);
            for (i, share) in [&m.declined, &m.honored].into_iter().enumerate() {
                shares[3 * i].push(share.share);
                shares[3 * i + 1].push(share.interval.map(|x| x.low));
                shares[3 * i + 2].push(share.interval.map(|x| x.high));
            }
        }
    }
    let [d, d_low, d_high, h, h_low, h_high] = shares;
    let df = df!(
        "event" => event,
        "months" => side,
        "period" => months,
        "detainers" => detainers,
        "declined share" => d,
        "declined ci_low" => d_low,
        "declined ci_high" => d_high,
        "honored share" => h,
        "honored ci_low" => h_low,
        "honored ci_high" => h_high,
    )?;
    let caption = if r.event_splits.is_empty() {
        format!(
            "Policy events ({}): none of the selected area or state with months of records on both sides; {}",
            crate::records::decide::events::EVENTS_PATH,
            record_scope(r)
        )
    } else {
        format!(
            "The months before and after each policy event of the selection ({}; the event's own month is in neither), with 95% Wilson intervals. Descriptive, not causal: other things changed over the same months, ICE's recording among them, and an event's place (in brackets) can be narrower than the area counted; {}",
            crate::records::decide::events::EVENTS_PATH,
            record_scope(r)
        )
    };
    Ok(ShowTable::new(df, caption).with_percent(&[
        "declined share",
        "declined ci_low",
        "declined ci_high",
        "honored share",
        "honored ci_low",
        "honored ci_high",
    ]))
}

/// Every table, by file stem.
pub fn record_tables(r: &RecordResults) -> Result<Vec<(&'static str, ShowTable)>> {
    Ok(vec![
        ("summary", summary_table(r)?),
        ("files", files_table(&[r])?),
        ("missing_columns", missing_columns_table(r)?),
        ("status_groups", status_group_table(r)?),
        ("case_categories", case_category_table(r)?),
        ("months", month_table(r)?),
        ("lift_reasons", lift_reason_table(r)?),
        ("outcomes", outcome_table(r)?),
        ("duplicates", duplicates_table(r)?),
        ("request_types", request_type_table(r)?),
        ("time_to_lift", lift_time_table(r)?),
        ("by_area", area_table(r)?),
        ("events", event_table(r)?),
        ("context", context_table(r)?),
    ])
}
