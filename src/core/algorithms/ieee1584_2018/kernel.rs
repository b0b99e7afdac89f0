//! The batch kernel: the whole IEEE 1584-2018 model for one equipment, full and reduced case.
//!
//! Same equations as [`super::equations`], rewritten in natural-log form:
//!
//! * ln Ibf, ln G, ln D, ln T (each case) and ln(1 − 0.5·VarCf) are taken once per row;
//! * 10^(k1 + k2·lg x + …) = exp(ln10·k1 + k2·ln x + …), so only k1 and k3 are scaled;
//! * the polynomial P(Ibf) of Eq 1 is also the Q(Ibf)/Ibf of Eq 3–10 (the k4..k10 of
//!   Tables 3–5 equal those of Table 1, checked by a test), so it is evaluated once per level;
//! * E and AFB share one exponent: with
//!   `A = ln10·k1 + k2·lnG + ln10·k3·Ia/Q + k11·lnIbf + k13·lnIb − lnCF`,
//!   `ln E = A + k12·lnD + ln(12.552/50) + lnT` and `ln AFB = (A − ln20 + lnT) / −k12`;
//! * the Eq 16–24 interpolation weights are computed once per row.
//!
//! No allocation, no formatting. Results agree with [`super::equations`] to ~1e-14.

use super::equations::{enclosure_correction, polynomial_k4_k10};
use super::range::{validate, Field, InputError, InputErrorKind, RangeWarnings, VOC_LV_MAX_KV};
use super::tables::{TABLE1, TABLE2, TABLE3_4_5};
use super::{EnclosureCorrection, Inputs};
use crate::core::algorithms::fastexp::exp_or_nan;
use serde::Serialize;
use std::f64::consts::LN_10;

/// ln(12.552 / 50).
const LN_E_CONST: f64 = -1.382_142_989_997_414_7;
/// ln 20.
const LN_20: f64 = 2.995_732_273_553_991;

/// The final values of both cases.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Results {
    /// Final arcing current, full case, kA.
    pub arcing_current_ka: f64,
    /// Final arcing current, reduced case (Eq 2), kA.
    pub arcing_current_reduced_ka: f64,
    /// Incident energy, full case, J/cm².
    pub incident_energy_full_j_cm2: f64,
    /// Incident energy, reduced case, J/cm².
    pub incident_energy_reduced_j_cm2: f64,
    /// Arc-flash boundary, full case, mm.
    pub arc_flash_boundary_full_mm: f64,
    /// Arc-flash boundary, reduced case, mm.
    pub arc_flash_boundary_reduced_mm: f64,
}

impl Results {
    /// True when the reduced case gives the higher incident energy (ties go to `full`).
    pub fn reduced_governs(&self) -> bool {
        self.incident_energy_reduced_j_cm2 > self.incident_energy_full_j_cm2
    }

    /// Governing incident energy, J/cm².
    pub fn incident_energy_j_cm2(&self) -> f64 {
        self.incident_energy_full_j_cm2
            .max(self.incident_energy_reduced_j_cm2)
    }

    /// Arc-flash boundary of the governing case, mm.
    pub fn arc_flash_boundary_mm(&self) -> f64 {
        if self.reduced_governs() {
            self.arc_flash_boundary_reduced_mm
        } else {
            self.arc_flash_boundary_full_mm
        }
    }

    /// Every value finite and positive (branch-free: NaN fails both comparisons).
    #[inline(always)]
    pub(super) fn all_finite_positive(&self) -> bool {
        [
            self.arcing_current_ka,
            self.arcing_current_reduced_ka,
            self.incident_energy_full_j_cm2,
            self.incident_energy_reduced_j_cm2,
            self.arc_flash_boundary_full_mm,
            self.arc_flash_boundary_reduced_mm,
        ]
        .iter()
        .fold(true, |ok, &v| ok & (v > 0.0) & (v < f64::INFINITY))
    }
}

