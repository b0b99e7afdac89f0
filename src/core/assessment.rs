//! One equipment from computed arc-flash results to the contract's result values ([`crate::contract::results`]):
//! governing case, cal/cm² values, minimum arc rating, PPE category, danger flag and shock
//! approach boundaries.

use super::algorithms::Results;
use super::nfpa70e::{self, ShockBoundaries};
use serde::Serialize;

/// `full` or `reduced`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GoverningCase {
    /// The full arcing current case.
    Full,
    /// The reduced arcing current case.
    Reduced,
}

impl GoverningCase {
    /// `full` / `reduced`.
    pub fn as_str(self) -> &'static str {
        match self {
            GoverningCase::Full => "full",
            GoverningCase::Reduced => "reduced",
        }
    }
}

/// The derived values of one equipment.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Assessment {
    /// Incident energy, full case, cal/cm².
    pub incident_energy_full_cal_cm2: f64,
    /// Incident energy, reduced case, cal/cm² (methods with a reduced case).
    pub incident_energy_reduced_cal_cm2: Option<f64>,
    /// Governing incident energy, cal/cm².
    pub incident_energy_cal_cm2: f64,
    /// Governing incident energy, J/cm².
    pub incident_energy_j_cm2: f64,
    /// Arc-flash boundary of the governing case, mm.
    pub arc_flash_boundary_mm: f64,
    /// Which case governs (ties: full).
    pub governing_case: GoverningCase,
    /// Incident energy rounded up to 0.1 cal/cm².
    pub min_arc_rating_cal_cm2: f64,
    /// PPE category 0–4; `None` above 40 cal/cm².
    pub ppe_category: Option<u8>,
    /// Above the danger threshold.
    pub danger: bool,
    /// NFPA 70E shock approach boundaries.
    pub shock: ShockBoundaries,
}

/// Derives the contract's values from a method's results (the governing case is the reduced
/// one only when the method has one and it gives the higher energy), with the shock boundaries
/// of the equipment's voltage (worked out once for the row: [`nfpa70e::shock_boundaries`]).
pub fn assess(r: &Results, shock: ShockBoundaries, danger_threshold_cal_cm2: f64) -> Assessment {
    let reduced = r.reduced_governs();
    let e_j = r.incident_energy_j_cm2();
    let e_cal = nfpa70e::j_to_cal(e_j);
    Assessment {
        incident_energy_full_cal_cm2: nfpa70e::j_to_cal(r.incident_energy_full_j_cm2),
        incident_energy_reduced_cal_cm2: r
            .reduced
            .map(|x| nfpa70e::j_to_cal(x.incident_energy_j_cm2)),
        incident_energy_cal_cm2: e_cal,
        incident_energy_j_cm2: e_j,
        arc_flash_boundary_mm: r.arc_flash_boundary_mm(),
        governing_case: if reduced {
            GoverningCase::Reduced
        } else {
            GoverningCase::Full
        },
        min_arc_rating_cal_cm2: nfpa70e::min_arc_rating_cal_cm2(e_cal),
        ppe_category: nfpa70e::ppe_category(e_cal),
        danger: nfpa70e::is_danger(e_cal, danger_threshold_cal_cm2),
        shock,
    }
}
