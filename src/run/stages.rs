//! The stages of a run, each a function.

use super::scan::{chunk, scan, Scan};
use super::tracker::Tracker;
use super::{Config, Output, Report};
use crate::cache::RunStatus;
use crate::contract::{history as H, run_status as RS};
use crate::core::aggregation::{PerRow, Summary};
use crate::core::algorithms::MethodId;
use crate::io::inputs::Inputs;
use crate::io::read::{Inventory, Source};
use crate::io::stdout::{is_stdout_closed, write_stdout};
use crate::io::write::{write_file_atomic, write_parts, write_to_path, Part, RunMetadata};
use crate::pipeline::duplicates::Duplicates;
use crate::pipeline::output::append_passthrough_rows;
use crate::pipeline::{process_parts, Counts, PART_ROWS};
use anyhow::{Context, Result};
use chrono::SecondsFormat;
use polars::prelude::DataFrame;

/// What the calculation stages hand on.
struct Computed {
    /// The result frame, when a later stage needs it (PostgreSQL, Redis); empty otherwise.
    results: DataFrame,
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
    settle_allocator();
    let run_id = uuid::Uuid::now_v7();
    let _span = tracing::info_span!("run", run_id = %run_id).entered();
    let mut t = Tracker::start(cfg, run_id)?;
    stages(cfg, run_id, &mut t).inspect_err(|e| t.fail(run_id, e))
}

/// Lets the C library's allocator keep the memory a run frees and allocates again part after
/// part, instead of handing it back to the kernel and taking fresh pages (each a page fault and
/// a zeroed page) for the next part.
///
/// glibc's `malloc` maps blocks above a threshold (128 KiB at first) directly, and returns free
/// memory at the top of its heaps to the kernel above a trim threshold. Both thresholds are
/// dynamic: freeing a directly mapped block of up to 32 MiB raises the mmap threshold to its
/// size and the trim threshold to twice that (`mallopt(3)`, M_MMAP_THRESHOLD). A run's result
/// columns, input columns and pages are blocks of about 1 MiB, so without this the first free
/// raises the thresholds only to ~1 MiB and 2 MiB, and most of a part's memory is returned and
/// faulted in again. One block of 31 MiB, allocated and freed untouched, raises them at once.
/// Other allocators ignore it (a block reserved and released, never written).
fn settle_allocator() {
    drop(std::hint::black_box(Vec::<u8>::with_capacity(31 << 20)));
}

fn stages(cfg: &Config, run_id: uuid::Uuid, t: &mut Tracker) -> Result<Report> {
    t.begin("read");
    t.status(RunStatus::Reading, &[])?;
    let inputs = Inputs::open(&cfg.inputs, cfg.chunk_rows, &cfg.open)?;
    let pool = crate::pipeline::pool(cfg.jobs)?;
    // The first chunk is computed while the first pass runs (which leaves the cores idle part
    // of the time), as if none of its rows were in a duplicate pair; kept when that is so.
    let (first, early) = std::thread::scope(|s| -> Result<_> {
        let early = s.spawn(|| first_chunk(&inputs, cfg, &pool));
        let first = scan(&inputs, cfg.shard, cfg.jobs);
        let early = early
            .join()
            .map_err(|_| anyhow::anyhow!("computing the first chunk panicked"))?;
        Ok((first?, early?))
    })?;
    let early = early.map(|e| e.checked(&first));
    tracing::debug!(
        rows = first.rows,
        files = first.sources.len(),
        chunks = inputs.chunks().len(),
        jobs = cfg.jobs,
        "run {run_id}, {} rows from {} file(s) in {} chunk(s), as of {}, {} thread(s)",
        first.rows,
        first.sources.len(),
        inputs.chunks().len(),
        cfg.as_of.to_rfc3339_opts(SecondsFormat::Secs, true),
        cfg.jobs
    );
    t.lap("read");
    let rows = first.rows.to_string();
    t.begin("check+calculate");
    t.status(RunStatus::Calculating, &[(RS::ROWS.name, rows)])?;
    let meta = metadata(&run_id.to_string(), cfg, &first.sources);
    let c = compute(cfg, &inputs, &first, early, &pool, &meta, t)?;
    t.begin("summary");
    if let (Some((path, format)), Some(mut summary)) = (&cfg.summary, c.summary.clone()) {
        write_file_atomic(path, &mut summary, *format, &meta)?;
    }
    t.lap("summary");
    persist(cfg, run_id, &first.sources, &c, t)?;
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

/// The run's metadata (Parquet key-value metadata).
fn metadata(run_id: &str, cfg: &Config, sources: &[Source]) -> RunMetadata {
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
            (
                "voltmetrics.inputs".into(),
                inputs_json(sources).to_string(),
            ),
        ],
    };
    if let Some(shard) = cfg.shard {
        meta.pairs
            .push(("voltmetrics.shard".into(), shard.to_string()));
    }
    meta.pairs
        .push(("voltmetrics.risk".into(), crate::core::risk::MODEL.into()));
    if let Some(u) = cfg.rows.uncertainty {
        meta.pairs.push((
            "voltmetrics.uncertainty".into(),
            format!(
                "{} samples={} seed={}",
                crate::core::uncertainty::MODEL,
                u.samples,
                u.seed
            ),
        ));
    }
    meta
}

