//! Every failure is loud and nothing is lost or left behind (issue 8): broken pipes by type,
//! closed stdout that does not cancel the other stages, duplicate column names, signals,
//! temporary files, links and permissions, and the row-level decisions.

use crate::common;

use crate::common::{fixture, parse_csv, voltmetrics, FIXTURE_AS_OF};
use predicates::prelude::*;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const HEADER: &str =
    "facility_id,equipment_id,equipment_class,nominal_voltage_v,bolted_fault_current_ka,arc_duration_ms";

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

/// `n` rows over three facilities; every 100th has a voltage that is not a number.
fn big_inventory(dir: &Path, n: usize) -> String {
    let mut text = String::from(HEADER) + "\n";
    for k in 0..n {
        let v = if k % 100 == 99 { "abc" } else { "480" };
        text.push_str(&format!("F{},E{k},mcc,{v},{},50\n", k % 3, 5 + k % 50));
    }
    write(dir, "big.csv", &text)
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_voltmetrics")
}

/// Runs the binary, reads one line of its stdout and closes the pipe (as `| head -1` does);
/// returns the exit code and stderr.
fn run_closing_stdout(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(bin())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    // The reader is dropped here: the pipe is closed with most of the output unread.
    let status = child.wait().unwrap();
    (status.code(), err_reader.join().unwrap())
}

#[test]
fn a_missing_file_named_like_a_broken_pipe_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("nope").join("Broken pipe.csv");
    voltmetrics()
        .args(["run", p.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "Broken pipe.csv: cannot read the file",
        ));
}

#[test]
fn closed_stdout_still_writes_the_summary_and_applies_the_gates() {
    let dir = tempfile::tempdir().unwrap();
    let input = big_inventory(dir.path(), 20_000);
    let summary = dir.path().join("summary.csv");
    let (code, stderr) = run_closing_stdout(&[
        "run",
        &input,
        "--format",
        "csv",
        "--fail-on",
        "invalid",
        "--summary",
        summary.to_str().unwrap(),
        "--portfolio",
        "-q",
    ]);
    assert_eq!(code, Some(3), "the gate decides the exit code: {stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
    let rows = parse_csv(&std::fs::read(&summary).unwrap());
    let all = rows.iter().find(|r| r["facility_id"] == "*").unwrap();
    assert_eq!(all["equipment_count"], "20000");
    assert_eq!(all["invalid_count"], "200");
    // validate: the invalid rows decide the exit code (5,000 problems, ~0.5 MB: the pipe is
    // closed while the report is written).
    let mut bad = String::from(HEADER) + "\n";
    for k in 0..5_000 {
        bad.push_str(&format!("F,E{k},mcc,abc,20,50\n"));
    }
    let bad = write(dir.path(), "bad.csv", &bad);
    let (code, stderr) = run_closing_stdout(&["validate", &bad]);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    // Without a gate that trips, a closed stdout is a success.
    let (code, stderr) = run_closing_stdout(&["run", &input, "--format", "csv", "-q"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn two_columns_with_the_same_name_are_a_run_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "dup.csv",
        &format!("{HEADER},location,location\nF,E1,mcc,480,20,50,a,b\n"),
    );
    voltmetrics()
        .args(["run", &p])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("dup.csv"))
        .stderr(predicate::str::contains(
            "columns 7 and 8 are both named 'location'",
        ))
        .stdout(predicate::str::is_empty());
    // Also a required column, and also for validate.
    let p = write(
        dir.path(),
        "dup2.csv",
        &format!("{HEADER},nominal_voltage_v\nF,E1,mcc,480,20,50,480\n"),
    );
    voltmetrics()
        .args(["validate", &p])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("both named 'nominal_voltage_v'"));
}

/// A pid that no process has (for a temporary file left by a killed run).
fn dead_pid() -> u32 {
    (4_000_000..4_100_000)
        .find(|p| !Path::new("/proc").join(p.to_string()).exists())
        .unwrap()
}

