//! `voltmetrics calc` through the real binary.

use crate::common::{args, voltmetrics, ANNEX_D1_CALC};
use predicates::prelude::*;

fn d1() -> assert_cmd::Command {
    let mut c = voltmetrics();
    c.args(args(ANNEX_D1_CALC));
    c
}

#[test]
fn table_shows_every_intermediate_value() {
    d1().assert()
        .success()
        .stdout(predicate::str::contains("ieee1584-2018@1"))
        .stdout(predicate::str::contains("Iarc_2700 (Eq 1), kA"))
        .stdout(predicate::str::contains("VarCf (Eq 2)"))
        .stdout(predicate::str::contains("CF (Eq 14/15)"))
        .stdout(predicate::str::contains("AFB_14300, mm"))
        .stdout(predicate::str::contains("13.343 J/cm2"))
        .stdout(predicate::str::contains("1704 mm"))
        .stdout(predicate::str::contains(
            "governing case                     reduced",
        ));
}

#[test]
fn json_keys_are_the_output_columns() {
    let out = d1()
        .arg("--json")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let spec = [
        "facility_id",
        "equipment_id",
        "status",
        "errors",
        "method",
        "electrode_config",
        "gap_mm",
        "working_distance_mm",
        "enclosure_height_mm",
        "enclosure_width_mm",
        "enclosure_depth_mm",
        "defaults_applied",
        "arcing_current_ka",
        "arcing_current_reduced_ka",
        "arc_duration_ms",
        "arc_duration_reduced_ms",
        "incident_energy_full_cal_cm2",
        "incident_energy_reduced_cal_cm2",
        "incident_energy_cal_cm2",
        "incident_energy_j_cm2",
        "arc_flash_boundary_full_mm",
        "arc_flash_boundary_reduced_mm",
        "arc_flash_boundary_mm",
        "governing_case",
        "min_arc_rating_cal_cm2",
        "ppe_category",
        "danger",
        "limited_approach_movable_mm",
        "limited_approach_fixed_mm",
        "restricted_approach_mm",
        "compliance_status",
        "findings",
        "range_warnings",
        "input_hash",
        "arc_duration_source",
        "trip_element_full",
        "trip_element_reduced",
        "arc_duration_capped",
        "incident_energy_p50_cal_cm2",
        "incident_energy_p95_cal_cm2",
        "incident_energy_p99_cal_cm2",
        "prob_exceeds_label",
        "prob_exceeds_ppe",
        "prob_danger",
        "risk_severity",
        "risk_likelihood",
        "risk_score",
        "risk_level",
        "intermediate",
    ];
    assert_eq!(keys, spec);
    assert_eq!(v["method"], "ieee1584-2018@1");
    assert_eq!(v["governing_case"], "reduced");
    assert!((v["incident_energy_j_cm2"].as_f64().unwrap() - 13.343).abs() < 5e-4);
    assert!((v["arc_flash_boundary_mm"].as_f64().unwrap() - 1704.0).abs() < 0.5);
    assert_eq!(v["ppe_category"], 1);
    assert_eq!(v["intermediate"]["levels"].as_array().unwrap().len(), 3);
    assert!((v["intermediate"]["cf"].as_f64().unwrap() - 1.284).abs() < 5e-4);
}

#[test]
fn same_input_same_hash_and_output() {
    let a = d1().arg("--json").output().unwrap().stdout;
    let b = d1().arg("--json").output().unwrap().stdout;
    assert_eq!(a, b);
}

#[test]
fn class_fills_defaults_and_says_so() {
    let out = voltmetrics()
        .args(args(
            "calc --voltage 480 --fault-current 30 --class mcc --duration 50 --json",
        ))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["electrode_config"], "VCB");
    assert_eq!(v["gap_mm"], 25.0);
    assert_eq!(v["working_distance_mm"], 457.2);
    assert_eq!(v["enclosure_depth_mm"], serde_json::Value::Null);
    let d = v["defaults_applied"].as_str().unwrap();
    for col in [
        "electrode_config",
        "gap_mm",
        "working_distance_mm",
        "enclosure_height_mm",
        "enclosure_width_mm",
        "enclosure_depth_mm(typical)",
        "arc_duration_reduced_ms",
    ] {
        assert!(d.split(';').any(|c| c == col), "{col} missing from {d}");
    }
}

/// Runs a command line (one string) and expects exit 2 with each needle on stderr.
fn usage_error(line: &str, needles: &[&str]) {
    let mut a = voltmetrics().args(args(line)).assert().code(2);
    for n in needles {
        a = a.stderr(predicate::str::contains(*n));
    }
}

#[test]
fn out_of_range_flags_exit_2_naming_flag_and_range() {
    usage_error(
        "calc --fault-current 15 --config VCB --gap 104 --distance 914.4 --height 1143 --width 762 --duration 100 --voltage 20000",
        &["--voltage", "20000", "208", "15000"],
    );

    usage_error("calc --voltage 480 --fault-current 0.1 --config VCB --gap 32 --distance 600 --height 508 --width 508 --duration 100",
        &["--fault-current", "0.1", "0.5", "106"],
    );
    usage_error("calc --voltage 13800 --fault-current 10 --config VCB --gap 300 --distance 900 --height 1143 --width 1200 --duration 100",
        &["--gap", "300", "19.05", "254"],
    );
    usage_error("calc --voltage 480 --fault-current 20 --config VCB --gap 32 --distance 600 --height 508 --width 100 --duration 100",
        &["--width", "100", "4 x gap"],
    );
}

#[test]
fn bad_values_and_missing_flags_exit_2() {
    usage_error(
        "calc --voltage abc --fault-current 1 --duration 1 --config VOA --gap 20 --distance 500",
        &["--voltage", "'abc' is not a number"],
    );
    usage_error(
        "calc --voltage 480 --fault-current NaN --duration 1 --config VOA --gap 20 --distance 500",
        &["--fault-current", "not a finite number"],
    );
    usage_error(
        "calc --voltage 480 --fault-current 10 --duration -5 --config VOA --gap 20 --distance 500",
        &["--duration", "greater than 0"],
    );
    usage_error(
        "calc --voltage 480 --fault-current 10 --duration 5 --config XYZ --gap 20 --distance 500",
        &["--config", "VCB"],
    );
    usage_error(
        "calc --voltage 480 --fault-current 10 --duration 5 --gap 20 --distance 500",
        &["--config is required", "VCB, VCBB, HCB, VOA, HOA"],
    );
    usage_error(
        "calc --voltage 480 --fault-current 10 --duration 5 --config VCB --gap 20 --distance 500",
        &["--height is required"],
    );
    usage_error("calc --voltage 480", &["--fault-current"]);
}

#[test]
fn short_working_distance_warns_but_computes() {
    voltmetrics()
        .args(args("calc --voltage 480 --fault-current 20 --config VOA --gap 32 --distance 100 --duration 100"))
        .assert()
        .success()
        .stdout(predicate::str::contains("working_distance_mm below 305 mm"));
}

#[test]
fn help_and_version_exit_0() {
    voltmetrics()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("calc"));
    voltmetrics()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::contains(env!("CARGO_PKG_VERSION")));
    voltmetrics().arg("--no-such-flag").assert().code(2);
}