/// The input files with their rows and content hashes.
fn inputs_json(sources: &[Source]) -> serde_json::Value {
    sources
        .iter()
        .map(|s| serde_json::json!({"path": s.path, RS::ROWS.name: s.rows, "xxh3_64": s.content_hash}))
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

/// Check, calculate, comply and write the results chunk by chunk: a reader thread reads the
/// next chunk while this one is computed, a writer thread writes each part while the next is
/// computed, and the summary is aggregated as the parts come — so memory is bounded by a few
/// chunks, whatever the input size. The whole result frame is kept only for PostgreSQL and
/// Redis.
fn compute(
    cfg: &Config,
    inputs: &Inputs,
    first: &Scan,
    early: Option<Chunk>,
    pool: &rayon::ThreadPool,
    meta: &RunMetadata,
    t: &mut Tracker,
) -> Result<Computed> {
    let bar = progress_bar(cfg.progress, first.rows);
    let on_progress = |done: usize| {
        if let Some(b) = &bar {
            b.set_position(done as u64);
        }
    };
    let summary = Summary::new(cfg.summary.is_some() || cfg.persists());
    let (counts, kept, output_closed, summary) = std::thread::scope(|s| -> Result<_> {
        // Each hand-over holds one item at most: the reader reads the next chunk and the
        // writer writes the previous part while a chunk is computed, and no more is in memory.
        let (chunks_tx, chunks_rx) = std::sync::mpsc::sync_channel::<Result<Chunk>>(0);
        s.spawn(move || read_chunks(inputs, first, cfg, early, &chunks_tx));
        let (tx, rx) = std::sync::mpsc::sync_channel::<Option<Part>>(0);
        let writer = s.spawn(move || write_output(cfg, meta, &rx));
        // The summary is aggregated on its own thread, while the next chunk is computed.
        let (agg_tx, agg_rx) = std::sync::mpsc::sync_channel::<PerRow>(1);
        let aggregator = s.spawn(move || aggregate(summary, &agg_rx, cfg));
        let stopped = std::cell::Cell::new(false);
        let hand = Handover {
            parts: &tx,
            summary: &agg_tx,
            stopped: &stopped,
        };
        let computed = compute_chunks(cfg, first, chunks_rx, pool, &hand, &on_progress);
        drop(agg_tx);
        t.lap("check+calculate");
        t.begin("write results");
        if computed.is_ok() {
            // Only a complete run ends the output; otherwise the writer discards a file.
            let _ = tx.send(None);
        }
        drop(tx);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the results writer panicked")));
        let aggregated = aggregator
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the summary aggregation panicked")));
        the_cause(computed, written, aggregated, stopped.get())
    })?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    t.lap("write results");
    let Summarized {
        facilities,
        summary,
        facility_summary,
    } = summary;
    let results = join_parts(kept)?;
    Ok(Computed {
        results,
        counts,
        summary,
        facility_summary,
        facilities,
        output_closed,
    })
}

/// What the compute stage's threads did, or the cause of their stopping: the writer's or the
/// aggregation's error when it `stopped` first (the failed send is its consequence), otherwise
/// the processing error.
fn the_cause(
    computed: Result<(Counts, Kept)>,
    written: Result<bool>,
    aggregated: Result<Summarized>,
    stopped: bool,
) -> Result<(Counts, Kept, bool, Summarized)> {
    match (computed, written, aggregated) {
        (Ok((counts, kept)), Ok(closed), Ok(summary)) => Ok((counts, kept, closed, summary)),
        (Ok(_), Err(w), _) => Err(w),
        (Err(_), Err(w), _) if stopped => Err(w),
        (Ok(_), _, Err(a)) => Err(a),
        (Err(_), _, Err(a)) if stopped => Err(a),
        (Err(e), _, _) => Err(e),
    }
}

/// The summary file's frame (with the portfolio row when asked) and the facility summary,
/// when a summary file or persistence needs them.
fn finish_summary(
    summary: Summary,
    cfg: &Config,
) -> Result<(Option<DataFrame>, Option<DataFrame>)> {
    if cfg.summary.is_none() && !cfg.persists() {
        return Ok((None, None));
    }
    let portfolio = cfg.portfolio && cfg.summary.is_some();
    let sm = summary.finish(portfolio)?;
    // The portfolio row comes last; without it the file's summary is the facility summary.
    let fs = sm.slice(0, sm.height() - usize::from(portfolio));
    Ok((Some(sm), Some(fs)))
}

/// The result parts kept for the database stages, as one frame (empty when none were kept).
fn join_parts(kept: Kept) -> Result<DataFrame> {
    let Some(mut parts) = kept.filter(|p| !p.is_empty()) else {
        return Ok(DataFrame::empty());
    };
    let mut all = parts.remove(0);
    for p in parts {
        all.vstack_mut_owned(p)?;
    }
    all.rechunk_mut();
    Ok(all)
}

/// The reader thread: the chunk computed ahead (`early`, the first), then every other chunk of
/// the run in order (an empty one for an empty input), until the end, an error (sent on) or the
/// receiver going away.
fn read_chunks(
    inputs: &Inputs,
    first: &Scan,
    cfg: &Config,
    early: Option<Chunk>,
    tx: &std::sync::mpsc::SyncSender<Result<Chunk>>,
) {
    let from = usize::from(early.is_some());
    if let Some(e) = early {
        if tx.send(Ok(e)).is_err() {
            return;
        }
    }
    if inputs.chunks().is_empty() {
        let inv = Inventory {
            frame: inputs.empty_frame(),
            sources: first.sources.clone(),
            kept: Some(Vec::new()),
        };
        let _ = tx.send(Ok(Chunk { inv, done: None }));
    }
    for k in from..inputs.chunks().len() {
        let inv = chunk(inputs, k, first.starts[k], &first.sources, cfg.shard);
        let failed = inv.is_err();
        if tx.send(inv.map(|inv| Chunk { inv, done: None })).is_err() || failed {
            return;
        }
    }
}

/// The writer thread: the parts received, to the output; `Ok(true)` when standard output's
/// reader went away (`| head`): the rest is received and dropped, so the run goes on and its
/// other stages decide the exit code.
fn write_output(
    cfg: &Config,
    meta: &RunMetadata,
    rx: &std::sync::mpsc::Receiver<Option<Part>>,
) -> Result<bool> {
    let written = match &cfg.output {
        Output::File(path) => {
            write_to_path(path, |w| write_parts(w, cfg.format, meta, cfg.style, rx))
        }
        Output::Stdout => write_stdout(|w| write_parts(w, cfg.format, meta, cfg.style, rx)),
    };
    match written {
        Err(e) if is_stdout_closed(&e) => {
            while let Ok(Some(_)) = rx.recv() {}
            Ok(true)
        }
        Err(e) => Err(e),
        Ok(()) => Ok(false),
    }
}

/// Result parts kept for the database stages.
type Kept = Option<Vec<DataFrame>>;

/// The summary of a run, finished.
struct Summarized {
    facilities: usize,
    /// The summary file's frame (see [`finish_summary`]).
    summary: Option<DataFrame>,
    /// The facility summary.
    facility_summary: Option<DataFrame>,
}

/// The aggregation thread: every chunk's per-row values received, in input order, added to
/// `summary`, which is then finished there (while the writer writes the last part).
fn aggregate(
    mut summary: Summary,
    parts: &std::sync::mpsc::Receiver<PerRow>,
    cfg: &Config,
) -> Result<Summarized> {
    for part in parts {
        summary.add(&part)?;
    }
    let facilities = summary.facilities();
    let (summary, facility_summary) = finish_summary(summary, cfg)?;
    Ok(Summarized {
        facilities,
        summary,
        facility_summary,
    })
}

/// A chunk of the run: its rows, and its results when they were computed ahead (see
/// [`first_chunk`]).
struct Chunk {
    inv: Inventory,
    done: Option<Done>,
}

/// A chunk's results, computed ahead: the parts as the pipeline gave them (by their first row),
/// the summary's values and the counts.
struct Done {
    parts: Vec<(usize, Part)>,
    summary: PerRow,
    counts: Counts,
}

impl Chunk {
    /// The chunk with the run's files, its results kept only when none of its rows is in a
    /// duplicate pair (they were computed as if none were).
    fn checked(mut self, first: &Scan) -> Chunk {
        self.inv.sources = first.sources.clone();
        let end = self.inv.kept.as_ref().and_then(|k| k.last());
        if first.dups.any_in(0..end.map_or(0, |&p| p as usize + 1)) {
            self.done = None;
        }
        self
    }
}

/// The run's first chunk, read and computed as if none of its rows were in a duplicate pair
/// (`None` for an input without rows).
fn first_chunk(inputs: &Inputs, cfg: &Config, pool: &rayon::ThreadPool) -> Result<Option<Chunk>> {
    if inputs.chunks().is_empty() {
        return Ok(None);
    }
    let inv = chunk(inputs, 0, 0, &[], cfg.shard)?;
    let mut parts = Vec::new();
    let (summary, counts) = process_parts(
        &inv,
        &Duplicates::default(),
        &cfg.rows,
        pool,
        &|_| {},
        PART_ROWS,
        &mut |start, part| {
            parts.push((start, part));
            Ok(())
        },
    )?;
    let done = Some(Done {
        parts,
        summary,
        counts,
    });
    Ok(Some(Chunk { inv, done }))
}

/// Where the compute loop hands its work on: the parts to the writer, each chunk's values to
/// the summary; `stopped` is set when either went away.
struct Handover<'a> {
    parts: &'a std::sync::mpsc::SyncSender<Option<Part>>,
    summary: &'a std::sync::mpsc::SyncSender<PerRow>,
    stopped: &'a std::cell::Cell<bool>,
}

