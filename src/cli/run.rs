//! `voltmetrics run`: parse the flags into a [`run::Config`](crate::run::Config), run it, report
//! on stderr, map the gates to the exit code.

use super::engine::EngineArgs;
use super::UsageError;
use crate::exit_codes::Exit;
use crate::io::write::Format;
use crate::logging::LogFormat;
use crate::run::{self, Gate, Output, Postgres, Redis, Report};
use anyhow::Result;
use clap::builder::PossibleValuesParser;
use clap::{Args, ValueEnum};
use std::io::IsTerminal;

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

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorMode {
    /// When stdout is a terminal, NO_COLOR is unset or empty and TERM is not dumb.
    Auto,
    /// Always (even into a file or a pipe, and with NO_COLOR set).
    Always,
    /// Never.
    Never,
}

/// The columns of the table's compact view (`--wide` shows all).
const COMPACT: &str = "facility_id,equipment_id,status,method,incident_energy_cal_cm2,arc_flash_boundary_mm,ppe_category,danger,compliance_status,findings";

/// Whether the results table is coloured.
fn colour(args: &RunArgs, output: &Output, format: Format) -> bool {
    let env_allows = || {
        std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
    };
    format == Format::Table
        && match args.color {
            ColorMode::Always => true,
            ColorMode::Never => false,
            ColorMode::Auto => {
                matches!(output, Output::Stdout) && std::io::stdout().is_terminal() && env_allows()
            }
        }
}

