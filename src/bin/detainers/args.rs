//! The command line's arguments: one struct per subcommand, parsed by clap.
//! Values are checked here only for their form; the library checks what they
//! mean (an area that exists, a period that runs forwards).

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use detainers::records::RequestChoice;
use detainers::records::{ColumnNames, FOLLOW_UP_DAYS, MIN_RESOLVED};
use detainers::{By, Duplicates, FileFormat, ScanEngine};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "detainers",
    version,
    about = "Reproduce and check an analysis of ICE detainers"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Analyse a dataset folder and write results.json, report.html, figures and tables.
    Report(ReportArgs),
    /// Run record-level ICE detainer files (Deportation Data Project schema)
    /// through the analysis; writes results.json, report.html, figures and tables.
    Records(Box<RecordsArgs>),
    /// Write a synthetic detainer file in the release's 64-column schema.
    Generate(GenerateArgs),
}

/// `detainers report`.
#[derive(Args)]
pub struct ReportArgs {
    /// Dataset folder (datapackage.json, status.csv, dispositions.csv, ...).
    #[arg(long, default_value_os_t = default_dataset())]
    pub data: PathBuf,
    /// Output folder [default: out/<dataset folder name>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Share of detainers assumed honored, 0 to 1 [default: the dataset's assumption].
    #[arg(long)]
    pub honored_share: Option<f64>,
}

impl Default for ReportArgs {
    /// What `detainers` with no subcommand runs: the bundled dataset.
    fn default() -> Self {
        ReportArgs {
            data: default_dataset(),
            out: None,
            honored_share: None,
        }
    }
}

/// The bundled dataset, the default of `report --data`.
pub fn default_dataset() -> PathBuf {
    detainers::dataset_dir("boston-2018")
}

/// `detainers records`.
#[derive(Args)]
pub struct RecordsArgs {
    /// Detainer files (for example one per fiscal year), read as one: CSV,
    /// Parquet, Arrow IPC (Feather v2) or xlsx, told apart by their first bytes.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Area of responsibility: code (BOS), city (Boston) or label.
    #[arg(long)]
    pub aor: Option<String>,
    /// Facility state as in the data (MASSACHUSETTS; case does not matter).
    #[arg(long)]
    pub state: Option<String>,
    /// Facility city as in the data (BOSTON; case and spacing do not matter).
    #[arg(long)]
    pub city: Option<String>,
    /// Facility as in the data (SUFFOLK COUNTY HOUSE OF CORRECTION; case and
    /// spacing do not matter).
    #[arg(long)]
    pub facility: Option<String>,
    /// First day, inclusive (YYYY-MM-DD).
    #[arg(long, value_parser = parse_day)]
    pub from: Option<NaiveDate>,
    /// Last day, inclusive (YYYY-MM-DD).
    #[arg(long, value_parser = parse_day)]
    pub to: Option<NaiveDate>,
    /// Repeated records: `exclude` rows flagged duplicate_likely (the
    /// default), use the first flagged row of each person and prepare date
    /// (`keep-first`), `include` them all, use the first row of each
    /// episode by the Deportation Data Project's August 2026 rule
    /// (`episode`: a person's rows at most a day apart, one detainer type
    /// and facility), or the file's own answer (`file`:
    /// duplicate_drop_row, or the first row of each duplicate_episode_id).
    /// The rows each policy would use are reported whichever is chosen.
    #[arg(long, default_value = "exclude", value_parser = parse_duplicates)]
    pub duplicates: Duplicates,
    /// Which requests to read: `hold` requests (I-247A, I-247D, the older
    /// I-247), requests for `notification` of release (I-247N, I-247G), or
    /// `all`. `auto` reads hold requests when every file has request_type or
    /// detainer_type, else all. Every type's outcomes are reported side by
    /// side whichever is chosen.
    #[arg(long, default_value = "auto", value_parser = parse_request_type)]
    pub request_type: RequestChoice,
    /// The same as `--duplicates include` (kept for earlier scripts).
    #[arg(long, conflicts_with = "duplicates", hide = true)]
    pub include_duplicates: bool,
    /// The data's cut date for the follow-up denominator (YYYY-MM-DD)
    /// [default: the latest prepare date read].
    #[arg(long, value_parser = parse_day)]
    pub as_of: Option<NaiveDate>,
    /// Days of follow-up before the cut date a detainer needs to count in the
    /// follow-up denominator.
    #[arg(long, default_value_t = FOLLOW_UP_DAYS)]
    pub follow_up_days: u32,
    /// Every area side by side in `by_area`: areas of responsibility
    /// (`aor`), states, cities or facilities. `aor` and `state` set the area
    /// and state filters aside; `city` and `facility` list those of the
    /// selection.
    #[arg(long, value_parser = parse_by)]
    pub by: Option<By>,
    /// The `by_area` chart shows areas with at least this many detainers
    /// resolved as declined or custody.
    #[arg(long, default_value_t = MIN_RESOLVED, requires = "by")]
    pub min_n: u64,
    /// The article's dataset folder whose custody estimate the measured
    /// honored share is put into [default: the bundled data/boston-2018].
    #[arg(long)]
    pub article: Option<PathBuf>,
    /// Output folder [default: out/records].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Request-type crosswalk [default: the bundled
    /// data/crosswalk/request_types.csv].
    #[arg(long)]
    pub request_types: Option<PathBuf>,
    /// Status crosswalk [default: the bundled data/crosswalk/status_groups.csv].
    #[arg(long)]
    pub crosswalk: Option<PathBuf>,
    /// '|'-delimited population table (aor, noncitizen_pop, year) [default: data/context/aor_population.csv].
    #[arg(long)]
    pub population: Option<PathBuf>,
    /// Policy events, in the format of data/context/events.csv (date, aor,
    /// state, place, label, event, source; optional city, facility)
    /// [default: the bundled data/context/events.csv].
    #[arg(long)]
    pub events: Option<PathBuf>,
    /// The file's columns for columns the analysis reads, replacing those of
    /// the layout found from the header: canonical=source pairs separated by
    /// commas, a source being one column or several joined by '|', e.g.
    /// --columns detainer_prepare_date=Fecha,facility_aor=Area.
    #[arg(long, value_parser = parse_columns)]
    pub columns: Option<ColumnNames>,
    /// No progress bar even on a terminal.
    #[arg(long)]
    pub quiet: bool,
    /// How to read CSV files: `blocks` (worker threads, the default) or
    /// `polars` (polars' streaming CSV reader, the reference engine).
    /// Both give the same results. Parquet, IPC and xlsx files are read by
    /// polars under either.
    #[arg(long, default_value = "blocks", value_parser = parse_engine)]
    pub engine: ScanEngine,
}

