//! One inventory row from its cells to its result: parse and check every cell, fill defaults,
//! compute (in blocks, with the batch kernel), look up NFPA 70E values, check compliance.
//! Nothing here does I/O; a bad cell is a [`RowError`], never a panic.

use super::columns::{c, Col, Columns, Kind, INPUT_COLUMNS};
use crate::core::aggregation::PORTFOLIO_FACILITY_ID;
use crate::core::algorithms::ieee1584_2018::range::VOC_MAX_KV;
use crate::core::algorithms::ieee1584_2018::{
    calculate_batch, ElectrodeConfig, EnclosureMm, InputErrorKind, Inputs, Outcome, RangeWarnings,
    Results, METHOD,
};
use crate::core::assessment::{assess, Assessment};
use crate::core::compliance::{self, ComplianceInputs, Findings, MaintenanceIntervals};
use crate::core::defaults::{
    apply_defaults, typical_values, DefaultsApplied, EquipmentClass, Geometry, VoltageClass,
};
use crate::core::hash::{input_hash as hash_values, Value as HashValue};
use crate::core::nfpa70e::{shock_boundaries, ShockBoundaries, SystemType};
use chrono::NaiveDate;
use std::fmt;

/// Options that change results.
#[derive(Clone, Copy, Debug)]
pub struct RowOptions {
    /// The date compliance is evaluated against.
    pub as_of: NaiveDate,
    /// `danger` threshold, cal/cm².
    pub danger_threshold_cal_cm2: f64,
    /// Maintenance intervals by condition.
    pub intervals: MaintenanceIntervals,
}

/// Row status (SPEC §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Computed.
    Ok,
    /// A cell is bad or a required value is missing.
    Invalid,
    /// Valid data that no method covers (DC, or outside the model's range).
    NotApplicable,
}

impl Status {
    /// `ok`, `invalid`, `not_applicable`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Invalid => "invalid",
            Status::NotApplicable => "not_applicable",
        }
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
    /// Clearing times used, ms.
    pub durations: [Option<f64>; 2],
    /// Engine results (status `ok`).
    pub results: Option<Results>,
    /// Contract values (status `ok`).
    pub assessment: Option<Assessment>,
    /// Shock boundaries (whenever the voltage is known).
    pub shock: Option<ShockBoundaries>,
    /// Compliance findings (status `ok`).
    pub findings: Option<Findings>,
    /// Advisory range warnings.
    pub warnings: RangeWarnings,
    /// `input_hash`.
    pub input_hash: u64,
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

    /// The `method` column: set when a method produced numbers.
    pub fn method(&self) -> Option<&'static str> {
        (self.status == Status::Ok).then_some(METHOD)
    }
}

/// Parsed values of one row, before defaults.
struct Parsed {
    class: Option<EquipmentClass>,
    system: SystemType,
    voltage_v: Option<f64>,
    ibf_ka: Option<f64>,
    geometry: Geometry,
    t_full: Option<f64>,
    t_reduced: Option<f64>,
    device: bool,
    compliance: ComplianceInputs,
}

fn err(column: &'static str, value: Option<&str>, reason: impl Into<String>) -> RowError {
    RowError {
        column,
        value: value.map(str::to_string),
        reason: reason.into(),
    }
}

const CLASSES: &str =
    "switchgear, switchboard, mcc, panelboard, cable_junction_box, open_air, other";

/// A positive finite number, or an error naming the column and value.
fn positive(cells: &Cells, idx: usize, unit: &str, errs: &mut Vec<RowError>) -> Option<f64> {
    let name = INPUT_COLUMNS[idx].0;
    match cells.number(idx) {
        Ok(None) => None,
        Ok(Some(v)) if v.is_nan() => {
            errs.push(err(
                name,
                Some("NaN"),
                format!("value 'NaN' is not a number, expected a positive number in {unit}"),
            ));
            None
        }
        Ok(Some(v)) if v.is_infinite() => {
            let s = v.to_string();
            errs.push(err(
                name,
                Some(&s),
                format!("value '{s}' is infinite, expected a positive number in {unit}"),
            ));
            None
        }
        Ok(Some(v)) if v <= 0.0 => {
            let s = cells.display(idx).unwrap_or_else(|| v.to_string());
            let what = if v == 0.0 { "zero" } else { "negative" };
            errs.push(err(
                name,
                Some(s.trim()),
                format!(
                    "value '{}' is {what}, expected a positive number in {unit}",
                    s.trim()
                ),
            ));
            None
        }
        Ok(Some(v)) => Some(v),
        Err(raw) => {
            errs.push(err(
                name,
                Some(&raw),
                format!("value '{raw}' is not a number, expected a positive number in {unit}"),
            ));
            None
        }
    }
}

