//! `run --select COLS` (issue 14): the same columns, in the order given, in every format.

use crate::common::{csv_header, fixture, run_fixture, voltmetrics};

const PICK: &str = "equipment_id,status,incident_energy_cal_cm2,location,risk_level";

fn wanted() -> Vec<String> {
    PICK.split(',').map(str::to_string).collect()
}

#[test]
fn every_format_writes_the_selected_columns_in_order() {
    let csv = run_fixture(&["--select", PICK]);
    assert_eq!(csv_header(&csv), wanted());
    let all = run_fixture(&[]);
    assert_eq!(
        csv.split(|&b| b == b'\n').count(),
        all.split(|&b| b == b'\n').count(),
        "every row"
    );

    let ndjson = run_fixture(&["--select", PICK, "--format", "ndjson"]);
    let first: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(ndjson.split(|&b| b == b'\n').next().unwrap()).unwrap();
    assert_eq!(first.keys().cloned().collect::<Vec<_>>(), wanted());

    let json: Vec<serde_json::Map<String, serde_json::Value>> =
        serde_json::from_slice(&run_fixture(&["--select", PICK, "--format", "json"])).unwrap();
    assert_eq!(json[0].keys().cloned().collect::<Vec<_>>(), wanted());
    assert_eq!(json.len(), 74);

    let table = String::from_utf8(run_fixture(&["--select", PICK, "--format", "table"])).unwrap();
    let head: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(head, wanted());

    let dir = tempfile::tempdir().unwrap();
    let pq = dir.path().join("r.parquet");
    run_fixture(&["--select", PICK, "-o", pq.to_str().unwrap()]);
    use polars::prelude::SerReader;
    let df = polars::prelude::ParquetReader::new(std::fs::File::open(&pq).unwrap())
        .finish()
        .unwrap();
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(names, wanted());
}

#[test]
fn ranges_numbers_and_removals() {
    let csv = run_fixture(&["--select", "1-3,!2"]);
    assert_eq!(csv_header(&csv), ["facility_id", "status"]);
    let csv = run_fixture(&["--select", "!errors,!notes"]);
    let header = csv_header(&csv);
    assert!(!header.contains(&"errors".to_string()) && !header.contains(&"notes".to_string()));
    assert_eq!(header.len(), csv_header(&run_fixture(&[])).len() - 2);
}

#[test]
fn an_unknown_column_is_a_usage_error_naming_it_and_no_file_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("r.csv");
    let out = voltmetrics()
        .arg("run")
        .arg(fixture("inventory.csv"))
        .args([
            "--select",
            "equipment_id,bogus",
            "-o",
            out_path.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--select equipment_id,bogus: no column 'bogus'"),
        "{err}"
    );
    assert!(!out_path.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no temporary file left"
    );
}
