//! NFPA 70E lookups: minimum arc rating, PPE category (Table 130.7(C)(15)(c)), the danger
//! flag, and the shock approach boundaries (Tables 130.4(E)(a) AC and 130.4(E)(b) DC).
//!
//! Distances are the exact metric conversions of the tables' feet-and-inches values
//! (3 ft 6 in = 1066.8 mm), not NFPA's rounded metric column; one system, used throughout.
//! `tests/reference_tables.rs` re-checks every row against `fixtures/reference/`.

use serde::Serialize;

/// Joules per calorie (1 cal = 4.184 J).
pub const J_PER_CAL: f64 = 4.184;
/// Incident energy below which no arc-rated PPE is required (the arc-flash boundary level).
pub const NO_PPE_BELOW_CAL_CM2: f64 = 1.2;
/// Default danger threshold (owner policy, not an NFPA limit), cal/cm².
pub const DEFAULT_DANGER_THRESHOLD_CAL_CM2: f64 = 40.0;
/// Table 130.7(C)(15)(c): minimum arc rating of categories 1–4, cal/cm².
pub const PPE_CATEGORY_MIN_ARC_RATING_CAL_CM2: [f64; 4] = [4.0, 8.0, 25.0, 40.0];

/// J/cm² → cal/cm².
#[inline]
pub fn j_to_cal(e_j_cm2: f64) -> f64 {
    e_j_cm2 / J_PER_CAL
}

/// The incident energy rounded up to the next 0.1 cal/cm² (a value already on a 0.1 step,
/// within 1e-9, is kept).
#[inline]
pub fn min_arc_rating_cal_cm2(e_cal_cm2: f64) -> f64 {
    ((e_cal_cm2 * 10.0 - 1e-9).ceil() / 10.0).max(0.0)
}

/// The lowest PPE category whose minimum arc rating covers `e_cal_cm2`: 0 below 1.2 cal/cm²,
/// `None` above 40 cal/cm² (no category covers it).
#[inline]
pub fn ppe_category(e_cal_cm2: f64) -> Option<u8> {
    if e_cal_cm2 < NO_PPE_BELOW_CAL_CM2 {
        return Some(0);
    }
    PPE_CATEGORY_MIN_ARC_RATING_CAL_CM2
        .iter()
        .position(|&rating| e_cal_cm2 <= rating)
        .map(|i| i as u8 + 1)
}

/// Incident energy above the danger threshold.
#[inline]
pub fn is_danger(e_cal_cm2: f64, threshold_cal_cm2: f64) -> bool {
    e_cal_cm2 > threshold_cal_cm2
}

/// AC or DC system.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SystemType {
    /// Alternating current: nominal phase-to-phase volts.
    Ac,
    /// Direct current: nominal potential difference.
    Dc,
}

impl SystemType {
    /// `ac` or `dc`.
    pub fn as_str(self) -> &'static str {
        match self {
            SystemType::Ac => "ac",
            SystemType::Dc => "dc",
        }
    }

    /// Parses `ac`/`dc`, ignoring case and surrounding spaces.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("ac") {
            Some(SystemType::Ac)
        } else if s.eq_ignore_ascii_case("dc") {
            Some(SystemType::Dc)
        } else {
            None
        }
    }
}

/// One approach distance of the tables.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Approach {
    /// A distance in mm.
    Mm(f64),
    /// Restricted approach "avoid contact" (lowest voltage row): not a distance.
    AvoidContact,
    /// Below the table's lowest voltage, or above its highest: the table gives no value.
    NotSpecified,
}

impl Approach {
    /// The distance, when the table gives one.
    pub fn mm(self) -> Option<f64> {
        match self {
            Approach::Mm(v) => Some(v),
            _ => None,
        }
    }

    /// Human text: `3048 mm`, `avoid contact`, `not specified`.
    pub fn describe(self) -> String {
        match self {
            Approach::Mm(v) => format!("{v} mm"),
            Approach::AvoidContact => "avoid contact".into(),
            Approach::NotSpecified => "not specified".into(),
        }
    }
}

/// The three shock boundaries of one voltage.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ShockBoundaries {
    /// Limited approach boundary, exposed movable conductor.
    pub limited_approach_movable: Approach,
    /// Limited approach boundary, exposed fixed circuit part.
    pub limited_approach_fixed: Approach,
    /// Restricted approach boundary.
    pub restricted_approach: Approach,
}

const FT: f64 = 304.8;
const IN: f64 = 25.4;

/// (highest volts of the row, movable LAB, fixed LAB, RAB; `None` = avoid contact), in mm.
type Row = (f64, f64, f64, Option<f64>);

