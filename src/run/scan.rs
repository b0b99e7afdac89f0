//! The first pass of a run: the id columns of every chunk, for the row counts and positions,
//! the shard's rows and the duplicate `(facility_id, equipment_id)` pairs — exact across the
//! whole input while only 16 bytes a row are held (see [`PairKeys`]); rows whose hashes meet
//! are compared by their text in a second pass over just those rows.

use crate::contract::input as I;
use crate::core::shard::Shard;
use crate::io::inputs::{ChunkSpec, Inputs};
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
    /// Per chunk: its whole frame when the first pass read it whole (CSV within
    /// [`KEEP_CSV_BYTES`], and a Parquet input's first chunk), taken by [`chunk`].
    frames: Vec<std::sync::Mutex<Option<DataFrame>>>,
}

/// CSV chunks are parsed once while their bytes add up to at most this: the first pass reads
/// them whole (tokenising a CSV chunk costs the same for two columns as for all) and keeps the
/// frames for the second. Past it, chunks are read twice, so memory stays bounded.
const KEEP_CSV_BYTES: u64 = 256 << 20;

const IDS: [&str; 2] = [I::FACILITY_ID.name, I::EQUIPMENT_ID.name];

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

/// The rows of chunk `k` of the run (positions from the first pass), with every column.
pub(super) fn chunk(
    inputs: &Inputs,
    scan: &Scan,
    k: usize,
    shard: Option<Shard>,
) -> Result<Inventory> {
    let kept = scan.frames.get(k).and_then(|f| f.lock().ok()?.take());
    let mut frame = match kept {
        Some(f) => f,
        None => inputs.read(&inputs.chunks()[k], None)?,
    };
    let (mask, positions) = keep(&frame, scan.starts[k], shard)?;
    if let Some(m) = mask {
        frame = frame.filter(&m)?;
    }
    Ok(Inventory {
        frame,
        sources: scan.sources.clone(),
        kept: Some(positions),
    })
}

/// Reads the ids of every chunk, `jobs` chunks at a time: counts, positions, duplicates.
pub(super) fn scan(inputs: &Inputs, shard: Option<Shard>, jobs: usize) -> Result<Scan> {
    scan_keeping(inputs, shard, KEEP_CSV_BYTES, jobs)
}

/// [`scan`], keeping whole CSV chunks up to `keep_csv_bytes` in all. The first chunk of a
/// Parquet input is read whole meanwhile, on another thread (the pass itself keeps a core
/// busy only part of the time), and kept for [`chunk`].
fn scan_keeping(
    inputs: &Inputs,
    shard: Option<Shard>,
    keep_csv_bytes: u64,
    jobs: usize,
) -> Result<Scan> {
    std::thread::scope(|s| {
        let ahead = inputs
            .chunks()
            .first()
            .filter(|spec| spec.csv_bytes().is_none())
            .map(|spec| s.spawn(move || inputs.read(spec, None)));
        let scan = first_pass(inputs, shard, keep_csv_bytes, jobs)?;
        if let Some(read) = ahead {
            let frame = read
                .join()
                .map_err(|_| anyhow::anyhow!("reading the first chunk panicked"))??;
            if let Some(slot) = scan.frames.first() {
                *slot
                    .lock()
                    .map_err(|_| anyhow::anyhow!("the first chunk's lock"))? = Some(frame);
            }
        }
        Ok(scan)
    })
}

/// A chunk as the first pass reads it: whole when kept for the second pass, and its ids.
struct Read {
    whole: Option<DataFrame>,
    ids: DataFrame,
}

/// Reads chunk `spec` for the first pass, `whole` or just its ids.
fn read_ids(inputs: &Inputs, spec: &ChunkSpec, whole: bool) -> Result<Read> {
    if !whole {
        let ids = inputs.read(spec, Some(&IDS))?;
        return Ok(Read { whole: None, ids });
    }
    let whole = inputs.read(spec, None)?;
    // The id columns, as `inputs.read(spec, Some(&IDS))` gives them.
    let ids = IDS.iter().filter_map(|n| whole.column(n).ok().cloned());
    let ids = DataFrame::new(whole.height(), ids.collect())?;
    Ok(Read {
        whole: Some(whole),
        ids,
    })
}

