//! The readable table of `calc` and the `intermediate` object of `calc --json`.

use super::CalcOutcome;
use crate::core::algorithms::ieee1584_2018::{calculate_unchecked, inputs_of, Detail};
use crate::core::algorithms::MethodId;
use serde_json::{json, Value};
use std::fmt::Write as _;

fn row(s: &mut String, name: &str, value: String) {
    let _ = writeln!(s, "  {name:<34} {value}");
}

fn pair(s: &mut String, name: String, f: f64, r: f64, prec: usize) {
    let _ = writeln!(s, "  {name:<34} {f:>12.prec$} {r:>12.prec$}");
}

/// The IEEE 1584-2018 details of the case (every level, the enclosure correction).
fn detail(o: &CalcOutcome) -> Detail {
    calculate_unchecked(&inputs_of(&o.case))
}

/// The table.
pub(super) fn to_table(o: &CalcOutcome) -> String {
    let m = o.method.method();
    let mut s = format!("{} arc-flash calculation ({})\n\n", m.model, o.method);
    inputs(&mut s, o);
    device(&mut s, o);
    if o.method == MethodId::IEEE1584_2018 {
        let d = detail(o);
        enclosure_2018(&mut s, &d);
        levels_2018(&mut s, &d);
        finals_2018(&mut s, o, &d);
    } else {
        intermediates(&mut s, o);
        finals(&mut s, o);
    }
    result(&mut s, o);
    s
}

fn inputs(s: &mut String, o: &CalcOutcome) {
    let c = &o.case;
    let _ = writeln!(s, "Inputs");
    row(s, "nominal voltage", format!("{} V", c.voltage_v));
    row(s, "bolted fault current", format!("{} kA", c.ibf_ka));
    if c.system != crate::core::nfpa70e::SystemType::Ac {
        row(s, "system", c.system.as_str().to_string());
    }
    if let Some(k) = c.config {
        row(s, "electrode configuration", k.as_str().to_string());
    }
    if let Some(g) = c.gap_mm {
        row(s, "gap", format!("{g} mm"));
    }
    row(
        s,
        "working distance",
        format!("{} mm", c.working_distance_mm),
    );
    match c.enclosure {
        Some(e) => row(
            s,
            "enclosure H x W x D",
            format!(
                "{} x {} x {} mm",
                e.height_mm,
                e.width_mm,
                e.depth_mm
                    .map_or("unknown (typical)".to_string(), |v| v.to_string())
            ),
        ),
        None => row(s, "enclosure", "none (open air)".to_string()),
    }
    match o.row.durations {
        [Some(f), Some(r)] => row(s, "arc duration full / reduced", format!("{f} / {r} ms")),
        [Some(f), None] => row(s, "arc duration", format!("{f} ms")),
        _ => {}
    }
    if o.method == MethodId::IEEE1584_2002 {
        row(
            s,
            "system grounding",
            format!("{:?}", c.grounding).to_lowercase(),
        );
    }
    if !o.row.defaults.is_empty() {
        row(s, "defaults applied", o.row.defaults.joined());
    }
    let _ = writeln!(s);
}

/// How the device of `--device` gives the clearing times.
fn device(s: &mut String, o: &CalcOutcome) {
    let Some(d) = &o.device else {
        return;
    };
    let _ = writeln!(s, "Protective device");
    row(s, "device", format!("{} ({})", d.id, d.kind));
    row(s, "device current factor", d.factor.to_string());
    for (case, amps, trip) in &d.cases {
        row(
            s,
            &format!("{case} case: current through it"),
            format!("{amps:.1} A"),
        );
        let shown = match trip {
            Some(t) => format!("{} element, {:.4} s", t.element.as_str(), t.seconds),
            None => "does not trip (DEVICE_NO_TRIP)".to_string(),
        };
        row(s, &format!("{case} case: trip"), shown);
    }
    if let (true, Some(c)) = (o.row.timing.capped, d.cap_ms) {
        row(
            s,
            "capped at --max-arc-duration",
            format!("{c} ms (ARC_DURATION_CAPPED)"),
        );
    }
    let _ = writeln!(s);
}