/// `--select`, or the compact view for a table without `--wide`.
fn selection(args: &RunArgs, format: Format) -> Option<crate::io::select::Selection> {
    match (&args.select, format) {
        (Some(s), _) => Some(s.clone()),
        (None, Format::Table) if !args.wide => crate::io::select::Selection::parse(COMPACT).ok(),
        (None, _) => None,
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

/// Arguments of `run`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  voltmetrics run fixtures/inventory.csv -o results.parquet --summary summary.csv --portfolio\n  voltmetrics run site-*.csv --as-of 2026-01-01 --fail-on invalid --fail-on danger > results.csv\n  voltmetrics run legacy.csv --method ieee1584-2002@1 -o compare.csv\n  cat inventory.csv | voltmetrics run - | head"
)]
pub(crate) struct RunArgs {
    /// Inventory files: CSV (.csv, .csv.gz), Parquet (.parquet, .pq), workbooks (.xlsx, .xls,
    /// .ods; --sheet), or - for CSV on stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub(crate) inputs: Vec<String>,
    /// Results file, or - for stdout [default: stdout; CSV, or a table on a terminal].
    #[arg(short = 'o', long, value_name = "PATH")]
    pub(crate) output: Option<String>,
    /// Results format [default: from the -o extension].
    #[arg(long, value_name = "F", value_parser = PossibleValuesParser::new(Format::NAMES))]
    pub(crate) format: Option<String>,
    /// Write only these result columns, in this order: names, 1-based numbers, ranges (A-B,
    /// -B, A-) and !exclusions, comma-separated (as xsv select), e.g.
    /// equipment_id,status,incident_energy_cal_cm2 or !errors,!input_hash. Every format;
    /// the summary and the databases keep every column.
    #[arg(long, value_name = "COLS", value_parser = crate::io::select::Selection::parse)]
    pub(crate) select: Option<crate::io::select::Selection>,
    /// The table shows every column (by default it shows the compact view: ids, status,
    /// method, incident energy, boundary, PPE category, danger, compliance, findings).
    #[arg(long)]
    pub(crate) wide: bool,
    /// Round numbers to N decimals in CSV and the table (CSV keeps every digit without it).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=17))]
    pub(crate) precision: Option<u8>,
    /// Colour danger, failing and invalid cells of the table: auto (a terminal, NO_COLOR
    /// unset, TERM not dumb), always or never.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorMode::Auto)]
    pub(crate) color: ColorMode,
    /// Also write the facility summary here (format from the extension).
    #[arg(long, value_name = "PATH")]
    pub(crate) summary: Option<String>,
    /// Add a facility_id = "*" portfolio row to the summary.
    #[arg(long)]
    pub(crate) portfolio: bool,
    /// Options that change results (shared with `labels` and `report`).
    #[command(flatten)]
    pub(crate) engine: EngineArgs,
    /// Exit 3 (invalid) or 4 (noncompliant, danger) when the gate trips; repeatable.
    #[arg(long = "fail-on", value_enum, value_name = "GATE")]
    pub(crate) fail_on: Vec<FailOn>,
    /// Progress bar on stderr (auto: on a terminal, with text logs).
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    pub(crate) progress: ProgressMode,
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
    /// Compute only the facilities of shard I of N (0 <= I < N): FNV-1a 64 of facility_id
    /// mod N. The union of the N shard runs is the whole run.
    #[arg(long, value_name = "I/N", value_parser = crate::core::shard::Shard::parse)]
    pub(crate) shard: Option<crate::core::shard::Shard>,
    /// Sample each computed row's uncertain inputs (fault current, clearing time, working
    /// distance, gap; tolerances from the *_tolerance_pct columns) and add the incident
    /// energy's P50/P95/P99 and the probabilities of exceeding the label, the PPE category and
    /// the danger threshold (model mc@1).
    #[arg(long)]
    pub(crate) uncertainty: bool,
    /// Samples per row with --uncertainty.
    #[arg(long, value_name = "N", requires = "uncertainty", default_value_t = crate::core::uncertainty::DEFAULT_SAMPLES, value_parser = clap::builder::TypedValueParser::map(clap::value_parser!(u32).range(1..=1_000_000), |v| v as usize))]
    pub(crate) samples: usize,
    /// Seed of --uncertainty: each row's samples come from it and the row's ids, so the same
    /// seed gives the same results for any --jobs or --shard.
    #[arg(long, value_name = "S", requires = "uncertainty", default_value_t = 0)]
    pub(crate) seed: u64,
    /// Write the run's metrics here in Prometheus' text format (for node_exporter's textfile
    /// collector): rows by status, facilities, findings by rule, danger rows, stage and run
    /// durations, exit code, last success. Written whole and renamed; also on failure.
    #[arg(long, value_name = "PATH")]
    pub(crate) metrics_file: Option<String>,
    /// Rows read, computed and written at a time (memory is bounded by a few chunks). A
    /// testing knob: the results do not depend on it.
    #[arg(long, value_name = "ROWS", default_value_t = crate::io::inputs::CHUNK_ROWS, value_parser = clap::builder::TypedValueParser::map(clap::value_parser!(u32).range(1..), |v| v as usize), hide = true)]
    pub(crate) chunk_rows: usize,
    /// Redis URL: warm the latest results, facility summaries and run status.
    #[arg(
        long,
        value_name = "URL",
        env = "VOLTMETRICS_REDIS_URL",
        hide_env_values = true
    )]
    pub(crate) redis: Option<String>,
    /// Prefix of every Redis key (and of the `runs` channel).
    #[arg(long = "redis-prefix", value_name = "P", default_value = crate::cache::DEFAULT_PREFIX, env = "VOLTMETRICS_REDIS_PREFIX")]
    pub(crate) redis_prefix: String,
    /// Expire the Redis keys after this many seconds [default: never].
    #[arg(
        long = "redis-ttl",
        value_name = "SECONDS",
        env = "VOLTMETRICS_REDIS_TTL"
    )]
    pub(crate) redis_ttl: Option<u64>,
    /// Delete the Redis keys of facilities that are not in this run [default: keep them, for
    /// runs over one site at a time].
    #[arg(long = "redis-prune")]
    pub(crate) redis_prune: bool,
    /// Only warnings and errors on stderr (no summary line).
    #[arg(short, long)]
    pub(crate) quiet: bool,
    /// More detail on stderr: -v the stages, their times and counts (debug), -vv trace. -q and
    /// -v win over RUST_LOG.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
    /// The config file.
    #[command(flatten)]
    pub(crate) config: super::config::ConfigFile,
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
pub(crate) fn configure(args: &RunArgs, log: LogFormat) -> Result<run::Config> {
    if let Some(shard) = args.shard {
        if args.portfolio {
            return Err(usage(format!("--portfolio with --shard {shard}: a shard holds only its facilities; compute the portfolio from the stored runs (voltmetrics history, or SQL over voltmetrics_facility_summaries) or from the shards' summary files")));
        }
        if args.redis_prune {
            return Err(usage(format!("--redis-prune with --shard {shard}: pruning would delete the other shards' facilities")));
        }
    }
    let output = match args.output.as_deref() {
        None | Some("-") => Output::Stdout,
        Some(p) => Output::File(p.to_string()),
    };
    let format = output_format(args, &output)?;
    let style = crate::io::write::Style {
        precision: args.precision.map(usize::from),
        color: colour(args, &output, format),
        compact: format == Format::Table && args.select.is_none() && !args.wide,
    };
    let as_of = args.engine.as_of();
    Ok(run::Config {
        inputs: args.inputs.clone(),
        output,
        format,
        summary: summary_target(args)?,
        portfolio: args.portfolio,
        as_of,
        jobs: args.engine.jobs(),
        // The device library is read and validated before any row.
        rows: crate::pipeline::rows::RowOptions {
            uncertainty: args
                .uncertainty
                .then_some(crate::core::uncertainty::Settings {
                    samples: args.samples,
                    seed: args.seed,
                }),
            ..args.engine.row_options(as_of)?
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
            // A bar between JSON lines would break them: JSON logs draw it only when asked.
            ProgressMode::Auto => {
                !args.quiet && log == LogFormat::Text && std::io::stderr().is_terminal()
            }
        },
        shard: args.shard,
        chunk_rows: args.chunk_rows,
        select: selection(args, format),
        style,
        open: args.engine.open_options()?,
    })
}