/// `YYYY-MM-DD` without chrono's format interpreter (this runs for every row).
fn parse_ymd(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

fn date(cells: &Cells, idx: usize, errs: &mut Vec<RowError>) -> Option<NaiveDate> {
    let raw = cells.text(idx)?;
    match parse_ymd(raw) {
        Some(d) => Some(d),
        None => {
            errs.push(err(
                INPUT_COLUMNS[idx].0,
                Some(raw),
                format!("value '{raw}' is not a date, expected YYYY-MM-DD"),
            ));
            None
        }
    }
}

fn parse_row(cells: &Cells, errs: &mut Vec<RowError>) -> Parsed {
    let text = |idx: usize| cells.text(idx);
    if !cells.ids_present[0] {
        errs.push(err(
            "facility_id",
            None,
            "missing, a facility id is required",
        ));
    }
    if !cells.ids_present[1] {
        errs.push(err(
            "equipment_id",
            None,
            "missing, an equipment id is required",
        ));
    }
    if let Some(f) = cells.ids[0].filter(|f| f.trim() == PORTFOLIO_FACILITY_ID) {
        errs.push(err(
            "facility_id",
            Some(f),
            format!("value '{f}' is reserved for the portfolio row of the summary, use another facility id"),
        ));
    }
    let class = text(c::EQUIPMENT_CLASS).and_then(|s| {
        let parsed = EquipmentClass::parse(s);
        if parsed.is_none() {
            errs.push(err(
                "equipment_class",
                Some(s),
                format!("unknown value '{s}', accepted: {CLASSES}"),
            ));
        }
        parsed
    });
    let system = match text(c::SYSTEM_TYPE) {
        None => SystemType::Ac,
        Some(s) => SystemType::parse(s).unwrap_or_else(|| {
            errs.push(err(
                "system_type",
                Some(s),
                format!("unknown value '{s}', accepted: ac, dc"),
            ));
            SystemType::Ac
        }),
    };
    let voltage_v = positive(cells, c::NOMINAL_VOLTAGE_V, "V", errs);
    if voltage_v.is_none() && cells.number(c::NOMINAL_VOLTAGE_V) == Ok(None) {
        errs.push(err(
            "nominal_voltage_v",
            None,
            "missing, a nominal voltage in V is required",
        ));
    }
    let ibf_ka = positive(cells, c::BOLTED_FAULT_CURRENT_KA, "kA", errs);
    if ibf_ka.is_none() && cells.number(c::BOLTED_FAULT_CURRENT_KA) == Ok(None) {
        errs.push(err(
            "bolted_fault_current_ka",
            None,
            "missing, a bolted fault current in kA is required",
        ));
    }
    let electrode_config = text(c::ELECTRODE_CONFIG).and_then(|s| {
        let parsed = ElectrodeConfig::parse(s);
        if parsed.is_none() {
            errs.push(err(
                "electrode_config",
                Some(s),
                format!("unknown value '{s}', accepted: VCB, VCBB, HCB, VOA, HOA"),
            ));
        }
        parsed
    });
    let geometry = Geometry {
        electrode_config,
        gap_mm: positive(cells, c::GAP_MM, "mm", errs),
        working_distance_mm: positive(cells, c::WORKING_DISTANCE_MM, "mm", errs),
        height_mm: positive(cells, c::ENCLOSURE_HEIGHT_MM, "mm", errs),
        width_mm: positive(cells, c::ENCLOSURE_WIDTH_MM, "mm", errs),
        depth_mm: positive(cells, c::ENCLOSURE_DEPTH_MM, "mm", errs),
    };
    let t_full = positive(cells, c::ARC_DURATION_MS, "ms", errs);
    let t_reduced = positive(cells, c::ARC_DURATION_REDUCED_MS, "ms", errs);
    let device = text(c::PROTECTIVE_DEVICE_ID).is_some();
    let label_ie = positive(cells, c::LABEL_INCIDENT_ENERGY_CAL_CM2, "cal/cm2", errs);
    let label_afb = positive(cells, c::LABEL_ARC_FLASH_BOUNDARY_MM, "mm", errs);
    let label_ppe = match cells.number(c::LABEL_PPE_CATEGORY) {
        Ok(None) => None,
        Ok(Some(v)) if v.fract() == 0.0 && (0.0..=4.0).contains(&v) => Some(v as u8),
        other => {
            let raw = match other {
                Err(raw) => raw,
                _ => cells.display(c::LABEL_PPE_CATEGORY).unwrap_or_default(),
            };
            errs.push(err(
                "label_ppe_category",
                Some(raw.trim()),
                format!(
                    "value '{}' is not a PPE category, expected a whole number 0 to 4",
                    raw.trim()
                ),
            ));
            None
        }
    };
    let condition = text(c::MAINTENANCE_CONDITION).and_then(|s| {
        let is = |a: &str| s.eq_ignore_ascii_case(a);
        let v = if is("1") || is("1.0") || is("good") {
            Some(1)
        } else if is("2") || is("2.0") || is("fair") {
            Some(2)
        } else if is("3") || is("3.0") || is("poor") {
            Some(3)
        } else {
            None
        };
        if v.is_none() {
            errs.push(err(
                "maintenance_condition",
                Some(s),
                format!("unknown value '{s}', accepted: 1, 2, 3 (or good, fair, poor)"),
            ));
        }
        v
    });
    let compliance = ComplianceInputs {
        label_incident_energy_cal_cm2: label_ie,
        label_arc_flash_boundary_mm: label_afb,
        label_ppe_category: label_ppe,
        label_date: date(cells, c::LABEL_DATE, errs),
        study_date: date(cells, c::STUDY_DATE, errs),
        last_maintenance_date: date(cells, c::LAST_MAINTENANCE_DATE, errs),
        maintenance_condition: condition,
        ..ComplianceInputs::default()
    };
    Parsed {
        class,
        system,
        voltage_v,
        ibf_ka,
        geometry,
        t_full,
        t_reduced,
        device,
        compliance,
    }
}

/// The `input_hash` of a row ([`crate::core::hash`]): its calculation inputs — class, system
/// type, voltage, fault current, electrode configuration, geometry, clearing times, device —
/// normalised: numbers by value (so `480` and `480.0` agree), text trimmed, enum values in lower
/// case, an empty `system_type` as `ac` and an empty `arc_duration_reduced_ms` as
/// `arc_duration_ms` (what the calculation uses). Ids, labels, dates and maintenance data are
/// not calculation inputs; a cell that is not a number is hashed as written.
pub fn input_hash(cells: &Cells) -> u64 {
    let (mut b0, mut b1, mut b2) = ([0u8; 32], [0u8; 32], [0u8; 32]);
    let class = cells.text(c::EQUIPMENT_CLASS).map(|t| lower(t, &mut b0));
    let system = cells.text(c::SYSTEM_TYPE).map(|t| lower(t, &mut b1));
    let config = cells.text(c::ELECTRODE_CONFIG).map(|t| lower(t, &mut b2));
    let value = |idx: usize| match cells.num[idx] {
        Ok(v) => v.map(HashValue::Num),
        Err(()) => cells.text(idx).map(HashValue::Text),
    };
    let entries = [
        (c::EQUIPMENT_CLASS, class.as_deref().map(HashValue::Text)),
        (
            c::SYSTEM_TYPE,
            Some(HashValue::Text(system.as_deref().unwrap_or("ac"))),
        ),
        (c::NOMINAL_VOLTAGE_V, value(c::NOMINAL_VOLTAGE_V)),
        (
            c::BOLTED_FAULT_CURRENT_KA,
            value(c::BOLTED_FAULT_CURRENT_KA),
        ),
        (c::ELECTRODE_CONFIG, config.as_deref().map(HashValue::Text)),
        (c::GAP_MM, value(c::GAP_MM)),
        (c::WORKING_DISTANCE_MM, value(c::WORKING_DISTANCE_MM)),
        (c::ENCLOSURE_HEIGHT_MM, value(c::ENCLOSURE_HEIGHT_MM)),
        (c::ENCLOSURE_WIDTH_MM, value(c::ENCLOSURE_WIDTH_MM)),
        (c::ENCLOSURE_DEPTH_MM, value(c::ENCLOSURE_DEPTH_MM)),
        (c::ARC_DURATION_MS, value(c::ARC_DURATION_MS)),
        (
            c::ARC_DURATION_REDUCED_MS,
            value(c::ARC_DURATION_REDUCED_MS).or_else(|| value(c::ARC_DURATION_MS)),
        ),
        (
            c::PROTECTIVE_DEVICE_ID,
            cells.text(c::PROTECTIVE_DEVICE_ID).map(HashValue::Text),
        ),
    ];
    hash_values(
        entries
            .into_iter()
            .filter_map(|(idx, v)| v.map(|v| (idx as u8, v))),
    )
}

/// ASCII lower case into `buf` when it fits (enum values do), else an allocated copy.
fn lower<'b>(t: &str, buf: &'b mut [u8; 32]) -> std::borrow::Cow<'b, str> {
    if t.len() <= buf.len() && t.is_ascii() {
        let out = &mut buf[..t.len()];
        out.copy_from_slice(t.as_bytes());
        out.make_ascii_lowercase();
        std::borrow::Cow::Borrowed(std::str::from_utf8(out).unwrap_or_default())
    } else {
        std::borrow::Cow::Owned(t.to_ascii_lowercase())
    }
}

