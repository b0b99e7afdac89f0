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

use crate::contract::{history as H, results as R, run_status as RS, Column};
use anyhow::{Context, Result};
use polars::prelude::*;
use redis::Connection;
use std::collections::HashMap;

/// The run status in `{prefix}run:{run_id}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RunStatus {
    /// Started, nothing read yet.
    Queued = 0,
    /// Reading the inventories.
    Reading = 1,
    /// Checking and calculating.
    Calculating = 2,
    /// Writing PostgreSQL and Redis.
    Persisting = 3,
    /// Finished.
    Done = 4,
    /// Failed (see the `error` field).
    Failed = 5,
}

impl RunStatus {
    /// The status as written.
    pub(crate) fn as_str(self) -> &'static str {
        crate::contract::values::RUN_STATUS[self as usize]
    }
}

/// The default key prefix.
pub(crate) const DEFAULT_PREFIX: &str = "voltmetrics:";

/// Escapes an id for use inside a key: bytes other than `A–Z a–z 0–9 _ . -` become `%XX`.
/// Injective, so two different ids never give the same key.
pub(crate) fn escape(id: &str) -> String {
    let mut out = Vec::with_capacity(id.len());
    escape_into(&mut out, id);
    String::from_utf8(out).unwrap_or_default()
}

/// Appends `id` escaped as by [`escape`] to `out`, without allocating.
fn escape_into(out: &mut Vec<u8>, id: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in id.as_bytes() {
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-' {
            out.push(b);
        } else {
            out.extend_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
        }
    }
}

/// Commands encoded in the Redis protocol (RESP) into one buffer, to be sent in one write.
/// Hand-encoded because the warm-up sends tens of millions of arguments; the client library's
/// command builder allocates per argument.
#[derive(Default)]
struct Packed {
    buf: Vec<u8>,
    commands: usize,
}

impl Packed {
    fn decimal(&mut self, mut n: usize) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.buf.extend_from_slice(&digits[i..]);
    }

    /// Starts a command of `args` arguments (its name included).
    fn command(&mut self, args: usize) {
        self.commands += 1;
        self.buf.push(b'*');
        self.decimal(args);
        self.buf.extend_from_slice(b"\r\n");
    }

    fn arg(&mut self, a: &[u8]) {
        self.buf.push(b'$');
        self.decimal(a.len());
        self.buf.extend_from_slice(b"\r\n");
        self.buf.extend_from_slice(a);
        self.buf.extend_from_slice(b"\r\n");
    }

    fn cmd(&mut self, args: &[&[u8]]) {
        self.command(args.len());
        for a in args {
            self.arg(a);
        }
    }

    /// Sends every command, reads every reply and fails on the first error reply (replies
    /// inside `EXEC` included).
    fn send(&mut self, conn: &mut Connection) -> Result<Vec<redis::Value>> {
        conn.send_packed_command(&self.buf)?;
        let mut replies = Vec::with_capacity(self.commands);
        for _ in 0..self.commands {
            let v = conn.recv_response()?;
            if let Some(e) = first_error(&v) {
                anyhow::bail!("Redis replied with an error: {e}");
            }
            replies.push(v);
        }
        self.buf.clear();
        self.commands = 0;
        Ok(replies)
    }
}

fn first_error(v: &redis::Value) -> Option<String> {
    match v {
        redis::Value::ServerError(e) => Some(format!("{e:?}")),
        redis::Value::Array(items) => items.iter().find_map(first_error),
        _ => None,
    }
}

/// A connection for one run.
pub(crate) struct Cache {
    client: redis::Client,
    conn: Connection,
    prefix: String,
    run_id: String,
    ttl: Option<u64>,
}

/// Facilities per pipelined round trip.
const FACILITIES_PER_PIPELINE: usize = 32;

/// Connections the warm-up writes over: while the server executes one connection's batch,
/// the next batch is encoded for another, so client and server work at the same time.
const WARM_CONNECTIONS: usize = 3;

