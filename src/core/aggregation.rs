//! Facility and portfolio summary ([`crate::contract::summary`]), aggregated incrementally
//! ([`Summary`]) over the per-row values the pipeline's result store builds part by part
//! ([`PerRow`]): the ids, the governing incident energy (null unless ok) and one bit per counted
//! condition ([`Count`]), so every count is a sum.
//!
//! Exact whatever the input size, in memory bounded by what the summary needs: counts and the
//! maximum as they come; the mean as a Kahan-compensated sum in input order (as polars'
//! group-by mean sums); the 95th percentile (linear interpolation, as polars' `quantile`) from
//! each facility's incident energies, kept until the end (8 bytes per ok row; the portfolio's
//! percentile is selected across the facilities' values where they are, so the peak stays
//! 8 bytes per ok row).

use crate::contract::{summary as S, Column};
use polars::prelude::*;

/// `facility_id` of the portfolio row (`--portfolio`); no facility may be named so.
pub const PORTFOLIO_FACILITY_ID: &str = "*";

/// A counted condition: bit `c as u32` of [`PerRow::flags`], counted into `COUNTS[c]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Count {
    /// Status ok.
    Ok,
    /// Status invalid.
    Invalid,
    /// Status not_applicable.
    NotApplicable,
    /// PPE category 0 (1–4 follow).
    Ppe0,
    /// PPE category 1.
    Ppe1,
    /// PPE category 2.
    Ppe2,
    /// PPE category 3.
    Ppe3,
    /// PPE category 4.
    Ppe4,
    /// Above the danger threshold.
    Danger,
    /// Compliance pass.
    Pass,
    /// Compliance warn.
    Warn,
    /// Compliance fail.
    Fail,
    /// STUDY_OVERDUE.
    StudyOverdue,
    /// MAINTENANCE_OVERDUE.
    MaintenanceOverdue,
    /// Any LABEL_*_UNDERSTATED.
    LabelUnderstated,
    /// ARC_DURATION_CAPPED.
    DurationCapped,
    /// DEVICE_NO_TRIP.
    DeviceNoTrip,
    /// risk_level low (medium, high, extreme follow).
    RiskLow,
    /// risk_level medium.
    RiskMedium,
    /// risk_level high.
    RiskHigh,
    /// risk_level extreme.
    RiskExtreme,
}

impl Count {
    /// Its bit in [`PerRow::flags`].
    pub const fn bit(self) -> u32 {
        1 << self as u32
    }

    /// The bit of the `k`-th condition after `self` (PPE category `k`, risk level `k`).
    pub const fn bit_after(self, k: u8) -> u32 {
        1 << (self as u32 + k as u32)
    }
}

/// The summary column counting each [`Count`], in the summary's column order.
const COUNTS: [Column; 21] = [
    S::OK_COUNT,
    S::INVALID_COUNT,
    S::NOT_APPLICABLE_COUNT,
    S::PPE_CATEGORY_0_COUNT,
    S::PPE_CATEGORY_1_COUNT,
    S::PPE_CATEGORY_2_COUNT,
    S::PPE_CATEGORY_3_COUNT,
    S::PPE_CATEGORY_4_COUNT,
    S::DANGER_COUNT,
    S::COMPLIANCE_PASS_COUNT,
    S::COMPLIANCE_WARN_COUNT,
    S::COMPLIANCE_FAIL_COUNT,
    S::STUDY_OVERDUE_COUNT,
    S::MAINTENANCE_OVERDUE_COUNT,
    S::LABEL_UNDERSTATED_COUNT,
    S::ARC_DURATION_CAPPED_COUNT,
    S::DEVICE_NO_TRIP_COUNT,
    S::RISK_LOW_COUNT,
    S::RISK_MEDIUM_COUNT,
    S::RISK_HIGH_COUNT,
    S::RISK_EXTREME_COUNT,
];

