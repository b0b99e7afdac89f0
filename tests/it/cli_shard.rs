//! `run --shard I/N`: the union of the shard runs is the whole run, row for row; usage errors.

use crate::common::{fixture, voltmetrics};
use std::path::Path;

/// Results and summary CSV of a run of the fixture: header and rows.
fn run(dir: &Path, tag: &str, extra: &[&str]) -> (Vec<String>, Vec<String>) {
    let input = fixture("inventory.csv");
    let (results, summary) = crate::common::run_to_files(dir, input.to_str().unwrap(), tag, extra);
    let lines = |p: &Path| {
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    };
    (lines(&results), lines(&summary))
}

#[test]
fn three_shards_are_the_whole_run_row_for_row() {
    let dir = tempfile::tempdir().unwrap();
    let (whole, whole_summary) = run(dir.path(), "", &[]);
    let (mut rows, mut summaries) = (Vec::new(), Vec::new());
    let mut facilities_per_shard = Vec::new();
    for i in 0..3 {
        let (r, s) = run(dir.path(), &i.to_string(), &["--shard", &format!("{i}/3")]);
        assert_eq!(r[0], whole[0], "same header");
        assert_eq!(s[0], whole_summary[0]);
        rows.extend(r[1..].iter().cloned());
        summaries.extend(s[1..].iter().cloned());
        facilities_per_shard.push(s.len() - 1);
    }
    let sorted = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        v
    };
    assert_eq!(
        sorted(&rows),
        sorted(&whole[1..]),
        "the union of the shards' results is the whole run's"
    );
    assert_eq!(
        sorted(&summaries),
        sorted(&whole_summary[1..]),
        "each facility's summary is whole in one shard"
    );
    assert!(
        facilities_per_shard.iter().filter(|&&n| n > 0).count() >= 2,
        "{facilities_per_shard:?}: the fixture's 3 facilities spread over the shards"
    );
    // Errors still name the row of the file (the duplicate pair stays in one shard).
    assert!(rows.iter().any(|r| r.contains("also on row 74")));
}

#[test]
fn shard_usage_errors_name_the_flag() {
    for (args, says) in [
        (vec!["--shard", "3/3"], "--shard 3/3"),
        (vec!["--shard", "x"], "--shard x"),
        (
            vec!["--shard", "0/2", "--portfolio", "--summary", "s.csv"],
            "--portfolio with --shard 0/2",
        ),
        (
            vec!["--shard", "1/2", "--redis-prune"],
            "--redis-prune with --shard 1/2",
        ),
    ] {
        let out = voltmetrics()
            .args(["run", fixture("inventory.csv").to_str().unwrap(), "-q"])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(says),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
