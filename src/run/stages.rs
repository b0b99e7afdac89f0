//! The stages of a run, each a function.

use super::tracker::Tracker;
use super::{Config, Output, Report};
use crate::cache::RunStatus;
use crate::contract::{history as H, run_status as RS, summary as S};
use crate::core::aggregation::summarize;
use crate::core::algorithms::MethodId;
use crate::core::shard::Shard;
use crate::io::read::{read_inputs, Inventory};
use crate::io::stdout::{is_stdout_closed, write_stdout};
use crate::io::write::{
    write_file_atomic, write_frame, write_parquet_parts, write_to_path, Format, RunMetadata,
};
use crate::pipeline::output::{append_passthrough, append_passthrough_rows};
use crate::pipeline::{process, process_parts, Counts, PART_ROWS};
use anyhow::{Context, Result};
use chrono::SecondsFormat;
use polars::prelude::DataFrame;

/// What the calculation stages hand on.
struct Computed {
    /// The result frame (empty when it was streamed to its file).
    results: DataFrame,
    /// Per-row values of the summary.
    aggregation: DataFrame,
    counts: Counts,
    /// The summary file's frame (with the portfolio row when asked).
    summary: Option<DataFrame>,
    /// The facility summary (for PostgreSQL and Redis).
    facility_summary: Option<DataFrame>,
    facilities: usize,
    output_closed: bool,
}

/// Runs every stage of `cfg`. On failure the Redis run status says `failed`.
pub fn execute(cfg: &Config) -> Result<Report> {
    let run_id = uuid::Uuid::now_v7();
    let mut t = Tracker::start(cfg, run_id)?;
    stages(cfg, run_id, &mut t).inspect_err(|e| t.fail(run_id, e))
}

fn stages(cfg: &Config, run_id: uuid::Uuid, t: &mut Tracker) -> Result<Report> {
    t.status(RunStatus::Reading, &[])?;
    let mut inv = read_inputs(&cfg.inputs)?;
    if let Some(shard) = cfg.shard {
        keep_shard(&mut inv, shard)?;
    }
    t.lap("read");
    if cfg.verbose > 0 {
        eprintln!(
            "voltmetrics: run {run_id}, {} rows from {} file(s), as of {}, {} thread(s)",
            inv.frame.height(),
            inv.sources.len(),
            cfg.as_of.to_rfc3339_opts(SecondsFormat::Secs, true),
            cfg.jobs
        );
    }
    let rows = inv.frame.height().to_string();
    t.status(RunStatus::Calculating, &[(RS::ROWS.name, rows)])?;
    let meta = metadata(&run_id.to_string(), cfg, &inv);
    let c = compute(cfg, &inv, &meta, t)?;
    if let (Some((path, format)), Some(mut summary)) = (&cfg.summary, c.summary.clone()) {
        write_file_atomic(path, &mut summary, *format, &meta)?;
    }
    t.lap("summary");
    persist(cfg, run_id, &inv, &c, t)?;
    warm(cfg, &c, t)?;
    finish(cfg, run_id, &c, t)?;
    Ok(Report {
        run_id,
        counts: c.counts,
        facilities: c.facilities,
        stages: t.stages().to_vec(),
        seconds: t.seconds(),
        output_closed: c.output_closed,
    })
}

/// Keeps the rows of the facilities of `shard` (see [`crate::core::shard`]).
fn keep_shard(inv: &mut Inventory, shard: Shard) -> Result<()> {
    let ids = inv
        .frame
        .column(crate::contract::input::FACILITY_ID.name)?
        .cast(&polars::prelude::DataType::String)?;
    let keep: polars::prelude::BooleanChunked = ids
        .str()?
        .iter()
        .map(|id| Some(shard.contains(id.unwrap_or_default())))
        .collect();
    inv.retain(&keep)
}

/// The run's metadata (Parquet key-value metadata).
fn metadata(run_id: &str, cfg: &Config, inv: &Inventory) -> RunMetadata {
    let methods: Vec<&str> = MethodId::all().map(MethodId::id).collect();
    let mut meta = RunMetadata {
        pairs: vec![
            ("voltmetrics.version".into(), crate::VERSION.into()),
            ("voltmetrics.methods".into(), methods.join(",")),
            (
                "voltmetrics.nfpa70e".into(),
                "2021 tables 130.4(E)(a)/(b), 130.7(C)(15)(c)".into(),
            ),
            ("voltmetrics.run_id".into(), run_id.into()),
            (
                "voltmetrics.as_of".into(),
                cfg.as_of.to_rfc3339_opts(SecondsFormat::Secs, true),
            ),
            ("voltmetrics.inputs".into(), inputs_json(inv).to_string()),
        ],
    };
    if let Some(shard) = cfg.shard {
        meta.pairs
            .push(("voltmetrics.shard".into(), shard.to_string()));
    }
    meta
}

