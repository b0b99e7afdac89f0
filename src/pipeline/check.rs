//! Checking one row's cells: every value parsed, every bad value a [`RowError`] naming the
//! column, the value and what is accepted; and the row's `input_hash`. Nothing here panics.

use super::cells::{lower, Block, Cells};
use super::columns::Number;
use super::rows::{err, RowError};
use crate::contract::input::{self as I};
use crate::contract::{values, Column};
use crate::core::aggregation::PORTFOLIO_FACILITY_ID;
use crate::core::algorithms::ieee1584_2002::Grounding;
use crate::core::algorithms::ieee1584_2018::ElectrodeConfig;
use crate::core::algorithms::{Choice, MethodId};
use crate::core::compliance::ComplianceInputs;
use crate::core::defaults::{EquipmentClass, Geometry};
use crate::core::hash::{InputHasher, Value as HashValue};
use crate::core::nfpa70e::SystemType;
use crate::core::uncertainty::Tolerances;
use chrono::NaiveDate;

/// The parsed values of one row, before defaults.
pub(super) struct Parsed<'a> {
    pub(crate) class: Option<EquipmentClass>,
    pub(crate) system: SystemType,
    pub(crate) voltage_v: Option<f64>,
    pub(crate) ibf_ka: Option<f64>,
    pub(crate) geometry: Geometry,
    pub(crate) t_full: Option<f64>,
    pub(crate) t_reduced: Option<f64>,
    pub(crate) device: Option<&'a str>,
    pub(crate) device_factor: Option<f64>,
    pub(crate) method: Option<Choice>,
    pub(crate) grounding: Grounding,
    pub(crate) compliance: ComplianceInputs,
    pub(crate) tolerances: Tolerances,
    pub(crate) tasks_per_year: Option<f64>,
}

/// A positive finite number, or an error naming the column and value.
#[inline]
fn positive(cells: &Cells, c: &Column, errs: &mut Vec<RowError>) -> Option<f64> {
    match cells.num(c) {
        Ok(None) => None,
        Ok(Some(v)) if v > 0.0 && v.is_finite() => Some(v),
        _ => {
            not_positive(cells, c, errs);
            None
        }
    }
}

/// The error of a cell that [`positive`] refuses.
#[cold]
#[inline(never)]
fn not_positive(cells: &Cells, c: &Column, errs: &mut Vec<RowError>) {
    let unit = c.unit;
    let (raw, what) = match cells.number(c) {
        Ok(Some(v)) if v.is_nan() => ("NaN".to_string(), "is not a number"),
        Ok(Some(v)) if v.is_infinite() => (v.to_string(), "is infinite"),
        Ok(Some(v)) => {
            let s = cells.display(c).unwrap_or_else(|| v.to_string());
            let what = if v == 0.0 { "is zero" } else { "is negative" };
            (s.trim().to_string(), what)
        }
        Ok(None) => return,
        Err(raw) => (raw, "is not a number"),
    };
    errs.push(err(
        c.name,
        Some(&raw),
        format!("value '{raw}' {what}, expected a positive number in {unit}"),
    ));
}

/// A finite number, 0 or more (`what` says what it is, in the error).
#[inline]
fn non_negative(cells: &Cells, c: &Column, what: &str, errs: &mut Vec<RowError>) -> Option<f64> {
    match cells.num(c) {
        Ok(None) => None,
        Ok(Some(v)) if v.is_finite() && v >= 0.0 => Some(v),
        _ => {
            negative(cells, c, what, errs);
            None
        }
    }
}

/// The error of a cell that [`non_negative`] refuses.
#[cold]
#[inline(never)]
fn negative(cells: &Cells, c: &Column, what: &str, errs: &mut Vec<RowError>) {
    let raw = match cells.number(c) {
        Ok(v) => cells
            .display(c)
            .unwrap_or_else(|| v.unwrap_or_default().to_string()),
        Err(raw) => raw,
    };
    let raw = raw.trim().to_string();
    errs.push(err(
        c.name,
        Some(&raw),
        format!("value '{raw}' is not {what} that is 0 or more"),
    ));
}

/// The four tolerances of `--uncertainty`.
fn tolerances(cells: &Cells, errs: &mut Vec<RowError>) -> Tolerances {
    let tolerance = |c: &Column, errs: &mut Vec<RowError>| {
        non_negative(cells, c, "a tolerance, expected a number of %", errs)
    };
    Tolerances {
        fault_current_pct: tolerance(&I::FAULT_CURRENT_TOLERANCE_PCT, errs),
        arc_duration_pct: tolerance(&I::ARC_DURATION_TOLERANCE_PCT, errs),
        working_distance_pct: tolerance(&I::WORKING_DISTANCE_TOLERANCE_PCT, errs),
        gap_pct: tolerance(&I::GAP_TOLERANCE_PCT, errs),
    }
}

