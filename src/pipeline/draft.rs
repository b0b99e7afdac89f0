//! From a checked row to a draft: choose the method, fill the defaults, and either finish the
//! row here (invalid, not applicable) or hand its [`Case`] to the method's kernel.

use super::cells::{Block, Cells};
use super::check::{parse_row, Parsed};
use super::rows::{err, RowError, RowOptions, RowResult, Status};
use super::sampling::Sampling;
use super::timing::{DeviceRef, PLACEHOLDER_MS};
use crate::contract::input::{self as I};
use crate::contract::Column;
use crate::core::algorithms::ieee1584_2018::{range::VOC_MAX_KV, EnclosureMm};
use crate::core::algorithms::{Case, MethodId, RangeWarnings};
use crate::core::compliance::{self, ComplianceInputs, Deadlines};
use crate::core::defaults::{
    apply_defaults, typical_values, DefaultsApplied, EquipmentClass, Geometry, VoltageClass,
};
use crate::core::nfpa70e::{shock_boundaries, SystemType};

/// A row after checks and defaults: finished, or waiting for its method's kernel.
// Drafts live for one block of rows (1,024) and most of them compute: boxing the larger
// variant would allocate once per row for nothing.
#[allow(clippy::large_enum_variant)]
pub(super) enum Draft {
    /// Invalid or not applicable.
    Done(RowResult),
    /// To be computed with `method`.
    Compute {
        /// The row so far.
        row: RowResult,
        /// The method.
        method: MethodId,
        /// Its inputs.
        case: Case,
        /// The device its clearing times come from (none: `arc_duration_ms`).
        device: Option<DeviceRef>,
        /// The compliance inputs (the computed values are added after the kernel).
        compliance: ComplianceInputs,
        /// `--uncertainty`: what its samples need (boxed: most runs have none).
        sampling: Option<Box<Sampling>>,
        /// `energized_tasks_per_year` (risk likelihood).
        tasks_per_year: Option<f64>,
    },
}

/// The row before its method runs: geometry and durations as given.
fn new_row(p: &Parsed, input_hash: u64) -> RowResult {
    let g = &p.geometry;
    RowResult {
        status: Status::Invalid,
        errors: Vec::new(),
        config: g.electrode_config,
        geometry: [
            g.gap_mm,
            g.working_distance_mm,
            g.height_mm,
            g.width_mm,
            g.depth_mm,
        ],
        defaults: DefaultsApplied::default(),
        durations: [p.t_full, p.t_reduced],
        method: None,
        results: None,
        assessment: None,
        shock: p.voltage_v.map(|v| shock_boundaries(p.system, v)),
        findings: None,
        warnings: RangeWarnings::default(),
        input_hash,
        timing: Default::default(),
        uncertainty: None,
        risk: None,
    }
}

/// A row no method covers: `not_applicable` with the reason, and the compliance rules that do
/// not need an arc-flash result.
fn not_applicable(mut row: RowResult, reason: RowError, p: &Parsed, d: &Deadlines) -> Draft {
    row.status = Status::NotApplicable;
    row.errors = vec![reason];
    row.findings = Some(compliance::without_result(&p.compliance, d));
    Draft::Done(row)
}

/// The device of a row without a clearing time, when the library has it; otherwise the error.
fn device_of(p: &Parsed, opts: &RowOptions) -> Result<Option<DeviceRef>, RowError> {
    let Some(id) = p.device.filter(|_| p.t_full.is_none()) else {
        return Ok(None);
    };
    let Some(lib) = &opts.devices else {
        return Err(err(
            I::ARC_DURATION_MS.name,
            None,
            "missing, the row names a protective_device_id but no device library is given (--devices FILE), give arc_duration_ms or the library",
        ));
    };
    if let Some(t) = p.t_reduced {
        // Half the clearing times given, half from the device would be a guess either way.
        return Err(err(
            I::ARC_DURATION_REDUCED_MS.name,
            Some(&t.to_string()),
            format!("given without arc_duration_ms while the row names device '{id}': give both clearing times, or neither to take both from the device"),
        ));
    }
    match lib.find(id) {
        Some(position) => Ok(Some(DeviceRef {
            position,
            factor: p.device_factor.unwrap_or(1.0),
        })),
        None => Err(err(
            I::PROTECTIVE_DEVICE_ID.name,
            Some(id),
            format!("unknown device '{id}', the device library has no device of that id"),
        )),
    }
}

