//! The IEEE 1584-2002 empirical model, for comparison with legacy studies (on request only).
//!
//! * Eq (1) arcing current: below 1 kV
//!   `lg Ia = K + 0.662 lg Ibf + 0.0966 V + 0.000526 G + 0.5588 V lg Ibf − 0.00304 G lg Ibf`
//!   (K = −0.153 open air, −0.097 box); from 1 kV `lg Ia = 0.00402 + 0.983 lg Ibf`;
//! * Eq (2) normalised energy `lg En = K1 + K2 + 1.081 lg Ia + 0.0011 G` (K1 = −0.792 open
//!   air, −0.555 box; K2 = 0 ungrounded or high-resistance grounded, −0.113 grounded);
//! * Eq (3) `E = 4.184 · Cf · En · (t / 0.2) · (610^x / D^x)` J/cm² (Cf = 1.5 up to 1 kV, 1.0
//!   above; x the distance exponent of Table 4);
//! * Eq (4) boundary `D_B = (4.184 · Cf · En · (t / 0.2) · 610^x / E_B)^(1/x)` with the 2002
//!   text's E_B = 5.0 J/cm² (NFPA's 1.2 cal/cm² is 5.0208 J/cm²; the 2002 value is kept so
//!   results compare with legacy studies);
//! * below 1 kV a second case at 0.85 · Ia with its own clearing time (the reduced case).
//!
//! V in kV, currents in kA, G in mm, t in s, D in mm. Range (hard): 0.208–15 kV, Ibf
//! 0.7–106 kA, gap 13–152 mm.

use super::common::{positive, within, Field, InputError, RangeWarnings};
use super::{Case, Intermediate, Reduced, Results};
use crate::core::defaults::EquipmentClass;

/// Voltage range, kV.
pub const VOLTAGE_KV: (f64, f64) = (0.208, 15.0);
/// Bolted fault current range, kA.
pub const IBF_KA: (f64, f64) = (0.7, 106.0);
/// Gap range, mm.
pub const GAP_MM: (f64, f64) = (13.0, 152.0);
/// Incident energy at the arc-flash boundary of the 2002 text, J/cm².
pub const BOUNDARY_J_CM2: f64 = 5.0;
/// The second (reduced) arcing current below 1 kV, as a fraction of Ia.
pub const REDUCED_FRACTION: f64 = 0.85;

/// Grounding of the system (K2 of Eq 2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Grounding {
    /// Solidly grounded: K2 = −0.113 (the default).
    #[default]
    Grounded,
    /// Ungrounded or high-resistance grounded: K2 = 0.
    Ungrounded,
}

impl Grounding {
    /// The accepted spellings of the `grounding` column.
    pub const NAMES: [&'static str; 3] = ["grounded", "ungrounded", "high_resistance"];

    /// Parses `grounded`, `ungrounded` or `high_resistance` (case-insensitive).
    pub fn parse(s: &str) -> Option<Grounding> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("grounded") {
            Some(Grounding::Grounded)
        } else if s.eq_ignore_ascii_case("ungrounded") || s.eq_ignore_ascii_case("high_resistance")
        {
            Some(Grounding::Ungrounded)
        } else {
            None
        }
    }
}

/// Whether the arc is in open air (VOA/HOA, or the `open_air` class) rather than a box.
fn open_air(c: &Case) -> bool {
    c.config
        .map_or(c.class == Some(EquipmentClass::OpenAir), |k| {
            k.is_open_air()
        })
}

/// Table 4 distance exponent x: open air and cable 2.0; below 1 kV switchgear 1.473, MCCs and
/// panels 1.641; from 1 kV boxes 0.973. A box of class `other` (or none) is taken as
/// switchgear.
pub fn distance_exponent(c: &Case) -> f64 {
    use EquipmentClass::*;
    if open_air(c) || c.class == Some(CableJunctionBox) {
        return 2.0;
    }
    let lv = c.voltage_v < 1000.0;
    match c.class {
        Some(Mcc | Panelboard) if lv => 1.641,
        _ if lv => 1.473,
        _ => 0.973,
    }
}

/// The hard range.
pub fn validate(c: &Case) -> Result<RangeWarnings, InputError> {
    let v = c.voltage_v / 1000.0;
    positive(Field::NominalVoltage, v)?;
    within(Field::NominalVoltage, v, VOLTAGE_KV)?;
    positive(Field::BoltedFaultCurrent, c.ibf_ka)?;
    within(Field::BoltedFaultCurrent, c.ibf_ka, IBF_KA)?;
    let gap = c.gap_mm.unwrap_or(f64::NAN);
    positive(Field::Gap, gap)?;
    within(Field::Gap, gap, GAP_MM)?;
    positive(Field::WorkingDistance, c.working_distance_mm)?;
    positive(Field::ArcDuration, c.arc_duration_ms)?;
    if c.voltage_v < 1000.0 {
        positive(Field::ArcDurationReduced, c.arc_duration_reduced_ms)?;
    }
    Ok(RangeWarnings::default())
}

