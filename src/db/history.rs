//! `history`: time-bounded queries over stored runs, optionally downsampled into daily, weekly
//! or monthly buckets (continuous aggregates on TimescaleDB, `date_trunc` views otherwise —
//! the same columns either way).

use anyhow::Result;
use chrono::{DateTime, SecondsFormat, Utc};
use polars::prelude::*;
use postgres::Client;

/// Downsampling bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bucket {
    /// `1d`
    Day,
    /// `1w` (weeks start on Monday)
    Week,
    /// `1mo`
    Month,
}

impl Bucket {
    /// Parses `1d`, `1w`, `1mo`.
    pub fn parse(s: &str) -> Option<Bucket> {
        match s {
            "1d" => Some(Bucket::Day),
            "1w" => Some(Bucket::Week),
            "1mo" => Some(Bucket::Month),
            _ => None,
        }
    }

    fn view(self) -> &'static str {
        match self {
            Bucket::Day => "voltmetrics_facility_daily",
            Bucket::Week => "voltmetrics_facility_weekly",
            Bucket::Month => "voltmetrics_facility_monthly",
        }
    }

    /// The `date_trunc` unit (the same buckets as the views: UTC days, weeks from Monday,
    /// months).
    fn unit(self) -> &'static str {
        match self {
            Bucket::Day => "day",
            Bucket::Week => "week",
            Bucket::Month => "month",
        }
    }
}

