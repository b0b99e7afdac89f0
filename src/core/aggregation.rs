//! Facility and portfolio summary ([`crate::contract::summary`]), aggregated incrementally
//! ([`Summary`]) over the per-row values the pipeline's result store builds part by part
//! ([`per_row`]): the ids, the governing incident energy (null unless ok) and one boolean
//! column per counted condition, so every count is a sum.
//!
//! Exact whatever the input size, in memory bounded by what the summary needs: counts and the
//! maximum as they come; the mean as a Kahan-compensated sum in input order (as polars'
//! group-by mean sums); the 95th percentile (linear interpolation, as polars' `quantile`) from
//! each facility's incident energies, kept until the end (8 bytes per ok row; the portfolio's
//! percentile takes the facilities' values over one by one, so the peak stays 8 bytes per row
//! plus the largest facility).

use crate::contract::{results as R, summary as S, Column};
use polars::prelude::*;

/// `facility_id` of the portfolio row (`--portfolio`); no facility may be named so.
pub const PORTFOLIO_FACILITY_ID: &str = "*";

/// The names of the per-row values the summary aggregates (internal; built by the pipeline's
/// result store).
pub mod per_row {
    /// Governing incident energy, cal/cm² (null unless ok).
    pub const IE: &str = "row_ie";
    /// Status ok.
    pub const OK: &str = "is_ok";
    /// Status invalid.
    pub const INVALID: &str = "is_invalid";
    /// Status not_applicable.
    pub const NOT_APPLICABLE: &str = "is_not_applicable";
    /// PPE category 0..4.
    pub const PPE: [&str; 5] = ["is_ppe_0", "is_ppe_1", "is_ppe_2", "is_ppe_3", "is_ppe_4"];
    /// Above the danger threshold.
    pub const DANGER: &str = "is_danger";
    /// Compliance pass.
    pub const PASS: &str = "is_pass";
    /// Compliance warn.
    pub const WARN: &str = "is_warn";
    /// Compliance fail.
    pub const FAIL: &str = "is_fail";
    /// STUDY_OVERDUE.
    pub const STUDY_OVERDUE: &str = "is_study_overdue";
    /// MAINTENANCE_OVERDUE.
    pub const MAINTENANCE_OVERDUE: &str = "is_maintenance_overdue";
    /// Any LABEL_*_UNDERSTATED.
    pub const LABEL_UNDERSTATED: &str = "is_label_understated";
    /// ARC_DURATION_CAPPED.
    pub const DURATION_CAPPED: &str = "is_duration_capped";
    /// DEVICE_NO_TRIP.
    pub const DEVICE_NO_TRIP: &str = "is_device_no_trip";
    /// risk_level low, medium, high, extreme.
    pub const RISK_LEVEL: [&str; 4] = [
        "is_risk_low",
        "is_risk_medium",
        "is_risk_high",
        "is_risk_extreme",
    ];
    /// risk_score (null unless ok).
    pub const RISK_SCORE: &str = "row_risk_score";
    /// prob_exceeds_label (null without --uncertainty or a label).
    pub const PROB_EXCEEDS_LABEL: &str = "row_prob_exceeds_label";
}

