//! The batch kernel: the same model as [`super::kernel`] over many rows at once.
//!
//! One row of the model is a long chain of dependent steps (logarithms, then the arcing
//! currents, then Eq 25, then the energy and boundary exponentials), so a row-at-a-time loop
//! waits on latency. Here rows are taken in blocks of [`BLOCK`], sorted into their voltage
//! paths (LV; MV up to 2.7 kV; MV above 2.7 kV, where the 600 V level has weight 0), and each
//! step runs over the whole block before the next starts: every loop has independent
//! iterations, and the processor overlaps them.
//!
//! The arithmetic is the per-row kernel's, through the same helper functions in the same
//! order, so results are bit-identical to [`super::calculate_results`] (tested).

use super::equations::{enclosure_correction, polynomial_k4_k10};
use super::kernel::{
    dot, energy_and_boundary_exponents, eq25, interpolation_weights, numerical_failure,
    variation_factor, Logs, Results, SAME_POLYNOMIAL_2700_14300,
};
use super::range::{validate, InputError, RangeWarnings, VOC_LV_MAX_KV};
use super::tables::{TABLE1, TABLE2};
use super::Inputs;
use crate::core::algorithms::fastexp::exp_or_nan;

/// Rows per block.
pub const BLOCK: usize = 64;

/// The outcome of one row: the results and advisory warnings, or why the row has none.
pub type Outcome = Result<(Results, RangeWarnings), InputError>;

/// Computes `inputs` into `out` (same length; shorter of the two is used). Each outcome equals
/// [`super::calculate_results`] of that row.
pub fn calculate_batch(inputs: &[Inputs], out: &mut [Outcome]) {
    let mut memo = LnMemo::new();
    let mut scratch = Box::new(Scratch::new());
    for (inp, out) in inputs.chunks(BLOCK).zip(out.chunks_mut(BLOCK)) {
        block(inp, out, &mut memo, &mut scratch);
    }
}

/// Per-row values every path reads: warnings, 1 − 0.5·VarCf, logarithms.
struct RowState {
    warnings: [RangeWarnings; BLOCK],
    f: [f64; BLOCK],
    logs: [Logs; BLOCK],
}

/// Per-block working arrays, allocated once per call and reused by every block (a value is
/// always written before it is read within its block).
struct Scratch {
    rows: RowState,
    i600: [f64; BLOCK],
    p: [f64; BLOCK],
    iarc: [f64; BLOCK],
    x: [[f64; 4]; BLOCK],
    iarc_levels: [[f64; 3]; BLOCK],
    exponents: [[[f64; 4]; 3]; BLOCK],
}

impl Scratch {
    fn new() -> Self {
        Scratch {
            rows: RowState {
                warnings: [RangeWarnings::default(); BLOCK],
                f: [0.0; BLOCK],
                logs: [Logs::default(); BLOCK],
            },
            i600: [0.0; BLOCK],
            p: [0.0; BLOCK],
            iarc: [0.0; BLOCK],
            x: [[0.0; 4]; BLOCK],
            iarc_levels: [[0.0; 3]; BLOCK],
            exponents: [[[0.0; 4]; 3]; BLOCK],
        }
    }
}

/// A direct-mapped cache of natural logarithms. Inventories repeat their gaps, working
/// distances, enclosures and voltages (Tables 8 and 10 defaults), so most of a row's
/// geometry logarithms are found here. `ln` is a pure function of its argument, so a cached
/// value is bit-identical to a computed one.
struct LnMemo {
    keys: [u64; MEMO_SLOTS],
    vals: [f64; MEMO_SLOTS],
}

const MEMO_SLOTS: usize = 256;

impl LnMemo {
    fn new() -> Self {
        // NaN bits never come from a validated input, so they mark empty slots.
        LnMemo {
            keys: [f64::NAN.to_bits(); MEMO_SLOTS],
            vals: [f64::NAN; MEMO_SLOTS],
        }
    }

