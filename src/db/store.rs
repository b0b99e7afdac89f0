//! Writing one run: binary `COPY` of the result and summary rows into temporary staging tables,
//! then `INSERT … ON CONFLICT … DO UPDATE` into the keyed tables, and the run's record — all in
//! one transaction, so a failure leaves the database as it was. Re-running the same input with
//! the same `--as-of` changes nothing: a conflicting row is only rewritten when a value differs;
//! equipment that left a facility's inventory is deleted at that as-of.

use crate::contract::{history as H, results as R, summary as S};
use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use polars::prelude::PlHashSet;
use polars::prelude::*;
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{ToSql, Type};
use postgres::{Client, Transaction};

/// What one run writes.
pub(crate) struct RunRecord<'a> {
    /// Time-ordered run id.
    pub(crate) run_id: uuid::Uuid,
    /// When the run started.
    pub(crate) started_at: DateTime<Utc>,
    /// The time results are valid for (the history key).
    pub(crate) as_of: DateTime<Utc>,
    /// Input files with rows and content hashes.
    pub(crate) inputs: serde_json::Value,
    /// The result frame (the contract's result columns first).
    pub(crate) results: &'a DataFrame,
    /// The facility summary (without the portfolio row).
    pub(crate) summary: &'a DataFrame,
    /// Rows, invalid rows, not-applicable rows.
    pub(crate) counts: (i64, i64, i64),
    /// The ids of the methods that produced results, comma-separated.
    pub(crate) methods: String,
    /// `I/N` for a run of one shard (`--shard`).
    pub(crate) shard: Option<String>,
}

/// Rows written by one run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Written {
    /// Result rows inserted or changed.
    pub(crate) results: u64,
    /// Summary rows inserted or changed.
    pub(crate) summaries: u64,
    /// Stored results deleted because their equipment left a facility's inventory.
    pub(crate) departed: u64,
}

/// SQL type of an output or summary column.
fn sql_type(dtype: &DataType) -> Type {
    match dtype {
        DataType::Float64 | DataType::Float32 => Type::FLOAT8,
        DataType::Boolean => Type::BOOL,
        DataType::Int32 | DataType::Int8 | DataType::Int16 | DataType::UInt8 | DataType::UInt16 => {
            Type::INT4
        }
        DataType::Int64 | DataType::UInt32 | DataType::UInt64 => Type::INT8,
        _ => Type::TEXT,
    }
}

/// One column of a frame, readable row by row as a SQL value.
enum Values {
    Text(StringChunked),
    Float(Float64Chunked),
    Int4(Int32Chunked),
    Int8(Int64Chunked),
    Bool(BooleanChunked),
}

impl Values {
    fn of(col: &Column, ty: &Type) -> Result<Values> {
        let s = col.as_materialized_series().rechunk();
        Ok(match *ty {
            Type::FLOAT8 => Values::Float(s.cast(&DataType::Float64)?.f64()?.clone()),
            Type::BOOL => Values::Bool(s.bool()?.clone()),
            Type::INT4 => Values::Int4(s.cast(&DataType::Int32)?.i32()?.clone()),
            Type::INT8 => Values::Int8(s.cast(&DataType::Int64)?.i64()?.clone()),
            _ => Values::Text(s.cast(&DataType::String)?.str()?.clone()),
        })
    }
}

/// A staged value.
enum Cell<'a> {
    Text(Option<&'a str>),
    Float(Option<f64>),
    Int4(Option<i32>),
    Int8(Option<i64>),
    Bool(Option<bool>),
}

impl Cell<'_> {
    fn sql(&self) -> &(dyn ToSql + Sync) {
        match self {
            Cell::Text(v) => v,
            Cell::Float(v) => v,
            Cell::Int4(v) => v,
            Cell::Int8(v) => v,
            Cell::Bool(v) => v,
        }
    }
}

