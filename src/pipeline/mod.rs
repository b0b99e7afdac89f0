//! The batch pipeline over an inventory: parse and check every row, compute in parallel,
//! build the result and summary frames. Reading and writing stay in [`crate::io`].

pub mod columns;
pub mod output;
pub mod rows;

use crate::io::read::Inventory;
use anyhow::Result;
use columns::{c, Columns};
use rayon::prelude::*;
use rows::{process_range, RowError, RowOptions, RowResult};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Rows per parallel task.
pub const CHUNK_ROWS: usize = 16 * 1024;

/// Errors for duplicate `(facility_id, equipment_id)` pairs: every row of a pair is invalid and
/// names the other rows.
pub fn duplicate_errors(inv: &Inventory, cols: &Columns) -> HashMap<usize, Vec<RowError>> {
    let fac = cols.get(c::FACILITY_ID);
    let eq = cols.get(c::EQUIPMENT_ID);
    let mut seen: HashMap<(&str, &str), Vec<usize>> = HashMap::with_capacity(cols.height);
    for i in 0..cols.height {
        if let (Some(f), Some(e)) = (fac.raw(i), eq.raw(i)) {
            seen.entry((f, e)).or_default().push(i);
        }
    }
    let mut out = HashMap::new();
    for ((f, e), rows) in seen {
        if rows.len() < 2 {
            continue;
        }
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

/// Processes every row of `inv` on `jobs` threads. Output order is input order and the
/// result does not depend on `jobs`. `progress` is called with the number of rows done.
pub fn process(
    inv: &Inventory,
    opts: &RowOptions,
    jobs: usize,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Vec<RowResult>> {
    run_rows(inv, opts, jobs, progress, true)
}

/// The row checks only (no calculation): rows that would be computed come back `ok` without
/// results. Used by `validate`.
pub fn validate_rows(inv: &Inventory, opts: &RowOptions) -> Result<Vec<RowResult>> {
    run_rows(inv, opts, 1, &|_| {}, false)
}

fn run_rows(
    inv: &Inventory,
    opts: &RowOptions,
    jobs: usize,
    progress: &(dyn Fn(usize) + Sync),
    calculate: bool,
) -> Result<Vec<RowResult>> {
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
    let parts: Vec<Vec<RowResult>> = pool.install(|| {
        ranges
            .par_iter()
            .map(|r| {
                let out = process_range(&cols, r.clone(), &extra, opts, calculate);
                progress(done.fetch_add(r.len(), Ordering::Relaxed) + r.len());
                out
            })
            .collect()
    });
    Ok(parts.into_iter().flatten().collect())
}
