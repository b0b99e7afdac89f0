//! The method registry through `run` and `calc`: a mixed inventory (AC LV and MV, 34.5 kV,
//! DC battery and PV, a 2002 comparison row, the DC arc models), each row's values against the
//! method's equations written out here.

use crate::common::{fixture, parse_csv, voltmetrics, FIXTURE_AS_OF};
use predicates::prelude::*;
use std::collections::HashMap;

type Row = HashMap<String, String>;

fn run(extra: &[&str]) -> HashMap<String, Row> {
    let out = voltmetrics()
        .args([
            "run",
            fixture("methods.csv").to_str().unwrap(),
            "-q",
            "--as-of",
            FIXTURE_AS_OF,
        ])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    parse_csv(&out.stdout)
        .into_iter()
        .map(|r| (r["equipment_id"].clone(), r))
        .collect()
}

fn num(r: &Row, c: &str) -> f64 {
    r[c].parse().unwrap_or_else(|_| panic!("{c}={:?}", r[c]))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs()
}

#[test]
fn every_row_of_the_mixed_inventory_is_computed_by_its_method() {
    let rows = run(&[]);
    for (id, method) in [
        ("AC-LV", "ieee1584-2018@1"),
        ("AC-MV", "ieee1584-2018@1"),
        ("AC-34K5", "lee@1"),
        ("DC-BATT", "dc-max-power@1"),
        ("DC-PV", "dc-max-power@1"),
        ("AC-2002", "ieee1584-2002@1"),
        ("DC-SO", "dc-stokes-oppenlander@1"),
        ("DC-AMM", "dc-ammerman@1"),
    ] {
        let r = &rows[id];
        assert_eq!(r["status"], "ok", "{id}: {}", r["errors"]);
        assert_eq!(r["method"], method, "{id}");
    }
    // Annex D.1 through the class defaults: unchanged.
    assert!((num(&rows["AC-MV"], "incident_energy_cal_cm2") - 3.189).abs() < 5e-4);
    // Lee (NFPA 70E D.6): 793 F V t / D^2, D in inches; boundary at 1.2 cal/cm2.
    let lee = 793.0 * 10.0 * 34.5 * 0.2;
    let r = &rows["AC-34K5"];
    assert!(close(
        num(r, "incident_energy_cal_cm2"),
        lee / (910.0f64 / 25.4).powi(2)
    ));
    assert!(close(
        num(r, "arc_flash_boundary_mm"),
        (lee / 1.2).sqrt() * 25.4
    ));
    assert_eq!(num(r, "arcing_current_ka"), 10.0);
    // DC maximum power: 0.01 V (0.5 Ibf) t / D^2, D in cm, x 3 in a box.
    let r = &rows["DC-BATT"];
    let e = 0.01 * 125.0 * 5000.0 * 2.0 * 3.0;
    assert!(close(
        num(r, "incident_energy_cal_cm2"),
        e / 45.72f64.powi(2)
    ));
    assert!(close(
        num(r, "arc_flash_boundary_mm"),
        (e / 1.2).sqrt() * 10.0
    ));
    let r = &rows["DC-PV"];
    assert!(close(
        num(r, "incident_energy_cal_cm2"),
        0.01 * 1000.0 * 2500.0 * 0.1 / 60.96f64.powi(2)
    ));
    assert_eq!(r["electrode_config"], "VOA");
    // No reduced case but in IEEE 1584.
    for id in ["AC-34K5", "DC-BATT", "DC-PV", "DC-SO", "DC-AMM"] {
        assert_eq!(rows[id]["governing_case"], "full", "{id}");
        assert_eq!(rows[id]["incident_energy_reduced_cal_cm2"], "", "{id}");
    }
    // DC shock boundaries from the DC table; 34.5 kV from the AC table.
    assert_eq!(rows["DC-PV"]["restricted_approach_mm"], "304.8");
    assert_eq!(rows["AC-34K5"]["restricted_approach_mm"], "787.4");
}

