//! `voltmetrics calc`: one equipment from flags; every intermediate and final value as a
//! table, or as JSON whose keys are the contract's output columns (SPEC §2) plus
//! `intermediate`.

use super::{write_stdout, UsageError};
use crate::core::algorithms::ieee1584_2018::{
    self as ieee, Calculation, ElectrodeConfig, EnclosureMm, Inputs, METHOD,
};
use crate::core::assessment::{assess, Assessment};
use crate::core::defaults::{apply_defaults, DefaultsApplied, EquipmentClass, Geometry};
use crate::core::hash::{input_hash, Value as HashValue};
use crate::core::nfpa70e::{Approach, SystemType, DEFAULT_DANGER_THRESHOLD_CAL_CM2};
use crate::exit_codes::Exit;
use crate::pipeline::columns::c;
use clap::builder::PossibleValuesParser;
use clap::Args;
use serde_json::{json, Map, Value};

/// Arguments of `calc`.
#[derive(Debug, Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Example (IEEE 1584-2018 Annex D.1):\n  voltmetrics calc --voltage 4160 --fault-current 15 --config VCB --gap 104 \\\n    --distance 914.4 --height 1143 --width 762 --depth 508 --duration 197 --duration-reduced 223"
)]
pub struct CalcArgs {
    /// Nominal line-to-line voltage in volts (208 to 15000).
    #[arg(long, value_name = "V", value_parser = number)]
    pub voltage: f64,
    /// Three-phase bolted fault current in kA (0.5-106 at <= 600 V, 0.2-65 above).
    #[arg(long = "fault-current", value_name = "KA", value_parser = number)]
    pub fault_current: f64,
    /// Electrode configuration [default: from --class].
    #[arg(long, value_name = "C", ignore_case = true,
          value_parser = PossibleValuesParser::new(["VCB", "VCBB", "HCB", "VOA", "HOA"]))]
    pub config: Option<String>,
    /// Conductor gap in mm [default: from --class].
    #[arg(long, value_name = "MM", value_parser = number)]
    pub gap: Option<f64>,
    /// Working distance in mm [default: from --class].
    #[arg(long, value_name = "MM", value_parser = number)]
    pub distance: Option<f64>,
    /// Enclosure inside height in mm (VCB, VCBB, HCB) [default: from --class].
    #[arg(long, value_name = "MM", value_parser = number)]
    pub height: Option<f64>,
    /// Enclosure inside width in mm (VCB, VCBB, HCB) [default: from --class].
    #[arg(long, value_name = "MM", value_parser = number)]
    pub width: Option<f64>,
    /// Enclosure inside depth in mm; unknown = typical (not shallow) box.
    #[arg(long, value_name = "MM", value_parser = number)]
    pub depth: Option<f64>,
    /// Arc duration (clearing time) at the full arcing current, ms.
    #[arg(long, value_name = "MS", value_parser = number)]
    pub duration: f64,
    /// Arc duration at the reduced arcing current, ms [default: --duration].
    #[arg(long = "duration-reduced", value_name = "MS", value_parser = number)]
    pub duration_reduced: Option<f64>,
    /// Equipment class; fills missing values from IEEE 1584-2018 Tables 8 and 10.
    #[arg(long, value_name = "CLASS", ignore_case = true,
          value_parser = PossibleValuesParser::new(EquipmentClass::ALL.map(EquipmentClass::as_str)))]
    pub class: Option<String>,
    /// Incident energy above which `danger` is set, cal/cm² (owner policy).
    #[arg(long = "danger-threshold", value_name = "CAL_CM2", value_parser = number,
          default_value_t = DEFAULT_DANGER_THRESHOLD_CAL_CM2)]
    pub danger_threshold: f64,
    /// Print one JSON object (keys: the output column names, plus `intermediate`).
    #[arg(long)]
    pub json: bool,
}

fn number(s: &str) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .map_err(|_| format!("'{s}' is not a number"))
}

