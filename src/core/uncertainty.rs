//! How sure is the number (issue 13): Monte Carlo over the uncertain inputs of one equipment.
//!
//! Sampling model `mc@1` (a new model's numbers are a new `@N`):
//! - bolted fault current: normal around the given value, σ = tolerance / 2 (the tolerance is
//!   the ± value at 2σ; default 10 %), redrawn while not above 0;
//! - clearing times given in the inventory: one uniform factor 1 ± tolerance (default 10 %)
//!   applied to the full and the reduced time alike (one relay, one band); times from a
//!   protective device are not sampled but re-evaluated from the device at each sample's own
//!   arcing currents, so a current that falls below an instantaneous pickup shows up;
//! - working distance: uniform over [0.8·D, D] (a worker leans in, never away), or uniform
//!   D·(1 ± tolerance) when a tolerance is given;
//! - gap: uniform 1 ± tolerance (default 10 %);
//! - a tolerance of 0 makes that input exact.
//!
//! A sample the method cannot take (outside its range: a gap beyond the model's limits, a
//! current outside its validated range) is drawn again, up to [`REDRAWS`] times — the
//! distributions are truncated at the model's range; a sample still outside then takes the
//! deterministic inputs. A device that does not trip with no cap gives an unbounded energy.
//!
//! Each row's generator (xoshiro256++) is seeded from `--seed` and the row's identity (its
//! facility and equipment ids), so a row's samples are the same whatever the other rows, the
//! order, `--jobs` or `--shard`.

use super::algorithms::Case;
use super::nfpa70e;
use rand::{Rng, RngExt, SeedableRng};
use statrs::distribution::Normal;

/// The sampling model and its version, recorded with the results.
pub const MODEL: &str = "mc@1";

/// Default number of samples per equipment.
pub const DEFAULT_SAMPLES: usize = 1000;

/// Default tolerances, % (fault current at 2σ, clearing time and gap as uniform ± bands).
pub const DEFAULT_FAULT_CURRENT_PCT: f64 = 10.0;
/// See [`DEFAULT_FAULT_CURRENT_PCT`].
pub const DEFAULT_ARC_DURATION_PCT: f64 = 10.0;
/// See [`DEFAULT_FAULT_CURRENT_PCT`].
pub const DEFAULT_GAP_PCT: f64 = 10.0;
/// Working distance without a tolerance: uniform over [this · D, D].
pub const WORKING_DISTANCE_LOW: f64 = 0.8;

/// Times a sample outside the method's range is drawn again.
pub const REDRAWS: usize = 16;

/// The run's settings (`--uncertainty --samples N --seed S`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Samples per equipment.
    pub samples: usize,
    /// The run's seed.
    pub seed: u64,
}

/// A row's tolerances, % (`None`: the model's default).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Tolerances {
    /// `fault_current_tolerance_pct` (± at 2σ).
    pub fault_current_pct: Option<f64>,
    /// `arc_duration_tolerance_pct`.
    pub arc_duration_pct: Option<f64>,
    /// `working_distance_tolerance_pct`.
    pub working_distance_pct: Option<f64>,
    /// `gap_tolerance_pct`.
    pub gap_pct: Option<f64>,
}

/// What the samples say about one equipment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Uncertainty {
    /// Median incident energy, cal/cm².
    pub p50_cal_cm2: f64,
    /// 95th percentile, cal/cm².
    pub p95_cal_cm2: f64,
    /// 99th percentile, cal/cm².
    pub p99_cal_cm2: f64,
    /// P(incident energy > the label's), when the row has a label value.
    pub prob_exceeds_label: Option<f64>,
    /// P(the energy needs a higher PPE category than the deterministic one, or none covers
    /// it), when the deterministic result has a category.
    pub prob_exceeds_ppe: Option<f64>,
    /// P(incident energy > the danger threshold).
    pub prob_danger: f64,
}

/// A row's generator.
pub struct Sampler {
    rng: rand::rngs::Xoshiro256PlusPlus,
}

impl Sampler {
    /// The generator of the row whose identity hash is `identity`, in a run seeded `seed`.
    pub fn new(seed: u64, identity: u64) -> Sampler {
        let mixed = splitmix(seed ^ splitmix(identity));
        Sampler {
            rng: rand::rngs::Xoshiro256PlusPlus::seed_from_u64(mixed),
        }
    }

