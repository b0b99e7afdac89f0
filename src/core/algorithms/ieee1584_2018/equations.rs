//! IEEE 1584-2018 equations, one function per equation, written in the standard's own
//! (log10) form so they can be read beside the printed page.
//!
//! Units are those of the standard: Voc in kV, currents in kA, lengths in mm, time in ms,
//! energy in J/cm². These functions do no range checking; see [`super::validate`].
//! The batch kernel ([`super::kernel`]) computes the same quantities in natural-log form and
//! is tested against these functions.

use super::tables::{TABLE1, TABLE2, TABLE3_4_5, TABLE6_A_B, TABLE7};
use super::{BoxType, ElectrodeConfig, EnclosureCorrection, EnclosureMm, VocLevel};

/// 1.2 cal/cm² in J/cm²: the incident energy at the arc-flash boundary.
pub const E_B_J_CM2: f64 = 5.0208;

/// Lower bound of the 660.4 mm .. 1244.6 mm band of Table 6.
const DIM_508_MM: f64 = 508.0;
const DIM_660_MM: f64 = 660.4;
const DIM_1244_MM: f64 = 1244.6;
/// Table 6 converts mm to inches with this printed factor (not 1/25.4).
const TABLE6_MM_TO_IN: f64 = 0.03937;
/// Shallow enclosures: depth at most 203.2 mm (8 in).
const SHALLOW_DEPTH_MM: f64 = 203.2;

/// The polynomial k4·I⁶ + k5·I⁵ + … + k9·I + k10 shared by Eq 1 (Table 1) and, multiplied
/// by I, the denominator of the k3 term of Eq 3–10 (Tables 3–5).
#[inline(always)]
pub fn polynomial_k4_k10(k: &[f64], i: f64) -> f64 {
    ((((((k[3] * i + k[4]) * i + k[5]) * i + k[6]) * i + k[7]) * i + k[8]) * i) + k[9]
}

/// Eq 1: intermediate average rms arcing current at one of the three test voltages (kA).
pub fn eq1_intermediate_arcing_current(
    config: ElectrodeConfig,
    level: VocLevel,
    ibf_ka: f64,
    gap_mm: f64,
) -> f64 {
    let k = &TABLE1[config as usize][level as usize];
    10f64.powf(k[0] + k[1] * ibf_ka.log10() + k[2] * gap_mm.log10()) * polynomial_k4_k10(k, ibf_ka)
}

/// Eq 2: arcing current variation correction factor VarCf at the actual Voc (kV).
pub fn eq2_variation_factor(config: ElectrodeConfig, voc_kv: f64) -> f64 {
    let k = &TABLE2[config as usize];
    let v = voc_kv;
    k[0] * v.powi(6)
        + k[1] * v.powi(5)
        + k[2] * v.powi(4)
        + k[3] * v.powi(3)
        + k[4] * v.powi(2)
        + k[5] * v
        + k[6]
}

/// The reduced-current multiplier 1 − 0.5·VarCf (Annex D.44 / D.97).
pub fn reduction_factor(config: ElectrodeConfig, voc_kv: f64) -> f64 {
    1.0 - 0.5 * eq2_variation_factor(config, voc_kv)
}

/// Eq 3, 4, 5 (MV, at 600 / 2700 / 14 300 V) and Eq 6 (LV): intermediate incident energy
/// in J/cm². `ia_ka` is the current of the k3 term, `ib_ka` the current of the k13 term
/// (both the level's intermediate current for MV; the full Iarc_600 and the final current
/// for LV).
#[allow(clippy::too_many_arguments)]
pub fn eq3_6_incident_energy(
    config: ElectrodeConfig,
    level: VocLevel,
    gap_mm: f64,
    ia_ka: f64,
    ib_ka: f64,
    ibf_ka: f64,
    distance_mm: f64,
    duration_ms: f64,
    cf: f64,
) -> f64 {
    let k = &TABLE3_4_5[config as usize][level as usize];
    let q = ibf_ka * polynomial_k4_k10(k, ibf_ka);
    12.552 / 50.0
        * duration_ms
        * 10f64.powf(
            k[0] + k[1] * gap_mm.log10()
                + k[2] * ia_ka / q
                + k[10] * ibf_ka.log10()
                + k[11] * distance_mm.log10()
                + k[12] * ib_ka.log10()
                + (1.0 / cf).log10(),
        )
}

