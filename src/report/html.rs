//! The report page: one self-contained HTML file (inline CSS and SVG, no script, no fetch — a
//! Content-Security-Policy forbids any), readable on a phone and printable.
//!
//! Every number is shown at a fixed precision (energies 2 decimals, lengths whole mm, rates in
//! percent with 1 decimal, counts exact) and carries the contract column it comes from in a
//! `data-col` attribute (tables: on the header cell), so a program can check the page against
//! the results and summary files.

use super::{charts, Facility, Report, ATTENTION_ROWS, TOP_ROWS};
use crate::contract::{results as R, summary as S};
use crate::core::compliance::{Severity, RULES};
use anyhow::Result;
use std::fmt::Write;

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    // The labels' escaping: the page is well-formed XML too (a test parses it as such), so
    // control characters that XML forbids in ids become U+FFFD here as well.
    crate::labels::text::xml_escape(text)
}

const STYLE: &str = "\
:root{--ink:#1b1b1b;--line:#d0d4d9;--muted:#5b6470;--warn:#FF8200;--danger:#C8102E}\
*{box-sizing:border-box}body{font-family:'DejaVu Sans',system-ui,sans-serif;color:var(--ink);margin:0 auto;padding:12px;max-width:1100px;line-height:1.35}\
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.25em;border-bottom:2px solid var(--ink);margin-top:1.6em}h3{font-size:1em;margin:1em 0 .3em}\
.meta{color:var(--muted);font-size:.85em}.kpis{display:flex;flex-wrap:wrap;gap:8px;margin:0;padding:0}\
.kpis div{border:1px solid var(--line);border-radius:6px;padding:6px 10px;min-width:120px}.kpis dt{font-size:.75em;color:var(--muted)}.kpis dd{margin:0;font-size:1.15em;font-weight:bold}\
.charts{display:flex;flex-wrap:wrap;gap:8px}.charts figure{margin:0;flex:1 1 320px;max-width:540px}figcaption{font-size:.8em;color:var(--muted)}\
svg.chart{width:100%;height:auto;font-family:'DejaVu Sans',sans-serif;background:#fff}svg.chart text{font-size:8px}svg.chart .k{fill:none;stroke:#000;stroke-width:1}\
.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.85em;width:100%}th,td{border-bottom:1px solid var(--line);padding:3px 6px;text-align:left}\
td.n,th.n,.top td,.top th{text-align:right;font-variant-numeric:tabular-nums}.top td:first-child,.top th:first-child{text-align:left}.danger{color:#fff;background:var(--danger)}.fail td:nth-child(2){color:var(--danger);font-weight:bold}.findings td:last-child,.findings th:last-child{text-align:right}\
@media print{body{max-width:none}section.facility{break-inside:avoid-page}a{color:inherit;text-decoration:none}}";

/// The summary values the page shows, by summary row.
struct Summary {
    text: Vec<(&'static str, Vec<Option<String>>)>,
    num: Vec<(&'static str, Vec<Option<f64>>)>,
}

/// The summary columns shown as key figures, with their name and display precision (`None`:
/// a count); the first [`FACILITY_KPIS`] for each facility, all of them for the portfolio.
const SUMMARY_NUMBERS: [(crate::contract::Column, &str, Option<usize>); 14] = [
    (S::EQUIPMENT_COUNT, "equipment", None),
    (S::OK_COUNT, "computed", None),
    (S::INVALID_COUNT, "invalid rows", None),
    (S::NOT_APPLICABLE_COUNT, "not applicable", None),
    (S::DANGER_COUNT, "danger rows", None),
    (S::MAX_INCIDENT_ENERGY_CAL_CM2, "max IE, cal/cm²", Some(2)),
    (S::MEAN_INCIDENT_ENERGY_CAL_CM2, "mean IE, cal/cm²", Some(2)),
    (S::P95_INCIDENT_ENERGY_CAL_CM2, "P95 IE, cal/cm²", Some(2)),
    (S::COMPLIANCE_RATE, "compliance rate", Some(1)),
    (S::COMPLIANCE_FAIL_COUNT, "compliance fail", None),
    (S::STUDY_OVERDUE_COUNT, "study overdue", None),
    (S::MAINTENANCE_OVERDUE_COUNT, "maintenance overdue", None),
    (S::LABEL_UNDERSTATED_COUNT, "label understated", None),
    (S::DEVICE_NO_TRIP_COUNT, "device no trip", None),
];
/// Key figures shown per facility (its findings table has the rest).
const FACILITY_KPIS: usize = 9;

impl Summary {
    fn read(r: &Report) -> Result<Summary> {
        let mut num = Vec::new();
        for (c, _, _) in SUMMARY_NUMBERS.iter() {
            num.push((c.name, super::number_column(&r.summary, c.name)?));
        }
        for c in S::ALL
            .iter()
            .filter(|c| c.name.starts_with("ppe_category_"))
        {
            num.push((c.name, super::number_column(&r.summary, c.name)?));
        }
        let text = vec![(
            S::MAX_INCIDENT_ENERGY_EQUIPMENT_ID.name,
            super::text_column(&r.summary, S::MAX_INCIDENT_ENERGY_EQUIPMENT_ID.name)?,
        )];
        Ok(Summary { text, num })
    }

    fn num(&self, name: &str, row: usize) -> Option<f64> {
        self.num
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v[row])
    }

    fn text(&self, name: &str, row: usize) -> String {
        self.text
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v[row].clone())
            .unwrap_or_default()
    }

