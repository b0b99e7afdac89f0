//! DC arc flash (NFPA 70E Informative Annex D.5 and the papers it summarises).
//!
//! * [`max_power`] — `dc-max-power@1` (Doan 2010, Annex D.5.1): the arc takes the largest power
//!   the source can deliver, at `Iarc = 0.5 · Ibf`; `E = 0.01 · V · Iarc · t / D²` cal/cm²
//!   (V in V, Iarc in A, t in s, D in cm), × 3 for an arc in an enclosure (the Doan
//!   convention; the annex only advises more protection there); boundary where E = 1.2
//!   cal/cm². Range: up to 1000 V (Annex D Table D.1).
//! * [`stokes_oppenlander`] — `dc-stokes-oppenlander@1`: the arc voltage of Stokes and
//!   Oppenlander (1991), `Varc = (20 + 0.534 · G) · Iarc^0.12` V (G in mm), iterated with the
//!   source resistance `R = V / Ibf` to the arcing current (`V = Iarc · R + Varc(Iarc)`); the
//!   arc power `Varc · Iarc` for t seconds radiated over a sphere, `E = P · t / (4π D²)` J/cm²
//!   (D in cm): open air.
//! * [`ammerman`] — `dc-ammerman@1` (Ammerman, Gammon, Sen, Nelson 2010, Annex D.5.2): the same
//!   arcing current, with Wilkins' enclosure model `E = k · P · t / (a² + D²)` J/cm² for the
//!   equipment's enclosure (a, k below; open air a = 0, k = 1/(4π)).
//!
//! No method here has a reduced case. The boundary of every method is where E = 1.2 cal/cm²;
//! when the energy is below that even at the enclosure (Wilkins, a² ≥ k·P·t/E_B) the boundary
//! is 0.

use super::common::{positive, Field, InputError, InputErrorKind, RangeWarnings};
use super::{Case, Intermediate, Results};
use crate::core::defaults::EquipmentClass;
use crate::core::nfpa70e::J_PER_CAL;
use std::f64::consts::PI;

/// Incident energy at the boundary, cal/cm².
pub const BOUNDARY_CAL_CM2: f64 = 1.2;
/// Highest voltage of the maximum-power method, V.
pub const MAX_POWER_MAX_V: f64 = 1000.0;

/// Whether the arc is in open air (VOA/HOA, or the `open_air` class) rather than a box.
fn open_air(c: &Case) -> bool {
    c.config
        .map_or(c.class == Some(EquipmentClass::OpenAir), |k| {
            k.is_open_air()
        })
}

fn common_checks(c: &Case) -> Result<(), InputError> {
    positive(Field::NominalVoltage, c.voltage_v / 1000.0)?;
    positive(Field::BoltedFaultCurrent, c.ibf_ka)?;
    positive(Field::WorkingDistance, c.working_distance_mm)?;
    positive(Field::ArcDuration, c.arc_duration_ms)
}

/// The maximum-power method.
pub mod max_power {
    use super::*;

    /// The hard range: positive inputs, at most 1000 V.
    pub fn validate(c: &Case) -> Result<RangeWarnings, InputError> {
        common_checks(c)?;
        if c.voltage_v > MAX_POWER_MAX_V {
            return Err(InputError {
                field: Field::NominalVoltage,
                value: c.voltage_v / 1000.0,
                kind: InputErrorKind::OutOfRange {
                    min: 0.0,
                    max: MAX_POWER_MAX_V / 1000.0,
                },
            });
        }
        Ok(RangeWarnings::default())
    }

    /// 3 in an enclosure, 1 in open air.
    pub fn enclosure_factor(c: &Case) -> f64 {
        if open_air(c) {
            1.0
        } else {
            3.0
        }
    }

    /// `0.01 · V · Iarc · t` × the enclosure factor, cal·cm²/cm² (energy times D²).
    fn energy_times_d2(c: &Case) -> f64 {
        let iarc_a = 0.5 * c.ibf_ka * 1000.0;
        0.01 * c.voltage_v * iarc_a * (c.arc_duration_ms / 1000.0) * enclosure_factor(c)
    }

    /// The results of valid inputs.
    pub fn compute(c: &Case) -> Results {
        let k = energy_times_d2(c);
        let d_cm = c.working_distance_mm / 10.0;
        Results {
            arcing_current_ka: 0.5 * c.ibf_ka,
            incident_energy_full_j_cm2: k / (d_cm * d_cm) * J_PER_CAL,
            arc_flash_boundary_full_mm: (k / BOUNDARY_CAL_CM2).sqrt() * 10.0,
            reduced: None,
        }
    }