/// The counted conditions: the per-row flag and the summary column that counts it, in the
/// summary's column order.
const COUNTS: [(&str, Column); 21] = [
    (per_row::OK, S::OK_COUNT),
    (per_row::INVALID, S::INVALID_COUNT),
    (per_row::NOT_APPLICABLE, S::NOT_APPLICABLE_COUNT),
    (per_row::PPE[0], S::PPE_CATEGORY_0_COUNT),
    (per_row::PPE[1], S::PPE_CATEGORY_1_COUNT),
    (per_row::PPE[2], S::PPE_CATEGORY_2_COUNT),
    (per_row::PPE[3], S::PPE_CATEGORY_3_COUNT),
    (per_row::PPE[4], S::PPE_CATEGORY_4_COUNT),
    (per_row::DANGER, S::DANGER_COUNT),
    (per_row::PASS, S::COMPLIANCE_PASS_COUNT),
    (per_row::WARN, S::COMPLIANCE_WARN_COUNT),
    (per_row::FAIL, S::COMPLIANCE_FAIL_COUNT),
    (per_row::STUDY_OVERDUE, S::STUDY_OVERDUE_COUNT),
    (per_row::MAINTENANCE_OVERDUE, S::MAINTENANCE_OVERDUE_COUNT),
    (per_row::LABEL_UNDERSTATED, S::LABEL_UNDERSTATED_COUNT),
    (per_row::DURATION_CAPPED, S::ARC_DURATION_CAPPED_COUNT),
    (per_row::DEVICE_NO_TRIP, S::DEVICE_NO_TRIP_COUNT),
    (per_row::RISK_LEVEL[0], S::RISK_LOW_COUNT),
    (per_row::RISK_LEVEL[1], S::RISK_MEDIUM_COUNT),
    (per_row::RISK_LEVEL[2], S::RISK_HIGH_COUNT),
    (per_row::RISK_LEVEL[3], S::RISK_EXTREME_COUNT),
];

/// A Kahan-compensated sum, added to in order (the compensation as polars' `KahanSum`).
#[derive(Clone, Copy, Debug, Default)]
struct Kahan {
    sum: f64,
    err: f64,
}

impl Kahan {
    fn add(&mut self, v: f64) {
        let y = v - self.err;
        let sum = self.sum + y;
        let err = (sum - self.sum) - y;
        self.sum = sum;
        if err.is_finite() {
            self.err = err;
        }
    }
}

/// The aggregate of one facility (or of all rows).
#[derive(Clone, Debug, Default)]
struct Group {
    id: Option<String>,
    rows: u32,
    counts: [u32; COUNTS.len()],
    max: Option<(f64, Option<String>)>,
    sum: Kahan,
    ok_values: u32,
    /// Incident energies (for the percentile).
    values: Vec<f64>,
    /// Sum and number of the risk scores.
    risk: (u64, u32),
    /// Sum of prob_exceeds_label (in input order) and how many rows have one.
    exceed: (Kahan, u32),
}

impl Group {
    fn energy(&mut self, v: f64, equipment: Option<&str>, keep: bool) {
        if self.max.as_ref().is_none_or(|(m, _)| v > *m) {
            self.max = Some((v, equipment.map(str::to_string)));
        }
        self.sum.add(v);
        self.ok_values += 1;
        if keep {
            self.values.push(v);
        }
    }
}

/// The facility summary and the portfolio row, aggregated part by part.
#[derive(Debug, Default)]
pub struct Summary {
    index: std::collections::HashMap<Option<String>, u32>,
    groups: Vec<Group>,
    all: Group,
    /// Keep the incident energies (needed for the percentile).
    keep_values: bool,
}

impl Summary {
    /// An empty summary; `keep_values` false aggregates only what the facility count needs.
    pub fn new(keep_values: bool) -> Summary {
        Summary {
            keep_values,
            ..Summary::default()
        }
    }

    /// Facilities so far.
    pub fn facilities(&self) -> usize {
        self.groups.len()
    }

    /// The facility of each row of a part (index into `groups`; new facilities appended in
    /// order of first appearance). Consecutive rows of one facility are looked up once.
    fn group_of_rows(&mut self, ids: &StringChunked) -> Vec<u32> {
        let mut out = Vec::with_capacity(ids.len());
        let mut last: Option<(Option<&str>, u32)> = None;
        for id in ids.iter() {
            let g = match last {
                Some((l, g)) if l == id => g,
                _ => {
                    let g = match self.index.get(&id.map(str::to_string)) {
                        Some(&g) => g,
                        None => {
                            let g = self.groups.len() as u32;
                            self.index.insert(id.map(str::to_string), g);
                            self.groups.push(Group {
                                id: id.map(str::to_string),
                                ..Group::default()
                            });
                            g
                        }
                    };
                    last = Some((id, g));
                    g
                }
            };
            out.push(g);
        }
        out
    }

