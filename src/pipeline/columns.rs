//! The inventory's columns ([`crate::contract::input`]) and typed access to them, whatever the
//! source's dtypes.
//!
//! CSV inputs are read with every column as text, so each value is parsed here and a bad value
//! becomes a row error naming the column and the value. Parquet inputs keep their numeric
//! dtypes (read directly) and have other dtypes (dates, integers as ids) cast to text.

use polars::prelude::*;

use crate::contract::{input, Column};

/// How an input column is read: as a number when its type is numeric, as text otherwise.
pub(crate) fn is_number(c: &Column) -> bool {
    c.ty.is_numeric()
}

/// A number cell: `Ok(None)` when empty, `Err(())` when its text is not a number.
pub(crate) type Number = Result<Option<f64>, ()>;

/// One column, typed for reading.
pub(crate) enum Col {
    /// Not in the input.
    Missing,
    /// Text values.
    Text(StringChunked),
    /// Numbers (from a numeric Parquet column).
    Num(Float64Chunked),
}

impl Col {
    /// Prepares input column `c` of `df` for reading.
    pub(crate) fn of(df: &DataFrame, c: &Column) -> PolarsResult<Col> {
        let Ok(col) = df.column(c.name) else {
            return Ok(Col::Missing);
        };
        // Not rechunked: blocks read across chunk boundaries (see [`text_values`]).
        let s = col.as_materialized_series().clone();
        let dt = s.dtype().clone();
        if is_number(c) && dt.is_primitive_numeric() {
            return Ok(Col::Num(s.cast(&DataType::Float64)?.f64()?.clone()));
        }
        if dt == DataType::String {
            return Ok(Col::Text(s.str()?.clone()));
        }
        // A Parquet date or timestamp reads like its text form: its calendar date (the time of
        // day of a timestamp is dropped; with a time zone, the date in that zone).
        if matches!(dt, DataType::Datetime(..)) {
            let date = s.cast(&DataType::Date)?;
            return Ok(Col::Text(date.cast(&DataType::String)?.str()?.clone()));
        }
        Ok(Col::Text(s.cast(&DataType::String)?.str()?.clone()))
    }

    /// The texts of rows `range` exactly as read (`None` when null), appended to `out`;
    /// nothing for a column that is not text.
    pub(crate) fn text_values<'a>(
        &'a self,
        range: std::ops::Range<usize>,
        out: &mut Vec<Option<&'a str>>,
    ) {
        let Col::Text(ca) = self else {
            return;
        };
        for_rows(ca.downcast_iter(), range, |arr, rows| {
            let at = out.len();
            out.extend(rows.clone().map(|i| Some(arr.value(i))));
            missing(polars_arrow::array::Array::validity(arr), rows, |i| {
                out[at + i] = None
            });
        });
    }

    /// Appends the numbers at rows `range` of a numeric column to `out`, read from each
    /// chunk's values and validity directly (polars' value iterator costs tens of
    /// instructions a value).
    pub(crate) fn num_values(&self, range: std::ops::Range<usize>, out: &mut Vec<Number>) {
        let Col::Num(ca) = self else {
            return;
        };
        for_rows(ca.downcast_iter(), range, |arr, rows| {
            let values = &arr.values()[rows.clone()];
            let at = out.len();
            out.extend(values.iter().map(|&v| Ok(Some(v))));
            missing(arr.validity(), rows, |i| out[at + i] = Ok(None));
        });
    }
}

/// Calls `f` with the position within `rows` of each row that `validity` marks missing, found
/// a word of the validity at a time (the rows are first read as if all were there).
fn missing(
    validity: Option<&polars_arrow::bitmap::Bitmap>,
    rows: std::ops::Range<usize>,
    mut f: impl FnMut(usize),
) {
    if let Some(valid) = validity.filter(|v| v.unset_bits() > 0) {
        let gaps = !&valid.clone().sliced(rows.start, rows.len());
        gaps.true_idx_iter().for_each(&mut f);
    }
}

/// Calls `f` with each chunk that holds rows of `range` (of the whole column) and those rows'
/// positions within the chunk, in order.
fn for_rows<'a, A: polars_arrow::array::Array + 'a>(
    chunks: impl Iterator<Item = &'a A>,
    range: std::ops::Range<usize>,
    mut f: impl FnMut(&'a A, std::ops::Range<usize>),
) {
    let mut offset = 0;
    for arr in chunks {
        let len = arr.len();
        let (lo, hi) = (range.start.max(offset), range.end.min(offset + len));
        if lo < hi {
            f(arr, lo - offset..hi - offset);
        }
        offset += len;
        if offset >= range.end {
            break;
        }
    }
}

/// All input columns of one frame.
pub(crate) struct Columns {
    /// In contract order ([`input::ALL`]).
    pub(crate) cols: Vec<Col>,
    /// Rows.
    pub(crate) height: usize,
}

impl Columns {
    /// Prepares every input column of `df`.
    pub(crate) fn of(df: &DataFrame) -> PolarsResult<Columns> {
        let cols = input::ALL
            .iter()
            .map(|c| Col::of(df, c))
            .collect::<PolarsResult<Vec<_>>>()?;
        Ok(Columns {
            cols,
            height: df.height(),
        })
    }

    /// Input column `c`.
    pub(crate) fn get(&self, c: &Column) -> &Col {
        &self.cols[c.position]
    }

    /// Input column at position `idx`.
    pub(crate) fn at(&self, idx: usize) -> &Col {
        &self.cols[idx]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_across_chunks_with_their_gaps() {
        let value = |i: usize| (i % 7 != 3 && i % 11 != 0).then_some(i as f64 / 4.0);
        let mut ca = Float64Chunked::from_iter((0..150).map(value));
        ca.append(&Float64Chunked::from_iter((150..300).map(value)))
            .unwrap();
        ca.append(&Float64Chunked::from_iter(
            (300..310).map(|i| Some(i as f64)),
        ))
        .unwrap();
        let col = Col::Num(ca);
        for range in [0..0, 0..310, 5..149, 140..160, 149..301, 299..310, 300..310] {
            let mut out = Vec::new();
            col.num_values(range.clone(), &mut out);
            let want: Vec<Number> = range
                .clone()
                .map(|i| Ok(if i < 300 { value(i) } else { Some(i as f64) }))
                .collect();
            assert_eq!(out, want, "rows {range:?}");
        }
    }

    #[test]
    fn texts_are_read_across_chunks_with_their_gaps() {
        let text = |i: usize| (i % 5 != 2).then(|| format!("text number {i}"));
        let mut ca = StringChunked::from_iter((0..150).map(text));
        ca.append(&StringChunked::from_iter((150..300).map(text)))
            .unwrap();
        let col = Col::Text(ca);
        for range in [0..0, 0..300, 7..149, 140..160, 299..300] {
            let mut out = Vec::new();
            col.text_values(range.clone(), &mut out);
            let want: Vec<Option<String>> = range.clone().map(text).collect();
            let got: Vec<Option<String>> = out.iter().map(|t| t.map(str::to_string)).collect();
            assert_eq!(got, want, "rows {range:?}");
        }
    }
}
