//! The label template: one SVG per label, the source of the PDF and PNG renderings.
//!
//! Layout (fractions of the label's height `h` and width `w`, so every size draws the same
//! label): a header band in the ANSI Z535.4 colours with the safety-alert symbol and the signal
//! word, the hazard line, six rows of `name … value` (arc-flash boundary, the energy field,
//! working distance, nominal voltage, limited and restricted approach boundaries) and a footer
//! with the equipment, facility, study date and method. Every value is a `<text>` with a
//! `data-field` attribute, so a program can read the label back.

use super::text::{self, fit, xml_escape, FONT_FAMILY};
use super::{EnergyField, Label, Style};
use crate::contract::results as R;
use std::fmt::Write;

/// ANSI Z535.1 safety red (DANGER header).
pub const DANGER_RED: &str = "#C8102E";
/// ANSI Z535.1 safety orange (WARNING header).
pub const WARNING_ORANGE: &str = "#FF8200";

/// The header of a label: signal word, band colour, text colour.
fn header(danger: bool) -> (&'static str, &'static str, &'static str) {
    if danger {
        ("DANGER", DANGER_RED, "#FFFFFF")
    } else {
        ("WARNING", WARNING_ORANGE, "#000000")
    }
}

/// How a piece of text is set.
#[derive(Clone, Copy)]
struct Font {
    size: f32,
    bold: bool,
    /// `start`, `middle` or `end`.
    anchor: &'static str,
    fill: &'static str,
}

impl Font {
    fn new(size: f32, bold: bool) -> Font {
        Font {
            size,
            bold,
            anchor: "start",
            fill: "#000000",
        }
    }

    fn anchor(self, anchor: &'static str) -> Font {
        Font { anchor, ..self }
    }

    fn fill(self, fill: &'static str) -> Font {
        Font { fill, ..self }
    }
}

/// An SVG document under construction.
struct Doc {
    out: String,
    w: f32,
}

impl Doc {
    /// A `<text>` at (`x`, `y`) fitted into `max_w`.
    fn text(&mut self, field: &str, (x, y): (f32, f32), max_w: f32, f: Font, value: &str) {
        let (shown, size) = fit(value, f.size, max_w, f.bold);
        let weight = if f.bold { " font-weight=\"bold\"" } else { "" };
        let _ = writeln!(
            self.out,
            "<text data-field=\"{field}\" x=\"{x:.2}\" y=\"{y:.2}\" font-size=\"{size:.2}\"{weight} text-anchor=\"{}\" fill=\"{}\">{}</text>",
            f.anchor,
            f.fill,
            xml_escape(&shown)
        );
    }

    /// A horizontal rule across the text area at `y`, `u` thick.
    fn rule(&mut self, y: f32, u: f32) {
        let _ = writeln!(
            self.out,
            "<path d=\"M{:.2} {y:.2} H{:.2}\" stroke=\"#000000\" stroke-width=\"{u:.2}\"/>",
            self.w * 0.05,
            self.w * 0.95
        );
    }

    /// One row: the name at the left margin (at most 60 % of the line), the value at the
    /// right.
    fn row(&mut self, field: &str, y: f32, size: f32, name: &str, value: &str) {
        let m = self.w * 0.05;
        let line = self.w - 2.0 * m;
        let name_w = text::width(name, size, false).min(line * 0.6);
        self.text(
            &format!("{field}_name"),
            (m, y),
            name_w,
            Font::new(size, false),
            name,
        );
        let value_w = line - name_w - size * 0.5;
        let f = Font::new(size, true).anchor("end");
        self.text(field, (self.w - m, y), value_w, f, value);
    }
}

/// The safety-alert symbol (an equilateral triangle with an exclamation mark) of height `s`
/// with its lower left corner at (`x`, `y`).
fn alert_symbol(out: &mut String, x: f32, y: f32, s: f32, fg: &str, bg: &str) {
    let half = s / 3f32.sqrt();
    let _ = writeln!(
        out,
        "<g data-field=\"safety_alert_symbol\"><path d=\"M{:.2} {:.2} L{:.2} {:.2} L{:.2} {:.2} Z\" fill=\"{fg}\" stroke=\"{fg}\" stroke-width=\"{:.2}\" stroke-linejoin=\"round\"/>\
<rect x=\"{:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"{:.2}\" rx=\"{:.2}\" fill=\"{bg}\"/>\
<circle cx=\"{:.2}\" cy=\"{:.2}\" r=\"{:.2}\" fill=\"{bg}\"/></g>",
        x,
        y,
        x + half,
        y - s,
        x + 2.0 * half,
        y,
        s * 0.06,
        x + half - s * 0.06,
        y - s * 0.72,
        s * 0.12,
        s * 0.4,
        s * 0.05,
        x + half,
        y - s * 0.17,
        s * 0.075,
    );
}

/// The energy row of the label.
fn energy_row(label: &Label, style: &Style) -> (&'static str, &'static str, String) {
    match style.energy {
        EnergyField::IncidentEnergy => (
            "incident_energy",
            "Incident energy",
            text::energy(label.min_arc_rating_cal_cm2),
        ),
        EnergyField::ArcRating => (
            "min_arc_rating",
            "Minimum arc rating of clothing",
            text::energy(label.min_arc_rating_cal_cm2),
        ),
    }
}

