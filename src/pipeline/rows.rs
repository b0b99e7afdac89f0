//! One inventory row's result and the options that change it. A row goes
//! [`check`](super::check) (parse every cell) → [`draft`](super::draft) (choose the method,
//! fill defaults, collect what it needs) → [`calculate`](super::calculate) (the method's batch
//! kernel, NFPA 70E values, compliance). Nothing here does I/O; a bad cell is a [`RowError`],
//! never a panic.

use crate::contract::values;
use crate::core::algorithms::ieee1584_2018::ElectrodeConfig;
use crate::core::algorithms::{Choice, MethodId, RangeWarnings, Results};
use crate::core::assessment::Assessment;
use crate::core::compliance::{Findings, MaintenanceIntervals};
use crate::core::defaults::DefaultsApplied;
use crate::core::nfpa70e::ShockBoundaries;
use chrono::NaiveDate;
use std::fmt;

/// Options that change results.
#[derive(Clone, Debug)]
pub struct RowOptions {
    /// The date compliance is evaluated against.
    pub as_of: NaiveDate,
    /// `danger` threshold, cal/cm².
    pub danger_threshold_cal_cm2: f64,
    /// Maintenance intervals by condition.
    pub intervals: MaintenanceIntervals,
    /// The run's method (`--method`); a row's `method` cell overrides it.
    pub method: Choice,
    /// The protective-device library (`--devices`).
    pub devices: Option<std::sync::Arc<crate::core::protection::Library>>,
    /// The cap of device-derived clearing times, ms (`--max-arc-duration`; `None`: no cap).
    pub max_arc_duration_ms: Option<f64>,
    /// `--uncertainty`: samples per row and the seed (`None`: deterministic only).
    pub uncertainty: Option<crate::core::uncertainty::Settings>,
    /// The likelihood × severity matrix (`--risk-matrix`).
    pub risk: crate::core::risk::Matrix,
}

/// The default cap of device-derived clearing times (IEEE 1584: 2 s), ms.
pub const DEFAULT_MAX_ARC_DURATION_MS: f64 = 2000.0;

impl RowOptions {
    /// The defaults of `run` (danger threshold, maintenance intervals, `auto` method, no device
    /// library, the 2 s cap) for compliance as of `as_of`.
    pub fn new(as_of: NaiveDate) -> RowOptions {
        RowOptions {
            as_of,
            danger_threshold_cal_cm2: crate::core::nfpa70e::DEFAULT_DANGER_THRESHOLD_CAL_CM2,
            intervals: MaintenanceIntervals::default(),
            method: Choice::default(),
            devices: None,
            max_arc_duration_ms: Some(DEFAULT_MAX_ARC_DURATION_MS),
            uncertainty: None,
            risk: crate::core::risk::Matrix::default(),
        }
    }
}

/// Row status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Computed.
    Ok = 0,
    /// A cell is bad or a required value is missing.
    Invalid = 1,
    /// Valid data that no method covers.
    NotApplicable = 2,
}

impl Status {
    /// All statuses, in code order.
    pub const ALL: [Status; 3] = [Status::Ok, Status::Invalid, Status::NotApplicable];

    /// `ok`, `invalid`, `not_applicable`.
    pub fn as_str(self) -> &'static str {
        values::STATUS[self as usize]
    }
}

/// A problem with one cell of one row.
#[derive(Clone, Debug, PartialEq)]
pub struct RowError {
    /// The column.
    pub column: &'static str,
    /// The offending value as written (`None` when missing).
    pub value: Option<String>,
    /// What is wrong and what is accepted.
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.column, self.reason)
    }
}

/// An error of `column` about `value`.
pub(super) fn err(
    column: &'static str,
    value: Option<&str>,
    reason: impl Into<String>,
) -> RowError {
    RowError {
        column,
        value: value.map(str::to_string),
        reason: reason.into(),
    }
}

/// The result of one row.
#[derive(Clone, Debug)]
pub struct RowResult {
    /// Status.
    pub status: Status,
    /// Invalid: every cell error; not applicable: the reason. Empty for `ok`.
    pub errors: Vec<RowError>,
    /// Electrode configuration used.
    pub config: Option<ElectrodeConfig>,
    /// Geometry used (after defaults): gap, working distance, height, width, depth.
    pub geometry: [Option<f64>; 5],
    /// Columns filled from defaults.
    pub defaults: DefaultsApplied,
    /// Clearing times used, ms (the reduced one for methods with a reduced case).
    pub durations: [Option<f64>; 2],
    /// The method that produced the numbers (status `ok`).
    pub method: Option<MethodId>,
    /// Engine results (status `ok`).
    pub results: Option<Results>,
    /// Contract values (status `ok`).
    pub assessment: Option<Assessment>,
    /// Shock boundaries (whenever the voltage is known).
    pub shock: Option<ShockBoundaries>,
    /// Compliance findings (`ok` rows; `not_applicable` rows: the rules that need no result).
    pub findings: Option<Findings>,
    /// Advisory range warnings.
    pub warnings: RangeWarnings,
    /// `input_hash`.
    pub input_hash: u64,
    /// Where the clearing times come from (computed rows).
    pub timing: super::timing::Timing,
    /// `--uncertainty`: what the samples say (computed rows; boxed: most runs have none).
    pub uncertainty: Option<Box<crate::core::uncertainty::Uncertainty>>,
    /// risk@1 (computed rows).
    pub risk: Option<crate::core::risk::Risk>,
}

impl RowResult {
    /// The `errors` column.
    pub fn errors_text(&self) -> String {
        self.errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(";")
    }
}