/// Table 130.4(E)(a), AC, from 50 V. Voltages in the table's gaps take the next row up.
pub const TABLE_130_4_E_A_AC: [Row; 13] = [
    (150.0, 10.0 * FT, 3.0 * FT + 6.0 * IN, None),
    (750.0, 10.0 * FT, 3.0 * FT + 6.0 * IN, Some(1.0 * FT)),
    (15_000.0, 10.0 * FT, 5.0 * FT, Some(2.0 * FT + 2.0 * IN)),
    (36_000.0, 10.0 * FT, 6.0 * FT, Some(2.0 * FT + 7.0 * IN)),
    (46_000.0, 10.0 * FT, 8.0 * FT, Some(2.0 * FT + 9.0 * IN)),
    (72_500.0, 10.0 * FT, 8.0 * FT, Some(3.0 * FT + 3.0 * IN)),
    (
        121_000.0,
        10.0 * FT + 8.0 * IN,
        8.0 * FT,
        Some(3.0 * FT + 4.0 * IN),
    ),
    (145_000.0, 11.0 * FT, 10.0 * FT, Some(3.0 * FT + 10.0 * IN)),
    (
        169_000.0,
        11.0 * FT + 8.0 * IN,
        11.0 * FT + 8.0 * IN,
        Some(4.0 * FT + 3.0 * IN),
    ),
    (242_000.0, 13.0 * FT, 13.0 * FT, Some(5.0 * FT + 8.0 * IN)),
    (
        362_000.0,
        15.0 * FT + 4.0 * IN,
        15.0 * FT + 4.0 * IN,
        Some(9.0 * FT + 2.0 * IN),
    ),
    (550_000.0, 19.0 * FT, 19.0 * FT, Some(11.0 * FT + 10.0 * IN)),
    (
        800_000.0,
        23.0 * FT + 9.0 * IN,
        23.0 * FT + 9.0 * IN,
        Some(15.0 * FT + 11.0 * IN),
    ),
];

/// Table 130.4(E)(b), DC, from 50 V (the 50 V vs 100 V lower threshold is unresolved in
/// public sources; 50 V is the conservative choice).
pub const TABLE_130_4_E_B_DC: [Row; 10] = [
    (300.0, 10.0 * FT, 3.0 * FT + 6.0 * IN, None),
    (1_000.0, 10.0 * FT, 3.0 * FT + 6.0 * IN, Some(1.0 * FT)),
    (5_000.0, 10.0 * FT, 5.0 * FT, Some(1.0 * FT + 5.0 * IN)),
    (15_000.0, 10.0 * FT, 5.0 * FT, Some(2.0 * FT + 2.0 * IN)),
    (45_000.0, 10.0 * FT, 8.0 * FT, Some(2.0 * FT + 9.0 * IN)),
    (75_000.0, 10.0 * FT, 8.0 * FT, Some(3.0 * FT + 2.0 * IN)),
    (150_000.0, 10.0 * FT + 8.0 * IN, 10.0 * FT, Some(4.0 * FT)),
    (
        250_000.0,
        11.0 * FT + 8.0 * IN,
        11.0 * FT + 8.0 * IN,
        Some(5.0 * FT + 3.0 * IN),
    ),
    (500_000.0, 20.0 * FT, 20.0 * FT, Some(11.0 * FT + 6.0 * IN)),
    (800_000.0, 26.0 * FT, 26.0 * FT, Some(16.0 * FT + 5.0 * IN)),
];

/// Lowest voltage of both tables' first row.
pub const SHOCK_TABLE_MIN_V: f64 = 50.0;

/// The shock approach boundaries for a nominal voltage (AC phase-to-phase or DC).
pub fn shock_boundaries(system: SystemType, nominal_v: f64) -> ShockBoundaries {
    let table: &[Row] = match system {
        SystemType::Ac => &TABLE_130_4_E_A_AC,
        SystemType::Dc => &TABLE_130_4_E_B_DC,
    };
    let not_specified = ShockBoundaries {
        limited_approach_movable: Approach::NotSpecified,
        limited_approach_fixed: Approach::NotSpecified,
        restricted_approach: Approach::NotSpecified,
    };
    if nominal_v.is_nan() || nominal_v < SHOCK_TABLE_MIN_V {
        return not_specified;
    }
    let Some(i) = table.iter().position(|row| nominal_v <= row.0) else {
        return not_specified;
    };
    let (_, mut movable, mut fixed, mut rab) = table[i];
    // Table 130.4(E)(b) lists 5 kV in two rows (1.1–5 kV and 5–15 kV): at exactly a shared
    // bound, each boundary is the larger (more conservative) of the two rows.
    if system == SystemType::Dc && DC_SHARED_BOUNDS_V.contains(&nominal_v) {
        if let Some(&(_, m2, f2, r2)) = table.get(i + 1) {
            movable = movable.max(m2);
            fixed = fixed.max(f2);
            rab = match (rab, r2) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
        }
    }
    ShockBoundaries {
        limited_approach_movable: Approach::Mm(round_mm(movable)),
        limited_approach_fixed: Approach::Mm(round_mm(fixed)),
        restricted_approach: rab.map_or(Approach::AvoidContact, |v| Approach::Mm(round_mm(v))),
    }
}

/// DC voltages that end one row of Table 130.4(E)(b) and start the next.
const DC_SHARED_BOUNDS_V: [f64; 1] = [5_000.0];

/// Rounds away the binary noise of the ft/in products (to 1e-6 mm).
fn round_mm(v: f64) -> f64 {
    round_half_away(v * 1e6) / 1e6
}