/// What the summary aggregates of a part's rows (built by the pipeline's result store from its
/// codes, one pass): the ids, the governing incident energy (null unless ok), the counted
/// conditions as bits, the risk score and `prob_exceeds_label`.
#[derive(Clone, Debug, Default)]
pub struct PerRow {
    /// facility_id.
    pub facility_id: StringChunked,
    /// equipment_id.
    pub equipment_id: StringChunked,
    /// The governing incident energy, cal/cm² (null unless ok).
    pub incident_energy: Float64Chunked,
    /// The [`Count`] bits of each row.
    pub flags: Vec<u32>,
    /// risk_score, 1–25 (0: none).
    pub risk_score: Vec<u8>,
    /// prob_exceeds_label (null without --uncertainty or a label).
    pub prob_exceeds_label: Float64Chunked,
}

impl PerRow {
    /// Rows.
    pub fn len(&self) -> usize {
        self.flags.len()
    }

    /// No rows.
    pub fn is_empty(&self) -> bool {
        self.flags.is_empty()
    }

    /// Appends `other`'s rows.
    pub fn append(&mut self, other: PerRow) -> PolarsResult<()> {
        self.facility_id.append_owned(other.facility_id)?;
        self.equipment_id.append_owned(other.equipment_id)?;
        self.incident_energy.append_owned(other.incident_energy)?;
        self.prob_exceeds_label
            .append_owned(other.prob_exceeds_label)?;
        self.flags.extend(other.flags);
        self.risk_score.extend(other.risk_score);
        Ok(())
    }

    /// Rows `start..start + len` (clamped).
    pub fn slice(&self, start: usize, len: usize) -> PerRow {
        let end = (start + len).min(self.len());
        let start = start.min(end);
        PerRow {
            facility_id: self.facility_id.slice(start as i64, end - start),
            equipment_id: self.equipment_id.slice(start as i64, end - start),
            incident_energy: self.incident_energy.slice(start as i64, end - start),
            flags: self.flags[start..end].to_vec(),
            risk_score: self.risk_score[start..end].to_vec(),
            prob_exceeds_label: self.prob_exceeds_label.slice(start as i64, end - start),
        }
    }
}

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
    /// Adds an energy; `equipment` (the row's equipment id) is asked for only at a new maximum.
    fn energy(&mut self, v: f64, equipment: impl FnOnce() -> Option<String>, keep: bool) {
        if self.max.as_ref().is_none_or(|(m, _)| v > *m) {
            self.max = Some((v, equipment()));
        }
        self.sum.add(v);
        self.ok_values += 1;
        if keep {
            self.values.push(v);
        }
    }
}

/// Calls `f` with the row and the value of each value of a number column, in order, read
/// from its arrays' slices (nothing to do for a column of nulls).
fn each_value(ca: &Float64Chunked, mut f: impl FnMut(usize, f64)) {
    if ca.null_count() == ca.len() {
        return;
    }
    let mut offset = 0;
    for a in ca.downcast_iter() {
        let values = a.values().iter().enumerate();
        match a.validity().filter(|b| b.unset_bits() > 0) {
            None => values.for_each(|(j, &v)| f(offset + j, v)),
            Some(valid) => values
                .zip(valid.iter())
                .filter(|(_, ok)| *ok)
                .for_each(|((j, &v), _)| f(offset + j, v)),
        }
        offset += a.len();
    }
}

/// The facility summary and the portfolio row, aggregated part by part.
#[derive(Debug, Default)]
pub struct Summary {
    index: std::collections::HashMap<Box<str>, u32, crate::core::hash::IdHashes>,
    /// The group of the rows without a facility id.
    null_group: Option<u32>,
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
    /// order of first appearance). Consecutive rows of one facility are looked up once (their
    /// ids' views are equal), and a lookup borrows the id (no allocation but for a new
    /// facility).
    fn group_of_rows(&mut self, ids: &StringChunked) -> Vec<u32> {
        let mut out = Vec::with_capacity(ids.len());
        // The view (length and inline bytes, or prefix and place) of the last id: an equal
        // view is the same text, found without comparing or hashing it.
        let mut last: Option<(u128, u32)> = None;
        for arr in ids.downcast_iter() {
            let validity = polars_arrow::array::Array::validity(arr);
            for (i, view) in arr.views().iter().enumerate() {
                if validity.is_some_and(|b| !b.get_bit(i)) {
                    let g = match self.null_group {
                        Some(g) => g,
                        None => self.new_group(None),
                    };
                    out.push(g);
                    continue;
                }
                let key = view.as_u128();
                let g = match last {
                    Some((k, g)) if k == key => g,
                    _ => {
                        let id = arr.value(i);
                        let g = match self.index.get(id) {
                            Some(&g) => g,
                            None => self.new_group(Some(id)),
                        };
                        last = Some((key, g));
                        g
                    }
                };
                out.push(g);
            }
        }
        out
    }

