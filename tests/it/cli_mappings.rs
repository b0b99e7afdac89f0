//! `--mapping` (issue 14): each bundled mapping turns its sample export into the rows of a
//! hand-written contract inventory of the same equipment; mistakes name the mapping's line.

use crate::common::{fixture, parse_csv, run_ok, voltmetrics};

/// The contract's result columns of a run (the passed-through ones left out).
fn contract_rows(csv: &[u8]) -> Vec<Vec<(String, String)>> {
    parse_csv(csv)
        .into_iter()
        .map(|r| {
            voltmetrics::contract::results::names()
                .map(|c| (c.to_string(), r[c].clone()))
                .collect()
        })
        .collect()
}

#[test]
fn each_bundled_mapping_gives_the_hand_written_inventorys_rows() {
    for name in ["etap", "skm", "easypower"] {
        let export = fixture(&format!("imports/{name}.csv"));
        let expected = fixture(&format!("imports/{name}.expected.csv"));
        let args = ["--as-of", "2026-06-30"];
        let mapped = run_ok(&export, &[&args[..], &["--mapping", name]].concat());
        let by_hand = run_ok(&expected, &args);
        let (m, h) = (contract_rows(&mapped), contract_rows(&by_hand));
        assert_eq!(m.len(), h.len(), "{name}");
        assert!(
            m.iter()
                .all(|r| r.iter().any(|(c, v)| c == "status" && v == "ok")),
            "{name}: every row computes"
        );
        assert_eq!(m, h, "{name}");
        // What was converted is on every row.
        let notes = parse_csv(&mapped);
        assert!(
            notes[0]["mapped_from"].contains("working_distance_mm<-Working Distance (in) (in->mm)"),
            "{name}: {}",
            notes[0]["mapped_from"]
        );
    }
}

#[test]
fn a_mapping_file_mistake_names_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = String::from_utf8(
        voltmetrics()
            .args(["mappings", "show", "etap"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let missing = dir.path().join("missing.toml");
    std::fs::write(
        &missing,
        text.replace("from = \"Bus kV\"", "from = \"Voltage\""),
    )
    .unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("from = \"Bus kV\""))
        .unwrap()
        + 1;
    let out = voltmetrics()
        .arg("run")
        .arg(fixture("imports/etap.csv"))
        .args(["--mapping", missing.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("missing.toml:{line}: column 'Voltage' is not in")),
        "{err}"
    );

    let unit = dir.path().join("unit.toml");
    std::fs::write(&unit, text.replace("unit = \"kV\"", "unit = \"furlong\"")).unwrap();
    let out = voltmetrics()
        .arg("validate")
        .arg(fixture("imports/etap.csv"))
        .args(["--mapping", unit.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unit.toml:")
            && err.contains("unit 'furlong' does not convert to nominal_voltage_v"),
        "{err}"
    );
}

#[test]
fn mappings_list_and_show() {
    let out = voltmetrics().args(["mappings", "list"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for name in ["etap", "skm", "easypower"] {
        assert!(text.lines().any(|l| l.starts_with(name)), "{text}");
    }
    let out = voltmetrics()
        .args(["mappings", "show", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // A shown mapping, saved and passed as a file, maps as the bundled one.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("skm.toml");
    std::fs::write(
        &file,
        voltmetrics()
            .args(["mappings", "show", "skm"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let export = fixture("imports/skm.csv");
    let a = run_ok(&export, &["--as-of", "2026-06-30", "--mapping", "skm"]);
    let b = run_ok(
        &export,
        &["--as-of", "2026-06-30", "--mapping", file.to_str().unwrap()],
    );
    assert_eq!(contract_rows(&a), contract_rows(&b));
}
