//! Calculation methods and their registry: one place that lists every method with its id and
//! version, what it needs, its validity checks and its kernels. Adding a method is adding its
//! module and one [`REGISTRY`] entry (and a [`MethodId`] constant when code must name it);
//! the pipeline, the output, the schema and the stores do not change.
//!
//! Every method reads one [`Case`] and gives one [`Results`] (a full case, and a reduced case
//! when the method has one), or an [`InputError`] naming the input it cannot take. A result
//! carries the id of the method that produced it (`method` column).

pub mod common;
pub mod dc;
pub mod fastexp;
pub mod ieee1584_2002;
pub mod ieee1584_2018;
pub mod lee;

use crate::core::defaults::EquipmentClass;
use crate::core::nfpa70e::SystemType;
pub use common::{Field, InputError, InputErrorKind, RangeWarnings};
use ieee1584_2002::Grounding;
use ieee1584_2018::{ElectrodeConfig, EnclosureMm};
use serde::Serialize;

/// The inputs of one equipment, for every method (each reads what it needs; the pipeline
/// checks beforehand that what a method needs is given).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Case {
    /// AC or DC.
    pub system: SystemType,
    /// Electrode configuration (also: box or open air).
    pub config: Option<ElectrodeConfig>,
    /// Equipment class (typical values, enclosure kind).
    pub class: Option<EquipmentClass>,
    /// Nominal voltage, V (AC line-to-line, DC system).
    pub voltage_v: f64,
    /// Bolted fault current, kA.
    pub ibf_ka: f64,
    /// Conductor gap, mm.
    pub gap_mm: Option<f64>,
    /// Working distance, mm.
    pub working_distance_mm: f64,
    /// Enclosure (box configurations).
    pub enclosure: Option<EnclosureMm>,
    /// Clearing time at the full arcing current, ms.
    pub arc_duration_ms: f64,
    /// Clearing time at the reduced arcing current, ms (methods with a reduced case).
    pub arc_duration_reduced_ms: f64,
    /// System grounding (IEEE 1584-2002).
    pub grounding: Grounding,
}

impl Default for Case {
    fn default() -> Self {
        Case {
            system: SystemType::Ac,
            config: None,
            class: None,
            voltage_v: f64::NAN,
            ibf_ka: f64::NAN,
            gap_mm: None,
            working_distance_mm: f64::NAN,
            enclosure: None,
            arc_duration_ms: f64::NAN,
            arc_duration_reduced_ms: f64::NAN,
            grounding: Grounding::default(),
        }
    }
}

/// The reduced arcing-current case.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Reduced {
    /// Reduced arcing current, kA.
    pub arcing_current_ka: f64,
    /// Incident energy, J/cm².
    pub incident_energy_j_cm2: f64,
    /// Arc-flash boundary, mm.
    pub arc_flash_boundary_mm: f64,
}

/// The final values of one equipment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Results {
    /// Arcing current of the full case, kA (Lee: the bolted current).
    pub arcing_current_ka: f64,
    /// Incident energy of the full case, J/cm².
    pub incident_energy_full_j_cm2: f64,
    /// Arc-flash boundary of the full case, mm.
    pub arc_flash_boundary_full_mm: f64,
    /// The reduced case, for methods that have one.
    pub reduced: Option<Reduced>,
}

impl Results {
    /// True when a reduced case gives the higher incident energy (ties go to `full`).
    pub fn reduced_governs(&self) -> bool {
        self.reduced
            .is_some_and(|r| r.incident_energy_j_cm2 > self.incident_energy_full_j_cm2)
    }

    /// Governing incident energy, J/cm².
    pub fn incident_energy_j_cm2(&self) -> f64 {
        match self.reduced {
            Some(r) => self.incident_energy_full_j_cm2.max(r.incident_energy_j_cm2),
            None => self.incident_energy_full_j_cm2,
        }
    }

    /// Arc-flash boundary of the governing case, mm.
    pub fn arc_flash_boundary_mm(&self) -> f64 {
        match self.reduced {
            Some(r) if self.reduced_governs() => r.arc_flash_boundary_mm,
            _ => self.arc_flash_boundary_full_mm,
        }
    }

    /// Currents and energies finite and positive, boundaries finite and not negative (a
    /// boundary is 0 where the energy never reaches the boundary energy).
    pub fn all_finite(&self) -> bool {
        let pos = |v: f64| v > 0.0 && v < f64::INFINITY;
        let non_neg = |v: f64| (0.0..f64::INFINITY).contains(&v);
        pos(self.arcing_current_ka)
            && pos(self.incident_energy_full_j_cm2)
            && non_neg(self.arc_flash_boundary_full_mm)
            && self.reduced.is_none_or(|r| {
                pos(r.arcing_current_ka)
                    && pos(r.incident_energy_j_cm2)
                    && non_neg(r.arc_flash_boundary_mm)
            })
    }
}

