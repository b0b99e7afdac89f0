//! The flags that change results, shared by `run`, `labels` and `report` (one definition, so
//! the three commands compute the same numbers from the same flags), and their parsers.

use crate::core::algorithms::{Choice, MethodId};
use crate::core::compliance::MaintenanceIntervals;
use crate::core::nfpa70e::DEFAULT_DANGER_THRESHOLD_CAL_CM2;
use crate::core::risk::Matrix;
use crate::io::devices::read_library;
use crate::pipeline::rows::RowOptions;
use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};
use clap::Args;
use std::num::NonZeroUsize;

/// `--max-arc-duration`: the cap of device-derived clearing times, ms (`None`: no cap).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct MaxArcDuration(pub(crate) Option<f64>);

/// Parses `--max-arc-duration`: a positive number of ms, or `none`.
pub(crate) fn max_arc_duration_flag(s: &str) -> Result<MaxArcDuration, String> {
    if s.trim().eq_ignore_ascii_case("none") {
        return Ok(MaxArcDuration(None));
    }
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(MaxArcDuration(Some(v))),
        _ => Err(format!(
            "--max-arc-duration {s}: expected a positive number of ms, or none"
        )),
    }
}

/// Options that change results.
#[derive(Debug, Args)]
pub(crate) struct EngineArgs {
    /// Evaluate compliance as of this date (YYYY-MM-DD, 00:00 UTC) or RFC 3339 time [default: now, UTC].
    #[arg(long = "as-of", value_name = "DATE", value_parser = as_of_flag)]
    pub(crate) as_of: Option<DateTime<Utc>>,
    /// Worker threads [default: all cores]. Results are identical for any value.
    #[arg(short = 'j', long, value_name = "N", value_parser = jobs_flag, env = "VOLTMETRICS_JOBS")]
    pub(crate) jobs: Option<NonZeroUsize>,
    /// Calculation method: auto (DC: dc-max-power@1, AC above 15 kV: lee@1, other AC:
    /// ieee1584-2018@1) or a method id; a row's own `method` column wins.
    #[arg(long, value_name = "ID", default_value = "auto", value_parser = method_flag)]
    pub(crate) method: Choice,
    /// Protective-device library (TOML; voltmetrics-devices(5)): rows without
    /// arc_duration_ms take both clearing times from their protective_device_id.
    #[arg(long, value_name = "FILE")]
    pub(crate) devices: Option<String>,
    /// Cap of device-derived clearing times in ms (ARC_DURATION_CAPPED), or none; a device
    /// that does not trip gets the cap (DEVICE_NO_TRIP), or without one the row is not
    /// applicable.
    #[arg(long = "max-arc-duration", value_name = "MS", default_value = "2000", value_parser = max_arc_duration_flag)]
    pub(crate) max_arc_duration: MaxArcDuration,
    /// Incident energy above which `danger` is set, cal/cm² (owner policy).
    #[arg(long = "danger-threshold", value_name = "CAL_CM2", default_value_t = DEFAULT_DANGER_THRESHOLD_CAL_CM2, value_parser = threshold_flag, env = "VOLTMETRICS_DANGER_THRESHOLD")]
    pub(crate) danger_threshold: f64,
    /// Maintenance intervals in months for NFPA 70B condition 1, 2, 3.
    #[arg(
        long = "maintenance-intervals",
        value_name = "M1,M2,M3",
        default_value = "60,36,12",
        value_parser = intervals_flag
    )]
    pub(crate) maintenance_intervals: MaintenanceIntervals,
    /// Likelihood × severity matrix (TOML; keys left out keep their defaults, which `voltmetrics
    /// schema risk` prints) for risk_severity, risk_likelihood, risk_score and risk_level.
    #[arg(long = "risk-matrix", value_name = "FILE")]
    pub(crate) risk_matrix: Option<String>,
    /// The sheet of workbook inputs (.xlsx, .xls, .ods): a name or a number from 1 [default:
    /// the first].
    #[arg(long, value_name = "NAME|INDEX")]
    pub(crate) sheet: Option<String>,
    /// Column mapping of CSV and workbook inputs (TOML, voltmetrics-mapping(5); or a bundled
    /// one: etap, skm, easypower): renames, unit conversions, value maps.
    #[arg(long, value_name = "FILE|NAME")]
    pub(crate) mapping: Option<String>,
}

/// The input options of `--sheet` and `--mapping` (the mapping read and checked here).
pub(crate) fn open_options(
    sheet: Option<&String>,
    mapping: Option<&String>,
) -> Result<crate::io::inputs::OpenOptions> {
    Ok(crate::io::inputs::OpenOptions {
        sheet: sheet.cloned(),
        mapping: mapping
            .map(|m| crate::io::mapping::Mapping::load(m).map(std::sync::Arc::new))
            .transpose()?,
    })
}

impl EngineArgs {
    /// `--sheet` and `--mapping`.
    pub(crate) fn open_options(&self) -> Result<crate::io::inputs::OpenOptions> {
        open_options(self.sheet.as_ref(), self.mapping.as_ref())
    }

    /// `--as-of`, or now.
    pub(crate) fn as_of(&self) -> DateTime<Utc> {
        self.as_of.unwrap_or_else(Utc::now)
    }

    /// `--jobs`, or every core.
    pub(crate) fn jobs(&self) -> usize {
        self.jobs
            .or_else(|| std::thread::available_parallelism().ok())
            .map_or(1, NonZeroUsize::get)
    }

    /// The row options of these flags, as of `as_of` (the device library is read and checked
    /// here, before any row).
    pub(crate) fn row_options(&self, as_of: DateTime<Utc>) -> Result<RowOptions> {
        let devices = self.devices.as_deref().map(read_library).transpose()?;
        let risk = match self.risk_matrix.as_deref() {
            None => Matrix::default(),
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| anyhow::anyhow!("{path}: cannot read the risk matrix: {e}"))?;
                Matrix::from_toml(&text)
                    .map_err(|e| anyhow::anyhow!("{path}: not a valid risk matrix: {e}"))?
            }
        };
        Ok(RowOptions {
            risk,
            danger_threshold_cal_cm2: self.danger_threshold,
            intervals: self.maintenance_intervals,
            method: self.method,
            devices,
            max_arc_duration_ms: self.max_arc_duration.0,
            ..RowOptions::new(as_of.date_naive())
        })
    }
}

/// Parses `--as-of` (and `history --since/--until`): a date (00:00 UTC) or an RFC 3339 time.
pub(crate) fn parse_as_of(s: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(d) = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
        return Ok(d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    }
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("'{s}': expected a date YYYY-MM-DD or an RFC 3339 time such as 2026-01-31T12:00:00Z"))
}

fn as_of_flag(s: &str) -> Result<DateTime<Utc>, String> {
    parse_as_of(s).map_err(|e| format!("--as-of {e}"))
}

fn jobs_flag(s: &str) -> Result<NonZeroUsize, String> {
    s.trim()
        .parse::<NonZeroUsize>()
        .map_err(|_| format!("--jobs {s}: expected a whole number of threads, at least 1"))
}

pub(crate) fn method_flag(s: &str) -> Result<Choice, String> {
    Choice::parse(s).ok_or_else(|| format!("--method {s}: accepted: auto, {}", MethodId::ids()))
}

fn threshold_flag(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!(
            "--danger-threshold {s}: expected a positive number of cal/cm2"
        )),
    }
}

fn intervals_flag(s: &str) -> Result<MaintenanceIntervals, String> {
    MaintenanceIntervals::parse(s).map_err(|e| format!("--maintenance-intervals {e}"))
}
