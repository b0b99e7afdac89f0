//! The HTML report: what a safety manager reads. [`Report::build`] gathers, from a run's
//! results and summary, everything the page shows (portfolio overview, per facility the
//! incident-energy histogram, PPE categories, findings by rule, the highest-energy equipment
//! and the rows needing attention, and optionally the stored trend); [`html`] writes it as one
//! self-contained file with charts drawn by [`charts`].

pub mod charts;
pub mod html;

use crate::contract::{history as H, summary as S};
use crate::core::compliance::RULES;
pub use crate::io::columns::ResultRows;
pub(crate) use crate::io::columns::{numbers as number_column, texts as text_column};
use anyhow::Result;
use polars::prelude::*;
use std::collections::HashMap;

/// Upper edges of the incident-energy histogram's bins, cal/cm² (the last bin is open).
pub const ENERGY_BINS: [f64; 9] = [0.5, 1.2, 2.0, 4.0, 8.0, 12.0, 25.0, 40.0, 100.0];
/// Equipment listed per facility by incident energy.
pub const TOP_ROWS: usize = 20;
/// Rows needing attention listed per facility (all are counted).
pub const ATTENTION_ROWS: usize = 10;
/// The findings that put an `ok` row on the attention list.
pub const ATTENTION_FINDINGS: [&str; 3] =
    ["DEVICE_NO_TRIP", "STUDY_OVERDUE", "MAINTENANCE_OVERDUE"];

/// Why row `i` needs attention, if it does: its errors (invalid, not applicable) or the
/// attention findings it has.
pub fn attention(rows: &ResultRows, i: usize) -> Option<String> {
    if !rows.is_ok(i) {
        let status = rows.status.get(i).unwrap_or_default();
        let errors = rows.errors.get(i).unwrap_or_default();
        return Some(format!("{status}: {errors}"));
    }
    let found: Vec<&str> = rows
        .findings
        .get(i)
        .unwrap_or_default()
        .split(';')
        .filter(|f| ATTENTION_FINDINGS.contains(f))
        .collect();
    (!found.is_empty()).then(|| found.join(", "))
}

/// One facility's part of the page.
pub struct Facility {
    /// The facility id.
    pub id: String,
    /// Its row in the summary.
    pub summary_row: usize,
    /// Rows per [`ENERGY_BINS`] bin (the last: at or above the last edge).
    pub histogram: [u64; ENERGY_BINS.len() + 1],
    /// Rows with each finding, in [`RULES`] order.
    pub findings: [u64; RULES.len()],
    /// The [`TOP_ROWS`] rows of highest incident energy (ties: input order).
    pub top: Vec<u32>,
    /// The first [`ATTENTION_ROWS`] rows needing attention, in input order.
    pub attention: Vec<u32>,
    /// All rows needing attention.
    pub attention_count: u64,
    /// The stored trend (`--postgres`): as_of, max and mean incident energy, compliance rate.
    pub trend: Vec<TrendPoint>,
}

/// One run of a facility in `history`.
#[derive(Clone, Debug, PartialEq)]
pub struct TrendPoint {
    /// The run's as_of (RFC 3339).
    pub as_of: String,
    /// Highest incident energy.
    pub max_incident_energy_cal_cm2: Option<f64>,
    /// Mean incident energy.
    pub mean_incident_energy_cal_cm2: Option<f64>,
    /// Compliance rate.
    pub compliance_rate: Option<f64>,
}

/// Everything the page shows.
pub struct Report {
    /// The rows' values.
    pub rows: ResultRows,
    /// The summary: one row per facility, then the portfolio row `*`.
    pub summary: DataFrame,
    /// Per facility, in summary order.
    pub facilities: Vec<Facility>,
    /// What the header says: version, as_of, inputs, methods.
    pub meta: Vec<(String, String)>,
}

/// The bin of an incident energy.
pub fn energy_bin(e: f64) -> usize {
    ENERGY_BINS
        .iter()
        .position(|&edge| e < edge)
        .unwrap_or(ENERGY_BINS.len())
}

