//! The batch pipeline over an inventory: parse and check every row, compute in parallel,
//! build the result and summary frames. Reading and writing stay in [`crate::io`].

pub mod columns;
pub mod output;
pub mod rows;

use crate::io::read::Inventory;
use anyhow::Result;
use columns::{c, Columns};
use polars::prelude::DataFrame;
use rayon::prelude::*;
use rows::{process_range, process_range_with, RowError, RowOptions, RowResult, Status};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Rows per parallel task. 1024 keeps a block's per-row drafts in the core's cache (4096 used
/// ~3 % more CPU on the 1M-row benchmark).
pub const CHUNK_ROWS: usize = 1024;

/// Errors for duplicate `(facility_id, equipment_id)` pairs: every row of a pair is invalid and
/// names the other rows.
///
/// Rows are hashed by their pair in parallel blocks, the (hash, row) list is sorted, and only
/// rows that share a hash are compared by text, so no map of a million ids is built.
pub fn duplicate_errors(inv: &Inventory, cols: &Columns) -> HashMap<usize, Vec<RowError>> {
    let fac = cols.get(c::FACILITY_ID);
    let eq = cols.get(c::EQUIPMENT_ID);
    let ranges: Vec<std::ops::Range<usize>> = (0..cols.height)
        .step_by(16 * CHUNK_ROWS)
        .map(|s| s..(s + 16 * CHUNK_ROWS).min(cols.height))
        .collect();
    let pair_of = |r: std::ops::Range<usize>| {
        let (mut f, mut e) = (Vec::with_capacity(r.len()), Vec::with_capacity(r.len()));
        fac.text_values(r.clone(), &mut f);
        eq.text_values(r, &mut e);
        (f, e)
    };
    // One u64 per row: the pair's hash in the high bits, the row in the low `shift` bits, so
    // sorting plain integers groups equal hashes with rows in input order.
    let shift = usize::BITS - cols.height.leading_zeros();
    let row_mask = (1u64 << shift) - 1;
    let mut keyed: Vec<u64> = ranges
        .par_iter()
        .flat_map_iter(|r| {
            let (f, e) = pair_of(r.clone());
            let start = r.start;
            f.into_iter()
                .zip(e)
                .enumerate()
                .filter_map(move |(k, pair)| match pair {
                    (Some(f), Some(e)) => {
                        let mut h = crate::core::hash::InputHasher::default();
                        h.text(0, Some(f)).text(1, Some(e));
                        Some((h.finish() & !row_mask) | (start + k) as u64)
                    }
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
        .collect();
    keyed.par_sort_unstable();
    let pair = |i: usize| {
        let (f, e) = pair_of(i..i + 1);
        (f[0].unwrap_or_default(), e[0].unwrap_or_default())
    };
    // Groups of rows with the same pair, rows in input order.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut i = 0;
    while i < keyed.len() {
        let mut j = i + 1;
        while j < keyed.len() && keyed[j] >> shift == keyed[i] >> shift {
            j += 1;
        }
        if j - i > 1 {
            // Same hash bits: split by the actual text (a collision is not a duplicate).
            let mut rest: Vec<usize> = keyed[i..j]
                .iter()
                .map(|&k| (k & row_mask) as usize)
                .collect();
            while let Some(&first) = rest.first() {
                let p = pair(first);
                let (same, other): (Vec<usize>, Vec<usize>) =
                    rest.iter().partition(|&&r| pair(r) == p);
                if same.len() > 1 {
                    groups.push(same);
                }
                rest = other;
            }
        }
        i = j;
    }
    let mut out = HashMap::new();
    for rows in groups {
        let (f, e) = pair(rows[0]);
        for &i in &rows {
            let others: Vec<String> = rows
                .iter()
                .filter(|&&j| j != i)
                .take(5)
                .map(|&j| {
                    let (file, row) = inv.locate(j);
                    if inv.sources.len() > 1 {
                        format!("{file} row {row}")
                    } else {
                        format!("row {row}")
                    }
                })
                .collect();
            let more = if rows.len() - 1 > others.len() {
                format!(" and {} more", rows.len() - 1 - others.len())
            } else {
                String::new()
            };
            out.insert(
                i,
                vec![RowError {
                    column: "equipment_id",
                    value: Some(e.to_string()),
                    reason: format!(
                        "duplicate (facility_id, equipment_id) = ({f}, {e}), also on {}{more}, ids must be unique within a facility",
                        others.join(", ")
                    ),
                }],
            );
        }
    }
    out
}

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
}

impl Counts {
    fn add(&mut self, r: &RowResult) {
        self.rows += 1;
        match r.status {
            Status::Invalid => self.invalid += 1,
            Status::NotApplicable => self.not_applicable += 1,
            Status::Ok => {}
        }
        // Not-applicable rows have the findings that need no arc-flash result.
        if r.status != Status::Invalid && r.findings.is_some_and(|f| f.status() == "fail") {
            self.noncompliant += 1;
        }
        if r.assessment.is_some_and(|a| a.danger) {
            self.danger += 1;
        }
    }

    fn merge(&mut self, o: Counts) {
        self.rows += o.rows;
        self.invalid += o.invalid;
        self.not_applicable += o.not_applicable;
        self.noncompliant += o.noncompliant;
        self.danger += o.danger;
    }
}

/// A processed inventory: the result columns (without the passed-through ones), the per-row
/// values the summary aggregates, and the counts.
pub struct Processed {
    /// SPEC §2 columns, one row per input row, in input order.
    pub results: DataFrame,
    /// Input of [`crate::core::aggregation::summarize`].
    pub aggregation: DataFrame,
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
    let (aggregation, counts) =
        process_parts(inv, opts, jobs, progress, usize::MAX, &mut |_, df| {
            results = Some(df);
            Ok(())
        })?;
    Ok(Processed {
        results: results.unwrap_or_default(),
        aggregation,
        counts,
    })
}

/// [`process`] in parts of `part_rows` rows: each part's result columns are handed to `sink`
/// with the index of its first row, in input order, as soon as they are built (so a writer can
/// write one part while the next is computed, and the results of a large run never need to be
/// in memory at once). Returns the per-row values the summary aggregates, and the counts.
pub fn process_parts(
    inv: &Inventory,
    opts: &RowOptions,
    jobs: usize,
    progress: &(dyn Fn(usize) + Sync),
    part_rows: usize,
    sink: &mut dyn FnMut(usize, DataFrame) -> Result<()>,
) -> Result<(DataFrame, Counts)> {
    let cols = Columns::of(&inv.frame)?;
    let dups = duplicate_errors(inv, &cols);
    let extra = |i: usize| {
        if dups.is_empty() {
            Vec::new()
        } else {
            dups.get(&i).cloned().unwrap_or_default()
        }
    };
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
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()?;
    let mut counts = Counts::default();
    let mut aggregation: Option<DataFrame> = None;
    for part in parts {
        let mut store = output::Store::new(part.start, part.len());
        let blocks = store.blocks(CHUNK_ROWS);
        let done_blocks: Vec<(Counts, Vec<(u32, String)>)> = pool.install(|| {
            blocks
                .into_par_iter()
                .map(|mut slots| {
                    let r = slots.rows();
                    let mut counts = Counts::default();
                    process_range_with(&cols, r.clone(), &extra, opts, true, &mut |k, row| {
                        counts.add(row);
                        slots.put(k, row);
                    });
                    progress(done.fetch_add(r.len(), Ordering::Relaxed) + r.len());
                    (counts, slots.take_errors())
                })
                .collect()
        });
        for (c, errors) in done_blocks {
            counts.merge(c);
            store.add_errors(errors);
        }
        let (results, agg) = store.finish(&cols)?;
        match aggregation.as_mut() {
            None => aggregation = Some(agg),
            Some(acc) => {
                acc.vstack_mut_owned(agg)?;
            }
        }
        sink(part.start, results)?;
    }
    Ok((aggregation.unwrap_or_default(), counts))
}

/// The row checks only (no calculation): rows that would be computed come back `ok` without
/// results. Used by `validate`.
pub fn validate_rows(inv: &Inventory, opts: &RowOptions) -> Result<Vec<RowResult>> {
    let cols = Columns::of(&inv.frame)?;
    let dups = duplicate_errors(inv, &cols);
    let extra = |i: usize| dups.get(&i).cloned().unwrap_or_default();
    Ok(process_range(&cols, 0..cols.height, &extra, opts, false))
}
