//! `voltmetrics report`: one self-contained HTML page for people (portfolio overview, each
//! facility's charts, highest energies and rows needing attention, the stored trend).

use super::engine::EngineArgs;
use crate::core::aggregation::summarize;
use crate::exit_codes::Exit;
use crate::report::{html, Report};
use anyhow::{Context, Result};
use chrono::SecondsFormat;
use clap::Args;

/// Arguments of `report`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  voltmetrics report fixtures/inventory.csv -o report.html --as-of 2026-01-01\n  voltmetrics report sites/*.parquet -o report.html --postgres postgres://localhost/safety"
)]
pub(crate) struct ReportArgs {
    /// Inventory files: CSV (.csv, .csv.gz), Parquet (.parquet, .pq), workbooks (.xlsx, .xls,
    /// .ods; --sheet), or - for CSV on stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub(crate) inputs: Vec<String>,
    /// The HTML file (written atomically), or - for stdout.
    #[arg(short = 'o', long, value_name = "FILE", required = true)]
    pub(crate) output: String,
    /// PostgreSQL URL: add each facility's trend from the stored history (the runs stored by
    /// `run --postgres`; this command stores nothing).
    #[arg(
        long,
        value_name = "URL",
        env = "VOLTMETRICS_POSTGRES_URL",
        hide_env_values = true
    )]
    pub(crate) postgres: Option<String>,
    /// Options that change results.
    #[command(flatten)]
    pub(crate) engine: EngineArgs,
    /// No summary line on stderr.
    #[arg(short, long)]
    pub(crate) quiet: bool,
    /// The config file.
    #[command(flatten)]
    pub(crate) config: super::config::ConfigFile,
}

/// The stored history of every facility.
fn history(url: &str) -> Result<polars::prelude::DataFrame> {
    let server = format!("PostgreSQL {}", crate::db::redact(url));
    let mut client = crate::db::connect(url).with_context(|| server.clone())?;
    crate::db::migrations::require_current(&mut client).with_context(|| server.clone())?;
    crate::db::history::query(&mut client, &Default::default()).with_context(|| server.clone())
}

/// `voltmetrics report`.
pub(crate) fn run(args: &ReportArgs) -> Result<Exit> {
    let started = std::time::Instant::now();
    let as_of = args.engine.as_of();
    let opts = args.engine.row_options(as_of)?;
    let inv = crate::io::read::read_inputs(&args.inputs, &args.engine.open_options()?)?;
    let processed = crate::pipeline::process(&inv, &opts, args.engine.jobs(), &|_| {})?;
    let summary = summarize(&processed.aggregation, true)?;
    let inputs: Vec<&str> = inv.sources.iter().map(|s| s.path.as_str()).collect();
    let meta = vec![
        (
            "as of".to_string(),
            as_of.to_rfc3339_opts(SecondsFormat::Secs, true),
        ),
        ("inputs".to_string(), inputs.join(", ")),
        (
            "methods".to_string(),
            processed.counts.method_ids().join(", "),
        ),
        (
            "danger threshold".to_string(),
            format!("{} cal/cm²", opts.danger_threshold_cal_cm2),
        ),
        ("VoltMetrics".to_string(), crate::VERSION.to_string()),
    ];
    let mut report = Report::build(&processed.results, summary, meta)?;
    if let Some(url) = &args.postgres {
        report.add_trend(&history(url)?)?;
    }
    let page = html::page(&report)?;
    if args.output == "-" {
        super::write_stdout(|w| Ok(w.write_all(page.as_bytes())?))?;
    } else {
        crate::io::write::write_to_path(&args.output, |w| Ok(w.write_all(page.as_bytes())?))?;
    }
    // -q sets the level to warnings.
    tracing::info!(
        rows = processed.counts.rows,
        facilities = report.facilities.len(),
        "report of {} rows, {} facilities in {} ({:.1} MB); {:.2} s",
        processed.counts.rows,
        report.facilities.len(),
        args.output,
        page.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(Exit::Success)
}
