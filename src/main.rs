//! Command line: `detainers` (no arguments) analyses the bundled Boston 2018
//! dataset; `detainers report --data DIR --out DIR [--honored-share P]` does the
//! same for any dataset folder.

use clap::{Parser, Subcommand};
use detainers::{analyse, check_claims, load_dataset, paths, write_report};
use std::path::PathBuf;
use std::process::ExitCode;

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
}

fn run(cli: Cli) -> detainers::Result<()> {
    let (data, out, honored_share) = match cli.command {
        Some(Command::Report {
            data,
            out,
            honored_share,
        }) => (data, out, honored_share),
        None => (paths::dataset_dir("boston-2018"), None, None),
    };
    let dataset = load_dataset(&data)?;
    let out = out.unwrap_or_else(|| {
        let name = data
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| "report".into());
        paths::output_dir(&name)
    });
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