/// `str::trim`, with a shortcut for the usual cell that starts and ends with a printable ASCII
/// character (no whitespace, Unicode or not, to remove).
#[inline]
fn trim(s: &str) -> &str {
    let printable = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b < 0x7f);
    let b = s.as_bytes();
    if printable(b.first()) && printable(b.last()) {
        s
    } else {
        s.trim()
    }
}

/// One row's cells, each read from its column once.
pub struct Cells<'a> {
    /// Trimmed text, `None` when empty (numbers from numeric columns have no text).
    text: [Option<&'a str>; c::COUNT],
    /// Parsed numbers of number columns; `Err(())` when the text is not a number.
    num: [Result<Option<f64>, ()>; c::COUNT],
    /// facility_id and equipment_id verbatim (`None` when blank); slots 0 and 1.
    ids: [Option<&'a str>; 2],
    /// Whether each id is given.
    ids_present: [bool; 2],
}

/// The input columns of a block of rows, read sequentially once (cheaper than random access).
pub struct Block<'a> {
    /// Per column: the values as read (`None` for null), for text and text-number columns.
    text: Vec<Vec<Option<&'a str>>>,
    /// Per column: numbers of numeric (Parquet) columns.
    num: Vec<Vec<Option<f64>>>,
    /// Whether column `idx` is numeric.
    numeric: [bool; c::COUNT],
}