/// The line on stderr at the end of a run.
fn summary_line(r: &Report) -> String {
    let c = &r.counts;
    format!(
        "{} rows, {} invalid, {} not applicable, {} facilities, {:.2} s, {:.0} rows/s",
        c.rows,
        c.invalid,
        c.not_applicable,
        r.facilities,
        r.seconds,
        c.rows as f64 / r.seconds.max(1e-9)
    )
}

/// `voltmetrics run`.
pub(crate) fn run(args: &RunArgs, log: LogFormat) -> Result<Exit> {
    let started = std::time::Instant::now();
    let result = configure(args, log).and_then(|cfg| run::run(&cfg));
    let gates: Vec<Gate> = args.fail_on.iter().map(|&f| f.into()).collect();
    if let Some(path) = &args.metrics_file {
        let exit = match &result {
            Ok(report) => report.gate(&gates),
            Err(e) if e.downcast_ref::<UsageError>().is_some() => Exit::Usage,
            Err(_) => Exit::RunError,
        };
        let written = write_metrics(path, result.as_ref().ok(), exit, started.elapsed());
        match (&result, written) {
            (Ok(_), Err(e)) => return Err(e),
            (Err(_), Err(e)) => tracing::warn!("{e:#}"),
            _ => {}
        }
    }
    let report = result?;
    // -q sets the level to warnings.
    let c = &report.counts;
    tracing::info!(
        stage = "done",
        rows = c.rows,
        invalid = c.invalid,
        not_applicable = c.not_applicable,
        facilities = report.facilities,
        seconds = report.seconds,
        "{}",
        summary_line(&report)
    );
    Ok(report.gate(&gates))
}

/// `--metrics-file`: the run's metrics, keeping the previous file's last success.
fn write_metrics(
    path: &str,
    report: Option<&run::Report>,
    exit: Exit,
    elapsed: std::time::Duration,
) -> Result<()> {
    use crate::run::metrics;
    let previous = std::fs::read_to_string(path)
        .ok()
        .and_then(|t| metrics::previous_success(&t));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64().floor());
    let text = metrics::render(
        report,
        i32::from(exit.code()),
        elapsed.as_secs_f64(),
        now,
        previous,
    );
    crate::io::write::write_file_renamed(std::path::Path::new(path), text.as_bytes())
        .map_err(|e| anyhow::anyhow!("--metrics-file {path}: {e:#}"))
}
