//! The report's charts, drawn by `plotters` into SVG strings (inline in the page). Each is
//! then made compact for inlining: the attributes every element repeats (`opacity="1"`, the
//! font family, the fixed pixel size) are dropped in favour of the page's CSS, so two thousand
//! facilities fit in a page of a few megabytes.

use super::ENERGY_BINS;
use anyhow::{anyhow, Result};
use plotters::prelude::*;

/// Width and height of a chart, pixels (it scales to the page's width).
const SIZE: (u32, u32) = (360, 170);

/// Bar colours of the PPE categories 0-4 and above 40 cal/cm².
const PPE_COLOURS: [RGBColor; 6] = [
    RGBColor(0x2E, 0x7D, 0x32),
    RGBColor(0x9E, 0x9D, 0x24),
    RGBColor(0xF9, 0xA8, 0x25),
    RGBColor(0xEF, 0x6C, 0x00),
    RGBColor(0xD8, 0x43, 0x15),
    RGBColor(0xB7, 0x1C, 0x1C),
];
const BAR: RGBColor = RGBColor(0x1F, 0x5F, 0x99);

fn err<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    anyhow!("drawing a chart: {e:?}")
}

/// Removes every `name="…"` attribute from `svg`.
fn strip_attribute(svg: &str, name: &str) -> String {
    let key = format!(" {name}=\"");
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(at) = rest.find(&key) {
        out.push_str(&rest[..at]);
        let value = &rest[at + key.len()..];
        rest = value.find('"').map_or("", |end| &value[end + 1..]);
    }
    out.push_str(rest);
    out
}

/// Makes plotters' SVG compact and responsive: `aria-label` from `title`, no fixed size, and
/// what every element repeats (white background, opacity 1, the font, black 1-px axis lines,
/// black text) left to the page's CSS (`svg.chart` in [`super::html`]).
fn compact(svg: String, title: &str) -> String {
    let body_at = svg.find('>').map_or(0, |i| i + 1);
    let (w, h) = SIZE;
    let mut out = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\">",
        super::html::escape(title)
    );
    let body = svg[body_at..]
        .replace(" opacity=\"1\"", "")
        .replace(" font-family=\"sans-serif\"", "")
        .replace(" stroke=\"none\"", "")
        .replace(
            &format!("<rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#FFFFFF\"/>"),
            "",
        )
        .replace(
            " fill=\"none\" stroke=\"#000000\" stroke-width=\"1\"",
            " class=\"k\"",
        )
        .replace(" fill=\"#000000\">", ">")
        .replace('\n', "");
    out.push_str(&strip_attribute(&body, "font-size"));
    out
}

/// The labels of the histogram's bins.
fn bin_labels() -> Vec<String> {
    let mut labels = Vec::with_capacity(ENERGY_BINS.len() + 1);
    let mut lo = 0.0;
    for hi in ENERGY_BINS {
        labels.push(format!("{lo}-{hi}"));
        lo = hi;
    }
    labels.push(format!("≥{lo}"));
    labels
}

/// Vertical bars of `counts` with category `labels`.
fn bars(
    title: &str,
    x_desc: &str,
    labels: &[String],
    counts: &[u64],
    colours: &[RGBColor],
) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let n = counts.len() as u32;
        let max = counts.iter().copied().max().unwrap_or(0).max(1);
        let mut chart = ChartBuilder::on(&root)
            .margin(6)
            .x_label_area_size(30)
            .y_label_area_size(40)
            .build_cartesian_2d(
                (0u32..n.saturating_sub(1)).into_segmented(),
                0u64..max + max / 10 + 1,
            )
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .set_tick_mark_size(LabelAreaPosition::Bottom, 0)
            .x_labels(counts.len())
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
                _ => String::new(),
            })
            .y_labels(4)
            .y_label_formatter(&|v| format!("{v}"))
            .x_desc(x_desc)
            .label_style(("sans-serif", 10))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(counts.iter().enumerate().map(|(i, &c)| {
                let colour = colours[i % colours.len()];
                let x = i as u32;
                let mut bar = Rectangle::new(
                    [(SegmentValue::Exact(x), 0), (SegmentValue::Exact(x + 1), c)],
                    colour.filled(),
                );
                bar.set_margin(0, 0, 3, 3);
                bar
            }))
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(compact(svg, title))
}

/// The incident-energy histogram of a facility ([`ENERGY_BINS`]).
pub fn energy_histogram(counts: &[u64]) -> Result<String> {
    bars(
        "Incident-energy histogram (rows per bin)",
        "incident energy, cal/cm²",
        &bin_labels(),
        counts,
        &[BAR],
    )
}

/// Rows per PPE category 0-4 and above 40 cal/cm² (no category).
pub fn ppe_bars(counts: &[u64; 6]) -> Result<String> {
    let labels: Vec<String> = ["0", "1", "2", "3", "4", ">40"].map(String::from).to_vec();
    bars(
        "Rows per PPE category",
        "PPE category",
        &labels,
        counts,
        &PPE_COLOURS,
    )
}

/// Rows per status: ok, invalid, not applicable.
pub fn status_bars(counts: &[u64; 3]) -> Result<String> {
    let labels: Vec<String> = crate::contract::values::STATUS
        .iter()
        .map(|s| s.replace('_', " "))
        .collect();
    bars(
        "Rows per status",
        crate::contract::results::STATUS.name,
        &labels,
        counts,
        &[BAR, PPE_COLOURS[5], PPE_COLOURS[2]],
    )
}

/// Lines over runs (x: the run's position, labelled by date) for each named series.
pub fn trend(
    title: &str,
    y_desc: &str,
    dates: &[String],
    series: &[(&str, Vec<Option<f64>>)],
) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let n = dates.len().max(2);
        let max = series
            .iter()
            .flat_map(|(_, v)| v.iter().flatten().copied())
            .fold(0.0f64, f64::max)
            .max(1e-9);
        let mut chart = ChartBuilder::on(&root)
            .margin(6)
            .x_label_area_size(30)
            .y_label_area_size(44)
            .build_cartesian_2d(0usize..n - 1, 0.0..max * 1.1)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(dates.len().min(4))
            .x_label_formatter(&|i| {
                dates
                    .get(*i)
                    .map(|d| d.chars().take(10).collect())
                    .unwrap_or_default()
            })
            .y_labels(4)
            .y_desc(y_desc)
            .label_style(("sans-serif", 10))
            .draw()
            .map_err(err)?;
        for (k, (name, values)) in series.iter().enumerate() {
            let colour = [BAR, PPE_COLOURS[4]][k % 2];
            let points = values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.map(|v| (i, v)));
            chart
                .draw_series(LineSeries::new(points, colour.stroke_width(2)))
                .map_err(err)?
                .label(*name)
                .legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 14, y)], colour.stroke_width(2))
                });
        }
        if series.len() > 1 {
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK)
                .label_font(("sans-serif", 10))
                .draw()
                .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(compact(svg, title))
}