#[test]
fn ieee1584_2002_row_follows_the_2002_equations() {
    let r = &run(&[])["AC-2002"];
    // 480 V switchgear box, grounded, class defaults: gap 32 mm, D 609.6 mm, x 1.473, Cf 1.5.
    let (v, ibf, g, d, t) = (0.48f64, 30.0f64, 32.0f64, 609.6f64, 0.2f64);
    let lg = ibf.log10();
    let ia = 10f64
        .powf(-0.097 + 0.662 * lg + 0.0966 * v + 0.000526 * g + 0.5588 * v * lg - 0.00304 * g * lg);
    let en = |i: f64| 10f64.powf(-0.555 - 0.113 + 1.081 * i.log10() + 0.0011 * g);
    let e = |i: f64| 4.184 * 1.5 * en(i) * (t / 0.2) * (610f64 / d).powf(1.473);
    assert!(close(num(r, "arcing_current_ka"), ia));
    assert!(close(num(r, "arcing_current_reduced_ka"), 0.85 * ia));
    assert!(close(num(r, "incident_energy_full_cal_cm2"), e(ia) / 4.184));
    assert!(close(
        num(r, "incident_energy_reduced_cal_cm2"),
        e(0.85 * ia) / 4.184
    ));
    // The same clearing time for both currents: the full current governs.
    assert_eq!(r["governing_case"], "full");
    let db = 610.0 * (4.184 * 1.5 * en(ia) * (t / 0.2) / 5.0).powf(1.0 / 1.473);
    assert!(close(num(r, "arc_flash_boundary_mm"), db));
}

#[test]
fn the_run_method_applies_where_the_row_names_none() {
    let rows = run(&["--method", "lee@1"]);
    assert_eq!(rows["AC-LV"]["method"], "lee@1");
    assert_eq!(
        rows["AC-2002"]["method"], "ieee1584-2002@1",
        "the row's own method wins"
    );
    assert_eq!(rows["DC-BATT"]["status"], "not_applicable");
    assert!(rows["DC-BATT"]["errors"].contains("covers three-phase AC only"));
    voltmetrics()
        .args([
            "run",
            fixture("methods.csv").to_str().unwrap(),
            "--method",
            "lee@9",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--method lee@9: accepted: auto, ieee1584-2018@1",
        ));
}

#[test]
fn an_unknown_method_in_a_row_is_invalid_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("m.csv");
    std::fs::write(
        &p,
        "facility_id,equipment_id,equipment_class,nominal_voltage_v,bolted_fault_current_ka,arc_duration_ms,method\nF,E,mcc,480,20,50,ieee1584-1999\n",
    )
    .unwrap();
    let out = voltmetrics()
        .args(["run", p.to_str().unwrap(), "-q"])
        .output()
        .unwrap();
    let row = &parse_csv(&out.stdout)[0];
    assert_eq!(row["status"], "invalid");
    assert!(
        row["errors"]
            .starts_with("method: unknown value 'ieee1584-1999', accepted: auto, ieee1584-2018@1"),
        "{}",
        row["errors"]
    );
}

#[test]
fn calc_computes_any_method_with_its_intermediates() {
    let out = voltmetrics()
        .args(crate::common::args(
            "calc --method lee@1 --voltage 34500 --fault-current 10 --distance 910 --duration 200 --json",
        ))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["method"], "lee@1");
    assert_eq!(v["governing_case"], "full");
    assert!(v["intermediate"]["793 F V t"]["value"].as_f64().unwrap() > 0.0);
    let table = voltmetrics()
        .args(crate::common::args(
            "calc --system dc --voltage 125 --fault-current 20 --config VOA --gap 25 --distance 457.2 --duration 2000 --method dc-stokes-oppenlander@1",
        ))
        .output()
        .unwrap();
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(
        text.contains("DC Stokes-Oppenlander arc-flash calculation (dc-stokes-oppenlander@1)"),
        "{text}"
    );
    assert!(text.contains("arcing current Iarc"), "{text}");
    // A method of the other system is a usage error naming the flag.
    voltmetrics()
        .args(crate::common::args(
            "calc --method dc-max-power@1 --voltage 480 --fault-current 10 --config VCB --distance 457 --duration 100",
        ))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--system dc"));
}

#[test]
fn calc_and_run_agree_for_every_method() {
    let rows = run(&[]);
    let calc = |line: &str| -> serde_json::Value {
        let out = voltmetrics()
            .args(crate::common::args(line))
            .arg("--json")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{line}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    for (id, line) in [
        ("AC-34K5", "calc --method auto --voltage 34500 --fault-current 10 --distance 910 --duration 200"),
        ("DC-BATT", "calc --method auto --system dc --class other --config VCB --voltage 125 --fault-current 10 --distance 457.2 --duration 2000"),
        ("AC-2002", "calc --method ieee1584-2002@1 --grounding grounded --class switchgear --voltage 480 --fault-current 30 --duration 200"),
    ] {
        let v = calc(line);
        let r = &rows[id];
        for c in ["incident_energy_cal_cm2", "arc_flash_boundary_mm", "arcing_current_ka"] {
            assert!(close(v[c].as_f64().unwrap(), num(r, c)), "{id} {c}");
        }
        assert_eq!(v["method"].as_str().unwrap(), r["method"], "{id}");
    }
}
