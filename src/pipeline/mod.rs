//! The batch pipeline over an inventory: parse and check every row, compute in parallel,
//! build the result and summary frames. Reading and writing stay in [`crate::io`].

pub mod columns;
pub mod output;
pub mod rows;

use crate::io::read::Inventory;
use anyhow::Result;
use columns::{c, Columns};
use polars::prelude::{DataFrame, PlHashMap};
use rayon::prelude::*;
use rows::{process_range, RowError, RowOptions, RowResult, Status};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Rows per parallel task.
pub const CHUNK_ROWS: usize = 4096;

/// Errors for duplicate `(facility_id, equipment_id)` pairs: every row of a pair is invalid and
/// names the other rows.
pub fn duplicate_errors(inv: &Inventory, cols: &Columns) -> HashMap<usize, Vec<RowError>> {
    let fac = cols.get(c::FACILITY_ID);
    let eq = cols.get(c::EQUIPMENT_ID);
    // First row of each pair; only repeated pairs get a list of rows.
    let mut first: PlHashMap<(&str, &str), u32> =
        PlHashMap::with_capacity_and_hasher(cols.height, Default::default());
    let mut repeated: PlHashMap<(&str, &str), Vec<usize>> = PlHashMap::default();
    for i in 0..cols.height {
        if let (Some(f), Some(e)) = (fac.raw(i), eq.raw(i)) {
            match first.get(&(f, e)) {
                None => {
                    first.insert((f, e), i as u32);
                }
                Some(&f0) => repeated
                    .entry((f, e))
                    .or_insert_with(|| vec![f0 as usize])
                    .push(i),
            }
        }
    }
    let mut out = HashMap::new();
    for ((f, e), rows) in repeated {
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
    fn add(&mut self, rows: &[RowResult]) {
        self.rows += rows.len();
        for r in rows {
            match r.status {
                Status::Invalid => self.invalid += 1,
                Status::NotApplicable => self.not_applicable += 1,
                Status::Ok => {
                    if r.findings.is_some_and(|f| f.status() == "fail") {
                        self.noncompliant += 1;
                    }
                }
            }
            if r.assessment.is_some_and(|a| a.danger) {
                self.danger += 1;
            }
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

fn stack(parts: Vec<DataFrame>) -> Result<DataFrame> {
    let mut it = parts.into_iter();
    let mut acc = it.next().unwrap_or_default();
    for p in it {
        acc.vstack_mut_owned(p)?;
    }
    Ok(acc)
}

/// Processes every row of `inv` on `jobs` threads: each task checks and computes a block of
/// rows and turns it into result columns at once, so no per-row results outlive their block.
/// Output order is input order and the result does not depend on `jobs`. `progress` is called
/// with the number of rows done.
pub fn process(
    inv: &Inventory,
    opts: &RowOptions,
    jobs: usize,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Processed> {
    let cols = Columns::of(&inv.frame)?;
    let dups = duplicate_errors(inv, &cols);
    let extra = |i: usize| dups.get(&i).cloned().unwrap_or_default();
    let ranges: Vec<std::ops::Range<usize>> = (0..cols.height)
        .step_by(CHUNK_ROWS)
        .map(|s| s..(s + CHUNK_ROWS).min(cols.height))
        .collect();
    let done = AtomicUsize::new(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .build()?;
    let parts: Vec<Result<(DataFrame, DataFrame, Counts)>> = pool.install(|| {
        ranges
            .par_iter()
            .map(|r| {
                let rows = process_range(&cols, r.clone(), &extra, opts, true);
                let mut counts = Counts::default();
                counts.add(&rows);
                let results = output::results_chunk(&cols, r.start, &rows)?;
                let aggregation = output::aggregation_chunk(&cols, r.start, &rows)?;
                progress(done.fetch_add(r.len(), Ordering::Relaxed) + r.len());
                Ok((results, aggregation, counts))
            })
            .collect()
    });
    let mut results = Vec::with_capacity(parts.len());
    let mut aggregation = Vec::with_capacity(parts.len());
    let mut counts = Counts::default();
    for p in parts {
        let (r, a, c) = p?;
        results.push(r);
        aggregation.push(a);
        counts.merge(c);
    }
    if results.is_empty() {
        let rows: Vec<RowResult> = Vec::new();
        results.push(output::results_chunk(&cols, 0, &rows)?);
        aggregation.push(output::aggregation_chunk(&cols, 0, &rows)?);
    }
    Ok(Processed {
        results: stack(results)?,
        aggregation: stack(aggregation)?,
        counts,
    })
}

/// The row checks only (no calculation): rows that would be computed come back `ok` without
/// results. Used by `validate`.
pub fn validate_rows(inv: &Inventory, opts: &RowOptions) -> Result<Vec<RowResult>> {
    let cols = Columns::of(&inv.frame)?;
    let dups = duplicate_errors(inv, &cols);
    let extra = |i: usize| dups.get(&i).cloned().unwrap_or_default();
    Ok(process_range(&cols, 0..cols.height, &extra, opts, false))
}