    /// Adds a part's per-row values ([`per_row`]), parts in input order.
    pub fn add(&mut self, part: &DataFrame) -> PolarsResult<()> {
        let ids = part.column(R::FACILITY_ID.name)?.str()?.clone();
        let groups = self.group_of_rows(&ids);
        for g in &groups {
            self.groups[*g as usize].rows += 1;
        }
        self.all.rows += groups.len() as u32;
        for (k, (flag, _)) in COUNTS.iter().enumerate() {
            let flags = part.column(flag)?.bool()?.clone();
            for (g, f) in groups.iter().zip(flags.iter()) {
                if f == Some(true) {
                    self.groups[*g as usize].counts[k] += 1;
                    self.all.counts[k] += 1;
                }
            }
        }
        let score = part.column(per_row::RISK_SCORE)?.f64()?.clone();
        let exceed = part.column(per_row::PROB_EXCEEDS_LABEL)?.f64()?.clone();
        for ((g, s), p) in groups.iter().zip(score.iter()).zip(exceed.iter()) {
            for group in [&mut self.groups[*g as usize], &mut self.all] {
                if let Some(s) = s {
                    group.risk.0 += s as u64;
                    group.risk.1 += 1;
                }
                if let Some(p) = p {
                    group.exceed.0.add(p);
                    group.exceed.1 += 1;
                }
            }
        }
        let ie = part.column(per_row::IE)?.f64()?.clone();
        let equipment = part.column(R::EQUIPMENT_ID.name)?.str()?.clone();
        for ((g, v), e) in groups.iter().zip(ie.iter()).zip(equipment.iter()) {
            if let Some(v) = v {
                self.groups[*g as usize].energy(v, e, self.keep_values);
                self.all.energy(v, e, false);
            }
        }
        Ok(())
    }

    /// One row per facility in order of first appearance, plus the `*` portfolio row when
    /// asked.
    pub fn finish(mut self, portfolio: bool) -> PolarsResult<DataFrame> {
        let mut rows: Vec<Row> = Vec::with_capacity(self.groups.len() + 1);
        let mut all_values: Vec<f64> = Vec::new();
        for g in &mut self.groups {
            rows.push(Row::of(g)?);
            if portfolio {
                all_values.append(&mut g.values);
            } else {
                g.values = Vec::new();
            }
        }
        if portfolio {
            self.all.id = Some(PORTFOLIO_FACILITY_ID.to_string());
            self.all.values = all_values;
            rows.push(Row::of(&mut self.all)?);
        }
        Row::frame(&rows)
    }
}

/// The 95th percentile of `values` by linear interpolation, exactly as polars computes it for
/// a group whose other `nulls` rows have no value: the position (n − 1)·0.95 is offset by the
/// nulls (they sort first), so its fraction — and the last bits of the result — depend on them.
fn p95(values: &mut [f64], nulls: usize) -> Option<f64> {
    const Q: f64 = 0.95;
    let n = values.len();
    match n {
        0 => return None,
        1 => return Some(values[0]),
        _ => {}
    }
    values.sort_unstable_by(f64::total_cmp);
    let float_idx = (n as f64 - 1.0) * Q + nulls as f64;
    let idx = (float_idx as usize).clamp(0, n + nulls - 1);
    let top = float_idx.ceil() as usize;
    let lower = values[idx - nulls];
    if idx == top {
        return Some(lower);
    }
    let upper = values[idx + 1 - nulls];
    if lower == upper {
        return Some(lower);
    }
    Some((float_idx - idx as f64) * (upper - lower) + lower)
}

/// One summary row's values.
struct Row {
    id: Option<String>,
    rows: u32,
    counts: [u32; COUNTS.len()],
    max: Option<f64>,
    max_id: Option<String>,
    mean: Option<f64>,
    p95: Option<f64>,
    rate: Option<f64>,
    risk_index: Option<f64>,
    exceedances: Option<f64>,
}

