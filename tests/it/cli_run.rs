//! `voltmetrics run` through the real binary, on the bundled fixture and on small inputs made
//! here.

use crate::common;

use crate::common::{csv_header, fixture, parse_csv, run_fixture, voltmetrics, FIXTURE_AS_OF};
use predicates::prelude::*;
use std::collections::HashMap;
use std::path::Path;

fn fixture_rows() -> usize {
    common::read_csv("inventory.csv").len()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

const HEADER: &str = "facility_id,equipment_id,equipment_class,nominal_voltage_v,bolted_fault_current_ka,arc_duration_ms";

fn by_id(rows: &[HashMap<String, String>]) -> HashMap<String, HashMap<String, String>> {
    rows.iter()
        .map(|r| {
            (
                format!("{}/{}", r["facility_id"], r["equipment_id"]),
                r.clone(),
            )
        })
        .collect()
}

#[test]
fn every_input_row_has_an_output_row_in_order() {
    let out = parse_csv(&run_fixture(&[]));
    let input = common::read_csv("inventory.csv");
    assert_eq!(out.len(), input.len());
    for (o, i) in out.iter().zip(&input) {
        assert_eq!(o["facility_id"], i["facility_id"]);
        assert_eq!(o["equipment_id"], i["equipment_id"]);
    }
}

#[test]
fn output_columns_follow_the_contract_then_pass_through() {
    let header = csv_header(&run_fixture(&[]));
    let expected: Vec<&str> = voltmetrics::contract::results::names().collect();
    assert_eq!(&header[..expected.len()], &expected[..]);
    assert_eq!(&header[expected.len()..], ["location", "notes"]);
    let rows = by_id(&parse_csv(&run_fixture(&[])));
    assert_eq!(rows["PLANT-A/SWGR-A1"]["location"], "Main electrical room");
    assert_eq!(
        rows["PLANT-A/SWGR-A2"]["notes"],
        "Annex D.1 geometry via class defaults"
    );
}

#[test]
fn ids_stay_text_even_when_numeric() {
    let rows = parse_csv(&run_fixture(&[]));
    assert!(rows
        .iter()
        .any(|r| r["facility_id"] == "0042" && r["equipment_id"] == "007"));
}

#[test]
fn annex_d1_through_class_defaults() {
    let rows = by_id(&parse_csv(&run_fixture(&[])));
    let r = &rows["PLANT-A/SWGR-A2"];
    let e: f64 = r["incident_energy_j_cm2"].parse().unwrap();
    assert!((e - 13.343).abs() < 5e-4, "{e}");
    assert_eq!(r["governing_case"], "reduced");
    assert_eq!(r["method"], "ieee1584-2018@1");
    assert!(r["defaults_applied"].contains("gap_mm"));
}

#[test]
fn each_invalid_value_kind_has_its_message() {
    let rows = by_id(&parse_csv(&run_fixture(&[])));
    let cases = [
        (
            "0042/BAD-NUM",
            "nominal_voltage_v: value 'abc' is not a number",
        ),
        (
            "0042/BAD-NEG",
            "bolted_fault_current_ka: value '-5' is negative",
        ),
        ("0042/BAD-ZERO", "gap_mm: value '0' is zero"),
        (
            "0042/BAD-NAN",
            "working_distance_mm: value 'NaN' is not a number",
        ),
        ("0042/BAD-INF", "arc_duration_ms: value 'inf' is infinite"),
        (
            "0042/BAD-ENUM",
            "equipment_class: unknown value 'transformer', accepted: switchgear",
        ),
        (
            "0042/BAD-DATE",
            "study_date: value '2024-13-45' is not a date, expected YYYY-MM-DD",
        ),
        ("0042/BAD-MISSING", "nominal_voltage_v: missing"),
    ];
    for (id, msg) in cases {
        assert_eq!(rows[id]["status"], "invalid", "{id}");
        assert!(
            rows[id]["errors"].contains(msg),
            "{id}: {}",
            rows[id]["errors"]
        );
        assert_eq!(
            rows[id]["incident_energy_cal_cm2"], "",
            "{id} has no numbers"
        );
    }
    let dups: Vec<_> = parse_csv(&run_fixture(&[]))
        .into_iter()
        .filter(|r| r["equipment_id"] == "DUP-1")
        .collect();
    assert_eq!(dups.len(), 2);
    assert!(
        dups[0]["errors"].contains("also on row 74"),
        "{}",
        dups[0]["errors"]
    );
    assert!(
        dups[1]["errors"].contains("also on row 73"),
        "{}",
        dups[1]["errors"]
    );
    assert!(dups.iter().all(|r| r["status"] == "invalid"));
}

#[test]
fn not_applicable_rows_say_why() {
    let rows = by_id(&parse_csv(&run_fixture(&[])));
    let row = &rows["PLANT-B/B-LOW-I"];
    assert_eq!(row["status"], "not_applicable");
    assert!(row["errors"].contains("0.5 to 106 kA"), "{}", row["errors"]);
    // With IEEE 1584-2018 asked for, the DC row and the 20 kV row are not applicable either.
    let rows = by_id(&parse_csv(&run_fixture(&["--method", "ieee1584-2018@1"])));
    for (id, needle) in [
        ("PLANT-B/B-DC-1", "covers three-phase AC only"),
        ("PLANT-B/B-20KV", "208 to 15000 V"),
    ] {
        assert_eq!(rows[id]["status"], "not_applicable", "{id}");
        assert!(
            rows[id]["errors"].contains(needle),
            "{id}: {}",
            rows[id]["errors"]
        );
    }
    // Shock boundaries still apply (DC table for the DC row).
    assert_eq!(
        rows["PLANT-B/B-DC-1"]["limited_approach_fixed_mm"],
        "1066.8"
    );
}

#[test]
fn auto_picks_the_method_by_system_and_voltage() {
    let rows = by_id(&parse_csv(&run_fixture(&[])));
    for (id, method) in [
        ("PLANT-A/SWGR-A2", "ieee1584-2018@1"),
        ("PLANT-B/B-DC-1", "dc-max-power@1"),
        ("PLANT-B/B-20KV", "lee@1"),
    ] {
        assert_eq!(rows[id]["status"], "ok", "{id}: {}", rows[id]["errors"]);
        assert_eq!(rows[id]["method"], method, "{id}");
    }
    // No reduced case: the reduced columns are empty and the full case governs.
    for id in ["PLANT-B/B-DC-1", "PLANT-B/B-20KV"] {
        let r = &rows[id];
        assert_eq!(r["governing_case"], "full");
        for c in [
            "arcing_current_reduced_ka",
            "arc_duration_reduced_ms",
            "incident_energy_reduced_cal_cm2",
            "arc_flash_boundary_reduced_mm",
        ] {
            assert_eq!(r[c], "", "{id} {c}");
        }
    }
}

#[test]
fn every_compliance_rule_is_triggered_by_a_fixture_row() {
    let rows = by_id(&parse_csv(&run_fixture(&[])));
    let cases = [
        ("PLANT-A/LBL-MISSING", "LABEL_MISSING", "fail"),
        ("PLANT-A/LBL-IE-LOW", "LABEL_IE_UNDERSTATED", "fail"),
        ("PLANT-A/LBL-AFB-LOW", "LABEL_AFB_UNDERSTATED", "fail"),
        ("PLANT-A/LBL-PPE-LOW", "LABEL_PPE_UNDERSTATED", "fail"),
        ("PLANT-A/LBL-OLD", "LABEL_PREDATES_STUDY", "warn"),
        ("PLANT-A/STUDY-NONE", "STUDY_MISSING", "warn"),
        ("PLANT-A/STUDY-OLD", "STUDY_OVERDUE", "fail"),
        ("PLANT-A/STUDY-SOON", "STUDY_DUE_SOON", "warn"),
        ("PLANT-A/MAINT-OLD", "MAINTENANCE_OVERDUE", "fail"),
        ("PLANT-A/MAINT-POOR", "MAINTENANCE_POOR", "warn"),
        ("PLANT-A/DANGER-1", "DANGER_OVER_40", "fail"),
        ("PLANT-A/CLOSE-WD", "OUT_OF_RANGE", "warn"),
    ];
    for (id, rule, status) in cases {
        let r = &rows[id];
        assert!(
            r["findings"].split(';').any(|f| f == rule),
            "{id}: {}",
            r["findings"]
        );
        assert_eq!(r["compliance_status"], status, "{id}");
    }
    assert_eq!(rows["PLANT-A/SWGR-A1"]["compliance_status"], "pass");
    assert_eq!(rows["PLANT-A/SWGR-A1"]["findings"], "");
    assert_eq!(rows["PLANT-A/DANGER-1"]["danger"], "true");
    assert_eq!(rows["PLANT-A/DANGER-1"]["ppe_category"], "");
}

#[test]
fn jobs_1_and_jobs_2_are_byte_identical() {
    assert_eq!(run_fixture(&["--jobs", "1"]), run_fixture(&["--jobs", "2"]));
    // Across the parallel chunk boundary too.
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from(HEADER) + "\n";
    for k in 0..40_000 {
        text.push_str(&format!(
            "F{},E{k},mcc,{},{},{}\n",
            k % 9,
            [208, 480, 4160][k % 3],
            5 + k % 40,
            20 + k % 300
        ));
    }
    let p = write(dir.path(), "big.csv", &text);
    let run = |j: &str| {
        voltmetrics()
            .args(["run", &p, "--as-of", "2026-01-01", "-q", "--jobs", j])
            .output()
            .unwrap()
            .stdout
    };
    let (a, b) = (run("1"), run("2"));
    assert_eq!(a, b);
    assert_eq!(parse_csv(&a).len(), 40_000);
}

#[test]
fn input_hash_is_stable_and_ignores_number_spelling() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "a.csv",
        &format!("{HEADER}\nF,E1,mcc,480,20,50\n"),
    );
    let b = write(
        dir.path(),
        "b.csv",
        &format!("{HEADER}\nF,E1,mcc,480.0,2e1,50.00\n"),
    );
    let c = write(
        dir.path(),
        "c.csv",
        &format!("{HEADER}\nF,E1,mcc,480,21,50\n"),
    );
    let hash = |p: &str| {
        parse_csv(
            &voltmetrics()
                .args(["run", p, "-q"])
                .output()
                .unwrap()
                .stdout,
        )[0]["input_hash"]
            .clone()
    };
    assert_eq!(hash(&a), hash(&b));
    assert_ne!(hash(&a), hash(&c));
    assert_eq!(hash(&a), hash(&a));
    assert_eq!(hash(&a).len(), 16);
}