impl Report {
    /// Gathers the page from a result frame and its summary (with the portfolio row last).
    pub fn build(
        results: &DataFrame,
        summary: DataFrame,
        meta: Vec<(String, String)>,
    ) -> Result<Report> {
        let rows = ResultRows::read(results)?;
        let ids = text_column(&summary, S::FACILITY_ID.name)?;
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut facilities: Vec<Facility> = Vec::new();
        for (k, id) in ids.iter().enumerate() {
            let id = id.clone().unwrap_or_default();
            if id == "*" {
                continue;
            }
            facilities.push(Facility {
                id,
                summary_row: k,
                histogram: Default::default(),
                findings: [0; RULES.len()],
                top: Vec::new(),
                attention: Vec::new(),
                attention_count: 0,
                trend: Vec::new(),
            });
        }
        for (k, f) in facilities.iter().enumerate() {
            index.insert(f.id.as_str(), k);
        }
        let mut ok_rows: Vec<Vec<u32>> = vec![Vec::new(); facilities.len()];
        let row_facility: Vec<Option<usize>> = (0..results.height())
            .map(|i| index.get(rows.facility.get(i).unwrap_or_default()).copied())
            .collect();
        for (i, fac) in row_facility.iter().enumerate() {
            let Some(&k) = fac.as_ref() else { continue };
            let f = &mut facilities[k];
            if attention(&rows, i).is_some() {
                f.attention_count += 1;
                if f.attention.len() < ATTENTION_ROWS {
                    f.attention.push(i as u32);
                }
            }
            for id in rows.findings.get(i).unwrap_or_default().split(';') {
                if let Some(r) = RULES.iter().position(|r| r.id == id) {
                    f.findings[r] += 1;
                }
            }
            if rows.is_ok(i) {
                if let Some(e) = rows.energy[i] {
                    f.histogram[energy_bin(e)] += 1;
                    ok_rows[k].push(i as u32);
                }
            }
        }
        for (f, ok) in facilities.iter_mut().zip(ok_rows) {
            f.top = top_rows(&rows.energy, ok);
        }
        Ok(Report {
            rows,
            summary,
            facilities,
            meta,
        })
    }

    /// Adds the stored history (`voltmetrics history` rows) as each facility's trend.
    pub fn add_trend(&mut self, history: &DataFrame) -> Result<()> {
        let ids = text_column(history, S::FACILITY_ID.name)?;
        let as_of = text_column(history, H::AS_OF.name)?;
        let max = number_column(history, S::MAX_INCIDENT_ENERGY_CAL_CM2.name)?;
        let mean = number_column(history, S::MEAN_INCIDENT_ENERGY_CAL_CM2.name)?;
        let rate = number_column(history, S::COMPLIANCE_RATE.name)?;
        let index: HashMap<String, usize> = self
            .facilities
            .iter()
            .enumerate()
            .map(|(k, f)| (f.id.clone(), k))
            .collect();
        for i in 0..history.height() {
            let Some(&k) = ids[i].as_ref().and_then(|id| index.get(id)) else {
                continue;
            };
            self.facilities[k].trend.push(TrendPoint {
                as_of: as_of[i].clone().unwrap_or_default(),
                max_incident_energy_cal_cm2: max[i],
                mean_incident_energy_cal_cm2: mean[i],
                compliance_rate: rate[i],
            });
        }
        for f in &mut self.facilities {
            f.trend.sort_by(|a, b| a.as_of.cmp(&b.as_of));
        }
        Ok(())
    }
}

/// The [`TOP_ROWS`] rows of `ok` with the highest energy, highest first (ties: input order).
fn top_rows(energy: &[Option<f64>], mut ok: Vec<u32>) -> Vec<u32> {
    let key = |&i: &u32| energy[i as usize].unwrap_or(f64::NEG_INFINITY);
    let by = |a: &u32, b: &u32| key(b).total_cmp(&key(a)).then(a.cmp(b));
    if ok.len() > TOP_ROWS {
        ok.select_nth_unstable_by(TOP_ROWS - 1, by);
        ok.truncate(TOP_ROWS);
    }
    ok.sort_by(by);
    ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_and_top_rows() {
        assert_eq!(energy_bin(0.0), 0);
        assert_eq!(energy_bin(1.2), 2);
        assert_eq!(energy_bin(39.9), 7);
        assert_eq!(energy_bin(40.0), 8);
        assert_eq!(energy_bin(1e6), 9);
        let e: Vec<Option<f64>> = (0..50).map(|i| Some(f64::from(i % 7))).collect();
        let top = top_rows(&e, (0..50).collect());
        assert_eq!(top.len(), TOP_ROWS);
        assert_eq!(&top[..3], &[6, 13, 20]);
        assert!(top.windows(2).all(|w| key_ge(&e, w[0], w[1])));
    }

    fn key_ge(e: &[Option<f64>], a: u32, b: u32) -> bool {
        e[a as usize] >= e[b as usize]
    }
}
