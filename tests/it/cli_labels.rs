//! `voltmetrics labels`: the SVG read back (header word and colour by threshold, every field
//! with the row's values), file names for hostile ids, labels per enclosure, rows without a
//! label, PDF pages (poppler) and PNG size.

use crate::common::{fixture, num, parse_csv, run_fixture, voltmetrics, FIXTURE_AS_OF};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use voltmetrics::labels::names::label_path;

/// The `data-field` texts of a label.
pub(crate) fn fields(svg: &str) -> HashMap<String, String> {
    let doc = roxmltree::Document::parse(svg).expect("the label is well-formed XML");
    let mut out = HashMap::new();
    for n in doc.descendants().filter(|n| n.has_tag_name("text")) {
        if let Some(f) = n.attribute("data-field") {
            out.insert(f.to_string(), n.text().unwrap_or_default().to_string());
        }
    }
    out
}

/// The header band's fill.
fn header_fill(svg: &str) -> String {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .find(|n| n.attribute("data-field") == Some("header"))
        .and_then(|n| n.attribute("fill"))
        .unwrap()
        .to_string()
}

/// Feet and inches of a length in mm, rounded to the nearest inch (computed here, not by the
/// crate).
fn ft_in(mm: f64) -> String {
    let inches = (mm / 25.4).round() as i64;
    if inches < 12 {
        format!("{inches} in")
    } else {
        format!("{} ft {} in", inches / 12, inches % 12)
    }
}

fn labels(dir: &Path, input: &str, extra: &[&str]) -> std::process::Output {
    voltmetrics()
        .args([
            "labels",
            input,
            "-o",
            dir.to_str().unwrap(),
            "--as-of",
            FIXTURE_AS_OF,
        ])
        .args(extra)
        .output()
        .unwrap()
}

