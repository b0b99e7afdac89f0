//! `history`: time-bounded queries over stored runs, optionally downsampled into daily, weekly
//! or monthly buckets (continuous aggregates on TimescaleDB, `date_trunc` views otherwise —
//! the same columns either way).

use crate::contract::{history as H, Column as ContractColumn, Type};
use anyhow::Result;
use chrono::{DateTime, SecondsFormat, Utc};
use polars::prelude::*;
use postgres::Client;

/// Downsampling bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Bucket {
    /// `1d`
    Day,
    /// `1w` (weeks start on Monday)
    Week,
    /// `1mo`
    Month,
}

impl Bucket {
    /// Parses `1d`, `1w`, `1mo`.
    pub(crate) fn parse(s: &str) -> Option<Bucket> {
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
pub(crate) struct Query {
    /// Only this facility.
    pub(crate) facility: Option<String>,
    /// From this time (inclusive).
    pub(crate) since: Option<DateTime<Utc>>,
    /// Up to this time (inclusive).
    pub(crate) until: Option<DateTime<Utc>>,
    /// Downsampling.
    pub(crate) bucket: Option<Bucket>,
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Runs the query: one row per facility and run (`as_of`), or per facility and bucket.
pub(crate) fn query(client: &mut Client, q: &Query) -> Result<DataFrame> {
    match q.bucket {
        None => summaries(client, q),
        Some(b) => buckets(client, q, b),
    }
}

/// A frame of `rows` with `columns` (in the order selected): counts as integers, numbers as
/// floats, times as RFC 3339 text, ids and UUIDs as text.
fn frame(rows: &[postgres::Row], columns: &[ContractColumn]) -> Result<DataFrame> {
    let built = columns
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let name = c.name.into();
            match c.ty {
                Type::Count => Column::new(
                    name,
                    rows.iter()
                        .map(|r| r.get::<_, Option<i64>>(k).unwrap_or(0))
                        .collect::<Vec<_>>(),
                ),
                Type::Number => Column::new(
                    name,
                    rows.iter()
                        .map(|r| r.get::<_, Option<f64>>(k))
                        .collect::<Vec<_>>(),
                ),
                Type::Timestamp => Column::new(
                    name,
                    rows.iter()
                        .map(|r| ts(r.get::<_, DateTime<Utc>>(k)))
                        .collect::<Vec<_>>(),
                ),
                _ => Column::new(
                    name,
                    rows.iter()
                        .map(|r| r.get::<_, Option<String>>(k))
                        .collect::<Vec<_>>(),
                ),
            }
        })
        .collect();
    Ok(DataFrame::new(rows.len(), built)?)
}

/// The SELECT list of `columns` (UUIDs as text).
fn select_list(columns: &[ContractColumn]) -> String {
    columns
        .iter()
        .map(|c| match c.ty {
            Type::Uuid => format!("{}::text", c.name),
            _ => c.name.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn summaries(client: &mut Client, q: &Query) -> Result<DataFrame> {
    let columns = H::per_run();
    let sql = format!(
        "SELECT {} FROM voltmetrics_facility_summaries
         WHERE ($1::text IS NULL OR facility_id = $1)
           AND ($2::timestamptz IS NULL OR as_of >= $2)
           AND ($3::timestamptz IS NULL OR as_of <= $3)
         ORDER BY facility_id, as_of",
        select_list(&columns)
    );
    let rows = client.query(sql.as_str(), &[&q.facility, &q.since, &q.until])?;
    frame(&rows, &columns)
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
        whole_view = whole(H::BUCKET.name),
        whole_cut = whole(&trunc),
    );
    let rows = client.query(sql.as_str(), &[&q.facility, &q.since, &q.until])?;
    frame(&rows, &H::per_bucket())
}
