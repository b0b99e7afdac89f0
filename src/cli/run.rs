//! `voltmetrics run`: parse the flags into a [`run::Config`](crate::run::Config), run it, report
//! on stderr, map the gates to the exit code.

use super::UsageError;
use crate::core::algorithms::{Choice, MethodId};
use crate::core::compliance::MaintenanceIntervals;
use crate::core::nfpa70e::DEFAULT_DANGER_THRESHOLD_CAL_CM2;
use crate::exit_codes::Exit;
use crate::io::devices::read_library;
use crate::io::write::Format;
use crate::pipeline::rows::RowOptions;
use crate::run::{self, Gate, Output, Postgres, Redis, Report};
use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};
use clap::builder::PossibleValuesParser;
use clap::{Args, ValueEnum};
use std::io::IsTerminal;
use std::num::NonZeroUsize;

/// `--fail-on` gates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    /// Exit 3 when any row is invalid.
    Invalid,
    /// Exit 4 when any row's compliance status is `fail`.
    Noncompliant,
    /// Exit 4 when any row is above the danger threshold.
    Danger,
}

impl From<FailOn> for Gate {
    fn from(f: FailOn) -> Gate {
        match f {
            FailOn::Invalid => Gate::Invalid,
            FailOn::Noncompliant => Gate::Noncompliant,
            FailOn::Danger => Gate::Danger,
        }
    }
}

/// `--progress`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ProgressMode {
    /// A progress bar when stderr is a terminal.
    Auto,
    /// Always draw it (on stderr).
    Always,
    /// Never.
    Never,
}

/// `--max-arc-duration`: the cap of device-derived clearing times, ms (`None`: no cap).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct MaxArcDuration(pub(crate) Option<f64>);

/// Parses `--max-arc-duration`: a positive number of ms, or `none`.
pub(crate) fn max_arc_duration_flag(s: &str) -> Result<MaxArcDuration, String> {
    if s.trim().eq_ignore_ascii_case("none") {
        return Ok(MaxArcDuration(None));
    }
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(MaxArcDuration(Some(v))),
        _ => Err(format!(
            "--max-arc-duration {s}: expected a positive number of ms, or none"
        )),
    }
}

