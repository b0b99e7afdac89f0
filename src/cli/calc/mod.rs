//! `voltmetrics calc`: one equipment from flags, with any method; every intermediate and final
//! value as a table, or as JSON whose keys are the result columns of the contract plus
//! `intermediate`. The row is assembled as `run` assembles an inventory row (same defaults,
//! same `input_hash`, same rendering of each value).

mod table;

use super::{write_stdout, UsageError};
use crate::contract::input as I;
use crate::core::algorithms::common::RangeWarnings;
use crate::core::algorithms::ieee1584_2002::Grounding;
use crate::core::algorithms::ieee1584_2018::{ElectrodeConfig, EnclosureMm};
use crate::core::algorithms::{calculate, Case, Choice, Field, InputErrorKind, MethodId, Results};
use crate::core::assessment::{assess, Assessment};
use crate::core::defaults::{apply_defaults, DefaultsApplied, EquipmentClass, Geometry};
use crate::core::hash::{input_hash, Value as HashValue};
use crate::core::nfpa70e::{shock_boundaries, SystemType, DEFAULT_DANGER_THRESHOLD_CAL_CM2};
use crate::core::protection::{Device, Library, Trip};
use crate::exit_codes::Exit;
use crate::io::devices::read_library;
use crate::pipeline::rows::{RowResult, Status};
use crate::pipeline::timing::{device_times, DeviceRef, DurationSource, Timing, PLACEHOLDER_MS};
use clap::builder::PossibleValuesParser;
use clap::Args;
use serde_json::{json, Value};