#[test]
fn stale_temporary_files_of_dead_processes_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.csv");
    let stale = dir.path().join(format!(".r.csv.{}.tmp", dead_pid()));
    let alive = dir
        .path()
        .join(format!(".r.csv.{}.tmp", std::process::id()));
    let other = dir.path().join(format!(".x.csv.{}.tmp", dead_pid()));
    for p in [&stale, &alive, &other] {
        std::fs::write(p, "half-written").unwrap();
    }
    voltmetrics()
        .args(["run", fixture("inventory.csv").to_str().unwrap(), "-q"])
        .args(["-o", out.to_str().unwrap()])
        .assert()
        .success();
    assert!(out.exists());
    assert!(!stale.exists(), "the killed run's file is removed");
    assert!(alive.exists(), "a running process keeps its file");
    assert!(other.exists(), "another target's files are not touched");
}

#[test]
fn a_symlinked_target_is_written_through_and_stays_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let real_dir = dir.path().join("real");
    std::fs::create_dir(&real_dir).unwrap();
    let real = real_dir.join("results.csv");
    std::fs::write(&real, "old").unwrap();
    let link = dir.path().join("latest.csv");
    std::os::unix::fs::symlink("real/results.csv", &link).unwrap();
    voltmetrics()
        .args(["run", fixture("inventory.csv").to_str().unwrap(), "-q"])
        .args(["-o", link.to_str().unwrap()])
        .assert()
        .success();
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    let text = std::fs::read(&real).unwrap();
    assert_eq!(parse_csv(&text).len(), 74);
    // Nothing else appeared beside the link or the file.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    assert_eq!(std::fs::read_dir(&real_dir).unwrap().count(), 1);
}

#[test]
fn an_existing_target_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.parquet");
    std::fs::write(&out, "old").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).unwrap();
    for format in ["parquet", "csv"] {
        voltmetrics()
            .args(["run", fixture("inventory.csv").to_str().unwrap(), "-q"])
            .args(["-o", out.to_str().unwrap(), "--format", format])
            .assert()
            .success();
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640, "{format}");
    }
}

/// Starts a run writing `out` (Parquet, streamed) and sends `signal` once its temporary file
/// exists; returns the exit code and stderr.
fn interrupt_mid_write(dir: &Path, signal: &str) -> (Option<i32>, String) {
    let input = big_inventory(dir, 300_000);
    let out = dir.join("r.parquet");
    let mut child = Command::new(bin())
        .args(["run", &input, "-q", "-o", out.to_str().unwrap()])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let tmp = dir.join(format!(".r.parquet.{}.tmp", child.id()));
    let start = Instant::now();
    while !tmp.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no temporary file appeared"
        );
        assert!(child.try_wait().unwrap().is_none(), "the run ended early");
        std::thread::sleep(Duration::from_millis(5));
    }
    Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(!tmp.exists(), "the temporary file is removed");
    assert!(!out.exists(), "no results file appears");
    (status.code(), stderr)
}

#[test]
fn sigterm_mid_write_removes_the_temporary_file_and_exits_143() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) = interrupt_mid_write(dir.path(), "TERM");
    assert_eq!(code, Some(143), "{stderr}");
    assert!(stderr.contains("interrupted by SIGTERM"), "{stderr}");
}

#[test]
fn sigint_mid_write_removes_the_temporary_file_and_exits_130() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) = interrupt_mid_write(dir.path(), "INT");
    assert_eq!(code, Some(130), "{stderr}");
}

