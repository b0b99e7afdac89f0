//! Arc-flash labels (NFPA 70E 130.5(H), ANSI Z535.4 header): what each label says
//! ([`Label`], built from a run's results and its inventory), the SVG template ([`svg`]),
//! the PDF and PNG renderings of it ([`render`]) and file names ([`names`]).
//!
//! One SVG template is the source of every format; PDF and PNG are drawn from it with the
//! embedded font, so a label looks the same on every machine.

pub mod names;
pub mod render;
pub mod svg;
pub mod text;

use crate::contract::{input as I, passthrough as P};
use crate::core::nfpa70e::SystemType;
use crate::io::columns::{numbers, optional_texts, ResultRows, Texts};
use crate::io::read::Inventory;
use anyhow::Result;
use polars::prelude::DataFrame;

pub use text::Units;

/// Label stock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// 4 × 6 in, landscape.
    In4x6,
    /// 4 × 4 in.
    In4x4,
    /// A6, 148 × 105 mm, landscape.
    A6,
}

impl Size {
    /// Width and height in points (1/72 in).
    pub fn points(self) -> (f32, f32) {
        match self {
            Size::In4x6 => (432.0, 288.0),
            Size::In4x4 => (288.0, 288.0),
            Size::A6 => (148.0 / 25.4 * 72.0, 105.0 / 25.4 * 72.0),
        }
    }

    /// Width and height as SVG lengths.
    pub fn svg_lengths(self) -> (&'static str, &'static str) {
        match self {
            Size::In4x6 => ("6in", "4in"),
            Size::In4x4 => ("4in", "4in"),
            Size::A6 => ("148mm", "105mm"),
        }
    }
}

/// Which energy field the label states (NFPA 70E 130.5(H)(3) asks for one of them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnergyField {
    /// The incident energy at the working distance.
    IncidentEnergy,
    /// The minimum arc rating of clothing.
    ArcRating,
}

/// How a label looks.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// Label stock.
    pub size: Size,
    /// Units of lengths.
    pub units: Units,
    /// The energy field.
    pub energy: EnergyField,
    /// Above this incident energy (cal/cm²) the header says DANGER, otherwise WARNING.
    pub danger_threshold_cal_cm2: f64,
}

/// One label per equipment, or per enclosure (`enclosure_id`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Per {
    /// One label per computed equipment.
    Equipment,
    /// One label per enclosure: the worst case of its equipment.
    Enclosure,
}

/// What one label says.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    /// The facility.
    pub facility_id: String,
    /// The equipment id, or the enclosure id for a label per enclosure.
    pub name: String,
    /// The enclosure (labels per enclosure).
    pub enclosure_id: Option<String>,
    /// The equipment with the highest incident energy (the first in input order).
    pub governing_equipment_id: String,
    /// The equipment the label covers.
    pub equipment_count: usize,
    /// Nominal voltage, V (the highest of an enclosure).
    pub nominal_voltage_v: f64,
    /// A DC system.
    pub dc: bool,
    /// Incident energy, cal/cm².
    pub incident_energy_cal_cm2: f64,
    /// Minimum arc rating of clothing, cal/cm² (the energy rounded up to 0.1).
    pub min_arc_rating_cal_cm2: f64,
    /// The working distance of that energy, mm.
    pub working_distance_mm: f64,
    /// Arc-flash boundary, mm (the largest of an enclosure).
    pub arc_flash_boundary_mm: f64,
    /// Limited approach boundary (exposed fixed circuit part), mm.
    pub limited_approach_mm: Option<f64>,
    /// Restricted approach boundary, mm.
    pub restricted_approach_mm: Option<f64>,
    /// The study date (the governing row's `study_date`, else the run's date).
    pub study_date: String,
    /// The method id of the governing row.
    pub method: String,
}

impl Label {
    /// The header of the label.
    pub fn is_danger(&self, threshold_cal_cm2: f64) -> bool {
        crate::core::nfpa70e::is_danger(self.incident_energy_cal_cm2, threshold_cal_cm2)
    }
}

/// A row that gets no label, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Skipped {
    /// The input file.
    pub file: String,
    /// Its 1-based data row.
    pub row: usize,
    /// The facility (empty when missing).
    pub facility_id: String,
    /// The equipment (empty when missing).
    pub equipment_id: String,
    /// `invalid` or `not_applicable`.
    pub status: String,
    /// The row's errors.
    pub reason: String,
}

/// The labels of a run and the rows without one.
#[derive(Clone, Debug, Default)]
pub struct Labels {
    /// In order of first appearance.
    pub labels: Vec<Label>,
    /// In input order.
    pub skipped: Vec<Skipped>,
}

/// The values one label is built from, per row: the results' and the inventory's.
struct Rows {
    results: ResultRows,
    voltage: Vec<Option<f64>>,
    system: Vec<Option<String>>,
    study: Vec<Option<String>>,
    enclosure: Vec<Option<String>>,
}