/// `f64::round` (halves away from zero) without the library call that baseline x86-64 makes
/// of it (this runs three times a row). Below 2^52, adding and taking away 2^52 rounds to an
/// integer exactly, halves to even; a half that went down to even is moved up. Larger values
/// are integers already. A test checks it against `f64::round`.
#[inline]
fn round_half_away(x: f64) -> f64 {
    const TWO_52: f64 = 4_503_599_627_370_496.0;
    let a = x.abs();
    if a.is_nan() || a >= TWO_52 {
        // Integers, infinities and NaN round to themselves.
        return x;
    }
    let t = (a + TWO_52) - TWO_52;
    // Exact: t and a are within one half.
    let r = if t - a == -0.5 { t + 1.0 } else { t };
    r.copysign(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rounds_as_the_standard_library() {
        let edges = [
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.5,
            2.5,
            -2.5,
            0.49999999999999994,
            -0.49999999999999994,
            4_503_599_627_370_495.5,
            4_503_599_627_370_496.0,
            9.007_199_254_740_993e15,
            1e300,
            f64::MIN_POSITIVE,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1066.8e6,
            3_048.000_000_4e6,
        ];
        for x in edges {
            assert_eq!(round_half_away(x).to_bits(), x.round().to_bits(), "{x:e}");
        }
        assert!(round_half_away(f64::NAN).is_nan());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]

        #[test]
        fn rounds_any_number_as_the_standard_library(bits in any::<u64>(), halves in -1e7f64..1e7) {
            for x in [f64::from_bits(bits), (halves * 2.0).round() / 2.0, halves * 1e6] {
                if !x.is_nan() {
                    prop_assert_eq!(round_half_away(x).to_bits(), x.round().to_bits(), "{:e}", x);
                }
            }
        }
    }

    #[test]
    fn ppe_category_edges() {
        assert_eq!(ppe_category(0.0), Some(0));
        assert_eq!(ppe_category(1.19), Some(0));
        assert_eq!(ppe_category(1.2), Some(1));
        assert_eq!(ppe_category(4.0), Some(1));
        assert_eq!(ppe_category(4.01), Some(2));
        assert_eq!(ppe_category(8.0), Some(2));
        assert_eq!(ppe_category(25.0), Some(3));
        assert_eq!(ppe_category(40.0), Some(4));
        assert_eq!(ppe_category(40.0001), None);
    }

    #[test]
    fn min_arc_rating_rounds_up_to_tenths() {
        assert_eq!(min_arc_rating_cal_cm2(2.904), 3.0);
        assert_eq!(min_arc_rating_cal_cm2(2.9), 2.9);
        assert_eq!(min_arc_rating_cal_cm2(12.705), 12.8);
        assert_eq!(min_arc_rating_cal_cm2(0.01), 0.1);
        assert_eq!(min_arc_rating_cal_cm2(8.0), 8.0);
    }

    #[test]
    fn danger_is_strictly_above() {
        assert!(!is_danger(40.0, 40.0));
        assert!(is_danger(40.01, 40.0));
    }

    #[test]
    fn shock_rows() {
        let b = shock_boundaries(SystemType::Ac, 480.0);
        assert_eq!(b.limited_approach_movable, Approach::Mm(3048.0));
        assert_eq!(b.limited_approach_fixed, Approach::Mm(1066.8));
        assert_eq!(b.restricted_approach, Approach::Mm(304.8));
        let b = shock_boundaries(SystemType::Ac, 120.0);
        assert_eq!(b.restricted_approach, Approach::AvoidContact);
        let b = shock_boundaries(SystemType::Ac, 24.0);
        assert_eq!(b.limited_approach_fixed, Approach::NotSpecified);
        let b = shock_boundaries(SystemType::Ac, 13_800.0);
        assert_eq!(b.limited_approach_fixed, Approach::Mm(1524.0));
        assert_eq!(b.restricted_approach, Approach::Mm(660.4));
        let b = shock_boundaries(SystemType::Dc, 500.0);
        assert_eq!(b.limited_approach_fixed, Approach::Mm(1066.8));
        assert_eq!(b.restricted_approach, Approach::Mm(304.8));
        // 5 kV DC is in two rows: the larger restricted approach (2 ft 2 in) wins.
        let b = shock_boundaries(SystemType::Dc, 5_000.0);
        assert_eq!(b.limited_approach_fixed, Approach::Mm(1524.0));
        assert_eq!(b.restricted_approach, Approach::Mm(660.4));
        let b = shock_boundaries(SystemType::Dc, 4_999.0);
        assert_eq!(b.restricted_approach, Approach::Mm(431.8));
        let b = shock_boundaries(SystemType::Dc, 70_000.0);
        assert_eq!(b.limited_approach_fixed, Approach::Mm(2438.4));
        assert_eq!(
            shock_boundaries(SystemType::Ac, f64::NAN).restricted_approach,
            Approach::NotSpecified
        );
        assert_eq!(
            shock_boundaries(SystemType::Ac, 900_000.0).restricted_approach,
            Approach::NotSpecified
        );
    }
}
