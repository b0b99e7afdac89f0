//! `run --metrics-file` (issue 15): Prometheus text for the textfile collector, written on
//! success and on failure, linted by promtool where it is installed (required under CI).

use crate::common::{fixture, voltmetrics};

fn promtool_check(path: &std::path::Path) {
    let Ok(out) = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::fs::File::open(path).unwrap())
        .output()
    else {
        assert!(
            std::env::var_os("CI").is_none(),
            "promtool is required under CI"
        );
        eprintln!("promtool is not installed: the lint is skipped");
        return;
    };
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs the fixture with `-o out --metrics-file metrics`, asserting success.
fn run_fixture_with_metrics(out: &std::path::Path, metrics: &std::path::Path) {
    let status = voltmetrics()
        .arg("run")
        .arg(fixture("inventory.csv"))
        .args(["--as-of", "2026-06-30", "-q", "-o", out.to_str().unwrap()])
        .args(["--metrics-file", metrics.to_str().unwrap()])
        .output()
        .unwrap()
        .status;
    assert!(status.success());
}

#[test]
fn a_run_writes_its_metrics_and_a_failed_run_keeps_the_last_success() {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("voltmetrics.prom");
    let out = dir.path().join("r.csv");
    run_fixture_with_metrics(&out, &m);
    let text = std::fs::read_to_string(&m).unwrap();
    for line in [
        "voltmetrics_exit_code 0",
        "voltmetrics_rows{status=\"ok\"} 63",
        "voltmetrics_rows{status=\"invalid\"} 10",
        "voltmetrics_rows{status=\"not_applicable\"} 1",
        "voltmetrics_facilities 3",
        "voltmetrics_danger_rows 1",
        "voltmetrics_findings{rule=\"LABEL_MISSING\"} 1",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} missing:\n{text}");
    }
    assert!(text.contains("voltmetrics_stage_duration_seconds{stage=\"read\"}"));
    promtool_check(&m);
    let success = |t: &str| {
        t.lines()
            .find_map(|l| l.strip_prefix("voltmetrics_last_success_timestamp_seconds "))
            .map(str::to_string)
    };
    let before = success(&text).expect("a last success");
    // A failing run: its exit code, the earlier success kept, no row metrics.
    let status = voltmetrics()
        .args([
            "run",
            "/nonexistent/inventory.csv",
            "-q",
            "-o",
            out.to_str().unwrap(),
        ])
        .args(["--metrics-file", m.to_str().unwrap()])
        .output()
        .unwrap()
        .status;
    assert_eq!(status.code(), Some(1));
    let failed = std::fs::read_to_string(&m).unwrap();
    assert!(
        failed.lines().any(|l| l == "voltmetrics_exit_code 1"),
        "{failed}"
    );
    assert_eq!(success(&failed), Some(before));
    assert!(!failed.contains("voltmetrics_rows"));
    promtool_check(&m);
    // No temporary file is left beside it.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert!(names.iter().all(|n| !n.contains("tmp")), "{names:?}");
}

/// Every metric the Grafana dashboard plots is one a run writes.
#[test]
fn the_dashboards_prometheus_queries_name_written_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("m.prom");
    let out = dir.path().join("r.csv");
    run_fixture_with_metrics(&out, &m);
    let written = std::fs::read_to_string(&m).unwrap();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/deploy/grafana/voltmetrics.json"
    );
    let dash: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut checked = 0;
    for p in dash["panels"].as_array().unwrap() {
        for t in p["targets"].as_array().unwrap() {
            let Some(expr) = t["expr"].as_str() else {
                continue;
            };
            for word in expr.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                if word.starts_with("voltmetrics_") {
                    assert!(
                        written.contains(&format!("# TYPE {word} ")),
                        "{word} is not written"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 7, "{checked}");
}