impl Handover<'_> {
    fn stopped(&self, what: &str) -> anyhow::Error {
        self.stopped.set(true);
        anyhow::anyhow!("the {what} stopped")
    }
}

/// Processes the chunks (those computed ahead are handed on as they are), sending each result
/// part to the writer.
fn compute_chunks(
    cfg: &Config,
    first: &Scan,
    chunks: std::sync::mpsc::Receiver<Result<Chunk>>,
    pool: &rayon::ThreadPool,
    hand: &Handover,
    on_progress: &(dyn Fn(usize) + Sync),
) -> Result<(Counts, Kept)> {
    let mut kept: Kept = cfg.persists().then(Vec::new);
    let mut counts = Counts::default();
    let mut done = 0usize;
    let mut sent = false;
    // `--select`, resolved against the first part's columns (every part has the same).
    let mut selected: Option<Vec<String>> = None;
    for chunk in chunks {
        let Chunk { inv, done: ahead } = chunk?;
        let progress = |d: usize| on_progress(done + d);
        let mut sink = |start: usize, mut part: Part| -> Result<()> {
            // Empty parts (a chunk without rows of the shard) are not written, except as the
            // only part of an empty run (its header or schema).
            if part.height() == 0 && sent {
                return Ok(());
            }
            append_passthrough_rows(&inv, part.frame_mut(), start)?;
            if let Some(k) = kept.as_mut() {
                // The database stages read every column's values.
                part.materialize()?;
                k.push(part.frame_mut().clone());
            }
            sent = true;
            let frame = std::mem::take(part.frame_mut());
            *part.frame_mut() = select_columns(cfg, &mut selected, frame)?;
            hand.parts
                .send(Some(part))
                .map_err(|_| hand.stopped("results writer"))
        };
        let (agg, c) = match ahead {
            Some(d) => {
                for (start, part) in d.parts {
                    sink(start, part)?;
                }
                progress(inv.frame.height());
                (d.summary, d.counts)
            }
            None => process_parts(
                &inv,
                &first.dups,
                &cfg.rows,
                pool,
                &progress,
                PART_ROWS,
                &mut sink,
            )?,
        };
        hand.summary
            .send(agg)
            .map_err(|_| hand.stopped("summary aggregation"))?;
        counts.merge(c);
        done += inv.frame.height();
    }
    Ok((counts, kept))
}