fn run_rows(dir: &Path, text: &str) -> Vec<HashMap<String, String>> {
    let p = write(dir, "in.csv", text);
    let out = voltmetrics()
        .args(["run", &p, "-q", "--as-of", FIXTURE_AS_OF, "--format", "csv"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    parse_csv(&out.stdout)
}

#[test]
fn class_only_rows_outside_the_class_voltages_are_not_applicable_with_shock_boundaries() {
    let dir = tempfile::tempdir().unwrap();
    let rows = run_rows(
        dir.path(),
        &format!("{HEADER}\nF,SWGR-34K,switchgear,34500,20,100\nF,PNL-4K,panelboard,4160,10,100\nF,OA,open_air,480,10,100\n"),
    );
    assert_eq!(rows[0]["status"], "not_applicable");
    assert!(
        rows[0]["errors"].starts_with("equipment_class: IEEE 1584-2018 Tables 8 and 10 give no typical values above 15 kV, lee@1 needs working_distance_mm for 34500 V"),
        "{}",
        rows[0]["errors"]
    );
    assert_eq!(rows[0]["limited_approach_fixed_mm"], "1828.8");
    assert_eq!(rows[0]["restricted_approach_mm"], "787.4");
    assert_eq!(rows[1]["status"], "not_applicable");
    assert!(
        rows[1]["errors"].contains("'panelboard' at 600 V and below only, give gap_mm, working_distance_mm, enclosure_height_mm, enclosure_width_mm for 4160 V"),
        "{}",
        rows[1]["errors"]
    );
    assert_eq!(rows[1]["restricted_approach_mm"], "660.4");
    // open_air has no typical values at any voltage: the geometry must be given.
    assert_eq!(rows[2]["status"], "invalid");
}

#[test]
fn open_air_rows_get_no_enclosure_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let rows = run_rows(
        dir.path(),
        "facility_id,equipment_id,equipment_class,electrode_config,nominal_voltage_v,bolted_fault_current_ka,arc_duration_ms\nF,E1,switchgear,HOA,480,20,50\n",
    );
    assert_eq!(rows[0]["status"], "ok", "{}", rows[0]["errors"]);
    assert_eq!(
        rows[0]["defaults_applied"],
        "gap_mm;working_distance_mm;arc_duration_reduced_ms"
    );
    for c in [
        "enclosure_height_mm",
        "enclosure_width_mm",
        "enclosure_depth_mm",
    ] {
        assert_eq!(rows[0][c], "", "{c}");
    }
}

#[test]
fn the_largest_enclosure_opening_is_inside_the_range() {
    let base = "calc --voltage 4160 --fault-current 15 --config VCB --gap 104 --distance 914.4 --duration 100 --json";
    let warnings = |h: &str, w: &str| {
        let out = voltmetrics()
            .args(common::args(base))
            .args(["--height", h, "--width", w])
            .output()
            .unwrap();
        assert!(out.status.success());
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["range_warnings"].clone()
    };
    assert_eq!(warnings("1244.6", "1244.6"), "");
    assert!(warnings("1244.6", "1244.7")
        .as_str()
        .unwrap()
        .contains("opening above"));
}

#[test]
fn a_numerical_failure_names_the_input_that_causes_it() {
    let dir = tempfile::tempdir().unwrap();
    let rows = run_rows(
        dir.path(),
        &format!(
            "{HEADER},working_distance_mm\nF,T,mcc,480,20,1e-320,\nF,D,mcc,480,20,50,1e-300\n"
        ),
    );
    assert_eq!(rows[0]["status"], "not_applicable");
    assert!(
        rows[0]["errors"].starts_with(
            "arc_duration_ms: the IEEE 1584-2018 equations give no finite positive result"
        ),
        "{}",
        rows[0]["errors"]
    );
    assert!(
        rows[1]["errors"].starts_with("working_distance_mm: "),
        "{}",
        rows[1]["errors"]
    );
}

#[test]
fn calc_and_run_give_the_same_input_hash_for_the_same_equipment() {
    let out = common::run_fixture(&[]);
    let rows = parse_csv(&out);
    let a2 = rows
        .iter()
        .find(|r| r["equipment_id"] == "SWGR-A2")
        .unwrap();
    let calc = voltmetrics()
        .args(common::args(
            "calc --voltage 4160 --fault-current 15 --class switchgear --duration 197 --duration-reduced 223 --json",
        ))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&calc.stdout).unwrap();
    assert_eq!(v["input_hash"].as_str().unwrap(), a2["input_hash"]);
    // The same equipment with its geometry spelled out is other inputs: another hash.
    let explicit = voltmetrics()
        .args(common::args(common::ANNEX_D1_CALC))
        .arg("--json")
        .output()
        .unwrap();
    let e: serde_json::Value = serde_json::from_slice(&explicit.stdout).unwrap();
    assert_ne!(e["input_hash"], v["input_hash"]);
    // Labels, dates and ids are not calculation inputs.
    let dir = tempfile::tempdir().unwrap();
    let rows = run_rows(
        dir.path(),
        &format!("{HEADER},label_incident_energy_cal_cm2,study_date\nF,E1,mcc,480,20,50,,\nG,E2,MCC,480.0,20,50,9,2024-01-01\n"),
    );
    assert_eq!(rows[0]["input_hash"], rows[1]["input_hash"]);
}

