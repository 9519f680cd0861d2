//! Command line: `detainers` (no arguments) analyses the bundled Boston 2018
//! dataset; `detainers report --data DIR --out DIR [--honored-share P]` does the
//! same for any dataset folder; `detainers records FILE...` runs record-level
//! ICE detainer files through the same analysis; `detainers generate` writes a
//! synthetic detainer file of any size.

mod args;

use args::{default_dataset, Cli, Command, GenerateArgs, RecordsArgs, ReportArgs};
use clap::Parser;
use detainers::records::{
    bundled_layout, estimate_rows, generate_layout_file, parse_bytes, read_events, resolve_aor,
    FollowUpOptions, PopulationTable, StatusCrosswalk,
};
use detainers::{
    analyse, check_claims, generate_file_as, load_dataset, output_dir, write_report, Analysis,
    Duplicates, Filters, GroupBy, Inputs, RecordRun, RunOptions, Size,
};
use indicatif::{ProgressBar, ProgressStyle};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The article's analysis of the dataset in `dir`, at its own assumption.
fn article_analysis(dir: &std::path::Path) -> detainers::Result<Analysis> {
    let dataset = load_dataset(dir)?;
    analyse(&dataset, dataset.meta.assumptions.honored_share.value)
}

fn records(a: RecordsArgs) -> detainers::Result<()> {
    let filters = Filters {
        aor: a
            .aor
            .as_deref()
            .map(resolve_aor)
            .transpose()?
            .map(Into::into),
        state: a.state,
        city: a.city,
        facility: a.facility,
        from: a.from,
        to: a.to,
        duplicates: if a.include_duplicates {
            Duplicates::Include
        } else {
            a.duplicates
        },
        request_type: a.request_type,
    };
    // The article's estimate, to put beside the measured honored share: read
    // before the scan, so a bad --article fails at once. Without --article,
    // a missing bundled dataset (a binary run away from its repository)
    // leaves the comparison out, and says so.
    let article = match &a.article {
        Some(dir) => Some(article_analysis(dir)?),
        None => match article_analysis(&default_dataset()) {
            Ok(analysis) => Some(analysis),
            Err(e) => {
                eprintln!("no article comparison: {e}");
                None
            }
        },
    };
    let mut inputs = Inputs::bundled();
    if let Some(p) = &a.request_types {
        inputs.request_types = detainers::records::RequestTypes::from_file(p)?;
    }
    if let Some(p) = &a.crosswalk {
        inputs.status = StatusCrosswalk::from_file(p)?;
    }
    if let Some(p) = &a.population {
        inputs.population = PopulationTable::from_file(p)?;
    }
    if let Some(p) = &a.events {
        inputs.events = read_events(p)?;
    }
    let rows_seen = Arc::new(AtomicU64::new(0));
    let bar = (!a.quiet).then(|| progress_bar(&a.files, Arc::clone(&rows_seen)));
    let options = RunOptions {
        engine: a.engine,
        rows_seen: Some(rows_seen),
        follow_up: FollowUpOptions {
            as_of: a.as_of,
            days: a.follow_up_days,
        },
        group: a.by.map(|by| GroupBy { by, min_n: a.min_n }),
        columns: a.columns.unwrap_or_default(),
        layouts: None,
    };
    let run = RecordRun::run(&a.files, &filters, &inputs, &options, article.as_ref());
    if let Some((bar, ticker)) = bar {
        bar.finish_and_clear();
        let _ = ticker.join();
    }
    let run = run?;
    let out = a.out.unwrap_or_else(|| output_dir("records"));
    let written = run.write(&out)?;
    let results = &run.results;
    let excluded: Vec<String> = results
        .rows_excluded
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    eprintln!(
        "read {} rows from {} file(s); used {}; excluded: {}",
        results.rows_read,
        results.files.len(),
        results.rows_used,
        if excluded.is_empty() {
            "none".to_string()
        } else {
            excluded.join(", ")
        }
    );
    eprintln!(
        "declined by LEA: {} ({}); wrote {} files to {}",
        results.declined_by_lea.count,
        results
            .declined_by_lea
            .share
            .map_or("no rows used".to_string(), |s| format!("{:.1}%", s * 100.0)),
        written.files.len(),
        written.out_dir.display()
    );
    Ok(())
}