/// Arguments of `run`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  voltmetrics run fixtures/inventory.csv -o results.parquet --summary summary.csv --portfolio\n  voltmetrics run site-*.csv --as-of 2026-01-01 --fail-on invalid --fail-on danger > results.csv\n  voltmetrics run legacy.csv --method ieee1584-2002@1 -o compare.csv\n  cat inventory.csv | voltmetrics run - | head"
)]
pub(crate) struct RunArgs {
    /// Inventory files: CSV (.csv, .csv.gz), Parquet (.parquet, .pq), or - for CSV on stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub(crate) inputs: Vec<String>,
    /// Results file, or - for stdout [default: stdout; CSV, or a table on a terminal].
    #[arg(short = 'o', long, value_name = "PATH")]
    pub(crate) output: Option<String>,
    /// Results format [default: from the -o extension].
    #[arg(long, value_name = "F", value_parser = PossibleValuesParser::new(Format::NAMES))]
    pub(crate) format: Option<String>,
    /// Also write the facility summary here (format from the extension).
    #[arg(long, value_name = "PATH")]
    pub(crate) summary: Option<String>,
    /// Add a facility_id = "*" portfolio row to the summary.
    #[arg(long)]
    pub(crate) portfolio: bool,
    /// Evaluate compliance as of this date (YYYY-MM-DD, 00:00 UTC) or RFC 3339 time [default: now, UTC].
    #[arg(long = "as-of", value_name = "DATE", value_parser = as_of_flag)]
    pub(crate) as_of: Option<DateTime<Utc>>,
    /// Worker threads [default: all cores]. Results are identical for any value.
    #[arg(short = 'j', long, value_name = "N", value_parser = jobs_flag)]
    pub(crate) jobs: Option<NonZeroUsize>,
    /// Calculation method: auto (DC: dc-max-power@1, AC above 15 kV: lee@1, other AC:
    /// ieee1584-2018@1) or a method id; a row's own `method` column wins.
    #[arg(long, value_name = "ID", default_value = "auto", value_parser = method_flag)]
    pub(crate) method: Choice,
    /// Protective-device library (TOML; `voltmetrics schema devices`): rows without
    /// arc_duration_ms take both clearing times from their protective_device_id.
    #[arg(long, value_name = "FILE")]
    pub(crate) devices: Option<String>,
    /// Cap of device-derived clearing times in ms (ARC_DURATION_CAPPED), or none; a device
    /// that does not trip gets the cap (DEVICE_NO_TRIP), or without one the row is not
    /// applicable.
    #[arg(long = "max-arc-duration", value_name = "MS", default_value = "2000", value_parser = max_arc_duration_flag)]
    pub(crate) max_arc_duration: MaxArcDuration,
    /// Exit 3 (invalid) or 4 (noncompliant, danger) when the gate trips; repeatable.
    #[arg(long = "fail-on", value_enum, value_name = "GATE")]
    pub(crate) fail_on: Vec<FailOn>,
    /// Progress bar on stderr.
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    pub(crate) progress: ProgressMode,
    /// Incident energy above which `danger` is set, cal/cm² (owner policy).
    #[arg(long = "danger-threshold", value_name = "CAL_CM2", default_value_t = DEFAULT_DANGER_THRESHOLD_CAL_CM2, value_parser = threshold_flag)]
    pub(crate) danger_threshold: f64,
    /// Maintenance intervals in months for NFPA 70B condition 1, 2, 3.
    #[arg(
        long = "maintenance-intervals",
        value_name = "M1,M2,M3",
        default_value = "60,36,12",
        value_parser = intervals_flag
    )]
    pub(crate) maintenance_intervals: MaintenanceIntervals,
    /// PostgreSQL URL: upsert results, summaries and the run record (history).
    #[arg(
        long,
        value_name = "URL",
        env = "VOLTMETRICS_POSTGRES_URL",
        hide_env_values = true
    )]
    pub(crate) postgres: Option<String>,
    /// Apply pending database migrations before writing (otherwise a schema behind the binary is an error).
    #[arg(long)]
    pub(crate) migrate: bool,
    /// Redis URL: warm the latest results, facility summaries and run status.
    #[arg(
        long,
        value_name = "URL",
        env = "VOLTMETRICS_REDIS_URL",
        hide_env_values = true
    )]
    pub(crate) redis: Option<String>,
    /// Prefix of every Redis key (and of the `runs` channel).
    #[arg(long = "redis-prefix", value_name = "P", default_value = crate::cache::DEFAULT_PREFIX)]
    pub(crate) redis_prefix: String,
    /// Expire the Redis keys after this many seconds [default: never].
    #[arg(long = "redis-ttl", value_name = "SECONDS")]
    pub(crate) redis_ttl: Option<u64>,
    /// Delete the Redis keys of facilities that are not in this run [default: keep them, for
    /// runs over one site at a time].
    #[arg(long = "redis-prune")]
    pub(crate) redis_prune: bool,
    /// No summary line on stderr.
    #[arg(short, long)]
    pub(crate) quiet: bool,
    /// More detail on stderr (repeat for more).
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
}

/// Parses `--as-of` (and `history --since/--until`): a date (00:00 UTC) or an RFC 3339 time.
pub(crate) fn parse_as_of(s: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(d) = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
        return Ok(d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    }
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("'{s}': expected a date YYYY-MM-DD or an RFC 3339 time such as 2026-01-31T12:00:00Z"))
}

fn as_of_flag(s: &str) -> Result<DateTime<Utc>, String> {
    parse_as_of(s).map_err(|e| format!("--as-of {e}"))
}

fn jobs_flag(s: &str) -> Result<NonZeroUsize, String> {
    s.trim()
        .parse::<NonZeroUsize>()
        .map_err(|_| format!("--jobs {s}: expected a whole number of threads, at least 1"))
}

pub(super) fn method_flag(s: &str) -> Result<Choice, String> {
    Choice::parse(s).ok_or_else(|| format!("--method {s}: accepted: auto, {}", MethodId::ids()))
}

fn threshold_flag(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!(
            "--danger-threshold {s}: expected a positive number of cal/cm2"
        )),
    }
}

