//! Duplicate `(facility_id, equipment_id)` pairs across the whole input.

use super::columns::Columns;
use super::rows::RowError;
use super::CHUNK_ROWS;
use crate::contract::input as I;
use crate::io::read::Inventory;
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

/// One u64 per row with both ids: the pair's hash in the high bits, the row in the low `shift`
/// bits, sorted, so equal hashes are adjacent with their rows in input order. Hashed in
/// parallel blocks and sorted in parallel: no map of a million ids is built.
fn sorted_keys(cols: &Columns, shift: u32) -> Vec<u64> {
    let row_mask = (1u64 << shift) - 1;
    let ranges: Vec<std::ops::Range<usize>> = (0..cols.height)
        .step_by(16 * CHUNK_ROWS)
        .map(|s| s..(s + 16 * CHUNK_ROWS).min(cols.height))
        .collect();
    let mut keyed: Vec<u64> = ranges
        .par_iter()
        .flat_map_iter(|r| {
            let (f, e) = ids_of(cols, r.clone());
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
    keyed
}

/// The groups of rows with the same pair (at least two rows each, rows in input order): rows
/// with the same hash bits are split by their actual text (a collision is not a duplicate).
fn groups(cols: &Columns) -> Vec<Vec<usize>> {
    let shift = usize::BITS - cols.height.leading_zeros();
    let row_mask = (1u64 << shift) - 1;
    let keyed = sorted_keys(cols, shift);
    let pair = |i: usize| {
        let (f, e) = ids_of(cols, i..i + 1);
        (f[0].unwrap_or_default(), e[0].unwrap_or_default())
    };
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for same_hash in keyed.chunk_by(|a, b| a >> shift == b >> shift) {
        if same_hash.len() < 2 {
            continue;
        }
        let mut rest: Vec<usize> = same_hash.iter().map(|&k| (k & row_mask) as usize).collect();
        while let Some(&first) = rest.first() {
            let p = pair(first);
            let (same, other): (Vec<usize>, Vec<usize>) = rest.iter().partition(|&&r| pair(r) == p);
            if same.len() > 1 {
                groups.push(same);
            }
            rest = other;
        }
    }
    groups
}

/// The error of row `i` of a group: the pair, and the other rows (up to five; their file too
/// when there are several inputs).
fn error_of(inv: &Inventory, rows: &[usize], i: usize, (f, e): (&str, &str)) -> RowError {
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
    RowError {
        column: I::EQUIPMENT_ID.name,
        value: Some(e.to_string()),
        reason: format!(
            "duplicate (facility_id, equipment_id) = ({f}, {e}), also on {}{more}, ids must be unique within a facility",
            others.join(", ")
        ),
    }
}

/// Errors for duplicate `(facility_id, equipment_id)` pairs: every row of a pair is invalid and
/// names the other rows.
pub(crate) fn duplicate_errors(inv: &Inventory, cols: &Columns) -> HashMap<usize, Vec<RowError>> {
    let mut out = HashMap::new();
    for rows in groups(cols) {
        let (f, e) = ids_of(cols, rows[0]..rows[0] + 1);
        let pair = (f[0].unwrap_or_default(), e[0].unwrap_or_default());
        for &i in &rows {
            out.insert(i, vec![error_of(inv, &rows, i, pair)]);
        }
    }
    out
}