/// The input files with their rows and content hashes.
fn inputs_json(inv: &Inventory) -> serde_json::Value {
    inv.sources
        .iter()
        .map(|s| serde_json::json!({"path": s.path, RS::ROWS.name: s.rows, "fnv1a64": s.content_hash}))
        .collect()
}

fn progress_bar(show: bool, total: usize) -> Option<indicatif::ProgressBar> {
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

/// Check, calculate, comply and write the results: streamed part by part to a Parquet file
/// when nothing needs the whole result set afterwards, in one piece otherwise.
fn compute(cfg: &Config, inv: &Inventory, meta: &RunMetadata, t: &mut Tracker) -> Result<Computed> {
    let bar = progress_bar(cfg.progress, inv.frame.height());
    let on_progress = |done: usize| {
        if let Some(b) = &bar {
            b.set_position(done as u64);
        }
    };
    let persisting = cfg.postgres.is_some() || cfg.redis.is_some();
    let c = match (&cfg.output, cfg.format) {
        (Output::File(path), Format::Parquet) if !persisting => {
            let c = compute_streamed(cfg, inv, meta, path, &on_progress)?;
            t.lap("check+calculate+write");
            c
        }
        _ => compute_whole(cfg, inv, meta, &on_progress, t)?,
    };
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    Ok(c)
}

/// The summary file's frame, the facility summary and the number of facilities. Summaries are
/// only computed when a summary file or persistence needs them.
fn summaries(
    agg: &DataFrame,
    cfg: &Config,
) -> Result<(Option<DataFrame>, Option<DataFrame>, usize)> {
    let persisting = cfg.postgres.is_some() || cfg.redis.is_some();
    let portfolio = cfg.portfolio && cfg.summary.is_some();
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
        None => agg.column(S::FACILITY_ID.name)?.n_unique()?,
    };
    Ok((summary, facility_summary, facilities))
}

/// All rows at once; the results written (file or stdout) while the summary is computed.
fn compute_whole(
    cfg: &Config,
    inv: &Inventory,
    meta: &RunMetadata,
    on_progress: &(dyn Fn(usize) + Sync),
    t: &mut Tracker,
) -> Result<Computed> {
    let processed = process(inv, &cfg.rows, cfg.jobs, on_progress)?;
    t.lap("check+calculate");
    let mut results = processed.results;
    append_passthrough(inv, &mut results)?;
    let agg = processed.aggregation;
    // The facility summary is computed on its own thread while the results are written (the
    // writer leaves a core idle part of the time).
    let (written, sums) = std::thread::scope(|s| {
        let sums = s.spawn(|| summaries(&agg, cfg));
        let written = match &cfg.output {
            Output::File(path) => write_file_atomic(path, &mut results, cfg.format, meta),
            Output::Stdout => write_stdout(|w| write_frame(&mut results, cfg.format, meta, w)),
        };
        let sums = sums
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the summary thread panicked")));
        (written, sums)
    });
    // A closed stdout (`| head`) ends the output quietly; the other stages still run and
    // decide the exit code.
    let output_closed = match written {
        Err(e) if is_stdout_closed(&e) => true,
        other => {
            other?;
            false
        }
    };
    t.lap("write results");
    let (summary, facility_summary, facilities) = sums?;
    Ok(Computed {
        results,
        aggregation: agg,
        counts: processed.counts,
        summary,
        facility_summary,
        facilities,
        output_closed,
    })
}

/// Parts of [`PART_ROWS`] rows go to a writer thread (one row group each) while the next part
/// is computed; the file is kept only when every part arrived.
fn compute_streamed(
    cfg: &Config,
    inv: &Inventory,
    meta: &RunMetadata,
    path: &str,
    on_progress: &(dyn Fn(usize) + Sync),
) -> Result<Computed> {
    std::thread::scope(|s| -> Result<Computed> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Option<DataFrame>>(1);
        let done = tx.clone();
        let writer = s.spawn(move || write_to_path(path, |w| write_parquet_parts(w, meta, rx)));
        let writer_stopped = std::cell::Cell::new(false);
        let mut sink = |start: usize, mut df: DataFrame| -> Result<()> {
            append_passthrough_rows(inv, &mut df, start)?;
            tx.send(Some(df)).map_err(|_| {
                writer_stopped.set(true);
                anyhow::anyhow!("{path}: the results writer stopped")
            })
        };
        let processed = process_parts(inv, &cfg.rows, cfg.jobs, on_progress, PART_ROWS, &mut sink);
        if processed.is_ok() {
            // Only a complete run ends the file; otherwise the writer discards it.
            let _ = done.send(None);
        }
        drop(done);
        // The summary is computed while the writer finishes the last part.
        let sums = processed.as_ref().ok().map(|(agg, _)| summaries(agg, cfg));
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the results writer panicked")));
        // Report the cause: the writer's error when it stopped first (the failed send is its
        // consequence), otherwise the processing error.
        let (aggregation, counts) = match (processed, written) {
            (Ok(p), Ok(())) => p,
            (Ok(_), Err(w)) => return Err(w),
            (Err(_), Err(w)) if writer_stopped.get() => return Err(w),
            (Err(e), _) => return Err(e),
        };
        let (summary, facility_summary, facilities) = sums.unwrap_or(Ok((None, None, 0)))?;
        Ok(Computed {
            results: DataFrame::empty(),
            aggregation,
            counts,
            summary,
            facility_summary,
            facilities,
            output_closed: false,
        })
    })
}

