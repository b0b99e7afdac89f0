//! The model's validated range (IEEE 1584-2018 clause 4.2).
//!
//! Hard limits make the model undefined: the row gets an [`InputError`] (reported as
//! `not_applicable` by the batch, exit 2 by `calc`). Advisory limits still compute and set a
//! [`RangeWarnings`] flag. Bounds are inclusive. Nothing here allocates.

use super::{ElectrodeConfig, Inputs};
use crate::core::algorithms::common::{positive, within};
pub use crate::core::algorithms::common::{Field, InputError, InputErrorKind, RangeWarnings};

/// Lowest voltage of the model, kV.
pub const VOC_MIN_KV: f64 = 0.208;
/// Highest voltage of the model, kV.
pub const VOC_MAX_KV: f64 = 15.0;
/// Voltage at or below which the LV path (Eq 25) applies, kV.
pub const VOC_LV_MAX_KV: f64 = 0.6;
/// Bolted fault current range for Voc ≤ 0.6 kV, kA.
pub const IBF_LV_KA: (f64, f64) = (0.5, 106.0);
/// Bolted fault current range for 0.6 < Voc ≤ 15 kV, kA.
pub const IBF_MV_KA: (f64, f64) = (0.2, 65.0);
/// Gap range for Voc ≤ 0.6 kV, mm.
pub const GAP_LV_MM: (f64, f64) = (6.35, 76.2);
/// Gap range for 0.6 < Voc ≤ 15 kV, mm.
pub const GAP_MV_MM: (f64, f64) = (19.05, 254.0);
/// Smallest working distance of the model, mm (advisory).
pub const WORKING_DISTANCE_MIN_MM: f64 = 305.0;
/// Largest enclosure height or width of the model, mm (advisory: Table 6 clamps).
pub const ENCLOSURE_DIM_MAX_MM: f64 = 1244.6;
/// Largest enclosure opening of the model, mm² (advisory): 49 in × 49 in, the standard's own
/// limit, of which 1.549 m² is the rounded metric form. Computed as the product of the same
/// two `f64` values a 1244.6 × 1244.6 mm enclosure gives, so that opening is exactly at the
/// (inclusive) limit.
pub const OPENING_AREA_MAX_MM2: f64 = ENCLOSURE_DIM_MAX_MM * ENCLOSURE_DIM_MAX_MM;

/// Checks `inputs` against the model's range. `Err` for the first hard-limit violation (in
/// the order of the contract's columns); `Ok` with the advisory warnings otherwise.
#[inline]
pub fn validate(inputs: &Inputs) -> Result<RangeWarnings, InputError> {
    match validate_fast(inputs) {
        Some(w) => Ok(w),
        None => validate_in_order(inputs),
    }
}

/// The common case without branches: `Some(warnings)` when every hard limit holds, `None`
/// otherwise (then [`validate_in_order`] finds the first violation). Agrees with
/// [`validate_in_order`] on every input (property-tested).
#[inline(always)]
pub fn validate_fast(i: &Inputs) -> Option<RangeWarnings> {
    let finite_pos = |x: f64| (x > 0.0) & (x < f64::INFINITY);
    let v = i.voc_kv;
    let lv = v <= VOC_LV_MAX_KV;
    let (ibf_lo, ibf_hi) = if lv { IBF_LV_KA } else { IBF_MV_KA };
    let (gap_lo, gap_hi) = if lv { GAP_LV_MM } else { GAP_MV_MM };
    // `&` on bools (not `&&`, not `RangeInclusive::contains`) keeps this free of branches.
    let between = |x: f64, lo: f64, hi: f64| (x >= lo) & (x <= hi);
    let mut ok = between(v, VOC_MIN_KV, VOC_MAX_KV)
        & between(i.ibf_ka, ibf_lo, ibf_hi)
        & between(i.gap_mm, gap_lo, gap_hi)
        & finite_pos(i.working_distance_mm)
        & finite_pos(i.arc_duration_ms)
        & finite_pos(i.arc_duration_reduced_ms);
    let mut w = (i.working_distance_mm < WORKING_DISTANCE_MIN_MM) as u8
        * RangeWarnings::WORKING_DISTANCE_BELOW_305_MM;
    if !i.config.is_open_air() {
        let enc = i.enclosure?;
        let (h, wd) = (enc.height_mm, enc.width_mm);
        ok &= finite_pos(h) & finite_pos(wd) & (wd >= 4.0 * i.gap_mm);
        ok &= enc.depth_mm.is_none_or(finite_pos);
        w |= ((h > ENCLOSURE_DIM_MAX_MM) as u8 * RangeWarnings::HEIGHT_ABOVE_1244_6_MM)
            | ((wd > ENCLOSURE_DIM_MAX_MM) as u8 * RangeWarnings::WIDTH_ABOVE_1244_6_MM)
            | ((h * wd > OPENING_AREA_MAX_MM2) as u8 * RangeWarnings::OPENING_ABOVE_1_549_M2);
    }
    ok.then_some(RangeWarnings(w))
}