    /// Appends the group of facility `id`.
    fn new_group(&mut self, id: Option<&str>) -> u32 {
        let g = self.groups.len() as u32;
        match id {
            Some(t) => {
                self.index.insert(t.into(), g);
            }
            None => self.null_group = Some(g),
        }
        self.groups.push(Group {
            id: id.map(str::to_string),
            ..Group::default()
        });
        g
    }

    /// Adds a part's rows, parts in input order: the counted conditions of each row by their
    /// set bits and its risk score, then the rows' probabilities and energies (each group's
    /// sums still take their values in input order).
    pub fn add(&mut self, part: &PerRow) -> PolarsResult<()> {
        let groups = self.group_of_rows(&part.facility_id);
        self.all.rows += groups.len() as u32;
        for ((&g, &flags), &score) in groups.iter().zip(&part.flags).zip(&part.risk_score) {
            let group = &mut self.groups[g as usize];
            group.rows += 1;
            let mut f = flags;
            while f != 0 {
                let k = f.trailing_zeros() as usize;
                group.counts[k] += 1;
                self.all.counts[k] += 1;
                f &= f - 1;
            }
            if score > 0 {
                for g in [&mut *group, &mut self.all] {
                    g.risk.0 += u64::from(score);
                    g.risk.1 += 1;
                }
            }
        }
        each_value(&part.prob_exceeds_label, |i, p| {
            for g in [&mut self.groups[groups[i] as usize], &mut self.all] {
                g.exceed.0.add(p);
                g.exceed.1 += 1;
            }
        });
        let keep = self.keep_values;
        let equipment = |i: usize| move || part.equipment_id.get(i).map(str::to_string);
        each_value(&part.incident_energy, |i, v| {
            self.groups[groups[i] as usize].energy(v, equipment(i), keep);
            self.all.energy(v, equipment(i), false);
        });
        Ok(())
    }

    /// One row per facility in order of first appearance, plus the `*` portfolio row when
    /// asked.
    pub fn finish(mut self, portfolio: bool) -> PolarsResult<DataFrame> {
        let mut rows: Vec<Row> = Vec::with_capacity(self.groups.len() + 1);
        for g in &mut self.groups {
            rows.push(Row::of(g)?);
            if !portfolio {
                g.values = Vec::new();
            }
        }
        if portfolio {
            // The portfolio's percentile is selected across the facilities' values where they
            // are, not from a copy of them all.
            let mut parts: Vec<&mut [f64]> =
                self.groups.iter_mut().map(|g| &mut g.values[..]).collect();
            let nulls = (self.all.rows - self.all.ok_values) as usize;
            self.all.id = Some(PORTFOLIO_FACILITY_ID.to_string());
            let mut row = Row::of(&mut self.all)?;
            row.p95 = p95_across(&mut parts, nulls);
            rows.push(row);
        }
        Row::frame(&rows)
    }
}

/// The 95th percentile of `values` by linear interpolation, exactly as polars computes it for
/// a group whose other `nulls` rows have no value: the position (n − 1)·0.95 is offset by the
/// nulls (they sort first), so its fraction — and the last bits of the result — depend on them.
fn p95(values: &mut [f64], nulls: usize) -> Option<f64> {
    let n = values.len();
    let (float_idx, rank, between) = p95_position(n, nulls)?;
    let (lower, upper) = order_statistics(values, rank);
    if !between {
        return Some(lower);
    }
    Some(interpolate(float_idx, nulls + rank, lower, upper?))
}