impl From<ieee1584_2018::Results> for Results {
    fn from(r: ieee1584_2018::Results) -> Results {
        Results {
            arcing_current_ka: r.arcing_current_ka,
            incident_energy_full_j_cm2: r.incident_energy_full_j_cm2,
            arc_flash_boundary_full_mm: r.arc_flash_boundary_full_mm,
            reduced: Some(Reduced {
                arcing_current_ka: r.arcing_current_reduced_ka,
                incident_energy_j_cm2: r.incident_energy_reduced_j_cm2,
                arc_flash_boundary_mm: r.arc_flash_boundary_reduced_mm,
            }),
        }
    }
}

/// The outcome of one equipment: results and advisory warnings, or why there are none.
pub type Outcome = Result<(Results, RangeWarnings), InputError>;

/// One named intermediate value (`calc`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Intermediate {
    /// What it is, with its equation.
    pub name: &'static str,
    /// The value.
    pub value: f64,
    /// Its unit (empty for a number without one).
    pub unit: &'static str,
}

impl Intermediate {
    /// An intermediate value.
    pub fn new(name: &'static str, value: f64, unit: &'static str) -> Self {
        Intermediate { name, value, unit }
    }
}

/// A method of the registry, by position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MethodId(u8);

impl MethodId {
    /// IEEE 1584-2018.
    pub const IEEE1584_2018: MethodId = MethodId(0);
    /// IEEE 1584-2002.
    pub const IEEE1584_2002: MethodId = MethodId(1);
    /// Lee.
    pub const LEE: MethodId = MethodId(2);
    /// DC maximum power.
    pub const DC_MAX_POWER: MethodId = MethodId(3);
    /// DC Stokes–Oppenlander, open air.
    pub const DC_STOKES_OPPENLANDER: MethodId = MethodId(4);
    /// DC Ammerman (Stokes–Oppenlander, Wilkins enclosure).
    pub const DC_AMMERMAN: MethodId = MethodId(5);

    /// Every method, in registry order.
    pub fn all() -> impl Iterator<Item = MethodId> {
        (0..REGISTRY.len() as u8).map(MethodId)
    }

    /// The registry entry.
    pub fn method(self) -> &'static Method {
        &REGISTRY[usize::from(self.0)]
    }

    /// The id with its version, e.g. `ieee1584-2018@1`.
    pub fn id(self) -> &'static str {
        self.method().id
    }

    /// The position in the registry (a compact code).
    pub fn index(self) -> u8 {
        self.0
    }

    /// The method at registry position `i`.
    pub fn from_index(i: u8) -> Option<MethodId> {
        (usize::from(i) < REGISTRY.len()).then_some(MethodId(i))
    }

    /// Parses an id (`lee@1`), or a name without version (`lee`: its current version),
    /// ignoring case and surrounding spaces.
    pub fn parse(s: &str) -> Option<MethodId> {
        let s = s.trim();
        MethodId::all().find(|m| {
            let e = m.method();
            e.id.eq_ignore_ascii_case(s)
                || e.id
                    .split('@')
                    .next()
                    .is_some_and(|n| n.eq_ignore_ascii_case(s))
        })
    }

    /// Every id, comma-separated (for messages).
    pub fn ids() -> String {
        MethodId::all()
            .map(MethodId::id)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl std::fmt::Display for MethodId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// What a method needs besides voltage, fault current, working distance and clearing time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Needs {
    /// The conductor gap.
    pub gap: bool,
    /// Whether the arc is in a box or in open air (an electrode configuration or a class).
    pub configuration: bool,
    /// The enclosure height and width, for box configurations.
    pub enclosure: bool,
}

/// A kernel over many cases at once (same outcomes as one at a time).
pub type BatchKernel = fn(&[Case], &mut [Outcome]);

/// The arcing currents of a case, kA: full, and reduced for methods with a reduced case;
/// `None` when the case has no result.
pub type Currents = fn(&Case) -> Option<(f64, Option<f64>)>;