impl Rows {
    fn read(inv: &Inventory, results: &DataFrame) -> Result<Rows> {
        let f = &inv.frame;
        Ok(Rows {
            results: ResultRows::read(results)?,
            voltage: numbers(f, I::NOMINAL_VOLTAGE_V.name)?,
            system: optional_texts(f, I::SYSTEM_TYPE.name)?,
            study: optional_texts(f, I::STUDY_DATE.name)?,
            enclosure: optional_texts(f, P::ENCLOSURE_ID.name)?,
        })
    }

    /// The label of row `i` alone (an `ok` row: every value it needs is present).
    fn label(&self, i: usize, as_of: &str) -> Label {
        let text = |v: &Texts| v.get(i).unwrap_or_default().to_string();
        let num = |v: &[Option<f64>]| v[i].unwrap_or(f64::NAN);
        let r = &self.results;
        Label {
            facility_id: text(&r.facility),
            name: text(&r.equipment),
            enclosure_id: None,
            governing_equipment_id: text(&r.equipment),
            equipment_count: 1,
            nominal_voltage_v: num(&self.voltage),
            dc: self.system[i].as_deref().and_then(SystemType::parse) == Some(SystemType::Dc),
            incident_energy_cal_cm2: num(&r.energy),
            min_arc_rating_cal_cm2: num(&r.rating),
            working_distance_mm: num(&r.distance),
            arc_flash_boundary_mm: num(&r.boundary),
            limited_approach_mm: r.limited[i],
            restricted_approach_mm: r.restricted[i],
            study_date: self.study[i]
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .unwrap_or(as_of)
                .to_string(),
            method: text(&r.method),
        }
    }
}

/// The larger of two optional values.
fn max_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// Folds the label of another equipment of the same enclosure into `worst`: the highest
/// incident energy (with its working distance, arc rating, method and study date, the first in
/// input order on a tie), the largest boundaries and the highest voltage.
fn fold_worst(worst: &mut Label, other: Label) {
    if other.incident_energy_cal_cm2 > worst.incident_energy_cal_cm2 {
        worst.incident_energy_cal_cm2 = other.incident_energy_cal_cm2;
        worst.min_arc_rating_cal_cm2 = other.min_arc_rating_cal_cm2;
        worst.working_distance_mm = other.working_distance_mm;
        worst.governing_equipment_id = other.governing_equipment_id;
        worst.method = other.method;
        worst.study_date = other.study_date;
    }
    worst.arc_flash_boundary_mm = worst.arc_flash_boundary_mm.max(other.arc_flash_boundary_mm);
    worst.nominal_voltage_v = worst.nominal_voltage_v.max(other.nominal_voltage_v);
    worst.dc |= other.dc;
    worst.limited_approach_mm = max_opt(worst.limited_approach_mm, other.limited_approach_mm);
    worst.restricted_approach_mm =
        max_opt(worst.restricted_approach_mm, other.restricted_approach_mm);
    worst.equipment_count += 1;
}

/// The labels of a run: one per `ok` row, or per enclosure (a row without `enclosure_id` is
/// an enclosure of its own, named by its equipment id). `as_of` (YYYY-MM-DD) stands in for a
/// missing study date. The other rows are returned as skipped, with their errors.
pub fn collect(inv: &Inventory, results: &DataFrame, per: Per, as_of: &str) -> Result<Labels> {
    let rows = Rows::read(inv, results)?;
    let mut out = Labels::default();
    let mut index: std::collections::HashMap<(String, String), usize> = Default::default();
    let r = &rows.results;
    for i in 0..results.height() {
        if !r.is_ok(i) {
            let (file, row) = inv.locate(i);
            out.skipped.push(Skipped {
                file: file.to_string(),
                row,
                facility_id: r.facility.get(i).unwrap_or_default().to_string(),
                equipment_id: r.equipment.get(i).unwrap_or_default().to_string(),
                status: r.status.get(i).unwrap_or_default().to_string(),
                reason: r.errors.get(i).unwrap_or_default().to_string(),
            });
            continue;
        }
        let mut label = rows.label(i, as_of);
        if per == Per::Equipment {
            out.labels.push(label);
            continue;
        }
        let enclosure = rows.enclosure[i]
            .clone()
            .unwrap_or_else(|| label.name.clone());
        label.name = enclosure.clone();
        label.enclosure_id = Some(enclosure.clone());
        match index.entry((label.facility_id.clone(), enclosure)) {
            std::collections::hash_map::Entry::Occupied(e) => {
                fold_worst(&mut out.labels[*e.get()], label);
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(out.labels.len());
                out.labels.push(label);
            }
        }
    }
    Ok(out)
}

/// Whether the inventory has the column a label per enclosure needs.
pub fn has_enclosures(inv: &Inventory) -> bool {
    inv.frame.get_column_index(P::ENCLOSURE_ID.name).is_some()
}