/// The two order statistics a sort of `values` by `total_cmp` would put at `rank` and
/// `rank + 1` (`None` past the last), selected in O(n): the same bits as the sorted slice's
/// (`total_cmp` is a total order). `values` is reordered; `rank` must be below its length.
fn order_statistics(values: &mut [f64], rank: usize) -> (f64, Option<f64>) {
    let (_, lower, above) = values.select_nth_unstable_by(rank, f64::total_cmp);
    (*lower, above.iter().copied().min_by(f64::total_cmp))
}

/// Where the 95th percentile of `n` values (and `nulls` rows without one) lies: polars'
/// position `(n − 1)·0.95 + nulls`, the rank among the values of the order statistic below it,
/// and whether it lies between two of them (`None` for no value).
fn p95_position(n: usize, nulls: usize) -> Option<(f64, usize, bool)> {
    const Q: f64 = 0.95;
    match n {
        0 => return None,
        1 => return Some((nulls as f64, 0, false)),
        _ => {}
    }
    let float_idx = (n as f64 - 1.0) * Q + nulls as f64;
    let idx = (float_idx as usize).clamp(0, n + nulls - 1);
    Some((float_idx, idx - nulls, idx != float_idx.ceil() as usize))
}

/// Linear interpolation at `float_idx` between the order statistics at `idx` and `idx + 1`.
fn interpolate(float_idx: f64, idx: usize, lower: f64, upper: f64) -> f64 {
    if lower == upper {
        return lower;
    }
    (float_idx - idx as f64) * (upper - lower) + lower
}

/// [`p95`] of all the values of `parts` together, without a copy of them all: the values
/// near the percentile are found by a histogram of their leading bits and selected from a copy
/// of just those ([`near`]); when too many values share those bits, the percentile is selected
/// across the parts in place (a quickselect whose partitions are made in each part). Either
/// way the portfolio's percentile needs little memory beyond the facilities' own values.
fn p95_across(parts: &mut [&mut [f64]], nulls: usize) -> Option<f64> {
    let n: usize = parts.iter().map(|p| p.len()).sum();
    p95_across_within(parts, nulls, (n / 64).max(1 << 16))
}

/// [`p95_across`], copying at most `room` values near the percentile.
fn p95_across_within(parts: &mut [&mut [f64]], nulls: usize, room: usize) -> Option<f64> {
    let n = parts.iter().map(|p| p.len()).sum();
    let (float_idx, rank, between) = p95_position(n, nulls)?;
    let last = rank + usize::from(between);
    let (lower, upper) = match near(parts, rank..=last, room) {
        Some((mut values, below)) => order_statistics(&mut values, rank - below),
        None => {
            let lower = select_across(parts, rank)?;
            let upper = if between {
                select_across(parts, last)
            } else {
                None
            };
            (lower, upper)
        }
    };
    if !between {
        return Some(lower);
    }
    Some(interpolate(float_idx, nulls + rank, lower, upper?))
}

/// The leading 16 bits of `v`'s key in the order of `total_cmp` (a histogram bucket: buckets
/// are in the order of the values in them).
fn bucket(v: f64) -> usize {
    let bits = v.to_bits() as i64;
    let key = (bits ^ (((bits >> 63) as u64) >> 1) as i64) as u64 ^ (1 << 63);
    (key >> 48) as usize
}

