//! The inventory's columns (SPEC §1) and typed access to them, whatever the source's dtypes.
//!
//! CSV inputs are read with every column as text, so each value is parsed here and a bad value
//! becomes a row error naming the column and the value. Parquet inputs keep their numeric
//! dtypes (read directly) and have other dtypes (dates, integers as ids) cast to text.

use polars::prelude::*;

/// How a column is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Kept as text (ids, enums, dates).
    Text,
    /// A number.
    Number,
}

/// Every input column of the contract, in contract order.
pub const INPUT_COLUMNS: [(&str, Kind); 22] = [
    ("facility_id", Kind::Text),
    ("equipment_id", Kind::Text),
    ("equipment_class", Kind::Text),
    ("system_type", Kind::Text),
    ("nominal_voltage_v", Kind::Number),
    ("bolted_fault_current_ka", Kind::Number),
    ("electrode_config", Kind::Text),
    ("gap_mm", Kind::Number),
    ("working_distance_mm", Kind::Number),
    ("enclosure_height_mm", Kind::Number),
    ("enclosure_width_mm", Kind::Number),
    ("enclosure_depth_mm", Kind::Number),
    ("arc_duration_ms", Kind::Number),
    ("arc_duration_reduced_ms", Kind::Number),
    ("protective_device_id", Kind::Text),
    ("label_incident_energy_cal_cm2", Kind::Number),
    ("label_arc_flash_boundary_mm", Kind::Number),
    ("label_ppe_category", Kind::Number),
    ("label_date", Kind::Text),
    ("study_date", Kind::Text),
    ("last_maintenance_date", Kind::Text),
    ("maintenance_condition", Kind::Text),
];

/// Index of each input column in [`INPUT_COLUMNS`].
#[allow(missing_docs)]
pub mod c {
    pub const FACILITY_ID: usize = 0;
    pub const EQUIPMENT_ID: usize = 1;
    pub const EQUIPMENT_CLASS: usize = 2;
    pub const SYSTEM_TYPE: usize = 3;
    pub const NOMINAL_VOLTAGE_V: usize = 4;
    pub const BOLTED_FAULT_CURRENT_KA: usize = 5;
    pub const ELECTRODE_CONFIG: usize = 6;
    pub const GAP_MM: usize = 7;
    pub const WORKING_DISTANCE_MM: usize = 8;
    pub const ENCLOSURE_HEIGHT_MM: usize = 9;
    pub const ENCLOSURE_WIDTH_MM: usize = 10;
    pub const ENCLOSURE_DEPTH_MM: usize = 11;
    pub const ARC_DURATION_MS: usize = 12;
    pub const ARC_DURATION_REDUCED_MS: usize = 13;
    pub const PROTECTIVE_DEVICE_ID: usize = 14;
    pub const LABEL_INCIDENT_ENERGY_CAL_CM2: usize = 15;
    pub const LABEL_ARC_FLASH_BOUNDARY_MM: usize = 16;
    pub const LABEL_PPE_CATEGORY: usize = 17;
    pub const LABEL_DATE: usize = 18;
    pub const STUDY_DATE: usize = 19;
    pub const LAST_MAINTENANCE_DATE: usize = 20;
    pub const MAINTENANCE_CONDITION: usize = 21;
    /// Number of real columns.
    pub const COUNT: usize = 22;
}

/// Whether `name` is one of the contract's input columns.
pub fn is_input_column(name: &str) -> bool {
    INPUT_COLUMNS.iter().any(|(n, _)| *n == name)
}

/// One column, typed for reading.
pub enum Col {
    /// Not in the input.
    Missing,
    /// Text values.
    Text(StringChunked),
    /// Numbers (from a numeric Parquet column).
    Num(Float64Chunked),
}

impl Col {
    /// Prepares column `name` of `df` for reading as `kind`.
    pub fn of(df: &DataFrame, name: &str, kind: Kind) -> PolarsResult<Col> {
        let Ok(col) = df.column(name) else {
            return Ok(Col::Missing);
        };
        // Not rechunked: blocks read across chunk boundaries (see [`text_values`]).
        let s = col.as_materialized_series().clone();
        let dt = s.dtype().clone();
        if kind == Kind::Number && dt.is_primitive_numeric() {
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
    pub fn text_values<'a>(
        &'a self,
        range: std::ops::Range<usize>,
        out: &mut Vec<Option<&'a str>>,
    ) {
        let Col::Text(ca) = self else {
            return;
        };
        let mut offset = 0;
        for arr in ca.downcast_iter() {
            let len = arr.len();
            let (lo, hi) = (range.start.max(offset), range.end.min(offset + len));
            out.extend((lo..hi).map(|i| arr.get(i - offset)));
            offset += len;
            if offset >= range.end {
                break;
            }
        }
    }
}

/// All input columns of one frame.
pub struct Columns {
    /// In [`INPUT_COLUMNS`] order.
    pub cols: Vec<Col>,
    /// Rows.
    pub height: usize,
}

impl Columns {
    /// Prepares every input column of `df`.
    pub fn of(df: &DataFrame) -> PolarsResult<Columns> {
        let cols = INPUT_COLUMNS
            .iter()
            .map(|(name, kind)| Col::of(df, name, *kind))
            .collect::<PolarsResult<Vec<_>>>()?;
        Ok(Columns {
            cols,
            height: df.height(),
        })
    }

    /// Column `idx` (see [`c`]).
    pub fn get(&self, idx: usize) -> &Col {
        &self.cols[idx]
    }
}