/// One method of the registry.
pub struct Method {
    /// Id with version, as written to the `method` column.
    pub id: &'static str,
    /// The model's name in messages, e.g. `IEEE 1584-2018`.
    pub model: &'static str,
    /// AC or DC.
    pub system: SystemType,
    /// Whether it computes a reduced arcing-current case.
    pub reduced_case: bool,
    /// What it needs.
    pub needs: Needs,
    /// Incident energy at its arc-flash boundary, J/cm².
    pub boundary_energy_j_cm2: f64,
    /// The hard limits (error) and advisory limits (warnings).
    pub validate: fn(&Case) -> Result<RangeWarnings, InputError>,
    /// The results of inputs that passed `validate`.
    pub compute: fn(&Case) -> Results,
    /// A batch kernel, where the method has one (else rows are computed one by one).
    pub batch: Option<BatchKernel>,
    /// The arcing currents alone (full, reduced), equal to `compute`'s, where the method has
    /// a cheaper way to them (else `compute` gives them): what a device's clearing time needs.
    pub currents: Option<Currents>,
    /// The intermediate values `calc` prints.
    pub intermediates: fn(&Case) -> Vec<Intermediate>,
}

/// 1.2 cal/cm² in J/cm².
const CAL_1_2_J: f64 = 1.2 * crate::core::nfpa70e::J_PER_CAL;

/// Every method, in [`MethodId`] order.
pub const REGISTRY: [Method; 6] = [
    Method {
        id: "ieee1584-2018@1",
        model: "IEEE 1584-2018",
        system: SystemType::Ac,
        reduced_case: true,
        needs: Needs {
            gap: true,
            configuration: true,
            enclosure: true,
        },
        boundary_energy_j_cm2: CAL_1_2_J,
        validate: ieee1584_2018::validate_case,
        compute: ieee1584_2018::compute_case,
        batch: Some(ieee1584_2018::calculate_cases),
        currents: Some(ieee1584_2018::currents_case),
        intermediates: ieee1584_2018::intermediates,
    },
    Method {
        id: "ieee1584-2002@1",
        model: "IEEE 1584-2002",
        system: SystemType::Ac,
        reduced_case: true,
        needs: Needs {
            gap: true,
            configuration: true,
            enclosure: false,
        },
        boundary_energy_j_cm2: ieee1584_2002::BOUNDARY_J_CM2,
        validate: ieee1584_2002::validate,
        compute: ieee1584_2002::compute,
        batch: None,
        currents: None,
        intermediates: ieee1584_2002::intermediates,
    },
    Method {
        id: "lee@1",
        model: "Lee (NFPA 70E D.6)",
        system: SystemType::Ac,
        reduced_case: false,
        needs: Needs {
            gap: false,
            configuration: false,
            enclosure: false,
        },
        boundary_energy_j_cm2: CAL_1_2_J,
        validate: lee::validate,
        compute: lee::compute,
        batch: None,
        currents: None,
        intermediates: lee::intermediates,
    },
    Method {
        id: "dc-max-power@1",
        model: "DC maximum-power (NFPA 70E D.5.1)",
        system: SystemType::Dc,
        reduced_case: false,
        needs: Needs {
            gap: false,
            configuration: true,
            enclosure: false,
        },
        boundary_energy_j_cm2: CAL_1_2_J,
        validate: dc::max_power::validate,
        compute: dc::max_power::compute,
        batch: None,
        currents: None,
        intermediates: dc::max_power::intermediates,
    },
    Method {
        id: "dc-stokes-oppenlander@1",
        model: "DC Stokes-Oppenlander",
        system: SystemType::Dc,
        reduced_case: false,
        needs: Needs {
            gap: true,
            configuration: false,
            enclosure: false,
        },
        boundary_energy_j_cm2: CAL_1_2_J,
        validate: dc::stokes_oppenlander::validate,
        compute: dc::stokes_oppenlander::compute,
        batch: None,
        currents: None,
        intermediates: dc::stokes_oppenlander::intermediates,
    },
    Method {
        id: "dc-ammerman@1",
        model: "DC Ammerman (NFPA 70E D.5.2)",
        system: SystemType::Dc,
        reduced_case: false,
        needs: Needs {
            gap: true,
            configuration: true,
            enclosure: false,
        },
        boundary_energy_j_cm2: CAL_1_2_J,
        validate: dc::ammerman::validate,
        compute: dc::ammerman::compute,
        batch: None,
        currents: None,
        intermediates: dc::ammerman::intermediates,
    },
];

