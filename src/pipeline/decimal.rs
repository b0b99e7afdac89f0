//! Number cells of text inputs (CSV): `str::parse::<f64>` with a shortcut for the plain
//! decimals inventories hold (`480`, `20.5`, `0.033`).
//!
//! A decimal of at most 15 digits is an integer m < 10^15 < 2^53 over 10^k with k ≤ 15, both
//! exact in f64, and IEEE division rounds m / 10^k correctly — to the same f64 as the standard
//! library's correctly rounded parse. Anything else (a sign, an exponent, more digits, `inf`,
//! text that is not a number) goes to `str::parse`.

/// Powers of ten exact in f64.
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// The number of `s`, as `s.parse::<f64>()` reads it.
#[inline]
pub(crate) fn parse_f64(s: &str) -> Result<f64, ()> {
    let (mut m, mut digits, mut fraction, mut dot) = (0u64, 0usize, 0usize, false);
    for &c in s.as_bytes() {
        match c {
            b'0'..=b'9' => {
                m = m * 10 + u64::from(c - b'0');
                digits += 1;
                fraction += usize::from(dot);
                if digits > 15 {
                    return slow(s);
                }
            }
            b'.' if !dot => dot = true,
            _ => return slow(s),
        }
    }
    if digits == 0 {
        return slow(s);
    }
    Ok(m as f64 / POW10[fraction])
}

#[cold]
#[inline(never)]
fn slow(s: &str) -> Result<f64, ()> {
    s.parse::<f64>().map_err(|_| ())
}

#[cfg(test)]
mod tests {
    use super::parse_f64;
    use proptest::prelude::*;

    fn std(s: &str) -> Result<u64, ()> {
        s.parse::<f64>().map(f64::to_bits).map_err(|_| ())
    }

    #[test]
    fn reads_as_the_standard_library() {
        for s in [
            "480",
            "480.0",
            "20.5",
            "0.033",
            "0.1",
            "0.3",
            "9007199254740993",
            "999999999999999",
            "0.000000000000001",
            "123456789012345",
            "1234567890.12345",
            "5.",
            ".5",
            ".",
            "",
            "-1",
            "+1",
            "1e3",
            "inf",
            "NaN",
            "1.2.3",
            "00000000000000001.5",
            "4.35",
            "2241.0",
        ] {
            assert_eq!(parse_f64(s).map(f64::to_bits), std(s), "{s:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20000))]

        #[test]
        fn any_decimal_reads_as_the_standard_library(s in "[0-9]{0,17}(\\.[0-9]{0,17})?") {
            prop_assert_eq!(parse_f64(&s).map(f64::to_bits), std(&s), "{:?}", s);
        }

        #[test]
        fn any_text_reads_as_the_standard_library(s in "[0-9.eE+-]{0,12}|\\PC{0,8}") {
            prop_assert_eq!(parse_f64(&s).map(f64::to_bits), std(&s), "{:?}", s);
        }
    }
}