impl<'a> Block<'a> {
    /// Reads rows `range` of `cols`.
    pub fn read(cols: &'a Columns, range: std::ops::Range<usize>) -> Block<'a> {
        let (start, len) = (range.start as i64, range.len());
        let mut text = Vec::with_capacity(c::COUNT);
        let mut num = Vec::with_capacity(c::COUNT);
        let mut numeric = [false; c::COUNT];
        for (idx, is_numeric) in numeric.iter_mut().enumerate() {
            match cols.get(idx) {
                col @ Col::Text(_) => {
                    let mut values = Vec::with_capacity(len);
                    col.text_values(range.clone(), &mut values);
                    text.push(values);
                    num.push(Vec::new());
                }
                Col::Num(ca) => {
                    *is_numeric = true;
                    num.push(ca.slice(start, len).iter().collect());
                    text.push(Vec::new());
                }
                Col::Missing => {
                    text.push(Vec::new());
                    num.push(Vec::new());
                }
            }
        }
        Block { text, num, numeric }
    }
}

impl<'a> Cells<'a> {
    /// Row `k` of `block`.
    pub fn read(block: &Block<'a>, k: usize) -> Cells<'a> {
        let mut text = [None; c::COUNT];
        let mut num = [Ok(None); c::COUNT];
        for (idx, (_, kind)) in INPUT_COLUMNS.iter().enumerate() {
            if block.numeric[idx] {
                num[idx] = Ok(block.num[idx][k]);
                continue;
            }
            let t = block.text[idx]
                .get(k)
                .copied()
                .flatten()
                .map(trim)
                .filter(|s| !s.is_empty());
            text[idx] = t;
            if *kind == Kind::Number {
                num[idx] = match t {
                    None => Ok(None),
                    Some(s) => s.parse::<f64>().map(Some).map_err(|_| ()),
                };
            }
        }
        let verbatim = |idx: usize| {
            block.text[idx]
                .get(k)
                .copied()
                .flatten()
                .filter(|s| !trim(s).is_empty())
        };
        let ids = [verbatim(c::FACILITY_ID), verbatim(c::EQUIPMENT_ID)];
        Cells {
            text,
            num,
            ids,
            ids_present: [ids[0].is_some(), ids[1].is_some()],
        }
    }

    fn text(&self, idx: usize) -> Option<&'a str> {
        self.text[idx]
    }