/// The method `--method auto` takes: DC → `dc-max-power@1`; AC above 15 kV → `lee@1`;
/// other AC → `ieee1584-2018@1` (whose range check reports what it does not cover, e.g.
/// below 208 V).
pub fn auto(system: SystemType, voltage_v: f64) -> MethodId {
    match system {
        SystemType::Dc => MethodId::DC_MAX_POWER,
        SystemType::Ac if voltage_v > ieee1584_2018::range::VOC_MAX_KV * 1000.0 => MethodId::LEE,
        SystemType::Ac => MethodId::IEEE1584_2018,
    }
}

/// One equipment with method `m`: validate, compute, and check that every value is finite.
pub fn calculate(m: MethodId, c: &Case) -> Outcome {
    let e = m.method();
    let warnings = (e.validate)(c)?;
    let r = (e.compute)(c);
    if !r.all_finite() {
        return Err(numerical_failure(m, c));
    }
    Ok((r, warnings))
}

/// Every case of a batch with method `m` (its batch kernel where it has one). Each outcome
/// equals [`calculate`] of that case.
pub fn calculate_batch(m: MethodId, cases: &[Case], out: &mut [Outcome]) {
    match m.method().batch {
        Some(batch) => batch(cases, out),
        None => {
            for (c, o) in cases.iter().zip(out) {
                *o = calculate(m, c);
            }
        }
    }
}

/// The arcing currents of `c` under method `m` (full, reduced), kA: what a protective
/// device's clearing time needs (its clearing times are not used). `None` when the case has
/// no result (the full calculation says why).
pub fn arcing_currents(m: MethodId, c: &Case) -> Option<(f64, Option<f64>)> {
    match m.method().currents {
        Some(currents) => currents(c),
        None => calculate(m, c)
            .ok()
            .map(|(r, _)| (r.arcing_current_ka, r.reduced.map(|x| x.arcing_current_ka))),
    }
}

/// The error of inputs for which method `m` gives no finite result, naming the input that
/// causes it: each input in turn is replaced by a typical value, and the one whose
/// replacement leaves the fewest bad outputs is named (ties: the first in this order).
/// Cold path.
pub fn numerical_failure(m: MethodId, c: &Case) -> InputError {
    let bad = |c: &Case| {
        let r = (m.method().compute)(c);
        let pos = |v: f64| v > 0.0 && v < f64::INFINITY;
        let mut n = [r.arcing_current_ka, r.incident_energy_full_j_cm2]
            .iter()
            .filter(|&&v| !pos(v))
            .count();
        n += usize::from(!(0.0..f64::INFINITY).contains(&r.arc_flash_boundary_full_mm));
        if let Some(x) = r.reduced {
            n += [x.arcing_current_ka, x.incident_energy_j_cm2]
                .iter()
                .filter(|&&v| !pos(v))
                .count();
            n += usize::from(!(0.0..f64::INFINITY).contains(&x.arc_flash_boundary_mm));
        }
        n
    };
    type Swap = fn(&mut Case);
    let swaps: [(Field, f64, Swap); 5] = [
        (Field::ArcDuration, c.arc_duration_ms, |c| {
            c.arc_duration_ms = 100.0
        }),
        (Field::ArcDurationReduced, c.arc_duration_reduced_ms, |c| {
            c.arc_duration_reduced_ms = 100.0
        }),
        (Field::WorkingDistance, c.working_distance_mm, |c| {
            c.working_distance_mm = 914.4
        }),
        (Field::Gap, c.gap_mm.unwrap_or(f64::NAN), |c| {
            c.gap_mm = c.gap_mm.map(|_| 32.0)
        }),
        (Field::BoltedFaultCurrent, c.ibf_ka, |c| c.ibf_ka = 10.0),
    ];
    let (mut blame, mut fewest) = ((Field::BoltedFaultCurrent, c.ibf_ka), bad(c));
    for (field, value, swap) in swaps {
        let mut trial = *c;
        swap(&mut trial);
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

/// `--method` and the `method` column: `auto` or one method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Choice {
    /// The method the system and voltage call for ([`auto`]).
    #[default]
    Auto,
    /// This method.
    Fixed(MethodId),
}

impl Choice {
    /// Parses `auto` or a method id (see [`MethodId::parse`]).
    pub fn parse(s: &str) -> Option<Choice> {
        if s.trim().eq_ignore_ascii_case("auto") {
            Some(Choice::Auto)
        } else {
            MethodId::parse(s).map(Choice::Fixed)
        }
    }

    /// The method for a case of `system` at `voltage_v`.
    pub fn resolve(self, system: SystemType, voltage_v: f64) -> MethodId {
        match self {
            Choice::Auto => auto(system, voltage_v),
            Choice::Fixed(m) => m,
        }
    }
}