/// Text columns, each in one chunk (for cheap random access).
fn text_columns(df: &DataFrame, columns: &[Column]) -> Result<Vec<(String, StringChunked)>> {
    columns
        .iter()
        .map(|c| c.name)
        .filter(|n| df.column(n).is_ok())
        .map(|n| {
            let s = df
                .column(n)?
                .as_materialized_series()
                .cast(&DataType::String)?
                .rechunk();
            Ok((n.to_string(), s.str()?.clone()))
        })
        .collect()
}

/// The arrow array behind a text column.
type Utf8ViewArray = <StringType as PolarsDataType>::Array;

/// The single array of a rechunked text column.
fn array(ca: &StringChunked) -> &Utf8ViewArray {
    ca.downcast_iter()
        .next()
        .expect("a rechunked column has one chunk")
}

fn find<'a>(cols: &'a [(String, StringChunked)], name: &str) -> Option<&'a Utf8ViewArray> {
    cols.iter()
        .find(|(c, _)| c == name)
        .map(|(_, ca)| array(ca))
}

/// What one warm-up task reads: the result and summary columns and the rows of each facility.
struct WarmData<'a> {
    cols: Vec<(&'a str, &'a Utf8ViewArray)>,
    eq: &'a Utf8ViewArray,
    ie: &'a Utf8ViewArray,
    facilities: Vec<(&'a str, Vec<u32>)>,
    sum_cols: Vec<(&'a str, &'a Utf8ViewArray)>,
    summary_row: HashMap<&'a str, usize>,
}

impl<'a> WarmData<'a> {
    /// The columns to write and the rows of each facility, facilities in order of first
    /// appearance.
    fn of(
        cols: &'a [(String, StringChunked)],
        ie_col: &'a [(String, StringChunked)],
        sum_cols: &'a [(String, StringChunked)],
        summary_rows: usize,
    ) -> Result<WarmData<'a>> {
        let fac = find(cols, R::FACILITY_ID.name).context("results without facility ids")?;
        let eq = find(cols, R::EQUIPMENT_ID.name).context("results without equipment ids")?;
        let ie = find(ie_col, R::INCIDENT_ENERGY_CAL_CM2.name)
            .context("results without incident energy")?;
        let mut facilities: Vec<(&str, Vec<u32>)> = Vec::new();
        let mut slot: HashMap<&str, usize> = HashMap::new();
        for i in 0..fac.len() {
            let f = fac.get(i).unwrap_or("");
            let k = *slot.entry(f).or_insert_with(|| {
                facilities.push((f, Vec::new()));
                facilities.len() - 1
            });
            facilities[k].1.push(i as u32);
        }
        let mut summary_row: HashMap<&str, usize> = HashMap::new();
        if let Some(sf) = find(sum_cols, crate::contract::summary::FACILITY_ID.name) {
            for i in 0..summary_rows {
                summary_row.insert(sf.get(i).unwrap_or(""), i);
            }
        }
        Ok(WarmData {
            cols: cols.iter().map(|(c, ca)| (c.as_str(), array(ca))).collect(),
            eq,
            ie,
            facilities,
            sum_cols: sum_cols
                .iter()
                .map(|(c, ca)| (c.as_str(), array(ca)))
                .collect(),
            summary_row,
        })
    }
}

impl Cache {
    /// Connects; `prefix` starts every key.
    pub(crate) fn connect(
        url: &str,
        prefix: &str,
        run_id: &str,
        ttl: Option<u64>,
    ) -> Result<Cache> {
        let client = redis::Client::open(url)
            .with_context(|| format!("Redis {}: not a valid URL", crate::db::redact(url)))?;
        let conn = client
            .get_connection()
            .with_context(|| format!("Redis {}: cannot connect", crate::db::redact(url)))?;
        Ok(Cache {
            client,
            conn,
            prefix: prefix.to_string(),
            run_id: run_id.to_string(),
            ttl,
        })
    }

    /// The run status hash key.
    pub(crate) fn status_key(&self) -> String {
        format!("{}run:{}", self.prefix, self.run_id)
    }

