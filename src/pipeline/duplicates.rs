//! Duplicate `(facility_id, equipment_id)` pairs across the whole input.

use super::columns::{Col, Columns};
use super::rows::RowError;
use super::CHUNK_ROWS;
use crate::contract::input as I;
use crate::io::read::Inventory;
use crate::io::spill::{Keyed, SortedRuns};
use rayon::prelude::*;
use std::collections::HashMap;

/// The ids of the rows of a range: facility and equipment, as read.
type Ids<'a> = (Vec<Option<&'a str>>, Vec<Option<&'a str>>);

fn ids_of<'a>(cols: &'a Columns, r: std::ops::Range<usize>) -> Ids<'a> {
    let (mut f, mut e) = (Vec::with_capacity(r.len()), Vec::with_capacity(r.len()));
    cols.get(&I::FACILITY_ID).text_values(r.clone(), &mut f);
    cols.get(&I::EQUIPMENT_ID).text_values(r, &mut e);
    (f, e)
}

/// The high and low halves of the 128-bit product of `a` and `b`, xored (the "folded
/// multiply" of wyhash-style hashes: every input bit reaches every output bit).
#[inline]
fn fold(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

/// A 64-bit hash of one id's bytes, 16 bytes a step (for ids longer than [`INLINE`]; shorter
/// ones are keyed from their views).
#[inline]
fn id_hash(s: &str, seed: u64) -> u64 {
    const K: [u64; 3] = [
        0xa076_1d64_78bd_642f,
        0xe703_7ed1_a0b4_28db,
        0x8ebc_6af0_9c88_c6e3,
    ];
    let word = |b: &[u8]| {
        let mut w = [0u8; 8];
        w[..b.len()].copy_from_slice(b);
        u64::from_le_bytes(w)
    };
    let bytes = s.as_bytes();
    let mut h = seed ^ fold(bytes.len() as u64 ^ K[0], seed ^ K[1]);
    for step in bytes.chunks(16) {
        let (a, b) = step.split_at(step.len().min(8));
        h = fold(word(a) ^ K[1] ^ h, word(b) ^ K[2]);
    }
    h
}

/// The view of a text of at most 12 bytes, as Arrow's string views hold it inline: the length
/// (4 bytes), then the bytes, zero padded.
#[cfg(test)]
fn inline_view(s: &str) -> u128 {
    let mut b = [0u8; 16];
    b[..4].copy_from_slice(&(s.len() as u32).to_le_bytes());
    b[4..4 + s.len()].copy_from_slice(s.as_bytes());
    u128::from_le_bytes(b)
}

/// The longest text a view holds inline.
const INLINE: usize = 12;

/// The key of one id given its view when the text is short enough to be inside it (then the
/// view is the text), else its text.
#[inline]
fn id_key<'a>(view: Option<u128>, text: &dyn Fn() -> &'a str, seed: u64) -> u64 {
    match view {
        Some(v) => fold(
            (v as u64) ^ seed,
            ((v >> 64) as u64) ^ 0xe703_7ed1_a0b4_28db,
        ),
        None => id_hash(text(), seed),
    }
}

const SEEDS: [u64; 2] = [0x243f_6a88_85a3_08d3, 0x1319_8a2e_0370_7344];

/// The key of an id pair: the two ids keyed independently (two chains the processor runs
/// side by side), then folded together. Internal to one run (never written anywhere): equal
/// pairs have equal keys, and rows whose keys meet are compared by their text.
#[inline]
fn pair_key(f: u64, e: u64) -> u64 {
    fold(f ^ 0x5899_65cc_7537_4cc3, e ^ 0x1d8e_4e27_c47d_124f)
}

/// [`pair_key`] of two texts (as [`PairKeys::add`] keys them from their views).
#[cfg(test)]
fn pair_hash(facility: &str, equipment: &str) -> u64 {
    let key = |s: &str, seed| {
        let view = (s.len() <= INLINE).then(|| inline_view(s));
        id_key(view, &|| s, seed)
    };
    pair_key(key(facility, SEEDS[0]), key(equipment, SEEDS[1]))
}

/// The key of each row `range` of a text column (`None` for a missing id).
fn id_keys(
    ca: &polars::prelude::StringChunked,
    range: std::ops::Range<usize>,
    seed: u64,
) -> Vec<Option<u64>> {
    let mut out = Vec::with_capacity(range.len());
    let mut at = 0usize;
    for arr in ca.downcast_iter() {
        let len = polars_arrow::array::Array::len(arr);
        let (from, to) = (range.start.max(at), range.end.min(at + len));
        let validity = polars_arrow::array::Array::validity(arr);
        for i in from.saturating_sub(at)..to.saturating_sub(at) {
            if validity.is_some_and(|b| !b.get_bit(i)) {
                out.push(None);
                continue;
            }
            let view = arr.views()[i];
            let inline = (view.length as usize <= INLINE).then(|| view.as_u128());
            out.push(Some(id_key(inline, &|| arr.value(i), seed)));
        }
        at += len;
    }
    out
}