/// Intermediate values at one test voltage (MV path).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct LevelDetail {
    /// 600, 2700 or 14 300.
    pub voc_level_v: u32,
    /// Eq 1 intermediate arcing current, kA.
    pub arcing_current_ka: f64,
    /// Reduced intermediate arcing current (× (1 − 0.5·VarCf)), kA.
    pub arcing_current_reduced_ka: f64,
    /// Eq 3/4/5, full case, J/cm².
    pub incident_energy_full_j_cm2: f64,
    /// Eq 3/4/5, reduced case, J/cm².
    pub incident_energy_reduced_j_cm2: f64,
    /// Eq 7/8/9, full case, mm.
    pub arc_flash_boundary_full_mm: f64,
    /// Eq 7/8/9, reduced case, mm.
    pub arc_flash_boundary_reduced_mm: f64,
}

/// Every intermediate and final value of one calculation.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Detail {
    /// Final values.
    pub results: Results,
    /// `true`: Voc ≤ 0.6 kV (Eq 1 at 600 V, Eq 25, Eq 6, Eq 10).
    pub low_voltage: bool,
    /// Eq 2 VarCf.
    pub var_cf: f64,
    /// 1 − 0.5·VarCf.
    pub reduction_factor: f64,
    /// Table 6, Eq 11–15.
    pub enclosure: EnclosureCorrection,
    /// Eq 1 at 600 V, full value (both paths).
    pub arcing_current_600_ka: f64,
    /// MV path: values at 600, 2700 and 14 300 V. LV path: only `[0]` is set, with the Eq 1
    /// current at 600 V and the Eq 6 / Eq 10 values (which are the final LV values).
    pub levels: [LevelDetail; 3],
}

/// A validated calculation: the details plus the advisory warnings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Calculation {
    /// All values.
    pub detail: Detail,
    /// Advisory range warnings.
    pub warnings: RangeWarnings,
}

/// Validates `inputs`, computes, and checks that every output is finite and positive.
pub fn calculate(inputs: &Inputs) -> Result<Calculation, InputError> {
    let warnings = validate(inputs)?;
    let detail = calculate_unchecked(inputs);
    if !detail.results.all_finite_positive() {
        return Err(numerical_failure(inputs));
    }
    Ok(Calculation { detail, warnings })
}

/// Eq 2 by Horner's rule.
#[inline(always)]
pub(super) fn variation_factor(k: &[f64; 7], v: f64) -> f64 {
    (((((k[0] * v + k[1]) * v + k[2]) * v + k[3]) * v + k[4]) * v + k[5]) * v + k[6]
}

/// Per-row logarithms shared by every level and case.
#[derive(Clone, Copy, Default)]
pub(super) struct Logs {
    pub(super) ln_ibf: f64,
    pub(super) ln_g: f64,
    pub(super) ln_d: f64,
    pub(super) ln_t_full: f64,
    pub(super) ln_t_reduced: f64,
    pub(super) ln_cf: f64,
    pub(super) ln_f: f64,
}

impl Logs {
    /// The logarithms of one row (`f` = 1 − 0.5·VarCf, `cf` = the enclosure factor).
    #[inline(always)]
    pub(super) fn of(inputs: &Inputs, f: f64, cf: f64) -> Logs {
        Logs {
            ln_ibf: inputs.ibf_ka.ln(),
            ln_g: inputs.gap_mm.ln(),
            ln_d: inputs.working_distance_mm.ln(),
            ln_t_full: inputs.arc_duration_ms.ln(),
            ln_t_reduced: inputs.arc_duration_reduced_ms.ln(),
            ln_cf: if cf == 1.0 { 0.0 } else { cf.ln() },
            ln_f: f.ln(),
        }
    }

    /// ln of the Eq 1 current without its polynomial: ln10·k1 + k2·ln Ibf + k3·ln G.
    #[inline(always)]
    pub(super) fn ln_arcing_current_without_p(&self, k1: &[f64; 10]) -> f64 {
        LN_10 * k1[0] + k1[1] * self.ln_ibf + k1[2] * self.ln_g
    }
}

/// Eq 25 (LV final arcing current).
#[inline(always)]
pub(super) fn eq25(v: f64, i600: f64, ibf: f64) -> f64 {
    let ratio = 0.6 / v;
    1.0 / (ratio * ratio * (1.0 / (i600 * i600) - (0.36 - v * v) / (0.36 * ibf * ibf))).sqrt()
}