#[test]
fn stdin_input() {
    let text = std::fs::read(fixture("inventory.csv")).unwrap();
    let out = voltmetrics()
        .args(["run", "-", "--as-of", FIXTURE_AS_OF, "-q"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, run_fixture(&[]));
}

#[test]
fn parquet_and_gzip_inputs_give_the_same_results() {
    let csv = run_fixture(&[]);
    let pq = voltmetrics()
        .args([
            "run",
            fixture("inventory.parquet").to_str().unwrap(),
            "--as-of",
            FIXTURE_AS_OF,
            "-q",
        ])
        .output()
        .unwrap();
    assert_eq!(pq.stdout, csv, "Parquet input");
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("inventory.csv.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::default(),
    );
    std::io::Write::write_all(&mut enc, &std::fs::read(fixture("inventory.csv")).unwrap()).unwrap();
    enc.finish().unwrap();
    let out = voltmetrics()
        .args(["run", gz.to_str().unwrap(), "--as-of", FIXTURE_AS_OF, "-q"])
        .output()
        .unwrap();
    assert_eq!(out.stdout, csv, "gzip input");
}

#[test]
fn several_inputs_are_concatenated_and_duplicates_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "a.csv",
        &format!("{HEADER}\nF,E1,mcc,480,20,50\nF,E2,mcc,480,20,50\n"),
    );
    let b = write(dir.path(), "b.csv", "arc_duration_ms,facility_id,equipment_id,equipment_class,nominal_voltage_v,bolted_fault_current_ka,extra\n50,F,E1,mcc,480,20,x\n");
    let out = voltmetrics().args(["run", &a, &b, "-q"]).output().unwrap();
    let rows = parse_csv(&out.stdout);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[2]["extra"], "x");
    assert_eq!(rows[0]["extra"], "");
    assert!(
        rows[0]["errors"].contains("b.csv row 1"),
        "{}",
        rows[0]["errors"]
    );
    assert!(
        rows[2]["errors"].contains("a.csv row 1"),
        "{}",
        rows[2]["errors"]
    );
    assert_eq!(rows[1]["status"], "ok");
}

