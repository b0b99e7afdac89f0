//! Redis: the latest result per equipment, the facility summary and a per-facility sorted set by
//! incident energy, written pipelined; the run's status hash; a message on the runs channel when
//! the run ends.
//!
//! Keys (default prefix `voltmetrics:`; ids escaped by [`escape`], so no id can reach into
//! another key):
//!
//! * `{prefix}eq:{facility}:{equipment}` — hash of the equipment's latest result;
//! * `{prefix}facility:{facility}:summary` — hash of the facility summary;
//! * `{prefix}facility:{facility}:by_incident_energy` — sorted set, equipment id → cal/cm²;
//! * `{prefix}facility:{facility}:equipment` — set of the facility's equipment ids;
//! * `{prefix}run:{run_id}` — run status hash; `{prefix}run:latest` — the last run id;
//! * channel `{prefix}runs` — one JSON message per finished run.
//!
//! Each facility is written in one `MULTI`/`EXEC` block (old keys of equipment no longer in
//! the inventory are deleted in the same block), so a reader that reads a facility atomically
//! never sees a mix of two runs.

use anyhow::{Context, Result};
use polars::prelude::*;
use redis::{Connection, Pipeline};
use std::collections::HashMap;

/// The default key prefix.
pub const DEFAULT_PREFIX: &str = "voltmetrics:";