/// Eq 3–10 for one level and both cases, from the common exponent terms.
/// `ia_over_q` and `ln_ib` are those of the full case; the reduced case multiplies Ia by
/// `f_ia` (1 − 0.5·VarCf for MV, 1 for LV where Ia is the full Iarc_600) and adds ln f to ln Ib.
#[inline(always)]
fn energy_and_boundary(
    config: usize,
    level: usize,
    l: &Logs,
    ia_over_q: f64,
    f_ia: f64,
    ln_ib: f64,
) -> [f64; 4] {
    energy_and_boundary_exponents(config, level, l, ia_over_q, f_ia, ln_ib).map(exp_or_nan)
}

/// Tables 3–5 constants the exponents need, per (config, level): ln10·k1, ln10·k3, −1/k12
/// (computed at compile time, with the same IEEE operations as at run time).
const DERIVED_3_4_5: [[[f64; 3]; 3]; 5] = {
    let mut t = [[[0.0; 3]; 3]; 5];
    let mut c = 0;
    while c < 5 {
        let mut l = 0;
        while l < 3 {
            let k = &TABLE3_4_5[c][l];
            t[c][l] = [LN_10 * k[0], LN_10 * k[2], -1.0 / k[11]];
            l += 1;
        }
        c += 1;
    }
    t
};

/// The natural-log exponents of [`energy_and_boundary`]: ln E full, ln E reduced, ln AFB full,
/// ln AFB reduced.
#[inline(always)]
pub(super) fn energy_and_boundary_exponents(
    config: usize,
    level: usize,
    l: &Logs,
    ia_over_q: f64,
    f_ia: f64,
    ln_ib: f64,
) -> [f64; 4] {
    let k = &TABLE3_4_5[config][level];
    let [ln10_k1, ln10_k3, inv] = DERIVED_3_4_5[config][level];
    let base = ln10_k1 + k[1] * l.ln_g + k[10] * l.ln_ibf - l.ln_cf;
    let a_full = base + ln10_k3 * ia_over_q + k[12] * ln_ib;
    let a_red = base + ln10_k3 * ia_over_q * f_ia + k[12] * (ln_ib + l.ln_f);
    let e_term = k[11] * l.ln_d + LN_E_CONST;
    [
        a_full + e_term + l.ln_t_full,
        a_red + e_term + l.ln_t_reduced,
        (a_full - LN_20 + l.ln_t_full) * inv,
        (a_red - LN_20 + l.ln_t_reduced) * inv,
    ]
}

/// The final arcing currents, full and reduced (kA), as [`calculate_results`] gives them (the
/// same helpers in the same order, so bit-identical), without the energies and boundaries:
/// all a protective device's clearing time needs. `None` outside the model's hard range or
/// when a current is not finite and positive (the full calculation then says why).
pub fn arcing_currents(inputs: &Inputs) -> Option<(f64, f64)> {
    validate(inputs).ok()?;
    let (c, v, ibf) = (inputs.config as usize, inputs.voc_kv, inputs.ibf_ka);
    let f = 1.0 - 0.5 * variation_factor(&TABLE2[c], v);
    let logs = Logs {
        ln_ibf: ibf.ln(),
        ln_g: inputs.gap_mm.ln(),
        ..Logs::default()
    };
    let at = |lvl: usize| {
        let k1 = &TABLE1[c][lvl];
        let p = polynomial_k4_k10(k1, ibf);
        exp_or_nan(logs.ln_arcing_current_without_p(k1)) * p
    };
    let (full, reduced) = if v <= VOC_LV_MAX_KV {
        let iarc = eq25(v, at(0), ibf);
        (iarc, iarc * f)
    } else {
        let w = interpolation_weights(v);
        let mut a = [0.0f64; 3];
        for (lvl, a) in a.iter_mut().enumerate() {
            if w[lvl] != 0.0 {
                *a = at(lvl);
            }
        }
        (dot(&w, a), dot(&w, [a[0] * f, a[1] * f, a[2] * f]))
    };
    let pos = |x: f64| x > 0.0 && x < f64::INFINITY;
    (pos(full) && pos(reduced)).then_some((full, reduced))
}

