//! risk@1 (issue 13): likelihood × severity per row by the documented defaults, a configurable
//! matrix, and the summary's counts per level, risk index and expected label exceedances.

use crate::common::{fixture, num, parse_csv, read_csv, run_ok, voltmetrics};
use std::collections::HashMap;

/// The documented default rules, written out again: severity from the energy band and the
/// voltage, likelihood from class, condition, overdue findings and tasks.
fn expected(r: &HashMap<String, String>, input: &HashMap<String, String>) -> (u8, u8) {
    let e = num(r, "incident_energy_cal_cm2");
    let arc = [1.2, 4.0, 8.0, 40.0];
    let arc_sev = if e < arc[0] {
        1
    } else {
        2 + arc[1..].iter().filter(|&&b| e > b).count() as u8
    };
    let v: f64 = input["nominal_voltage_v"].parse().unwrap();
    let shock = if v > 1000.0 {
        4
    } else if v >= 50.0 {
        3
    } else {
        1
    };
    let class = match input["equipment_class"].as_str() {
        "switchgear" | "switchboard" | "cable_junction_box" => 2,
        _ => 3,
    };
    let condition = match input["maintenance_condition"]
        .trim()
        .to_ascii_lowercase()
        .as_str()
    {
        "1" | "good" => 0,
        "2" | "fair" => 1,
        "3" | "poor" => 2,
        _ => 1,
    };
    let f = &r["findings"];
    let overdue =
        i32::from(f.contains("MAINTENANCE_OVERDUE")) + i32::from(f.contains("STUDY_OVERDUE"));
    let tasks = match input
        .get("energized_tasks_per_year")
        .map(|t| t.parse::<f64>())
    {
        Some(Ok(t)) if t <= 0.0 => -1,
        Some(Ok(t)) if t <= 12.0 => 0,
        Some(Ok(t)) if t <= 52.0 => 1,
        Some(Ok(_)) => 2,
        _ => 0,
    };
    let likelihood = (class + condition + overdue + tasks).clamp(1, 5) as u8;
    (arc_sev.max(shock), likelihood)
}

#[test]
fn every_ok_row_has_the_documented_risk() {
    let rows = parse_csv(&run_ok(
        &fixture("inventory.csv"),
        &["--as-of", "2026-06-30"],
    ));
    let inputs = read_csv("inventory.csv");
    let mut levels: HashMap<String, usize> = HashMap::new();
    for (r, i) in rows.iter().zip(&inputs) {
        if r["status"] != "ok" {
            for c in [
                "risk_severity",
                "risk_likelihood",
                "risk_score",
                "risk_level",
            ] {
                assert_eq!(r[c], "", "{c} of a {} row", r["status"]);
            }
            continue;
        }
        let (s, l) = expected(r, i);
        let got = (
            num(r, "risk_severity") as u8,
            num(r, "risk_likelihood") as u8,
        );
        assert_eq!(got, (s, l), "{}: {r:?}", r["equipment_id"]);
        let score = u32::from(s) * u32::from(l);
        assert_eq!(num(r, "risk_score") as u32, score);
        let level = match score {
            0..=4 => "low",
            5..=9 => "medium",
            10..=16 => "high",
            _ => "extreme",
        };
        assert_eq!(r["risk_level"], level);
        *levels.entry(level.to_string()).or_default() += 1;
    }
    assert!(levels.len() >= 2, "the fixture spans levels: {levels:?}");
}

#[test]
fn tasks_per_year_move_the_likelihood_and_a_matrix_file_moves_the_levels() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("tasks.csv");
    std::fs::write(
        &input,
        "facility_id,equipment_id,equipment_class,nominal_voltage_v,bolted_fault_current_ka,arc_duration_ms,maintenance_condition,energized_tasks_per_year\n\
         F,none,switchgear,480,20,100,1,0\n\
         F,monthly,switchgear,480,20,100,1,12\n\
         F,weekly,switchgear,480,20,100,1,52\n\
         F,daily,switchgear,480,20,100,1,250\n\
         F,bad,switchgear,480,20,100,1,-3\n",
    )
    .unwrap();
    let rows = parse_csv(&run_ok(&input, &["--as-of", "2026-06-30"]));
    let l: Vec<&str> = rows.iter().map(|r| r["risk_likelihood"].as_str()).collect();
    // switchgear 2, condition 1 +0, no study date: STUDY_MISSING is not STUDY_OVERDUE.
    assert_eq!(l[..4], ["1", "2", "3", "4"], "{rows:?}");
    assert_eq!(rows[4]["status"], "invalid");
    assert!(
        rows[4]["errors"].contains("energized_tasks_per_year: value '-3' is not a number of tasks")
    );
    let matrix = dir.path().join("matrix.toml");
    std::fs::write(
        &matrix,
        "[levels]\nlow_max = 3\nmedium_max = 6\nhigh_max = 9\n",
    )
    .unwrap();
    let custom = parse_csv(&run_ok(
        &input,
        &[
            "--as-of",
            "2026-06-30",
            "--risk-matrix",
            matrix.to_str().unwrap(),
        ],
    ));
    let levels: Vec<&str> = custom[..4]
        .iter()
        .map(|r| r["risk_level"].as_str())
        .collect();
    assert_eq!(
        levels,
        ["low", "medium", "high", "extreme"],
        "scores 3, 6, 9, 12"
    );
    std::fs::write(&matrix, "[levels]\nlow_max = 30\n").unwrap();
    let out = voltmetrics()
        .arg("run")
        .arg(&input)
        .args(["--risk-matrix", matrix.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("matrix.toml: not a valid risk matrix: levels"),
        "{err}"
    );
}

#[test]
fn summary_counts_levels_and_the_index_and_expected_exceedances_add_up() {
    let dir = tempfile::tempdir().unwrap();
    let (results, summary) = crate::common::run_to_files(
        dir.path(),
        fixture("inventory.csv").to_str().unwrap(),
        "",
        &["--uncertainty", "--samples", "100", "--portfolio"],
    );
    let rows = parse_csv(&std::fs::read(results).unwrap());
    let summary = parse_csv(&std::fs::read(summary).unwrap());
    for s in &summary {
        let f = &s["facility_id"];
        let mine: Vec<&HashMap<String, String>> = rows
            .iter()
            .filter(|r| f == "*" || &r["facility_id"] == f)
            .collect();
        let ok: Vec<_> = mine.iter().filter(|r| r["status"] == "ok").collect();
        for level in ["low", "medium", "high", "extreme"] {
            let n = mine.iter().filter(|r| r["risk_level"] == level).count();
            assert_eq!(
                num(s, &format!("risk_{level}_count")) as usize,
                n,
                "{f} {level}"
            );
        }
        let scores: f64 = ok.iter().map(|r| num(r, "risk_score")).sum();
        let index = 100.0 * scores / (25.0 * ok.len() as f64);
        assert!(
            (num(s, "risk_index") - index).abs() < 1e-9,
            "{f}: {} vs {index}",
            s["risk_index"]
        );
        let exceed: f64 = mine
            .iter()
            .filter(|r| !r["prob_exceeds_label"].is_empty())
            .map(|r| num(r, "prob_exceeds_label"))
            .sum();
        assert!(
            (num(s, "expected_label_exceedances") - exceed).abs() < 1e-9,
            "{f}"
        );
    }
    assert_eq!(summary.last().unwrap()["facility_id"], "*");
}