    /// One sample of `base`'s uncertain inputs. `device_times`: the clearing times come from a
    /// device (they are re-evaluated by the caller, not sampled here).
    pub fn sample(&mut self, base: &Case, tol: &Tolerances, device_times: bool) -> Case {
        let mut c = *base;
        let pct = |v: Option<f64>, default: f64| v.unwrap_or(default) / 100.0;
        let f = pct(tol.fault_current_pct, DEFAULT_FAULT_CURRENT_PCT);
        if f > 0.0 {
            c.ibf_ka = self.normal_positive(base.ibf_ka, base.ibf_ka * f / 2.0);
        }
        let t = pct(tol.arc_duration_pct, DEFAULT_ARC_DURATION_PCT);
        if t > 0.0 && !device_times {
            let k = self.uniform(1.0 - t, 1.0 + t);
            c.arc_duration_ms = base.arc_duration_ms * k;
            c.arc_duration_reduced_ms = base.arc_duration_reduced_ms * k;
        }
        let d = base.working_distance_mm;
        c.working_distance_mm = match tol.working_distance_pct {
            None => self.uniform(WORKING_DISTANCE_LOW * d, d),
            Some(w) if w > 0.0 => d * self.uniform(1.0 - w / 100.0, 1.0 + w / 100.0),
            Some(_) => d,
        };
        let g = pct(tol.gap_pct, DEFAULT_GAP_PCT);
        if let (Some(gap), true) = (base.gap_mm, g > 0.0) {
            c.gap_mm = Some(gap * self.uniform(1.0 - g, 1.0 + g));
        }
        c
    }

    /// Uniform on [lo, hi).
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        let u: f64 = self.rng.random();
        lo + (hi - lo) * u
    }

    /// Normal(mean, sd), drawn again while not above 0.
    fn normal_positive(&mut self, mean: f64, sd: f64) -> f64 {
        let Ok(normal) = Normal::new(mean, sd) else {
            return mean;
        };
        for _ in 0..REDRAWS {
            let x = rand::distr::Distribution::sample(&normal, &mut self.rng);
            if x > 0.0 {
                return x;
            }
        }
        mean
    }

    /// The underlying generator (tests).
    pub fn rng(&mut self) -> &mut impl Rng {
        &mut self.rng
    }
}