/// The clearing times of the method's cases, ms: as given (the reduced one defaulting to the
/// full one), or placeholders for a device row until its device is read.
fn durations(
    p: &Parsed,
    reduced_case: bool,
    device: bool,
    defaults: &mut DefaultsApplied,
) -> [f64; 2] {
    if device {
        return [PLACEHOLDER_MS; 2];
    }
    let full = p.t_full.unwrap_or_default();
    let reduced = match p.t_reduced {
        Some(t) => t,
        None => {
            if reduced_case {
                defaults.0 |= DefaultsApplied::ARC_DURATION_REDUCED;
            }
            full
        }
    };
    [full, reduced]
}

/// The errors a row has before its method can run: a missing clearing time (or an unknown
/// device), a missing configuration (for methods that need one).
fn early_errors(
    cells: &Cells,
    p: &Parsed,
    method: MethodId,
    opts: &RowOptions,
    errs: &mut Vec<RowError>,
) -> Option<DeviceRef> {
    let mut device = None;
    if p.t_full.is_none() && !cells.given(&I::ARC_DURATION_MS) {
        match (p.device, device_of(p, opts)) {
            (None, _) => errs.push(err(
                I::ARC_DURATION_MS.name,
                None,
                "missing, give arc_duration_ms (or a protective_device_id)",
            )),
            (Some(_), Ok(d)) => device = d,
            (Some(_), Err(e)) => errs.push(e),
        }
    }
    let no_config = p.geometry.electrode_config.is_none()
        && cells.text(&I::EQUIPMENT_CLASS).is_none()
        && cells.text(&I::ELECTRODE_CONFIG).is_none();
    if method.method().needs.configuration && no_config {
        errs.push(err(
            I::ELECTRODE_CONFIG.name,
            None,
            "missing, give electrode_config or an equipment_class that implies one",
        ));
    }
    device
}

/// Why a class-only row has no typical geometry at its voltage, when the reason is the voltage:
/// above 15 kV, or above 600 V for a class Table 8 lists at low voltage only. `None` when the
/// class has no typical values at any voltage (`open_air`, `other`): then the values must be
/// given, and a missing one makes the row invalid.
fn uncovered_voltage(
    class: Option<EquipmentClass>,
    voltage_v: f64,
    method: MethodId,
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
            I::EQUIPMENT_CLASS.name,
            Some(class.as_str()),
            format!(
                "IEEE 1584-2018 Tables 8 and 10 give no typical values above 15 kV, {method} needs {} for {v} V",
                columns.join(", ")
            ),
        )
    } else {
        err(
            I::EQUIPMENT_CLASS.name,
            Some(class.as_str()),
            format!(
                "IEEE 1584-2018 Table 8 gives typical values for '{}' at 600 V and below only, give {} for {v} V",
                class.as_str(),
                columns.join(", ")
            ),
        )
    })
}

/// Why defaults did not fill a value.
fn class_note(p: &Parsed, voltage_v: f64) -> String {
    match p.class {
        Some(cl) => format!(
            "no typical value for equipment_class '{}' at {voltage_v} V",
            cl.as_str()
        ),
        None => "no equipment_class to take a typical value from".to_string(),
    }
}

/// The values `method` needs that are still missing after defaults.
fn missing_after_defaults(
    g: &Geometry,
    p: &Parsed,
    method: MethodId,
    voltage_v: f64,
) -> Vec<RowError> {
    let needs = method.method().needs;
    let mut missing = Vec::new();
    let mut need = |v: Option<f64>, c: &Column, extra: &dyn Fn() -> String| {
        if v.is_none() {
            let note = class_note(p, voltage_v);
            missing.push(err(c.name, None, format!("missing, {note}{}", extra())));
        }
    };
    if needs.gap {
        need(g.gap_mm, &I::GAP_MM, &String::new);
    }
    need(g.working_distance_mm, &I::WORKING_DISTANCE_MM, &String::new);
    if let Some(config) = g
        .electrode_config
        .filter(|c| needs.enclosure && !c.is_open_air())
    {
        let extra = || format!(" (needed for {config})");
        need(g.height_mm, &I::ENCLOSURE_HEIGHT_MM, &extra);
        need(g.width_mm, &I::ENCLOSURE_WIDTH_MM, &extra);
    }
    missing
}

