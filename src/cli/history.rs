//! `voltmetrics history`: stored facility results over time, optionally downsampled.

use super::engine::parse_as_of;
use super::{write_stdout, UsageError};
use crate::db::history::{query, Bucket, Query};
use crate::db::{connect, migrations, redact};
use crate::exit_codes::Exit;
use crate::io::write::{write_file_atomic, write_frame, Format, RunMetadata};
use anyhow::{Context, Result};
use clap::builder::PossibleValuesParser;
use clap::Args;
use std::io::IsTerminal;

/// Arguments of `history`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  voltmetrics history --postgres $URL --facility PLANT-A --since 2026-01-01\n  voltmetrics history --postgres $URL --bucket 1mo -o monthly.parquet"
)]
pub(crate) struct HistoryArgs {
    /// PostgreSQL URL.
    #[arg(
        long,
        value_name = "URL",
        env = "VOLTMETRICS_POSTGRES_URL",
        hide_env_values = true
    )]
    pub(crate) postgres: String,
    /// Only this facility.
    #[arg(long, value_name = "ID")]
    pub(crate) facility: Option<String>,
    /// From this time, inclusive (YYYY-MM-DD or RFC 3339).
    #[arg(long, value_name = "T")]
    pub(crate) since: Option<String>,
    /// Up to this time, inclusive (YYYY-MM-DD or RFC 3339).
    #[arg(long, value_name = "T")]
    pub(crate) until: Option<String>,
    /// Downsample per facility: max and mean incident energy, counts, compliance rate.
    #[arg(long, value_name = "B", value_parser = PossibleValuesParser::new(["1d", "1w", "1mo"]))]
    pub(crate) bucket: Option<String>,
    /// Output file, or - for stdout [default: stdout].
    #[arg(short = 'o', long, value_name = "PATH")]
    pub(crate) output: Option<String>,
    /// Output format [default: from the -o extension; CSV on a pipe, a table on a terminal].
    #[arg(long, value_name = "F", value_parser = PossibleValuesParser::new(Format::NAMES))]
    pub(crate) format: Option<String>,
    /// The config file.
    #[command(flatten)]
    pub(crate) config: super::config::ConfigFile,
}

fn usage(msg: String) -> anyhow::Error {
    UsageError(msg).into()
}

/// `voltmetrics history`.
pub(crate) fn run(args: &HistoryArgs) -> Result<Exit> {
    let time = |flag: &str, v: &Option<String>| -> Result<_> {
        v.as_deref()
            .map(|s| parse_as_of(s).map_err(|e| usage(format!("{flag} {e}"))))
            .transpose()
    };
    let q = Query {
        facility: args.facility.clone(),
        since: time("--since", &args.since)?,
        until: time("--until", &args.until)?,
        bucket: args.bucket.as_deref().and_then(Bucket::parse),
    };
    let output = args.output.clone().filter(|o| o != "-");
    let format = match (&args.format, &output) {
        (Some(f), _) => Format::from_name(f).ok_or_else(|| usage(format!("--format '{f}'")))?,
        (None, Some(p)) => Format::from_path(p).ok_or_else(|| {
            usage(format!(
                "-o {p}: cannot tell the format from the extension; give --format"
            ))
        })?,
        (None, None) => {
            if std::io::stdout().is_terminal() {
                Format::Table
            } else {
                Format::Csv
            }
        }
    };
    let server = format!("PostgreSQL {}", redact(&args.postgres));
    let mut client = connect(&args.postgres)?;
    migrations::require_current(&mut client).with_context(|| server.clone())?;
    let mut df = query(&mut client, &q).with_context(|| server.clone())?;
    let meta = RunMetadata {
        pairs: vec![("voltmetrics.version".into(), crate::VERSION.into())],
    };
    match output {
        Some(p) => write_file_atomic(&p, &mut df, format, &meta)?,
        None => write_stdout(|w| write_frame(&mut df, format, &meta, w))?,
    }
    Ok(Exit::Success)
}