/// Eq (1): the arcing current, kA.
pub fn arcing_current_ka(c: &Case) -> f64 {
    let (v, g) = (c.voltage_v / 1000.0, c.gap_mm.unwrap_or(f64::NAN));
    let lg_ibf = c.ibf_ka.log10();
    let lg_ia = if v < 1.0 {
        let k = if open_air(c) { -0.153 } else { -0.097 };
        k + 0.662 * lg_ibf + 0.0966 * v + 0.000526 * g + 0.5588 * v * lg_ibf - 0.00304 * g * lg_ibf
    } else {
        0.00402 + 0.983 * lg_ibf
    };
    10f64.powf(lg_ia)
}

/// Eq (2): the normalised incident energy at arcing current `ia` (0.2 s, 610 mm).
pub fn normalised_energy(c: &Case, ia_ka: f64) -> f64 {
    let k1 = if open_air(c) { -0.792 } else { -0.555 };
    let k2 = match c.grounding {
        Grounding::Grounded => -0.113,
        Grounding::Ungrounded => 0.0,
    };
    10f64.powf(k1 + k2 + 1.081 * ia_ka.log10() + 0.0011 * c.gap_mm.unwrap_or(f64::NAN))
}

/// Eq (3) and Eq (4) for one normalised energy and duration: (E J/cm², D_B mm).
fn energy_and_boundary(c: &Case, en: f64, t_ms: f64) -> (f64, f64) {
    let cf = if c.voltage_v <= 1000.0 { 1.5 } else { 1.0 };
    let x = distance_exponent(c);
    let at_610 = 4.184 * cf * en * (t_ms / 1000.0 / 0.2);
    let e = at_610 * (610f64 / c.working_distance_mm).powf(x);
    let afb = 610.0 * (at_610 / BOUNDARY_J_CM2).powf(1.0 / x);
    (e, afb)
}

/// The results of valid inputs (no checks).
pub fn compute(c: &Case) -> Results {
    let ia = arcing_current_ka(c);
    let (e, afb) = energy_and_boundary(c, normalised_energy(c, ia), c.arc_duration_ms);
    let reduced = (c.voltage_v < 1000.0).then(|| {
        let ia_r = REDUCED_FRACTION * ia;
        let (e_r, afb_r) =
            energy_and_boundary(c, normalised_energy(c, ia_r), c.arc_duration_reduced_ms);
        Reduced {
            arcing_current_ka: ia_r,
            incident_energy_j_cm2: e_r,
            arc_flash_boundary_mm: afb_r,
        }
    });
    Results {
        arcing_current_ka: ia,
        incident_energy_full_j_cm2: e,
        arc_flash_boundary_full_mm: afb,
        reduced,
    }
}

/// The intermediate values `calc` prints.
pub fn intermediates(c: &Case) -> Vec<Intermediate> {
    let ia = arcing_current_ka(c);
    let mut out = vec![
        Intermediate::new("arcing current Ia (Eq 1)", ia, "kA"),
        Intermediate::new("normalised energy En (Eq 2)", normalised_energy(c, ia), ""),
        Intermediate::new("distance exponent x (Table 4)", distance_exponent(c), ""),
        Intermediate::new(
            "calculation factor Cf",
            if c.voltage_v <= 1000.0 { 1.5 } else { 1.0 },
            "",
        ),
    ];
    if c.voltage_v < 1000.0 {
        let ia_r = REDUCED_FRACTION * ia;
        out.push(Intermediate::new("0.85 Ia", ia_r, "kA"));
        out.push(Intermediate::new(
            "En at 0.85 Ia",
            normalised_energy(c, ia_r),
            "",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::algorithms::ieee1584_2018::ElectrodeConfig;

    #[test]
    fn published_lv_arcing_currents() {
        // pangonilo.com: 0.46 kV LV MCC, 34.73 kA, G 25 mm, box: Ia 18.17498605, 0.85 Ia 15.44873814.
        let c = Case {
            voltage_v: 460.0,
            ibf_ka: 34.73,
            gap_mm: Some(25.0),
            config: Some(ElectrodeConfig::Vcb),
            class: Some(EquipmentClass::Mcc),
            ..Case::default()
        };
        let ia = arcing_current_ka(&c);
        assert!((ia / 18.174_986_05 - 1.0).abs() < 1e-6, "{ia}");
        assert!((REDUCED_FRACTION * ia / 15.448_738_14 - 1.0).abs() < 1e-6);
    }
}
