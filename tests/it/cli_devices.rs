//! Clearing times from the protective-device library, end to end: `fixtures/devices.toml` and
//! `fixtures/devices.csv` through `run`, `validate`, `calc` and `schema devices`. The expected
//! times are worked out here from the device settings (the equations written out again, not
//! the library's code); the energies must equal a run with those times given explicitly.

use crate::common::{close, fixture, parse_csv, voltmetrics};
use predicates::prelude::*;
use std::collections::HashMap;

type Row = HashMap<String, String>;

const AS_OF: &str = "2026-11-30";

fn path(rel: &str) -> String {
    fixture(rel).to_str().unwrap().to_string()
}

/// `run` over `inventory` with the fixture library; rows by equipment id.
fn run_with(inventory: &str, extra: &[&str]) -> HashMap<String, Row> {
    let out = voltmetrics()
        .args(["run", inventory, "-q", "--as-of", AS_OF])
        .args(["--devices", &path("devices.toml")])
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
    r[c].parse()
        .unwrap_or_else(|_| panic!("{}: {c}={:?}", r["equipment_id"], r[c]))
}

/// IEEE C37.112 very inverse: TD (19.61 / (M² − 1) + 0.491), s.
fn ieee_vi(m: f64, td: f64) -> f64 {
    td * (19.61 / (m * m - 1.0) + 0.491)
}

/// IEEE C37.112 extremely inverse: TD (28.2 / (M² − 1) + 0.1217), s.
fn ieee_ei(m: f64, td: f64) -> f64 {
    td * (28.2 / (m * m - 1.0) + 0.1217)
}

/// A device row's expected (id, full ms, reduced ms, full element, reduced element, capped).
type Expected = (
    &'static str,
    f64,
    Option<f64>,
    &'static str,
    &'static str,
    bool,
);

/// The clearing times (ms, full and reduced) and elements the fixture's rows must get.
fn expected(rows: &HashMap<String, Row>) -> Vec<Expected> {
    let ia = |id: &str| num(&rows[id], "arcing_current_ka") * 1000.0;
    let ia_min = |id: &str| num(&rows[id], "arcing_current_reduced_ka") * 1000.0;
    // (a) CB-MCC1: instantaneous upper-band pickup 1.15 × 7500 A; short time 1.1 × 4000 A.
    assert!(ia("MCC-1") > 1.15 * 7500.0 && ia_min("MCC-1") < 1.15 * 7500.0);
    assert!(ia_min("MCC-1") > 1.1 * 4000.0);
    // (d) R-XFMR-51 on the transformer primary: 480/13800 of the arcing current.
    let factor = 0.0347826087;
    let primary = |amps: f64| (ieee_vi(amps * factor / 200.0, 0.5) + 5.0 / 60.0) * 1000.0;
    // SWGR-MV: R-FDR-SLOW, above 2 s at both currents.
    let slow = |amps: f64| (ieee_ei(amps / 600.0, 10.0) + 5.0 / 60.0) * 1000.0;
    assert!(slow(ia("SWGR-MV")) > 2000.0 && slow(ia_min("SWGR-MV")) > 2000.0);
    vec![
        (
            "MCC-1",
            50.0,
            Some(200.0),
            "instantaneous",
            "short_time",
            false,
        ),
        ("PNL-208", 10.0, Some(10.0), "fuse", "fuse", false),
        ("PNL-480", 2000.0, Some(2000.0), "", "", true),
        (
            "SWGR-LV",
            primary(ia("SWGR-LV")),
            Some(primary(ia_min("SWGR-LV"))),
            "inverse",
            "inverse",
            false,
        ),
        ("SWGR-MV", 2000.0, Some(2000.0), "inverse", "inverse", true),
        // Lee has one arcing current: 1 cycle of relay + 5 cycles of breaker at 60 Hz.
        ("LINE-34KV", 100.0, None, "instantaneous", "", false),
    ]
}