    /// The number of a number column: `Err(raw text)` when it is not a number.
    fn number(&self, idx: usize) -> Result<Option<f64>, String> {
        match self.num[idx] {
            Ok(v) => Ok(v),
            Err(()) => Err(self.text[idx].unwrap_or_default().to_string()),
        }
    }

    /// The cell as written (numbers from numeric columns formatted).
    fn display(&self, idx: usize) -> Option<String> {
        match (self.text[idx], self.num[idx]) {
            (Some(t), _) => Some(t.to_string()),
            (None, Ok(Some(v))) => Some(v.to_string()),
            _ => None,
        }
    }
}

/// A row after parsing and defaults: either finished, or waiting for the engine.
enum Draft {
    Done(RowResult),
    Compute {
        row: RowResult,
        inputs: Inputs,
        compliance: ComplianceInputs,
        system: SystemType,
        voltage_v: f64,
    },
}

/// A row no method covers: `not_applicable` with the reason, and the compliance rules that do
/// not need an arc-flash result.
fn not_applicable(
    mut row: RowResult,
    reason: RowError,
    compliance: &ComplianceInputs,
    opts: &RowOptions,
) -> Draft {
    row.status = Status::NotApplicable;
    row.errors = vec![reason];
    row.findings = Some(compliance::evaluate_without_result(
        compliance,
        opts.as_of,
        opts.intervals,
    ));
    Draft::Done(row)
}

/// Why a class-only row has no typical geometry at its voltage, when the reason is the voltage:
/// above 15 kV (no method in this version), or above 600 V for a class Table 8 lists at low
/// voltage only. `None` when the class has no typical values at any voltage (`open_air`,
/// `other`): then the values must be given, and a missing one makes the row invalid.
fn uncovered_voltage(
    class: Option<EquipmentClass>,
    voltage_v: f64,
    missing: &[RowError],
) -> Option<RowError> {
    let class = class?;
    let covered_somewhere = [VoltageClass::Lv, VoltageClass::Kv5, VoltageClass::Kv15]
        .into_iter()
        .any(|vc| typical_values(class, vc).is_some());
    let here = VoltageClass::of_volts(voltage_v).and_then(|vc| typical_values(class, vc));
    if !covered_somewhere || here.is_some() {
        return None;
    }
    let columns: Vec<&str> = missing.iter().map(|e| e.column).collect();
    let v = voltage_v.to_string();
    Some(if voltage_v > VOC_MAX_KV * 1000.0 {
        err(
            "nominal_voltage_v",
            Some(&v),
            format!("value '{v}' V is above 15 kV, no method in this version covers AC above 15 kV (IEEE 1584-2018: 208 V to 15 kV)"),
        )
    } else {
        err(
            "equipment_class",
            Some(class.as_str()),
            format!(
                "IEEE 1584-2018 Table 8 gives typical values for '{}' at 600 V and below only, give {} for {v} V",
                class.as_str(),
                columns.join(", ")
            ),
        )
    })
}

fn draft(block: &Block, k: usize, extra_errors: Vec<RowError>, opts: &RowOptions) -> Draft {
    let mut errs = extra_errors;
    let cells = Cells::read(block, k);
    let p = parse_row(&cells, &mut errs);
    let mut row = RowResult {
        status: Status::Invalid,
        errors: Vec::new(),
        config: p.geometry.electrode_config,
        geometry: [
            p.geometry.gap_mm,
            p.geometry.working_distance_mm,
            p.geometry.height_mm,
            p.geometry.width_mm,
            p.geometry.depth_mm,
        ],
        defaults: DefaultsApplied::default(),
        durations: [p.t_full, p.t_reduced],
        results: None,
        assessment: None,
        shock: p.voltage_v.map(|v| shock_boundaries(p.system, v)),
        findings: None,
        warnings: RangeWarnings::default(),
        input_hash: input_hash(&cells),
    };
    if p.t_full.is_none() && cells.number(c::ARC_DURATION_MS) == Ok(None) {
        let reason = if p.device {
            "missing, the row names a protective_device_id, but clearing times from a device library (--devices) are not supported yet, give arc_duration_ms"
        } else {
            "missing, give arc_duration_ms (or a protective_device_id)"
        };
        errs.push(err("arc_duration_ms", None, reason));
    }
    let no_class_given = cells.text(c::EQUIPMENT_CLASS).is_none();
    if p.geometry.electrode_config.is_none()
        && no_class_given
        && cells.text(c::ELECTRODE_CONFIG).is_none()
    {
        errs.push(err(
            "electrode_config",
            None,
            "missing, give electrode_config or an equipment_class that implies one",
        ));
    }
    if !errs.is_empty() {
        row.errors = errs;
        row.shock = None;
        return Draft::Done(row);
    }
    // Every required value parsed from here on.
    let (voltage_v, ibf_ka, t_full) = (
        p.voltage_v.unwrap_or_default(),
        p.ibf_ka.unwrap_or_default(),
        p.t_full.unwrap_or_default(),
    );
    if p.system == SystemType::Dc {
        let reason = err(
            "system_type",
            Some("dc"),
            "IEEE 1584-2018 covers three-phase AC only, no DC arc-flash method in this version",
        );
        return not_applicable(row, reason, &p.compliance, opts);
    }
    let mut g = p.geometry;
    let mut defaults = apply_defaults(&mut g, p.class, voltage_v);
    let t_reduced = p.t_reduced.unwrap_or_else(|| {
        defaults.0 |= DefaultsApplied::ARC_DURATION_REDUCED;
        t_full
    });
    row.defaults = defaults;
    row.config = g.electrode_config;
    row.geometry = [
        g.gap_mm,
        g.working_distance_mm,
        g.height_mm,
        g.width_mm,
        g.depth_mm,
    ];
    row.durations = [Some(t_full), Some(t_reduced)];
    let class_note = || match p.class {
        Some(cl) => format!(
            "no typical value for equipment_class '{}' at {voltage_v} V",
            cl.as_str()
        ),
        None => "no equipment_class to take a typical value from".to_string(),
    };
    let mut missing = Vec::new();
    let Some(config) = g.electrode_config else {
        missing.push(err(
            "electrode_config",
            None,
            format!("missing, {}", class_note()),
        ));
        row.errors = missing;
        return Draft::Done(row);
    };
    for (v, name) in [
        (g.gap_mm, "gap_mm"),
        (g.working_distance_mm, "working_distance_mm"),
    ] {
        if v.is_none() {
            missing.push(err(name, None, format!("missing, {}", class_note())));
        }
    }
    if !config.is_open_air() {
        for (v, name) in [
            (g.height_mm, "enclosure_height_mm"),
            (g.width_mm, "enclosure_width_mm"),
        ] {
            if v.is_none() {
                missing.push(err(
                    name,
                    None,
                    format!("missing, {} (needed for {config})", class_note()),
                ));
            }
        }
    }
    if !missing.is_empty() {
        if let Some(reason) = uncovered_voltage(p.class, voltage_v, &missing) {
            return not_applicable(row, reason, &p.compliance, opts);
        }
        row.errors = missing;
        return Draft::Done(row);
    }
    let enclosure = match (config.is_open_air(), g.height_mm, g.width_mm) {
        (false, Some(h), Some(w)) => Some(EnclosureMm {
            height_mm: h,
            width_mm: w,
            depth_mm: g.depth_mm,
        }),
        _ => None,
    };
    let inputs = Inputs {
        config,
        voc_kv: voltage_v / 1000.0,
        ibf_ka,
        gap_mm: g.gap_mm.unwrap_or_default(),
        working_distance_mm: g.working_distance_mm.unwrap_or_default(),
        enclosure,
        arc_duration_ms: t_full,
        arc_duration_reduced_ms: t_reduced,
    };
    Draft::Compute {
        row,
        inputs,
        compliance: p.compliance,
        system: p.system,
        voltage_v,
    }
}

/// Completes a draft in place (no copy of the row) and returns its result.
fn finish<'d>(draft: &'d mut Draft, outcome: Option<&Outcome>, opts: &RowOptions) -> &'d RowResult {
    let (row, ci, system, voltage_v) = match draft {
        Draft::Done(row) => return row,
        Draft::Compute {
            row,
            compliance,
            system,
            voltage_v,
            ..
        } => (row, compliance, *system, *voltage_v),
    };
    match outcome {
        Some(Ok((results, warnings))) => {
            let a = assess(results, system, voltage_v, opts.danger_threshold_cal_cm2);
            ci.incident_energy_cal_cm2 = a.incident_energy_cal_cm2;
            ci.arc_flash_boundary_mm = a.arc_flash_boundary_mm;
            ci.ppe_category = a.ppe_category;
            ci.danger = a.danger;
            ci.out_of_range = !warnings.is_empty();
            row.status = Status::Ok;
            row.results = Some(*results);
            row.assessment = Some(a);
            row.warnings = *warnings;
            row.findings = Some(compliance::evaluate(ci, opts.as_of, opts.intervals));
        }
        Some(Err(e)) => {
            let column = e.field.column();
            let value =
                (!e.value.is_nan()).then(|| (e.value * e.field.to_column_units()).to_string());
            row.errors = vec![RowError {
                column,
                value,
                reason: e.to_string(),
            }];
            if e.kind == InputErrorKind::MissingEnclosure {
                row.status = Status::Invalid;
            } else {
                row.status = Status::NotApplicable;
                row.findings = Some(compliance::evaluate_without_result(
                    ci,
                    opts.as_of,
                    opts.intervals,
                ));
            }
        }
        None => {}
    }
    row
}