/// Eq 16–24 weights for (x600, x2700, x14300).
#[inline(always)]
pub(super) fn interpolation_weights(v: f64) -> [f64; 3] {
    let b = (v - 14.3) * (1.0 / 11.6);
    let x2 = [0.0, -b, 1.0 + b];
    if v <= 2.7 {
        let a = (v - 2.7) * (1.0 / 2.1);
        let x1 = [-a, 1.0 + a, 0.0];
        let p = (2.7 - v) * (1.0 / 2.1);
        let q = (v - 0.6) * (1.0 / 2.1);
        [
            p * x1[0] + q * x2[0],
            p * x1[1] + q * x2[1],
            p * x1[2] + q * x2[2],
        ]
    } else {
        x2
    }
}

#[inline(always)]
pub(super) fn dot(w: &[f64; 3], x: [f64; 3]) -> f64 {
    w[0] * x[0] + w[1] * x[1] + w[2] * x[2]
}

/// Computes every value without range checks. Inputs must have passed [`validate`];
/// otherwise results may be NaN (never a panic).
#[inline]
pub fn calculate_unchecked(inputs: &Inputs) -> Detail {
    kernel::<true>(inputs)
}

/// The final values only, without range checks: the batch hot path. Above 2.7 kV the 600 V
/// level has weight 0 in Eq 16–24 and is not computed.
#[inline]
pub fn calculate_results_unchecked(inputs: &Inputs) -> Results {
    kernel::<false>(inputs).results
}

/// Validates `inputs` and computes the final values (the batch hot path), checking that every
/// output is finite and positive.
#[inline]
pub fn calculate_results(inputs: &Inputs) -> Result<(Results, RangeWarnings), InputError> {
    let warnings = validate(inputs)?;
    let results = calculate_results_unchecked(inputs);
    if !results.all_finite_positive() {
        return Err(numerical_failure(inputs));
    }
    Ok((results, warnings))
}

/// The error of inputs for which the equations give no finite positive result, naming the input
/// that causes it: each input in turn is replaced by a typical value of its range, and the one
/// whose replacement leaves the fewest bad outputs is named (ties: the first in this order —
/// clearing times, working distance, gap, enclosure, fault current). Cold path: runs only for
/// such rows.
pub(super) fn numerical_failure(inputs: &Inputs) -> InputError {
    let bad = |i: &Inputs| {
        let r = calculate_results_unchecked(i);
        [
            r.arcing_current_ka,
            r.arcing_current_reduced_ka,
            r.incident_energy_full_j_cm2,
            r.incident_energy_reduced_j_cm2,
            r.arc_flash_boundary_full_mm,
            r.arc_flash_boundary_reduced_mm,
        ]
        .iter()
        .filter(|&&v| !(v > 0.0 && v < f64::INFINITY))
        .count()
    };
    let lv = inputs.voc_kv <= VOC_LV_MAX_KV;
    type Swap = fn(&mut Inputs, bool);
    let candidates: [(Field, f64, Swap); 7] = [
        (Field::ArcDuration, inputs.arc_duration_ms, |i, _| {
            i.arc_duration_ms = 100.0
        }),
        (
            Field::ArcDurationReduced,
            inputs.arc_duration_reduced_ms,
            |i, _| i.arc_duration_reduced_ms = 100.0,
        ),
        (
            Field::WorkingDistance,
            inputs.working_distance_mm,
            |i, _| i.working_distance_mm = 914.4,
        ),
        (Field::Gap, inputs.gap_mm, |i, lv| {
            i.gap_mm = if lv { 25.0 } else { 104.0 }
        }),
        (
            Field::EnclosureHeight,
            inputs.enclosure.map_or(f64::NAN, |e| e.height_mm),
            |i, _| {
                if let Some(e) = i.enclosure.as_mut() {
                    e.height_mm = 1143.0
                }
            },
        ),
        (
            Field::EnclosureWidth,
            inputs.enclosure.map_or(f64::NAN, |e| e.width_mm),
            |i, _| {
                if let Some(e) = i.enclosure.as_mut() {
                    e.width_mm = 762.0
                }
            },
        ),
        (Field::BoltedFaultCurrent, inputs.ibf_ka, |i, lv| {
            i.ibf_ka = if lv { 20.0 } else { 10.0 }
        }),
    ];
    let mut blame = (Field::BoltedFaultCurrent, inputs.ibf_ka);
    let mut fewest = bad(inputs);
    for (field, value, swap) in candidates {
        let mut trial = *inputs;
        swap(&mut trial, lv);
        let n = bad(&trial);
        if n < fewest {
            (blame, fewest) = ((field, value), n);
        }
    }
    InputError {
        field: blame.0,
        value: blame.1,
        kind: InputErrorKind::NumericalFailure,
    }
}