/// Stages `columns` of `df` (key columns first, which must not be null) plus `as_of`, `run_id`
/// and the input order `ord`, by binary COPY into temporary table `staging`.
fn stage(
    tx: &mut Transaction,
    staging: &str,
    like: &str,
    df: &DataFrame,
    columns: &[&str],
    keys: usize,
    rec: &RunRecord,
) -> Result<()> {
    tx.batch_execute(&format!(
        "CREATE TEMP TABLE {staging} (LIKE {like}) ON COMMIT DROP; ALTER TABLE {staging} ADD COLUMN ord bigint"
    ))?;
    let mut types = Vec::with_capacity(columns.len() + 3);
    let mut values = Vec::with_capacity(columns.len());
    for name in columns {
        let col = df.column(name)?;
        let ty = sql_type(col.dtype());
        values.push(Values::of(col, &ty)?);
        types.push(ty);
    }
    types.extend([Type::TIMESTAMPTZ, Type::UUID, Type::INT8]);
    let list = columns.join(", ");
    let sink = tx.copy_in(&format!(
        "COPY {staging} ({list}, as_of, run_id, ord) FROM STDIN (FORMAT binary)"
    ))?;
    let mut writer = BinaryCopyInWriter::new(sink, &types);
    let mut cells: Vec<Cell> = Vec::with_capacity(columns.len());
    for i in 0..df.height() {
        cells.clear();
        for (k, v) in values.iter().enumerate() {
            cells.push(match v {
                // Keys may not be null: a row without an id is stored with an empty id.
                Values::Text(ca) => {
                    Cell::Text(ca.get(i).or(if k < keys { Some("") } else { None }))
                }
                Values::Float(ca) => Cell::Float(ca.get(i)),
                Values::Int4(ca) => Cell::Int4(ca.get(i)),
                Values::Int8(ca) => Cell::Int8(ca.get(i)),
                Values::Bool(ca) => Cell::Bool(ca.get(i)),
            });
        }
        let ord = i as i64;
        let mut row: Vec<&(dyn ToSql + Sync)> = cells.iter().map(Cell::sql).collect();
        row.push(&rec.as_of);
        row.push(&rec.run_id);
        row.push(&ord);
        writer.write(&row)?;
    }
    writer.finish()?;
    Ok(())
}