#[test]
fn column_names_are_normalised() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "a.csv", " Facility_ID ,EQUIPMENT_ID,Equipment_Class,Nominal_Voltage_V,bolted_fault_current_ka,ARC_DURATION_MS\nF,E1,MCC,480,20,50\n");
    let rows = parse_csv(
        &voltmetrics()
            .args(["run", &p, "-q"])
            .output()
            .unwrap()
            .stdout,
    );
    assert_eq!(rows[0]["status"], "ok", "{}", rows[0]["errors"]);
}

fn run_error(args: &[&str], needles: &[&str]) {
    let mut a = voltmetrics().args(args).assert().code(1);
    for n in needles {
        a = a.stderr(predicate::str::contains(*n));
    }
}

#[test]
fn file_level_problems_are_run_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.csv");
    run_error(
        &["run", missing.to_str().unwrap()],
        &["nope.csv", "cannot read"],
    );
    let empty = write(dir.path(), "empty.csv", "");
    run_error(&["run", &empty], &["empty.csv", "empty"]);
    let no_col = write(
        dir.path(),
        "nocol.csv",
        "facility_id,equipment_id,electrode_config\nF,E,VCB\n",
    );
    run_error(
        &["run", &no_col],
        &[
            "nocol.csv",
            "required column(s) missing",
            "nominal_voltage_v",
            "bolted_fault_current_ka",
        ],
    );
    let binary = dir.path().join("blob.csv");
    std::fs::write(&binary, [0u8, 159, 146, 150, 255, 254, 0, 1, 2]).unwrap();
    run_error(
        &["run", binary.to_str().unwrap()],
        &["blob.csv", "not a CSV file"],
    );
    let bad_pq = dir.path().join("bad.parquet");
    std::fs::write(&bad_pq, b"PAR1 this is not really parquet").unwrap();
    run_error(
        &["run", bad_pq.to_str().unwrap()],
        &["bad.parquet", "not a readable Parquet file"],
    );
    let dup_cols = write(
        dir.path(),
        "dupcol.csv",
        "facility_id,Facility_ID,equipment_id\nF,G,E\n",
    );
    run_error(
        &["run", &dup_cols],
        &["dupcol.csv", "both named 'facility_id'"],
    );
    // Nothing is written when the input cannot be read.
    let out = dir.path().join("out.csv");
    voltmetrics()
        .args([
            "run",
            missing.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .assert()
        .code(1);
    assert!(!out.exists());
}

#[test]
fn usage_errors_exit_2() {
    let f = fixture("inventory.csv");
    let f = f.to_str().unwrap();
    voltmetrics()
        .args(["run", f, "--as-of", "yesterday"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--as-of 'yesterday'"));
    voltmetrics()
        .args(["run", f, "--format", "xml"])
        .assert()
        .code(2);
    voltmetrics()
        .args(["run", f, "-o", "out.xlsx"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("extension"));
    voltmetrics()
        .args(["run", f, "--jobs", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--jobs 0"));
    voltmetrics()
        .args(["run", f, "--maintenance-intervals", "1,2"])
        .assert()
        .code(2);
    voltmetrics()
        .args(["run", f, "--fail-on", "everything"])
        .assert()
        .code(2);
    voltmetrics().args(["run"]).assert().code(2);
    voltmetrics()
        .args(["run", f, "--max-arc-duration", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--max-arc-duration 0"));
    // A device library that cannot be read is a run error naming it (see cli_devices).
    voltmetrics()
        .args(["run", f, "--devices", "no-such-devices.toml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no-such-devices.toml"));
}

#[test]
fn gates_set_exit_codes_after_writing_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture("inventory.csv");
    let f = f.to_str().unwrap();
    let out = dir.path().join("r.csv");
    let o = out.to_str().unwrap();
    voltmetrics()
        .args([
            "run",
            f,
            "--as-of",
            FIXTURE_AS_OF,
            "-q",
            "-o",
            o,
            "--fail-on",
            "invalid",
        ])
        .assert()
        .code(3);
    assert_eq!(
        parse_csv(&std::fs::read(&out).unwrap()).len(),
        fixture_rows(),
        "written before the gate"
    );
    voltmetrics()
        .args([
            "run",
            f,
            "--as-of",
            FIXTURE_AS_OF,
            "-q",
            "-o",
            o,
            "--fail-on",
            "danger",
        ])
        .assert()
        .code(4);
    voltmetrics()
        .args([
            "run",
            f,
            "--as-of",
            FIXTURE_AS_OF,
            "-q",
            "-o",
            o,
            "--fail-on",
            "noncompliant",
        ])
        .assert()
        .code(4);
    voltmetrics()
        .args([
            "run",
            f,
            "--as-of",
            FIXTURE_AS_OF,
            "-q",
            "-o",
            o,
            "--fail-on",
            "danger",
            "--fail-on",
            "invalid",
        ])
        .assert()
        .code(3);
    voltmetrics()
        .args(["run", f, "--as-of", FIXTURE_AS_OF, "-q", "-o", o])
        .assert()
        .code(0);
    let clean = write(
        dir.path(),
        "clean.csv",
        &format!("{HEADER}\nF,E1,mcc,480,20,50\n"),
    );
    voltmetrics()
        .args([
            "run",
            &clean,
            "-q",
            "-o",
            o,
            "--fail-on",
            "invalid",
            "--fail-on",
            "danger",
        ])
        .assert()
        .code(0);
}

#[test]
fn output_formats_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture("inventory.csv");
    let f = f.to_str().unwrap();
    let n = fixture_rows();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    for name in ["r.csv", "r.parquet", "r.json", "r.ndjson", "r.txt"] {
        voltmetrics()
            .args(["run", f, "--as-of", FIXTURE_AS_OF, "-q", "-o", &path(name)])
            .args(if name == "r.txt" {
                &["--wide"][..]
            } else {
                &[]
            })
            .assert()
            .success();
    }
    assert_eq!(parse_csv(&std::fs::read(path("r.csv")).unwrap()).len(), n);
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path("r.json")).unwrap()).unwrap();
    let arr = json.as_array().unwrap();
    assert_eq!(arr.len(), n);
    assert_eq!(arr[0]["facility_id"], "PLANT-A");
    assert_eq!(arr[0]["status"], "ok");
    let nd = std::fs::read_to_string(path("r.ndjson")).unwrap();
    assert_eq!(nd.lines().count(), n);
    for line in nd.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(v["input_hash"].is_string());
    }
    let table = std::fs::read_to_string(path("r.txt")).unwrap();
    assert_eq!(table.lines().count(), n + 1);
    assert!(table
        .lines()
        .next()
        .unwrap()
        .starts_with("facility_id  equipment_id  status"));
    // Parquet read back with polars: same rows and values as CSV, and the run metadata.
    use polars::prelude::*;
    let file = std::fs::File::open(path("r.parquet")).unwrap();
    let mut reader = ParquetReader::new(file);
    let kv: HashMap<String, String> = reader
        .get_metadata()
        .unwrap()
        .key_value_metadata()
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|kv| (kv.key, kv.value.unwrap_or_default()))
        .collect();
    assert_eq!(kv["voltmetrics.version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        kv["voltmetrics.methods"],
        "ieee1584-2018@1,ieee1584-2002@1,lee@1,dc-max-power@1,dc-stokes-oppenlander@1,dc-ammerman@1"
    );
    assert_eq!(kv["voltmetrics.as_of"], "2026-06-30T00:00:00Z");
    assert_eq!(kv["voltmetrics.run_id"].len(), 36);
    assert!(kv["voltmetrics.inputs"].contains("inventory.csv"));
    let df = reader.finish().unwrap();
    assert_eq!(df.height(), n);
    let ie = df
        .column("incident_energy_cal_cm2")
        .unwrap()
        .f64()
        .unwrap()
        .clone();
    let csv_rows = parse_csv(&std::fs::read(path("r.csv")).unwrap());
    for (i, r) in csv_rows.iter().enumerate() {
        match (ie.get(i), r["incident_energy_cal_cm2"].as_str()) {
            (None, "") => {}
            (Some(a), s) => assert_eq!(a, s.parse::<f64>().unwrap(), "row {i}"),
            (a, s) => panic!("row {i}: {a:?} vs {s:?}"),
        }
    }
    assert_eq!(df.column("facility_id").unwrap().dtype(), &DataType::String);
    assert!(df.column("location").is_ok());
}

#[test]
fn run_ids_are_time_ordered_uuid_v7() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture("inventory.csv");
    let read_id = |p: &Path| {
        use polars::prelude::*;
        let mut r = ParquetReader::new(std::fs::File::open(p).unwrap());
        let md = r
            .get_metadata()
            .unwrap()
            .key_value_metadata()
            .clone()
            .unwrap();
        md.into_iter()
            .find(|kv| kv.key == "voltmetrics.run_id")
            .unwrap()
            .value
            .unwrap()
    };
    let a = dir.path().join("a.parquet");
    let b = dir.path().join("b.parquet");
    voltmetrics()
        .args(["run", f.to_str().unwrap(), "-q", "-o", a.to_str().unwrap()])
        .assert()
        .success();
    std::thread::sleep(std::time::Duration::from_millis(5));
    voltmetrics()
        .args(["run", f.to_str().unwrap(), "-q", "-o", b.to_str().unwrap()])
        .assert()
        .success();
    let (ia, ib) = (read_id(&a), read_id(&b));
    assert_eq!(&ia[14..15], "7", "version nibble of {ia}");
    assert!(ia < ib, "{ia} then {ib}");
}

#[test]
fn atomic_write_leaves_nothing_when_the_directory_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    // CSV is written from the whole result frame, Parquet part by part.
    for name in ["r.csv", "r.parquet"] {
        let target = dir.path().join("missing-dir").join(name);
        voltmetrics()
            .args([
                "run",
                fixture("inventory.csv").to_str().unwrap(),
                "-q",
                "-o",
                target.to_str().unwrap(),
            ])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("does not exist"))
            .stderr(predicate::str::contains(name));
        assert!(!target.exists());
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no temporary file left behind"
    );
}