impl Row {
    fn of(g: &mut Group) -> PolarsResult<Row> {
        let p95 = p95(&mut g.values, (g.rows - g.ok_values) as usize);
        let count = |c: Column| {
            g.counts[COUNTS
                .iter()
                .position(|(_, o)| o.name == c.name)
                .unwrap_or(0)]
        };
        let assessed = f64::from(count(S::COMPLIANCE_PASS_COUNT))
            + f64::from(count(S::COMPLIANCE_WARN_COUNT))
            + f64::from(count(S::COMPLIANCE_FAIL_COUNT));
        Ok(Row {
            id: g.id.clone(),
            rows: g.rows,
            counts: g.counts,
            max: g.max.as_ref().map(|(m, _)| *m),
            max_id: g.max.as_ref().and_then(|(_, e)| e.clone()),
            mean: (g.ok_values > 0).then(|| g.sum.sum / f64::from(g.ok_values)),
            p95,
            rate: (assessed > 0.0).then(|| f64::from(count(S::COMPLIANCE_PASS_COUNT)) / assessed),
            // 100 × mean score / 25 = 4 × sum / n: one rounding, the same in any order.
            risk_index: (g.risk.1 > 0).then(|| (g.risk.0 as f64 * 4.0) / f64::from(g.risk.1)),
            exceedances: (g.exceed.1 > 0).then_some(g.exceed.0.sum),
        })
    }

    /// The summary frame, columns in the contract's order.
    fn frame(rows: &[Row]) -> PolarsResult<DataFrame> {
        let text = |c: Column, f: &dyn Fn(&Row) -> Option<&str>| {
            polars::prelude::Column::new(c.name.into(), rows.iter().map(f).collect::<Vec<_>>())
        };
        let number = |c: Column, f: &dyn Fn(&Row) -> Option<f64>| {
            polars::prelude::Column::new(c.name.into(), rows.iter().map(f).collect::<Vec<_>>())
        };
        let mut cols = vec![
            text(S::FACILITY_ID, &|r| r.id.as_deref()),
            polars::prelude::Column::new(
                S::EQUIPMENT_COUNT.name.into(),
                rows.iter().map(|r| r.rows).collect::<Vec<u32>>(),
            ),
            number(S::MAX_INCIDENT_ENERGY_CAL_CM2, &|r| r.max),
            text(S::MAX_INCIDENT_ENERGY_EQUIPMENT_ID, &|r| {
                r.max_id.as_deref()
            }),
            number(S::MEAN_INCIDENT_ENERGY_CAL_CM2, &|r| r.mean),
            number(S::P95_INCIDENT_ENERGY_CAL_CM2, &|r| r.p95),
            number(S::COMPLIANCE_RATE, &|r| r.rate),
            number(S::RISK_INDEX, &|r| r.risk_index),
            number(S::EXPECTED_LABEL_EXCEEDANCES, &|r| r.exceedances),
        ];
        for (k, (_, out)) in COUNTS.iter().enumerate() {
            cols.push(polars::prelude::Column::new(
                out.name.into(),
                rows.iter().map(|r| r.counts[k]).collect::<Vec<u32>>(),
            ));
        }
        let df = DataFrame::new(rows.len(), cols)?;
        df.select(S::names())
    }
}