/// A validated calculation with everything needed to print it.
#[derive(Debug)]
pub struct CalcOutcome {
    /// Engine inputs after defaults.
    pub inputs: Inputs,
    /// Nominal voltage, V.
    pub nominal_voltage_v: f64,
    /// What defaults filled.
    pub defaults: DefaultsApplied,
    /// Engine result.
    pub calculation: Calculation,
    /// Contract values.
    pub assessment: Assessment,
    /// `input_hash`.
    pub input_hash: String,
}

fn usage(msg: String) -> anyhow::Error {
    UsageError(msg).into()
}

/// Turns the flags into validated inputs and computes (no I/O).
pub fn evaluate(args: &CalcArgs) -> anyhow::Result<CalcOutcome> {
    if !args.danger_threshold.is_finite() || args.danger_threshold <= 0.0 {
        return Err(usage(format!(
            "--danger-threshold {}: expected a positive number of cal/cm2",
            args.danger_threshold
        )));
    }
    let class = args.class.as_deref().and_then(EquipmentClass::parse);
    let mut g = Geometry {
        electrode_config: args.config.as_deref().and_then(ElectrodeConfig::parse),
        gap_mm: args.gap,
        working_distance_mm: args.distance,
        height_mm: args.height,
        width_mm: args.width,
        depth_mm: args.depth,
    };
    let mut defaults = apply_defaults(&mut g, class, args.voltage);
    let config = g.electrode_config.ok_or_else(|| {
        usage(match class {
            Some(c) => format!("--config is required: class '{}' implies no electrode configuration; accepted: VCB, VCBB, HCB, VOA, HOA", c.as_str()),
            None => "--config is required (or --class to take it from the equipment class); accepted: VCB, VCBB, HCB, VOA, HOA".to_string(),
        })
    })?;
    let required = |v: Option<f64>, flag: &str, what: &str| {
        v.ok_or_else(|| usage(format!("{flag} is required: give the {what} in mm (no typical value for this --class and voltage)")))
    };
    let gap_mm = required(g.gap_mm, "--gap", "conductor gap")?;
    let working_distance_mm = required(g.working_distance_mm, "--distance", "working distance")?;
    let enclosure = if config.is_open_air() {
        None
    } else {
        Some(EnclosureMm {
            height_mm: required(g.height_mm, "--height", "enclosure height")?,
            width_mm: required(g.width_mm, "--width", "enclosure width")?,
            depth_mm: g.depth_mm,
        })
    };
    let duration_reduced = match args.duration_reduced {
        Some(t) => t,
        None => {
            defaults.0 |= DefaultsApplied::ARC_DURATION_REDUCED;
            args.duration
        }
    };
    let inputs = Inputs {
        config,
        voc_kv: args.voltage / 1000.0,
        ibf_ka: args.fault_current,
        gap_mm,
        working_distance_mm,
        enclosure,
        arc_duration_ms: args.duration,
        arc_duration_reduced_ms: duration_reduced,
    };
    let calculation = ieee::calculate(&inputs).map_err(|e| {
        let shown = if e.value.is_nan() {
            String::new()
        } else {
            format!(" {}", e.value * e.field.to_column_units())
        };
        usage(format!("{}{shown}: {e}", e.field.flag()))
    })?;
    let assessment = assess(
        &calculation.detail.results,
        SystemType::Ac,
        args.voltage,
        args.danger_threshold,
    );
    let input_hash = calc_input_hash(args);
    Ok(CalcOutcome {
        inputs,
        nominal_voltage_v: args.voltage,
        defaults,
        calculation,
        assessment,
        input_hash: format!("{input_hash:016x}"),
    })
}