#[test]
fn device_rows_get_the_clearing_times_of_their_devices_value_by_value() {
    let rows = run_with(&path("devices.csv"), &[]);
    assert_eq!(rows.len(), 7, "every input row has an output row");
    for (id, full, reduced, el_full, el_reduced, capped) in expected(&rows) {
        let r = &rows[id];
        assert_eq!(r["status"], "ok", "{id}: {}", r["errors"]);
        assert_eq!(r["arc_duration_source"], "device", "{id}");
        assert!(
            close(num(r, "arc_duration_ms"), full, 1e-12),
            "{id}: {} vs {full}",
            r["arc_duration_ms"]
        );
        match reduced {
            Some(t) => assert!(
                close(num(r, "arc_duration_reduced_ms"), t, 1e-12),
                "{id}: {} vs {t}",
                r["arc_duration_reduced_ms"]
            ),
            None => assert_eq!(r["arc_duration_reduced_ms"], "", "{id}"),
        }
        assert_eq!(r["trip_element_full"], el_full, "{id}");
        assert_eq!(r["trip_element_reduced"], el_reduced, "{id}");
        assert_eq!(r["arc_duration_capped"], capped.to_string(), "{id}");
        let findings: Vec<&str> = r["findings"].split(';').collect();
        assert_eq!(
            findings.contains(&"ARC_DURATION_CAPPED"),
            capped,
            "{id}: {findings:?}"
        );
        assert_eq!(
            findings.contains(&"DEVICE_NO_TRIP"),
            id == "PNL-480",
            "{id}: {findings:?}"
        );
    }
    // (a) the reduced case governs; (c) DEVICE_NO_TRIP fails the row.
    assert_eq!(rows["MCC-1"]["governing_case"], "reduced");
    assert_eq!(rows["PNL-480"]["compliance_status"], "fail");
    // arc_duration_ms given wins over the device.
    let r = &rows["SWGR-INPUT"];
    assert_eq!(
        (
            r["arc_duration_source"].as_str(),
            r["arc_duration_ms"].as_str(),
            r["trip_element_full"].as_str(),
            r["arc_duration_capped"].as_str()
        ),
        ("input", "197.0", "", "false")
    );
}

#[test]
fn device_rows_equal_the_same_rows_with_the_times_given() {
    let rows = run_with(&path("devices.csv"), &[]);
    let dir = tempfile::tempdir().unwrap();
    let explicit = dir.path().join("explicit.csv");
    let mut text = String::from("facility_id,equipment_id,equipment_class,nominal_voltage_v,bolted_fault_current_ka,working_distance_mm,arc_duration_ms,arc_duration_reduced_ms\n");
    let source = crate::common::read_csv("devices.csv");
    for (id, full, reduced, ..) in expected(&rows) {
        let s = source.iter().find(|r| r["equipment_id"] == id).unwrap();
        text += &format!(
            "DEV,{id},{},{},{},{},{full:?},{}\n",
            s["equipment_class"],
            s["nominal_voltage_v"],
            s["bolted_fault_current_ka"],
            s["working_distance_mm"],
            reduced.map_or(String::new(), |t| format!("{t:?}"))
        );
    }
    std::fs::write(&explicit, text).unwrap();
    let given = run_with(explicit.to_str().unwrap(), &[]);
    for (id, ..) in expected(&rows) {
        let (d, g) = (&rows[id], &given[id]);
        assert_eq!(g["arc_duration_source"], "input", "{id}");
        for c in [
            "incident_energy_cal_cm2",
            "incident_energy_reduced_cal_cm2",
            "arc_flash_boundary_mm",
            "arc_flash_boundary_reduced_mm",
        ] {
            if g[c].is_empty() {
                assert_eq!(d[c], "", "{id} {c}");
            } else {
                assert!(
                    close(num(d, c), num(g, c), 1e-9),
                    "{id} {c}: {} vs {}",
                    d[c],
                    g[c]
                );
            }
        }
        for c in ["governing_case", "ppe_category", "danger", "method"] {
            assert_eq!(d[c], g[c], "{id} {c}");
        }
    }
}

#[test]
fn the_summary_counts_capped_and_no_trip_rows() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.csv");
    run_with(
        &path("devices.csv"),
        &["--summary", summary.to_str().unwrap()],
    );
    let s = &parse_csv(&std::fs::read(&summary).unwrap())[0];
    assert_eq!(s["arc_duration_capped_count"], "2", "PNL-480 and SWGR-MV");
    assert_eq!(s["device_no_trip_count"], "1", "PNL-480");
}