/// Eq 7, 8, 9 (MV) and Eq 10 (LV): intermediate arc-flash boundary in mm, with the same
/// currents as [`eq3_6_incident_energy`].
#[allow(clippy::too_many_arguments)]
pub fn eq7_10_arc_flash_boundary(
    config: ElectrodeConfig,
    level: VocLevel,
    gap_mm: f64,
    ia_ka: f64,
    ib_ka: f64,
    ibf_ka: f64,
    duration_ms: f64,
    cf: f64,
) -> f64 {
    let k = &TABLE3_4_5[config as usize][level as usize];
    let q = ibf_ka * polynomial_k4_k10(k, ibf_ka);
    10f64.powf(
        (k[0]
            + k[1] * gap_mm.log10()
            + k[2] * ia_ka / q
            + k[10] * ibf_ka.log10()
            + k[12] * ib_ka.log10()
            + (1.0 / cf).log10()
            - (20.0 / duration_ms).log10())
            / -k[11],
    )
}

/// Eq 11 / Eq 12: equivalent enclosure width or height in inches for a dimension above
/// 660.4 mm (`a`, `b` from Table 6).
#[inline]
pub fn eq11_12_equivalent_dimension_in(voc_kv: f64, dim_mm: f64, a: f64, b: f64) -> f64 {
    (DIM_660_MM + (dim_mm - DIM_660_MM) * (voc_kv + a) / b) / 25.4
}

/// Table 6 box type: shallow when Voc < 0.6 kV, H and W < 508 mm and depth ≤ 203.2 mm.
/// An unknown depth is treated as typical (the conservative choice).
#[inline]
pub fn table6_box_type(voc_kv: f64, enclosure: &EnclosureMm) -> BoxType {
    let shallow_depth = matches!(enclosure.depth_mm, Some(d) if d <= SHALLOW_DEPTH_MM);
    if voc_kv < 0.6
        && enclosure.height_mm < DIM_508_MM
        && enclosure.width_mm < DIM_508_MM
        && shallow_depth
    {
        BoxType::Shallow
    } else {
        BoxType::Typical
    }
}

/// Table 6: equivalent width in inches (the same rule for VCB, VCBB and HCB).
#[inline]
pub fn table6_width_in(
    config: ElectrodeConfig,
    voc_kv: f64,
    width_mm: f64,
    box_type: BoxType,
) -> f64 {
    let [a, b] = TABLE6_A_B[config as usize];
    if width_mm < DIM_508_MM {
        match box_type {
            BoxType::Typical => 20.0,
            BoxType::Shallow => TABLE6_MM_TO_IN * width_mm,
        }
    } else if width_mm <= DIM_660_MM {
        TABLE6_MM_TO_IN * width_mm
    } else {
        eq11_12_equivalent_dimension_in(voc_kv, width_mm.min(DIM_1244_MM), a, b)
    }
}

/// Table 6: equivalent height in inches (VCB keeps the height up to 49 in; VCBB and HCB use
/// Eq 12 above 660.4 mm).
#[inline]
pub fn table6_height_in(
    config: ElectrodeConfig,
    voc_kv: f64,
    height_mm: f64,
    box_type: BoxType,
) -> f64 {
    let [a, b] = TABLE6_A_B[config as usize];
    if height_mm < DIM_508_MM {
        match box_type {
            BoxType::Typical => 20.0,
            BoxType::Shallow => TABLE6_MM_TO_IN * height_mm,
        }
    } else if height_mm <= DIM_660_MM {
        TABLE6_MM_TO_IN * height_mm
    } else if config == ElectrodeConfig::Vcb {
        if height_mm <= DIM_1244_MM {
            TABLE6_MM_TO_IN * height_mm
        } else {
            49.0
        }
    } else {
        eq11_12_equivalent_dimension_in(voc_kv, height_mm.min(DIM_1244_MM), a, b)
    }
}

/// Eq 13: equivalent enclosure size (in). Not clamped.
#[inline]
pub fn eq13_equivalent_enclosure_size(width_1_in: f64, height_1_in: f64) -> f64 {
    (height_1_in + width_1_in) / 2.0
}

/// Eq 14 (typical) and Eq 15 (shallow): enclosure size correction factor CF.
#[inline]
pub fn eq14_15_correction_factor(config: ElectrodeConfig, box_type: BoxType, ees_in: f64) -> f64 {
    let [b1, b2, b3] = TABLE7[config as usize][box_type as usize];
    let poly = b1 * ees_in * ees_in + b2 * ees_in + b3;
    match box_type {
        BoxType::Typical => poly,
        BoxType::Shallow => 1.0 / poly,
    }
}

