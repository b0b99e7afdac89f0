//! IEEE 1584-2018 arc-flash incident energy model (AC, three-phase, 208 V – 15 kV).
//!
//! * [`tables`] — the coefficient tables (Tables 1–7);
//! * [`equations`] — one function per equation, in the standard's log10 form;
//! * [`kernel`] — the batch kernel: the whole model for one equipment, full and reduced
//!   case, in natural-log form with shared logarithms and no allocation;
//! * [`range`] — the model's validated range: hard limits (errors) and advisory limits
//!   (warnings).

pub mod batch;
pub mod equations;
pub mod kernel;
pub mod range;
pub mod tables;

use serde::Serialize;

pub use batch::{calculate_batch, Outcome};
pub use kernel::{
    arcing_currents, calculate, calculate_results, calculate_results_unchecked,
    calculate_unchecked, Calculation, Detail, LevelDetail, Results,
};
pub use range::{
    validate, validate_fast, validate_in_order, Field, InputError, InputErrorKind, RangeWarnings,
};

/// Method tag written with every result (`method` column). Bump the number whenever a change
/// can alter any computed value.
pub const METHOD: &str = "ieee1584-2018@1";

/// IEEE 1584-2018 electrode configuration. The discriminant indexes the coefficient tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum ElectrodeConfig {
    /// Vertical conductors in a metal box.
    #[serde(rename = "VCB")]
    Vcb = 0,
    /// Vertical conductors terminated in an insulating barrier, in a box.
    #[serde(rename = "VCBB")]
    Vcbb = 1,
    /// Horizontal conductors in a box.
    #[serde(rename = "HCB")]
    Hcb = 2,
    /// Vertical conductors in open air.
    #[serde(rename = "VOA")]
    Voa = 3,
    /// Horizontal conductors in open air.
    #[serde(rename = "HOA")]
    Hoa = 4,
}

impl ElectrodeConfig {
    /// All five configurations in table order.
    pub const ALL: [ElectrodeConfig; 5] = [Self::Vcb, Self::Vcbb, Self::Hcb, Self::Voa, Self::Hoa];

    /// The standard's abbreviation.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Vcb => "VCB",
            Self::Vcbb => "VCBB",
            Self::Hcb => "HCB",
            Self::Voa => "VOA",
            Self::Hoa => "HOA",
        }
    }

    /// Parses the abbreviation, ignoring case and surrounding spaces.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
    }

    /// VOA and HOA: no enclosure, CF = 1.
    pub fn is_open_air(self) -> bool {
        matches!(self, Self::Voa | Self::Hoa)
    }
}

impl std::fmt::Display for ElectrodeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The three test voltages at which the coefficients were fitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum VocLevel {
    /// 600 V (Eq 3, 7; also the LV path, Eq 6, 10).
    V600 = 0,
    /// 2700 V (Eq 4, 8).
    V2700 = 1,
    /// 14 300 V (Eq 5, 9).
    V14300 = 2,
}

impl VocLevel {
    /// All three in table order.
    pub const ALL: [VocLevel; 3] = [Self::V600, Self::V2700, Self::V14300];

    /// The level in volts.
    pub fn volts(self) -> u32 {
        match self {
            Self::V600 => 600,
            Self::V2700 => 2700,
            Self::V14300 => 14300,
        }
    }
}

/// Table 6 enclosure type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BoxType {
    /// Every box that is not shallow (Eq 14).
    Typical = 0,
    /// Voc < 0.6 kV, H and W < 508 mm, depth ≤ 203.2 mm (Eq 15).
    Shallow = 1,
}

/// Inside dimensions of the enclosure in mm. An unknown depth is treated as typical.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct EnclosureMm {
    /// Inside height.
    pub height_mm: f64,
    /// Inside width.
    pub width_mm: f64,
    /// Inside depth; `None` = not known (typical box).
    pub depth_mm: Option<f64>,
}

/// Result of Table 6 and Eq 11–15.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct EnclosureCorrection {
    /// `None` for open-air configurations.
    pub box_type: Option<BoxType>,
    /// Equivalent width (in).
    pub width_1_in: f64,
    /// Equivalent height (in).
    pub height_1_in: f64,
    /// Equivalent enclosure size EES (in), Eq 13.
    pub ees_in: f64,
    /// Enclosure size correction factor CF, Eq 14/15 (1 in open air).
    pub cf: f64,
}