#[test]
fn the_cap_is_a_flag_and_none_makes_a_no_trip_row_not_applicable() {
    let rows = run_with(&path("devices.csv"), &["--max-arc-duration", "none"]);
    let r = &rows["PNL-480"];
    assert_eq!(r["status"], "not_applicable");
    assert!(
        r["errors"].contains("protective_device_id")
            && r["errors"].contains("'F-4000A' does not trip"),
        "{}",
        r["errors"]
    );
    assert_eq!(
        r["incident_energy_cal_cm2"], "",
        "never a silent infinite or zero time"
    );
    assert!(
        r["findings"].contains("DEVICE_NO_TRIP"),
        "{}",
        r["findings"]
    );
    assert_eq!(r["compliance_status"], "fail");
    let r = &rows["SWGR-MV"];
    let uncapped =
        (ieee_ei(num(r, "arcing_current_ka") * 1000.0 / 600.0, 10.0) + 5.0 / 60.0) * 1000.0;
    assert!(
        close(num(r, "arc_duration_ms"), uncapped, 1e-12),
        "{}",
        r["arc_duration_ms"]
    );
    assert_eq!(r["arc_duration_capped"], "false");
    assert!(!r["findings"].contains("ARC_DURATION_CAPPED"));
    // A lower cap catches the transformer primary relay too.
    let rows = run_with(&path("devices.csv"), &["--max-arc-duration", "500"]);
    let r = &rows["SWGR-LV"];
    assert_eq!(
        (
            r["arc_duration_ms"].as_str(),
            r["arc_duration_capped"].as_str()
        ),
        ("500.0", "true")
    );
    assert_eq!(rows["PNL-480"]["arc_duration_ms"], "500.0");
    assert_eq!(rows["MCC-1"]["arc_duration_capped"], "false");
}

#[test]
fn results_do_not_depend_on_jobs() {
    let run = |jobs: &str| {
        voltmetrics()
            .args([
                "run",
                &path("devices.csv"),
                "-q",
                "--as-of",
                AS_OF,
                "--jobs",
                jobs,
            ])
            .args(["--devices", &path("devices.toml")])
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(run("1"), run("2"));
}

fn inventory(dir: &tempfile::TempDir, rows: &str) -> String {
    let p = dir.path().join("inv.csv");
    std::fs::write(
        &p,
        format!("facility_id,equipment_id,equipment_class,nominal_voltage_v,bolted_fault_current_ka,protective_device_id\n{rows}"),
    )
    .unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn an_unknown_device_is_an_invalid_row_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let inv = inventory(&dir, "F,A,mcc,480,12,CB-MCC1\nF,B,mcc,480,12,CB-NOPE\n");
    let rows = run_with(&inv, &[]);
    assert_eq!(rows["A"]["status"], "ok");
    assert_eq!(rows["B"]["status"], "invalid");
    assert!(
        rows["B"]["errors"].contains("unknown device 'CB-NOPE'"),
        "{}",
        rows["B"]["errors"]
    );
    voltmetrics()
        .args(["validate", &inv, "--devices", &path("devices.toml")])
        .assert()
        .code(3)
        .stdout(predicate::str::contains(
            "inv.csv:2: protective_device_id: 'CB-NOPE': unknown device",
        ));
    // Half the clearing times given and half from the device: invalid, saying so.
    let half = dir.path().join("half.csv");
    std::fs::write(
        &half,
        "facility_id,equipment_id,equipment_class,nominal_voltage_v,bolted_fault_current_ka,protective_device_id,arc_duration_reduced_ms\nF,A,mcc,480,12,CB-MCC1,300\n",
    )
    .unwrap();
    let rows = run_with(half.to_str().unwrap(), &[]);
    assert_eq!(rows["A"]["status"], "invalid");
    assert!(
        rows["A"]["errors"].starts_with("arc_duration_reduced_ms: given without arc_duration_ms"),
        "{}",
        rows["A"]["errors"]
    );
    // Without a library, a device row has no clearing time: invalid, saying what to give.
    voltmetrics()
        .args(["validate", &inv])
        .assert()
        .code(3)
        .stdout(predicate::str::contains(
            "no device library is given (--devices FILE)",
        ));
}

#[test]
fn library_problems_are_run_errors_naming_the_file_device_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let inv = path("devices.csv");
    let good = std::fs::read_to_string(fixture("devices.toml")).unwrap();
    for (name, bad, says) in [
        (
            "curve.toml",
            good.replace("\"IEEE-EI\"", "\"IEEE-XI\""),
            "device 'R-FDR-SLOW', curve: unknown curve 'IEEE-XI'",
        ),
        (
            "dial.toml",
            good.replace("time_dial = 0.5", "time_dial = 0.0"),
            "device 'R-XFMR-51', time_dial: 0 is not a positive number",
        ),
        (
            "points.toml",
            good.replace("[1200.0, 0.02]", "[1200.0, 2.0]"),
            "device 'F-100A', points[3]",
        ),
        (
            "syntax.toml",
            good.replace("rating_a = 100.0", "rating_a = = 100.0"),
            "line 16",
        ),
        (
            "dup.toml",
            good.replace("\"F-4000A\"", "\"F-100A\""),
            "device 'F-100A', id",
        ),
    ] {
        let lib = dir.path().join(name);
        std::fs::write(&lib, bad).unwrap();
        let lib = lib.to_str().unwrap();
        let out = dir.path().join("out.csv");
        voltmetrics()
            .args(["validate", &inv, "--devices", lib])
            .assert()
            .code(1)
            .stderr(predicate::str::contains(lib).and(predicate::str::contains(says)));
        voltmetrics()
            .args(["run", &inv, "--devices", lib, "-o", out.to_str().unwrap()])
            .assert()
            .code(1)
            .stderr(predicate::str::contains(says));
        assert!(
            !out.exists(),
            "{name}: the library is checked before any row is written"
        );
    }
    voltmetrics()
        .args(["validate", &inv, "--devices", &path("devices.toml")])
        .assert()
        .success();
}