fn enclosure_2018(s: &mut String, d: &Detail) {
    let _ = writeln!(s, "Enclosure and variation");
    let enc = &d.enclosure;
    match enc.box_type {
        Some(bt) => {
            row(s, "box type (Table 6)", format!("{bt:?}").to_lowercase());
            row(
                s,
                "width_1 / height_1 (Table 6)",
                format!("{:.4} / {:.4} in", enc.width_1_in, enc.height_1_in),
            );
            row(s, "EES (Eq 13)", format!("{:.4} in", enc.ees_in));
            row(s, "CF (Eq 14/15)", format!("{:.4}", enc.cf));
        }
        None => row(s, "CF", "1 (open air)".to_string()),
    }
    row(s, "VarCf (Eq 2)", format!("{:.4}", d.var_cf));
    row(s, "1 - 0.5 VarCf", format!("{:.4}", d.reduction_factor));
    let _ = writeln!(s);
}

fn levels_2018(s: &mut String, d: &Detail) {
    let _ = writeln!(
        s,
        "{:<36} {:>12} {:>12}",
        "Per voltage level", "full", "reduced"
    );
    if d.low_voltage {
        let l = &d.levels[0];
        let i = l.arcing_current_ka;
        pair(s, "Iarc_600 (Eq 1), kA".into(), i, i, 4);
    } else {
        for l in &d.levels {
            let v = l.voc_level_v;
            pair(
                s,
                format!("Iarc_{v} (Eq 1), kA"),
                l.arcing_current_ka,
                l.arcing_current_reduced_ka,
                4,
            );
            pair(
                s,
                format!("E_{v}, J/cm2"),
                l.incident_energy_full_j_cm2,
                l.incident_energy_reduced_j_cm2,
                4,
            );
            pair(
                s,
                format!("AFB_{v}, mm"),
                l.arc_flash_boundary_full_mm,
                l.arc_flash_boundary_reduced_mm,
                1,
            );
        }
    }
    let _ = writeln!(s);
}

fn finals_2018(s: &mut String, o: &CalcOutcome, d: &Detail) {
    let (r, a) = (&d.results, o.assessment());
    let (eq_i, eq_e, eq_b) = if d.low_voltage {
        ("Eq 25", "Eq 6", "Eq 10")
    } else {
        ("Eq 16-18", "Eq 19-21", "Eq 22-24")
    };
    let _ = writeln!(s, "{:<36} {:>12} {:>12}", "Final values", "full", "reduced");
    pair(
        s,
        format!("arcing current ({eq_i}), kA"),
        r.arcing_current_ka,
        r.arcing_current_reduced_ka,
        4,
    );
    pair(
        s,
        format!("incident energy ({eq_e}), J/cm2"),
        r.incident_energy_full_j_cm2,
        r.incident_energy_reduced_j_cm2,
        4,
    );
    pair(
        s,
        "incident energy, cal/cm2".into(),
        a.incident_energy_full_cal_cm2,
        a.incident_energy_reduced_cal_cm2.unwrap_or(f64::NAN),
        4,
    );
    pair(
        s,
        format!("arc-flash boundary ({eq_b}), mm"),
        r.arc_flash_boundary_full_mm,
        r.arc_flash_boundary_reduced_mm,
        1,
    );
    let _ = writeln!(s);
}

fn intermediates(s: &mut String, o: &CalcOutcome) {
    let _ = writeln!(s, "Intermediate values");
    for i in (o.method.method().intermediates)(&o.case) {
        let unit = if i.unit.is_empty() {
            String::new()
        } else {
            format!(" {}", i.unit)
        };
        row(s, i.name, format!("{:.6}{unit}", i.value));
    }
    let _ = writeln!(s);
}