/// `INSERT … SELECT DISTINCT ON (key) … ON CONFLICT (key) DO UPDATE … WHERE changed`: the last
/// staged row of a key wins (duplicate ids are all invalid and carry the same kind of error).
fn merge(
    tx: &mut Transaction,
    staging: &str,
    target: &str,
    key: &[&str],
    columns: &[&str],
    unique: bool,
    as_of: &DateTime<Utc>,
) -> Result<u64> {
    let all: Vec<&str> = columns
        .iter()
        .copied()
        .chain([H::AS_OF.name, H::RUN_ID.name])
        .collect();
    let list = all.join(", ");
    let key_list = key.join(", ");
    let updated: Vec<&str> = all.iter().copied().filter(|c| !key.contains(c)).collect();
    let set = updated
        .iter()
        .map(|c| format!("{c} = EXCLUDED.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    // run_id is not compared: re-running the same input leaves the row (and its run_id) as is.
    let compared: Vec<&str> = updated
        .iter()
        .copied()
        .filter(|c| *c != H::RUN_ID.name)
        .collect();
    let old = compared
        .iter()
        .map(|c| format!("{target}.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let new = compared
        .iter()
        .map(|c| format!("EXCLUDED.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    // Rows go in key order either way: the primary-key index is then filled sequentially (much
    // faster than in input order). Without repeated keys (the usual case) nothing is picked.
    let select = if unique {
        format!("SELECT {list} FROM {staging} ORDER BY {key_list}")
    } else {
        format!(
            "SELECT DISTINCT ON ({key_list}) {list} FROM {staging} ORDER BY {key_list}, ord DESC"
        )
    };
    // A first run for this as-of (the nightly case) cannot conflict: a plain INSERT skips the
    // speculative-insertion work. Should another run insert the same keys meanwhile, the
    // unique index refuses and this transaction rolls back as a whole.
    let sql = if exists_at(tx, target, as_of)? {
        format!(
            "INSERT INTO {target} ({list}) {select} \
             ON CONFLICT ({key_list}) DO UPDATE SET {set} WHERE ({old}) IS DISTINCT FROM ({new})"
        )
    } else {
        format!("INSERT INTO {target} ({list}) {select}")
    };
    Ok(tx.execute(sql.as_str(), &[])?)
}

/// Whether `target` holds rows at `as_of`.
fn exists_at(tx: &mut Transaction, target: &str, as_of: &DateTime<Utc>) -> Result<bool> {
    Ok(tx
        .query_one(
            &format!("SELECT EXISTS (SELECT 1 FROM {target} WHERE as_of = $1)"),
            &[as_of],
        )?
        .get(0))
}

/// Deletes the stored results at this as-of of the run's facilities whose equipment is not in
/// the run (it left the inventory), so a facility's results at an as-of are exactly its last
/// run's rows. Facilities that are not in the run keep theirs (runs over one site at a time).
fn delete_departed(tx: &mut Transaction, as_of: &DateTime<Utc>) -> Result<u64> {
    if !exists_at(tx, "voltmetrics_results", as_of)? {
        return Ok(0);
    }
    Ok(tx.execute(
        "DELETE FROM voltmetrics_results r
         WHERE r.as_of = $1
           AND r.facility_id IN (SELECT DISTINCT facility_id FROM voltmetrics_stage_results)
           AND NOT EXISTS (SELECT 1 FROM voltmetrics_stage_results s
                           WHERE s.facility_id = r.facility_id AND s.equipment_id = r.equipment_id)",
        &[as_of],
    )?)
}

/// Whether the frame's key columns (text, null read as empty) are unique.
fn keys_unique(df: &DataFrame, key: &[&str]) -> Result<bool> {
    let cols = key
        .iter()
        .map(|k| {
            Ok(df
                .column(k)?
                .as_materialized_series()
                .cast(&DataType::String)?
                .str()?
                .clone())
        })
        .collect::<Result<Vec<StringChunked>>>()?;
    let mut seen: PlHashSet<(&str, &str)> =
        PlHashSet::with_capacity_and_hasher(df.height(), Default::default());
    for i in 0..df.height() {
        let a = cols[0].get(i).unwrap_or("");
        let b = cols.get(1).and_then(|c| c.get(i)).unwrap_or("");
        if !seen.insert((a, b)) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Writes the run: results, facility summaries and the run record, in one transaction.
pub(crate) fn persist(client: &mut Client, rec: &RunRecord) -> Result<Written> {
    let results_unique = keys_unique(rec.results, &[R::FACILITY_ID.name, R::EQUIPMENT_ID.name])?;
    let summaries_unique = keys_unique(rec.summary, &[S::FACILITY_ID.name])?;
    let mut tx = client.transaction()?;
    let result_cols: Vec<&str> = R::names().collect();
    stage(
        &mut tx,
        "voltmetrics_stage_results",
        "voltmetrics_results",
        rec.results,
        &result_cols,
        2,
        rec,
    )
    .context("staging results")?;
    let departed = delete_departed(&mut tx, &rec.as_of).context("removing departed equipment")?;
    let results = merge(
        &mut tx,
        "voltmetrics_stage_results",
        "voltmetrics_results",
        &[R::FACILITY_ID.name, R::EQUIPMENT_ID.name, H::AS_OF.name],
        &result_cols,
        results_unique,
        &rec.as_of,
    )
    .context("upserting results")?;
    let summary_cols: Vec<&str> = S::names().collect();
    stage(
        &mut tx,
        "voltmetrics_stage_summaries",
        "voltmetrics_facility_summaries",
        rec.summary,
        &summary_cols,
        1,
        rec,
    )
    .context("staging facility summaries")?;
    let summaries = merge(
        &mut tx,
        "voltmetrics_stage_summaries",
        "voltmetrics_facility_summaries",
        &[S::FACILITY_ID.name, H::AS_OF.name],
        &summary_cols,
        summaries_unique,
        &rec.as_of,
    )
    .context("upserting facility summaries")?;
    tx.execute(
        "INSERT INTO voltmetrics_runs (run_id, started_at, finished_at, as_of, tool_version, methods, inputs, row_count, invalid_count, not_applicable_count, status, shard)
         VALUES ($1, $2, now(), $3, $4, $5, $6, $7, $8, $9, 'done', $10)",
        &[
            &rec.run_id,
            &rec.started_at,
            &rec.as_of,
            &crate::VERSION,
            &rec.methods,
            &rec.inputs,
            &rec.counts.0,
            &rec.counts.1,
            &rec.counts.2,
            &rec.shard,
        ],
    )
    .context("recording the run")?;
    tx.commit().context("committing")?;
    refresh_rollups(client, &rec.as_of).context("refreshing the continuous aggregates")?;
    Ok(Written {
        results,
        summaries,
        departed,
    })
}

/// On TimescaleDB, refreshes the daily, weekly and monthly continuous aggregates over the
/// buckets that hold `as_of` (a re-run at an earlier as-of changes buckets that are already
/// materialised; real-time aggregation only covers the ones that are not). Outside a
/// transaction, as TimescaleDB requires. Nothing to do on plain PostgreSQL.
pub(crate) fn refresh_rollups(client: &mut Client, as_of: &DateTime<Utc>) -> Result<()> {
    if super::migrations::recorded_variant(client)? != Some(super::migrations::Variant::Timescale) {
        return Ok(());
    }
    // Shard runs (`--shard`) finish at the same time: TimescaleDB refuses a refresh of a window
    // another session is refreshing, so the refreshes take turns under a session lock.
    client.execute("SELECT pg_advisory_lock($1)", &[&REFRESH_LOCK])?;
    let refreshed = refresh_each(client, as_of);
    client.execute("SELECT pg_advisory_unlock($1)", &[&REFRESH_LOCK])?;
    refreshed
}

/// The advisory lock key of the rollup refresh ("voltmetr" in ASCII).
const REFRESH_LOCK: i64 = 0x766f_6c74_6d65_7472;

fn refresh_each(client: &mut Client, as_of: &DateTime<Utc>) -> Result<()> {
    for (view, unit) in [
        ("voltmetrics_facility_daily", "day"),
        ("voltmetrics_facility_weekly", "week"),
        ("voltmetrics_facility_monthly", "month"),
    ] {
        // View and unit are constants; the time is a parameter.
        client.execute(
            format!(
                "CALL refresh_continuous_aggregate('{view}', date_trunc('{unit}', $1::timestamptz), \
                 date_trunc('{unit}', $1::timestamptz) + interval '1 {unit}')"
            )
            .as_str(),
            &[as_of],
        )?;
    }
    Ok(())
}