impl EnclosureCorrection {
    /// VOA and HOA: no enclosure, CF = 1.
    pub fn open_air() -> Self {
        EnclosureCorrection {
            box_type: None,
            width_1_in: 0.0,
            height_1_in: 0.0,
            ees_in: 0.0,
            cf: 1.0,
        }
    }
}

/// The inputs of one equipment in the standard's units.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Inputs {
    /// Electrode configuration.
    pub config: ElectrodeConfig,
    /// Open-circuit (nominal line-to-line) voltage, kV.
    pub voc_kv: f64,
    /// Three-phase bolted fault current, kA.
    pub ibf_ka: f64,
    /// Conductor gap, mm.
    pub gap_mm: f64,
    /// Working distance, mm.
    pub working_distance_mm: f64,
    /// Enclosure; required for VCB, VCBB and HCB, ignored for VOA and HOA.
    pub enclosure: Option<EnclosureMm>,
    /// Clearing time at the full arcing current, ms.
    pub arc_duration_ms: f64,
    /// Clearing time at the reduced arcing current, ms.
    pub arc_duration_reduced_ms: f64,
}

/// The model's inputs of a [`Case`](super::Case) (the pipeline has checked that the
/// configuration is given; a missing gap is NaN, which the range check rejects).
#[inline]
pub fn inputs_of(c: &super::Case) -> Inputs {
    Inputs {
        config: c.config.unwrap_or(ElectrodeConfig::Vcb),
        voc_kv: c.voltage_v / 1000.0,
        ibf_ka: c.ibf_ka,
        gap_mm: c.gap_mm.unwrap_or(f64::NAN),
        working_distance_mm: c.working_distance_mm,
        enclosure: c.enclosure,
        arc_duration_ms: c.arc_duration_ms,
        arc_duration_reduced_ms: c.arc_duration_reduced_ms,
    }
}

/// The registry's validity check.
pub fn validate_case(c: &super::Case) -> Result<RangeWarnings, InputError> {
    validate(&inputs_of(c))
}

/// The registry's kernel for one case.
pub fn compute_case(c: &super::Case) -> super::Results {
    calculate_results_unchecked(&inputs_of(c)).into()
}

/// The registry's arcing currents of a case (full, reduced), without the energies.
pub fn currents_case(c: &super::Case) -> Option<(f64, Option<f64>)> {
    kernel::arcing_currents(&inputs_of(c)).map(|(f, r)| (f, Some(r)))
}

/// The registry's batch kernel: [`calculate_batch`] over the cases.
pub fn calculate_cases(cases: &[super::Case], out: &mut [super::Outcome]) {
    let inputs: Vec<Inputs> = cases.iter().map(inputs_of).collect();
    let mut outcomes: Vec<Outcome> = vec![Ok(Default::default()); inputs.len()];
    calculate_batch(&inputs, &mut outcomes);
    for (o, r) in out.iter_mut().zip(outcomes) {
        *o = r.map(|(r, w)| (r.into(), w));
    }
}

/// The intermediate values `calc` prints for a case (its own table prints them all).
pub fn intermediates(c: &super::Case) -> Vec<super::Intermediate> {
    use super::Intermediate;
    let d = calculate_unchecked(&inputs_of(c));
    let mut out = vec![
        Intermediate::new("VarCf (Eq 2)", d.var_cf, ""),
        Intermediate::new("1 - 0.5 VarCf", d.reduction_factor, ""),
        Intermediate::new("CF (Eq 14/15)", d.enclosure.cf, ""),
        Intermediate::new("Iarc_600 (Eq 1)", d.arcing_current_600_ka, "kA"),
    ];
    if !d.low_voltage {
        for (l, name) in d.levels[1..]
            .iter()
            .zip(["Iarc_2700 (Eq 1)", "Iarc_14300 (Eq 1)"])
        {
            out.push(Intermediate::new(name, l.arcing_current_ka, "kA"));
        }
    }
    out
}