fn finals(s: &mut String, o: &CalcOutcome) {
    let (r, a) = (o.results(), o.assessment());
    let Some(red) = r.reduced else {
        let _ = writeln!(s, "Final values");
        row(
            s,
            "arcing current, kA",
            format!("{:.4}", r.arcing_current_ka),
        );
        row(
            s,
            "incident energy, J/cm2",
            format!("{:.4}", r.incident_energy_full_j_cm2),
        );
        row(
            s,
            "incident energy, cal/cm2",
            format!("{:.4}", a.incident_energy_full_cal_cm2),
        );
        row(
            s,
            "arc-flash boundary, mm",
            format!("{:.1}", r.arc_flash_boundary_full_mm),
        );
        let _ = writeln!(s);
        return;
    };
    let _ = writeln!(s, "{:<36} {:>12} {:>12}", "Final values", "full", "reduced");
    pair(
        s,
        "arcing current, kA".into(),
        r.arcing_current_ka,
        red.arcing_current_ka,
        4,
    );
    pair(
        s,
        "incident energy, J/cm2".into(),
        r.incident_energy_full_j_cm2,
        red.incident_energy_j_cm2,
        4,
    );
    pair(
        s,
        "incident energy, cal/cm2".into(),
        a.incident_energy_full_cal_cm2,
        a.incident_energy_reduced_cal_cm2.unwrap_or(f64::NAN),
        4,
    );
    pair(
        s,
        "arc-flash boundary, mm".into(),
        r.arc_flash_boundary_full_mm,
        red.arc_flash_boundary_mm,
        1,
    );
    let _ = writeln!(s);
}

fn result(s: &mut String, o: &CalcOutcome) {
    let a = o.assessment();
    let _ = writeln!(s, "Result");
    row(s, "governing case", a.governing_case.as_str().to_string());
    row(
        s,
        "incident energy",
        format!(
            "{:.3} cal/cm2 ({:.3} J/cm2)",
            a.incident_energy_cal_cm2, a.incident_energy_j_cm2
        ),
    );
    row(
        s,
        "arc-flash boundary",
        format!("{:.0} mm", a.arc_flash_boundary_mm),
    );
    row(
        s,
        "minimum arc rating",
        format!("{:.1} cal/cm2", a.min_arc_rating_cal_cm2),
    );
    row(
        s,
        "PPE category (informational)",
        a.ppe_category
            .map_or("none (above 40 cal/cm2)".to_string(), |c| c.to_string()),
    );
    row(
        s,
        crate::contract::results::DANGER.name,
        a.danger.to_string(),
    );
    row(
        s,
        "limited approach, movable",
        a.shock.limited_approach_movable.describe(),
    );
    row(
        s,
        "limited approach, fixed",
        a.shock.limited_approach_fixed.describe(),
    );
    row(
        s,
        "restricted approach",
        a.shock.restricted_approach.describe(),
    );
    let w = o.row.warnings;
    row(
        s,
        "range warnings",
        if w.is_empty() {
            "none".to_string()
        } else {
            w.joined()
        },
    );
}

/// The `intermediate` object: IEEE 1584-2018's path, enclosure correction and levels; the
/// other methods' intermediate values by name.
pub(super) fn intermediate_json(o: &CalcOutcome) -> Value {
    let restricted = o.assessment().shock.restricted_approach.describe();
    if o.method != MethodId::IEEE1584_2018 {
        let mut m = serde_json::Map::new();
        for i in (o.method.method().intermediates)(&o.case) {
            m.insert(
                i.name.to_string(),
                json!({"value": i.value, "unit": i.unit}),
            );
        }
        m.insert("restricted_approach".into(), json!(restricted));
        return Value::Object(m);
    }
    let d = detail(o);
    let levels: Vec<Value> = d
        .levels
        .iter()
        .take(if d.low_voltage { 1 } else { 3 })
        .map(|l| serde_json::to_value(l).unwrap_or(Value::Null))
        .collect();
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
        "restricted_approach": restricted,
    })
}