/// Arguments of `calc`.
#[derive(Debug, Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Examples:\n  voltmetrics calc --voltage 4160 --fault-current 15 --config VCB --gap 104 \\\n    --distance 914.4 --height 1143 --width 762 --depth 508 --duration 197 --duration-reduced 223\n  voltmetrics calc --method lee@1 --voltage 34500 --fault-current 10 --distance 910 --duration 200\n  voltmetrics calc --system dc --voltage 125 --fault-current 10 --config VCB --distance 457.2 --duration 2000"
)]
pub(crate) struct CalcArgs {
    /// Nominal voltage in volts (AC line-to-line; DC system voltage).
    #[arg(long, value_name = "V", value_parser = number)]
    pub(crate) voltage: f64,
    /// Bolted fault current in kA (IEEE 1584-2018: 0.5-106 at <= 600 V, 0.2-65 above).
    #[arg(long = "fault-current", value_name = "KA", value_parser = number)]
    pub(crate) fault_current: f64,
    /// Electrode configuration [default: from --class].
    #[arg(long, value_name = "C", ignore_case = true,
          value_parser = PossibleValuesParser::new(crate::contract::values::ELECTRODE_CONFIG))]
    pub(crate) config: Option<String>,
    /// Conductor gap in mm [default: from --class].
    #[arg(long, value_name = "MM", value_parser = number)]
    pub(crate) gap: Option<f64>,
    /// Working distance in mm [default: from --class].
    #[arg(long, value_name = "MM", value_parser = number)]
    pub(crate) distance: Option<f64>,
    /// Enclosure inside height in mm (VCB, VCBB, HCB) [default: from --class].
    #[arg(long, value_name = "MM", value_parser = number)]
    pub(crate) height: Option<f64>,
    /// Enclosure inside width in mm (VCB, VCBB, HCB) [default: from --class].
    #[arg(long, value_name = "MM", value_parser = number)]
    pub(crate) width: Option<f64>,
    /// Enclosure inside depth in mm; unknown = typical (not shallow) box.
    #[arg(long, value_name = "MM", value_parser = number)]
    pub(crate) depth: Option<f64>,
    /// Arc duration (clearing time) at the full arcing current, ms [required without --device;
    /// given, it wins over the device].
    #[arg(long, value_name = "MS", value_parser = number, required_unless_present = "device")]
    pub(crate) duration: Option<f64>,
    /// Arc duration at the reduced arcing current, ms [default: --duration].
    #[arg(long = "duration-reduced", value_name = "MS", value_parser = number, requires = "duration")]
    pub(crate) duration_reduced: Option<f64>,
    /// Protective-device library (TOML; see voltmetrics-devices(5)).
    #[arg(long, value_name = "FILE", requires = "device")]
    pub(crate) devices: Option<String>,
    /// The device of the library that clears the arc: the clearing times at the full and the
    /// reduced arcing current come from it.
    #[arg(long, value_name = "ID", requires = "devices")]
    pub(crate) device: Option<String>,
    /// The current through the device as a multiple of the arcing current [default: 1].
    #[arg(long = "device-current-factor", value_name = "F", value_parser = number, requires = "device")]
    pub(crate) device_current_factor: Option<f64>,
    /// Cap of device-derived clearing times in ms, or none [default: 2000, IEEE 1584].
    #[arg(long = "max-arc-duration", value_name = "MS", default_value = "2000",
          value_parser = crate::cli::engine::max_arc_duration_flag)]
    pub(crate) max_arc_duration: crate::cli::engine::MaxArcDuration,
    /// Equipment class; fills missing values from IEEE 1584-2018 Tables 8 and 10.
    #[arg(long, value_name = "CLASS", ignore_case = true,
          value_parser = PossibleValuesParser::new(crate::contract::values::EQUIPMENT_CLASS))]
    pub(crate) class: Option<String>,
    /// AC or DC.
    #[arg(long, value_name = "S", default_value = "ac", ignore_case = true,
          value_parser = PossibleValuesParser::new(crate::contract::values::SYSTEM_TYPE))]
    pub(crate) system: String,
    /// Calculation method: a method id, or auto (DC: dc-max-power@1, AC above 15 kV: lee@1,
    /// other AC: ieee1584-2018@1).
    #[arg(long, value_name = "ID", default_value = "ieee1584-2018@1", value_parser = super::engine::method_flag)]
    pub(crate) method: Choice,
    /// System grounding (IEEE 1584-2002).
    #[arg(long, value_name = "G", ignore_case = true,
          value_parser = PossibleValuesParser::new(crate::contract::values::GROUNDING))]
    pub(crate) grounding: Option<String>,
    /// Incident energy above which `danger` is set, cal/cm² (owner policy).
    #[arg(long = "danger-threshold", value_name = "CAL_CM2", value_parser = number,
          default_value_t = DEFAULT_DANGER_THRESHOLD_CAL_CM2)]
    pub(crate) danger_threshold: f64,
    /// Print one JSON object (keys: the output column names, plus `intermediate`).
    #[arg(long)]
    pub(crate) json: bool,
}

fn number(s: &str) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .map_err(|_| format!("'{s}' is not a number"))
}

/// A calculation with everything needed to print it.
#[derive(Debug)]
pub(crate) struct CalcOutcome {
    /// The method.
    pub(crate) method: MethodId,
    /// Its inputs after defaults.
    pub(crate) case: Case,
    /// The result row, as `run` would write it.
    pub(crate) row: RowResult,
    /// The device the clearing times come from (`--device`).
    pub(crate) device: Option<DeviceUse>,
}

impl CalcOutcome {
    /// The method's results.
    pub(crate) fn results(&self) -> Results {
        self.row.results.unwrap_or_default()
    }

    /// The contract values.
    pub(crate) fn assessment(&self) -> Assessment {
        self.row.assessment.expect("calc rows are computed")
    }
}

fn usage(msg: String) -> anyhow::Error {
    UsageError(msg).into()
}

/// The calc flag of an input the methods check.
fn flag(f: Field) -> &'static str {
    f.flag()
}