    /// Sets the run's status with extra fields (counts, timings).
    pub(crate) fn status(&mut self, status: RunStatus, fields: &[(&str, String)]) -> Result<()> {
        let key = self.status_key();
        let mut p = redis::pipe();
        let cmd = p
            .cmd("HSET")
            .arg(&key)
            .arg(RS::STATUS.name)
            .arg(status.as_str())
            .arg(RS::UPDATED_AT.name)
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
    pub(crate) fn publish(&mut self, message: &serde_json::Value) -> Result<()> {
        redis::cmd("PUBLISH")
            .arg(format!("{}runs", self.prefix))
            .arg(message.to_string())
            .query::<i64>(&mut self.conn)?;
        Ok(())
    }

    /// Writes every facility's equipment, summary and sorted set. Returns equipment written.
    ///
    /// Facilities are written in batches over [`WARM_CONNECTIONS`] connections; each facility
    /// is one `MULTI`/`EXEC` block on one connection, so readers never see a facility half
    /// written, whichever connection wrote it.
    ///
    /// With `prune`, the keys of facilities that are not in this run are deleted afterwards
    /// (see [`Cache::prune`]); otherwise they are kept (runs over one site at a time).
    pub(crate) fn warm(
        &mut self,
        results: &DataFrame,
        summary: &DataFrame,
        prune: bool,
    ) -> Result<usize> {
        let cols = text_columns(results, &R::CACHED)?;
        let ie_col = text_columns(results, &[R::INCIDENT_ENERGY_CAL_CM2])?;
        let sum_cols = text_columns(summary, crate::contract::summary::ALL)?;
        let data = WarmData::of(&cols, &ie_col, &sum_cols, summary.height())?;
        self.write_all(&data).context("writing equipment")?;
        if prune {
            let keep: std::collections::HashSet<String> =
                data.facilities.iter().map(|(f, _)| escape(f)).collect();
            self.prune(&keep)
                .context("pruning facilities not in this run")?;
        }
        Ok(results.height())
    }

    /// Writes every facility of `data`, in batches over [`WARM_CONNECTIONS`] connections.
    fn write_all(&self, data: &WarmData) -> Result<()> {
        let batches: Vec<std::ops::Range<usize>> = (0..data.facilities.len())
            .step_by(FACILITIES_PER_PIPELINE)
            .map(|s| s..(s + FACILITIES_PER_PIPELINE).min(data.facilities.len()))
            .collect();
        let workers = WARM_CONNECTIONS.min(batches.len()).max(1);
        let mut conns = Vec::with_capacity(workers);
        for _ in 0..workers {
            conns.push(
                self.client
                    .get_connection()
                    .context("opening a connection")?,
            );
        }
        let batches = &batches;
        std::thread::scope(|s| {
            let handles: Vec<_> =
                conns
                    .iter_mut()
                    .enumerate()
                    .map(|(w, conn)| {
                        s.spawn(move || {
                            let mut packed = Packed::default();
                            batches.iter().skip(w).step_by(workers).try_for_each(|b| {
                                self.write_batch(conn, &mut packed, data, b.clone())
                            })
                        })
                    })
                    .collect();
            handles.into_iter().try_for_each(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a Redis writer thread panicked")))
            })
        })
    }

    /// Deletes every facility under this prefix whose escaped id is not in `keep`: its
    /// equipment hashes, summary, sorted set and equipment set, one `MULTI`/`EXEC` block per
    /// facility. Facilities are found with `SCAN` over `{prefix}facility:*:equipment`.
    /// Returns the number of facilities deleted.
    pub(crate) fn prune(&mut self, keep: &std::collections::HashSet<String>) -> Result<usize> {
        let head = format!("{}facility:", self.prefix);
        let pattern = format!("{}*:equipment", glob_escape(&head));
        let mut stale: Vec<String> = Vec::new();
        let mut cursor: u64 = 0;
        loop {
            let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(1000)
                .query(&mut self.conn)?;
            for k in keys {
                let id = k
                    .strip_prefix(&head)
                    .and_then(|r| r.strip_suffix(":equipment"));
                // Escaped ids have no ':'; anything else is not one of our facility keys.
                if let Some(id) = id.filter(|id| !id.contains(':') && !keep.contains(*id)) {
                    stale.push(id.to_string());
                }
            }
            cursor = next;
            if cursor == 0 {
                break;
            }
        }
        stale.sort();
        stale.dedup();
        for f in &stale {
            let members_key = format!("{head}{f}:equipment");
            let members: Vec<String> = redis::cmd("SMEMBERS")
                .arg(&members_key)
                .query(&mut self.conn)?;
            let mut p = redis::pipe();
            p.atomic();
            for m in &members {
                p.cmd("DEL")
                    .arg(format!("{}eq:{f}:{}", self.prefix, escape(m)))
                    .ignore();
            }
            p.cmd("DEL")
                .arg(&members_key)
                .arg(format!("{head}{f}:summary"))
                .arg(format!("{head}{f}:by_incident_energy"))
                .ignore();
            p.query::<()>(&mut self.conn)?;
        }
        Ok(stale.len())
    }

