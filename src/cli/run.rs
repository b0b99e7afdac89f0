//! `voltmetrics run`: the batch job. Read the inventories, check and compute every row in
//! parallel, write the results (and the facility summary), report, and gate.

use super::{is_stdout_closed, write_stdout, UsageError};
use crate::cache::Cache;
use crate::core::aggregation::summarize;
use crate::core::algorithms::ieee1584_2018::METHOD;
use crate::core::compliance::MaintenanceIntervals;
use crate::core::nfpa70e::DEFAULT_DANGER_THRESHOLD_CAL_CM2;
use crate::exit_codes::Exit;
use crate::io::read::{read_inputs, Inventory};
use crate::io::write::{
    write_file_atomic, write_frame, write_parquet_parts, write_to_path, Format, RunMetadata,
};
use crate::pipeline::output::{append_passthrough, append_passthrough_rows};
use crate::pipeline::rows::RowOptions;
use crate::pipeline::{process, process_parts, Counts, PART_ROWS};
use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use clap::builder::PossibleValuesParser;
use clap::{Args, ValueEnum};
use polars::prelude::DataFrame;
use std::io::IsTerminal;
use std::time::Instant;

/// `--fail-on` gates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Exit 3 when any row is invalid.
    Invalid,
    /// Exit 4 when any row's compliance status is `fail`.
    Noncompliant,
    /// Exit 4 when any row is above the danger threshold.
    Danger,
}

/// `--progress`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProgressMode {
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
    after_help = "Examples:\n  voltmetrics run fixtures/inventory.csv -o results.parquet --summary summary.csv --portfolio\n  voltmetrics run site-*.csv --as-of 2026-01-01 --fail-on invalid --fail-on danger > results.csv\n  cat inventory.csv | voltmetrics run - | head"
)]
pub struct RunArgs {
    /// Inventory files: CSV (.csv, .csv.gz), Parquet (.parquet, .pq), or - for CSV on stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// Results file, or - for stdout [default: stdout; CSV, or a table on a terminal].
    #[arg(short = 'o', long, value_name = "PATH")]
    pub output: Option<String>,
    /// Results format [default: from the -o extension].
    #[arg(long, value_name = "F", value_parser = PossibleValuesParser::new(Format::NAMES))]
    pub format: Option<String>,
    /// Also write the facility summary here (format from the extension).
    #[arg(long, value_name = "PATH")]
    pub summary: Option<String>,
    /// Add a facility_id = "*" portfolio row to the summary.
    #[arg(long)]
    pub portfolio: bool,
    /// Evaluate compliance as of this date (YYYY-MM-DD, 00:00 UTC) or RFC 3339 time [default: now, UTC].
    #[arg(long = "as-of", value_name = "DATE")]
    pub as_of: Option<String>,
    /// Worker threads [default: all cores]. Results are identical for any value.
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Protective-device library for rows without arc_duration_ms (not supported yet).
    #[arg(long, value_name = "FILE")]
    pub devices: Option<String>,
    /// Exit 3 (invalid) or 4 (noncompliant, danger) when the gate trips; repeatable.
    #[arg(long = "fail-on", value_enum, value_name = "GATE")]
    pub fail_on: Vec<FailOn>,
    /// Progress bar on stderr.
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    pub progress: ProgressMode,
    /// Incident energy above which `danger` is set, cal/cm² (owner policy).
    #[arg(long = "danger-threshold", value_name = "CAL_CM2", default_value_t = DEFAULT_DANGER_THRESHOLD_CAL_CM2)]
    pub danger_threshold: f64,
    /// Maintenance intervals in months for NFPA 70B condition 1, 2, 3.
    #[arg(
        long = "maintenance-intervals",
        value_name = "M1,M2,M3",
        default_value = "60,36,12"
    )]
    pub maintenance_intervals: String,
    /// PostgreSQL URL: upsert results, summaries and the run record (history).
    #[arg(
        long,
        value_name = "URL",
        env = "VOLTMETRICS_POSTGRES_URL",
        hide_env_values = true
    )]
    pub postgres: Option<String>,
    /// Apply pending database migrations before writing (otherwise a schema behind the binary is an error).
    #[arg(long)]
    pub migrate: bool,
    /// Redis URL: warm the latest results, facility summaries and run status.
    #[arg(
        long,
        value_name = "URL",
        env = "VOLTMETRICS_REDIS_URL",
        hide_env_values = true
    )]
    pub redis: Option<String>,
    /// Prefix of every Redis key (and of the `runs` channel).
    #[arg(long = "redis-prefix", value_name = "P", default_value = crate::cache::DEFAULT_PREFIX)]
    pub redis_prefix: String,
    /// Expire the Redis keys after this many seconds [default: never].
    #[arg(long = "redis-ttl", value_name = "SECONDS")]
    pub redis_ttl: Option<u64>,
    /// Delete the Redis keys of facilities that are not in this run [default: keep them, for
    /// runs over one site at a time].
    #[arg(long = "redis-prune")]
    pub redis_prune: bool,
    /// No summary line on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    /// More detail on stderr (repeat for more).
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// A validated `run` configuration (all usage errors are found before any I/O).
#[derive(Debug)]
pub struct RunConfig {
    /// Where results go: `None` = stdout.
    pub output: Option<String>,
    /// Results format.
    pub format: Format,
    /// Summary path and format.
    pub summary: Option<(String, Format)>,
    /// The as-of time.
    pub as_of: DateTime<Utc>,
    /// Threads.
    pub jobs: usize,
    /// Row options.
    pub rows: RowOptions,
}