#[test]
fn closed_pipe_exits_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from(HEADER) + "\n";
    for k in 0..30_000 {
        text.push_str(&format!("F,E{k},mcc,480,20,50\n"));
    }
    let p = write(dir.path(), "big.csv", &text);
    let bin = assert_cmd::cargo::cargo_bin!("voltmetrics");
    let status = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; '{}' run '{}' --format csv | head -1 >/dev/null",
            bin.display(),
            p
        ))
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "exit {:?}, stderr {}",
        status.status,
        String::from_utf8_lossy(&status.stderr)
    );
    assert!(
        !String::from_utf8_lossy(&status.stderr).contains("error"),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
}

#[test]
fn stderr_summary_line_and_quiet() {
    let f = fixture("inventory.csv");
    voltmetrics()
        .args(["run", f.to_str().unwrap(), "--as-of", FIXTURE_AS_OF])
        .assert()
        .success()
        .stderr(predicate::str::is_match(r"voltmetrics: 74 rows, 10 invalid, 1 not applicable, 3 facilities, [0-9.]+ s, [0-9]+ rows/s").unwrap());
    voltmetrics()
        .args(["run", f.to_str().unwrap(), "-q"])
        .assert()
        .success()
        .stderr(predicate::str::is_empty());
    // Progress forced on goes to stderr, never stdout.
    let out = voltmetrics()
        .args(["run", f.to_str().unwrap(), "-q", "--progress", "always"])
        .output()
        .unwrap();
    assert_eq!(parse_csv(&out.stdout).len(), fixture_rows());
}