/// The columns of `--select` of a result part (all without it); an unknown column is a usage
/// error naming it.
fn select_columns(
    cfg: &Config,
    selected: &mut Option<Vec<String>>,
    df: DataFrame,
) -> Result<DataFrame> {
    let Some(sel) = &cfg.select else {
        return Ok(df);
    };
    if selected.is_none() {
        let names: Vec<&str> = df.get_column_names().iter().map(|n| n.as_str()).collect();
        let positions = sel.resolve(&names).map_err(crate::exit_codes::UsageError)?;
        *selected = Some(positions.iter().map(|&p| names[p].to_string()).collect());
    }
    let names = selected.as_deref().unwrap_or_default();
    Ok(df.select(names.iter().map(|n| n.as_str()))?)
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

/// The facility summary of the run (computed for every run that persists).
fn facility_summary(c: &Computed) -> Result<DataFrame> {
    c.facility_summary
        .clone()
        .ok_or_else(|| anyhow::anyhow!("the facility summary was not computed"))
}

/// PostgreSQL: the results, the facility summaries and the run record in one transaction.
fn persist(
    cfg: &Config,
    run_id: uuid::Uuid,
    sources: &[Source],
    c: &Computed,
    t: &mut Tracker,
) -> Result<()> {
    if !cfg.persists() {
        return Ok(());
    }
    t.begin(if cfg.postgres.is_some() {
        "postgres"
    } else {
        "redis"
    });
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
        inputs: inputs_json(sources),
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
    tracing::debug!(
        results = written.results,
        summaries = written.summaries,
        departed = written.departed,
        "{server}: {} result and {} summary rows inserted or changed, {} departed",
        written.results,
        written.summaries,
        written.departed
    );
    t.lap("postgres");
    Ok(())
}

/// Redis: the latest results, summaries and sorted sets.
fn warm(cfg: &Config, c: &Computed, t: &mut Tracker) -> Result<()> {
    let Some(r) = &cfg.redis else {
        return Ok(());
    };
    t.begin("redis");
    let summary = facility_summary(c)?;
    if let Some((cache, label)) = t.cache() {
        cache
            .warm(&c.results, &summary, r.prune)
            .with_context(|| format!("stage persisting: {label}"))?;
    }
    t.lap("redis");
    Ok(())
}

/// The run status `done` with counts and timings, the runs message, the stage times (debug).
fn finish(cfg: &Config, run_id: uuid::Uuid, c: &Computed, t: &mut Tracker) -> Result<()> {
    t.begin("done");
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
    let parts: Vec<String> = t
        .stages()
        .iter()
        .map(|(n, s)| format!("{n} {s:.3} s"))
        .collect();
    tracing::debug!("stages: {}", parts.join(", "));
    Ok(())
}
