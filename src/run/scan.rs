//! The first pass of a run: the id columns of every chunk, for the row counts and positions,
//! the shard's rows and the duplicate `(facility_id, equipment_id)` pairs — exact across the
//! whole input while 16 bytes a row are held, up to [`KEYS_HELD`] rows, past which the keys go
//! to temporary files in sorted runs (see [`PairKeys`]); rows whose hashes meet are compared by
//! their text in a second pass over just those rows.

use crate::contract::input as I;
use crate::core::shard::Shard;
use crate::io::inputs::Inputs;
use crate::io::read::{locate, Inventory, Source};
use crate::pipeline::columns::Columns;
use crate::pipeline::duplicates::{Duplicates, PairKeys};
use anyhow::{bail, Result};
use polars::prelude::*;
use std::collections::HashMap;

/// What the first pass found.
pub(super) struct Scan {
    /// The files with their rows and hashes.
    pub(super) sources: Vec<Source>,
    /// The position of each chunk's first row in the concatenated files.
    pub(super) starts: Vec<usize>,
    /// Rows of the run (of the shard, with `--shard`).
    pub(super) rows: usize,
    /// Errors of duplicate pairs by position.
    pub(super) dups: Duplicates,
}

const IDS: [&str; 2] = [I::FACILITY_ID.name, I::EQUIPMENT_ID.name];

/// Duplicate keys held in memory (16 bytes each, 256 MiB) before they are written, sorted, to
/// a temporary file: an input of up to ~16.7 million rows is checked in memory alone.
const KEYS_HELD: usize = 1 << 24;

/// The rows of `df` (whose first row is at `start`) in `shard`: the filter (none without a
/// shard) and the kept rows' positions.
pub(super) fn keep(
    df: &DataFrame,
    start: usize,
    shard: Option<Shard>,
) -> Result<(Option<BooleanChunked>, Vec<u32>)> {
    let Some(shard) = shard else {
        return Ok((
            None,
            (start..start + df.height()).map(|p| p as u32).collect(),
        ));
    };
    let ids = df.column(I::FACILITY_ID.name)?.cast(&DataType::String)?;
    let mask: BooleanChunked = ids
        .str()?
        .iter()
        .map(|id| Some(shard.contains(id.unwrap_or_default())))
        .collect();
    let positions = mask
        .iter()
        .enumerate()
        .filter(|(_, k)| *k == Some(true))
        .map(|(i, _)| (start + i) as u32)
        .collect();
    Ok((Some(mask), positions))
}

/// The rows of chunk `k` of the run, whose first row is at `start`, with every column (the
/// files of the run, `sources`, are left empty when not known yet).
pub(super) fn chunk(
    inputs: &Inputs,
    k: usize,
    start: usize,
    sources: &[Source],
    shard: Option<Shard>,
) -> Result<Inventory> {
    let mut frame = inputs.read(&inputs.chunks()[k], None)?;
    let (mask, positions) = keep(&frame, start, shard)?;
    if let Some(m) = mask {
        frame = frame.filter(&m)?;
    }
    Ok(Inventory {
        frame,
        sources: sources.to_vec(),
        kept: Some(positions),
    })
}