/// Fills the geometry from the class and checks that what `method` needs is given.
fn geometry(args: &CalcArgs, method: MethodId) -> anyhow::Result<(Geometry, DefaultsApplied)> {
    let class = args.class.as_deref().and_then(EquipmentClass::parse);
    let mut g = Geometry {
        electrode_config: args.config.as_deref().and_then(ElectrodeConfig::parse),
        gap_mm: args.gap,
        working_distance_mm: args.distance,
        height_mm: args.height,
        width_mm: args.width,
        depth_mm: args.depth,
    };
    let defaults = apply_defaults(&mut g, class, args.voltage);
    let needs = method.method().needs;
    let accepted = crate::contract::values::ELECTRODE_CONFIG.join(", ");
    if needs.configuration && g.electrode_config.is_none() {
        return Err(usage(match class {
            Some(c) => format!("--config is required: class '{}' implies no electrode configuration; accepted: {accepted}", c.as_str()),
            None => format!("--config is required (or --class to take it from the equipment class); accepted: {accepted}"),
        }));
    }
    let required = |v: Option<f64>, flag: &str, what: &str| {
        v.map(|_| ()).ok_or_else(|| usage(format!("{flag} is required: give the {what} in mm (no typical value for this --class and voltage)")))
    };
    if needs.gap {
        required(g.gap_mm, "--gap", "conductor gap")?;
    }
    required(g.working_distance_mm, "--distance", "working distance")?;
    if needs.enclosure && g.electrode_config.is_some_and(|c| !c.is_open_air()) {
        required(g.height_mm, "--height", "enclosure height")?;
        required(g.width_mm, "--width", "enclosure width")?;
    }
    Ok((g, defaults))
}

/// The method's inputs from the flags and the filled geometry.
fn case_of(args: &CalcArgs, system: SystemType, g: &Geometry, durations_ms: [f64; 2]) -> Case {
    let enclosure = match (g.electrode_config, g.height_mm, g.width_mm) {
        (Some(c), Some(h), Some(w)) if !c.is_open_air() => Some(EnclosureMm {
            height_mm: h,
            width_mm: w,
            depth_mm: g.depth_mm,
        }),
        _ => None,
    };
    Case {
        system,
        config: g.electrode_config,
        class: args.class.as_deref().and_then(EquipmentClass::parse),
        voltage_v: args.voltage,
        ibf_ka: args.fault_current,
        gap_mm: g.gap_mm,
        working_distance_mm: g.working_distance_mm.unwrap_or(f64::NAN),
        enclosure,
        arc_duration_ms: durations_ms[0],
        arc_duration_reduced_ms: durations_ms[1],
        grounding: args
            .grounding
            .as_deref()
            .and_then(Grounding::parse)
            .unwrap_or_default(),
    }
}