    /// Writes the facilities `range` of `data` on `conn`: reads each facility's old members,
    /// then one `MULTI`/`EXEC` block per facility.
    fn write_batch(
        &self,
        conn: &mut Connection,
        p: &mut Packed,
        data: &WarmData,
        range: std::ops::Range<usize>,
    ) -> Result<()> {
        let facilities = &data.facilities[range];
        let keys = Keys {
            prefix: self.prefix.as_bytes(),
            run_id: self.run_id.as_bytes(),
            ttl: self.ttl.map(|t| t.to_string()),
        };
        // Old members, to delete the keys of equipment that left the inventory.
        for (f, _) in facilities {
            p.cmd(&[b"SMEMBERS", &keys.facility(f, ":equipment")]);
        }
        let old = p.send(conn)?;
        for ((f, rows), old_members) in facilities.iter().zip(old) {
            let old_members: Vec<String> = redis::from_redis_value(old_members)?;
            p.cmd(&[b"MULTI"]);
            keys.facility_block(p, data, f, rows, &old_members);
            p.cmd(&[b"EXEC"]);
        }
        p.send(conn)?;
        Ok(())
    }
}

/// Builds the keys of one warm-up batch and encodes a facility's commands.
struct Keys<'a> {
    prefix: &'a [u8],
    run_id: &'a [u8],
    ttl: Option<String>,
}