/// The `input_hash` of the flags, as `run` computes it for an inventory row with the same
/// values in the same columns (the values as given, before defaults).
fn calc_input_hash(args: &CalcArgs) -> u64 {
    let class = args.class.as_deref().map(|s| s.trim().to_ascii_lowercase());
    let config = args
        .config
        .as_deref()
        .map(|s| s.trim().to_ascii_lowercase());
    let num = |v: Option<f64>| v.map(HashValue::Num);
    let entries = [
        (c::EQUIPMENT_CLASS, class.as_deref().map(HashValue::Text)),
        (
            c::SYSTEM_TYPE,
            Some(HashValue::Text(SystemType::Ac.as_str())),
        ),
        (c::NOMINAL_VOLTAGE_V, num(Some(args.voltage))),
        (c::BOLTED_FAULT_CURRENT_KA, num(Some(args.fault_current))),
        (c::ELECTRODE_CONFIG, config.as_deref().map(HashValue::Text)),
        (c::GAP_MM, num(args.gap)),
        (c::WORKING_DISTANCE_MM, num(args.distance)),
        (c::ENCLOSURE_HEIGHT_MM, num(args.height)),
        (c::ENCLOSURE_WIDTH_MM, num(args.width)),
        (c::ENCLOSURE_DEPTH_MM, num(args.depth)),
        (c::ARC_DURATION_MS, num(Some(args.duration))),
        (
            c::ARC_DURATION_REDUCED_MS,
            num(args.duration_reduced.or(Some(args.duration))),
        ),
    ];
    input_hash(
        entries
            .into_iter()
            .filter_map(|(idx, v)| v.map(|v| (idx as u8, v))),
    )
}

/// `voltmetrics calc`.
pub fn run(args: &CalcArgs) -> anyhow::Result<Exit> {
    let outcome = evaluate(args)?;
    if args.json {
        let text = serde_json::to_string_pretty(&to_json(&outcome))?;
        write_stdout(|w| Ok(writeln!(w, "{text}")?))?;
    } else {
        let text = to_table(&outcome);
        write_stdout(|w| Ok(w.write_all(text.as_bytes())?))?;
    }
    Ok(Exit::Success)
}

fn approach_json(a: Approach) -> Value {
    a.mm().map_or(Value::Null, |v| json!(v))
}

/// The JSON object: SPEC §2 columns in order, then `intermediate`.
pub fn to_json(o: &CalcOutcome) -> Value {
    let d = &o.calculation.detail;
    let r = &d.results;
    let a = &o.assessment;
    let enc = o.inputs.enclosure;
    let mut m = Map::new();
    m.insert("facility_id".into(), Value::Null);
    m.insert("equipment_id".into(), Value::Null);
    m.insert("status".into(), json!("ok"));
    m.insert("errors".into(), json!(""));
    m.insert("method".into(), json!(METHOD));
    m.insert("electrode_config".into(), json!(o.inputs.config.as_str()));
    m.insert("gap_mm".into(), json!(o.inputs.gap_mm));
    m.insert(
        "working_distance_mm".into(),
        json!(o.inputs.working_distance_mm),
    );
    m.insert(
        "enclosure_height_mm".into(),
        json!(enc.map(|e| e.height_mm)),
    );
    m.insert("enclosure_width_mm".into(), json!(enc.map(|e| e.width_mm)));
    m.insert(
        "enclosure_depth_mm".into(),
        json!(enc.and_then(|e| e.depth_mm)),
    );
    m.insert("defaults_applied".into(), json!(o.defaults.joined()));
    m.insert("arcing_current_ka".into(), json!(r.arcing_current_ka));
    m.insert(
        "arcing_current_reduced_ka".into(),
        json!(r.arcing_current_reduced_ka),
    );
    m.insert("arc_duration_ms".into(), json!(o.inputs.arc_duration_ms));
    m.insert(
        "arc_duration_reduced_ms".into(),
        json!(o.inputs.arc_duration_reduced_ms),
    );
    m.insert(
        "incident_energy_full_cal_cm2".into(),
        json!(a.incident_energy_full_cal_cm2),
    );
    m.insert(
        "incident_energy_reduced_cal_cm2".into(),
        json!(a.incident_energy_reduced_cal_cm2),
    );
    m.insert(
        "incident_energy_cal_cm2".into(),
        json!(a.incident_energy_cal_cm2),
    );
    m.insert(
        "incident_energy_j_cm2".into(),
        json!(a.incident_energy_j_cm2),
    );
    m.insert(
        "arc_flash_boundary_full_mm".into(),
        json!(r.arc_flash_boundary_full_mm),
    );
    m.insert(
        "arc_flash_boundary_reduced_mm".into(),
        json!(r.arc_flash_boundary_reduced_mm),
    );
    m.insert(
        "arc_flash_boundary_mm".into(),
        json!(a.arc_flash_boundary_mm),
    );
    m.insert("governing_case".into(), json!(a.governing_case.as_str()));
    m.insert(
        "min_arc_rating_cal_cm2".into(),
        json!(a.min_arc_rating_cal_cm2),
    );
    m.insert("ppe_category".into(), json!(a.ppe_category));
    m.insert("danger".into(), json!(a.danger));
    m.insert(
        "limited_approach_movable_mm".into(),
        approach_json(a.shock.limited_approach_movable),
    );
    m.insert(
        "limited_approach_fixed_mm".into(),
        approach_json(a.shock.limited_approach_fixed),
    );
    m.insert(
        "restricted_approach_mm".into(),
        approach_json(a.shock.restricted_approach),
    );
    // calc takes no label or date inputs, so compliance is not evaluated here (see `run`).
    m.insert("compliance_status".into(), Value::Null);
    m.insert("findings".into(), Value::Null);
    m.insert(
        "range_warnings".into(),
        json!(o.calculation.warnings.joined()),
    );
    m.insert("input_hash".into(), json!(o.input_hash));
    let levels: Vec<Value> = d
        .levels
        .iter()
        .take(if d.low_voltage { 1 } else { 3 })
        .map(|l| serde_json::to_value(l).unwrap_or(Value::Null))
        .collect();
    m.insert(
        "intermediate".into(),
        json!({
            "path": if d.low_voltage { "lv" } else { "mv" },
            "arcing_current_600_ka": d.arcing_current_600_ka,
            "var_cf": d.var_cf,
            "reduction_factor": d.reduction_factor,
            "box_type": d.enclosure.box_type,
            "width_1_in": d.enclosure.width_1_in,
            "height_1_in": d.enclosure.height_1_in,
            "ees_in": d.enclosure.ees_in,
            "cf": d.enclosure.cf,
            "levels": levels,
            "restricted_approach": a.shock.restricted_approach.describe(),
        }),
    );
    Value::Object(m)
}

