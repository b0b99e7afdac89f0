//! `voltmetrics validate` and `voltmetrics schema`.

use crate::common::{fixture, voltmetrics};
use predicates::prelude::*;

#[test]
fn validate_reports_each_problem_and_exits_3() {
    let f = fixture("inventory.csv");
    voltmetrics()
        .args(["validate", f.to_str().unwrap()])
        .assert()
        .code(3)
        .stdout(predicate::str::starts_with(
            "74 rows in 1 file(s): 64 valid, 10 invalid, 10 problem(s)",
        ))
        .stdout(predicate::str::contains(
            "inventory.csv:65: nominal_voltage_v: 'abc': value 'abc' is not a number",
        ))
        .stdout(predicate::str::contains(
            "inventory.csv:72: nominal_voltage_v: (missing): missing",
        ))
        .stdout(predicate::str::contains(
            "inventory.csv:73: equipment_id: 'DUP-1': duplicate",
        ));
}

#[test]
fn validate_json_and_clean_input() {
    let f = fixture("inventory.csv");
    let out = voltmetrics()
        .args(["validate", f.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["rows"], 74);
    assert_eq!(v["invalid"], 10);
    let p = &v["problems"][0];
    assert_eq!(p["row"], 65);
    assert_eq!(p["column"], "nominal_voltage_v");
    assert_eq!(p["value"], "abc");
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean.csv");
    std::fs::write(&clean, "facility_id,equipment_id,equipment_class,nominal_voltage_v,bolted_fault_current_ka,arc_duration_ms\nF,E,mcc,480,20,50\n").unwrap();
    voltmetrics()
        .args(["validate", clean.to_str().unwrap()])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("1 valid, 0 invalid"));
    voltmetrics()
        .args(["validate", dir.path().join("none.csv").to_str().unwrap()])
        .assert()
        .code(1);
}

#[test]
fn schema_documents_every_column() {
    for (table, columns) in [
        (
            "input",
            voltmetrics::contract::input::names().collect::<Vec<_>>(),
        ),
        (
            "output",
            voltmetrics::contract::results::names().collect::<Vec<_>>(),
        ),
        (
            "summary",
            voltmetrics::contract::summary::names().collect::<Vec<_>>(),
        ),
    ] {
        let out = voltmetrics().args(["schema", table]).output().unwrap();
        assert!(out.status.success());
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
        let props = v["properties"].as_object().unwrap();
        assert_eq!(
            props.keys().map(String::as_str).collect::<Vec<_>>(),
            columns,
            "{table}"
        );
    }
    voltmetrics().args(["schema", "tables"]).assert().code(2);
}