/// The checks one at a time, in the order of the contract's columns; the first violation is
/// the error.
pub fn validate_in_order(inputs: &Inputs) -> Result<RangeWarnings, InputError> {
    let i = inputs;
    positive(Field::NominalVoltage, i.voc_kv)?;
    within(Field::NominalVoltage, i.voc_kv, (VOC_MIN_KV, VOC_MAX_KV))?;
    let lv = i.voc_kv <= VOC_LV_MAX_KV;
    positive(Field::BoltedFaultCurrent, i.ibf_ka)?;
    within(
        Field::BoltedFaultCurrent,
        i.ibf_ka,
        if lv { IBF_LV_KA } else { IBF_MV_KA },
    )?;
    positive(Field::Gap, i.gap_mm)?;
    within(Field::Gap, i.gap_mm, if lv { GAP_LV_MM } else { GAP_MV_MM })?;
    positive(Field::WorkingDistance, i.working_distance_mm)?;
    let mut warnings = 0u8;
    if i.working_distance_mm < WORKING_DISTANCE_MIN_MM {
        warnings |= RangeWarnings::WORKING_DISTANCE_BELOW_305_MM;
    }
    if !i.config.is_open_air() {
        let Some(enc) = i.enclosure else {
            return Err(InputError {
                field: Field::EnclosureWidth,
                value: f64::NAN,
                kind: InputErrorKind::MissingEnclosure,
            });
        };
        warnings |= check_enclosure(i.config, i.gap_mm, &enc)?;
    }
    positive(Field::ArcDuration, i.arc_duration_ms)?;
    positive(Field::ArcDurationReduced, i.arc_duration_reduced_ms)?;
    Ok(RangeWarnings(warnings))
}

#[inline]
fn check_enclosure(
    config: ElectrodeConfig,
    gap_mm: f64,
    enc: &super::EnclosureMm,
) -> Result<u8, InputError> {
    debug_assert!(!config.is_open_air());
    positive(Field::EnclosureHeight, enc.height_mm)?;
    positive(Field::EnclosureWidth, enc.width_mm)?;
    if let Some(d) = enc.depth_mm {
        positive(Field::EnclosureDepth, d)?;
    }
    if enc.width_mm < 4.0 * gap_mm {
        return Err(InputError {
            field: Field::EnclosureWidth,
            value: enc.width_mm,
            kind: InputErrorKind::WidthBelowFourGaps { gap_mm },
        });
    }
    let mut w = 0u8;
    if enc.height_mm > ENCLOSURE_DIM_MAX_MM {
        w |= RangeWarnings::HEIGHT_ABOVE_1244_6_MM;
    }
    if enc.width_mm > ENCLOSURE_DIM_MAX_MM {
        w |= RangeWarnings::WIDTH_ABOVE_1244_6_MM;
    }
    if enc.height_mm * enc.width_mm > OPENING_AREA_MAX_MM2 {
        w |= RangeWarnings::OPENING_ABOVE_1_549_M2;
    }
    Ok(w)
}
