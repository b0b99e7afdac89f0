//! The model's validated range (IEEE 1584-2018 clause 4.2).
//!
//! Hard limits make the model undefined: the row gets an [`InputError`] (reported as
//! `not_applicable` by the batch, exit 2 by `calc`). Advisory limits still compute and set a
//! [`RangeWarnings`] flag. Bounds are inclusive. Nothing here allocates.

use super::{ElectrodeConfig, Inputs};
use std::fmt;

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

/// An input the model cannot take. Carries the field and value; no allocation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InputError {
    /// Which input.
    pub field: Field,
    /// The offending value in the engine's units (see [`Field::unit`]).
    pub value: f64,
    /// What is wrong with it.
    pub kind: InputErrorKind,
}

/// What is wrong with an input.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum InputErrorKind {
    /// NaN or infinite.
    NotFinite,
    /// Zero or negative where a positive value is needed.
    NotPositive,
    /// Outside the model's range `[min, max]` (engine units).
    OutOfRange {
        /// inclusive lower bound
        min: f64,
        /// inclusive upper bound
        max: f64,
    },
    /// Enclosure width below 4 × gap.
    WidthBelowFourGaps {
        /// the gap, mm
        gap_mm: f64,
    },
    /// VCB, VCBB and HCB need enclosure height and width.
    MissingEnclosure,
    /// The equations produced a value that is not finite and positive (a bug or an input
    /// combination outside the model; reported, never returned as a number).
    NumericalFailure,
}

/// The inputs, named after the output columns of the contract (SPEC §1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// `nominal_voltage_v`
    NominalVoltage,
    /// `bolted_fault_current_ka`
    BoltedFaultCurrent,
    /// `gap_mm`
    Gap,
    /// `working_distance_mm`
    WorkingDistance,
    /// `enclosure_height_mm`
    EnclosureHeight,
    /// `enclosure_width_mm`
    EnclosureWidth,
    /// `enclosure_depth_mm`
    EnclosureDepth,
    /// `arc_duration_ms`
    ArcDuration,
    /// `arc_duration_reduced_ms`
    ArcDurationReduced,
}

impl Field {
    /// The column name of the contract.
    pub fn column(self) -> &'static str {
        match self {
            Field::NominalVoltage => "nominal_voltage_v",
            Field::BoltedFaultCurrent => "bolted_fault_current_ka",
            Field::Gap => "gap_mm",
            Field::WorkingDistance => "working_distance_mm",
            Field::EnclosureHeight => "enclosure_height_mm",
            Field::EnclosureWidth => "enclosure_width_mm",
            Field::EnclosureDepth => "enclosure_depth_mm",
            Field::ArcDuration => "arc_duration_ms",
            Field::ArcDurationReduced => "arc_duration_reduced_ms",
        }
    }

    /// The `calc` flag that sets it.
    pub fn flag(self) -> &'static str {
        match self {
            Field::NominalVoltage => "--voltage",
            Field::BoltedFaultCurrent => "--fault-current",
            Field::Gap => "--gap",
            Field::WorkingDistance => "--distance",
            Field::EnclosureHeight => "--height",
            Field::EnclosureWidth => "--width",
            Field::EnclosureDepth => "--depth",
            Field::ArcDuration => "--duration",
            Field::ArcDurationReduced => "--duration-reduced",
        }
    }

    /// Multiplier from engine units to column units (only the voltage differs: kV → V).
    pub fn to_column_units(self) -> f64 {
        match self {
            Field::NominalVoltage => 1000.0,
            _ => 1.0,
        }
    }

    /// Unit of the column.
    pub fn unit(self) -> &'static str {
        match self {
            Field::NominalVoltage => "V",
            Field::BoltedFaultCurrent => "kA",
            Field::ArcDuration | Field::ArcDurationReduced => "ms",
            _ => "mm",
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.field.to_column_units();
        let unit = self.field.unit();
        let v = self.value * s;
        match self.kind {
            InputErrorKind::NotFinite => write!(f, "value {v} is not a finite number, expected a positive number in {unit}"),
            InputErrorKind::NotPositive => write!(f, "value {v} must be greater than 0 {unit}"),
            InputErrorKind::OutOfRange { min, max } => write!(
                f,
                "value {v} {unit} is outside the IEEE 1584-2018 model range {} to {} {unit}",
                min * s,
                max * s
            ),
            InputErrorKind::WidthBelowFourGaps { gap_mm } => write!(
                f,
                "value {v} mm is below 4 x gap ({} mm for gap {gap_mm} mm), IEEE 1584-2018 needs width >= 4 x gap",
                4.0 * gap_mm
            ),
            InputErrorKind::MissingEnclosure => {
                write!(f, "missing, VCB, VCBB and HCB need the enclosure height and width in mm")
            }
            InputErrorKind::NumericalFailure => write!(
                f,
                "the IEEE 1584-2018 equations give no finite positive result for these inputs (value {v} {unit})"
            ),
        }
    }
}

impl std::error::Error for InputError {}

/// Advisory range warnings as bit flags (no allocation on the hot path).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct RangeWarnings(pub u8);

impl RangeWarnings {
    /// Working distance below 305 mm.
    pub const WORKING_DISTANCE_BELOW_305_MM: u8 = 1;
    /// Enclosure height above 1244.6 mm (Table 6 clamps it).
    pub const HEIGHT_ABOVE_1244_6_MM: u8 = 2;
    /// Enclosure width above 1244.6 mm (Table 6 clamps it).
    pub const WIDTH_ABOVE_1244_6_MM: u8 = 4;
    /// Enclosure opening above 1.549 m².
    pub const OPENING_ABOVE_1_549_M2: u8 = 8;

    const MESSAGES: [(u8, &'static str); 4] = [
        (
            Self::WORKING_DISTANCE_BELOW_305_MM,
            "working_distance_mm below 305 mm (IEEE 1584-2018 range)",
        ),
        (
            Self::HEIGHT_ABOVE_1244_6_MM,
            "enclosure_height_mm above 1244.6 mm (clamped by Table 6)",
        ),
        (
            Self::WIDTH_ABOVE_1244_6_MM,
            "enclosure_width_mm above 1244.6 mm (clamped by Table 6)",
        ),
        (
            Self::OPENING_ABOVE_1_549_M2,
            "enclosure opening above 1.549 m2 (IEEE 1584-2018 range)",
        ),
    ];

    /// No warnings.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether `flag` is set.
    pub fn contains(self, flag: u8) -> bool {
        self.0 & flag != 0
    }

    /// The messages of the set flags, in a fixed order.
    pub fn messages(self) -> impl Iterator<Item = &'static str> {
        Self::MESSAGES
            .into_iter()
            .filter(move |(f, _)| self.0 & f != 0)
            .map(|(_, m)| m)
    }

    /// The messages joined with `;` (the `range_warnings` column).
    pub fn joined(self) -> String {
        self.messages().collect::<Vec<_>>().join(";")
    }
}

#[inline]
fn positive(field: Field, value: f64) -> Result<(), InputError> {
    if !value.is_finite() {
        Err(InputError {
            field,
            value,
            kind: InputErrorKind::NotFinite,
        })
    } else if value <= 0.0 {
        Err(InputError {
            field,
            value,
            kind: InputErrorKind::NotPositive,
        })
    } else {
        Ok(())
    }
}

#[inline]
fn within(field: Field, value: f64, (min, max): (f64, f64)) -> Result<(), InputError> {
    if value < min || value > max {
        Err(InputError {
            field,
            value,
            kind: InputErrorKind::OutOfRange { min, max },
        })
    } else {
        Ok(())
    }
}

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