#[test]
fn not_applicable_rows_get_the_rules_that_need_no_result_and_count_in_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "in.csv",
        "facility_id,equipment_id,system_type,equipment_class,nominal_voltage_v,bolted_fault_current_ka,arc_duration_ms,study_date,last_maintenance_date,maintenance_condition,label_incident_energy_cal_cm2\n\
         F,LOW-OLD,ac,switchgear,480,0.1,50,2019-01-01,2020-01-01,poor,\n\
         F,LOW-NEW,ac,switchgear,480,0.1,50,2025-01-01,2026-01-01,1,1.5\n\
         F,AC-OK,ac,mcc,480,20,50,2025-01-01,2026-01-01,1,9\n",
    );
    let summary = dir.path().join("s.csv");
    let out = voltmetrics()
        .args(["run", &p, "-q", "--as-of", FIXTURE_AS_OF, "--format", "csv"])
        .args(["--summary", summary.to_str().unwrap()])
        .output()
        .unwrap();
    let rows = parse_csv(&out.stdout);
    assert_eq!(rows[0]["status"], "not_applicable");
    assert_eq!(
        rows[0]["findings"],
        "LABEL_MISSING;STUDY_OVERDUE;MAINTENANCE_OVERDUE;MAINTENANCE_POOR"
    );
    assert_eq!(rows[0]["compliance_status"], "fail");
    assert_eq!(rows[1]["findings"], "");
    assert_eq!(rows[1]["compliance_status"], "pass");
    assert_eq!(rows[2]["compliance_status"], "pass");
    let s = &parse_csv(&std::fs::read(&summary).unwrap())[0];
    assert_eq!(s["ok_count"], "1");
    assert_eq!(s["not_applicable_count"], "2");
    assert_eq!(s["study_overdue_count"], "1");
    assert_eq!(s["maintenance_overdue_count"], "1");
    assert_eq!(s["compliance_pass_count"], "2");
    assert_eq!(s["compliance_fail_count"], "1");
    let rate: f64 = s["compliance_rate"].parse().unwrap();
    assert!((rate - 2.0 / 3.0).abs() < 1e-12, "{rate}");
    // The noncompliant gate sees the not-applicable row.
    voltmetrics()
        .args(["run", &p, "-q", "--as-of", FIXTURE_AS_OF, "-o", "/dev/null"])
        .args(["--format", "csv", "--fail-on", "noncompliant"])
        .assert()
        .code(4);
}

#[test]
fn passed_through_columns_never_overwrite_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "in.csv",
        &format!("{HEADER},status,input_status,input_input_status\nF,E1,mcc,480,20,50,a,b,c\n"),
    );
    let out = voltmetrics().args(["run", &p, "-q"]).output().unwrap();
    let header = common::csv_header(&out.stdout);
    let tail: Vec<&str> = header[header.len() - 3..]
        .iter()
        .map(String::as_str)
        .collect();
    assert_eq!(
        tail,
        [
            "input_input_input_status",
            "input_status",
            "input_input_status"
        ]
    );
    let row = &parse_csv(&out.stdout)[0];
    assert_eq!(row["input_input_input_status"], "a");
    assert_eq!(row["input_status"], "b");
    assert_eq!(row["input_input_status"], "c");
    assert_eq!(row["status"], "ok");
}

#[test]
fn a_facility_named_like_the_portfolio_row_is_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let rows = run_rows(
        dir.path(),
        &format!("{HEADER}\n*,E1,mcc,480,20,50\nF,E2,mcc,480,20,50\n"),
    );
    assert_eq!(rows[0]["status"], "invalid");
    assert!(rows[0]["errors"].contains("facility_id: value '*' is reserved for the portfolio row"));
    assert_eq!(rows[1]["status"], "ok");
}