    /// Rows per PPE category 0-4, and the ok rows without one (above 40 cal/cm²).
    fn ppe_counts(&self, row: usize) -> [u64; 6] {
        let mut c = [0u64; 6];
        for (k, slot) in c.iter_mut().take(5).enumerate() {
            *slot = self
                .num(&format!("ppe_category_{k}_count"), row)
                .unwrap_or(0.0) as u64;
        }
        let ok = self.num(S::OK_COUNT.name, row).unwrap_or(0.0) as u64;
        c[5] = ok.saturating_sub(c[..5].iter().sum());
        c
    }
}

/// A number at `precision` decimals (`None`: a count), or `–` when missing. Rates are shown
/// in percent.
fn shown(v: Option<f64>, precision: Option<usize>, percent: bool) -> String {
    match (v, precision) {
        (None, _) => "–".to_string(),
        (Some(v), None) => format!("{}", v as i64),
        (Some(v), Some(p)) if percent => format!("{:.*} %", p, v * 100.0),
        (Some(v), Some(p)) => format!("{v:.p$}"),
    }
}

/// The key figures of summary row `row` (the first `n` of [`SUMMARY_NUMBERS`]).
fn kpis(out: &mut String, s: &Summary, row: usize, n: usize) {
    out.push_str("<dl class=\"kpis\">");
    for (c, name, precision) in SUMMARY_NUMBERS.iter().take(n) {
        let percent = c.name == S::COMPLIANCE_RATE.name;
        let value = shown(s.num(c.name, row), *precision, percent);
        let _ = write!(
            out,
            "<div><dt>{name}</dt><dd data-col=\"{}\">{value}</dd></div>",
            c.name
        );
    }
    let eq = s.text(S::MAX_INCIDENT_ENERGY_EQUIPMENT_ID.name, row);
    let _ = write!(
        out,
        "<div><dt>highest IE at</dt><dd data-col=\"{}\">{}</dd></div></dl>",
        S::MAX_INCIDENT_ENERGY_EQUIPMENT_ID.name,
        escape(&eq)
    );
}

fn figure(out: &mut String, svg: &str, caption: &str) {
    let _ = write!(
        out,
        "<figure>{svg}<figcaption>{}</figcaption></figure>",
        escape(caption)
    );
}

/// The columns of the highest-energy table: result column, header, decimals.
const TOP_COLUMNS: [(crate::contract::Column, &str, usize); 7] = [
    (R::INCIDENT_ENERGY_CAL_CM2, "Incident energy, cal/cm²", 2),
    (R::MIN_ARC_RATING_CAL_CM2, "Min. arc rating, cal/cm²", 1),
    (R::ARC_FLASH_BOUNDARY_MM, "Arc-flash boundary, mm", 0),
    (R::WORKING_DISTANCE_MM, "Working distance, mm", 0),
    (R::PPE_CATEGORY, "PPE category", 0),
    (R::LIMITED_APPROACH_FIXED_MM, "Limited approach, mm", 0),
    (R::RESTRICTED_APPROACH_MM, "Restricted approach, mm", 0),
];