    #[inline(always)]
    fn ln(&mut self, x: f64) -> f64 {
        let bits = x.to_bits();
        let slot = ((bits ^ (bits >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 56) as usize;
        if self.keys[slot] == bits {
            self.vals[slot]
        } else {
            let v = x.ln();
            self.keys[slot] = bits;
            self.vals[slot] = v;
            v
        }
    }
}

/// Index lists of one block, by voltage path.
struct Paths {
    lv: [u8; BLOCK],
    n_lv: usize,
    /// MV rows; those ≤ 2.7 kV first (`n_mv_low` of them), then those above.
    mv: [u8; BLOCK],
    n_mv_low: usize,
    n_mv: usize,
}

#[inline(always)]
fn block(inp: &[Inputs], out: &mut [Outcome], memo: &mut LnMemo, scratch: &mut Scratch) {
    let n = inp.len().min(out.len());
    let Scratch {
        rows: RowState { warnings, f, logs },
        i600,
        p,
        iarc,
        x,
        iarc_levels,
        exponents,
    } = scratch;
    let mut paths = Paths {
        lv: [0; BLOCK],
        n_lv: 0,
        mv: [0; BLOCK],
        n_mv_low: 0,
        n_mv: 0,
    };
    let mut mv_high = [0u8; BLOCK];
    let mut n_mv_high = 0;
    for i in 0..n {
        match validate(&inp[i]) {
            Ok(w) => {
                warnings[i] = w;
                // Branch-free: the mix of paths in a block is unpredictable.
                let v = inp[i].voc_kv;
                let lv = v <= VOC_LV_MAX_KV;
                let low = !lv & (v <= 2.7);
                let high = !lv & !low;
                paths.lv[paths.n_lv] = i as u8;
                paths.n_lv += lv as usize;
                paths.mv[paths.n_mv_low] = i as u8;
                paths.n_mv_low += low as usize;
                mv_high[n_mv_high] = i as u8;
                n_mv_high += high as usize;
            }
            Err(e) => out[i] = Err(e),
        }
    }
    paths.mv[paths.n_mv_low..paths.n_mv_low + n_mv_high].copy_from_slice(&mv_high[..n_mv_high]);
    paths.n_mv = paths.n_mv_low + n_mv_high;

    // Step 1: per-row factors and logarithms (every valid row).
    let valid = paths.lv[..paths.n_lv].iter().chain(&paths.mv[..paths.n_mv]);
    for &i in valid {
        let i = i as usize;
        let row = &inp[i];
        let fi = 1.0 - 0.5 * variation_factor(&TABLE2[row.config as usize], row.voc_kv);
        let cf = enclosure_correction(row.config, row.voc_kv, row.enclosure.as_ref()).cf;
        f[i] = fi;
        // As `Logs::of`, with the geometry logarithms from the memo.
        logs[i] = Logs {
            ln_ibf: row.ibf_ka.ln(),
            ln_g: memo.ln(row.gap_mm),
            ln_d: memo.ln(row.working_distance_mm),
            ln_t_full: row.arc_duration_ms.ln(),
            ln_t_reduced: row.arc_duration_reduced_ms.ln(),
            ln_cf: if cf == 1.0 { 0.0 } else { memo.ln(cf) },
            ln_f: memo.ln(fi),
        };
    }
    let ctx = Ctx {
        inp,
        f,
        logs,
        warnings,
    };
    let mut lv = LvScratch { i600, p, iarc, x };
    lv_path(&ctx, &paths.lv[..paths.n_lv], &mut lv, out);
    let mut mv = MvScratch {
        iarc: iarc_levels,
        exponents,
    };
    mv_path::<0>(&ctx, &paths.mv[..paths.n_mv_low], &mut mv, out);
    mv_path::<1>(&ctx, &paths.mv[paths.n_mv_low..paths.n_mv], &mut mv, out);
}

struct LvScratch<'a> {
    i600: &'a mut [f64; BLOCK],
    p: &'a mut [f64; BLOCK],
    iarc: &'a mut [f64; BLOCK],
    x: &'a mut [[f64; 4]; BLOCK],
}

struct MvScratch<'a> {
    iarc: &'a mut [[f64; 3]; BLOCK],
    exponents: &'a mut [[[f64; 4]; 3]; BLOCK],
}

/// What every path of a block reads.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    inp: &'a [Inputs],
    f: &'a [f64; BLOCK],
    logs: &'a [Logs; BLOCK],
    warnings: &'a [RangeWarnings; BLOCK],
}

impl Ctx<'_> {
    /// The outcome of row `i`: as `calculate_results`, results must be finite and positive.
    #[inline(always)]
    fn finish(&self, i: usize, r: Results) -> Outcome {
        if r.all_finite_positive() {
            Ok((r, self.warnings[i]))
        } else {
            Err(numerical_failure(&self.inp[i]))
        }
    }
}

