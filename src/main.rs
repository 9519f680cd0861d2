//! Command line: `detainers` (no arguments) analyses the bundled Boston 2018
//! dataset; `detainers report --data DIR --out DIR [--honored-share P]` does the
//! same for any dataset folder; `detainers records FILE...` runs record-level
//! ICE detainer files through the same analysis; `detainers generate` writes a
//! synthetic detainer file of any size.

use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use detainers::crosswalk::{resolve_aor, StatusCrosswalk};
use detainers::generate::{generate_file, parse_bytes, Size};
use detainers::population::PopulationTable;
use detainers::records::{Filters, ScanEngine};
use detainers::records_report::{run_records_with, write_records_report};
use detainers::{analyse, check_claims, load_dataset, paths, write_report};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "detainers",
    version,
    about = "Reproduce and check an analysis of ICE detainers"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse a dataset folder and write results.json, report.html, figures and tables.
    Report {
        /// Dataset folder (datapackage.json, status.csv, dispositions.csv, ...).
        #[arg(long, default_value_os_t = paths::dataset_dir("boston-2018"))]
        data: PathBuf,
        /// Output folder [default: out/<dataset folder name>].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Share of detainers assumed honored, 0 to 1 [default: the dataset's assumption].
        #[arg(long)]
        honored_share: Option<f64>,
    },
    /// Run record-level ICE detainer files (Deportation Data Project schema)
    /// through the analysis; writes results.json, report.html, figures and tables.
    Records {
        /// Detainer CSV files (for example one per fiscal year), read as one.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Area of responsibility: code (BOS), city (Boston) or label.
        #[arg(long)]
        aor: Option<String>,
        /// Facility state as in the data (MASSACHUSETTS; case does not matter).
        #[arg(long)]
        state: Option<String>,
        /// First day, inclusive (YYYY-MM-DD).
        #[arg(long, value_parser = parse_day)]
        from: Option<NaiveDate>,
        /// Last day, inclusive (YYYY-MM-DD).
        #[arg(long, value_parser = parse_day)]
        to: Option<NaiveDate>,
        /// Use rows flagged duplicate_likely (excluded by default; counted either way).
        #[arg(long)]
        include_duplicates: bool,
        /// Output folder [default: out/records].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Status crosswalk [default: the bundled data/crosswalk/status_groups.csv].
        #[arg(long)]
        crosswalk: Option<PathBuf>,
        /// '|'-delimited population table (aor, noncitizen_pop, year) [default: data/context/aor_population.csv].
        #[arg(long)]
        population: Option<PathBuf>,
        /// No progress bar even on a terminal.
        #[arg(long)]
        quiet: bool,
        /// How to read the files: `blocks` (worker threads, the default) or
        /// `polars` (polars' streaming CSV reader, the reference engine).
        /// Both give the same results.
        #[arg(long, default_value = "blocks", value_parser = parse_engine)]
        engine: ScanEngine,
    },
    /// Write a synthetic detainer file in the release's 64-column schema.
    Generate {
        /// File to write.
        #[arg(long)]
        out: PathBuf,
        /// Number of data rows.
        #[arg(long, conflicts_with = "size")]
        rows: Option<u64>,
        /// Target size, e.g. 1G or 250M (rows are added until it is reached).
        #[arg(long)]
        size: Option<String>,
        /// Seed: the same seed and size give the same file.
        #[arg(long, default_value_t = 2018)]
        seed: u64,
    },
}

fn parse_engine(text: &str) -> Result<ScanEngine, String> {
    text.parse().map_err(|e: detainers::Error| e.to_string())
}

fn parse_day(text: &str) -> Result<NaiveDate, String> {
    detainers::records::parse_day(text).map_err(|e| e.to_string())
}

#[allow(clippy::too_many_arguments)]
fn records(
    files: Vec<PathBuf>,
    aor: Option<String>,
    state: Option<String>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    include_duplicates: bool,
    out: Option<PathBuf>,
    crosswalk: Option<PathBuf>,
    population: Option<PathBuf>,
    quiet: bool,
    engine: ScanEngine,
) -> detainers::Result<()> {
    if let (Some(a), Some(b)) = (from, to) {
        if a > b {
            return Err(detainers::Error::Argument(format!(
                "--from {a} is after --to {b}"
            )));
        }
    }
    let filters = Filters {
        aor: aor.as_deref().map(resolve_aor).transpose()?.map(Into::into),
        state,
        from,
        to,
        include_duplicates,
    };
    let crosswalk = match crosswalk {
        Some(p) => StatusCrosswalk::from_file(&p)?,
        None => StatusCrosswalk::bundled(),
    };
    let population = match population {
        Some(p) => PopulationTable::from_file(&p)?,
        None => PopulationTable::bundled(),
    };
    let progress = !quiet && std::io::stderr().is_terminal();
    let results = run_records_with(engine, &files, &filters, &crosswalk, &population, progress)?;
    let out = out.unwrap_or_else(|| paths::output_dir("records"));
    let written = write_records_report(&results, &out)?;
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

fn run(cli: Cli) -> detainers::Result<()> {
    let (data, out, honored_share) = match cli.command {
        Some(Command::Report {
            data,
            out,
            honored_share,
        }) => (data, out, honored_share),
        Some(Command::Records {
            files,
            aor,
            state,
            from,
            to,
            include_duplicates,
            out,
            crosswalk,
            population,
            quiet,
            engine,
        }) => {
            return records(
                files,
                aor,
                state,
                from,
                to,
                include_duplicates,
                out,
                crosswalk,
                population,
                quiet,
                engine,
            )
        }
        Some(Command::Generate {
            out,
            rows,
            size,
            seed,
        }) => {
            let size = match (rows, size) {
                (Some(n), _) => Size::Rows(n),
                (None, Some(s)) => Size::Bytes(parse_bytes(&s)?),
                (None, None) => Size::Rows(10_000),
            };
            let (rows, bytes) = generate_file(&out, size, seed)?;
            eprintln!(
                "wrote {rows} rows ({bytes} bytes, seed {seed}) to {}",
                out.display()
            );
            return Ok(());
        }
        None => (paths::dataset_dir("boston-2018"), None, None),
    };
    let dataset = load_dataset(&data)?;
    let out = out.unwrap_or_else(|| paths::output_dir(&dataset.folder_name()));
    let p = honored_share.unwrap_or(dataset.meta.assumptions.honored_share.value);
    let analysis = analyse(&dataset, p)?;
    let claims = check_claims(&dataset, &analysis)?;
    let written = write_report(&dataset, &analysis, &claims, &out)?;
    eprintln!(
        "read {}: {} groups, {} hits, {} detainers; {} claims checked",
        data.display(),
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

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