/// The rows of the label: field, name, value.
fn rows(label: &Label, style: &Style) -> Vec<(&'static str, &'static str, String)> {
    let u = style.units;
    let or_none =
        |v: Option<f64>| v.map_or_else(|| "not specified".to_string(), |mm| text::length(mm, u));
    vec![
        (
            "arc_flash_boundary",
            "Arc flash boundary",
            text::length(label.arc_flash_boundary_mm, u),
        ),
        energy_row(label, style),
        (
            "working_distance",
            "Working distance",
            text::length(label.working_distance_mm, u),
        ),
        (
            "nominal_voltage",
            "Shock hazard when exposed",
            text::voltage(label.nominal_voltage_v, label.dc),
        ),
        (
            "limited_approach",
            "Limited approach boundary",
            or_none(label.limited_approach_mm),
        ),
        (
            "restricted_approach",
            "Restricted approach boundary",
            or_none(label.restricted_approach_mm),
        ),
    ]
}

/// The footer lines: field and text.
fn footer(label: &Label) -> Vec<(&'static str, String)> {
    let mut lines = Vec::with_capacity(4);
    match &label.enclosure_id {
        Some(enc) => {
            lines.push(("enclosure_id", format!("Enclosure: {enc}")));
            lines.push((
                "governing_equipment_id",
                format!(
                    "Governing equipment: {} (worst of {})",
                    label.governing_equipment_id, label.equipment_count
                ),
            ));
        }
        None => lines.push((R::EQUIPMENT_ID.name, format!("Equipment: {}", label.name))),
    }
    lines.push((
        R::FACILITY_ID.name,
        format!("Facility: {}", label.facility_id),
    ));
    lines.push((
        "study",
        format!(
            "Study date: {} · Method: {}",
            label.study_date, label.method
        ),
    ));
    lines
}

/// The header band: ANSI Z535.4 colour, safety-alert symbol and signal word, centred.
fn header_band(doc: &mut Doc, band_h: f32, danger: bool) {
    let w = doc.w;
    let (word, band, ink) = header(danger);
    let _ = writeln!(
        doc.out,
        "<rect data-field=\"header\" x=\"0\" y=\"0\" width=\"{w:.2}\" height=\"{band_h:.2}\" fill=\"{band}\"/>"
    );
    let sym = band_h * 0.7;
    let word_size = band_h * 0.62;
    let word_w = text::width(word, word_size, true);
    let total = sym * 1.25 + word_w;
    let x0 = ((w - total) / 2.0).max(w * 0.03);
    alert_symbol(&mut doc.out, x0, band_h * 0.85, sym, ink, band);
    let word_x = x0 + sym * 1.25;
    let f = Font::new(word_size, true).fill(ink);
    doc.text(
        "signal_word",
        (word_x, band_h * 0.78),
        w * 0.97 - word_x,
        f,
        word,
    );
}

/// The footer: a rule at `top`, then the id, facility and study lines down to the bottom.
fn draw_footer(doc: &mut Doc, label: &Label, top: f32, h: f32, u: f32) {
    let w = doc.w;
    doc.rule(top, u);
    let lines = footer(label);
    let line_h = (h - top - 6.0 * u) / lines.len() as f32;
    for (k, (field, line)) in lines.iter().enumerate() {
        let y = top + line_h * (k as f32 + 0.8);
        let f = Font::new((8.5 * u).min(line_h * 0.85), false);
        doc.text(field, (w * 0.05, y), w * 0.9, f, line);
    }
}

/// The SVG of `label`.
pub fn render(label: &Label, style: &Style) -> String {
    let (w, h) = style.size.points();
    let (sw, sh) = style.size.svg_lengths();
    let danger = label.is_danger(style.danger_threshold_cal_cm2);
    let (word, _, _) = header(danger);
    let mut doc = Doc {
        out: String::with_capacity(4096),
        w,
    };
    let _ = writeln!(
        doc.out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{sw}\" height=\"{sh}\" viewBox=\"0 0 {w:.2} {h:.2}\" font-family=\"{FONT_FAMILY}, sans-serif\" data-danger=\"{danger}\">"
    );
    let _ = writeln!(
        doc.out,
        "<title>{}</title>",
        xml_escape(&format!(
            "{word}: arc flash and shock hazard, {} / {}",
            label.facility_id, label.name
        ))
    );
    let u = h / 288.0;
    let _ = writeln!(
        doc.out,
        "<rect width=\"{w:.2}\" height=\"{h:.2}\" fill=\"#FFFFFF\"/>"
    );
    let band_h = h * 0.2;
    header_band(&mut doc, band_h, danger);
    let mid = w / 2.0;
    let f = Font::new(16.0 * u, true).anchor("middle");
    doc.text(
        "hazard",
        (mid, band_h + 22.0 * u),
        w * 0.9,
        f,
        "Arc Flash and Shock Hazard",
    );
    let f = Font::new(10.0 * u, false).anchor("middle");
    doc.text(
        "ppe_required",
        (mid, band_h + 36.0 * u),
        w * 0.9,
        f,
        "Appropriate PPE required",
    );
    let top = band_h + 44.0 * u;
    let row_h = 19.0 * u;
    doc.rule(top, u);
    for (k, (field, name, value)) in rows(label, style).iter().enumerate() {
        doc.row(field, top + row_h * (k as f32 + 0.9), 11.5 * u, name, value);
    }
    draw_footer(&mut doc, label, top + row_h * 6.0 + 6.0 * u, h, u);
    let _ = writeln!(
        doc.out,
        "<rect x=\"{:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"{:.2}\" fill=\"none\" stroke=\"#000000\" stroke-width=\"{:.2}\"/>",
        u,
        u,
        w - 2.0 * u,
        h - 2.0 * u,
        2.0 * u
    );
    doc.out.push_str("</svg>\n");
    doc.out
}