/// Eq 1 at 600 V, Eq 25, Eq 6 and Eq 10, one step at a time over `rows`.
#[inline(always)]
fn lv_path(ctx: &Ctx, rows: &[u8], s: &mut LvScratch, out: &mut [Outcome]) {
    let Ctx { inp, f, logs, .. } = *ctx;
    let LvScratch { i600, p, iarc, x } = s;
    for &i in rows {
        let i = i as usize;
        let k1 = &TABLE1[inp[i].config as usize][0];
        p[i] = polynomial_k4_k10(k1, inp[i].ibf_ka);
        i600[i] = exp_or_nan(logs[i].ln_arcing_current_without_p(k1)) * p[i];
    }
    for &i in rows {
        let i = i as usize;
        iarc[i] = eq25(inp[i].voc_kv, i600[i], inp[i].ibf_ka);
    }
    for &i in rows {
        let i = i as usize;
        let ia_over_q = i600[i] / (inp[i].ibf_ka * p[i]);
        x[i] = energy_and_boundary_exponents(
            inp[i].config as usize,
            0,
            &logs[i],
            ia_over_q,
            1.0,
            iarc[i].ln(),
        );
    }
    for &i in rows {
        let i = i as usize;
        let [e_f, e_r, afb_f, afb_r] = x[i].map(exp_or_nan);
        out[i] = ctx.finish(
            i,
            Results {
                arcing_current_ka: iarc[i],
                arcing_current_reduced_ka: iarc[i] * f[i],
                incident_energy_full_j_cm2: e_f,
                incident_energy_reduced_j_cm2: e_r,
                arc_flash_boundary_full_mm: afb_f,
                arc_flash_boundary_reduced_mm: afb_r,
            },
        );
    }
}

/// Eq 1, 3–5, 7–9 at the levels from `FIRST` (0: all three; 1: 2700 and 14 300 V, for
/// Voc > 2.7 kV where the 600 V weight is 0), then Eq 16–24.
#[inline(always)]
fn mv_path<const FIRST: usize>(ctx: &Ctx, rows: &[u8], s: &mut MvScratch, out: &mut [Outcome]) {
    let Ctx { inp, f, logs, .. } = *ctx;
    // Per level: iarc, and the exponents of E full, E reduced, AFB full, AFB reduced.
    let MvScratch {
        iarc,
        exponents: vals,
    } = s;
    for &i in rows {
        let i = i as usize;
        let c = inp[i].config as usize;
        let ibf = inp[i].ibf_ka;
        let mut p_prev = (f64::NAN, f64::NAN);
        for lvl in FIRST..3 {
            let k1 = &TABLE1[c][lvl];
            // As the per-row kernel: 14 300 V reuses the 2700 V polynomial where Table 1 does.
            let (p, ln_p) = if lvl == 2 && SAME_POLYNOMIAL_2700_14300[c] {
                p_prev
            } else {
                let p = polynomial_k4_k10(k1, ibf);
                (p, p.ln())
            };
            p_prev = (p, ln_p);
            let ln_i_no_p = logs[i].ln_arcing_current_without_p(k1);
            let ia = exp_or_nan(ln_i_no_p) * p;
            let ln_iarc = ln_i_no_p + ln_p;
            iarc[i][lvl] = ia;
            vals[i][lvl] =
                energy_and_boundary_exponents(c, lvl, &logs[i], ia / (ibf * p), f[i], ln_iarc);
        }
    }
    for &i in rows {
        let i = i as usize;
        let w = interpolation_weights(inp[i].voc_kv);
        let fi = f[i];
        // A skipped level (weight 0) contributes exactly 0, as in the per-row kernel.
        let mut a = [0.0f64; 3];
        let mut v = [[0.0f64; 4]; 3];
        for lvl in FIRST..3 {
            a[lvl] = iarc[i][lvl];
            v[lvl] = vals[i][lvl].map(exp_or_nan);
        }
        out[i] = ctx.finish(
            i,
            Results {
                arcing_current_ka: dot(&w, a),
                arcing_current_reduced_ka: dot(&w, [a[0] * fi, a[1] * fi, a[2] * fi]),
                incident_energy_full_j_cm2: dot(&w, [v[0][0], v[1][0], v[2][0]]),
                incident_energy_reduced_j_cm2: dot(&w, [v[0][1], v[1][1], v[2][1]]),
                arc_flash_boundary_full_mm: dot(&w, [v[0][2], v[1][2], v[2][2]]),
                arc_flash_boundary_reduced_mm: dot(&w, [v[0][3], v[1][3], v[2][3]]),
            },
        );
    }
}
