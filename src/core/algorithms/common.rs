//! What every method shares: the inputs a method can reject ([`Field`]), why
//! ([`InputError`]), and the advisory range warnings ([`RangeWarnings`]). Nothing here
//! allocates on the hot path.

use std::fmt;

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

/// The inputs a method can reject, named after the contract's input columns.
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
    /// The input column of the contract.
    pub fn column(self) -> &'static str {
        use crate::contract::input as I;
        match self {
            Field::NominalVoltage => I::NOMINAL_VOLTAGE_V.name,
            Field::BoltedFaultCurrent => I::BOLTED_FAULT_CURRENT_KA.name,
            Field::Gap => I::GAP_MM.name,
            Field::WorkingDistance => I::WORKING_DISTANCE_MM.name,
            Field::EnclosureHeight => I::ENCLOSURE_HEIGHT_MM.name,
            Field::EnclosureWidth => I::ENCLOSURE_WIDTH_MM.name,
            Field::EnclosureDepth => I::ENCLOSURE_DEPTH_MM.name,
            Field::ArcDuration => I::ARC_DURATION_MS.name,
            Field::ArcDurationReduced => I::ARC_DURATION_REDUCED_MS.name,
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

impl InputError {
    /// The message, naming `model` (e.g. `IEEE 1584-2018`) where the range is the model's.
    pub fn message(&self, model: &str) -> String {
        Message(self, model).to_string()
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Message(self, "IEEE 1584-2018").fmt(f)
    }
}

/// An error with the name of the model whose range it is.
struct Message<'a>(&'a InputError, &'a str);

impl fmt::Display for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (e, model) = (self.0, self.1);
        let s = e.field.to_column_units();
        let unit = e.field.unit();
        let v = e.value * s;
        match e.kind {
            InputErrorKind::NotFinite => write!(f, "value {v} is not a finite number, expected a positive number in {unit}"),
            InputErrorKind::NotPositive => write!(f, "value {v} must be greater than 0 {unit}"),
            InputErrorKind::OutOfRange { min, max } => write!(
                f,
                "value {v} {unit} is outside the {model} model range {} to {} {unit}",
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
                "the {model} equations give no finite positive result for these inputs (value {v} {unit})"
            ),
        }
    }
}

impl std::error::Error for InputError {}

/// `value` must be a positive finite number.
#[inline]
pub fn positive(field: Field, value: f64) -> Result<(), InputError> {
    let kind = if !value.is_finite() {
        InputErrorKind::NotFinite
    } else if value <= 0.0 {
        InputErrorKind::NotPositive
    } else {
        return Ok(());
    };
    Err(InputError { field, value, kind })
}

/// `value` must lie in `[min, max]` (engine units).
#[inline]
pub fn within(field: Field, value: f64, (min, max): (f64, f64)) -> Result<(), InputError> {
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
    /// Stokes–Oppenlander arcing current below the fit's transition current.
    pub const BELOW_TRANSITION_CURRENT: u8 = 16;

    const MESSAGES: [(u8, &'static str); 5] = [
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
        (
            Self::BELOW_TRANSITION_CURRENT,
            "arcing current below the Stokes-Oppenlander transition current 10 + 0.2 x gap_mm A (arc model range)",
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