/// SplitMix64's finaliser: spreads a 64-bit value over all bits.
fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The percentile `p` (0–1) of `values`: linear between the closest ranks (position p·(n−1),
/// as numpy's and polars' default). The two order statistics are selected, not sorted for
/// (O(n)); `values` is reordered.
pub fn percentile(values: &mut [f64], p: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let pos = p * (values.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let frac = pos - lo as f64;
    let (_, &mut x_lo, above) = values.select_nth_unstable_by(lo, f64::total_cmp);
    if frac == 0.0 || above.is_empty() {
        return x_lo;
    }
    let x_hi = above.iter().copied().fold(f64::INFINITY, f64::min);
    if x_lo == x_hi {
        return x_lo;
    }
    x_lo + frac * (x_hi - x_lo)
}

/// The statistics of one row's sampled incident energies (cal/cm²; reordered in place).
pub fn summarize(
    values: &mut [f64],
    label_cal_cm2: Option<f64>,
    ppe_category: Option<u8>,
    danger_threshold_cal_cm2: f64,
) -> Uncertainty {
    let p50 = percentile(values, 0.50);
    let p95 = percentile(values, 0.95);
    let p99 = percentile(values, 0.99);
    let n = values.len().max(1) as f64;
    let share = |pred: &dyn Fn(f64) -> bool| values.iter().filter(|&&v| pred(v)).count() as f64 / n;
    let above_ppe = |k: u8| {
        move |v: f64| match nfpa70e::ppe_category(v) {
            Some(c) => c > k,
            None => true,
        }
    };
    Uncertainty {
        p50_cal_cm2: p50,
        p95_cal_cm2: p95,
        p99_cal_cm2: p99,
        prob_exceeds_label: label_cal_cm2.map(|l| share(&|v| v > l)),
        prob_exceeds_ppe: ppe_category.map(|k| share(&above_ppe(k))),
        prob_danger: share(&|v| nfpa70e::is_danger(v, danger_threshold_cal_cm2)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case() -> Case {
        Case {
            voltage_v: 480.0,
            ibf_ka: 30.0,
            gap_mm: Some(32.0),
            working_distance_mm: 610.0,
            arc_duration_ms: 100.0,
            arc_duration_reduced_ms: 120.0,
            ..Case::default()
        }
    }

    #[test]
    fn zero_tolerances_give_the_case_itself() {
        let zero = Tolerances {
            fault_current_pct: Some(0.0),
            arc_duration_pct: Some(0.0),
            working_distance_pct: Some(0.0),
            gap_pct: Some(0.0),
        };
        let mut s = Sampler::new(7, 42);
        for _ in 0..100 {
            assert_eq!(s.sample(&case(), &zero, false), case());
        }
    }

    #[test]
    fn defaults_stay_in_their_bands_and_seeds_repeat() {
        let mut a = Sampler::new(1, 99);
        let mut b = Sampler::new(1, 99);
        let mut c = Sampler::new(2, 99);
        let mut differs = false;
        for _ in 0..1000 {
            let x = a.sample(&case(), &Tolerances::default(), false);
            assert_eq!(x, b.sample(&case(), &Tolerances::default(), false));
            differs |= x != c.sample(&case(), &Tolerances::default(), false);
            assert!((488.0..=610.0).contains(&x.working_distance_mm));
            let g = x.gap_mm.unwrap();
            assert!((28.8..=35.2).contains(&g), "{g}");
            let k = x.arc_duration_ms / 100.0;
            assert!((0.9..=1.1).contains(&k));
            assert!((x.arc_duration_reduced_ms / 120.0 - k).abs() < 1e-12);
            assert!(x.ibf_ka > 0.0);
        }
        assert!(differs, "another seed gives other samples");
    }

    #[test]
    fn fault_current_sigma_is_half_the_tolerance() {
        let mut s = Sampler::new(3, 5);
        let tol = Tolerances {
            arc_duration_pct: Some(0.0),
            working_distance_pct: Some(0.0),
            gap_pct: Some(0.0),
            ..Tolerances::default()
        };
        let xs: Vec<f64> = (0..20000)
            .map(|_| s.sample(&case(), &tol, false).ibf_ka)
            .collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64).sqrt();
        assert!((mean - 30.0).abs() < 0.05, "{mean}");
        assert!((sd - 1.5).abs() < 0.03, "{sd}");
    }

    #[test]
    fn percentiles_interpolate_and_probabilities_count() {
        let mut v: Vec<f64> = (1..=101).rev().map(f64::from).collect();
        let u = summarize(&mut v, Some(100.0), Some(4), 40.0);
        assert_eq!(u.p50_cal_cm2, 51.0);
        assert_eq!(u.p95_cal_cm2, 96.0);
        assert_eq!(u.p99_cal_cm2, 100.0);
        assert_eq!(u.prob_exceeds_label, Some(1.0 / 101.0));
        assert_eq!(
            u.prob_exceeds_ppe,
            Some(61.0 / 101.0),
            "above 40: no category"
        );
        assert_eq!(u.prob_danger, 61.0 / 101.0);
        let mut same = vec![f64::INFINITY; 10];
        assert_eq!(
            summarize(&mut same, None, None, 40.0).p95_cal_cm2,
            f64::INFINITY
        );
        assert_eq!(percentile(&mut [2.0, 1.0], 0.25), 1.25);
        assert_eq!(percentile(&mut [3.0, 1.0, 2.0], 0.5), 2.0);
    }

    proptest::proptest! {
        #[test]
        fn selection_equals_sorting(
            mut v in proptest::collection::vec(0.0f64..100.0, 1..300),
            p in 0.0f64..=1.0,
        ) {
            let mut sorted = v.clone();
            sorted.sort_unstable_by(f64::total_cmp);
            let pos = p * (sorted.len() - 1) as f64;
            let lo = pos.floor() as usize;
            let hi = (lo + 1).min(sorted.len() - 1);
            let expected = if pos == lo as f64 || sorted[lo] == sorted[hi] {
                sorted[lo]
            } else {
                sorted[lo] + (pos - lo as f64) * (sorted[hi] - sorted[lo])
            };
            proptest::prop_assert_eq!(percentile(&mut v, p), expected);
        }
    }
}