/// A history query.
#[derive(Clone, Debug, Default)]
pub struct Query {
    /// Only this facility.
    pub facility: Option<String>,
    /// From this time (inclusive).
    pub since: Option<DateTime<Utc>>,
    /// Up to this time (inclusive).
    pub until: Option<DateTime<Utc>>,
    /// Downsampling.
    pub bucket: Option<Bucket>,
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Runs the query: one row per facility and run (`as_of`), or per facility and bucket.
pub fn query(client: &mut Client, q: &Query) -> Result<DataFrame> {
    match q.bucket {
        None => summaries(client, q),
        Some(b) => buckets(client, q, b),
    }
}

fn summaries(client: &mut Client, q: &Query) -> Result<DataFrame> {
    let rows = client.query(
        "SELECT facility_id, as_of, run_id::text, equipment_count, ok_count, invalid_count, not_applicable_count,
                max_incident_energy_cal_cm2, max_incident_energy_equipment_id, mean_incident_energy_cal_cm2,
                p95_incident_energy_cal_cm2, danger_count, compliance_pass_count, compliance_warn_count,
                compliance_fail_count, compliance_rate, study_overdue_count, maintenance_overdue_count,
                label_understated_count
         FROM voltmetrics_facility_summaries
         WHERE ($1::text IS NULL OR facility_id = $1)
           AND ($2::timestamptz IS NULL OR as_of >= $2)
           AND ($3::timestamptz IS NULL OR as_of <= $3)
         ORDER BY facility_id, as_of",
        &[&q.facility, &q.since, &q.until],
    )?;
    let n = rows.len();
    let text = |k: usize| {
        rows.iter()
            .map(|r| r.get::<_, Option<String>>(k))
            .collect::<Vec<_>>()
    };
    let time = |k: usize| {
        rows.iter()
            .map(|r| ts(r.get::<_, DateTime<Utc>>(k)))
            .collect::<Vec<_>>()
    };
    let int = |k: usize| rows.iter().map(|r| r.get::<_, i64>(k)).collect::<Vec<_>>();
    let float = |k: usize| {
        rows.iter()
            .map(|r| r.get::<_, Option<f64>>(k))
            .collect::<Vec<_>>()
    };
    Ok(DataFrame::new(
        n,
        vec![
            Column::new("facility_id".into(), text(0)),
            Column::new("as_of".into(), time(1)),
            Column::new("run_id".into(), text(2)),
            Column::new("equipment_count".into(), int(3)),
            Column::new("ok_count".into(), int(4)),
            Column::new("invalid_count".into(), int(5)),
            Column::new("not_applicable_count".into(), int(6)),
            Column::new("max_incident_energy_cal_cm2".into(), float(7)),
            Column::new("max_incident_energy_equipment_id".into(), text(8)),
            Column::new("mean_incident_energy_cal_cm2".into(), float(9)),
            Column::new("p95_incident_energy_cal_cm2".into(), float(10)),
            Column::new("danger_count".into(), int(11)),
            Column::new("compliance_pass_count".into(), int(12)),
            Column::new("compliance_warn_count".into(), int(13)),
            Column::new("compliance_fail_count".into(), int(14)),
            Column::new("compliance_rate".into(), float(15)),
            Column::new("study_overdue_count".into(), int(16)),
            Column::new("maintenance_overdue_count".into(), int(17)),
            Column::new("label_understated_count".into(), int(18)),
        ],
    )?)
}

/// The rollup of each facility and bucket over the runs whose as-of lies in
/// `[since, until]`: rows are filtered on their time first, then bucketed. A bucket entirely
/// inside the range is read from the rollup view (a continuous aggregate on TimescaleDB); a
/// bucket the range cuts is aggregated from the runs inside the range.
fn buckets(client: &mut Client, q: &Query, b: Bucket) -> Result<DataFrame> {
    // The view and unit are constants; every value is a parameter.
    let (view, unit) = (b.view(), b.unit());
    let step = format!("interval '1 {unit}'");
    let whole = |bucket: &str| {
        format!(
            "($2::timestamptz IS NULL OR {bucket} >= $2) \
             AND ($3::timestamptz IS NULL OR {bucket} + {step} <= $3 + interval '1 microsecond')"
        )
    };
    let trunc = format!("date_trunc('{unit}', s.as_of)");
    let sums = "count(*)::bigint AS runs,
                max(max_incident_energy_cal_cm2) AS max_incident_energy_cal_cm2,
                sum(mean_incident_energy_cal_cm2 * ok_count)::double precision AS incident_energy_sum_cal_cm2,
                sum(equipment_count)::bigint AS equipment_count,
                sum(ok_count)::bigint AS ok_count,
                sum(invalid_count)::bigint AS invalid_count,
                sum(not_applicable_count)::bigint AS not_applicable_count,
                sum(danger_count)::bigint AS danger_count,
                sum(compliance_pass_count)::bigint AS compliance_pass_count,
                sum(compliance_warn_count)::bigint AS compliance_warn_count,
                sum(compliance_fail_count)::bigint AS compliance_fail_count";
    let sql = format!(
        "WITH whole AS (
             SELECT facility_id, bucket, runs, max_incident_energy_cal_cm2, incident_energy_sum_cal_cm2,
                    equipment_count, ok_count, invalid_count, not_applicable_count, danger_count,
                    compliance_pass_count, compliance_warn_count, compliance_fail_count
             FROM {view}
             WHERE ($1::text IS NULL OR facility_id = $1) AND {whole_view}
         ), cut AS (
             SELECT s.facility_id, {trunc} AS bucket, {sums}
             FROM voltmetrics_facility_summaries s
             WHERE ($1::text IS NULL OR s.facility_id = $1)
               AND ($2::timestamptz IS NULL OR s.as_of >= $2)
               AND ($3::timestamptz IS NULL OR s.as_of <= $3)
               AND NOT ({whole_cut})
             GROUP BY s.facility_id, {trunc}
         )
         SELECT facility_id, bucket, runs, max_incident_energy_cal_cm2,
                incident_energy_sum_cal_cm2 / NULLIF(ok_count, 0) AS mean_incident_energy_cal_cm2,
                equipment_count, ok_count, invalid_count, not_applicable_count, danger_count,
                compliance_pass_count, compliance_warn_count, compliance_fail_count,
                compliance_pass_count::double precision
                    / NULLIF(compliance_pass_count + compliance_warn_count + compliance_fail_count, 0)
                    AS compliance_rate
         FROM (SELECT * FROM whole UNION ALL SELECT * FROM cut) b
         ORDER BY facility_id, bucket",
        whole_view = whole("bucket"),
        whole_cut = whole(&trunc),
    );
    let rows = client.query(sql.as_str(), &[&q.facility, &q.since, &q.until])?;
    let n = rows.len();
    let int = |k: usize| {
        rows.iter()
            .map(|r| r.get::<_, Option<i64>>(k).unwrap_or(0))
            .collect::<Vec<_>>()
    };
    let num = |k: usize| {
        rows.iter()
            .map(|r| r.get::<_, Option<f64>>(k))
            .collect::<Vec<_>>()
    };
    Ok(DataFrame::new(
        n,
        vec![
            Column::new(
                "facility_id".into(),
                rows.iter()
                    .map(|r| r.get::<_, String>(0))
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "bucket".into(),
                rows.iter()
                    .map(|r| ts(r.get::<_, DateTime<Utc>>(1)))
                    .collect::<Vec<_>>(),
            ),
            Column::new("runs".into(), int(2)),
            Column::new("max_incident_energy_cal_cm2".into(), num(3)),
            Column::new("mean_incident_energy_cal_cm2".into(), num(4)),
            Column::new("equipment_count".into(), int(5)),
            Column::new("ok_count".into(), int(6)),
            Column::new("invalid_count".into(), int(7)),
            Column::new("not_applicable_count".into(), int(8)),
            Column::new("danger_count".into(), int(9)),
            Column::new("compliance_pass_count".into(), int(10)),
            Column::new("compliance_warn_count".into(), int(11)),
            Column::new("compliance_fail_count".into(), int(12)),
            Column::new("compliance_rate".into(), num(13)),
        ],
    )?)
}