/// The method of the row: its own `method` cell, else the run's choice, resolved for its system
/// and voltage.
fn method_of(p: &Parsed, opts: &RowOptions) -> MethodId {
    p.method
        .unwrap_or(opts.method)
        .resolve(p.system, p.voltage_v.unwrap_or(f64::NAN))
}

/// Why `method` does not cover a row of `system`, when it does not.
fn other_system(method: MethodId, system: SystemType) -> Option<RowError> {
    let m = method.method();
    let covers = match m.system {
        _ if m.system == system => return None,
        SystemType::Ac => "three-phase AC",
        SystemType::Dc => "DC",
    };
    Some(err(
        I::SYSTEM_TYPE.name,
        Some(system.as_str()),
        format!("{} ({method}) covers {covers} only", m.model),
    ))
}

/// Checks, chooses the method and fills defaults for row `k` of `block` (its `input_hash`
/// given).
pub(super) fn draft(
    block: &Block,
    k: usize,
    input_hash: u64,
    extra_errors: Vec<RowError>,
    opts: &RowOptions,
    deadlines: &Deadlines,
) -> Draft {
    let mut errs = extra_errors;
    let cells = Cells::read(block, k);
    let p = parse_row(&cells, &mut errs);
    let mut row = new_row(&p, input_hash);
    let method = method_of(&p, opts);
    let device = early_errors(&cells, &p, method, opts, &mut errs);
    if !errs.is_empty() {
        row.errors = errs;
        row.shock = None;
        return Draft::Done(row);
    }
    // Every required value parsed from here on.
    let voltage_v = p.voltage_v.unwrap_or_default();
    let m = method.method();
    if let Some(reason) = other_system(method, p.system) {
        return not_applicable(row, reason, &p, deadlines);
    }
    let mut g = p.geometry;
    let mut defaults = apply_defaults(&mut g, p.class, voltage_v);
    let [t_full, t_reduced] = durations(&p, m.reduced_case, device.is_some(), &mut defaults);
    row.defaults = defaults;
    row.config = g.electrode_config;
    row.geometry = [
        g.gap_mm,
        g.working_distance_mm,
        g.height_mm,
        g.width_mm,
        g.depth_mm,
    ];
    // A device row's clearing times are known once its device is read (after the kernel).
    row.durations = match device {
        None => [Some(t_full), m.reduced_case.then_some(t_reduced)],
        Some(_) => [None, None],
    };
    if m.needs.configuration && g.electrode_config.is_none() {
        let note = class_note(&p, voltage_v);
        row.errors = vec![err(
            I::ELECTRODE_CONFIG.name,
            None,
            format!("missing, {note}"),
        )];
        return Draft::Done(row);
    }
    let missing = missing_after_defaults(&g, &p, method, voltage_v);
    if !missing.is_empty() {
        if let Some(reason) = uncovered_voltage(p.class, voltage_v, method, &missing) {
            return not_applicable(row, reason, &p, deadlines);
        }
        row.errors = missing;
        return Draft::Done(row);
    }
    let case = case_of(&p, &g, voltage_v, t_full, t_reduced);
    let sampling = opts
        .uncertainty
        .map(|_| Box::new(Sampling::of(&cells, p.tolerances)));
    Draft::Compute {
        row,
        method,
        case,
        device,
        compliance: p.compliance,
        sampling,
        tasks_per_year: p.tasks_per_year,
    }
}

/// The method's inputs.
fn case_of(p: &Parsed, g: &Geometry, voltage_v: f64, t_full: f64, t_reduced: f64) -> Case {
    let enclosure = match (
        g.electrode_config.map(|c| c.is_open_air()),
        g.height_mm,
        g.width_mm,
    ) {
        (Some(false), Some(h), Some(w)) => Some(EnclosureMm {
            height_mm: h,
            width_mm: w,
            depth_mm: g.depth_mm,
        }),
        _ => None,
    };
    Case {
        system: p.system,
        config: g.electrode_config,
        class: p.class,
        voltage_v,
        ibf_ka: p.ibf_ka.unwrap_or_default(),
        gap_mm: g.gap_mm,
        working_distance_mm: g.working_distance_mm.unwrap_or_default(),
        enclosure,
        arc_duration_ms: t_full,
        arc_duration_reduced_ms: t_reduced,
        grounding: p.grounding,
    }
}