/// Escapes an id for use inside a key: bytes other than `A–Z a–z 0–9 _ . -` become `%XX`.
/// Injective, so two different ids never give the same key.
pub fn escape(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for &b in id.as_bytes() {
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A connection for one run.
pub struct Cache {
    conn: Connection,
    prefix: String,
    run_id: String,
    ttl: Option<u64>,
}

/// Equipment hash fields (output columns) written to Redis.
pub const EQUIPMENT_FIELDS: [&str; 18] = [
    "facility_id",
    "equipment_id",
    "status",
    "errors",
    "method",
    "electrode_config",
    "incident_energy_cal_cm2",
    "arc_flash_boundary_mm",
    "arcing_current_ka",
    "governing_case",
    "min_arc_rating_cal_cm2",
    "ppe_category",
    "danger",
    "limited_approach_fixed_mm",
    "restricted_approach_mm",
    "compliance_status",
    "findings",
    "input_hash",
];

/// Facilities per pipelined round trip.
const FACILITIES_PER_PIPELINE: usize = 64;

fn text_columns(df: &DataFrame, names: &[&str]) -> Result<Vec<(String, StringChunked)>> {
    names
        .iter()
        .filter(|n| df.column(n).is_ok())
        .map(|n| {
            let s = df
                .column(n)?
                .as_materialized_series()
                .cast(&DataType::String)?;
            Ok((n.to_string(), s.str()?.clone()))
        })
        .collect()
}

impl Cache {
    /// Connects; `prefix` starts every key.
    pub fn connect(url: &str, prefix: &str, run_id: &str, ttl: Option<u64>) -> Result<Cache> {
        let client = redis::Client::open(url)
            .with_context(|| format!("Redis {}: not a valid URL", crate::db::redact(url)))?;
        let conn = client
            .get_connection()
            .with_context(|| format!("Redis {}: cannot connect", crate::db::redact(url)))?;
        Ok(Cache {
            conn,
            prefix: prefix.to_string(),
            run_id: run_id.to_string(),
            ttl,
        })
    }

    /// The run status hash key.
    pub fn status_key(&self) -> String {
        format!("{}run:{}", self.prefix, self.run_id)
    }

    /// Sets the run's status (`queued`, `reading`, `calculating`, `persisting`, `done`,
    /// `failed`) with extra fields (counts, timings).
    pub fn status(&mut self, status: &str, fields: &[(&str, String)]) -> Result<()> {
        let key = self.status_key();
        let mut p = redis::pipe();
        let cmd = p
            .cmd("HSET")
            .arg(&key)
            .arg("status")
            .arg(status)
            .arg("updated_at")
            .arg(chrono::Utc::now().to_rfc3339());
        for (k, v) in fields {
            cmd.arg(*k).arg(v);
        }
        cmd.ignore();
        p.cmd("SET")
            .arg(format!("{}run:latest", self.prefix))
            .arg(&self.run_id)
            .ignore();
        if let Some(ttl) = self.ttl {
            p.cmd("EXPIRE").arg(&key).arg(ttl).ignore();
        }
        p.query::<()>(&mut self.conn)?;
        Ok(())
    }

    /// Publishes the end-of-run message on `{prefix}runs`.
    pub fn publish(&mut self, message: &serde_json::Value) -> Result<()> {
        redis::cmd("PUBLISH")
            .arg(format!("{}runs", self.prefix))
            .arg(message.to_string())
            .query::<i64>(&mut self.conn)?;
        Ok(())
    }

    fn ttl(&self, p: &mut Pipeline, key: &str) {
        if let Some(ttl) = self.ttl {
            p.cmd("EXPIRE").arg(key).arg(ttl).ignore();
        }
    }

    /// Writes every facility's equipment, summary and sorted set. Returns equipment written.
    pub fn warm(&mut self, results: &DataFrame, summary: &DataFrame) -> Result<usize> {
        let n = results.height();
        let cols = text_columns(results, &EQUIPMENT_FIELDS)?;
        let col = |name: &str| cols.iter().find(|(c, _)| c == name).map(|(_, ca)| ca);
        let fac = col("facility_id").context("results without facility_id")?;
        let eq = col("equipment_id").context("results without equipment_id")?;
        let ie = results
            .column("incident_energy_cal_cm2")?
            .as_materialized_series()
            .f64()?
            .clone();
        // Rows by facility, in input order.
        let mut order: Vec<String> = Vec::new();
        let mut rows: HashMap<String, Vec<usize>> = HashMap::new();
        for i in 0..n {
            let f = fac.get(i).unwrap_or("").to_string();
            rows.entry(f.clone())
                .or_insert_with(|| {
                    order.push(f);
                    Vec::new()
                })
                .push(i);
        }
        let sum_cols = text_columns(summary, &crate::core::aggregation::SUMMARY_COLUMNS)?;
        let sum_fac = sum_cols
            .iter()
            .find(|(c, _)| c == "facility_id")
            .map(|(_, ca)| ca.clone());
        let mut summary_row: HashMap<String, usize> = HashMap::new();
        if let Some(sf) = &sum_fac {
            for i in 0..summary.height() {
                summary_row.insert(sf.get(i).unwrap_or("").to_string(), i);
            }
        }
        let ids = |f: &str| escape(f);
        for group in order.chunks(FACILITIES_PER_PIPELINE) {
            // Old members, to delete the keys of equipment that left the inventory.
            let mut q = redis::pipe();
            for f in group {
                q.cmd("SMEMBERS")
                    .arg(format!("{}facility:{}:equipment", self.prefix, ids(f)));
            }
            let old: Vec<Vec<String>> = q.query(&mut self.conn)?;
            let mut p = redis::pipe();
            for (f, old_members) in group.iter().zip(old) {
                let fk = ids(f);
                let members_key = format!("{}facility:{fk}:equipment", self.prefix);
                let zkey = format!("{}facility:{fk}:by_incident_energy", self.prefix);
                let skey = format!("{}facility:{fk}:summary", self.prefix);
                let idx = &rows[f];
                p.cmd("MULTI").ignore();
                let new_members: std::collections::HashSet<&str> =
                    idx.iter().filter_map(|&i| eq.get(i)).collect();
                for stale in old_members
                    .iter()
                    .filter(|m| !new_members.contains(m.as_str()))
                {
                    p.cmd("DEL")
                        .arg(format!("{}eq:{fk}:{}", self.prefix, escape(stale)))
                        .ignore();
                }
                p.cmd("DEL")
                    .arg(&zkey)
                    .arg(&members_key)
                    .arg(&skey)
                    .ignore();
                let mut zadd = redis::cmd("ZADD");
                zadd.arg(&zkey);
                let mut any_score = false;
                let mut sadd = redis::cmd("SADD");
                sadd.arg(&members_key);
                for &i in idx {
                    let e = eq.get(i).unwrap_or("");
                    let key = format!("{}eq:{fk}:{}", self.prefix, escape(e));
                    // Every field every time (missing values as empty strings), so no field of
                    // an older run survives and no DEL is needed.
                    let h = p.cmd("HSET").arg(&key).arg("run_id").arg(&self.run_id);
                    for (name, ca) in &cols {
                        h.arg(name).arg(ca.get(i).unwrap_or(""));
                    }
                    h.ignore();
                    self.ttl(&mut p, &key);
                    if let Some(score) = ie.get(i) {
                        zadd.arg(score).arg(e);
                        any_score = true;
                    }
                    sadd.arg(e);
                }
                if any_score {
                    p.add_command(zadd).ignore();
                    self.ttl(&mut p, &zkey);
                }
                p.add_command(sadd).ignore();
                self.ttl(&mut p, &members_key);
                if let Some(&si) = summary_row.get(f) {
                    let h = p.cmd("HSET").arg(&skey).arg("run_id").arg(&self.run_id);
                    for (name, ca) in &sum_cols {
                        if let Some(v) = ca.get(si) {
                            h.arg(name).arg(v);
                        }
                    }
                    h.ignore();
                    self.ttl(&mut p, &skey);
                }
                p.cmd("EXEC").ignore();
            }
            p.query::<()>(&mut self.conn).context("writing equipment")?;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escaping_is_injective_and_key_safe() {
        assert_eq!(escape("MCC-1.a_b"), "MCC-1.a_b");
        assert_eq!(escape("a:b"), "a%3Ab");
        assert_eq!(escape("a%3Ab"), "a%253Ab");
        assert_ne!(escape("a:b"), escape("a%3Ab"));
        assert_eq!(escape("x y*"), "x%20y%2A");
        assert_eq!(escape("é"), "%C3%A9");
        assert!(!escape("'; DROP TABLE x; --:*").contains(':'));
    }
}