/// How `calc --device` found the clearing times: for each case the method has (full, then
/// reduced), the current through the device and its trip (`None`: it does not trip).
#[derive(Debug)]
pub(crate) struct DeviceUse {
    /// The device id and kind.
    pub(crate) id: String,
    /// `relay`, `breaker` or `fuse`.
    pub(crate) kind: &'static str,
    /// `--device-current-factor`.
    pub(crate) factor: f64,
    /// Per case: its name, the current through the device (A) and the device's trip there.
    pub(crate) cases: Vec<(&'static str, f64, Option<Trip>)>,
    /// `--max-arc-duration`.
    pub(crate) cap_ms: Option<f64>,
}

/// The device of `--device`, checked against the library.
fn device_ref(args: &CalcArgs, lib: &Library) -> anyhow::Result<DeviceRef> {
    let id = args.device.as_deref().unwrap_or_default();
    let position = lib.find(id).ok_or_else(|| {
        let known: Vec<&str> = lib.devices().iter().map(Device::id).collect();
        usage(format!(
            "--device {id}: the device library has no device of that id; it has: {}",
            known.join(", ")
        ))
    })?;
    let factor = args.device_current_factor.unwrap_or(1.0);
    if !(factor.is_finite() && factor > 0.0) {
        return Err(usage(format!(
            "--device-current-factor {factor}: expected a positive number"
        )));
    }
    Ok(DeviceRef { position, factor })
}

/// What the device does at each arcing current of `results` (for the table).
fn device_use(lib: &Library, d: DeviceRef, results: &Results, cap_ms: Option<f64>) -> DeviceUse {
    let mut currents = vec![("full", results.arcing_current_ka)];
    currents.extend(results.reduced.map(|r| ("reduced", r.arcing_current_ka)));
    let device = lib.device(d.position);
    DeviceUse {
        id: device.id().to_string(),
        kind: device.kind(),
        factor: d.factor,
        cases: currents
            .into_iter()
            .map(|(name, ka)| {
                let amps = ka * 1000.0 * d.factor;
                (name, amps, device.trip(amps))
            })
            .collect(),
        cap_ms,
    }
}

/// The method's results for `case`, or a usage error naming the flag.
fn compute(method: MethodId, case: &Case) -> anyhow::Result<(Results, RangeWarnings)> {
    calculate(method, case).map_err(|e| {
        let shown = if e.value.is_nan() || e.kind == InputErrorKind::MissingEnclosure {
            String::new()
        } else {
            format!(" {}", e.value * e.field.to_column_units())
        };
        usage(format!(
            "{}{shown}: {}",
            flag(e.field),
            e.message(method.method().model)
        ))
    })
}

/// The system and method of the flags, checked against each other (and --danger-threshold).
fn method_of(args: &CalcArgs) -> anyhow::Result<(SystemType, MethodId)> {
    if !args.danger_threshold.is_finite() || args.danger_threshold <= 0.0 {
        return Err(usage(format!(
            "--danger-threshold {}: expected a positive number of cal/cm2",
            args.danger_threshold
        )));
    }
    let system = SystemType::parse(&args.system).unwrap_or(SystemType::Ac);
    let method = args.method.resolve(system, args.voltage);
    let m = method.method();
    if m.system != system {
        return Err(usage(format!(
            "--method {method}: {} covers {} only; give --system {}",
            m.model,
            m.system.as_str(),
            m.system.as_str()
        )));
    }
    Ok((system, method))
}

/// Turns the flags (and the device library of `--devices`) into a computed row (no I/O); a
/// value the method cannot take is a usage error naming the flag and what is accepted.
pub(crate) fn evaluate(args: &CalcArgs, devices: Option<&Library>) -> anyhow::Result<CalcOutcome> {
    let (system, method) = method_of(args)?;
    let m = method.method();
    let (g, mut defaults) = geometry(args, method)?;
    // --duration wins over --device (as arc_duration_ms wins in an inventory).
    let device = match (args.duration, devices) {
        (None, Some(lib)) => Some((lib, device_ref(args, lib)?)),
        _ => None,
    };
    let full = args.duration.unwrap_or(PLACEHOLDER_MS);
    let mut durations = [Some(full), None];
    if m.reduced_case {
        durations[1] = Some(match (device, args.duration_reduced) {
            (Some(_), _) => PLACEHOLDER_MS,
            (None, Some(t)) => t,
            (None, None) => {
                defaults.0 |= DefaultsApplied::ARC_DURATION_REDUCED;
                full
            }
        });
    }
    let mut case = case_of(args, system, &g, [full, durations[1].unwrap_or(full)]);
    let (mut results, mut warnings) = compute(method, &case)?;
    let mut timing = Timing {
        source: Some(DurationSource::Input),
        ..Timing::default()
    };
    let mut used = None;
    if let Some((lib, d)) = device {
        let cap_ms = args.max_arc_duration.0;
        let currents = (
            results.arcing_current_ka,
            results.reduced.map(|r| r.arcing_current_ka),
        );
        let t = device_times(lib, d, currents, cap_ms).map_err(|e| usage(e.reason))?;
        used = Some(device_use(lib, d, &results, cap_ms));
        case.arc_duration_ms = t.full_ms;
        case.arc_duration_reduced_ms = t.reduced_ms;
        (results, warnings) = compute(method, &case)?;
        timing = t.timing;
        durations = [Some(t.full_ms), m.reduced_case.then_some(t.reduced_ms)];
    }
    let shock = shock_boundaries(system, args.voltage);
    let a = assess(&results, shock, args.danger_threshold);
    let row = RowResult {
        status: Status::Ok,
        errors: Vec::new(),
        config: g.electrode_config,
        geometry: [
            g.gap_mm,
            g.working_distance_mm,
            g.height_mm,
            g.width_mm,
            g.depth_mm,
        ],
        defaults,
        durations,
        method: Some(method),
        results: Some(results),
        assessment: Some(a),
        shock: Some(shock),
        // calc takes no label or date inputs, so compliance is not evaluated (see `run`).
        findings: None,
        warnings,
        input_hash: calc_input_hash(args),
        timing,
        uncertainty: None,
        risk: None,
    };
    Ok(CalcOutcome {
        method,
        case,
        row,
        device: used,
    })
}

fn text(v: &Option<String>) -> Option<HashValue<'_>> {
    v.as_deref().map(HashValue::Text)
}