/// The readable table.
pub fn to_table(o: &CalcOutcome) -> String {
    use std::fmt::Write as _;
    let d = &o.calculation.detail;
    let r = &d.results;
    let a = &o.assessment;
    let i = &o.inputs;
    let mut s = String::new();
    let _ = writeln!(s, "IEEE 1584-2018 arc-flash calculation ({METHOD})");
    let _ = writeln!(s);
    let _ = writeln!(s, "Inputs");
    let row = |s: &mut String, name: &str, value: String| {
        let _ = writeln!(s, "  {name:<34} {value}");
    };
    row(
        &mut s,
        "nominal voltage",
        format!("{} V", o.nominal_voltage_v),
    );
    row(&mut s, "bolted fault current", format!("{} kA", i.ibf_ka));
    row(
        &mut s,
        "electrode configuration",
        i.config.as_str().to_string(),
    );
    row(&mut s, "gap", format!("{} mm", i.gap_mm));
    row(
        &mut s,
        "working distance",
        format!("{} mm", i.working_distance_mm),
    );
    match i.enclosure {
        Some(e) => row(
            &mut s,
            "enclosure H x W x D",
            format!(
                "{} x {} x {} mm",
                e.height_mm,
                e.width_mm,
                e.depth_mm
                    .map_or("unknown (typical)".to_string(), |v| v.to_string())
            ),
        ),
        None => row(&mut s, "enclosure", "none (open air)".to_string()),
    }
    row(
        &mut s,
        "arc duration full / reduced",
        format!("{} / {} ms", i.arc_duration_ms, i.arc_duration_reduced_ms),
    );
    if !o.defaults.is_empty() {
        row(&mut s, "defaults applied", o.defaults.joined());
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "Enclosure and variation");
    let enc = &d.enclosure;
    match enc.box_type {
        Some(bt) => {
            row(
                &mut s,
                "box type (Table 6)",
                format!("{bt:?}").to_lowercase(),
            );
            row(
                &mut s,
                "width_1 / height_1 (Table 6)",
                format!("{:.4} / {:.4} in", enc.width_1_in, enc.height_1_in),
            );
            row(&mut s, "EES (Eq 13)", format!("{:.4} in", enc.ees_in));
            row(&mut s, "CF (Eq 14/15)", format!("{:.4}", enc.cf));
        }
        None => row(&mut s, "CF", "1 (open air)".to_string()),
    }
    row(&mut s, "VarCf (Eq 2)", format!("{:.4}", d.var_cf));
    row(
        &mut s,
        "1 - 0.5 VarCf",
        format!("{:.4}", d.reduction_factor),
    );
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "{:<36} {:>12} {:>12}",
        "Per voltage level", "full", "reduced"
    );
    let pair = |s: &mut String, name: String, f: f64, r: f64, prec: usize| {
        let _ = writeln!(s, "  {name:<34} {f:>12.prec$} {r:>12.prec$}");
    };
    if d.low_voltage {
        let l = &d.levels[0];
        pair(
            &mut s,
            "Iarc_600 (Eq 1), kA".into(),
            l.arcing_current_ka,
            l.arcing_current_ka,
            4,
        );
    } else {
        for l in &d.levels {
            let v = l.voc_level_v;
            pair(
                &mut s,
                format!("Iarc_{v} (Eq 1), kA"),
                l.arcing_current_ka,
                l.arcing_current_reduced_ka,
                4,
            );
            pair(
                &mut s,
                format!("E_{v}, J/cm2"),
                l.incident_energy_full_j_cm2,
                l.incident_energy_reduced_j_cm2,
                4,
            );
            pair(
                &mut s,
                format!("AFB_{v}, mm"),
                l.arc_flash_boundary_full_mm,
                l.arc_flash_boundary_reduced_mm,
                1,
            );
        }
    }
    let _ = writeln!(s);
    let (eq_i, eq_e, eq_b) = if d.low_voltage {
        ("Eq 25", "Eq 6", "Eq 10")
    } else {
        ("Eq 16-18", "Eq 19-21", "Eq 22-24")
    };
    let _ = writeln!(s, "{:<36} {:>12} {:>12}", "Final values", "full", "reduced");
    pair(
        &mut s,
        format!("arcing current ({eq_i}), kA"),
        r.arcing_current_ka,
        r.arcing_current_reduced_ka,
        4,
    );
    pair(
        &mut s,
        format!("incident energy ({eq_e}), J/cm2"),
        r.incident_energy_full_j_cm2,
        r.incident_energy_reduced_j_cm2,
        4,
    );
    pair(
        &mut s,
        "incident energy, cal/cm2".into(),
        a.incident_energy_full_cal_cm2,
        a.incident_energy_reduced_cal_cm2,
        4,
    );
    pair(
        &mut s,
        format!("arc-flash boundary ({eq_b}), mm"),
        r.arc_flash_boundary_full_mm,
        r.arc_flash_boundary_reduced_mm,
        1,
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "Result");
    row(
        &mut s,
        "governing case",
        a.governing_case.as_str().to_string(),
    );
    row(
        &mut s,
        "incident energy",
        format!(
            "{:.3} cal/cm2 ({:.3} J/cm2)",
            a.incident_energy_cal_cm2, a.incident_energy_j_cm2
        ),
    );
    row(
        &mut s,
        "arc-flash boundary",
        format!("{:.0} mm", a.arc_flash_boundary_mm),
    );
    row(
        &mut s,
        "minimum arc rating",
        format!("{:.1} cal/cm2", a.min_arc_rating_cal_cm2),
    );
    row(
        &mut s,
        "PPE category (informational)",
        a.ppe_category
            .map_or("none (above 40 cal/cm2)".to_string(), |c| c.to_string()),
    );
    row(&mut s, "danger", a.danger.to_string());
    row(
        &mut s,
        "limited approach, movable",
        a.shock.limited_approach_movable.describe(),
    );
    row(
        &mut s,
        "limited approach, fixed",
        a.shock.limited_approach_fixed.describe(),
    );
    row(
        &mut s,
        "restricted approach",
        a.shock.restricted_approach.describe(),
    );
    let w = o.calculation.warnings;
    row(
        &mut s,
        "range warnings",
        if w.is_empty() {
            "none".to_string()
        } else {
            w.joined()
        },
    );
    s
}