/// A progress bar on stderr, drawn only when stderr is a terminal (indicatif
/// draws nothing otherwise): rows read against the rows the files' sizes
/// suggest, held at 99% if that estimate was short. A thread moves it from
/// the scan's row counter until the bar is finished.
fn progress_bar(
    files: &[std::path::PathBuf],
    rows_seen: Arc<AtomicU64>,
) -> (ProgressBar, std::thread::JoinHandle<()>) {
    // Rows cannot be told from the size of a compressed or typed file: a
    // count of rows read is shown without a bar.
    let estimate = estimate_rows(files);
    let bar = match estimate {
        Some(n) => ProgressBar::new(n.max(1)).with_style(
            ProgressStyle::with_template(
                "reading [{bar:24}] {percent:>3}%  {human_pos} rows  {elapsed}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("#."),
        ),
        None => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("reading {spinner} {human_pos} rows  {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    };
    let cap = estimate.map_or(u64::MAX, |n| n.max(1).saturating_sub(n.max(1) / 100));
    let shown = bar.clone();
    let ticker = std::thread::spawn(move || {
        while !shown.is_finished() {
            let seen = rows_seen.load(Ordering::Relaxed);
            if estimate.is_none() {
                shown.tick();
            }
            shown.set_position(seen.min(cap));
            std::thread::sleep(Duration::from_millis(200));
        }
    });
    (bar, ticker)
}

fn generate(a: GenerateArgs) -> detainers::Result<()> {
    let size = match (a.rows, a.size) {
        (Some(n), _) => Size::Rows(n),
        (None, Some(s)) => Size::Bytes(parse_bytes(&s)?),
        (None, None) => Size::Rows(10_000),
    };
    let g = match &a.layout {
        None => generate_file_as(&a.out, size, a.seed, a.format)?,
        Some(name) => generate_layout_file(&a.out, size, a.seed, a.format, &bundled_layout(name)?)?,
    };
    eprintln!(
        "wrote {} rows ({} bytes, {}, seed {}) to {}",
        g.rows,
        g.bytes,
        a.format.name(),
        a.seed,
        a.out.display()
    );
    Ok(())
}

fn report(a: ReportArgs) -> detainers::Result<()> {
    let dataset = load_dataset(&a.data)?;
    let out = a.out.unwrap_or_else(|| output_dir(&dataset.folder_name()));
    let p = a
        .honored_share
        .unwrap_or(dataset.meta.assumptions.honored_share.value);
    let analysis = analyse(&dataset, p)?;
    let claims = check_claims(&dataset, &analysis)?;
    let written = write_report(&dataset, &analysis, &claims, &out)?;
    eprintln!(
        "read {}: {} groups, {} hits, {} detainers; {} claims checked",
        a.data.display(),
        dataset.status.rows.len(),
        analysis.totals.hits,
        analysis.totals.detainers,
        claims.len()
    );
    eprintln!(
        "custody at honored share {}: {} of {} ({:.1}%); wrote {} files to {}",
        p,
        analysis.custody.in_custody,
        analysis.totals.hits,
        analysis.custody.share * 100.0,
        written.files.len(),
        written.out_dir.display()
    );
    Ok(())
}

fn run(cli: Cli) -> detainers::Result<()> {
    match cli.command {
        Some(Command::Report(a)) => report(a),
        Some(Command::Records(a)) => records(*a),
        Some(Command::Generate(a)) => generate(a),
        None => report(ReportArgs::default()),
    }
}

/// polars memory-maps a local CSV file by default, so a scan with `--engine
/// polars` of a 1 GB file holds up to 1 GB of file pages resident. Its chunked
/// reader (the one it uses for cloud files, switched on by
/// `POLARS_FORCE_ASYNC`) keeps a few 32 MB chunks in memory instead: peak
/// memory stays a few hundred MB at any size, for about 10% more time. polars
/// reads the setting once, from the environment, so the binary sets it first
/// thing, before any thread exists; a value the user set is left alone. (The
/// library changes no process-wide state: a program that calls it decides.)
fn read_local_files_in_chunks() {
    const VAR: &str = "POLARS_FORCE_ASYNC";
    if std::env::var_os(VAR).is_none() {
        std::env::set_var(VAR, "1");
    }
}

/// Exit codes a script can rely on, decided here and nowhere else: 0 when
/// the run succeeded; 1 for bad input or a failed run (a file that cannot be
/// read, a row that breaks the contract, an output that cannot be written);
/// 2 for bad usage: arguments clap refuses (it exits with 2 itself) and values
/// the library refuses as arguments (an unknown area, a period that ends
/// before it starts, an honored share outside 0 to 1).
fn exit_code(e: &detainers::Error) -> ExitCode {
    match e {
        detainers::Error::Argument(_) => ExitCode::from(2),
        _ => ExitCode::from(1),
    }
}

fn main() -> ExitCode {
    read_local_files_in_chunks();
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            exit_code(&e)
        }
    }
}
