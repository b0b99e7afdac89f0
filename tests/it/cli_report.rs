//! `voltmetrics report`: the page parsed back — every number equals the summary or results
//! file's, the top-20 tables list the right equipment, nothing is fetched — and rendered in
//! headless Chromium with a label (not blank, no console errors).

use crate::cli_labels::tool;
use crate::common::{fixture, num, parse_csv, voltmetrics, FIXTURE_AS_OF};
use std::collections::HashMap;
use std::path::Path;

type Row = HashMap<String, String>;

/// Runs `run` with results and summary files, and `report`, on `input`.
fn run_and_report(dir: &Path, input: &str, extra: &[&str]) -> (Vec<Row>, Vec<Row>, String) {
    let mut run_extra = vec!["--portfolio"];
    run_extra.extend_from_slice(extra);
    let (results, summary) = crate::common::run_to_files(dir, input, "", &run_extra);
    let page = dir.join("report.html");
    let out = voltmetrics()
        .args(["report", input, "--as-of", FIXTURE_AS_OF, "-o"])
        .arg(&page)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        parse_csv(&std::fs::read(results).unwrap()),
        parse_csv(&std::fs::read(summary).unwrap()),
        std::fs::read_to_string(page).unwrap(),
    )
}

/// A summary value as the page shows it.
fn shown(col: &str, v: &str) -> String {
    if v.is_empty() {
        return "–".into();
    }
    if col.ends_with("_id") {
        return v.to_string();
    }
    let x: f64 = v.parse().unwrap();
    if col == "compliance_rate" {
        format!("{:.1} %", x * 100.0)
    } else if col.ends_with("_cal_cm2") {
        format!("{x:.2}")
    } else {
        v.to_string()
    }
}

fn text_of(n: roxmltree::Node) -> String {
    n.descendants()
        .filter(|d| d.is_text())
        .map(|d| d.text().unwrap())
        .collect()
}

/// The rows needing attention in a facility, computed here from the results.
fn attention(rows: &[&Row]) -> usize {
    rows.iter()
        .filter(|r| {
            r["status"] != "ok"
                || r["findings"].split(';').any(|f| {
                    ["DEVICE_NO_TRIP", "STUDY_OVERDUE", "MAINTENANCE_OVERDUE"].contains(&f)
                })
        })
        .count()
}

fn check_page(results: &[Row], summary: &[Row], page: &str) {
    assert!(
        !page.contains("<script")
            && !page.contains("src=")
            && !page.contains("http://")
            && !page.contains("https://"),
        "self-contained"
    );
    assert!(page.contains("Content-Security-Policy"));
    let doc = roxmltree::Document::parse_with_options(
        page,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .expect("the page is well-formed");
    let sections: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("section"))
        .collect();
    assert_eq!(
        sections.len(),
        summary.len(),
        "one section per summary row (facilities and the portfolio)"
    );
    let mut checked = 0;
    for s in sections {
        let id = s.attribute("data-facility").unwrap();
        let srow = summary
            .iter()
            .find(|r| r["facility_id"] == id)
            .unwrap_or_else(|| panic!("{id} not in the summary"));
        for dd in s.descendants().filter(|n| n.has_tag_name("dd")) {
            let col = dd.attribute("data-col").unwrap();
            assert_eq!(text_of(dd), shown(col, &srow[col]), "{id} {col}");
            checked += 1;
        }
        if id == "*" {
            let facilities = s
                .descendants()
                .find(|n| n.attribute("data-col") == Some("facilities"))
                .unwrap();
            assert_eq!(text_of(facilities), (summary.len() - 1).to_string());
            continue;
        }
        let rows: Vec<&Row> = results.iter().filter(|r| r["facility_id"] == id).collect();
        let att = s
            .descendants()
            .find(|n| n.attribute("data-col") == Some("attention"))
            .unwrap();
        assert_eq!(text_of(att), attention(&rows).to_string(), "{id} attention");
        // The highest energies: the right rows, in order, with their values.
        let mut ok: Vec<(usize, &Row)> = rows
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, r)| r["status"] == "ok")
            .collect();
        ok.sort_by(|(i, a), (j, b)| {
            num(b, "incident_energy_cal_cm2")
                .total_cmp(&num(a, "incident_energy_cal_cm2"))
                .then(i.cmp(j))
        });
        ok.truncate(20);
        let table = s
            .descendants()
            .find(|n| n.has_tag_name("table") && n.attribute("class") == Some("top"))
            .unwrap();
        let trs: Vec<_> = table.children().filter(|n| n.has_tag_name("tr")).collect();
        let cols: Vec<&str> = trs[0]
            .children()
            .filter(|n| n.has_tag_name("th"))
            .map(|th| th.attribute("data-col").unwrap())
            .collect();
        assert_eq!(trs.len() - 1, ok.len(), "{id}");
        for (tr, (_, r)) in trs[1..].iter().zip(&ok) {
            let cells: Vec<String> = tr
                .children()
                .filter(|n| n.has_tag_name("td"))
                .map(text_of)
                .collect();
            for (col, cell) in cols.iter().zip(&cells) {
                let want = match *col {
                    "equipment_id" | "method" => r[*col].clone(),
                    "incident_energy_cal_cm2" => format!("{:.2}", num(r, col)),
                    "min_arc_rating_cal_cm2" => format!("{:.1}", num(r, col)),
                    c if r[c].is_empty() => "–".into(),
                    c => format!("{:.0}", num(r, c)),
                };
                assert_eq!(cell, &want, "{id} {} {col}", r["equipment_id"]);
            }
        }
    }
    assert!(checked > 20);
}