/// The values of `parts` in the histogram buckets of the order statistics at `ranks` (of all
/// the values sorted by `total_cmp`), with the number of values in the buckets below them: a
/// statistic's rank among the returned values is its rank less that number. `None` when those
/// buckets hold more than `room` values.
fn near(
    parts: &[&mut [f64]],
    ranks: std::ops::RangeInclusive<usize>,
    room: usize,
) -> Option<(Vec<f64>, usize)> {
    let mut counts = vec![0u32; 1 << 16];
    for &v in parts.iter().flat_map(|p| p.iter()) {
        counts[bucket(v)] += 1;
    }
    // The buckets of the first and the last rank, and the values below the first.
    let (mut seen, mut below, mut first, mut last) = (0usize, 0usize, None, None);
    for (b, &c) in counts.iter().enumerate() {
        let upto = seen + c as usize;
        if first.is_none() && *ranks.start() < upto {
            first = Some(b);
            below = seen;
        }
        if *ranks.end() < upto {
            last = Some(b);
            break;
        }
        seen = upto;
    }
    let (first, last) = (first?, last?);
    let held: usize = counts[first..=last].iter().map(|&c| c as usize).sum();
    if held > room {
        return None;
    }
    let mut values = Vec::with_capacity(held);
    for &v in parts.iter().flat_map(|p| p.iter()) {
        if (first..=last).contains(&bucket(v)) {
            values.push(v);
        }
    }
    Some((values, below))
}

/// The value a sort of all of `parts` together (by `total_cmp`) would put at `rank`; the
/// parts are reordered.
fn select_across(parts: &mut [&mut [f64]], mut rank: usize) -> Option<f64> {
    use std::cmp::Ordering::{Equal, Greater, Less};
    let mut live: Vec<&mut [f64]> = parts.iter_mut().map(|p| &mut p[..]).collect();
    loop {
        live.retain(|p| !p.is_empty());
        let pivot = pivot_of(&live)?;
        // Each part to [< pivot | = pivot | > pivot] (Dijkstra's three-way partition).
        let mut bounds = Vec::with_capacity(live.len());
        let (mut below, mut equal) = (0usize, 0usize);
        for p in live.iter_mut() {
            let (mut lt, mut i, mut gt) = (0, 0, p.len());
            while i < gt {
                match p[i].total_cmp(&pivot) {
                    Less => {
                        p.swap(lt, i);
                        lt += 1;
                        i += 1;
                    }
                    Greater => {
                        gt -= 1;
                        p.swap(i, gt);
                    }
                    Equal => i += 1,
                }
            }
            below += lt;
            equal += gt - lt;
            bounds.push((lt, gt));
        }
        let keep_below = rank < below;
        if !keep_below && rank < below + equal {
            return Some(pivot);
        }
        if !keep_below {
            rank -= below + equal;
        }
        live = live
            .into_iter()
            .zip(bounds)
            .map(|(p, (lt, gt))| {
                if keep_below {
                    &mut p[..lt]
                } else {
                    &mut p[gt..]
                }
            })
            .collect();
    }
}

