//! The facility summary of the fixture, value by value, against an independent computation
//! from the result rows done here (not with polars).

use crate::common;

use crate::common::{fixture, parse_csv, voltmetrics, FIXTURE_AS_OF};
use std::collections::HashMap;

type Row = HashMap<String, String>;

fn f(r: &Row, k: &str) -> Option<f64> {
    r[k].parse().ok()
}

/// Linear-interpolation quantile (the usual "type 7" definition).
fn quantile(mut v: Vec<f64>, q: f64) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let h = (v.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    Some(v[lo] + (h - lo as f64) * (v[hi] - v[lo]))
}

fn expected(rows: &[&Row], facility: &str) -> Vec<(String, String)> {
    let ok: Vec<&&Row> = rows.iter().filter(|r| r["status"] == "ok").collect();
    let count = |p: &dyn Fn(&Row) -> bool| rows.iter().filter(|r| p(r)).count().to_string();
    let ie: Vec<f64> = ok
        .iter()
        .filter_map(|r| f(r, "incident_energy_cal_cm2"))
        .collect();
    let max = ie
        .iter()
        .cloned()
        .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))));
    let max_id = max.and_then(|m| {
        ok.iter()
            .find(|r| f(r, "incident_energy_cal_cm2") == Some(m))
            .map(|r| r["equipment_id"].clone())
    });
    let mean = (!ie.is_empty()).then(|| ie.iter().sum::<f64>() / ie.len() as f64);
    // Compliance is assessed for ok and not-applicable rows (the rules that need no result).
    let pass = count(&|r| r["compliance_status"] == "pass")
        .parse::<usize>()
        .unwrap();
    let assessed = count(&|r| !r["compliance_status"].is_empty())
        .parse::<usize>()
        .unwrap();
    let has = |r: &Row, rule: &str| r["findings"].split(';').any(|x| x == rule);
    let mut v = vec![
        ("facility_id".to_string(), facility.to_string()),
        ("equipment_count".into(), rows.len().to_string()),
        ("ok_count".into(), ok.len().to_string()),
        ("invalid_count".into(), count(&|r| r["status"] == "invalid")),
        (
            "not_applicable_count".into(),
            count(&|r| r["status"] == "not_applicable"),
        ),
        (
            "max_incident_energy_cal_cm2".into(),
            max.map_or(String::new(), |x| x.to_string()),
        ),
        (
            "max_incident_energy_equipment_id".into(),
            max_id.unwrap_or_default(),
        ),
        (
            "mean_incident_energy_cal_cm2".into(),
            mean.map_or(String::new(), |x| x.to_string()),
        ),
        (
            "p95_incident_energy_cal_cm2".into(),
            quantile(ie.clone(), 0.95).map_or(String::new(), |x| x.to_string()),
        ),
    ];
    for k in 0..5 {
        v.push((
            format!("ppe_category_{k}_count"),
            count(&|r| r["ppe_category"] == k.to_string()),
        ));
    }
    v.extend([
        (
            "danger_count".to_string(),
            count(&|r| r["danger"] == "true"),
        ),
        ("compliance_pass_count".into(), pass.to_string()),
        (
            "compliance_warn_count".into(),
            count(&|r| r["compliance_status"] == "warn"),
        ),
        (
            "compliance_fail_count".into(),
            count(&|r| r["compliance_status"] == "fail"),
        ),
        (
            "compliance_rate".into(),
            if assessed == 0 {
                String::new()
            } else {
                (pass as f64 / assessed as f64).to_string()
            },
        ),
        (
            "study_overdue_count".into(),
            count(&|r| has(r, "STUDY_OVERDUE")),
        ),
        (
            "maintenance_overdue_count".into(),
            count(&|r| has(r, "MAINTENANCE_OVERDUE")),
        ),
        (
            "label_understated_count".into(),
            count(&|r| {
                has(r, "LABEL_IE_UNDERSTATED")
                    || has(r, "LABEL_AFB_UNDERSTATED")
                    || has(r, "LABEL_PPE_UNDERSTATED")
            }),
        ),
    ]);
    v
}

fn close_enough(a: &str, b: &str) -> bool {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => (x - y).abs() <= 1e-12 * y.abs().max(1.0),
        _ => a == b,
    }
}

#[test]
fn facility_summary_matches_an_independent_computation() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.csv");
    let results = voltmetrics()
        .args([
            "run",
            fixture("inventory.csv").to_str().unwrap(),
            "--as-of",
            FIXTURE_AS_OF,
            "-q",
            "--portfolio",
        ])
        .args(["--summary", summary.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(results.status.success());
    let rows = parse_csv(&results.stdout);
    let got = parse_csv(&std::fs::read(&summary).unwrap());
    let header = common::csv_header(&std::fs::read(&summary).unwrap());
    assert_eq!(
        header,
        voltmetrics::contract::summary::names().collect::<Vec<_>>()
    );
    // Facilities in order of first appearance, then the portfolio.
    let mut order: Vec<String> = Vec::new();
    for r in &rows {
        if !order.contains(&r["facility_id"]) {
            order.push(r["facility_id"].clone());
        }
    }
    let ids: Vec<&str> = got.iter().map(|r| r["facility_id"].as_str()).collect();
    let mut want_ids: Vec<&str> = order.iter().map(String::as_str).collect();
    want_ids.push("*");
    assert_eq!(ids, want_ids);
    let mut checked = 0;
    for g in &got {
        let fac = g["facility_id"].as_str();
        let members: Vec<&Row> = rows
            .iter()
            .filter(|r| fac == "*" || r["facility_id"] == fac)
            .collect();
        for (col, want) in expected(&members, fac) {
            assert!(
                close_enough(&g[&col], &want),
                "{fac} {col}: summary {} vs independent {want}",
                g[&col]
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 4 * 22);
    // A few values known from the fixture's design.
    let a = got.iter().find(|r| r["facility_id"] == "PLANT-A").unwrap();
    assert_eq!(a["max_incident_energy_equipment_id"], "DANGER-1");
    assert_eq!(a["danger_count"], "1");
    let c = got.iter().find(|r| r["facility_id"] == "0042").unwrap();
    assert_eq!(c["invalid_count"], "10");
}

#[test]
fn summary_without_portfolio_and_in_parquet() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.parquet");
    voltmetrics()
        .args([
            "run",
            fixture("inventory.csv").to_str().unwrap(),
            "--as-of",
            FIXTURE_AS_OF,
            "-q",
            "-o",
            dir.path().join("r.csv").to_str().unwrap(),
        ])
        .args(["--summary", summary.to_str().unwrap()])
        .assert()
        .success();
    use polars::prelude::*;
    let df = ParquetReader::new(std::fs::File::open(&summary).unwrap())
        .finish()
        .unwrap();
    assert_eq!(df.height(), 3);
    let ca = df.column("facility_id").unwrap().str().unwrap().clone();
    let ids: Vec<Option<&str>> = (0..df.height()).map(|i| ca.get(i)).collect();
    assert!(!ids.contains(&Some("*")));
}