#[test]
fn every_number_on_the_page_equals_the_summary_and_results_files() {
    let dir = tempfile::tempdir().unwrap();
    let (results, summary, page) =
        run_and_report(dir.path(), fixture("inventory.csv").to_str().unwrap(), &[]);
    check_page(&results, &summary, &page);
    // A facility with more than 20 computed rows, and an attention list cut at 25.
    let mut csv = String::from("facility_id,equipment_id,equipment_class,nominal_voltage_v,bolted_fault_current_ka,arc_duration_ms,study_date,last_maintenance_date\n");
    for k in 0..60 {
        let volts = if k % 13 == 0 { "x" } else { "480" };
        csv.push_str(&format!(
            "BIG,E{k:03},panelboard,{volts},{},{},2019-01-01,2020-01-01\n",
            5 + k % 37,
            50 + (k * 7) % 300
        ));
    }
    let input = dir.path().join("big.csv");
    std::fs::write(&input, csv).unwrap();
    let (results, summary, page) = run_and_report(
        dir.path(),
        input.to_str().unwrap(),
        &["--danger-threshold", "12"],
    );
    check_page(&results, &summary, &page);
    assert!(page.contains("The first 10 in input order"));
}

#[test]
fn report_and_label_render_in_headless_chromium() {
    let Some(chromium) = tool("chromium") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (_, _, page) = run_and_report(dir.path(), fixture("inventory.csv").to_str().unwrap(), &[]);
    assert!(!page.is_empty());
    let labels = dir.path().join("labels");
    let out = voltmetrics()
        .args([
            "labels",
            fixture("inventory.csv").to_str().unwrap(),
            "--as-of",
            FIXTURE_AS_OF,
            "-q",
            "-o",
        ])
        .arg(&labels)
        .output()
        .unwrap();
    assert!(out.status.code().unwrap() <= 3);
    let label = crate::cli_labels::files(&labels)
        .into_iter()
        .next()
        .unwrap();
    for (file, size) in [
        (dir.path().join("report.html"), "1000,1400"),
        (label, "600,400"),
    ] {
        let shot = dir.path().join("shot.png");
        let _ = std::fs::remove_file(&shot);
        let profile = tempfile::tempdir().unwrap();
        let out = std::process::Command::new(&chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--enable-logging=stderr",
                "--v=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--window-size={size}"))
            .arg(format!("--screenshot={}", shot.display()))
            .arg(format!("file://{}", file.display()))
            .output()
            .unwrap();
        let log = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{log}");
        let console: Vec<&str> = log
            .lines()
            .filter(|l| {
                l.contains("CONSOLE")
                    || l.contains("Refused to")
                    || l.contains("Content Security Policy")
            })
            .collect();
        assert!(console.is_empty(), "{file:?} logged: {console:#?}");
        assert_not_blank(&shot);
    }
}

/// The screenshot is not blank: a good share of its pixels are not white, in several colours.
fn assert_not_blank(png: &Path) {
    let bytes = std::fs::read(png).expect("chromium wrote the screenshot");
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&bytes).expect("a PNG");
    let px = pixmap.pixels();
    let inked = px
        .iter()
        .filter(|p| (p.red(), p.green(), p.blue()) != (255, 255, 255))
        .count();
    let colours: std::collections::HashSet<(u8, u8, u8)> =
        px.iter().map(|p| (p.red(), p.green(), p.blue())).collect();
    assert!(
        inked * 50 > px.len(),
        "{png:?}: {inked} of {} pixels inked",
        px.len()
    );
    assert!(colours.len() > 8, "{png:?}: {} colours", colours.len());
}
