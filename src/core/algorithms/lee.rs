//! The Lee method (R. Lee, 1982), in the form of NFPA 70E Informative Annex D (D.2, D.6):
//! the theoretical maximum-power model of an open-air arc, used above 15 kV (where IEEE
//! 1584-2018 does not reach) and on request.
//!
//! * incident energy `E = 793 · F · V · t / D²` cal/cm² — F bolted fault current in kA,
//!   V line-to-line kV, t arc duration in s, D working distance in inches (Annex D.6);
//! * arc-flash boundary where `E` = 1.2 cal/cm²: `D_B = sqrt(793 · F · V · t / 1.2)` in.
//!
//! IEEE 1584-2002 states the same equation as `2.142e6 · V · Ibf · t / D²` J/cm² with D in mm;
//! the two constants differ by 0.07 % (2.142e6 / 4.184 / 25.4² = 793.5). The NFPA form is
//! used because US labels are made from it and its printed worked values are reproduced
//! exactly. The model has no arcing-current or enclosure correction and no reduced case:
//! the arc is taken to carry the bolted fault current (`arcing_current_ka` = bolted current).

use super::common::{positive, Field, InputError, RangeWarnings};
use super::{Case, Intermediate, Results};
use crate::core::nfpa70e::J_PER_CAL;

/// The constant of NFPA 70E Annex D.6, cal·in²/(cm²·kA·kV·s).
pub const LEE_CONSTANT: f64 = 793.0;
/// Incident energy at the arc-flash boundary, cal/cm².
pub const BOUNDARY_CAL_CM2: f64 = 1.2;
const MM_PER_IN: f64 = 25.4;

/// The hard limits: positive finite voltage, fault current, working distance and duration.
pub fn validate(c: &Case) -> Result<RangeWarnings, InputError> {
    positive(Field::NominalVoltage, c.voltage_v / 1000.0)?;
    positive(Field::BoltedFaultCurrent, c.ibf_ka)?;
    positive(Field::WorkingDistance, c.working_distance_mm)?;
    positive(Field::ArcDuration, c.arc_duration_ms)?;
    Ok(RangeWarnings::default())
}

/// `793 · F · V · t` in cal·in²/cm² (the energy times the squared distance).
fn energy_times_d2(c: &Case) -> f64 {
    LEE_CONSTANT * c.ibf_ka * (c.voltage_v / 1000.0) * (c.arc_duration_ms / 1000.0)
}

/// The results of valid inputs (no checks).
pub fn compute(c: &Case) -> Results {
    let k = energy_times_d2(c);
    let d_in = c.working_distance_mm / MM_PER_IN;
    Results {
        arcing_current_ka: c.ibf_ka,
        incident_energy_full_j_cm2: k / (d_in * d_in) * J_PER_CAL,
        arc_flash_boundary_full_mm: (k / BOUNDARY_CAL_CM2).sqrt() * MM_PER_IN,
        reduced: None,
    }
}

/// The intermediate values `calc` prints.
pub fn intermediates(c: &Case) -> Vec<Intermediate> {
    vec![
        Intermediate::new("bolted fault current F", c.ibf_ka, "kA"),
        Intermediate::new("voltage V", c.voltage_v / 1000.0, "kV"),
        Intermediate::new("arc duration t", c.arc_duration_ms / 1000.0, "s"),
        Intermediate::new(
            "working distance D",
            c.working_distance_mm / MM_PER_IN,
            "in",
        ),
        Intermediate::new("793 F V t", energy_times_d2(c), "cal in2/cm2"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::nfpa70e::SystemType;

    fn case(v_kv: f64, f_ka: f64, t_s: f64, d_mm: f64) -> Case {
        Case {
            system: SystemType::Ac,
            voltage_v: v_kv * 1000.0,
            ibf_ka: f_ka,
            working_distance_mm: d_mm,
            arc_duration_ms: t_s * 1000.0,
            ..Case::default()
        }
    }

    #[test]
    fn annex_d6_worked_values() {
        // 0.48 kV, 22.6 kA, 0.1 s, 18 in: 2.66 cal/cm2, boundary 26.77 in (printed).
        let c = case(0.48, 22.6, 0.1, 457.2);
        assert!(validate(&c).is_ok());
        let r = compute(&c);
        let e_cal = r.incident_energy_full_j_cm2 / J_PER_CAL;
        assert!((e_cal - 2.66).abs() <= 0.005, "{e_cal}");
        let afb_in = r.arc_flash_boundary_full_mm / MM_PER_IN;
        assert!((afb_in - 26.77).abs() <= 0.005, "{afb_in}");
    }
}