/// `detainers generate`.
#[derive(Args)]
pub struct GenerateArgs {
    /// File to write.
    #[arg(long)]
    pub out: PathBuf,
    /// Number of data rows.
    #[arg(long, conflicts_with = "size")]
    pub rows: Option<u64>,
    /// Target size, e.g. 1G or 250M (rows are added until it is reached).
    #[arg(long)]
    pub size: Option<String>,
    /// Seed: the same seed and size give the same file.
    #[arg(long, default_value_t = 2018)]
    pub seed: u64,
    /// Format: csv, parquet, ipc (Feather v2) or xlsx (ICE's release layout:
    /// six preamble rows, a title-case header, Excel dates). `--size` is the
    /// CSV's size; every format holds the same rows.
    #[arg(long, default_value = "csv", value_parser = parse_format)]
    pub format: FileFormat,
    /// A published layout to write the rows in (a name from
    /// data/crosswalk/layouts.csv, e.g. npr-processed or ddp-2026-08)
    /// [default: the Deportation Data Project's 2025 export, all 64 columns].
    #[arg(long)]
    pub layout: Option<String>,
}

fn parse_columns(text: &str) -> Result<ColumnNames, String> {
    text.parse().map_err(|e: detainers::Error| e.to_string())
}

fn parse_format(text: &str) -> Result<FileFormat, String> {
    text.parse().map_err(|e: detainers::Error| e.to_string())
}

fn parse_by(text: &str) -> Result<By, String> {
    text.parse().map_err(|e: detainers::Error| e.to_string())
}

fn parse_duplicates(text: &str) -> Result<Duplicates, String> {
    text.parse().map_err(|e: detainers::Error| e.to_string())
}

fn parse_request_type(text: &str) -> Result<RequestChoice, String> {
    text.parse().map_err(|e: detainers::Error| e.to_string())
}

fn parse_engine(text: &str) -> Result<ScanEngine, String> {
    text.parse().map_err(|e: detainers::Error| e.to_string())
}

fn parse_day(text: &str) -> Result<NaiveDate, String> {
    detainers::records::parse_day(text).map_err(|e| e.to_string())
}