/// The pass over the ids of every chunk: counts, positions, duplicates; `jobs` chunks read at
/// a time, each on its own thread (a CSV chunk is parsed on one), then taken in order.
pub(super) fn scan(inputs: &Inputs, shard: Option<Shard>, jobs: usize) -> Result<Scan> {
    let mut keys = PairKeys::default();
    let mut starts = Vec::with_capacity(inputs.chunks().len());
    let mut file_rows = vec![0usize; inputs.paths().len()];
    let (mut at, mut rows) = (0usize, 0usize);
    for window in inputs.chunks().chunks(jobs.max(1)) {
        let read: Vec<Result<DataFrame>> = std::thread::scope(|s| {
            let reading: Vec<_> = window
                .iter()
                .map(|spec| s.spawn(move || inputs.read(spec, Some(&IDS))))
                .collect();
            reading
                .into_iter()
                .map(|r| {
                    r.join()
                        .unwrap_or_else(|_| Err(anyhow::anyhow!("reading a chunk panicked")))
                })
                .collect()
        });
        for (spec, df) in window.iter().zip(read) {
            let df = df?;
            starts.push(at);
            let (mask, positions) = keep(&df, at, shard)?;
            let kept = match mask {
                Some(m) => df.filter(&m)?,
                None => df.clone(),
            };
            keys.add(&Columns::of(&kept)?, &|i| positions[i] as usize);
            keys.spill_past(KEYS_HELD)?;
            rows += kept.height();
            at += df.height();
            file_rows[spec.file] += df.height();
        }
    }
    if at > u32::MAX as usize {
        bail!(
            "{at} rows: at most {} rows can be read in one run; split the inventory with --shard",
            u32::MAX
        );
    }
    let runs = keys.runs()?;
    let texts = if runs.is_empty() {
        HashMap::new()
    } else {
        texts_of(inputs, &runs, &starts)?
    };
    let sources = inputs.sources(&file_rows)?;
    let text = |p: u32| texts.get(&p).cloned().unwrap_or_default();
    let place = |p: u32| {
        let (file, row) = locate(&sources, p as usize);
        (file.to_string(), row)
    };
    let dups = Duplicates::resolve(runs, &text, &place, &|p| p as usize, sources.len() > 1);
    Ok(Scan {
        sources,
        starts,
        rows,
        dups,
    })
}

/// The ids (as text) of the rows at the positions of `runs`, read again.
fn texts_of(
    inputs: &Inputs,
    runs: &[Vec<u32>],
    starts: &[usize],
) -> Result<HashMap<u32, (String, String)>> {
    let mut wanted: Vec<u32> = runs.iter().flatten().copied().collect();
    wanted.sort_unstable();
    let mut out = HashMap::with_capacity(wanted.len());
    for (k, spec) in inputs.chunks().iter().enumerate() {
        let (lo, hi) = (
            starts[k] as u32,
            starts.get(k + 1).map_or(u32::MAX, |&s| s as u32),
        );
        let from = wanted.partition_point(|&p| p < lo);
        let to = wanted.partition_point(|&p| p < hi);
        if from == to {
            continue;
        }
        let df = inputs.read(spec, Some(&IDS))?;
        let cols = Columns::of(&df)?;
        for &p in &wanted[from..to] {
            let i = (p - lo) as usize;
            let mut f = Vec::new();
            let mut e = Vec::new();
            cols.get(&I::FACILITY_ID).text_values(i..i + 1, &mut f);
            cols.get(&I::EQUIPMENT_ID).text_values(i..i + 1, &mut e);
            let text =
                |v: &[Option<&str>]| v.first().copied().flatten().unwrap_or_default().to_string();
            out.insert(p, (text(&f), text(&e)));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A CSV of `n` rows with a duplicate pair far apart.
    fn csv(n: usize) -> Vec<u8> {
        let mut t = String::from(
            "facility_id,equipment_id,equipment_class,nominal_voltage_v,\
             bolted_fault_current_ka,arc_duration_ms,notes\n",
        );
        for k in 0..n {
            t.push_str(&format!(
                "F{},E{k},mcc,{},20,50,\"note {k}\"\n",
                k % 3,
                208 + k
            ));
        }
        t.push_str("F1,E1,mcc,480,20,50,again\n");
        t.into_bytes()
    }

    #[test]
    fn the_scan_is_the_same_whatever_chunks_are_read_together() {
        let inputs = Inputs::from_bytes("inv.csv", csv(40), 4).unwrap();
        let n = inputs.chunks().len();
        assert!(n > 4, "{n} chunks");
        // One chunk at a time, a window ending inside the chunks, all at once.
        for jobs in [1, 3, n] {
            let s = scan(&inputs, None, jobs).unwrap();
            assert_eq!(s.rows, 41);
            assert_eq!(s.starts, (0..n).map(|k| 4 * k).collect::<Vec<_>>());
            assert_eq!(s.dups.get(1).len(), 1, "the duplicate is found");
            assert!(s.dups.any_in(0..2) && !s.dups.any_in(2..40) && s.dups.any_in(40..41));
            for k in 0..n {
                let inv = chunk(&inputs, k, s.starts[k], &s.sources, None).unwrap();
                let at = s.starts[k] as u32;
                let want: Vec<u32> = (at..at + inv.frame.height() as u32).collect();
                assert_eq!(inv.kept, Some(want), "chunk {k}, jobs {jobs}");
            }
        }
    }
}
