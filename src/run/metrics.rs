//! `run --metrics-file PATH` (issue 15): the run in Prometheus' text format, for
//! node_exporter's textfile collector — written whole to a temporary name and renamed, so the
//! collector never reads half a file. A failed run still writes its exit code and duration,
//! and keeps the previous file's last-success time.

use super::Report;
use crate::core::compliance::RULES;
use std::fmt::Write;

/// The metric that carries the last successful run's time (kept across failed runs).
const LAST_SUCCESS: &str = "voltmetrics_last_success_timestamp_seconds";

/// The last-success time written in a previous metrics file, if any.
pub fn previous_success(text: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(LAST_SUCCESS)?.trim().parse::<f64>().ok())
}

/// One gauge: HELP, TYPE and its samples (`labels` is `name="value"` text, or empty).
fn gauge(out: &mut String, name: &str, help: &str, samples: &[(String, f64)]) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} gauge");
    for (labels, v) in samples {
        if labels.is_empty() {
            let _ = writeln!(out, "{name} {v}");
        } else {
            let _ = writeln!(out, "{name}{{{labels}}} {v}");
        }
    }
}

/// The metrics text of a run: `report` when it completed, its exit code, its wall time,
/// `now` (Unix seconds) and the last success before it.
pub fn render(
    report: Option<&Report>,
    exit_code: i32,
    seconds: f64,
    now: f64,
    previous_success: Option<f64>,
) -> String {
    let one = |v: f64| [(String::new(), v)];
    let mut s = String::new();
    gauge(
        &mut s,
        "voltmetrics_exit_code",
        "Exit code of the last run (0 success, 1 run error, 2 usage, 3 invalid rows, 4 a gate).",
        &one(f64::from(exit_code)),
    );
    gauge(
        &mut s,
        "voltmetrics_run_duration_seconds",
        "Wall time of the last run.",
        &one(seconds),
    );
    if let Some(t) = (exit_code == 0).then_some(now).or(previous_success) {
        let help = "Unix time of the last run that exited 0.";
        gauge(&mut s, LAST_SUCCESS, help, &one(t));
    }
    if let Some(r) = report {
        report_gauges(&mut s, r);
    }
    s
}

/// The gauges of a completed run.
fn report_gauges(s: &mut String, r: &Report) {
    let c = &r.counts;
    let ok = c.rows - c.invalid - c.not_applicable;
    let status = crate::contract::values::STATUS; // ok, invalid, not_applicable
    let rows: Vec<(String, f64)> = status
        .iter()
        .zip([ok, c.invalid, c.not_applicable])
        .map(|(k, v)| (format!("status=\"{k}\""), v as f64))
        .collect();
    gauge(
        s,
        "voltmetrics_rows",
        "Result rows of the last run by status.",
        &rows,
    );
    let facilities = [(String::new(), r.facilities as f64)];
    gauge(
        s,
        "voltmetrics_facilities",
        "Facilities in the last run.",
        &facilities,
    );
    let danger = [(String::new(), c.danger as f64)];
    let help = "Rows above the danger threshold in the last run.";
    gauge(s, "voltmetrics_danger_rows", help, &danger);
    let findings: Vec<(String, f64)> = RULES
        .iter()
        .zip(c.findings)
        .map(|(rule, n)| (format!("rule=\"{}\"", rule.id), n as f64))
        .collect();
    let help = "Rows with each compliance rule's finding in the last run.";
    gauge(s, "voltmetrics_findings", help, &findings);
    let stages: Vec<(String, f64)> = r
        .stages
        .iter()
        .map(|(name, secs)| (format!("stage=\"{name}\""), *secs))
        .collect();
    let help = "Seconds per stage of the last run.";
    gauge(s, "voltmetrics_stage_duration_seconds", help, &stages);
    let info = format!("run_id=\"{}\",version=\"{}\"", r.run_id, crate::VERSION);
    let help = "The last run's id and the tool version (always 1).";
    gauge(s, "voltmetrics_run_info", help, &[(info, 1.0)]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_run_keeps_the_last_success() {
        let first = render(None, 0, 1.5, 1000.0, None);
        assert_eq!(previous_success(&first), Some(1000.0));
        let failed = render(None, 1, 0.2, 2000.0, previous_success(&first));
        assert!(failed.contains("voltmetrics_exit_code 1\n"));
        assert_eq!(previous_success(&failed), Some(1000.0));
        let never = render(None, 1, 0.2, 2000.0, None);
        assert_eq!(previous_success(&never), None);
    }
}