/// The tolerances of `--uncertainty` and `energized_tasks_per_year` (risk likelihood).
fn uncertainty_and_risk(cells: &Cells, errs: &mut Vec<RowError>) -> (Tolerances, Option<f64>) {
    let tolerances = tolerances(cells, errs);
    let what = "a number of tasks, expected a number";
    let tasks = non_negative(cells, &I::ENERGIZED_TASKS_PER_YEAR, what, errs);
    (tolerances, tasks)
}

/// A required positive number: as [`positive`], and "missing, {what} is required" when empty.
fn required(cells: &Cells, c: &Column, what: &str, errs: &mut Vec<RowError>) -> Option<f64> {
    let v = positive(cells, c, errs);
    if v.is_none() && cells.num(c) == Ok(None) {
        errs.push(err(
            c.name,
            None,
            format!("missing, {what} in {} is required", c.unit),
        ));
    }
    v
}

/// A value of a closed set, or an error listing what is accepted.
fn one_of<T>(
    cells: &Cells,
    c: &Column,
    parse: impl Fn(&str) -> Option<T>,
    accepted: impl Fn() -> String,
    errs: &mut Vec<RowError>,
) -> Option<T> {
    let s = cells.text(c)?;
    let parsed = parse(s);
    if parsed.is_none() {
        errs.push(err(
            c.name,
            Some(s),
            format!("unknown value '{s}', accepted: {}", accepted()),
        ));
    }
    parsed
}

/// The accepted values of an enum column, for its error message (built only on error).
fn listed(values: &'static [&'static str]) -> impl Fn() -> String {
    move || values.join(", ")
}

fn date(cells: &Cells, c: &Column, errs: &mut Vec<RowError>) -> Option<NaiveDate> {
    match cells.date(c) {
        Ok(d) => d,
        Err(()) => {
            let raw = cells.text(c).unwrap_or_default();
            errs.push(err(
                c.name,
                Some(raw),
                format!("value '{raw}' is not a date, expected YYYY-MM-DD"),
            ));
            None
        }
    }
}

fn ids(cells: &Cells, errs: &mut Vec<RowError>) {
    if cells.id(0).is_none() {
        errs.push(err(
            I::FACILITY_ID.name,
            None,
            "missing, a facility id is required",
        ));
    }
    if cells.id(1).is_none() {
        errs.push(err(
            I::EQUIPMENT_ID.name,
            None,
            "missing, an equipment id is required",
        ));
    }
    if let Some(f) = cells
        .id(0)
        .filter(|_| cells.text(&I::FACILITY_ID) == Some(PORTFOLIO_FACILITY_ID))
    {
        errs.push(err(
            I::FACILITY_ID.name,
            Some(f),
            format!("value '{f}' is reserved for the portfolio row of the summary, use another facility id"),
        ));
    }
}

fn label_ppe(cells: &Cells, errs: &mut Vec<RowError>) -> Option<u8> {
    let c = &I::LABEL_PPE_CATEGORY;
    let raw = match cells.number(c) {
        Ok(None) => return None,
        Ok(Some(v)) if v.fract() == 0.0 && (0.0..=4.0).contains(&v) => return Some(v as u8),
        Err(raw) => raw,
        Ok(Some(_)) => cells.display(c).unwrap_or_default(),
    };
    let raw = raw.trim();
    errs.push(err(
        c.name,
        Some(raw),
        format!("value '{raw}' is not a PPE category, expected a whole number 0 to 4"),
    ));
    None
}

fn condition(s: &str) -> Option<u8> {
    let is = |a: &str| s.eq_ignore_ascii_case(a);
    if is("1") || is("1.0") || is("good") {
        Some(1)
    } else if is("2") || is("2.0") || is("fair") {
        Some(2)
    } else if is("3") || is("3.0") || is("poor") {
        Some(3)
    } else {
        None
    }
}

fn labels_and_dates(cells: &Cells, errs: &mut Vec<RowError>) -> ComplianceInputs {
    let label_ie = positive(cells, &I::LABEL_INCIDENT_ENERGY_CAL_CM2, errs);
    let label_afb = positive(cells, &I::LABEL_ARC_FLASH_BOUNDARY_MM, errs);
    let label_ppe = label_ppe(cells, errs);
    let maintenance_condition = one_of(
        cells,
        &I::MAINTENANCE_CONDITION,
        condition,
        || "1, 2, 3 (or good, fair, poor)".to_string(),
        errs,
    );
    ComplianceInputs {
        label_incident_energy_cal_cm2: label_ie,
        label_arc_flash_boundary_mm: label_afb,
        label_ppe_category: label_ppe,
        label_date: date(cells, &I::LABEL_DATE, errs),
        study_date: date(cells, &I::STUDY_DATE, errs),
        last_maintenance_date: date(cells, &I::LAST_MAINTENANCE_DATE, errs),
        maintenance_condition,
        ..ComplianceInputs::default()
    }
}

