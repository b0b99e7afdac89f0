//! An inlinable `exp` for the arc-flash kernels.
//!
//! libm's `exp` is a call through the PLT into a wrapper that checks for overflow and sets
//! `errno`; the kernels evaluate 5–14 independent exponentials per equipment with arguments
//! of moderate size, so an inlined version lets the compiler interleave them. Method: with
//! N = 128, x = (k/N)·ln 2 + r, |r| ≤ ln2/256, and e^x = 2^(k div N) · 2^((k mod N)/N) · e^r,
//! where 2^(j/N) comes from a table computed at compile time and e^r from its Taylor
//! polynomial to r⁵ (truncation below 1e-18). Accuracy: within 3 ulp of the correctly rounded
//! value for |x| ≤ 700 (tested against `std` below). Outside that range the result is not
//! meaningful; the kernels check that every exponent lies inside it.

const N: usize = 128;

/// 2^(j/N) by the Taylor series of exp(j·ln2/N), in `const` evaluation.
const fn exp2_fraction(j: usize) -> f64 {
    let x = j as f64 * std::f64::consts::LN_2 / N as f64;
    let mut sum = 1.0;
    let mut term = 1.0;
    let mut n = 1;
    while n < 30 {
        term = term * x / n as f64;
        sum += term;
        n += 1;
    }
    sum
}

const TABLE: [f64; N] = {
    let mut t = [0.0; N];
    let mut j = 0;
    while j < N {
        t[j] = exp2_fraction(j);
        j += 1;
    }
    t
};

/// 1.5 · 2⁵²: adding it rounds to an integer held in the low mantissa bits.
const SHIFT: f64 = 6_755_399_441_055_744.0;
const N_OVER_LN2: f64 = N as f64 / std::f64::consts::LN_2;
/// ln2/N split so that k · LN2_N_HI is exact for the k that occur (the high part has its
/// low 21 mantissa bits zero, as in the classic fdlibm split).
#[allow(clippy::excessive_precision)]
const LN2_N_HI: f64 = 6.931_471_803_691_238_2e-1 / N as f64;
#[allow(clippy::excessive_precision)]
const LN2_N_LO: f64 = 1.908_214_929_270_587_7e-10 / N as f64;

/// Largest |x| the kernels pass (their results are checked to lie well inside it).
pub const DOMAIN: f64 = 700.0;

/// e^x for |x| ≤ [`DOMAIN`].
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    let kd = x * N_OVER_LN2 + SHIFT;
    let ki = kd.to_bits() as i64 - SHIFT.to_bits() as i64;
    let k = kd - SHIFT;
    let r = (x - k * LN2_N_HI) - k * LN2_N_LO;
    let p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0)))));
    let scale = f64::from_bits((((ki >> 7) + 1023).clamp(1, 2046) as u64) << 52);
    TABLE[(ki as usize) & (N - 1)] * p * scale
}

/// [`exp`] inside its domain, NaN outside it (and for NaN), so that a caller's
/// finite-and-positive check rejects the result instead of using a wrong number.
#[inline(always)]
pub fn exp_or_nan(x: f64) -> f64 {
    let y = exp(x);
    if x.abs() <= DOMAIN {
        y
    } else {
        f64::NAN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_3_ulp_of_std() {
        let mut worst = 0.0f64;
        let mut x = -DOMAIN;
        while x <= DOMAIN {
            let (a, b) = (exp(x), x.exp());
            worst = worst.max(((a - b) / b).abs() / f64::EPSILON);
            x += 0.000_731;
        }
        for x in [
            0.0,
            -0.0,
            1e-300,
            1.0,
            -1.0,
            std::f64::consts::LN_2,
            0.5 * std::f64::consts::LN_2 / 128.0,
        ] {
            worst = worst.max(((exp(x) - x.exp()) / x.exp()).abs() / f64::EPSILON);
        }
        assert!(worst <= 3.0, "worst {worst} ulp");
        assert_eq!(exp(0.0), 1.0);
        assert!(
            exp_or_nan(701.0).is_nan()
                && exp_or_nan(-701.0).is_nan()
                && exp_or_nan(f64::NAN).is_nan()
        );
        assert_eq!(exp_or_nan(1.0), exp(1.0));
    }

    #[test]
    fn ln2_split_is_exact() {
        assert_eq!((LN2_N_HI * N as f64).to_bits(), 0x3fe6_2e42_fee0_0000);
        assert!(((LN2_N_HI + LN2_N_LO) * N as f64 - std::f64::consts::LN_2).abs() < 1e-17);
    }

    #[test]
    fn table_matches_exp2() {
        for (j, t) in TABLE.iter().enumerate() {
            let want = (j as f64 / N as f64).exp2();
            assert!(
                ((t - want) / want).abs() <= 2.0 * f64::EPSILON,
                "2^({j}/{N})"
            );
        }
    }
}
