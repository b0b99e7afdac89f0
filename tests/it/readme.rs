//! The README's example outputs are the real outputs of its commands.

use crate::common;

/// The body of the first ```text block that starts with `starts`.
fn block(readme: &str, starts: &str) -> String {
    let open = format!("```text\n{starts}");
    let start = readme
        .find(&open)
        .unwrap_or_else(|| panic!("no text block starting {starts:?}"))
        + "```text\n".len();
    let end = start + readme[start..].find("```").unwrap();
    readme[start..end].to_string()
}

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

#[test]
fn readme_calc_example_is_current() {
    let out = common::voltmetrics()
        .args(common::args(common::ANNEX_D1_CALC))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        block(&readme(), "IEEE 1584-2018 arc-flash"),
        "README calc example is stale"
    );
}

#[test]
fn readme_run_example_is_current() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.txt");
    let out = common::voltmetrics()
        .args([
            "run",
            common::fixture("inventory.csv").to_str().unwrap(),
            "--as-of",
            "2026-06-30",
            "--portfolio",
        ])
        .args([
            "-o",
            dir.path().join("results.csv").to_str().unwrap(),
            "--summary",
            summary.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        std::fs::read_to_string(&summary).unwrap(),
        block(&readme(), "facility_id  equipment_count"),
        "README summary is stale"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    let shown = block(&readme(), "voltmetrics: 74 rows");
    let prefix = "voltmetrics: 74 rows, 10 invalid, 1 not applicable, 3 facilities, ";
    assert!(
        stderr.starts_with(prefix) && shown.starts_with(prefix),
        "{stderr} vs {shown}"
    );
}

#[test]
fn readme_label_image_is_what_labels_writes() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::voltmetrics()
        .args([
            "labels",
            common::fixture("inventory.csv").to_str().unwrap(),
            "--as-of",
            "2026-06-30",
            "--format",
            "png",
            "-q",
            "-o",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "the fixture's invalid rows get no label"
    );
    let written = std::fs::read(dir.path().join("PLANT-A/SWGR-A1.png")).unwrap();
    let shown = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/label.png")).unwrap();
    assert!(
        written == shown,
        "docs/label.png is stale: bash scripts/readme-images.sh makes it"
    );
    let readme = readme();
    assert!(readme.contains("(docs/label.png)") && readme.contains("(docs/report.png)"));
}
