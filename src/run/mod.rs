//! The batch run, stage by stage: read → check, calculate and comply (the pipeline) → write
//! the results → aggregate and write the summary → persist (PostgreSQL) → warm (Redis) →
//! report. The command line only builds a [`Config`] and maps the [`Report`] to an exit code.

pub mod metrics;
mod scan;
mod stages;
mod tracker;

use crate::exit_codes::Exit;
use crate::io::write::Format;
use crate::pipeline::rows::RowOptions;
use crate::pipeline::Counts;
use anyhow::Result;
use chrono::{DateTime, Utc};

pub use stages::execute;

/// Where the results go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Standard output.
    Stdout,
    /// A file (written atomically).
    File(String),
}

/// The PostgreSQL target.
#[derive(Clone, Debug)]
pub struct Postgres {
    /// Connection URL.
    pub url: String,
    /// Apply pending migrations first.
    pub migrate: bool,
}

/// The Redis target.
#[derive(Clone, Debug)]
pub struct Redis {
    /// Connection URL.
    pub url: String,
    /// Prefix of every key.
    pub prefix: String,
    /// Expiry of the keys, seconds.
    pub ttl: Option<u64>,
    /// Delete the keys of facilities not in the run.
    pub prune: bool,
}

/// `--fail-on` gates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// Exit 3 when any row is invalid.
    Invalid,
    /// Exit 4 when any row's compliance status is `fail`.
    Noncompliant,
    /// Exit 4 when any row is above the danger threshold.
    Danger,
}

/// A validated run.
#[derive(Clone, Debug)]
pub struct Config {
    /// Inventory files (`-` for stdin).
    pub inputs: Vec<String>,
    /// Where the results go.
    pub output: Output,
    /// The results format.
    pub format: Format,
    /// The summary file and its format.
    pub summary: Option<(String, Format)>,
    /// Add the portfolio row to the summary file.
    pub portfolio: bool,
    /// The time the results are valid for.
    pub as_of: DateTime<Utc>,
    /// Worker threads.
    pub jobs: usize,
    /// Options that change results.
    pub rows: RowOptions,
    /// PostgreSQL.
    pub postgres: Option<Postgres>,
    /// Redis.
    pub redis: Option<Redis>,
    /// Draw a progress bar on stderr.
    pub progress: bool,
    /// Only the facilities of this shard (`--shard I/N`).
    pub shard: Option<crate::core::shard::Shard>,
    /// Rows per chunk read, computed and written at a time (bounds the run's memory).
    pub chunk_rows: usize,
    /// Only these result columns are written (`--select`); the databases get every column.
    pub select: Option<crate::io::select::Selection>,
    /// Decimals and colour of the results (`--precision`, `--color`).
    pub style: crate::io::write::Style,
    /// How inputs are opened (`--sheet`, `--mapping`).
    pub open: crate::io::inputs::OpenOptions,
}

impl Config {
    /// Whether the run writes to PostgreSQL or warms Redis (those stages read every result
    /// column and the facility summary).
    pub(crate) fn persists(&self) -> bool {
        self.postgres.is_some() || self.redis.is_some()
    }

    /// A run of `inputs` to stdout as CSV with every default (for tests and embedding).
    pub fn new(inputs: Vec<String>, as_of: DateTime<Utc>) -> Config {
        Config {
            inputs,
            output: Output::Stdout,
            format: Format::Csv,
            summary: None,
            portfolio: false,
            as_of,
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
            rows: RowOptions::new(as_of.date_naive()),
            postgres: None,
            redis: None,
            progress: false,
            shard: None,
            chunk_rows: crate::io::inputs::CHUNK_ROWS,
            select: None,
            style: crate::io::write::Style::default(),
            open: Default::default(),
        }
    }
}

/// What a run did.
#[derive(Clone, Debug)]
pub struct Report {
    /// The run id (UUID v7).
    pub run_id: uuid::Uuid,
    /// Row counts.
    pub counts: Counts,
    /// Facilities.
    pub facilities: usize,
    /// Seconds per stage, in order.
    pub stages: Vec<(&'static str, f64)>,
    /// Wall time, seconds.
    pub seconds: f64,
    /// Stdout's reader went away: the output ended early (the other stages ran).
    pub output_closed: bool,
}

impl Report {
    /// The exit code of the gates: 3 for invalid rows (checked first), 4 for noncompliant or
    /// danger, 0 otherwise.
    pub fn gate(&self, gates: &[Gate]) -> Exit {
        let c = &self.counts;
        if gates.contains(&Gate::Invalid) && c.invalid > 0 {
            return Exit::Invalid;
        }
        if (gates.contains(&Gate::Noncompliant) && c.noncompliant > 0)
            || (gates.contains(&Gate::Danger) && c.danger > 0)
        {
            return Exit::Gate;
        }
        Exit::Success
    }
}

/// Runs `cfg` (see [`execute`]) — the library entry point.
pub fn run(cfg: &Config) -> Result<Report> {
    execute(cfg)
}