fn calc_json(extra: &[&str]) -> serde_json::Value {
    let out = voltmetrics()
        .args(["calc", "--voltage", "480", "--json"])
        .args(["--devices", &path("devices.toml")])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn calc_takes_the_clearing_times_from_a_device_as_run_does() {
    let j = calc_json(&[
        "--fault-current",
        "12",
        "--class",
        "mcc",
        "--device",
        "CB-MCC1",
    ]);
    assert_eq!(j["arc_duration_ms"], 50.0);
    assert_eq!(j["arc_duration_reduced_ms"], 200.0);
    assert_eq!(j["trip_element_full"], "instantaneous");
    assert_eq!(j["trip_element_reduced"], "short_time");
    assert_eq!(j["arc_duration_source"], "device");
    let row = &run_with(&path("devices.csv"), &[])["MCC-1"];
    assert_eq!(
        j["incident_energy_cal_cm2"].as_f64().unwrap(),
        num(row, "incident_energy_cal_cm2")
    );
    assert_eq!(
        j["input_hash"],
        row["input_hash"].as_str(),
        "calc hashes the same inputs as run"
    );
    // --duration wins over the device, as arc_duration_ms does.
    let j = calc_json(&[
        "--fault-current",
        "12",
        "--class",
        "mcc",
        "--device",
        "CB-MCC1",
        "--duration",
        "80",
    ]);
    assert_eq!(
        (
            j["arc_duration_ms"].as_f64(),
            j["arc_duration_source"].as_str()
        ),
        (Some(80.0), Some("input"))
    );
    // The table shows each case's current through the device, element and time.
    voltmetrics()
        .args([
            "calc",
            "--voltage",
            "480",
            "--fault-current",
            "12",
            "--class",
            "mcc",
        ])
        .args(["--devices", &path("devices.toml"), "--device", "CB-MCC1"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("CB-MCC1 (breaker)")
                .and(predicate::str::contains("instantaneous element, 0.0500 s"))
                .and(predicate::str::contains("short_time element, 0.2000 s"))
                .and(predicate::str::contains("reduced case: current through it")),
        );
    // The transformer primary relay at its factor; a device that does not trip.
    let j = calc_json(&[
        "--device",
        "R-XFMR-51",
        "--device-current-factor",
        "0.0347826087",
        "--fault-current",
        "30",
        "--class",
        "switchgear",
    ]);
    assert_eq!(j["trip_element_full"], "inverse");
    let j = calc_json(&[
        "--device",
        "F-4000A",
        "--fault-current",
        "20",
        "--class",
        "panelboard",
    ]);
    assert_eq!(
        (
            j["arc_duration_ms"].as_f64(),
            j["arc_duration_capped"].as_bool()
        ),
        (Some(2000.0), Some(true))
    );
}

#[test]
fn calc_device_errors_are_usage_errors_naming_the_flag() {
    let base = [
        "calc",
        "--voltage",
        "480",
        "--fault-current",
        "12",
        "--class",
        "mcc",
    ];
    voltmetrics()
        .args(base)
        .args(["--devices", &path("devices.toml"), "--device", "NOPE"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--device NOPE").and(predicate::str::contains("CB-MCC1")));
    voltmetrics()
        .args(base)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--duration"));
    voltmetrics()
        .args([
            "calc",
            "--voltage",
            "480",
            "--fault-current",
            "20",
            "--class",
            "panelboard",
        ])
        .args([
            "--devices",
            &path("devices.toml"),
            "--device",
            "F-4000A",
            "--max-arc-duration",
            "none",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("'F-4000A' does not trip"));
}

/// Every key of a TOML table and its sub-tables, as `relay.curve`, `breaker.short_time.i2t`.
fn keys(prefix: &str, v: &toml::Value, out: &mut Vec<String>) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let name = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                out.push(name.clone());
                keys(&name, v, out);
            }
        }
        toml::Value::Array(a) => a.iter().for_each(|v| keys(prefix, v, out)),
        _ => {}
    }
}

/// The same paths in the JSON Schema.
fn schema_keys(prefix: &str, v: &serde_json::Value, out: &mut Vec<String>) {
    if let Some(items) = v.get("items") {
        return schema_keys(prefix, items, out);
    }
    if let Some(props) = v.get("properties").and_then(|p| p.as_object()) {
        for (k, v) in props {
            let name = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            out.push(name.clone());
            schema_keys(&name, v, out);
        }
    }
}

#[test]
fn schema_devices_describes_the_library() {
    let out = voltmetrics().args(["schema", "devices"]).output().unwrap();
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut described = Vec::new();
    schema_keys("", &schema, &mut described);
    let lib: toml::Value =
        toml::from_str(&std::fs::read_to_string(fixture("devices.toml")).unwrap()).unwrap();
    let mut used = Vec::new();
    keys("", &lib, &mut used);
    for k in &used {
        assert!(
            described.contains(k),
            "{k} is used by fixtures/devices.toml but not in the schema"
        );
    }
    let curves = &schema["properties"]["relay"]["items"]["properties"]["curve"]["enum"];
    assert_eq!(curves.as_array().unwrap().len(), 19);
    // Every described field is accepted: a library using all of them is valid, and uses no other.
    let full = r#"
[[relay]]
id = "R"
curve = "IEC-SI"
pickup_a = 100.0
time_dial = 0.1
max_multiple = 30.0
instantaneous_pickup_a = 2000.0
definite_time = [ { pickup_a = 500.0, delay_s = 0.2 } ]
breaker_opening_cycles = 3.0
frequency_hz = 50.0

[[breaker]]
id = "B"
long_time = { pickup_a = 800.0, delay_s = 10.0, tolerance = 1.2 }
short_time = { pickup_a = 4000.0, delay_s = 0.25, i2t = true, tolerance = 1.1, max_clearing_s = 0.4 }
instantaneous = { pickup_a = 12000.0, tolerance = 1.15, clearing_s = 0.05 }

[[fuse]]
id = "F"
rating_a = 200.0
curve = "average_melt"
points = [[400.0, 300.0], [6000.0, 0.01]]
"#;
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("full.toml");
    std::fs::write(&lib, full).unwrap();
    voltmetrics()
        .args([
            "validate",
            &path("devices.csv"),
            "--devices",
            lib.to_str().unwrap(),
        ])
        .assert()
        .code(3); // the fixture's ids are not in this library
    let mut all = Vec::new();
    keys("", &toml::from_str(full).unwrap(), &mut all);
    all.sort();
    described.sort();
    assert_eq!(all, described);
}
