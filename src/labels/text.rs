//! The label's text: the embedded font, widths measured with its own advances (so text is
//! fitted to the label exactly as the PDF and PNG renderer will draw it), and the value formats
//! (`1704 mm (5 ft 7 in)`, `8.3 cal/cm²`, `13.8 kV`).

use std::sync::OnceLock;

/// DejaVu Sans 2.37 (see `src/labels/fonts/LICENSE`).
pub(crate) const FONT_REGULAR: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");
/// DejaVu Sans Bold 2.37.
pub(crate) const FONT_BOLD: &[u8] = include_bytes!("fonts/DejaVuSans-Bold.ttf");
/// The family both fonts belong to, as the SVG names it.
pub(crate) const FONT_FAMILY: &str = "DejaVu Sans";

/// Units of the lengths on a label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Units {
    /// `1704 mm`
    Metric,
    /// `5 ft 7 in`
    Imperial,
    /// `1704 mm (5 ft 7 in)`
    Both,
}

/// Advance widths of one face, in em, for the characters a label shows.
struct Metrics {
    units_per_em: f32,
    face: ttf_parser::Face<'static>,
}

impl Metrics {
    fn of(bytes: &'static [u8]) -> Option<Metrics> {
        let face = ttf_parser::Face::parse(bytes, 0).ok()?;
        Some(Metrics {
            units_per_em: f32::from(face.units_per_em()),
            face,
        })
    }

    /// The width of `text` at font size 1, ignoring kerning (which only narrows it).
    fn width(&self, text: &str) -> f32 {
        text.chars()
            .map(|c| {
                let g = self.face.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0));
                f32::from(self.face.glyph_hor_advance(g).unwrap_or(0)) / self.units_per_em
            })
            .sum()
    }
}

fn metrics(bold: bool) -> Option<&'static Metrics> {
    static REGULAR: OnceLock<Option<Metrics>> = OnceLock::new();
    static BOLD: OnceLock<Option<Metrics>> = OnceLock::new();
    if bold {
        BOLD.get_or_init(|| Metrics::of(FONT_BOLD)).as_ref()
    } else {
        REGULAR.get_or_init(|| Metrics::of(FONT_REGULAR)).as_ref()
    }
}

/// The width of `text` at `size` points (0.6 em per character if the font cannot be read,
/// which does not happen with the embedded fonts).
pub(crate) fn width(text: &str, size: f32, bold: bool) -> f32 {
    match metrics(bold) {
        Some(m) => m.width(text) * size,
        None => text.chars().count() as f32 * 0.6 * size,
    }
}

/// Text fitted into `max_width`: the font size is reduced down to `min_ratio` of `size`, and
/// if that is not enough the text is cut and ends in `…`. Returns the text and its size.
pub(crate) fn fit(text: &str, size: f32, max_width: f32, bold: bool) -> (String, f32) {
    const MIN_RATIO: f32 = 0.6;
    let w = width(text, size, bold);
    if w <= max_width {
        return (text.to_string(), size);
    }
    let shrunk = size * (max_width / w);
    if shrunk >= size * MIN_RATIO {
        return (text.to_string(), shrunk);
    }
    let small = size * MIN_RATIO;
    let mut cut: String = text.to_string();
    while !cut.is_empty() && width(&format!("{cut}…"), small, bold) > max_width {
        cut.pop();
    }
    (format!("{cut}…"), small)
}

/// Text that XML 1.0 can hold: characters it forbids (most control characters) become
/// U+FFFD, and `&`, `<`, `>`, `"` and `'` are escaped.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Millimetres to whole inches shown as feet and inches: `5 ft 7 in`, `11 in`.
pub(crate) fn feet_inches(mm: f64) -> String {
    let inches = (mm / 25.4).round() as i64;
    match (inches / 12, inches % 12) {
        (0, i) => format!("{i} in"),
        (f, i) => format!("{f} ft {i} in"),
    }
}

/// A length as the label shows it (rounded to the nearest mm and inch).
pub(crate) fn length(mm: f64, units: Units) -> String {
    match units {
        Units::Metric => format!("{mm:.0} mm"),
        Units::Imperial => feet_inches(mm),
        Units::Both => format!("{mm:.0} mm ({})", feet_inches(mm)),
    }
}

/// An energy in cal/cm² to one decimal: the value given is already rounded up to 0.1 (the
/// minimum arc rating), so the label never understates the computed energy.
pub(crate) fn energy(cal_cm2: f64) -> String {
    format!("{cal_cm2:.1} cal/cm²")
}

/// A nominal voltage: `480 V`, `13.8 kV`, `125 V DC`.
pub(crate) fn voltage(v: f64, dc: bool) -> String {
    let text = if v >= 1000.0 {
        let kv = format!("{:.3}", v / 1000.0);
        let kv = kv.trim_end_matches('0').trim_end_matches('.');
        format!("{kv} kV")
    } else {
        let s = format!("{v:.1}");
        format!("{} V", s.trim_end_matches('0').trim_end_matches('.'))
    };
    if dc {
        format!("{text} DC")
    } else {
        format!("{text} AC")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(length(1703.6, Units::Both), "1704 mm (5 ft 7 in)");
        assert_eq!(length(455.0, Units::Imperial), "1 ft 6 in");
        assert_eq!(length(254.0, Units::Metric), "254 mm");
        assert_eq!(feet_inches(254.0), "10 in");
        assert_eq!(voltage(480.0, false), "480 V AC");
        assert_eq!(voltage(13_800.0, false), "13.8 kV AC");
        assert_eq!(voltage(4160.0, false), "4.16 kV AC");
        assert_eq!(voltage(125.0, true), "125 V DC");
        assert_eq!(energy(8.3), "8.3 cal/cm²");
    }

    #[test]
    fn the_font_measures_and_fits() {
        let w = width("WARNING", 10.0, true);
        assert!(w > 40.0 && w < 80.0, "{w}");
        let (t, s) = fit("short", 12.0, 100.0, false);
        assert_eq!((t.as_str(), s), ("short", 12.0));
        let long = "x".repeat(200);
        let (t, s) = fit(&long, 12.0, 100.0, false);
        assert!(t.ends_with('…') && width(&t, s, false) <= 100.0);
    }

    #[test]
    fn escapes() {
        assert_eq!(
            xml_escape("a<&>\"'\u{1}b"),
            "a&lt;&amp;&gt;&quot;&apos;\u{fffd}b"
        );
    }
}