#[test]
fn parquet_date_and_timestamp_columns_read_like_their_text() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let text = |n: usize| -> Vec<String> { (0..n).map(|k| format!("E{k}")).collect() };
    // 2019-01-01 and 2025-01-01 as days; 2020-01-01 13:45 and 2026-01-01 00:00 as µs.
    let dates = Column::new("study_date".into(), [17_897i32, 20_089])
        .cast(&DataType::Date)
        .unwrap();
    let stamps = Column::new(
        "last_maintenance_date".into(),
        [1_577_886_300_000_000i64, 1_767_225_600_000_000],
    )
    .cast(&DataType::Datetime(TimeUnit::Microseconds, None))
    .unwrap();
    let mut df = DataFrame::new(
        2,
        vec![
            Column::new("facility_id".into(), ["F", "F"]),
            Column::new("equipment_id".into(), text(2)),
            Column::new("equipment_class".into(), ["mcc", "mcc"]),
            Column::new("nominal_voltage_v".into(), [480.0, 480.0]),
            Column::new("bolted_fault_current_ka".into(), [20.0, 20.0]),
            Column::new("arc_duration_ms".into(), [50.0, 50.0]),
            dates,
            stamps,
        ],
    )
    .unwrap();
    let p = dir.path().join("dates.parquet");
    ParquetWriter::new(std::fs::File::create(&p).unwrap())
        .finish(&mut df)
        .unwrap();
    let csv = write(
        dir.path(),
        "dates.csv",
        &format!("{HEADER},study_date,last_maintenance_date\nF,E0,mcc,480,20,50,2019-01-01,2020-01-01\nF,E1,mcc,480,20,50,2025-01-01,2026-01-01\n"),
    );
    let run = |input: &str| {
        let out = voltmetrics()
            .args([
                "run",
                input,
                "-q",
                "--as-of",
                FIXTURE_AS_OF,
                "--format",
                "csv",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        parse_csv(&out.stdout)
    };
    let (from_parquet, from_csv) = (run(p.to_str().unwrap()), run(&csv));
    for (a, b) in from_parquet.iter().zip(&from_csv) {
        for c in [
            "status",
            "errors",
            "findings",
            "compliance_status",
            "input_hash",
        ] {
            assert_eq!(a[c], b[c], "{c}");
        }
    }
    assert!(from_parquet[0]["findings"].contains("STUDY_OVERDUE"));
    assert!(from_parquet[0]["findings"].contains("MAINTENANCE_OVERDUE"));
}

/// A Redis stand-in that answers `+OK` to every command (`:0` to PUBLISH) and closes the
/// connection when the warm-up starts (its first `SMEMBERS`). Serves until the test ends.
fn closing_redis() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("redis://{}/", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve(stream));
        }
    });
    url
}

/// Serves one connection until it closes it (or the client does).
fn serve(stream: std::net::TcpStream) -> bool {
    let mut out = stream.try_clone().unwrap();
    let mut r = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).unwrap_or(0) == 0 {
            return false;
        }
        let n: usize = line.trim().trim_start_matches('*').parse().unwrap_or(0);
        let mut args = Vec::with_capacity(n);
        for _ in 0..n {
            let mut len = String::new();
            r.read_line(&mut len).unwrap();
            let len: usize = len.trim().trim_start_matches('$').parse().unwrap();
            let mut buf = vec![0u8; len + 2];
            r.read_exact(&mut buf).unwrap();
            buf.truncate(len);
            args.push(String::from_utf8_lossy(&buf).to_uppercase());
        }
        match args.first().map(String::as_str) {
            Some("SMEMBERS") => return true, // closes the connection mid-warm-up
            Some("PUBLISH") => out.write_all(b":0\r\n").unwrap(),
            _ => out.write_all(b"+OK\r\n").unwrap(),
        }
    }
}

#[test]
fn a_redis_server_closing_mid_warm_up_is_a_run_error_naming_redis() {
    let url = closing_redis();
    voltmetrics()
        .args(["run", fixture("inventory.csv").to_str().unwrap(), "-q"])
        .args(["-o", "/dev/null", "--format", "csv", "--redis", &url])
        .timeout(Duration::from_secs(60))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "stage persisting: Redis {url}"
        )));
}