fn intervals_flag(s: &str) -> Result<MaintenanceIntervals, String> {
    MaintenanceIntervals::parse(s).map_err(|e| format!("--maintenance-intervals {e}"))
}

fn usage(msg: String) -> anyhow::Error {
    UsageError(msg).into()
}

/// The results format: `--format`, else the `-o` extension, else a table on a terminal and
/// CSV otherwise.
fn output_format(args: &RunArgs, output: &Output) -> Result<Format> {
    match (&args.format, output) {
        (Some(f), _) => Format::from_name(f)
            .ok_or_else(|| usage(format!("--format '{f}': accepted: {}", Format::NAMES.join(", ")))),
        (None, Output::File(path)) => Format::from_path(path).ok_or_else(|| {
            usage(format!("-o {path}: cannot tell the format from the extension; use .csv, .parquet, .json, .ndjson or .txt, or give --format"))
        }),
        (None, Output::Stdout) if std::io::stdout().is_terminal() => Ok(Format::Table),
        (None, Output::Stdout) => Ok(Format::Csv),
    }
}

/// The summary file and its format.
fn summary_target(args: &RunArgs) -> Result<Option<(String, Format)>> {
    match &args.summary {
        None => Ok(None),
        Some(p) if p == "-" => Err(usage(
            "--summary -: the summary needs a file path (stdout carries the results)".into(),
        )),
        Some(p) => Ok(Some((
            p.clone(),
            Format::from_path(p).ok_or_else(|| usage(format!("--summary {p}: cannot tell the format from the extension; use .csv, .parquet, .json, .ndjson or .txt")))?,
        ))),
    }
}

/// Turns the flags into a run configuration, or a usage error naming the flag.
pub(crate) fn configure(args: &RunArgs) -> Result<run::Config> {
    // The library is read and validated before any row.
    let devices = args.devices.as_deref().map(read_library).transpose()?;
    let output = match args.output.as_deref() {
        None | Some("-") => Output::Stdout,
        Some(p) => Output::File(p.to_string()),
    };
    let format = output_format(args, &output)?;
    let as_of = args.as_of.unwrap_or_else(Utc::now);
    Ok(run::Config {
        inputs: args.inputs.clone(),
        output,
        format,
        summary: summary_target(args)?,
        portfolio: args.portfolio,
        as_of,
        jobs: args
            .jobs
            .or_else(|| std::thread::available_parallelism().ok())
            .map_or(1, NonZeroUsize::get),
        rows: RowOptions {
            danger_threshold_cal_cm2: args.danger_threshold,
            intervals: args.maintenance_intervals,
            method: args.method,
            devices,
            max_arc_duration_ms: args.max_arc_duration.0,
            ..RowOptions::new(as_of.date_naive())
        },
        postgres: args.postgres.clone().map(|url| Postgres {
            url,
            migrate: args.migrate,
        }),
        redis: args.redis.clone().map(|url| Redis {
            url,
            prefix: args.redis_prefix.clone(),
            ttl: args.redis_ttl,
            prune: args.redis_prune,
        }),
        progress: match args.progress {
            ProgressMode::Always => true,
            ProgressMode::Never => false,
            ProgressMode::Auto => !args.quiet && std::io::stderr().is_terminal(),
        },
        verbose: args.verbose,
    })
}

/// The line on stderr at the end of a run.
fn summary_line(r: &Report) -> String {
    let c = &r.counts;
    format!(
        "voltmetrics: {} rows, {} invalid, {} not applicable, {} facilities, {:.2} s, {:.0} rows/s",
        c.rows,
        c.invalid,
        c.not_applicable,
        r.facilities,
        r.seconds,
        c.rows as f64 / r.seconds.max(1e-9)
    )
}

/// `voltmetrics run`.
pub(crate) fn run(args: &RunArgs) -> Result<Exit> {
    let cfg = configure(args)?;
    let report = run::run(&cfg)?;
    if !args.quiet {
        eprintln!("{}", summary_line(&report));
    }
    let gates: Vec<Gate> = args.fail_on.iter().map(|&f| f.into()).collect();
    Ok(report.gate(&gates))
}