    /// What `calc` prints.
    pub fn intermediates(c: &Case) -> Vec<Intermediate> {
        vec![
            Intermediate::new("arcing current 0.5 Ibf", 0.5 * c.ibf_ka * 1000.0, "A"),
            Intermediate::new("enclosure factor", enclosure_factor(c), ""),
            Intermediate::new("working distance D", c.working_distance_mm / 10.0, "cm"),
        ]
    }
}

/// Stokes and Oppenlander's arc voltage coefficient `20 + 0.534 · G` (G in mm).
fn arc_coefficient(gap_mm: f64) -> f64 {
    20.0 + 0.534 * gap_mm
}

/// The arcing current (A) where the source `V`, `R` and the arc voltage balance:
/// `f(I) = V − I·R − c·I^0.12` falls monotonically from V at 0 to −c·Ibf^0.12 at Ibf, so the
/// one root is found by bisection to the resolution of `f64` (deterministic, ≤ 200 steps).
pub fn arcing_current_a(c: &Case) -> f64 {
    let v = c.voltage_v;
    let ibf = c.ibf_ka * 1000.0;
    let r = v / ibf;
    let k = arc_coefficient(c.gap_mm.unwrap_or(f64::NAN));
    let f = |i: f64| v - i * r - k * i.powf(0.12);
    let (mut lo, mut hi) = (0.0f64, ibf);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if f(mid) > 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// The arc voltage at `i` amperes.
pub fn arc_voltage(c: &Case, i: f64) -> f64 {
    arc_coefficient(c.gap_mm.unwrap_or(f64::NAN)) * i.powf(0.12)
}

/// Below this arcing current (A) the Stokes–Oppenlander fit does not apply: `10 + 0.2 · G`.
pub fn transition_current_a(gap_mm: f64) -> f64 {
    10.0 + 0.2 * gap_mm
}

fn arc_model_checks(c: &Case) -> Result<RangeWarnings, InputError> {
    common_checks(c)?;
    positive(Field::Gap, c.gap_mm.unwrap_or(f64::NAN))?;
    let mut w = RangeWarnings::default();
    if arcing_current_a(c) < transition_current_a(c.gap_mm.unwrap_or(f64::NAN)) {
        w.0 |= RangeWarnings::BELOW_TRANSITION_CURRENT;
    }
    Ok(w)
}

/// Wilkins' enclosure constants (name, a in cm, k), as tabulated for the method.
pub const WILKINS: [(&str, f64, f64); 4] = [
    ("open air", 0.0, 1.0 / (4.0 * PI)),
    ("panelboard", 10.0, 0.127),
    ("LV switchgear", 40.0, 0.312),
    ("MV switchgear", 95.0, 0.416),
];

/// Wilkins' enclosure constants (a in cm, k) of an equipment: open air (0, 1/4π), panelboard
/// (10, 0.127), LV switchgear (40, 0.312), MV switchgear (95, 0.416). Panelboards, MCCs and
/// junction boxes are panelboards; switchgear, switchboards and other boxes are switchgear,
/// LV up to 1000 V.
pub fn wilkins(c: &Case) -> (&'static str, f64, f64) {
    use EquipmentClass::*;
    let k = if open_air(c) {
        0
    } else {
        match c.class {
            Some(Panelboard | Mcc | CableJunctionBox) => 1,
            _ if c.voltage_v <= 1000.0 => 2,
            _ => 3,
        }
    };
    WILKINS[k]
}

/// Energy (J/cm²) and boundary (mm) of arc energy `e_j` joules with Wilkins' `a` (cm), `k`.
fn wilkins_energy(e_j: f64, a_cm: f64, k: f64, d_mm: f64) -> (f64, f64) {
    let d_cm = d_mm / 10.0;
    let ie = k * e_j / (a_cm * a_cm + d_cm * d_cm);
    let eb = BOUNDARY_CAL_CM2 * J_PER_CAL;
    let afb_cm = (k * e_j / eb - a_cm * a_cm).max(0.0).sqrt();
    (ie, afb_cm * 10.0)
}

/// The arc model's results with Wilkins' `a` (cm) and `k`.
pub fn arc_model(c: &Case, a_cm: f64, k: f64) -> Results {
    let i = arcing_current_a(c);
    let e_j = arc_voltage(c, i) * i * (c.arc_duration_ms / 1000.0);
    let (ie, afb) = wilkins_energy(e_j, a_cm, k, c.working_distance_mm);
    Results {
        arcing_current_ka: i / 1000.0,
        incident_energy_full_j_cm2: ie,
        arc_flash_boundary_full_mm: afb,
        reduced: None,
    }
}

fn arc_model_intermediates(c: &Case, enclosure: (&'static str, f64, f64)) -> Vec<Intermediate> {
    let i = arcing_current_a(c);
    let v = arc_voltage(c, i);
    vec![
        Intermediate::new(
            "source resistance R = V / Ibf",
            c.voltage_v / (c.ibf_ka * 1000.0),
            "ohm",
        ),
        Intermediate::new("arcing current Iarc", i, "A"),
        Intermediate::new("arc voltage Varc", v, "V"),
        Intermediate::new("arc power Varc Iarc", v * i, "W"),
        Intermediate::new("arc energy", v * i * c.arc_duration_ms / 1000.0, "J"),
        Intermediate::new(
            "transition current 10 + 0.2 G",
            transition_current_a(c.gap_mm.unwrap_or(f64::NAN)),
            "A",
        ),
        Intermediate::new("enclosure a", enclosure.1, "cm"),
        Intermediate::new("enclosure k", enclosure.2, ""),
    ]
}

/// Stokes–Oppenlander arcing current, open-air sphere.
pub mod stokes_oppenlander {
    use super::*;

    /// Positive inputs and a gap; a warning below the transition current.
    pub fn validate(c: &Case) -> Result<RangeWarnings, InputError> {
        arc_model_checks(c)
    }

    /// The results of valid inputs.
    pub fn compute(c: &Case) -> Results {
        arc_model(c, 0.0, 1.0 / (4.0 * PI))
    }

    /// What `calc` prints.
    pub fn intermediates(c: &Case) -> Vec<Intermediate> {
        arc_model_intermediates(c, ("open air", 0.0, 1.0 / (4.0 * PI)))
    }
}

/// Stokes–Oppenlander arcing current, Wilkins enclosure.
pub mod ammerman {
    use super::*;

    /// Positive inputs and a gap; a warning below the transition current.
    pub fn validate(c: &Case) -> Result<RangeWarnings, InputError> {
        arc_model_checks(c)
    }

    /// The results of valid inputs.
    pub fn compute(c: &Case) -> Results {
        let (_, a, k) = wilkins(c);
        arc_model(c, a, k)
    }

    /// What `calc` prints.
    pub fn intermediates(c: &Case) -> Vec<Intermediate> {
        arc_model_intermediates(c, wilkins(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::algorithms::ieee1584_2018::ElectrodeConfig;
    use crate::core::nfpa70e::SystemType;

    fn case(v: f64, ibf_a: f64, gap: f64, t_s: f64, d_cm: f64) -> Case {
        Case {
            system: SystemType::Dc,
            voltage_v: v,
            ibf_ka: ibf_a / 1000.0,
            gap_mm: Some(gap),
            working_distance_mm: d_cm * 10.0,
            arc_duration_ms: t_s * 1000.0,
            config: Some(ElectrodeConfig::Voa),
            ..Case::default()
        }
    }

    #[test]
    fn max_power_worked_value() {
        // 500 V, 20 kA, 0.1 s, 45.72 cm: 2.39 cal/cm2 open air, 7.18 in a box, boundary 64.5 cm.
        let mut c = case(500.0, 20_000.0, 25.0, 0.1, 45.72);
        let r = max_power::compute(&c);
        assert!((r.incident_energy_full_j_cm2 / J_PER_CAL - 2.39198).abs() < 1e-5);
        assert!((r.arc_flash_boundary_full_mm / 10.0 - 64.5497).abs() < 1e-4);
        c.config = Some(ElectrodeConfig::Vcb);
        let r = max_power::compute(&c);
        assert!((r.incident_energy_full_j_cm2 / J_PER_CAL - 7.17594).abs() < 1e-5);
    }

    #[test]
    fn stokes_oppenlander_balances_the_circuit() {
        let c = case(125.0, 20_000.0, 25.0, 2.0, 45.72);
        let i = arcing_current_a(&c);
        assert!((i - 5126.979).abs() < 1e-3, "{i}");
        let r = c.voltage_v / (c.ibf_ka * 1000.0);
        assert!((c.voltage_v - i * r - arc_voltage(&c, i)).abs() < 1e-9);
    }
}