#[test]
fn as_of_accepts_rfc3339() {
    let a = run_fixture(&[]);
    let out = voltmetrics()
        .args([
            "run",
            fixture("inventory.csv").to_str().unwrap(),
            "--as-of",
            "2026-06-30T15:30:00+02:00",
            "-q",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, a, "same day, same compliance");
}

#[test]
fn parquet_written_in_parts_holds_the_same_results_as_csv() {
    // More rows than one part (131072), with a duplicate pair split across the part boundary,
    // an invalid row in the second part and a passed-through column.
    let dir = tempfile::tempdir().unwrap();
    let n = 140_000;
    let mut text = format!("{HEADER},note\n");
    for k in 0..n {
        // Row 135000 repeats row 3's pair (F3, E3).
        let (fac, eq) = if k == 135_000 { (3, 3) } else { (k % 7, k) };
        let volts = if k == n - 1 {
            "abc".to_string()
        } else {
            [208, 480, 4160][k % 3].to_string()
        };
        text.push_str(&format!(
            "F{fac},E{eq},mcc,{volts},{},{},n{k}\n",
            5 + k % 40,
            20 + k % 300
        ));
    }
    let p = write(dir.path(), "big.csv", &text);
    let out = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    for name in ["r.parquet", "r.csv"] {
        voltmetrics()
            .args(["run", &p, "--as-of", "2026-01-01", "-q", "-o", &out(name)])
            .assert()
            .success();
    }
    use polars::prelude::*;
    let mut reader = ParquetReader::new(std::fs::File::open(out("r.parquet")).unwrap());
    let row_groups = reader.get_metadata().unwrap().row_groups.len();
    assert!(row_groups >= 2, "{row_groups} row group(s)");
    let mut df = reader.finish().unwrap();
    assert_eq!(df.height(), n);
    // Written back as CSV by the same writer `run` uses for CSV: byte for byte the same.
    let mut again = Vec::new();
    CsvWriter::new(&mut again)
        .include_header(true)
        .finish(&mut df)
        .unwrap();
    let csv = std::fs::read(out("r.csv")).unwrap();
    assert!(again == csv, "Parquet and CSV results differ");
    let rows = parse_csv(&csv);
    assert!(
        rows[3]["errors"].contains("also on row 135001"),
        "{}",
        rows[3]["errors"]
    );
    assert!(rows[135_000]["errors"].contains("also on row 4"));
    assert_eq!(rows[139_999]["status"], "invalid");
    assert_eq!(rows[139_999]["note"], "n139999");
}

#[cfg(unix)]
#[test]
fn a_device_or_fifo_target_is_written_in_place_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("results.fifo");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let (tx, rx) = std::sync::mpsc::channel();
    {
        let fifo = fifo.clone();
        std::thread::spawn(move || tx.send(std::fs::read(fifo).unwrap()));
    }
    voltmetrics()
        .args([
            "run",
            fixture("inventory.csv").to_str().unwrap(),
            "-q",
            "--format",
            "csv",
            "-o",
            fifo.to_str().unwrap(),
        ])
        .assert()
        .success();
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    // A reader that nobody wrote to would wait forever: give up after a while.
    let got = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("nothing was written to the FIFO");
    assert_eq!(parse_csv(&got).len(), fixture_rows());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}