/// The 64-bit hash of each row's id pair with the row's position, collected part by part
/// (16 bytes a row held: the only per-row memory of the check), then sorted so equal hashes
/// are adjacent with their rows in input order. Rows without both ids are not keyed. Past a
/// limit ([`PairKeys::spill_past`]) the keys held are sorted and written to a temporary file,
/// and the runs are merged at the end, so the memory held is bounded whatever the input size.
#[derive(Default)]
pub(crate) struct PairKeys {
    keys: Vec<Keyed>,
    spilled: SortedRuns,
}

impl PairKeys {
    /// Keys the rows of `cols`, row `i` at `position(i)`; hashed in parallel blocks.
    pub(crate) fn add(&mut self, cols: &Columns, position: &(dyn Fn(usize) -> usize + Sync)) {
        let ranges: Vec<std::ops::Range<usize>> = (0..cols.height)
            .step_by(16 * CHUNK_ROWS)
            .map(|s| s..(s + 16 * CHUNK_ROWS).min(cols.height))
            .collect();
        let keyed: Vec<Vec<(u64, u32)>> = ranges
            .par_iter()
            .map(|r| {
                let (Col::Text(f), Col::Text(e)) =
                    (cols.get(&I::FACILITY_ID), cols.get(&I::EQUIPMENT_ID))
                else {
                    return Vec::new();
                };
                let (f, e) = (
                    id_keys(f, r.clone(), SEEDS[0]),
                    id_keys(e, r.clone(), SEEDS[1]),
                );
                let start = r.start;
                f.into_iter()
                    .zip(e)
                    .enumerate()
                    .filter_map(|(k, pair)| match pair {
                        (Some(f), Some(e)) => Some((pair_key(f, e), position(start + k) as u32)),
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        for k in keyed {
            self.keys.extend(k);
        }
    }

    /// Once `limit` keys or more are held, writes them, sorted, to a temporary file.
    pub(crate) fn spill_past(&mut self, limit: usize) -> anyhow::Result<()> {
        if self.keys.len() < limit {
            return Ok(());
        }
        self.keys.par_sort_unstable();
        self.spilled.write(&self.keys)?;
        self.keys.clear();
        Ok(())
    }

    /// The runs of rows with the same hash (two rows or more, in input order): the rows that
    /// may be duplicates, to be compared by their text. In order of hash, whether spilled or
    /// not.
    pub(crate) fn runs(mut self) -> anyhow::Result<Vec<Vec<u32>>> {
        if self.spilled.is_empty() {
            // By hash alone (one comparison, not two); the few runs are put in input order
            // after.
            self.keys.par_sort_unstable_by_key(|k| k.0);
            return Ok(self
                .keys
                .chunk_by(|a, b| a.0 == b.0)
                .filter(|run| run.len() > 1)
                .map(|run| {
                    let mut rows: Vec<u32> = run.iter().map(|k| k.1).collect();
                    rows.sort_unstable();
                    rows
                })
                .collect());
        }
        self.keys.par_sort_unstable();
        let (mut runs, mut rows, mut hash) = (Vec::new(), Vec::new(), None);
        self.spilled.merge(&self.keys, &mut |(h, at)| {
            if hash != Some(h) {
                if rows.len() > 1 {
                    runs.push(std::mem::take(&mut rows));
                }
                rows.clear();
                hash = Some(h);
            }
            rows.push(at);
        })?;
        if rows.len() > 1 {
            runs.push(rows);
        }
        Ok(runs)
    }
}

/// Errors of duplicate `(facility_id, equipment_id)` pairs by row position: every row of a
/// pair is invalid and names the other rows.
#[derive(Default)]
pub struct Duplicates {
    errors: HashMap<usize, Vec<RowError>>,
}

impl Duplicates {
    /// The errors of the row at `position` (none for most rows).
    pub(crate) fn get(&self, position: usize) -> Vec<RowError> {
        if self.errors.is_empty() {
            return Vec::new();
        }
        self.errors.get(&position).cloned().unwrap_or_default()
    }

    /// Whether a row at one of `positions` is in a duplicate pair.
    pub(crate) fn any_in(&self, positions: std::ops::Range<usize>) -> bool {
        self.errors.keys().any(|p| positions.contains(p))
    }

    /// The duplicates among the rows of one inventory (in memory: its keys are held).
    pub(crate) fn of(inv: &Inventory, cols: &Columns) -> anyhow::Result<Duplicates> {
        let mut keys = PairKeys::default();
        keys.add(cols, &|i| i);
        let text = |i: u32| {
            let (f, e) = ids_of(cols, i as usize..i as usize + 1);
            (
                f[0].unwrap_or_default().to_string(),
                e[0].unwrap_or_default().to_string(),
            )
        };
        let place = |i: u32| {
            let (file, row) = inv.locate(i as usize);
            (file.to_string(), row)
        };
        Ok(Duplicates::resolve(
            keys.runs()?,
            &text,
            &place,
            &|i| inv.position(i as usize),
            inv.sources.len() > 1,
        ))
    }

    /// The duplicates of the same-hash `runs`: rows are split by their actual ids (`text`; a
    /// hash collision is not a duplicate), named by `place` (file, row), keyed by `key`.
    pub(crate) fn resolve(
        runs: Vec<Vec<u32>>,
        text: &dyn Fn(u32) -> (String, String),
        place: &dyn Fn(u32) -> (String, usize),
        key: &dyn Fn(u32) -> usize,
        several_files: bool,
    ) -> Duplicates {
        let mut errors = HashMap::new();
        for run in runs {
            let mut rest: Vec<(u32, (String, String))> =
                run.into_iter().map(|r| (r, text(r))).collect();
            while let Some((_, pair)) = rest.first().cloned() {
                let (same, other): (Vec<_>, Vec<_>) =
                    rest.into_iter().partition(|(_, p)| *p == pair);
                rest = other;
                if same.len() < 2 {
                    continue;
                }
                let rows: Vec<u32> = same.iter().map(|(r, _)| *r).collect();
                for &i in &rows {
                    let e = error_of(&rows, i, (&pair.0, &pair.1), place, several_files);
                    errors.insert(key(i), vec![e]);
                }
            }
        }
        Duplicates { errors }
    }
}

/// The error of row `i` of a group: the pair, and the other rows (up to five; their file too
/// when there are several inputs).
fn error_of(
    rows: &[u32],
    i: u32,
    (f, e): (&str, &str),
    place: &dyn Fn(u32) -> (String, usize),
    several_files: bool,
) -> RowError {
    let others: Vec<String> = rows
        .iter()
        .filter(|&&j| j != i)
        .take(5)
        .map(|&j| {
            let (file, row) = place(j);
            if several_files {
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
    RowError {
        column: I::EQUIPMENT_ID.name,
        value: Some(e.to_string()),
        reason: format!(
            "duplicate (facility_id, equipment_id) = ({f}, {e}), also on {}{more}, ids must be unique within a facility",
            others.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Keys written to temporary files past a limit and merged give the runs the keys held
        /// in memory give: the same runs, in the same order, their rows in input order.
        #[test]
        fn spilled_keys_give_the_runs_of_keys_held(
            hashes in proptest::collection::vec(0u64..40, 0..2_000),
            part in 1usize..300,
            limit in 1usize..500,
        ) {
            let keys: Vec<Keyed> = hashes.iter().enumerate().map(|(i, &h)| (h, i as u32)).collect();
            let held = PairKeys { keys: keys.clone(), ..PairKeys::default() };
            let mut spilled = PairKeys::default();
            for p in keys.chunks(part) {
                spilled.keys.extend_from_slice(p);
                spilled.spill_past(limit).unwrap();
            }
            prop_assert_eq!(spilled.spilled.is_empty(), keys.len() < limit);
            prop_assert_eq!(spilled.runs().unwrap(), held.runs().unwrap());
        }
    }

    #[test]
    fn pair_keys_tell_pairs_apart() {
        // Moving bytes between the two ids, lengths, a 16-byte boundary, unicode.
        let pairs = [
            ("F1", "E1"),
            ("F1", "E2"),
            ("F", "1E1"),
            ("F1E", "1"),
            ("", "F1E1"),
            ("F1E1", ""),
            ("", ""),
            ("0123456789abcdef", "x"),
            ("0123456789abcdef0", "x"),
            ("0123456789abcde", "fx"),
            ("F1\0", "E1"),
            ("Ünïcode", "E1"),
        ];
        let keys: std::collections::HashSet<u64> =
            pairs.iter().map(|(f, e)| pair_hash(f, e)).collect();
        assert_eq!(keys.len(), pairs.len());
        // Short texts are keyed from their views: the view of a short text is its inline form.
        let texts = ["", "a", "SITE-0001", "EQ-0000001", "twelve bytes", "Ünï"];
        let array = polars_arrow::array::Utf8ViewArray::from_slice_values(texts);
        for (view, text) in array.views().iter().zip(texts) {
            assert!(text.len() <= INLINE);
            assert_eq!(view.as_u128(), inline_view(text), "{text:?}");
        }
        // And the keys of a column (inline and longer ids, missing ones) are those of its texts.
        let ids = [
            Some("SITE-0001"),
            None,
            Some("a facility id longer than 12"),
            Some(""),
        ];
        let ca: polars::prelude::StringChunked = ids.iter().copied().collect();
        let keys = id_keys(&ca, 0..4, SEEDS[0]);
        for (k, id) in keys.iter().zip(ids) {
            let want = id.map(|t| {
                let view = (t.len() <= INLINE).then(|| inline_view(t));
                id_key(view, &|| t, SEEDS[0])
            });
            assert_eq!(*k, want);
        }
        assert_eq!(id_keys(&ca, 1..3, SEEDS[0]), keys[1..3].to_vec());
        // No collision among many similar ids (a collision would only cost a text comparison).
        let many: std::collections::HashSet<u64> = (0..200_000)
            .map(|i| pair_hash(&format!("SITE-{:04}", i % 2000), &format!("EQ-{i:07}")))
            .collect();
        assert_eq!(many.len(), 200_000);
    }
}