/// Table 6 and Eq 11–15 together. Open-air configurations (VOA, HOA) use CF = 1.
#[inline]
pub fn enclosure_correction(
    config: ElectrodeConfig,
    voc_kv: f64,
    enclosure: Option<&EnclosureMm>,
) -> EnclosureCorrection {
    match enclosure {
        Some(enc) if !config.is_open_air() => {
            let box_type = table6_box_type(voc_kv, enc);
            let width_1_in = table6_width_in(config, voc_kv, enc.width_mm, box_type);
            let height_1_in = table6_height_in(config, voc_kv, enc.height_mm, box_type);
            let ees_in = eq13_equivalent_enclosure_size(width_1_in, height_1_in);
            let cf = eq14_15_correction_factor(config, box_type, ees_in);
            EnclosureCorrection {
                box_type: Some(box_type),
                width_1_in,
                height_1_in,
                ees_in,
                cf,
            }
        }
        _ => EnclosureCorrection::open_air(),
    }
}

/// Eq 16–18 (arcing current), Eq 19–21 (incident energy) and Eq 22–24 (arc-flash boundary):
/// the final MV value from the values at 600, 2700 and 14 300 V.
pub fn eq16_24_interpolate(voc_kv: f64, x600: f64, x2700: f64, x14300: f64) -> f64 {
    let x1 = (x2700 - x600) / 2.1 * (voc_kv - 2.7) + x2700;
    let x2 = (x14300 - x2700) / 11.6 * (voc_kv - 14.3) + x14300;
    let x3 = x1 * (2.7 - voc_kv) / 2.1 + x2 * (voc_kv - 0.6) / 2.1;
    if voc_kv <= 2.7 {
        x3
    } else {
        x2
    }
}

/// Eq 25: final arcing current for Voc ≤ 0.6 kV (kA).
pub fn eq25_final_arcing_current_lv(voc_kv: f64, iarc_600_ka: f64, ibf_ka: f64) -> f64 {
    let ratio = 0.6 / voc_kv;
    1.0 / (ratio
        * ratio
        * (1.0 / (iarc_600_ka * iarc_600_ka)
            - (0.6 * 0.6 - voc_kv * voc_kv) / (0.6 * 0.6 * ibf_ka * ibf_ka)))
        .sqrt()
}

/// The whole model composed literally from the equation functions above (no shared
/// logarithms, no precomputed weights). Slow; it is the reference the kernel is tested
/// against. No range checks.
pub fn calculate_reference(inputs: &super::Inputs) -> super::Results {
    let c = inputs.config;
    let v = inputs.voc_kv;
    let ibf = inputs.ibf_ka;
    let g = inputs.gap_mm;
    let d = inputs.working_distance_mm;
    let (tf, tr) = (inputs.arc_duration_ms, inputs.arc_duration_reduced_ms);
    let f = reduction_factor(c, v);
    let cf = enclosure_correction(c, v, inputs.enclosure.as_ref()).cf;
    if v <= 0.6 {
        let lvl = VocLevel::V600;
        let i600 = eq1_intermediate_arcing_current(c, lvl, ibf, g);
        let iarc = eq25_final_arcing_current_lv(v, i600, ibf);
        let imin = iarc * f;
        return super::Results {
            arcing_current_ka: iarc,
            arcing_current_reduced_ka: imin,
            incident_energy_full_j_cm2: eq3_6_incident_energy(
                c, lvl, g, i600, iarc, ibf, d, tf, cf,
            ),
            incident_energy_reduced_j_cm2: eq3_6_incident_energy(
                c, lvl, g, i600, imin, ibf, d, tr, cf,
            ),
            arc_flash_boundary_full_mm: eq7_10_arc_flash_boundary(
                c, lvl, g, i600, iarc, ibf, tf, cf,
            ),
            arc_flash_boundary_reduced_mm: eq7_10_arc_flash_boundary(
                c, lvl, g, i600, imin, ibf, tr, cf,
            ),
        };
    }
    let mut x = [[0.0f64; 6]; 3];
    for (lvl, out) in VocLevel::ALL.into_iter().zip(x.iter_mut()) {
        let i = eq1_intermediate_arcing_current(c, lvl, ibf, g);
        let imin = i * f;
        *out = [
            i,
            imin,
            eq3_6_incident_energy(c, lvl, g, i, i, ibf, d, tf, cf),
            eq3_6_incident_energy(c, lvl, g, imin, imin, ibf, d, tr, cf),
            eq7_10_arc_flash_boundary(c, lvl, g, i, i, ibf, tf, cf),
            eq7_10_arc_flash_boundary(c, lvl, g, imin, imin, ibf, tr, cf),
        ];
    }
    let fin = |k: usize| eq16_24_interpolate(v, x[0][k], x[1][k], x[2][k]);
    super::Results {
        arcing_current_ka: fin(0),
        arcing_current_reduced_ka: fin(1),
        incident_energy_full_j_cm2: fin(2),
        incident_energy_reduced_j_cm2: fin(3),
        arc_flash_boundary_full_mm: fin(4),
        arc_flash_boundary_reduced_mm: fin(5),
    }
}