/// Parses `--as-of`: a date (00:00 UTC) or an RFC 3339 time.
pub fn parse_as_of(s: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(d) = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
        return Ok(d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    }
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("--as-of '{s}': expected a date YYYY-MM-DD or an RFC 3339 time such as 2026-01-31T12:00:00Z"))
}

fn usage(msg: String) -> anyhow::Error {
    UsageError(msg).into()
}

/// Turns the flags into a configuration, or a usage error naming the flag.
pub fn configure(args: &RunArgs) -> Result<RunConfig> {
    let output = args.output.clone().filter(|o| o != "-");
    let format = match (&args.format, &output) {
        (Some(f), _) => Format::from_name(f).ok_or_else(|| usage(format!("--format '{f}': accepted: {}", Format::NAMES.join(", "))))?,
        (None, Some(path)) => Format::from_path(path).ok_or_else(|| {
            usage(format!("-o {path}: cannot tell the format from the extension; use .csv, .parquet, .json, .ndjson or .txt, or give --format"))
        })?,
        (None, None) => {
            if std::io::stdout().is_terminal() {
                Format::Table
            } else {
                Format::Csv
            }
        }
    };
    let summary = match &args.summary {
        None => None,
        Some(p) if p == "-" => return Err(usage("--summary -: the summary needs a file path (stdout carries the results)".into())),
        Some(p) => Some((
            p.clone(),
            Format::from_path(p).ok_or_else(|| usage(format!("--summary {p}: cannot tell the format from the extension; use .csv, .parquet, .json, .ndjson or .txt")))?,
        )),
    };
    let as_of = match &args.as_of {
        Some(s) => parse_as_of(s).map_err(usage)?,
        None => Utc::now(),
    };
    let jobs = match args.jobs {
        Some(0) => {
            return Err(usage(
                "--jobs 0: expected a whole number of threads, at least 1".into(),
            ))
        }
        Some(n) => n,
        None => std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
    };
    if !args.danger_threshold.is_finite() || args.danger_threshold <= 0.0 {
        return Err(usage(format!(
            "--danger-threshold {}: expected a positive number of cal/cm2",
            args.danger_threshold
        )));
    }
    let intervals = MaintenanceIntervals::parse(&args.maintenance_intervals)
        .map_err(|e| usage(format!("--maintenance-intervals {e}")))?;
    if let Some(d) = &args.devices {
        return Err(usage(format!(
            "--devices {d}: protective-device libraries are not supported yet; give arc_duration_ms (and arc_duration_reduced_ms) per row"
        )));
    }
    Ok(RunConfig {
        output,
        format,
        summary,
        as_of,
        jobs,
        rows: RowOptions {
            as_of: as_of.date_naive(),
            danger_threshold_cal_cm2: args.danger_threshold,
            intervals,
        },
    })
}