/// The counts as status fields.
fn count_fields(c: &Computed) -> Vec<(&'static str, String)> {
    vec![
        (RS::ROWS.name, c.counts.rows.to_string()),
        (RS::INVALID.name, c.counts.invalid.to_string()),
        (RS::NOT_APPLICABLE.name, c.counts.not_applicable.to_string()),
        (RS::FACILITIES.name, c.facilities.to_string()),
    ]
}

/// The facility summary of the run, computed now if no stage needed it before.
fn facility_summary(c: &Computed) -> Result<DataFrame> {
    match &c.facility_summary {
        Some(fs) => Ok(fs.clone()),
        None => Ok(summarize(&c.aggregation, false)?),
    }
}

/// PostgreSQL: the results, the facility summaries and the run record in one transaction.
fn persist(
    cfg: &Config,
    run_id: uuid::Uuid,
    inv: &Inventory,
    c: &Computed,
    t: &mut Tracker,
) -> Result<()> {
    if cfg.postgres.is_none() && cfg.redis.is_none() {
        return Ok(());
    }
    t.status(RunStatus::Persisting, &count_fields(c))?;
    let Some(pg) = &cfg.postgres else {
        return Ok(());
    };
    let server = format!("PostgreSQL {}", crate::db::redact(&pg.url));
    let stage = || format!("stage persisting: {server}");
    let mut client = crate::db::connect(&pg.url).with_context(stage)?;
    if pg.migrate {
        crate::db::migrations::migrate(&mut client, None, false).with_context(stage)?;
    }
    crate::db::migrations::require_current(&mut client).with_context(stage)?;
    let summary = facility_summary(c)?;
    let record = crate::db::store::RunRecord {
        run_id,
        started_at: t.started_at(),
        as_of: cfg.as_of,
        inputs: inputs_json(inv),
        results: &c.results,
        summary: &summary,
        counts: (
            c.counts.rows as i64,
            c.counts.invalid as i64,
            c.counts.not_applicable as i64,
        ),
        methods: c.counts.method_ids().join(","),
        shard: cfg.shard.map(|s| s.to_string()),
    };
    let written = crate::db::store::persist(&mut client, &record).with_context(stage)?;
    if cfg.verbose > 0 {
        eprintln!(
            "voltmetrics: {server}: {} result and {} summary rows inserted or changed, {} departed",
            written.results, written.summaries, written.departed
        );
    }
    t.lap("postgres");
    Ok(())
}

/// Redis: the latest results, summaries and sorted sets.
fn warm(cfg: &Config, c: &Computed, t: &mut Tracker) -> Result<()> {
    let Some(r) = &cfg.redis else {
        return Ok(());
    };
    let summary = facility_summary(c)?;
    if let Some((cache, label)) = t.cache() {
        cache
            .warm(&c.results, &summary, r.prune)
            .with_context(|| format!("stage persisting: {label}"))?;
    }
    t.lap("redis");
    Ok(())
}

/// The run status `done` with counts and timings, the runs message, the verbose timings.
fn finish(cfg: &Config, run_id: uuid::Uuid, c: &Computed, t: &mut Tracker) -> Result<()> {
    let timings = t.timing_fields();
    let mut fields = count_fields(c);
    fields.extend(timings.iter().map(|(k, v)| (k.as_str(), v.clone())));
    t.status(RunStatus::Done, &fields)?;
    if let Some((cache, label)) = t.cache() {
        let n = &c.counts;
        cache
            .publish(&serde_json::json!({
                H::RUN_ID.name: run_id.to_string(),
                RS::STATUS.name: RunStatus::Done.as_str(),
                RS::ROWS.name: n.rows,
                RS::INVALID.name: n.invalid,
                RS::NOT_APPLICABLE.name: n.not_applicable,
                RS::FACILITIES.name: c.facilities,
                H::AS_OF.name: cfg.as_of.to_rfc3339_opts(SecondsFormat::Secs, true),
            }))
            .with_context(|| format!("stage done: {label}"))?;
    }
    if cfg.verbose > 0 {
        let parts: Vec<String> = t
            .stages()
            .iter()
            .map(|(n, s)| format!("{n} {s:.3} s"))
            .collect();
        eprintln!("voltmetrics: stages: {}", parts.join(", "));
    }
    Ok(())
}
