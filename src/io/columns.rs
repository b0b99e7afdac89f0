//! A frame's columns as plain Rust values, for the commands that read results row by row
//! (labels, report): texts verbatim (an empty text is missing), numbers from numeric columns
//! or parsed from text.

use anyhow::{anyhow, Result};
use polars::prelude::*;

fn column<'a>(df: &'a DataFrame, name: &str) -> Result<&'a Column> {
    df.column(name).map_err(|e| anyhow!("column {name}: {e}"))
}

/// Column `name` as texts (any type is cast to its text; empty is `None`).
pub fn texts(df: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    let s = column(df, name)?.cast(&DataType::String)?;
    Ok(s.str()?
        .iter()
        .map(|v| v.filter(|t| !t.is_empty()).map(str::to_string))
        .collect())
}

/// Column `name` as texts, or all `None` when the frame has no such column.
pub fn optional_texts(df: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    if df.get_column_index(name).is_some() {
        texts(df, name)
    } else {
        Ok(vec![None; df.height()])
    }
}

/// Column `name` as numbers: numeric columns cast, text parsed after trimming (what does not
/// parse is `None`).
pub fn numbers(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    let col = column(df, name)?;
    if col.dtype().is_primitive_numeric() {
        return Ok(col.cast(&DataType::Float64)?.f64()?.iter().collect());
    }
    Ok(texts(df, name)?
        .into_iter()
        .map(|v| v.and_then(|t| t.trim().parse::<f64>().ok()))
        .collect())
}