/// Every file under `dir`.
pub(crate) fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn one_svg_per_ok_row_with_every_field_and_the_rows_values() {
    let results = parse_csv(&run_fixture(&[]));
    let input: HashMap<(String, String), HashMap<String, String>> =
        crate::common::read_csv("inventory.csv")
            .into_iter()
            .map(|r| ((r["facility_id"].clone(), r["equipment_id"].clone()), r))
            .collect();
    let dir = tempfile::tempdir().unwrap();
    let out = labels(dir.path(), fixture("inventory.csv").to_str().unwrap(), &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let ok: Vec<_> = results.iter().filter(|r| r["status"] == "ok").collect();
    assert_eq!(files(dir.path()).len(), ok.len(), "{stderr}");
    let skipped = results.len() - ok.len();
    assert!(
        stderr.contains(&format!("{} labels (svg)", ok.len())),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{skipped} rows without a label")),
        "{stderr}"
    );
    let invalid = results.iter().any(|r| r["status"] == "invalid");
    assert_eq!(
        out.status.code(),
        Some(if invalid { 3 } else { 0 }),
        "{stderr}"
    );
    for r in ok {
        let path = dir
            .path()
            .join(label_path(&r["facility_id"], &r["equipment_id"], "svg"));
        let svg =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let f = fields(&svg);
        let danger = r["danger"] == "true";
        assert_eq!(
            f["signal_word"],
            if danger { "DANGER" } else { "WARNING" },
            "{path:?}"
        );
        assert_eq!(
            header_fill(&svg),
            if danger { "#C8102E" } else { "#FF8200" }
        );
        let afb = num(r, "arc_flash_boundary_mm");
        assert_eq!(
            f["arc_flash_boundary"],
            format!("{afb:.0} mm ({})", ft_in(afb)),
            "{path:?}"
        );
        assert_eq!(
            f["incident_energy"],
            format!("{:.1} cal/cm²", num(r, "min_arc_rating_cal_cm2"))
        );
        assert!(num(r, "min_arc_rating_cal_cm2") >= num(r, "incident_energy_cal_cm2"));
        let wd = num(r, "working_distance_mm");
        assert_eq!(f["working_distance"], format!("{wd:.0} mm ({})", ft_in(wd)));
        for (field, col) in [
            ("limited_approach", "limited_approach_fixed_mm"),
            ("restricted_approach", "restricted_approach_mm"),
        ] {
            let want = match r[col].as_str() {
                "" => "not specified".to_string(),
                v => {
                    let mm: f64 = v.parse().unwrap();
                    format!("{mm:.0} mm ({})", ft_in(mm))
                }
            };
            assert_eq!(f[field], want, "{field} {path:?}");
        }
        let row = &input[&(r["facility_id"].clone(), r["equipment_id"].clone())];
        let v: f64 = row["nominal_voltage_v"].parse().unwrap();
        assert!(f["nominal_voltage"].contains(" V") || f["nominal_voltage"].contains(" kV"));
        let shown: f64 = f["nominal_voltage"]
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let scale = if f["nominal_voltage"].contains("kV") {
            1000.0
        } else {
            1.0
        };
        assert!(
            (shown * scale - v).abs() < 0.5 * scale / 100.0 + 1e-9,
            "{} vs {v}",
            f["nominal_voltage"]
        );
        assert_eq!(
            f["equipment_id"],
            format!("Equipment: {}", r["equipment_id"])
        );
        assert_eq!(f["facility_id"], format!("Facility: {}", r["facility_id"]));
        let study = if row["study_date"].is_empty() {
            FIXTURE_AS_OF
        } else {
            row["study_date"].as_str()
        };
        assert_eq!(
            f["study"],
            format!("Study date: {study} · Method: {}", r["method"])
        );
    }
}

#[test]
fn header_follows_the_danger_threshold_and_units_and_energy_field_switch() {
    let dir = tempfile::tempdir().unwrap();
    let out = labels(
        dir.path(),
        fixture("inventory.csv").to_str().unwrap(),
        &[
            "--danger-threshold",
            "8",
            "--units",
            "imperial",
            "--energy",
            "arc-rating",
            "-q",
        ],
    );
    assert!(
        out.status.code().unwrap() <= 3,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results = parse_csv(&run_fixture(&["--danger-threshold", "8"]));
    let (mut danger, mut warning) = (0, 0);
    for r in results.iter().filter(|r| r["status"] == "ok") {
        let svg = std::fs::read_to_string(dir.path().join(label_path(
            &r["facility_id"],
            &r["equipment_id"],
            "svg",
        )))
        .unwrap();
        let f = fields(&svg);
        let above = num(r, "incident_energy_cal_cm2") > 8.0;
        assert_eq!(f["signal_word"], if above { "DANGER" } else { "WARNING" });
        if above {
            danger += 1
        } else {
            warning += 1
        }
        assert_eq!(
            f["arc_flash_boundary"],
            ft_in(num(r, "arc_flash_boundary_mm"))
        );
        assert!(!f.contains_key("incident_energy"));
        assert_eq!(
            f["min_arc_rating"],
            format!("{:.1} cal/cm²", num(r, "min_arc_rating_cal_cm2"))
        );
    }
    assert!(
        danger > 0 && warning > 0,
        "the fixture has rows on both sides of 8 cal/cm2"
    );
}

const HEAD: &str = "facility_id,equipment_id,enclosure_id,equipment_class,nominal_voltage_v,bolted_fault_current_ka,arc_duration_ms,study_date\n";

#[test]
fn hostile_ids_get_distinct_files_inside_the_directory() {
    let ids = [
        "a/b",
        "..",
        ".",
        "a:b",
        "漢字",
        "A%2Fb",
        "a%2Fb",
        "../../escape",
        "x\\y",
        "A",
        "a",
        "~",
    ];
    let mut csv = HEAD.to_string();
    for (k, id) in ids.iter().enumerate() {
        csv.push_str(&format!(
            "\"{id}\",\"{id}\",,panelboard,480,{},100,2025-01-01\n",
            10 + k
        ));
    }
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join("hostile.csv");
    std::fs::write(&input, csv).unwrap();
    let dir = work.path().join("out");
    let out = labels(&dir, input.to_str().unwrap(), &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all = files(&dir);
    assert_eq!(all.len(), ids.len(), "{all:?}");
    for id in ids {
        let p = dir.join(label_path(id, id, "svg"));
        assert!(p.starts_with(&dir) && p.is_file(), "{id}: {p:?}");
        let f = fields(&std::fs::read_to_string(&p).unwrap());
        assert_eq!(f["equipment_id"], format!("Equipment: {id}"));
        assert_eq!(f["facility_id"], format!("Facility: {id}"));
    }
    assert_eq!(
        std::fs::read_dir(work.path()).unwrap().count(),
        2,
        "nothing written beside the directory"
    );
}

#[test]
fn per_enclosure_takes_the_worst_case_and_names_the_governing_equipment() {
    let csv = format!(
        "{HEAD}P,E1,MCC-1,mcc,480,20,100,2025-01-01\nP,E2,MCC-1,mcc,480,40,300,2025-02-01\nP,E3,MCC-1,mcc,480,40,100,2025-03-01\nP,E4,,panelboard,208,10,50,\nQ,E5,MCC-1,mcc,600,30,100,2025-01-01\n"
    );
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join("enc.csv");
    std::fs::write(&input, &csv).unwrap();
    let results = {
        let out = voltmetrics()
            .args([
                "run",
                input.to_str().unwrap(),
                "--as-of",
                FIXTURE_AS_OF,
                "-q",
            ])
            .output()
            .unwrap();
        parse_csv(&out.stdout)
    };
    let row = |id: &str| {
        results
            .iter()
            .find(|r| r["equipment_id"] == id)
            .unwrap()
            .clone()
    };
    let dir = work.path().join("out");
    let out = labels(
        &dir,
        input.to_str().unwrap(),
        &["--per", "enclosure", "--units", "metric"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(files(&dir).len(), 3, "P/MCC-1, P/E4, Q/MCC-1");
    let f = fields(&std::fs::read_to_string(dir.join(label_path("P", "MCC-1", "svg"))).unwrap());
    let worst = ["E1", "E2", "E3"].map(row);
    let max_ie = worst
        .iter()
        .max_by(|a, b| {
            num(a, "incident_energy_cal_cm2").total_cmp(&num(b, "incident_energy_cal_cm2"))
        })
        .unwrap();
    assert_eq!(max_ie["equipment_id"], "E2", "the longest clearing time");
    assert_eq!(
        f["incident_energy"],
        format!("{:.1} cal/cm²", num(max_ie, "min_arc_rating_cal_cm2"))
    );
    let max_afb = worst
        .iter()
        .map(|r| num(r, "arc_flash_boundary_mm"))
        .fold(0.0, f64::max);
    assert_eq!(f["arc_flash_boundary"], format!("{max_afb:.0} mm"));
    assert_eq!(f["enclosure_id"], "Enclosure: MCC-1");
    assert_eq!(
        f["governing_equipment_id"],
        "Governing equipment: E2 (worst of 3)"
    );
    assert_eq!(
        f["study"],
        format!("Study date: 2025-02-01 · Method: {}", max_ie["method"])
    );
    let lone = fields(&std::fs::read_to_string(dir.join(label_path("P", "E4", "svg"))).unwrap());
    assert_eq!(
        lone["study"],
        format!(
            "Study date: {FIXTURE_AS_OF} · Method: {}",
            row("E4")["method"]
        )
    );
    // Without the column, --per enclosure is a usage error naming it.
    let out = labels(
        &work.path().join("x"),
        fixture("inventory.csv").to_str().unwrap(),
        &["--per", "enclosure"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("enclosure_id"));
}

#[test]
fn rows_without_a_label_are_listed_with_file_row_and_reason() {
    let csv = format!("{HEAD}P,E1,,panelboard,480,20,100,\nP,E2,,panelboard,abc,20,100,\nP,E3,,panelboard,480,20,100,\n");
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join("bad.csv");
    std::fs::write(&input, &csv).unwrap();
    let out = labels(&work.path().join("out"), input.to_str().unwrap(), &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("bad.csv: row 2: P/E2: no label (invalid): nominal_voltage_v"),
        "{stderr}"
    );
    assert!(
        stderr.contains("2 labels (svg)")
            && stderr.contains("1 rows without a label (1 invalid, 0 not applicable)"),
        "{stderr}"
    );
    assert_eq!(files(&work.path().join("out")).len(), 2);
}

#[test]
fn a_pdf_file_takes_only_pdf() {
    let work = tempfile::tempdir().unwrap();
    let out = voltmetrics()
        .args(["labels", fixture("inventory.csv").to_str().unwrap(), "-o"])
        .arg(work.path().join("x.pdf"))
        .args(["--format", "png"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format pdf"));
}

/// A program for the rendering checks, or `None` (skipped) — required when CI is set.
pub(crate) fn tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{name} is required in CI (.ci/run installs it)"
        );
        eprintln!("skipped: {name} is not installed (.ci/run installs it)");
    }
    found
}

#[test]
fn multi_page_pdf_has_a_page_per_label_and_every_page_renders() {
    let (Some(pdfinfo), Some(pdftoppm)) = (tool("pdfinfo"), tool("pdftoppm")) else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let pdf = work.path().join("labels.pdf");
    let out = voltmetrics()
        .args([
            "labels",
            fixture("inventory.csv").to_str().unwrap(),
            "--as-of",
            FIXTURE_AS_OF,
            "-o",
        ])
        .arg(&pdf)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let written: usize = stderr
        .split("voltmetrics: ")
        .last()
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let info = std::process::Command::new(pdfinfo)
        .arg(&pdf)
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    let pages: usize = info
        .lines()
        .find(|l| l.starts_with("Pages:"))
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(pages, written, "{info}");
    assert!(info.contains("432 x 288 pts"), "4x6 in pages: {info}");
    let prefix = work.path().join("page");
    let r = std::process::Command::new(pdftoppm)
        .args(["-r", "30", "-png"])
        .arg(&pdf)
        .arg(&prefix)
        .output()
        .unwrap();
    assert!(
        r.status.success() && r.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    let rendered = std::fs::read_dir(work.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("page")
        })
        .count();
    assert_eq!(rendered, pages);
}

#[test]
fn png_and_pdf_files_per_label() {
    let work = tempfile::tempdir().unwrap();
    for (format, magic) in [("png", &b"\x89PNG"[..]), ("pdf", &b"%PDF"[..])] {
        let dir = work.path().join(format);
        let out = labels(
            &dir,
            fixture("inventory.csv").to_str().unwrap(),
            &["--format", format, "--size", "4x4", "-q"],
        );
        assert!(
            out.status.code().unwrap() <= 3,
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let all = files(&dir);
        assert!(!all.is_empty());
        for f in &all {
            let bytes = std::fs::read(f).unwrap();
            assert!(bytes.starts_with(magic), "{f:?}");
            if format == "png" {
                let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
                let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
                assert_eq!((w, h), (800, 800), "4 x 4 in at 200 dpi");
            }
        }
    }
}
