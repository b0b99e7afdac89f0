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
            out.extend(rows.map(|i| arr.get(i)));
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
            match arr.validity() {
                Some(valid) if valid.unset_bits() > 0 => {
                    let valid = valid.clone().sliced(rows.start, rows.len());
                    let both = values.iter().zip(valid.iter());
                    out.extend(both.map(|(&v, ok)| Ok(ok.then_some(v))));
                }
                _ => out.extend(values.iter().map(|&v| Ok(Some(v)))),
            }
        });
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