fn top_table(out: &mut String, r: &Report, f: &Facility) {
    let _ = write!(out, "<h3>The {TOP_ROWS} highest incident energies (label values)</h3><div class=\"scroll\"><table class=\"top\"><tr><th data-col=\"{}\">Equipment</th>", R::EQUIPMENT_ID.name);
    for (c, head, _) in TOP_COLUMNS {
        let _ = write!(out, "<th data-col=\"{}\">{head}</th>", c.name);
    }
    let _ = write!(out, "<th data-col=\"{}\">Method</th></tr>", R::METHOD.name);
    let rows = &r.rows;
    for &i in &f.top {
        let i = i as usize;
        let danger = rows.danger.get(i) == Some("true");
        let _ = write!(
            out,
            "<tr{}><td>{}</td>",
            if danger { " class=\"danger\"" } else { "" },
            escape(rows.equipment.get(i).unwrap_or_default())
        );
        let values = [
            &rows.energy,
            &rows.rating,
            &rows.boundary,
            &rows.distance,
            &rows.ppe,
            &rows.limited,
            &rows.restricted,
        ];
        for (v, (_, _, p)) in values.iter().zip(TOP_COLUMNS) {
            let _ = write!(out, "<td>{}</td>", shown(v[i], Some(p), false));
        }
        let _ = write!(
            out,
            "<td>{}</td></tr>",
            escape(rows.method.get(i).unwrap_or_default())
        );
    }
    out.push_str("</table></div>");
}

fn findings_table(out: &mut String, f: &Facility) {
    out.push_str("<h3>Compliance findings by rule</h3>");
    if f.findings.iter().all(|&n| n == 0) {
        out.push_str("<p>No findings.</p>");
        return;
    }
    out.push_str("<div class=\"scroll\"><table class=\"findings\"><tr><th>Rule</th><th>Severity</th><th>Rows</th></tr>");
    for (rule, &n) in RULES.iter().zip(f.findings.iter()).filter(|(_, &n)| n > 0) {
        let (sev, class) = match rule.severity {
            Severity::Fail => ("fail", " class=\"fail\""),
            Severity::Warn => ("warn", ""),
        };
        let _ = write!(
            out,
            "<tr{class}><td>{}</td><td>{sev}</td><td>{n}</td></tr>",
            rule.id
        );
    }
    out.push_str("</table></div>");
}

fn attention_table(out: &mut String, r: &Report, f: &Facility) {
    let _ = write!(
        out,
        "<h3>Rows needing attention: <span data-col=\"attention\">{}</span></h3>",
        f.attention_count
    );
    if f.attention.is_empty() {
        return;
    }
    out.push_str(
        "<div class=\"scroll\"><table class=\"attention\"><tr><th>Equipment</th><th>Why</th></tr>",
    );
    for &i in &f.attention {
        let i = i as usize;
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td></tr>",
            escape(r.rows.equipment.get(i).unwrap_or("(no id)")),
            escape(&super::attention(&r.rows, i).unwrap_or_default())
        );
    }
    out.push_str("</table></div>");
    if f.attention_count as usize > ATTENTION_ROWS {
        let _ = write!(out, "<p class=\"meta\">The first {ATTENTION_ROWS} in input order; the results file lists every row.</p>");
    }
}

fn trend(out: &mut String, f: &Facility) -> Result<()> {
    if f.trend.is_empty() {
        return Ok(());
    }
    let dates: Vec<String> = f.trend.iter().map(|p| p.as_of.clone()).collect();
    let max = f
        .trend
        .iter()
        .map(|p| p.max_incident_energy_cal_cm2)
        .collect();
    let mean = f
        .trend
        .iter()
        .map(|p| p.mean_incident_energy_cal_cm2)
        .collect();
    let rate = f
        .trend
        .iter()
        .map(|p| p.compliance_rate.map(|r| r * 100.0))
        .collect();
    let _ = write!(
        out,
        "<h3>Trend over <span data-col=\"runs\">{}</span> stored runs</h3><div class=\"charts\">",
        f.trend.len()
    );
    let ie = charts::trend(
        "Incident energy over time",
        "cal/cm²",
        &dates,
        &[("max", max), ("mean", mean)],
    )?;
    figure(out, &ie, "Maximum and mean incident energy per run");
    let cr = charts::trend(
        "Compliance rate over time",
        "%",
        &dates,
        &[("compliance rate", rate)],
    )?;
    figure(out, &cr, "Compliance rate per run, %");
    out.push_str("</div>");
    Ok(())
}