/// One row per facility in order of first appearance, plus the `*` portfolio row when asked
/// (all rows in one part).
pub fn summarize(per_row: &DataFrame, portfolio: bool) -> PolarsResult<DataFrame> {
    let mut s = Summary::new(true);
    s.add(per_row)?;
    s.finish(portfolio)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    include!("aggregation_oracle.rs");

    fn per_row_frame(rows: &[(Option<u8>, Option<f64>, u32)]) -> DataFrame {
        let mut cols = vec![
            polars::prelude::Column::new(
                R::FACILITY_ID.name.into(),
                rows.iter()
                    .map(|r| r.0.map(|f| format!("F{f}")))
                    .collect::<Vec<_>>(),
            ),
            polars::prelude::Column::new(
                R::EQUIPMENT_ID.name.into(),
                (0..rows.len()).map(|i| format!("E{i}")).collect::<Vec<_>>(),
            ),
            polars::prelude::Column::new(
                per_row::IE.into(),
                rows.iter().map(|r| r.1).collect::<Vec<_>>(),
            ),
            // A score (1–25) on the rows with an energy; a probability on two thirds of them.
            polars::prelude::Column::new(
                per_row::RISK_SCORE.into(),
                rows.iter()
                    .map(|r| r.1.map(|e| f64::from(1 + (e as u32) % 25)))
                    .collect::<Vec<_>>(),
            ),
            polars::prelude::Column::new(
                per_row::PROB_EXCEEDS_LABEL.into(),
                rows.iter()
                    .map(|r| r.1.filter(|e| (*e as u32) % 3 != 0).map(|e| e.fract()))
                    .collect::<Vec<_>>(),
            ),
        ];
        for (k, (flag, _)) in COUNTS.iter().enumerate() {
            cols.push(polars::prelude::Column::new(
                (*flag).into(),
                rows.iter()
                    .map(|r| r.2 & (1 << k) != 0)
                    .collect::<Vec<bool>>(),
            ));
        }
        DataFrame::new(rows.len(), cols).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// The incremental summary, in parts of any size, equals polars' group-by exactly
        /// (every value to the bit).
        #[test]
        fn incremental_summary_equals_polars_group_by(
            rows in proptest::collection::vec(
                (proptest::option::weighted(0.95, 0u8..5),
                 proptest::option::weighted(0.8, 0.0f64..200.0),
                 0u32..(1 << 21)),
                0..400),
            part in 1usize..97,
            portfolio in any::<bool>(),
        ) {
            let df = per_row_frame(&rows);
            let want = summarize_polars(&df, portfolio).unwrap();
            let mut s = Summary::new(true);
            for start in (0..rows.len().max(1)).step_by(part) {
                s.add(&df.slice(start as i64, part)).unwrap();
            }
            let got = s.finish(portfolio).unwrap();
            prop_assert_eq!(got.dtypes(), want.dtypes());
            // Expected exceedances: a Kahan sum in input order; polars' sum may differ in the
            // last bits.
            let e = S::EXPECTED_LABEL_EXCEEDANCES.name;
            let (ge, we) = (got.column(e).unwrap().f64().unwrap().clone(), want.column(e).unwrap().f64().unwrap().clone());
            for (g, w) in ge.iter().zip(we.iter()) {
                prop_assert_eq!(g.is_some(), w.is_some());
                if let (Some(g), Some(w)) = (g, w) {
                    prop_assert!((g - w).abs() <= 1e-12 * w.abs().max(1.0), "exceedances {g} != {w}");
                }
            }
            let (got, want) = (got.drop(e).unwrap(), want.drop(e).unwrap());
            // The portfolio mean is a Kahan sum in input order like every facility's; polars
            // sums a whole column pairwise, which can differ in the last bits.
            let (got, want, mean) = if portfolio {
                let n = got.height() as i64 - 1;
                let m = S::MEAN_INCIDENT_ENERGY_CAL_CM2.name;
                let mean = (got.column(m).unwrap().f64().unwrap().get(n as usize),
                            want.column(m).unwrap().f64().unwrap().get(n as usize));
                (got.slice(0, n as usize), want.slice(0, n as usize), Some(mean))
            } else {
                (got, want, None)
            };
            for (g, w) in got.columns().iter().zip(want.columns()) {
                prop_assert!(
                    g.as_materialized_series().equals_missing(w.as_materialized_series()),
                    "{}: {:?} != {:?} (rows {:?})", g.name(), g, w, rows
                );
            }
            if let Some((g, w)) = mean {
                prop_assert_eq!(g.is_some(), w.is_some());
                if let (Some(g), Some(w)) = (g, w) {
                    prop_assert!((g - w).abs() <= 1e-12 * w.abs(), "portfolio mean {g} != {w}");
                }
            }
        }
    }
}
