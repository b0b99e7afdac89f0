//! A frame's columns as plain Rust values, for the commands that read results row by row
//! (labels, report): texts verbatim (an empty text is missing), numbers from numeric columns
//! or parsed from text.

use crate::contract::results as R;
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

/// A text column read in place (no string per row): any type cast to its text, in one chunk.
pub struct Texts(StringChunked);

impl Texts {
    /// Column `name` of `df`.
    pub fn of(df: &DataFrame, name: &str) -> Result<Texts> {
        let s = column(df, name)?.cast(&DataType::String)?;
        Ok(Texts(s.str()?.rechunk().into_owned()))
    }

    /// Row `i` (`None` when missing or empty).
    pub fn get(&self, i: usize) -> Option<&str> {
        self.0.get(i).filter(|t| !t.is_empty())
    }
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

/// The result columns that `labels` and `report` show, per row.
pub struct ResultRows {
    /// `facility_id`.
    pub facility: Texts,
    /// `equipment_id`.
    pub equipment: Texts,
    /// `status`.
    pub status: Texts,
    /// `errors`.
    pub errors: Texts,
    /// `findings`.
    pub findings: Texts,
    /// `incident_energy_cal_cm2`.
    pub energy: Vec<Option<f64>>,
    /// `min_arc_rating_cal_cm2`.
    pub rating: Vec<Option<f64>>,
    /// `arc_flash_boundary_mm`.
    pub boundary: Vec<Option<f64>>,
    /// `working_distance_mm`.
    pub distance: Vec<Option<f64>>,
    /// `ppe_category`.
    pub ppe: Vec<Option<f64>>,
    /// `limited_approach_fixed_mm`.
    pub limited: Vec<Option<f64>>,
    /// `restricted_approach_mm`.
    pub restricted: Vec<Option<f64>>,
    /// `method`.
    pub method: Texts,
    /// `danger` (`true`, `false`).
    pub danger: Texts,
}

impl ResultRows {
    /// Reads the columns of a result frame.
    pub fn read(results: &DataFrame) -> Result<ResultRows> {
        Ok(ResultRows {
            facility: Texts::of(results, R::FACILITY_ID.name)?,
            equipment: Texts::of(results, R::EQUIPMENT_ID.name)?,
            status: Texts::of(results, R::STATUS.name)?,
            errors: Texts::of(results, R::ERRORS.name)?,
            findings: Texts::of(results, R::FINDINGS.name)?,
            energy: numbers(results, R::INCIDENT_ENERGY_CAL_CM2.name)?,
            rating: numbers(results, R::MIN_ARC_RATING_CAL_CM2.name)?,
            boundary: numbers(results, R::ARC_FLASH_BOUNDARY_MM.name)?,
            distance: numbers(results, R::WORKING_DISTANCE_MM.name)?,
            ppe: numbers(results, R::PPE_CATEGORY.name)?,
            limited: numbers(results, R::LIMITED_APPROACH_FIXED_MM.name)?,
            restricted: numbers(results, R::RESTRICTED_APPROACH_MM.name)?,
            method: Texts::of(results, R::METHOD.name)?,
            danger: Texts::of(results, R::DANGER.name)?,
        })
    }

    /// Whether row `i` was computed (`ok`).
    pub fn is_ok(&self, i: usize) -> bool {
        self.status.get(i) == Some(crate::contract::values::STATUS[0])
    }
}
