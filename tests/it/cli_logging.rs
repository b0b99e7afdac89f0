//! Diagnostics (issue 15): `--log-format json` writes only JSON lines on stderr, each with the
//! run id and the stage; `-q`/`-v` and `RUST_LOG` choose what is written; text stays as it was.

use crate::common::{fixture, voltmetrics, FIXTURE_AS_OF, RUN_STAGES};
use serde_json::Value;

/// Runs the fixture with `extra`, returning (exit code, stderr).
fn run(extra: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = voltmetrics();
    cmd.arg("run")
        .arg(fixture("inventory.csv"))
        .args(["--as-of", FIXTURE_AS_OF, "-o"])
        .arg(dir.path().join("r.csv"))
        .arg("--summary")
        .arg(dir.path().join("s.csv"))
        .args(extra);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Every stderr line as JSON, asserting each has a run id (one for the whole run) and a stage.
fn json_lines(stderr: &str) -> Vec<Value> {
    let lines: Vec<Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(!lines.is_empty());
    let run_id = lines[0]["run_id"].as_str().expect("run_id").to_string();
    assert_eq!(run_id.len(), 36, "a UUID: {run_id}");
    for l in &lines {
        assert_eq!(l["run_id"], run_id.as_str(), "{l}");
        assert!(l["stage"].as_str().is_some_and(|s| !s.is_empty()), "{l}");
        assert!(
            l["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')),
            "{l}"
        );
        assert!(l["level"].is_string() && l["target"].is_string(), "{l}");
        assert!(l["fields"]["message"].is_string(), "{l}");
    }
    lines
}

#[test]
fn json_logs_are_one_object_per_line_with_run_id_and_stage() {
    let (code, stderr) = run(&["--log-format", "json", "-v"], &[]);
    assert_eq!(code, 0, "{stderr}");
    let lines = json_lines(&stderr);
    let stages: Vec<&str> = lines.iter().filter_map(|l| l["stage"].as_str()).collect();
    for s in RUN_STAGES {
        assert!(stages.contains(&s), "stage {s} in {stages:?}");
    }
    // The closing line has the counts as fields.
    let last = lines.last().unwrap();
    assert_eq!(last["level"], "INFO");
    assert_eq!(last["stage"], "done");
    assert_eq!(last["fields"]["rows"], 74);
    assert_eq!(last["fields"]["invalid"], 10);
    // Each stage's time is a number.
    assert!(lines
        .iter()
        .any(|l| l["stage"] == "check+calculate" && l["fields"]["seconds"].is_f64()));
    // The environment chooses the format too.
    let (_, stderr) = run(&[], &[("VOLTMETRICS_LOG_FORMAT", "json")]);
    assert_eq!(json_lines(&stderr).len(), 1);
}

#[test]
fn a_failing_run_logs_its_error_as_json_with_the_stage() {
    // Also under -q: the spans stay on for the run id and the stage.
    for quiet in [&[][..], &["-q"]] {
        let out = voltmetrics()
            .args(["run", "/nonexistent/inventory.csv", "--log-format", "json"])
            .args(quiet)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let lines = json_lines(&String::from_utf8(out.stderr).unwrap());
        assert_eq!(lines.len(), 1);
        let error = &lines[0];
        assert_eq!(error["level"], "ERROR");
        assert_eq!(error["stage"], "read");
        assert!(error["fields"]["message"]
            .as_str()
            .unwrap()
            .contains("/nonexistent/inventory.csv"));
    }
}

#[test]
fn levels_come_from_q_v_and_rust_log() {
    // Default: the one summary line, as before.
    let (_, stderr) = run(&[], &[]);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("voltmetrics: 74 rows, 10 invalid"),
        "{stderr}"
    );
    // -q: nothing on success; -v: the stages and their times.
    assert_eq!(run(&["-q"], &[]).1, "");
    let verbose = run(&["-v"], &[]).1;
    assert!(
        verbose.contains("voltmetrics: stage check+calculate: "),
        "{verbose}"
    );
    assert!(verbose.contains("voltmetrics: stages: read "), "{verbose}");
    // RUST_LOG filters by target when neither -q nor -v is given …
    let only_tracker = run(&[], &[("RUST_LOG", "voltmetrics::run::tracker=debug")]).1;
    assert!(only_tracker.lines().count() >= 4, "{only_tracker}");
    assert!(
        only_tracker
            .lines()
            .all(|l| l.starts_with("voltmetrics: stage ")),
        "{only_tracker}"
    );
    assert_eq!(run(&[], &[("RUST_LOG", "off")]).1, "");
    // … and -q wins over it.
    assert_eq!(run(&["-q"], &[("RUST_LOG", "debug")]).1, "");
    // Errors are never filtered out; a RUST_LOG that does not parse is a warning, and info.
    let failed = voltmetrics()
        .args(["run", "/nonexistent/inventory.csv"])
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    let stderr = String::from_utf8(failed.stderr).unwrap();
    assert!(
        stderr.starts_with("voltmetrics: error: /nonexistent/inventory.csv"),
        "{stderr}"
    );
    let typo = run(&[], &[("RUST_LOG", "voltmetrics=verbose")]).1;
    assert!(
        typo.starts_with("voltmetrics: warning: RUST_LOG=voltmetrics=verbose: "),
        "{typo}"
    );
    assert!(typo.contains("voltmetrics: 74 rows"), "{typo}");
}
