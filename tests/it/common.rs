//! Shared test helpers: fixture paths, CSV reading, the binary under test.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;

/// Path of a file under `fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// Reads a CSV fixture into header-keyed rows.
pub fn read_csv(rel: &str) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(fixture(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let headers = r.headers().expect("header").clone();
    r.records()
        .map(|rec| {
            let rec = rec.expect("record");
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// Parses a float cell.
pub fn num(row: &HashMap<String, String>, col: &str) -> f64 {
    row[col]
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{col}={:?} is not a number", row[col]))
}

/// The voltmetrics binary, without the caller's variables that would change its options or
/// its stderr (a config file, a log format or level, options from the environment).
pub fn voltmetrics() -> assert_cmd::Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("voltmetrics");
    for var in [
        "RUST_LOG",
        "VOLTMETRICS_CONFIG",
        "VOLTMETRICS_LOG_FORMAT",
        "VOLTMETRICS_JOBS",
        "VOLTMETRICS_DANGER_THRESHOLD",
        "VOLTMETRICS_REDIS_PREFIX",
        "VOLTMETRICS_REDIS_TTL",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// |a - b| <= rel * |b| (with an absolute floor for tiny values).
pub fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-300)
}

/// `calc` arguments of IEEE 1584-2018 Annex D.1 (the README example).
pub const ANNEX_D1_CALC: &str =
    "calc --voltage 4160 --fault-current 15 --config VCB --gap 104 --distance 914.4 \
     --height 1143 --width 762 --depth 508 --duration 197 --duration-reduced 223";

/// Splits a command line written as one string.
pub fn args(line: &str) -> Vec<&str> {
    line.split_whitespace().filter(|a| *a != "\\").collect()
}

/// The as-of date the fixture's compliance rows are designed for.
pub const FIXTURE_AS_OF: &str = "2026-06-30";

/// The stages (spans) of every run without a database: logs and traces name them.
pub const RUN_STAGES: [&str; 5] = [
    "read",
    "check+calculate",
    "write results",
    "summary",
    "done",
];

/// Reads CSV text into header-keyed rows (order kept).
pub fn parse_csv(text: &[u8]) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_reader(text);
    let headers = r.headers().expect("header").clone();
    r.records()
        .map(|rec| {
            let rec = rec.expect("record");
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The header of CSV text.
pub fn csv_header(text: &[u8]) -> Vec<String> {
    csv::Reader::from_reader(text)
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect()
}

/// Runs `voltmetrics run` on the fixture with the fixture's as-of date and returns stdout (CSV).
pub fn run_fixture(extra: &[&str]) -> Vec<u8> {
    let input = fixture("inventory.csv");
    run_ok(&input, &[&["--as-of", FIXTURE_AS_OF][..], extra].concat())
}

/// Runs `voltmetrics run INPUT -q EXTRA…`, asserting success; returns stdout.
pub fn run_ok(input: &std::path::Path, extra: &[&str]) -> Vec<u8> {
    succeeded(
        voltmetrics()
            .arg("run")
            .arg(input)
            .arg("-q")
            .args(extra)
            .output()
            .unwrap(),
    )
}

/// The standard output of a command that ran, asserting that it succeeded (its standard error
/// shown when not).
pub fn succeeded(out: std::process::Output) -> Vec<u8> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Runs `run INPUT --as-of FIXTURE_AS_OF -q -o DIR/r{tag}.csv --summary DIR/s{tag}.csv EXTRA…`,
/// asserting success; returns the results and summary paths.
pub fn run_to_files(
    dir: &std::path::Path,
    input: &str,
    tag: &str,
    extra: &[&str],
) -> (PathBuf, PathBuf) {
    let (results, summary) = (
        dir.join(format!("r{tag}.csv")),
        dir.join(format!("s{tag}.csv")),
    );
    let out = voltmetrics()
        .args(["run", input, "--as-of", FIXTURE_AS_OF, "-q", "-o"])
        .arg(&results)
        .arg("--summary")
        .arg(&summary)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (results, summary)
}