/// The run's metadata (Parquet key-value metadata).
pub fn run_metadata(run_id: &str, as_of: &DateTime<Utc>, inv: &Inventory) -> RunMetadata {
    let inputs: Vec<serde_json::Value> = inv
        .sources
        .iter()
        .map(|s| serde_json::json!({"path": s.path, "rows": s.rows, "fnv1a64": s.content_hash}))
        .collect();
    RunMetadata {
        pairs: vec![
            ("voltmetrics.version".into(), crate::VERSION.into()),
            ("voltmetrics.methods".into(), METHOD.into()),
            (
                "voltmetrics.nfpa70e".into(),
                "2021 tables 130.4(E)(a)/(b), 130.7(C)(15)(c)".into(),
            ),
            ("voltmetrics.run_id".into(), run_id.into()),
            (
                "voltmetrics.as_of".into(),
                as_of.to_rfc3339_opts(SecondsFormat::Secs, true),
            ),
            (
                "voltmetrics.inputs".into(),
                serde_json::Value::Array(inputs).to_string(),
            ),
        ],
    }
}

fn progress_bar(mode: ProgressMode, quiet: bool, total: usize) -> Option<indicatif::ProgressBar> {
    let show = match mode {
        ProgressMode::Always => true,
        ProgressMode::Never => false,
        ProgressMode::Auto => !quiet && std::io::stderr().is_terminal(),
    };
    if !show {
        return None;
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(total as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} rows {elapsed}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// The gate result: 3 for invalid rows (checked first), 4 for noncompliant or danger.
pub fn gate(fail_on: &[FailOn], c: &Counts) -> Exit {
    if fail_on.contains(&FailOn::Invalid) && c.invalid > 0 {
        return Exit::Invalid;
    }
    if (fail_on.contains(&FailOn::Noncompliant) && c.noncompliant > 0)
        || (fail_on.contains(&FailOn::Danger) && c.danger > 0)
    {
        return Exit::Gate;
    }
    Exit::Success
}

/// `voltmetrics run`.
pub fn run(args: &RunArgs) -> Result<Exit> {
    let cfg = configure(args)?;
    let run_id = uuid::Uuid::now_v7();
    let mut cache = match &args.redis {
        Some(url) => Some(
            Cache::connect(url, &args.redis_prefix, &run_id.to_string(), args.redis_ttl)
                .context("stage queued")?,
        ),
        None => None,
    };
    if let Some(c) = cache.as_mut() {
        c.status("queued", &[])
            .with_context(|| format!("stage queued: Redis {}", redact_opt(&args.redis)))?;
    }
    // Interrupted (SIGINT, SIGTERM): the readers learn that the run failed.
    let _on_interrupt = args.redis.clone().map(|url| {
        let (prefix, id, ttl) = (
            args.redis_prefix.clone(),
            run_id.to_string(),
            args.redis_ttl,
        );
        crate::interrupt::OnInterrupt::register(move |signal| {
            crate::cache::mark_failed(&url, &prefix, &id, ttl, &format!("interrupted by {signal}"));
        })
    });
    match run_stages(args, &cfg, run_id, &mut cache) {
        Ok(exit) => Ok(exit),
        Err(e) => {
            // Tell the readers, when Redis is reachable; the run's error is what the user sees.
            if let Some(c) = cache.as_mut() {
                let msg = format!("{e:#}");
                let _ = c.status("failed", &[("error", msg.clone())]);
                let _ = c.publish(&serde_json::json!({"run_id": run_id.to_string(), "status": "failed", "error": msg}));
            }
            Err(e)
        }
    }
}

fn redact_opt(url: &Option<String>) -> String {
    url.as_deref().map(crate::db::redact).unwrap_or_default()
}

/// The summary file's frame (with the portfolio row when asked), the facility summary (for
/// PostgreSQL and Redis) and the number of facilities. Summaries are only computed when a
/// summary file or persistence needs them.
#[allow(clippy::type_complexity)]
fn summaries(
    agg: &DataFrame,
    cfg: &RunConfig,
    portfolio: bool,
    persisting: bool,
) -> Result<(Option<DataFrame>, Option<DataFrame>, usize)> {
    let portfolio = portfolio && cfg.summary.is_some();
    let summary = (cfg.summary.is_some() || persisting)
        .then(|| summarize(agg, portfolio))
        .transpose()?;
    // The portfolio row comes last; without it the file's summary is the facility summary.
    let facility_summary = match &summary {
        Some(sm) if portfolio => Some(sm.slice(0, sm.height().saturating_sub(1))),
        other => other.clone(),
    };
    let facilities = match &facility_summary {
        Some(fs) => fs.height(),
        None => agg.column("facility_id")?.n_unique()?,
    };
    Ok((summary, facility_summary, facilities))
}

fn run_stages(
    args: &RunArgs,
    cfg: &RunConfig,
    run_id: uuid::Uuid,
    cache: &mut Option<Cache>,
) -> Result<Exit> {
    let started = Instant::now();
    let started_at = Utc::now();
    let mut stages: Vec<(&str, f64)> = Vec::new();
    let mut lap = Instant::now();
    let mut mark = |name: &'static str, stages: &mut Vec<(&str, f64)>| {
        stages.push((name, lap.elapsed().as_secs_f64()));
        lap = Instant::now();
    };
    let redis_server = format!("Redis {}", redact_opt(&args.redis));
    let set_status =
        |cache: &mut Option<Cache>, status: &str, fields: &[(&str, String)]| -> Result<()> {
            if let Some(c) = cache.as_mut() {
                c.status(status, fields)
                    .with_context(|| format!("stage {status}: {redis_server}"))?;
            }
            Ok(())
        };
    set_status(cache, "reading", &[])?;
    let inv = read_inputs(&args.inputs)?;
    mark("read", &mut stages);
    let n = inv.frame.height();
    if args.verbose > 0 {
        eprintln!(
            "voltmetrics: run {run_id}, {n} rows from {} file(s), as of {}, {} thread(s)",
            inv.sources.len(),
            cfg.as_of.to_rfc3339_opts(SecondsFormat::Secs, true),
            cfg.jobs
        );
    }
    set_status(cache, "calculating", &[("rows", n.to_string())])?;
    let bar = progress_bar(args.progress, args.quiet, n);
    let on_progress = |done: usize| {
        if let Some(b) = &bar {
            b.set_position(done as u64);
        }
    };
    let meta = run_metadata(&run_id.to_string(), &cfg.as_of, &inv);
    let persisting = args.postgres.is_some() || cache.is_some();
    let summaries = |agg: &DataFrame| summaries(agg, cfg, args.portfolio, persisting);
    // A Parquet results file is written part by part while the next part is computed, unless
    // the whole result frame is needed afterwards (PostgreSQL, Redis).
    let streamed = match (&cfg.output, cfg.format) {
        (Some(path), Format::Parquet) if !persisting => Some(path.as_str()),
        _ => None,
    };
    let (results, agg, c, (summary, facility_summary, facilities)) = match streamed {
        Some(path) => {
            let (agg, counts, sums) = std::thread::scope(|s| -> Result<_> {
                let (tx, rx) = std::sync::mpsc::sync_channel::<Option<DataFrame>>(1);
                let done = tx.clone();
                let meta = &meta;
                let writer =
                    s.spawn(move || write_to_path(path, |w| write_parquet_parts(w, meta, rx)));
                let inv = &inv;
                let writer_stopped = std::cell::Cell::new(false);
                let stopped = &writer_stopped;
                let mut sink = move |start: usize, mut df: DataFrame| -> Result<()> {
                    append_passthrough_rows(inv, &mut df, start)?;
                    tx.send(Some(df)).map_err(|_| {
                        stopped.set(true);
                        anyhow::anyhow!("{path}: the results writer stopped")
                    })
                };
                let processed =
                    process_parts(inv, &cfg.rows, cfg.jobs, &on_progress, PART_ROWS, &mut sink);
                drop(sink);
                if processed.is_ok() {
                    // Only a complete run ends the file; otherwise the writer discards it.
                    let _ = done.send(None);
                }
                drop(done);
                // The summary is computed while the writer finishes the last part.
                let sums = processed.as_ref().ok().map(|(agg, _)| summaries(agg));
                let written = writer
                    .join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("the results writer panicked")));
                // Report the cause: the writer's error when it stopped first (the failed send
                // is its consequence), otherwise the processing error (the writer then only
                // saw the run end early).
                let (agg, counts) = match (processed, written) {
                    (Ok(p), Ok(())) => p,
                    (Ok(_), Err(w)) => return Err(w),
                    (Err(_), Err(w)) if writer_stopped.get() => return Err(w),
                    (Err(e), _) => return Err(e),
                };
                let sums = sums.unwrap_or_else(|| Ok((None, None, 0)))?;
                Ok((agg, counts, sums))
            })?;
            mark("check+calculate+write", &mut stages);
            (DataFrame::empty(), agg, counts, sums)
        }
        None => {
            let processed = process(&inv, &cfg.rows, cfg.jobs, &on_progress)?;
            mark("check+calculate", &mut stages);
            let mut results = processed.results;
            append_passthrough(&inv, &mut results)?;
            let agg = processed.aggregation;
            // The facility summary is computed on its own thread while the results are written
            // (the writer leaves a core idle part of the time).
            let (written, sums) = std::thread::scope(|s| {
                let sums = s.spawn(|| summaries(&agg));
                let written = match &cfg.output {
                    Some(path) => write_file_atomic(path, &mut results, cfg.format, &meta),
                    None => write_stdout(|w| write_frame(&mut results, cfg.format, &meta, w)),
                };
                let sums = sums
                    .join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("the summary thread panicked")));
                (written, sums)
            });
            // A closed stdout (`| head`) ends the output quietly; the other stages still run
            // and decide the exit code.
            match written {
                Err(e) if is_stdout_closed(&e) => {}
                other => other?,
            }
            mark("write results", &mut stages);
            (results, agg, processed.counts, sums?)
        }
    };
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if let (Some((path, format)), Some(mut summary)) = (&cfg.summary, summary) {
        write_file_atomic(path, &mut summary, *format, &meta)?;
    }
    mark("summary", &mut stages);
    let counts_fields = || {
        vec![
            ("rows", c.rows.to_string()),
            ("invalid", c.invalid.to_string()),
            ("not_applicable", c.not_applicable.to_string()),
            ("facilities", facilities.to_string()),
        ]
    };
    // Files first, then PostgreSQL, then Redis.
    if args.postgres.is_some() || cache.is_some() {
        set_status(cache, "persisting", &counts_fields())?;
        let facility_summary = match facility_summary {
            Some(fs) => fs,
            None => summarize(&agg, false)?,
        };
        if let Some(url) = &args.postgres {
            let server = format!("PostgreSQL {}", crate::db::redact(url));
            let stage = || format!("stage persisting: {server}");
            let mut client = crate::db::connect(url).with_context(stage)?;
            if args.migrate {
                crate::db::migrations::migrate(&mut client, None, false).with_context(stage)?;
            }
            crate::db::migrations::require_current(&mut client).with_context(stage)?;
            let inputs: Vec<serde_json::Value> = inv
                .sources
                .iter()
                .map(|s| serde_json::json!({"path": s.path, "rows": s.rows, "fnv1a64": s.content_hash}))
                .collect();
            let record = crate::db::store::RunRecord {
                run_id,
                started_at,
                as_of: cfg.as_of,
                inputs: serde_json::Value::Array(inputs),
                results: &results,
                summary: &facility_summary,
                counts: (c.rows as i64, c.invalid as i64, c.not_applicable as i64),
            };
            let written = crate::db::store::persist(&mut client, &record).with_context(stage)?;
            if args.verbose > 0 {
                eprintln!(
                    "voltmetrics: {server}: {} result and {} summary rows inserted or changed",
                    written.results, written.summaries
                );
            }
            mark("postgres", &mut stages);
        }
        if let Some(cch) = cache.as_mut() {
            cch.warm(&results, &facility_summary, args.redis_prune)
                .with_context(|| format!("stage persisting: {redis_server}"))?;
            mark("redis", &mut stages);
        }
    }
    let timings: Vec<(String, String)> = stages
        .iter()
        .map(|(n, t)| (format!("{}_s", n.replace('+', "_")), format!("{t:.3}")))
        .collect();
    let mut done_fields = counts_fields();
    done_fields.extend(timings.iter().map(|(k, v)| (k.as_str(), v.clone())));
    set_status(cache, "done", &done_fields)?;
    if let Some(cch) = cache.as_mut() {
        cch.publish(&serde_json::json!({
            "run_id": run_id.to_string(), "status": "done", "rows": c.rows, "invalid": c.invalid,
            "not_applicable": c.not_applicable, "facilities": facilities,
            "as_of": cfg.as_of.to_rfc3339_opts(SecondsFormat::Secs, true),
        }))
        .with_context(|| format!("stage done: {redis_server}"))?;
    }
    if args.verbose > 0 {
        let parts: Vec<String> = stages
            .iter()
            .map(|(n, t)| format!("{n} {t:.3} s"))
            .collect();
        eprintln!("voltmetrics: stages: {}", parts.join(", "));
    }
    if !args.quiet {
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "voltmetrics: {} rows, {} invalid, {} not applicable, {} facilities, {:.2} s, {:.0} rows/s",
            c.rows,
            c.invalid,
            c.not_applicable,
            facilities,
            secs,
            c.rows as f64 / secs.max(1e-9)
        );
    }
    Ok(gate(&args.fail_on, &c))
}
