//! Building result columns: the passed-through input columns, and the column helpers the
//! [`super::store::Store`] uses (codes rendered through a dictionary, numbers with missing
//! values, the hash as hex).

use crate::contract::results as R;
use crate::io::read::Inventory;
pub(super) use crate::io::write::bits;
use crate::io::write::{CodedText, Part};
use polars::prelude::*;
use polars_arrow::bitmap::Bitmap;

/// Empty lists are written as missing values (an empty CSV cell, JSON null).
pub(super) fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// The names the passed-through columns get, in input order: its own, unless an output column
/// or another passed-through column already has it — then `input_` is put in front (again,
/// until the name is free). So `status` becomes `input_status`, and an input that also has an
/// `input_status` column keeps both (`input_status`, `input_input_status`).
pub(crate) fn passthrough_names(names: &[String]) -> Vec<String> {
    let is_output = |n: &str| R::by_name(n).is_some();
    let mut taken: std::collections::HashSet<String> = R::names().map(str::to_string).collect();
    // Names that need no prefix are reserved first, so a prefixed name never takes them.
    for n in names {
        if !is_output(n) {
            taken.insert(n.clone());
        }
    }
    names
        .iter()
        .map(|n| {
            if !is_output(n) {
                return n.clone();
            }
            let mut name = format!("input_{n}");
            while taken.contains(&name) {
                name = format!("input_{name}");
            }
            taken.insert(name.clone());
            name
        })
        .collect()
}

/// Adds the passed-through input columns to a part of the result frame whose first row is
/// input row `start`.
pub(crate) fn append_passthrough_rows(
    inv: &Inventory,
    df: &mut DataFrame,
    start: usize,
) -> PolarsResult<()> {
    let n = df.height();
    let names = inv.passthrough_columns();
    for (name, out_name) in names.iter().zip(passthrough_names(&names)) {
        let col = inv.frame.column(name)?.slice(start as i64, n);
        df.with_column(col.with_name(out_name.as_str().into()))?;
    }
    Ok(())
}

/// A result column, with the codes it was built from when it is a coded text column.
pub(super) type Built = (Column, Option<CodedText>);

/// A text column whose row values are `codes` looked up in `dict` (`None` = missing), kept as
/// its codes: the column itself is a placeholder until a consumer needs the texts (see
/// [`crate::io::write::Part`]); the Parquet writer takes it from the codes.
pub(super) fn coded_column(
    name: &str,
    dict: Vec<Option<String>>,
    codes: impl Iterator<Item = usize>,
) -> PolarsResult<Built> {
    let codes: Vec<u32> = codes.map(|c| c as u32).collect();
    Ok((
        Part::placeholder(name, codes.len()),
        Some(CodedText { codes, texts: dict }),
    ))
}

/// A text column of a small bit set: each distinct set is rendered once.
pub(super) fn keyed_column(
    name: &str,
    keys: &[impl Copy + Into<u32>],
    missing: u32,
    render: impl Fn(u32) -> Option<String>,
) -> PolarsResult<Built> {
    // The keys are small (u8 or u16 bit sets): a dense table from key to code, no hashing.
    const UNSEEN: usize = usize::MAX;
    let size = keys
        .iter()
        .map(|&k| k.into())
        .max()
        .map_or(0, |m| m as usize + 1);
    let mut slot: Vec<usize> = vec![UNSEEN; size];
    let mut dict: Vec<Option<String>> = vec![None];
    let mut codes = Vec::with_capacity(keys.len());
    for &k in keys {
        let k: u32 = k.into();
        let code = match slot[k as usize] {
            UNSEEN if k == missing => 0,
            UNSEEN => {
                dict.push(render(k));
                slot[k as usize] = dict.len() - 1;
                dict.len() - 1
            }
            c => c,
        };
        codes.push(code);
    }
    coded_column(name, dict, codes.into_iter())
}

/// A text column of `n` rows, missing but for `values` (row numbers from `start`, ascending):
/// the runs of missing rows are added at once, not row by row.
pub(super) fn sparse_text_column(
    name: &str,
    n: usize,
    start: usize,
    values: &[(u32, String)],
) -> Column {
    let mut array = polars_arrow::array::MutableBinaryViewArray::<str>::with_capacity(n);
    let mut next = 0;
    for (row, text) in values {
        let at = *row as usize - start;
        array.extend_null(at - next);
        array.push_value(text.as_str());
        next = at + 1;
    }
    array.extend_null(n - next);
    StringChunked::with_chunk(name.into(), array.freeze()).into_column()
}

/// The validity of `values` by `present` (`None` when every value is present).
pub(super) fn validity<T>(values: &[T], present: impl Fn(&T) -> bool) -> Option<Bitmap> {
    let (valid, set) = bits(values, present);
    (set < values.len()).then_some(valid)
}

/// A Float64 column from values with NaN for missing ones.
pub(super) fn f64_column(name: &str, values: Vec<f64>) -> Column {
    let valid = validity(&values, |v| !v.is_nan());
    Float64Chunked::from_vec_validity(name.into(), values, valid).into_column()
}

/// `input_hash` as 16 hex digits per row, formatted into one buffer.
pub(super) fn hash_column(name: &str, hashes: &[u64]) -> Column {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut buf = vec![0u8; hashes.len() * 16];
    for (h, out) in hashes.iter().zip(buf.chunks_exact_mut(16)) {
        for (k, o) in out.iter_mut().enumerate() {
            *o = HEX[((h >> (60 - 4 * k)) & 0xf) as usize];
        }
    }
    let text = std::str::from_utf8(&buf).unwrap_or_default();
    let values: StringChunked = (0..hashes.len())
        .map(|i| Some(&text[16 * i..16 * i + 16]))
        .collect();
    values.with_name(name.into()).into_column()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_are_set_where_the_predicate_holds() {
        for n in [0usize, 1, 7, 8, 9, 16, 63, 100] {
            let values: Vec<u32> = (0..n as u32).map(|i| i * 7919 % 5).collect();
            let (b, set) = bits(&values, |&v| v < 2);
            assert_eq!(b.len(), n);
            assert_eq!(set, values.iter().filter(|&&v| v < 2).count());
            for (i, v) in values.iter().enumerate() {
                assert_eq!(b.get_bit(i), *v < 2, "{n} values, bit {i}");
            }
        }
    }
}