/// Configurations whose Table 1 k4..k10 are the same at 2700 and 14 300 V, so P(Ibf) and its
/// logarithm are shared (checked against the tables by a unit test).
pub(super) const SAME_POLYNOMIAL_2700_14300: [bool; 5] = [true, true, false, true, true];

/// What both voltage paths start from: Eq 2, the enclosure correction and the logarithms.
struct Start {
    var_cf: f64,
    f: f64,
    enclosure: EnclosureCorrection,
    logs: Logs,
}

/// The model; `ALL_LEVELS = false` skips levels whose interpolation weight is 0.
#[inline(always)]
fn kernel<const ALL_LEVELS: bool>(inputs: &Inputs) -> Detail {
    let v = inputs.voc_kv;
    let var_cf = variation_factor(&TABLE2[inputs.config as usize], v);
    let f = 1.0 - 0.5 * var_cf;
    let enclosure = enclosure_correction(inputs.config, v, inputs.enclosure.as_ref());
    let start = Start {
        var_cf,
        f,
        enclosure,
        logs: Logs::of(inputs, f, enclosure.cf),
    };
    if v <= VOC_LV_MAX_KV {
        lv_kernel(inputs, &start)
    } else {
        mv_kernel::<ALL_LEVELS>(inputs, &start)
    }
}

/// Voc ≤ 0.6 kV: Eq 1 at 600 V, Eq 25, then Eq 6 and Eq 10 with Ia = full Iarc_600.
#[inline(always)]
fn lv_kernel(inputs: &Inputs, s: &Start) -> Detail {
    let (c, v, ibf, f) = (inputs.config as usize, inputs.voc_kv, inputs.ibf_ka, s.f);
    let k1 = &TABLE1[c][0];
    let p = polynomial_k4_k10(k1, ibf);
    let i600 = exp_or_nan(s.logs.ln_arcing_current_without_p(k1)) * p;
    let iarc = eq25(v, i600, ibf);
    let ia_over_q = i600 / (ibf * p);
    let [e_f, e_r, afb_f, afb_r] = energy_and_boundary(c, 0, &s.logs, ia_over_q, 1.0, iarc.ln());
    let mut levels = [LevelDetail::default(); 3];
    levels[0] = LevelDetail {
        voc_level_v: 600,
        arcing_current_ka: i600,
        arcing_current_reduced_ka: i600 * f,
        incident_energy_full_j_cm2: e_f,
        incident_energy_reduced_j_cm2: e_r,
        arc_flash_boundary_full_mm: afb_f,
        arc_flash_boundary_reduced_mm: afb_r,
    };
    Detail {
        results: Results {
            arcing_current_ka: iarc,
            arcing_current_reduced_ka: iarc * f,
            incident_energy_full_j_cm2: e_f,
            incident_energy_reduced_j_cm2: e_r,
            arc_flash_boundary_full_mm: afb_f,
            arc_flash_boundary_reduced_mm: afb_r,
        },
        low_voltage: true,
        var_cf: s.var_cf,
        reduction_factor: f,
        enclosure: s.enclosure,
        arcing_current_600_ka: i600,
        levels,
    }
}