/// Parses every cell of a row; each bad value adds an error to `errs`.
pub(super) fn parse_row<'a>(cells: &Cells<'_, 'a>, errs: &mut Vec<RowError>) -> Parsed<'a> {
    ids(cells, errs);
    let class = one_of(
        cells,
        &I::EQUIPMENT_CLASS,
        EquipmentClass::parse,
        listed(values::EQUIPMENT_CLASS),
        errs,
    );
    let system = one_of(
        cells,
        &I::SYSTEM_TYPE,
        SystemType::parse,
        listed(values::SYSTEM_TYPE),
        errs,
    )
    .unwrap_or(SystemType::Ac);
    let voltage_v = required(cells, &I::NOMINAL_VOLTAGE_V, "a nominal voltage", errs);
    let ibf_ka = required(
        cells,
        &I::BOLTED_FAULT_CURRENT_KA,
        "a bolted fault current",
        errs,
    );
    let electrode_config = one_of(
        cells,
        &I::ELECTRODE_CONFIG,
        ElectrodeConfig::parse,
        listed(values::ELECTRODE_CONFIG),
        errs,
    );
    let geometry = Geometry {
        electrode_config,
        gap_mm: positive(cells, &I::GAP_MM, errs),
        working_distance_mm: positive(cells, &I::WORKING_DISTANCE_MM, errs),
        height_mm: positive(cells, &I::ENCLOSURE_HEIGHT_MM, errs),
        width_mm: positive(cells, &I::ENCLOSURE_WIDTH_MM, errs),
        depth_mm: positive(cells, &I::ENCLOSURE_DEPTH_MM, errs),
    };
    let t_full = positive(cells, &I::ARC_DURATION_MS, errs);
    let t_reduced = positive(cells, &I::ARC_DURATION_REDUCED_MS, errs);
    let device = cells.text(&I::PROTECTIVE_DEVICE_ID);
    let device_factor = positive(cells, &I::DEVICE_CURRENT_FACTOR, errs);
    let compliance = labels_and_dates(cells, errs);
    let method = one_of(
        cells,
        &I::METHOD,
        Choice::parse,
        || format!("auto, {}", MethodId::ids()),
        errs,
    );
    let grounding = one_of(
        cells,
        &I::GROUNDING,
        Grounding::parse,
        listed(values::GROUNDING),
        errs,
    )
    .unwrap_or_default();
    let (tolerances, tasks_per_year) = uncertainty_and_risk(cells, errs);
    Parsed {
        class,
        system,
        voltage_v,
        ibf_ka,
        geometry,
        t_full,
        t_reduced,
        device,
        device_factor,
        method,
        grounding,
        compliance,
        tolerances,
        tasks_per_year,
    }
}

/// The `input_hash` of each row of `block` ([`crate::core::hash`]): its calculation inputs —
/// class, system type, voltage, fault current, electrode configuration, geometry, clearing
/// times, device, method, grounding — normalised: numbers by value (so `480` and `480.0`
/// agree), text trimmed, enum values in lower case, an empty `system_type` as `ac` and an empty
/// `arc_duration_reduced_ms` as `arc_duration_ms` (what the calculation uses). Ids, labels,
/// dates and maintenance data are not calculation inputs; a cell that is not a number is hashed
/// as written; absent values are left out.
///
/// Column by column over the block (each row's values still in contract order): the rows'
/// hash chains are independent, so they overlap instead of waiting on one another.
pub(crate) fn input_hashes(block: &Block) -> Vec<u64> {
    let mut h = vec![InputHasher::default(); block.len()];
    lowered(&mut h, block, &I::EQUIPMENT_CLASS, None);
    lowered(&mut h, block, &I::SYSTEM_TYPE, Some("ac"));
    number(&mut h, block, &I::NOMINAL_VOLTAGE_V);
    number(&mut h, block, &I::BOLTED_FAULT_CURRENT_KA);
    lowered(&mut h, block, &I::ELECTRODE_CONFIG, None);
    for c in [
        &I::GAP_MM,
        &I::WORKING_DISTANCE_MM,
        &I::ENCLOSURE_HEIGHT_MM,
        &I::ENCLOSURE_WIDTH_MM,
        &I::ENCLOSURE_DEPTH_MM,
        &I::ARC_DURATION_MS,
    ] {
        number(&mut h, block, c);
    }
    let full = Values::of(block, &I::ARC_DURATION_MS);
    let reduced = Values::of(block, &I::ARC_DURATION_REDUCED_MS);
    let tag = I::ARC_DURATION_REDUCED_MS.position as u8;
    for (k, h) in h.iter_mut().enumerate() {
        h.value(tag, reduced.at(k).or_else(|| full.at(k)));
    }
    let devices = block.texts(&I::PROTECTIVE_DEVICE_ID);
    let tag = I::PROTECTIVE_DEVICE_ID.position as u8;
    for (h, d) in h.iter_mut().zip(devices) {
        h.value(tag, d.map(HashValue::Text));
    }
    lowered(&mut h, block, &I::METHOD, None);
    lowered(&mut h, block, &I::GROUNDING, None);
    number(&mut h, block, &I::DEVICE_CURRENT_FACTOR);
    h.iter().map(InputHasher::finish).collect()
}