/// Processes rows `range` of `cols`. `extra` gives errors found across rows (duplicates) by
/// row index. Output order is input order.
pub fn process_range(
    cols: &Columns,
    range: std::ops::Range<usize>,
    extra: &(dyn Fn(usize) -> Vec<RowError> + Sync),
    opts: &RowOptions,
    calculate: bool,
) -> Vec<RowResult> {
    let mut out: Vec<RowResult> = Vec::with_capacity(range.len());
    process_range_with(
        cols,
        range,
        extra,
        opts,
        calculate,
        &mut |_, row: &RowResult| out.push(row.clone()),
    );
    out
}

/// [`process_range`], handing each finished row to `emit` (with its index in the range, in
/// order) instead of collecting them.
pub fn process_range_with(
    cols: &Columns,
    range: std::ops::Range<usize>,
    extra: &(dyn Fn(usize) -> Vec<RowError> + Sync),
    opts: &RowOptions,
    calculate: bool,
    emit: &mut dyn FnMut(usize, &RowResult),
) {
    let block = Block::read(cols, range.clone());
    let mut drafts: Vec<Draft> = range
        .clone()
        .map(|i| draft(&block, i - range.start, extra(i), opts))
        .collect();
    if !calculate {
        for (k, d) in drafts.iter_mut().enumerate() {
            let row = match d {
                Draft::Done(row) => row,
                Draft::Compute { row, .. } => {
                    row.status = Status::Ok;
                    row
                }
            };
            emit(k, row);
        }
        return;
    }
    let mut inputs = Vec::with_capacity(drafts.len());
    let mut slot = Vec::with_capacity(drafts.len());
    for (k, d) in drafts.iter().enumerate() {
        if let Draft::Compute { inputs: inp, .. } = d {
            slot.push(k);
            inputs.push(*inp);
        }
    }
    let mut outcomes: Vec<Outcome> = vec![Ok(Default::default()); inputs.len()];
    calculate_batch(&inputs, &mut outcomes);
    let mut next = 0;
    for (k, d) in drafts.iter_mut().enumerate() {
        let outcome = if next < slot.len() && slot[next] == k {
            next += 1;
            Some(&outcomes[next - 1])
        } else {
            None
        };
        emit(k, finish(d, outcome, opts));
    }
}