fn facility(out: &mut String, r: &Report, s: &Summary, k: usize, f: &Facility) -> Result<()> {
    let _ = write!(
        out,
        "<section class=\"facility\" id=\"f{k}\" data-facility=\"{}\"><h2>Facility {}</h2>",
        escape(&f.id),
        escape(&f.id)
    );
    kpis(out, s, f.summary_row, FACILITY_KPIS);
    out.push_str("<div class=\"charts\">");
    figure(
        out,
        &charts::energy_histogram(&f.histogram)?,
        "Incident energy of the computed rows, cal/cm²",
    );
    figure(
        out,
        &charts::ppe_bars(&s.ppe_counts(f.summary_row))?,
        "PPE category of the computed rows",
    );
    out.push_str("</div>");
    findings_table(out, f);
    top_table(out, r, f);
    attention_table(out, r, f);
    trend(out, f)?;
    out.push_str("</section>\n");
    Ok(())
}

fn portfolio(out: &mut String, r: &Report, s: &Summary) -> Result<()> {
    let row = r.summary.height().saturating_sub(1);
    let _ = write!(out, "<section id=\"portfolio\" data-facility=\"*\"><h2>Portfolio: <span data-col=\"facilities\">{}</span> facilities</h2>", r.facilities.len());
    kpis(out, s, row, SUMMARY_NUMBERS.len());
    let count = |c: &crate::contract::Column| s.num(c.name, row).unwrap_or(0.0) as u64;
    let status = [
        count(&S::OK_COUNT),
        count(&S::INVALID_COUNT),
        count(&S::NOT_APPLICABLE_COUNT),
    ];
    out.push_str("<div class=\"charts\">");
    figure(out, &charts::status_bars(&status)?, "Rows per status");
    figure(
        out,
        &charts::ppe_bars(&s.ppe_counts(row))?,
        "PPE category of the computed rows",
    );
    out.push_str("</div><h3>Facilities</h3><div class=\"scroll\"><table class=\"facilities\"><tr><th>Facility</th>");
    let cols = [
        (S::EQUIPMENT_COUNT, None, "Equipment"),
        (
            S::MAX_INCIDENT_ENERGY_CAL_CM2,
            Some(2),
            "Max incident energy, cal/cm²",
        ),
        (S::DANGER_COUNT, None, "Danger"),
        (S::COMPLIANCE_RATE, Some(1), "Compliance rate"),
    ];
    for (c, _, head) in &cols {
        let _ = write!(out, "<th class=\"n\" data-col=\"{}\">{head}</th>", c.name);
    }
    out.push_str("</tr>");
    for (k, f) in r.facilities.iter().enumerate() {
        let _ = write!(out, "<tr><td><a href=\"#f{k}\">{}</a></td>", escape(&f.id));
        for (c, p, _) in &cols {
            let percent = c.name == S::COMPLIANCE_RATE.name;
            let _ = write!(
                out,
                "<td class=\"n\">{}</td>",
                shown(s.num(c.name, f.summary_row), *p, percent)
            );
        }
        out.push_str("</tr>");
    }
    out.push_str("</table></div></section>\n");
    Ok(())
}

/// The page.
pub fn page(r: &Report) -> Result<String> {
    let s = Summary::read(r)?;
    let mut out = String::with_capacity(64 * 1024 + r.facilities.len() * 8 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"/>\
<title>VoltMetrics arc-flash report</title><style>{STYLE}</style></head><body>\n<header><h1>Arc-flash and shock risk report</h1><p class=\"meta\">"
    );
    let meta: Vec<String> = r
        .meta
        .iter()
        .map(|(k, v)| {
            format!(
                "{}: <span data-meta=\"{}\">{}</span>",
                escape(k),
                escape(k),
                escape(v)
            )
        })
        .collect();
    out.push_str(&meta.join(" · "));
    out.push_str("</p></header>\n");
    portfolio(&mut out, r, &s)?;
    for (k, f) in r.facilities.iter().enumerate() {
        facility(&mut out, r, &s, k, f)?;
    }
    out.push_str("</body></html>\n");
    Ok(out)
}