/// Voc > 0.6 kV: Eq 1, 3–5 and 7–9 at each level, then Eq 16–24.
#[inline(always)]
fn mv_kernel<const ALL_LEVELS: bool>(inputs: &Inputs, s: &Start) -> Detail {
    let (c, v, ibf, f) = (inputs.config as usize, inputs.voc_kv, inputs.ibf_ka, s.f);
    let w = interpolation_weights(v);
    let mut levels = [LevelDetail::default(); 3];
    let mut p_prev = (f64::NAN, f64::NAN);
    for (lvl, out) in levels.iter_mut().enumerate() {
        if !ALL_LEVELS && w[lvl] == 0.0 {
            continue;
        }
        let k1 = &TABLE1[c][lvl];
        let (p, ln_p) = if lvl == 2 && SAME_POLYNOMIAL_2700_14300[c] && !p_prev.0.is_nan() {
            p_prev
        } else {
            let p = polynomial_k4_k10(k1, ibf);
            (p, p.ln())
        };
        p_prev = (p, ln_p);
        let ln_i_no_p = s.logs.ln_arcing_current_without_p(k1);
        let iarc = exp_or_nan(ln_i_no_p) * p;
        let ia_over_q = iarc / (ibf * p);
        let [e_f, e_r, afb_f, afb_r] =
            energy_and_boundary(c, lvl, &s.logs, ia_over_q, f, ln_i_no_p + ln_p);
        *out = LevelDetail {
            voc_level_v: [600, 2700, 14300][lvl],
            arcing_current_ka: iarc,
            arcing_current_reduced_ka: iarc * f,
            incident_energy_full_j_cm2: e_f,
            incident_energy_reduced_j_cm2: e_r,
            arc_flash_boundary_full_mm: afb_f,
            arc_flash_boundary_reduced_mm: afb_r,
        };
    }
    let pick = |g: fn(&LevelDetail) -> f64| dot(&w, [g(&levels[0]), g(&levels[1]), g(&levels[2])]);
    Detail {
        results: Results {
            arcing_current_ka: pick(|l| l.arcing_current_ka),
            arcing_current_reduced_ka: pick(|l| l.arcing_current_reduced_ka),
            incident_energy_full_j_cm2: pick(|l| l.incident_energy_full_j_cm2),
            incident_energy_reduced_j_cm2: pick(|l| l.incident_energy_reduced_j_cm2),
            arc_flash_boundary_full_mm: pick(|l| l.arc_flash_boundary_full_mm),
            arc_flash_boundary_reduced_mm: pick(|l| l.arc_flash_boundary_reduced_mm),
        },
        low_voltage: false,
        var_cf: s.var_cf,
        reduction_factor: f,
        enclosure: s.enclosure,
        arcing_current_600_ka: levels[0].arcing_current_ka,
        levels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_polynomial_flags_match_table1() {
        for c in 0..5 {
            assert_eq!(
                SAME_POLYNOMIAL_2700_14300[c],
                TABLE1[c][1][3..10] == TABLE1[c][2][3..10],
                "config {c}"
            );
        }
    }

    #[test]
    fn results_path_equals_detail_path() {
        use super::super::{ElectrodeConfig, EnclosureMm};
        for config in ElectrodeConfig::ALL {
            for v in [0.208, 0.48, 0.6, 0.7, 2.4, 2.7, 4.16, 13.8, 15.0] {
                let inp = Inputs {
                    config,
                    voc_kv: v,
                    ibf_ka: 20.0,
                    gap_mm: if v <= 0.6 { 25.0 } else { 104.0 },
                    working_distance_mm: 600.0,
                    enclosure: Some(EnclosureMm {
                        height_mm: 900.0,
                        width_mm: 800.0,
                        depth_mm: None,
                    }),
                    arc_duration_ms: 80.0,
                    arc_duration_reduced_ms: 120.0,
                };
                assert_eq!(
                    calculate_unchecked(&inp).results,
                    calculate_results_unchecked(&inp),
                    "{config} {v}"
                );
            }
        }
    }

    #[test]
    fn log_constants_are_exact() {
        assert_eq!(LN_E_CONST, (12.552f64 / 50.0).ln());
        assert_eq!(LN_20, 20f64.ln());
    }

    #[test]
    fn interpolation_weights_match_eq16_24() {
        use super::super::equations::eq16_24_interpolate;
        for v in [0.601, 1.0, 2.0, 2.7, 2.701, 4.16, 14.3, 15.0] {
            let w = interpolation_weights(v);
            let x = [3.0, 5.0, 11.0];
            let a = dot(&w, x);
            let b = eq16_24_interpolate(v, x[0], x[1], x[2]);
            assert!((a - b).abs() <= 1e-12 * b.abs(), "{v}: {a} vs {b}");
        }
    }
}
