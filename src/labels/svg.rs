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

    /// The width a row's name takes (at most 60 % of the line).
    fn name_width(&self, name: &str, size: f32) -> f32 {
        text::width(name, size, false).min((self.w * 0.9) * 0.6)
    }

    /// A row's name at the left margin.
    fn row_name(&mut self, field: &str, y: f32, size: f32, name: &str) {
        let name_w = self.name_width(name, size);
        let f = Font::new(size, false);
        self.text(
            &format!("{field}_name"),
            (self.w * 0.05, y),
            name_w,
            f,
            name,
        );
    }

    /// A row's value at the right margin, in the room its name leaves.
    fn row_value(&mut self, field: &str, y: f32, size: f32, name: &str, value: &str) {
        let value_w = self.w * 0.9 - self.name_width(name, size) - size * 0.5;
        let f = Font::new(size, true).anchor("end");
        self.text(field, (self.w * 0.95, y), value_w, f, value);
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

/// The rows of a label: field and name.
fn row_names(style: &Style) -> [(&'static str, &'static str); 6] {
    let energy = match style.energy {
        EnergyField::IncidentEnergy => ("incident_energy", "Incident energy"),
        EnergyField::ArcRating => ("min_arc_rating", "Minimum arc rating of clothing"),
    };
    [
        ("arc_flash_boundary", "Arc flash boundary"),
        energy,
        ("working_distance", "Working distance"),
        ("nominal_voltage", "Shock hazard when exposed"),
        ("limited_approach", "Limited approach boundary"),
        ("restricted_approach", "Restricted approach boundary"),
    ]
}

/// The values of the rows of [`row_names`], in order. Both energy fields state the minimum
/// arc rating: the incident energy rounded up to 0.1 cal/cm².
fn row_values(label: &Label, style: &Style) -> [String; 6] {
    let u = style.units;
    let or_none =
        |v: Option<f64>| v.map_or_else(|| "not specified".to_string(), |mm| text::length(mm, u));
    [
        text::length(label.arc_flash_boundary_mm, u),
        text::energy(label.min_arc_rating_cal_cm2),
        text::length(label.working_distance_mm, u),
        text::voltage(label.nominal_voltage_v, label.dc),
        or_none(label.limited_approach_mm),
        or_none(label.restricted_approach_mm),
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

/// The footer: the id, facility and study lines from `top` down to the bottom.
fn draw_footer(doc: &mut Doc, label: &Label, top: f32, h: f32, u: f32) {
    let w = doc.w;
    let lines = footer(label);
    let line_h = (h - top - 6.0 * u) / lines.len() as f32;
    for (k, (field, line)) in lines.iter().enumerate() {
        let y = top + line_h * (k as f32 + 0.8);
        let f = Font::new((8.5 * u).min(line_h * 0.85), false);
        doc.text(field, (w * 0.05, y), w * 0.9, f, line);
    }
}

/// Where things go on a label of one size.
struct Layout {
    w: f32,
    h: f32,
    /// Points per point of the 4 × 6 in design (the height is the scale).
    u: f32,
    band_h: f32,
    /// The rule above the rows.
    top: f32,
    row_h: f32,
    row_size: f32,
}

impl Layout {
    fn of(style: &Style) -> Layout {
        let (w, h) = style.size.points();
        let u = h / 288.0;
        let band_h = h * 0.2;
        Layout {
            w,
            h,
            u,
            band_h,
            top: band_h + 44.0 * u,
            row_h: 19.0 * u,
            row_size: 11.5 * u,
        }
    }

    fn row_y(&self, k: usize) -> f32 {
        self.top + self.row_h * (k as f32 + 0.9)
    }

    fn footer_top(&self) -> f32 {
        self.top + self.row_h * 6.0 + 6.0 * self.u
    }
}

/// The `<svg>` element of a label (or of one of its layers) with its size.
fn open(style: &Style, danger: bool) -> Doc {
    let (w, h) = style.size.points();
    let (sw, sh) = style.size.svg_lengths();
    let mut doc = Doc {
        out: String::with_capacity(4096),
        w,
    };
    let _ = writeln!(
        doc.out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{sw}\" height=\"{sh}\" viewBox=\"0 0 {w:.2} {h:.2}\" font-family=\"{FONT_FAMILY}, sans-serif\" data-danger=\"{danger}\">"
    );
    doc
}

/// What every label of a style and header shares: the background, the header band, the
/// hazard lines, the rules, the row names and the border.
fn draw_template(doc: &mut Doc, l: &Layout, style: &Style, danger: bool) {
    let (w, h, u) = (l.w, l.h, l.u);
    let _ = writeln!(
        doc.out,
        "<rect width=\"{w:.2}\" height=\"{h:.2}\" fill=\"#FFFFFF\"/>"
    );
    header_band(doc, l.band_h, danger);
    let mid = w / 2.0;
    let f = Font::new(16.0 * u, true).anchor("middle");
    doc.text(
        "hazard",
        (mid, l.band_h + 22.0 * u),
        w * 0.9,
        f,
        "Arc Flash and Shock Hazard",
    );
    let f = Font::new(10.0 * u, false).anchor("middle");
    doc.text(
        "ppe_required",
        (mid, l.band_h + 36.0 * u),
        w * 0.9,
        f,
        "Appropriate PPE required",
    );
    doc.rule(l.top, u);
    for (k, (field, name)) in row_names(style).iter().enumerate() {
        doc.row_name(field, l.row_y(k), l.row_size, name);
    }
    doc.rule(l.footer_top(), u);
    let _ = writeln!(
        doc.out,
        "<rect x=\"{u:.2}\" y=\"{u:.2}\" width=\"{:.2}\" height=\"{:.2}\" fill=\"none\" stroke=\"#000000\" stroke-width=\"{:.2}\"/>",
        w - 2.0 * u,
        h - 2.0 * u,
        2.0 * u
    );
}

/// What is particular to one label: the row values and the footer.
fn draw_values(doc: &mut Doc, l: &Layout, label: &Label, style: &Style) {
    for (k, ((field, name), value)) in row_names(style)
        .iter()
        .zip(row_values(label, style))
        .enumerate()
    {
        doc.row_value(field, l.row_y(k), l.row_size, name, &value);
    }
    draw_footer(doc, label, l.footer_top(), l.h, l.u);
}

/// The SVG of `label`.
pub fn render(label: &Label, style: &Style) -> String {
    let l = Layout::of(style);
    let danger = label.is_danger(style.danger_threshold_cal_cm2);
    let (word, _, _) = header(danger);
    let mut doc = open(style, danger);
    let _ = writeln!(
        doc.out,
        "<title>{}</title>",
        xml_escape(&format!(
            "{word}: arc flash and shock hazard, {} / {}",
            label.facility_id, label.name
        ))
    );
    draw_template(&mut doc, &l, style, danger);
    draw_values(&mut doc, &l, label, style);
    doc.out.push_str("</svg>\n");
    doc.out
}

/// The shared layer of every label of `style` with this header (for PDF pages: drawn once,
/// used by every page).
pub fn template(style: &Style, danger: bool) -> String {
    let mut doc = open(style, danger);
    draw_template(&mut doc, &Layout::of(style), style, danger);
    doc.out.push_str("</svg>\n");
    doc.out
}

/// The layer particular to `label`, drawn over [`template`]: together they are [`render`].
pub fn values(label: &Label, style: &Style) -> String {
    let danger = label.is_danger(style.danger_threshold_cal_cm2);
    let mut doc = open(style, danger);
    draw_values(&mut doc, &Layout::of(style), label, style);
    doc.out.push_str("</svg>\n");
    doc.out
}