/// Which chunks the first pass reads whole: CSV chunks while their bytes add up to at most
/// `keep_csv_bytes`.
fn kept_whole(inputs: &Inputs, keep_csv_bytes: u64) -> Vec<bool> {
    let mut csv_kept = 0u64;
    inputs
        .chunks()
        .iter()
        .map(|spec| {
            spec.csv_bytes()
                .filter(|b| csv_kept + b <= keep_csv_bytes)
                .inspect(|b| csv_kept += b)
                .is_some()
        })
        .collect()
}

/// The pass over the ids of every chunk (see [`scan_keeping`]); `jobs` chunks are read at a
/// time, each on its own thread (a CSV chunk is parsed on one), then taken in order.
fn first_pass(
    inputs: &Inputs,
    shard: Option<Shard>,
    keep_csv_bytes: u64,
    jobs: usize,
) -> Result<Scan> {
    let mut keys = PairKeys::default();
    let mut starts = Vec::with_capacity(inputs.chunks().len());
    let mut file_rows = vec![0usize; inputs.paths().len()];
    let (mut at, mut rows) = (0usize, 0usize);
    let mut frames = Vec::with_capacity(inputs.chunks().len());
    let whole = kept_whole(inputs, keep_csv_bytes);
    let specs: Vec<(&ChunkSpec, bool)> = inputs.chunks().iter().zip(whole).collect();
    for window in specs.chunks(jobs.max(1)) {
        let read: Vec<Result<Read>> = std::thread::scope(|s| {
            let reading: Vec<_> = window
                .iter()
                .map(|&(spec, whole)| s.spawn(move || read_ids(inputs, spec, whole)))
                .collect();
            reading
                .into_iter()
                .map(|r| {
                    r.join()
                        .unwrap_or_else(|_| Err(anyhow::anyhow!("reading a chunk panicked")))
                })
                .collect()
        });
        for (&(spec, _), r) in window.iter().zip(read) {
            let Read { whole, ids: df } = r?;
            frames.push(std::sync::Mutex::new(whole));
            starts.push(at);
            let (mask, positions) = keep(&df, at, shard)?;
            let kept = match mask {
                Some(m) => df.filter(&m)?,
                None => df.clone(),
            };
            keys.add(&Columns::of(&kept)?, &|i| positions[i] as usize);
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
    let runs = keys.runs();
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
        frames,
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
    fn kept_csv_chunks_are_the_chunks_read_again() {
        let inputs = Inputs::from_bytes("inv.csv", csv(40), 4).unwrap();
        let n = inputs.chunks().len();
        assert!(n > 4, "{n} chunks");
        let all: Vec<DataFrame> = (0..n)
            .map(|k| inputs.read(&inputs.chunks()[k], None).unwrap())
            .collect();
        // Nothing kept, some chunks kept (the budget ends inside the file), all kept.
        let half: u64 = inputs.chunks()[..n / 2]
            .iter()
            .filter_map(ChunkSpec::csv_bytes)
            .sum();
        for budget in [0, half, u64::MAX] {
            let s = scan_keeping(&inputs, None, budget, 2).unwrap();
            let kept = s
                .frames
                .iter()
                .filter(|f| f.lock().unwrap().is_some())
                .count();
            let want = match budget {
                0 => 0,
                u64::MAX => n,
                _ => n / 2,
            };
            assert_eq!(kept, want, "budget {budget}");
            assert_eq!(s.rows, 41);
            assert_eq!(s.dups.get(1).len(), 1, "the duplicate is found");
            for (k, want) in all.iter().enumerate() {
                let got = chunk(&inputs, &s, k, None).unwrap().frame;
                assert!(got.equals_missing(want), "chunk {k}, budget {budget}");
            }
        }
    }
}