/// A pivot for [`select_across`]: the median of five values spread over the parts' values.
fn pivot_of(parts: &[&mut [f64]]) -> Option<f64> {
    let n: usize = parts.iter().map(|p| p.len()).sum();
    let at = |mut k: usize| {
        for p in parts {
            if k < p.len() {
                return p[k];
            }
            k -= p.len();
        }
        f64::NAN
    };
    if n == 0 {
        return None;
    }
    let mut five: Vec<f64> = (0..5).map(|j| at(j * (n - 1) / 4)).collect();
    five.sort_unstable_by(f64::total_cmp);
    Some(five[2])
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
        let count = |c: Column| g.counts[COUNTS.iter().position(|o| o.name == c.name).unwrap_or(0)];
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
        for (k, out) in COUNTS.iter().enumerate() {
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
pub fn summarize(per_row: &PerRow, portfolio: bool) -> PolarsResult<DataFrame> {
    let mut s = Summary::new(true);
    s.add(per_row)?;
    s.finish(portfolio)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::results as R;
    use proptest::prelude::*;

    /// The names of the per-row frame the polars oracle aggregates.
    mod per_row {
        pub const IE: &str = "row_ie";
        pub const OK: &str = "is_ok";
        pub const INVALID: &str = "is_invalid";
        pub const NOT_APPLICABLE: &str = "is_not_applicable";
        pub const PPE: [&str; 5] = ["is_ppe_0", "is_ppe_1", "is_ppe_2", "is_ppe_3", "is_ppe_4"];
        pub const DANGER: &str = "is_danger";
        pub const PASS: &str = "is_pass";
        pub const WARN: &str = "is_warn";
        pub const FAIL: &str = "is_fail";
        pub const STUDY_OVERDUE: &str = "is_study_overdue";
        pub const MAINTENANCE_OVERDUE: &str = "is_maintenance_overdue";
        pub const LABEL_UNDERSTATED: &str = "is_label_understated";
        pub const DURATION_CAPPED: &str = "is_duration_capped";
        pub const DEVICE_NO_TRIP: &str = "is_device_no_trip";
        pub const RISK_LEVEL: [&str; 4] = [
            "is_risk_low",
            "is_risk_medium",
            "is_risk_high",
            "is_risk_extreme",
        ];
        pub const RISK_SCORE: &str = "row_risk_score";
        pub const PROB_EXCEEDS_LABEL: &str = "row_prob_exceeds_label";
        /// The flag column of each `Count`, in order.
        pub const FLAGS: [&str; 21] = [
            OK,
            INVALID,
            NOT_APPLICABLE,
            PPE[0],
            PPE[1],
            PPE[2],
            PPE[3],
            PPE[4],
            DANGER,
            PASS,
            WARN,
            FAIL,
            STUDY_OVERDUE,
            MAINTENANCE_OVERDUE,
            LABEL_UNDERSTATED,
            DURATION_CAPPED,
            DEVICE_NO_TRIP,
            RISK_LEVEL[0],
            RISK_LEVEL[1],
            RISK_LEVEL[2],
            RISK_LEVEL[3],
        ];
    }

    include!("aggregation_oracle.rs");

    /// Generated rows (facility, energy, flags) as the summary's input: a score (1–25) on the
    /// rows with an energy, a probability on two thirds of them.
    fn per_row_of(rows: &[(Option<u8>, Option<f64>, u32)]) -> PerRow {
        PerRow {
            facility_id: StringChunked::from_iter_options(
                R::FACILITY_ID.name.into(),
                rows.iter().map(|r| r.0.map(|f| format!("F{f}"))),
            ),
            equipment_id: StringChunked::from_iter_values(
                R::EQUIPMENT_ID.name.into(),
                (0..rows.len()).map(|i| format!("E{i}")),
            ),
            incident_energy: Float64Chunked::from_iter_options(
                per_row::IE.into(),
                rows.iter().map(|r| r.1),
            ),
            flags: rows.iter().map(|r| r.2).collect(),
            risk_score: rows
                .iter()
                .map(|r| r.1.map_or(0, |e| 1 + (e as u32 % 25) as u8))
                .collect(),
            prob_exceeds_label: Float64Chunked::from_iter_options(
                per_row::PROB_EXCEEDS_LABEL.into(),
                rows.iter()
                    .map(|r| r.1.filter(|e| (*e as u32) % 3 != 0).map(|e| e.fract())),
            ),
        }
    }

    /// The same rows as the oracle's frame: one boolean column per condition.
    fn per_row_frame(p: &PerRow) -> DataFrame {
        let mut cols = vec![
            p.facility_id.clone().into_column(),
            p.equipment_id.clone().into_column(),
            p.incident_energy.clone().into_column(),
            polars::prelude::Column::new(
                per_row::RISK_SCORE.into(),
                p.risk_score
                    .iter()
                    .map(|&s| (s > 0).then_some(f64::from(s)))
                    .collect::<Vec<_>>(),
            ),
            p.prob_exceeds_label.clone().into_column(),
        ];
        for (k, flag) in per_row::FLAGS.iter().enumerate() {
            cols.push(polars::prelude::Column::new(
                (*flag).into(),
                p.flags
                    .iter()
                    .map(|f| f & (1 << k) != 0)
                    .collect::<Vec<bool>>(),
            ));
        }
        DataFrame::new(p.len(), cols).unwrap()
    }

    /// [`p95`] as it was written first: sort, then read the two neighbours.
    fn p95_by_sorting(values: &mut [f64], nulls: usize) -> Option<f64> {
        let n = values.len();
        if n <= 1 {
            return values.first().copied();
        }
        values.sort_unstable_by(f64::total_cmp);
        let float_idx = (n as f64 - 1.0) * 0.95 + nulls as f64;
        let idx = float_idx as usize;
        let (lower, upper) = (values[idx - nulls], values.get(idx + 1 - nulls).copied());
        match upper {
            Some(upper) if idx != float_idx.ceil() as usize && lower != upper => {
                Some((float_idx - idx as f64) * (upper - lower) + lower)
            }
            _ => Some(lower),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        /// Selecting the two order statistics gives the sort's result to the bit, with ties,
        /// signed zeros and any count of nulls.
        #[test]
        fn p95_by_selection_equals_p95_by_sorting(
            values in proptest::collection::vec(
                proptest::prop_oneof![(0u8..6).prop_map(f64::from), Just(-0.0), -1e3f64..1e3],
                0..300),
            nulls in 0usize..40,
        ) {
            let (mut a, mut b) = (values.clone(), values);
            let got = p95(&mut a, nulls).map(f64::to_bits);
            prop_assert_eq!(got, p95_by_sorting(&mut b, nulls).map(f64::to_bits));
        }
    }

    #[test]
    fn the_values_near_ranks_are_those_of_their_buckets() {
        let (mut a, mut b) = (vec![3.0, 1.0], vec![2.0]);
        let parts = [&mut a[..], &mut b[..]];
        // 1.0, 2.0 and 3.0 fall in three buckets: ranks 1 and 2 are in the last two.
        assert_eq!(near(&parts, 1..=2, 2), Some((vec![3.0, 2.0], 1)));
        assert_eq!(near(&parts, 1..=2, 1), None);
        // A rank past the values is in no bucket.
        assert_eq!(near(&parts, 2..=3, 10), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        /// The percentile selected across parts in place is the percentile of the parts joined,
        /// to the bit (ties, signed zeros, empty parts, nulls).
        #[test]
        fn p95_across_parts_equals_p95_of_the_parts_joined(
            parts in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::prop_oneof![(0u8..6).prop_map(f64::from), Just(-0.0), -1e3f64..1e3],
                    0..60),
                0..12),
            nulls in 0usize..40,
        ) {
            let mut joined: Vec<f64> = parts.concat();
            let want = p95(&mut joined, nulls).map(f64::to_bits);
            let mut parts = parts;
            let mut refs: Vec<&mut [f64]> = parts.iter_mut().map(|p| &mut p[..]).collect();
            prop_assert_eq!(p95_across(&mut refs, nulls).map(f64::to_bits), want);
        }

        /// With any room for the values near the percentile — none (selected in place), some
        /// (from the histogram's buckets where they fit) — the percentile is the same, to the
        /// bit; values spread over many buckets, a few, or one (NaN, infinities, ±0 included).
        #[test]
        fn p95_near_or_in_place_is_p95_of_the_parts_joined(
            parts in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::prop_oneof![
                        (0u8..6).prop_map(f64::from),
                        Just(-0.0),
                        Just(f64::NAN),
                        Just(f64::INFINITY),
                        Just(f64::NEG_INFINITY),
                        -1e3f64..1e3,
                        (28.0f64..29.0),
                    ],
                    0..60),
                0..12),
            nulls in 0usize..40,
            room in 0usize..80,
        ) {
            let mut joined: Vec<f64> = parts.concat();
            let want = p95(&mut joined, nulls).map(f64::to_bits);
            let mut parts = parts;
            let mut refs: Vec<&mut [f64]> = parts.iter_mut().map(|p| &mut p[..]).collect();
            prop_assert_eq!(p95_across_within(&mut refs, nulls, room).map(f64::to_bits), want);
        }
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
            let input = per_row_of(&rows);
            let want = summarize_polars(&per_row_frame(&input), portfolio).unwrap();
            let mut s = Summary::new(true);
            for start in (0..rows.len().max(1)).step_by(part) {
                s.add(&input.slice(start, part)).unwrap();
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