impl Keys<'_> {
    /// `{prefix}facility:{f}{suffix}`.
    fn facility(&self, f: &str, suffix: &str) -> Vec<u8> {
        let mut k = self.prefix.to_vec();
        k.extend_from_slice(b"facility:");
        escape_into(&mut k, f);
        k.extend_from_slice(suffix.as_bytes());
        k
    }

    /// `{prefix}eq:{fk}:{e}` into `key` (`fk` is the escaped facility).
    fn equipment(&self, key: &mut Vec<u8>, fk: &[u8], e: &str) {
        key.clear();
        key.extend_from_slice(self.prefix);
        key.extend_from_slice(b"eq:");
        key.extend_from_slice(fk);
        key.push(b':');
        escape_into(key, e);
    }

    fn expire(&self, p: &mut Packed, k: &[u8]) {
        if let Some(t) = &self.ttl {
            p.cmd(&[b"EXPIRE", k, t.as_bytes()]);
        }
    }

    /// The commands of one facility (inside its `MULTI`/`EXEC`): departed equipment deleted,
    /// every equipment hash, the sorted set, the member set and the summary hash.
    fn facility_block(
        &self,
        p: &mut Packed,
        data: &WarmData,
        f: &str,
        rows: &[u32],
        old: &[String],
    ) {
        let mut fk = Vec::new();
        escape_into(&mut fk, f);
        let (members_key, zkey, skey) = (
            self.facility(f, ":equipment"),
            self.facility(f, ":by_incident_energy"),
            self.facility(f, ":summary"),
        );
        let mut key = Vec::new();
        if !old.is_empty() {
            let new_members: std::collections::HashSet<&str> = rows
                .iter()
                .filter_map(|&i| data.eq.get(i as usize))
                .collect();
            for m in old.iter().filter(|m| !new_members.contains(m.as_str())) {
                self.equipment(&mut key, &fk, m);
                p.cmd(&[b"DEL", &key]);
            }
        }
        p.cmd(&[b"DEL", &zkey, &members_key, &skey]);
        for &i in rows {
            self.equipment(&mut key, &fk, data.eq.get(i as usize).unwrap_or(""));
            self.equipment_hash(p, data, &key, i as usize);
        }
        self.sorted_set(p, data, &zkey, rows);
        p.command(2 + rows.len());
        p.arg(b"SADD");
        p.arg(&members_key);
        for &i in rows {
            p.arg(data.eq.get(i as usize).unwrap_or("").as_bytes());
        }
        self.expire(p, &members_key);
        if let Some(&si) = data.summary_row.get(f) {
            self.summary_hash(p, data, &skey, si);
        }
    }

    /// Every field every time (missing values as empty strings), so no field of an older run
    /// survives and no DEL is needed.
    fn equipment_hash(&self, p: &mut Packed, data: &WarmData, key: &[u8], i: usize) {
        p.command(4 + 2 * data.cols.len());
        p.arg(b"HSET");
        p.arg(key);
        p.arg(H::RUN_ID.name.as_bytes());
        p.arg(self.run_id);
        for (name, arr) in &data.cols {
            p.arg(name.as_bytes());
            p.arg(arr.get(i).unwrap_or("").as_bytes());
        }
        self.expire(p, key);
    }

    /// Equipment by incident energy (computed rows only).
    fn sorted_set(&self, p: &mut Packed, data: &WarmData, zkey: &[u8], rows: &[u32]) {
        let scored = rows
            .iter()
            .filter(|&&i| data.ie.get(i as usize).is_some())
            .count();
        if scored == 0 {
            return;
        }
        p.command(2 + 2 * scored);
        p.arg(b"ZADD");
        p.arg(zkey);
        for &i in rows {
            if let Some(score) = data.ie.get(i as usize) {
                p.arg(score.as_bytes());
                p.arg(data.eq.get(i as usize).unwrap_or("").as_bytes());
            }
        }
        self.expire(p, zkey);
    }

    fn summary_hash(&self, p: &mut Packed, data: &WarmData, skey: &[u8], si: usize) {
        let given: Vec<(&str, &str)> = data
            .sum_cols
            .iter()
            .filter_map(|(name, arr)| arr.get(si).map(|v| (*name, v)))
            .collect();
        p.command(4 + 2 * given.len());
        p.arg(b"HSET");
        p.arg(skey);
        p.arg(H::RUN_ID.name.as_bytes());
        p.arg(self.run_id);
        for (name, v) in given {
            p.arg(name.as_bytes());
            p.arg(v.as_bytes());
        }
        self.expire(p, skey);
    }
}

/// Escapes the glob characters of `SCAN MATCH` (`* ? [ ] \\`).
fn glob_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if matches!(ch, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

/// Marks run `run_id` failed with `error` on a new connection (used when the run is
/// interrupted; the run's own connection may be busy). Best effort: gives up after 2 s.
pub(crate) fn mark_failed(url: &str, prefix: &str, run_id: &str, ttl: Option<u64>, error: &str) {
    let attempt = || -> Result<()> {
        let client = redis::Client::open(url)?;
        let conn = client.get_connection_with_timeout(std::time::Duration::from_secs(2))?;
        let _ = conn.set_read_timeout(Some(std::time::Duration::from_secs(2)));
        let _ = conn.set_write_timeout(Some(std::time::Duration::from_secs(2)));
        let mut cache = Cache {
            client,
            conn,
            prefix: prefix.to_string(),
            run_id: run_id.to_string(),
            ttl,
        };
        cache.status(RunStatus::Failed, &[(RS::ERROR.name, error.to_string())])?;
        cache.publish(&serde_json::json!({
            H::RUN_ID.name: run_id,
            RS::STATUS.name: RunStatus::Failed.as_str(),
            RS::ERROR.name: error,
        }))
    };
    let _ = attempt();
}

#[cfg(test)]
mod tests {
    use super::{escape, glob_escape};

    #[test]
    fn scan_patterns_escape_glob_characters() {
        assert_eq!(glob_escape("vm:"), "vm:");
        assert_eq!(glob_escape("a*b?[c]\\"), "a\\*b\\?\\[c\\]\\\\");
    }

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
