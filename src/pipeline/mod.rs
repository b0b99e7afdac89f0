//! The batch pipeline over an inventory: parse and check every row, compute in parallel,
//! build the result and summary frames. Reading and writing stay in [`crate::io`].

pub(crate) mod calculate;
pub(crate) mod cells;
pub(crate) mod check;
pub(crate) mod columns;
mod dates;
mod decimal;
mod draft;
pub mod duplicates;
pub(crate) mod output;
pub mod rows;
mod sampling;
pub(crate) mod store;
pub mod timing;

use crate::core::algorithms::MethodId;
use crate::io::read::Inventory;
use crate::io::write::Part;
use anyhow::Result;
use calculate::{process_range, process_range_with};
use columns::Columns;
use duplicates::Duplicates;
use polars::prelude::DataFrame;
use rayon::prelude::*;
use rows::{RowOptions, RowResult};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Rows per parallel task. 1024 keeps a block's per-row drafts in the core's cache (4096 used
/// ~3 % more CPU on the 1M-row benchmark).
pub const CHUNK_ROWS: usize = 1024;

/// Counts of one run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Rows.
    pub rows: usize,
    /// Invalid rows.
    pub invalid: usize,
    /// Not-applicable rows.
    pub not_applicable: usize,
    /// Rows whose compliance status is `fail`.
    pub noncompliant: usize,
    /// Rows above the danger threshold.
    pub danger: usize,
    /// The methods that produced results, as bits by registry position.
    pub methods: u64,
    /// Rows with each compliance rule's finding, by [`crate::core::compliance::RULES`] position.
    pub findings: [usize; crate::core::compliance::RULES.len()],
}

impl Counts {
    /// The ids of the methods that produced results, in registry order.
    pub fn method_ids(&self) -> Vec<&'static str> {
        MethodId::all()
            .filter(|m| self.methods & (1 << m.index()) != 0)
            .map(MethodId::id)
            .collect()
    }

    pub(crate) fn merge(&mut self, o: Counts) {
        self.rows += o.rows;
        self.invalid += o.invalid;
        self.not_applicable += o.not_applicable;
        self.noncompliant += o.noncompliant;
        self.danger += o.danger;
        self.methods |= o.methods;
        for (a, b) in self.findings.iter_mut().zip(o.findings) {
            *a += b;
        }
    }
}

/// A processed inventory: the result columns (without the passed-through ones), the per-row
/// values the summary aggregates, and the counts.
pub struct Processed {
    /// The result columns ([`crate::contract::results`]), one row per input row, in input order.
    pub results: DataFrame,
    /// Input of [`crate::core::aggregation::summarize`].
    pub aggregation: crate::core::aggregation::PerRow,
    /// Counts.
    pub counts: Counts,
}

/// Rows per part when results are streamed to a file (one Parquet row group each).
pub const PART_ROWS: usize = 128 * CHUNK_ROWS;

/// Processes every row of `inv` on `jobs` threads: each task checks and computes a block of
/// rows and writes its result values straight into the result columns, so no per-row results
/// outlive their block. Output order is input order and the result does not depend on `jobs`.
/// `progress` is called with the number of rows done.
pub fn process(
    inv: &Inventory,
    opts: &RowOptions,
    jobs: usize,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Processed> {
    let mut results = None;
    let cols = Columns::of(&inv.frame)?;
    let dups = Duplicates::of(inv, &cols)?;
    drop(cols);
    let (aggregation, counts) = process_parts(
        inv,
        &dups,
        opts,
        &pool(jobs)?,
        progress,
        usize::MAX,
        &mut |_, part| {
            results = Some(part.into_frame()?);
            Ok(())
        },
    )?;
    Ok(Processed {
        results: results.unwrap_or_default(),
        aggregation,
        counts,
    })
}

/// The thread pool of `jobs` threads that [`process_parts`] computes on (one per run).
pub fn pool(jobs: usize) -> Result<rayon::ThreadPool> {
    Ok(rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()?)
}

/// [`process`] in parts of `part_rows` rows, on `pool`: each part's result columns are handed
/// to `sink` with the index of its first row, in input order, as soon as they are built (so a
/// writer can write one part while the next is computed, and the results of a large run never
/// need to be in memory at once). Returns the per-row values the summary aggregates, and the
/// counts.
pub fn process_parts(
    inv: &Inventory,
    dups: &Duplicates,
    opts: &RowOptions,
    pool: &rayon::ThreadPool,
    progress: &(dyn Fn(usize) + Sync),
    part_rows: usize,
    sink: &mut dyn FnMut(usize, Part) -> Result<()>,
) -> Result<(crate::core::aggregation::PerRow, Counts)> {
    let cols = Columns::of(&inv.frame)?;
    let extra = |i: usize| dups.get(inv.position(i));
    let n = cols.height;
    let part_rows = part_rows.max(CHUNK_ROWS);
    let parts: Vec<std::ops::Range<usize>> = if n == 0 {
        std::iter::once(0..0).collect()
    } else {
        (0..n)
            .step_by(part_rows)
            .map(|s| s..s.saturating_add(part_rows).min(n))
            .collect()
    };
    let done = AtomicUsize::new(0);
    let mut counts = Counts::default();
    let mut aggregation = crate::core::aggregation::PerRow::default();
    for part in parts {
        let mut store = store::Store::new(part.start, part.len(), opts.uncertainty.is_some());
        let blocks = store.blocks(CHUNK_ROWS);
        let done_blocks: Vec<Vec<(u32, String)>> = pool.install(|| {
            // One block a task: the threads take blocks until none is left, so neither waits
            // long for the other's last share at the end of a part.
            blocks
                .into_par_iter()
                .with_max_len(1)
                .map(|mut slots| {
                    let r = slots.rows();
                    process_range_with(&cols, r.clone(), &extra, opts, true, &mut |k, row| {
                        slots.put(k, row);
                    });
                    progress(done.fetch_add(r.len(), Ordering::Relaxed) + r.len());
                    slots.take_errors()
                })
                .collect()
        });
        for errors in done_blocks {
            store.add_errors(errors);
        }
        // On the run's pool, idle now: rayon's global pool is the writer's, busy encoding the
        // previous part, and work queued there would wait behind it while these cores idle.
        let (results, agg, c) = pool.install(|| store.finish(&cols))?;
        counts.merge(c);
        aggregation.append(agg)?;
        sink(part.start, results)?;
    }
    Ok((aggregation, counts))
}

/// The row checks only (no calculation): rows that would be computed come back `ok` without
/// results. Used by `validate`.
pub fn validate_rows(inv: &Inventory, opts: &RowOptions) -> Result<Vec<RowResult>> {
    let cols = Columns::of(&inv.frame)?;
    let dups = Duplicates::of(inv, &cols)?;
    let extra = |i: usize| dups.get(inv.position(i));
    Ok(process_range(&cols, 0..cols.height, &extra, opts, false))
}