/// Adds text column `c` in ASCII lower case to each row's hash (`empty` for an empty cell).
fn lowered(h: &mut [InputHasher], block: &Block, c: &Column, empty: Option<&str>) {
    let (tag, texts) = (c.position as u8, block.texts(c));
    let mut buf = [0u8; 32];
    for (k, h) in h.iter_mut().enumerate() {
        match texts.get(k).copied().flatten() {
            Some(t) => h.value(tag, Some(HashValue::Text(&lower(t, &mut buf)))),
            None => h.value(tag, empty.map(HashValue::Text)),
        };
    }
}

/// Adds number column `c` to each row's hash.
fn number(h: &mut [InputHasher], block: &Block, c: &Column) {
    let (tag, values) = (c.position as u8, Values::of(block, c));
    for (k, h) in h.iter_mut().enumerate() {
        h.value(tag, values.at(k));
    }
}

/// A number column's hashed values: the number, or the text of a cell that is not one.
struct Values<'b, 'a> {
    numbers: &'b [Number],
    texts: &'b [Option<&'a str>],
}

impl<'b, 'a> Values<'b, 'a> {
    fn of(block: &'b Block<'a>, c: &Column) -> Self {
        Values {
            numbers: block.numbers(c),
            texts: block.texts(c),
        }
    }

    #[inline]
    fn at(&self, k: usize) -> Option<HashValue<'a>> {
        match self.numbers.get(k).copied().unwrap_or(Ok(None)) {
            Ok(v) => v.map(HashValue::Num),
            Err(()) => self.texts.get(k).copied().flatten().map(HashValue::Text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::hash::input_hash;
    use crate::pipeline::columns::Columns;
    use polars::prelude::{DataFrame, NamedFrom, Series};
    use HashValue::{Num, Text};

    /// Each row's hash is [`input_hash`] of its normalised values in contract order: enum
    /// values lower-cased, an empty system type as `ac`, numbers by value, a cell that is not
    /// a number as written, an empty reduced clearing time as the full one, absent values and
    /// columns not in the input left out.
    #[test]
    fn hashes_of_a_block_are_each_rows_normalised_inputs() {
        let text = |c: &Column, v: [Option<&str>; 3]| -> polars::prelude::Column {
            Series::new(c.name.into(), v).into()
        };
        let df = DataFrame::new(
            3,
            vec![
                text(
                    &I::EQUIPMENT_CLASS,
                    [Some("Switchgear"), None, Some("panelboard")],
                ),
                text(&I::SYSTEM_TYPE, [None, Some("DC"), Some("ac")]),
                text(
                    &I::NOMINAL_VOLTAGE_V,
                    [Some("480"), Some("4.8e2"), Some("x")],
                ),
                text(&I::ARC_DURATION_MS, [Some("100"), None, Some("50")]),
                text(&I::ARC_DURATION_REDUCED_MS, [None, Some("20"), Some("40")]),
                text(&I::PROTECTIVE_DEVICE_ID, [None, Some("Fuse 1"), None]),
            ],
        )
        .unwrap();
        let cols = Columns::of(&df).unwrap();
        let got = input_hashes(&Block::read(&cols, 0..3));
        let at = |c: &Column| c.position as u8;
        let (class, system, volts) = (
            at(&I::EQUIPMENT_CLASS),
            at(&I::SYSTEM_TYPE),
            at(&I::NOMINAL_VOLTAGE_V),
        );
        let (full, reduced) = (at(&I::ARC_DURATION_MS), at(&I::ARC_DURATION_REDUCED_MS));
        let device = at(&I::PROTECTIVE_DEVICE_ID);
        let want = [
            input_hash([
                (class, Text("switchgear")),
                (system, Text("ac")),
                (volts, Num(480.0)),
                (full, Num(100.0)),
                (reduced, Num(100.0)),
            ]),
            input_hash([
                (system, Text("dc")),
                (volts, Num(480.0)),
                (reduced, Num(20.0)),
                (device, Text("Fuse 1")),
            ]),
            input_hash([
                (class, Text("panelboard")),
                (system, Text("ac")),
                (volts, Text("x")),
                (full, Num(50.0)),
                (reduced, Num(40.0)),
            ]),
        ];
        assert_eq!(got, want);
    }
}