/// The `input_hash` of the flags, as `run` computes it for an inventory row with the same
/// values in the same columns (the values as given, before defaults).
fn calc_input_hash(args: &CalcArgs) -> u64 {
    let lower = |s: &Option<String>| s.as_deref().map(|s| s.trim().to_ascii_lowercase());
    let (class, config, grounding) = (
        lower(&args.class),
        lower(&args.config),
        lower(&args.grounding),
    );
    let system = args.system.trim().to_ascii_lowercase();
    let method = match args.method {
        Choice::Auto => "auto".to_string(),
        Choice::Fixed(m) => m.id().to_string(),
    };
    let num = |v: Option<f64>| v.map(HashValue::Num);
    let entries = [
        (I::EQUIPMENT_CLASS, text(&class)),
        (I::SYSTEM_TYPE, Some(HashValue::Text(&system))),
        (I::NOMINAL_VOLTAGE_V, num(Some(args.voltage))),
        (I::BOLTED_FAULT_CURRENT_KA, num(Some(args.fault_current))),
        (I::ELECTRODE_CONFIG, text(&config)),
        (I::GAP_MM, num(args.gap)),
        (I::WORKING_DISTANCE_MM, num(args.distance)),
        (I::ENCLOSURE_HEIGHT_MM, num(args.height)),
        (I::ENCLOSURE_WIDTH_MM, num(args.width)),
        (I::ENCLOSURE_DEPTH_MM, num(args.depth)),
        (I::ARC_DURATION_MS, num(args.duration)),
        (
            I::ARC_DURATION_REDUCED_MS,
            num(args.duration_reduced.or(args.duration)),
        ),
        (I::PROTECTIVE_DEVICE_ID, text(&args.device)),
        // The default method of calc is not an input; a method chosen by flag is.
        (
            I::METHOD,
            (args.method != Choice::Fixed(MethodId::IEEE1584_2018))
                .then_some(HashValue::Text(&method)),
        ),
        (I::GROUNDING, text(&grounding)),
        (I::DEVICE_CURRENT_FACTOR, num(args.device_current_factor)),
    ];
    input_hash(
        entries
            .into_iter()
            .filter_map(|(c, v)| v.map(|v| (c.position as u8, v))),
    )
}

/// The JSON object: the result columns of the contract in order, then `intermediate`.
pub(crate) fn to_json(o: &CalcOutcome) -> Value {
    let mut m = crate::pipeline::store::json_row(&o.row);
    // Empty lists are "" here (as calc has always printed them); compliance is not evaluated.
    for c in [
        crate::contract::results::ERRORS,
        crate::contract::results::DEFAULTS_APPLIED,
        crate::contract::results::RANGE_WARNINGS,
    ] {
        if let Some(v) = m.get_mut(c.name).filter(|v| v.is_null()) {
            *v = json!("");
        }
    }
    m.insert("intermediate".into(), table::intermediate_json(o));
    Value::Object(m)
}

/// `voltmetrics calc`.
pub(crate) fn run(args: &CalcArgs) -> anyhow::Result<Exit> {
    let devices = args.devices.as_deref().map(read_library).transpose()?;
    let outcome = evaluate(args, devices.as_deref())?;
    let text = if args.json {
        serde_json::to_string_pretty(&to_json(&outcome))? + "\n"
    } else {
        table::to_table(&outcome)
    };
    write_stdout(|w| Ok(w.write_all(text.as_bytes())?))?;
    Ok(Exit::Success)
}
