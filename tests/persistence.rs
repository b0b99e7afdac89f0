//! PostgreSQL and Redis through the real binary, against the real servers.
//!
//! The servers come from `VOLTMETRICS_TEST_POSTGRES_URL` and `VOLTMETRICS_TEST_REDIS_URL`
//! (`.ci/run` starts them and sets both). When a variable is unset the test says it is skipped
//! and why; when it is set and the server is unreachable the test fails. Each test uses its own
//! PostgreSQL schema and Redis key prefix, so tests run in parallel.

mod common;

use common::{fixture, voltmetrics, FIXTURE_AS_OF};
use predicates::prelude::*;
use std::sync::atomic::{AtomicU32, Ordering};

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique(tag: &str) -> String {
    format!(
        "vmt_{tag}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

fn pg_base() -> Option<String> {
    match std::env::var("VOLTMETRICS_TEST_POSTGRES_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            eprintln!("skipped: VOLTMETRICS_TEST_POSTGRES_URL is not set (bash .ci/run starts PostgreSQL and sets it)");
            None
        }
    }
}

fn redis_url() -> Option<String> {
    match std::env::var("VOLTMETRICS_TEST_REDIS_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            eprintln!("skipped: VOLTMETRICS_TEST_REDIS_URL is not set (bash .ci/run starts Redis and sets it)");
            None
        }
    }
}

/// A fresh schema; returns the URL whose search_path is that schema.
struct Schema {
    url: String,
    admin: postgres::Client,
    name: String,
}

impl Schema {
    fn new(base: &str, tag: &str) -> Schema {
        let name = unique(tag);
        let mut admin = postgres::Client::connect(base, postgres::NoTls)
            .expect("PostgreSQL from VOLTMETRICS_TEST_POSTGRES_URL is unreachable");
        admin
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .unwrap();
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-c%20search_path%3D{name}");
        Schema { url, admin, name }
    }

    fn client(&self) -> postgres::Client {
        let mut c = postgres::Client::connect(&self.url, postgres::NoTls).unwrap();
        c.batch_execute("SET TIME ZONE 'UTC'").unwrap();
        c
    }

    fn count(&self, table: &str) -> i64 {
        self.client()
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .unwrap()
            .get(0)
    }

    /// An order-independent checksum of a table's rows.
    fn checksum(&self, table: &str) -> String {
        self.client()
            .query_one(&format!("SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM {table} t"), &[])
            .unwrap()
            .get(0)
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        let _ = self
            .admin
            .batch_execute(&format!("DROP SCHEMA {} CASCADE", self.name));
    }
}

fn run_pg(url: &str, as_of: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    let dir = tempfile::tempdir().unwrap();
    voltmetrics()
        .args([
            "run",
            fixture("inventory.csv").to_str().unwrap(),
            "--as-of",
            as_of,
            "-q",
            "--postgres",
            url,
        ])
        .args(["-o", dir.path().join("r.csv").to_str().unwrap()])
        .args(extra)
        .assert()
}

#[test]
fn migrate_status_rollback_migrate() {
    let Some(base) = pg_base() else { return };
    let s = Schema::new(&base, "mig");
    let latest = voltmetrics::db::migrations::latest().to_string();
    voltmetrics()
        .args(["db", "status", "--postgres", &s.url])
        .assert()
        .success()
        .stdout(predicate::str::contains("schema version 0"));
    voltmetrics()
        .args(["db", "migrate", "--postgres", &s.url])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "schema at version {latest}"
        )));
    voltmetrics()
        .args(["db", "status", "--postgres", &s.url])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("schema version {latest}")))
        .stdout(
            predicate::str::contains("not available (plain PostgreSQL)")
                .or(predicate::str::contains("timescaledb: available")),
        )
        .stdout(predicate::str::contains("pending").not());
    voltmetrics()
        .args(["db", "rollback", "--postgres", &s.url])
        .assert()
        .success()
        .stdout(predicate::str::contains("rolled back version(s) 3"));
    voltmetrics()
        .args(["db", "rollback", "--postgres", &s.url, "--to", "0"])
        .assert()
        .success()
        .stdout(predicate::str::contains("schema at version 0"));
    let tables: i64 = s
        .client()
        .query_one("SELECT count(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name LIKE 'voltmetrics_%' AND table_name <> 'voltmetrics_migrations'", &[&s.name])
        .unwrap()
        .get(0);
    assert_eq!(tables, 0, "rollback to 0 removes every table and view");
    voltmetrics()
        .args(["db", "migrate", "--postgres", &s.url, "--to", "2"])
        .assert()
        .success()
        .stdout(predicate::str::contains("schema at version 2"));
    voltmetrics()
        .args(["db", "migrate", "--postgres", &s.url])
        .assert()
        .success()
        .stdout(predicate::str::contains("applied version(s) 3"));
    // A tampered checksum is reported.
    s.client()
        .execute(
            "UPDATE voltmetrics_migrations SET checksum = 'x' WHERE version = 1",
            &[],
        )
        .unwrap();
    voltmetrics()
        .args(["db", "status", "--postgres", &s.url])
        .assert()
        .success()
        .stdout(predicate::str::contains("CHECKSUM MISMATCH"));
    voltmetrics()
        .args(["db", "migrate", "--postgres", &s.url])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("changed outside voltmetrics"));
}

#[test]
fn run_refuses_a_schema_behind_unless_migrate() {
    let Some(base) = pg_base() else { return };
    let s = Schema::new(&base, "behind");
    run_pg(&s.url, FIXTURE_AS_OF, &[])
        .code(1)
        .stderr(predicate::str::contains("schema is at version 0"))
        .stderr(predicate::str::contains("stage persisting: PostgreSQL"));
    run_pg(&s.url, FIXTURE_AS_OF, &["--migrate"]).success();
    assert_eq!(
        s.count("voltmetrics_results"),
        74 - 1,
        "74 rows, the duplicate pair shares one key"
    );
    // Ahead of the binary: refused too.
    s.client().execute("INSERT INTO voltmetrics_migrations (version, name, checksum) VALUES (99, 'future', 'x')", &[]).unwrap();
    run_pg(&s.url, FIXTURE_AS_OF, &[])
        .code(1)
        .stderr(predicate::str::contains("newer than this binary"));
}

#[test]
fn two_runs_then_history_with_each_bucket_and_idempotent_rerun() {
    let Some(base) = pg_base() else { return };
    let s = Schema::new(&base, "hist");
    run_pg(&s.url, "2026-06-30", &["--migrate"]).success();
    let results_1 = s.count("voltmetrics_results");
    let sum_1 = s.checksum("voltmetrics_results");
    let fac_1 = s.checksum("voltmetrics_facility_summaries");
    // Same input, same as-of: nothing changes (a new run record, identical data).
    run_pg(&s.url, "2026-06-30", &[]).success();
    assert_eq!(s.count("voltmetrics_results"), results_1);
    assert_eq!(s.checksum("voltmetrics_results"), sum_1);
    assert_eq!(s.checksum("voltmetrics_facility_summaries"), fac_1);
    assert_eq!(s.count("voltmetrics_runs"), 2);
    // A second date.
    run_pg(&s.url, "2026-07-02", &[]).success();
    assert_eq!(s.count("voltmetrics_results"), 2 * results_1);
    assert_eq!(s.count("voltmetrics_facility_summaries"), 6);
    let latest: i64 = s
        .client()
        .query_one(
            "SELECT count(*) FROM voltmetrics_latest_results WHERE as_of = '2026-07-02'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        latest, results_1,
        "the latest-result view shows the newest run per equipment"
    );
    // Invalid rows are stored with status and errors.
    let errors: String = s
        .client()
        .query_one("SELECT errors FROM voltmetrics_results WHERE equipment_id = 'BAD-NUM' AND as_of = '2026-06-30'", &[])
        .unwrap()
        .get(0);
    assert!(errors.contains("'abc' is not a number"));

    let history = |extra: &[&str]| {
        let out = voltmetrics()
            .args(["history", "--postgres", &s.url, "--format", "csv"])
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        common::parse_csv(&out.stdout)
    };
    let all = history(&[]);
    assert_eq!(all.len(), 6);
    let a = history(&["--facility", "PLANT-A"]);
    assert_eq!(a.len(), 2);
    assert_eq!(a[0]["as_of"], "2026-06-30T00:00:00Z");
    assert_eq!(a[1]["as_of"], "2026-07-02T00:00:00Z");
    assert_eq!(a[0]["equipment_count"], "26");
    let since = history(&["--since", "2026-07-01"]);
    assert_eq!(since.len(), 3);
    let until = history(&["--until", "2026-06-30T23:59:59Z", "--facility", "0042"]);
    assert_eq!(until.len(), 1);
    assert_eq!(until[0]["invalid_count"], "10");
    let daily = history(&["--bucket", "1d", "--facility", "PLANT-A"]);
    assert_eq!(daily.len(), 2);
    assert_eq!(daily[0]["bucket"], "2026-06-30T00:00:00Z");
    assert_eq!(daily[0]["runs"], "1");
    let weekly = history(&["--bucket", "1w", "--facility", "PLANT-A"]);
    // 2026-06-30 is a Tuesday and 2026-07-02 a Thursday: one ISO week starting Monday 2026-06-29.
    assert_eq!(weekly.len(), 1);
    assert_eq!(weekly[0]["bucket"], "2026-06-29T00:00:00Z");
    assert_eq!(weekly[0]["runs"], "2");
    assert_eq!(weekly[0]["equipment_count"], "52");
    let monthly = history(&["--bucket", "1mo"]);
    assert_eq!(monthly.len(), 6, "June and July for three facilities");
    let june_a = monthly
        .iter()
        .find(|r| r["facility_id"] == "PLANT-A" && r["bucket"] == "2026-06-01T00:00:00Z")
        .unwrap();
    let max: f64 = june_a["max_incident_energy_cal_cm2"].parse().unwrap();
    assert!((max - 121.039).abs() < 1e-3, "{max}");
    let rate: f64 = june_a["compliance_rate"].parse().unwrap();
    assert!((rate - 14.0 / 26.0).abs() < 1e-12, "{rate}");
    // Other formats.
    let out = voltmetrics()
        .args([
            "history",
            "--postgres",
            &s.url,
            "--format",
            "json",
            "--bucket",
            "1mo",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 6);
    voltmetrics()
        .args(["history", "--postgres", &s.url, "--bucket", "2d"])
        .assert()
        .code(2);
}

#[test]
fn failure_mid_upsert_leaves_no_rows_of_the_run() {
    let Some(base) = pg_base() else { return };
    let s = Schema::new(&base, "fail");
    run_pg(&s.url, "2026-06-30", &["--migrate"]).success();
    let (results, runs, sums) = (
        s.count("voltmetrics_results"),
        s.count("voltmetrics_runs"),
        s.count("voltmetrics_facility_summaries"),
    );
    let checksum = s.checksum("voltmetrics_results");
    // A constraint the last summary rows violate: the results are already staged and merged
    // when the summary upsert fails, and everything must roll back.
    s.client().batch_execute("ALTER TABLE voltmetrics_facility_summaries ADD CONSTRAINT no_0042 CHECK (facility_id <> '0042') NOT VALID").unwrap();
    run_pg(&s.url, "2026-07-01", &[])
        .code(1)
        .stderr(predicate::str::contains("stage persisting: PostgreSQL"))
        .stderr(predicate::str::contains("no_0042"));
    assert_eq!(s.count("voltmetrics_results"), results);
    assert_eq!(s.count("voltmetrics_runs"), runs);
    assert_eq!(s.count("voltmetrics_facility_summaries"), sums);
    assert_eq!(s.checksum("voltmetrics_results"), checksum);
    let of_run: i64 = s
        .client()
        .query_one(
            "SELECT count(*) FROM voltmetrics_results WHERE as_of = '2026-07-01'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(of_run, 0);
}

#[test]
fn hostile_ids_are_stored_verbatim() {
    let Some(base) = pg_base() else { return };
    let s = Schema::new(&base, "ids");
    let dir = tempfile::tempdir().unwrap();
    let ids = [
        "O'Brien; DROP TABLE voltmetrics_results; --",
        "a\"b",
        "x:y*",
        "Ünïcödé",
    ];
    let mut text = String::from("facility_id,equipment_id,equipment_class,nominal_voltage_v,bolted_fault_current_ka,arc_duration_ms\n");
    for (k, id) in ids.iter().enumerate() {
        text.push_str(&format!(
            "\"F'{k}\",\"{}\",mcc,480,20,50\n",
            id.replace('"', "\"\"")
        ));
    }
    let p = dir.path().join("ids.csv");
    std::fs::write(&p, text).unwrap();
    voltmetrics()
        .args([
            "run",
            p.to_str().unwrap(),
            "-q",
            "--migrate",
            "--postgres",
            &s.url,
            "-o",
            dir.path().join("r.csv").to_str().unwrap(),
        ])
        .assert()
        .success();
    let stored: Vec<String> = s
        .client()
        .query(
            "SELECT equipment_id FROM voltmetrics_results ORDER BY facility_id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(stored, ids);
}

#[test]
fn unreachable_postgres_is_a_run_error_naming_the_server_without_password() {
    run_discarding(fixture("inventory.csv").to_str().unwrap())
        .args([
            "--postgres",
            "postgres://someone:hunter2@127.0.0.1:1/nowhere",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "PostgreSQL postgres://someone:***@127.0.0.1:1/nowhere",
        ))
        .stderr(predicate::str::contains("hunter2").not());
}

/// Deletes every key under a test's prefix when the test ends (passed or not).
struct RedisCleanup(String, String);

impl Drop for RedisCleanup {
    fn drop(&mut self) {
        let Ok(mut conn) = redis::Client::open(self.0.as_str()).and_then(|c| c.get_connection())
        else {
            return;
        };
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{}*", self.1))
            .query(&mut conn)
            .unwrap_or_default();
        if !keys.is_empty() {
            let _: redis::RedisResult<()> = redis::cmd("DEL").arg(&keys).query(&mut conn);
        }
    }
}

fn redis_conn(url: &str) -> redis::Connection {
    redis::Client::open(url)
        .unwrap()
        .get_connection()
        .expect("Redis from VOLTMETRICS_TEST_REDIS_URL is unreachable")
}

/// `run INPUT -q -o /dev/null --format csv`: results discarded, the rest of the command
/// (persistence flags) added by the caller.
fn run_discarding(input: &str) -> assert_cmd::Command {
    let mut cmd = voltmetrics();
    cmd.args(["run", input, "-q", "-o", "/dev/null", "--format", "csv"]);
    cmd
}

fn run_redis(url: &str, prefix: &str, input: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    run_discarding(input)
        .args(["--as-of", FIXTURE_AS_OF])
        .args(["--redis", url, "--redis-prefix", prefix])
        .args(extra)
        .assert()
}

#[test]
fn redis_keys_sorted_set_status_and_message() {
    let Some(url) = redis_url() else { return };
    let prefix = format!("{}:", unique("redis"));
    let _cleanup = RedisCleanup(url.clone(), prefix.clone());
    let mut conn = redis_conn(&url);
    // Subscribe before the run; the message arrives when it ends.
    let mut sub_conn = redis_conn(&url);
    let channel = format!("{prefix}runs");
    let (tx, rx) = std::sync::mpsc::channel();
    let ch = channel.clone();
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let listener = std::thread::spawn(move || {
        let mut ps = sub_conn.as_pubsub();
        ps.subscribe(&ch).unwrap();
        ps.set_read_timeout(Some(std::time::Duration::from_secs(20)))
            .unwrap();
        ready_tx.send(()).unwrap();
        let msg = ps.get_message().unwrap();
        tx.send(msg.get_payload::<String>().unwrap()).unwrap();
    });
    ready_rx.recv().unwrap();
    run_redis(
        &url,
        &prefix,
        fixture("inventory.csv").to_str().unwrap(),
        &["--redis-ttl", "600"],
    )
    .success();
    let msg: serde_json::Value =
        serde_json::from_str(&rx.recv_timeout(std::time::Duration::from_secs(20)).unwrap())
            .unwrap();
    listener.join().unwrap();
    assert_eq!(msg["status"], "done");
    assert_eq!(msg["rows"], 74);
    assert_eq!(msg["invalid"], 10);
    let run_id = msg["run_id"].as_str().unwrap().to_string();
    let status: std::collections::HashMap<String, String> = redis::cmd("HGETALL")
        .arg(format!("{prefix}run:{run_id}"))
        .query(&mut conn)
        .unwrap();
    assert_eq!(status["status"], "done");
    assert_eq!(status["rows"], "74");
    assert!(status.contains_key("check_calculate_s"));
    let latest: String = redis::cmd("GET")
        .arg(format!("{prefix}run:latest"))
        .query(&mut conn)
        .unwrap();
    assert_eq!(latest, run_id);
    let eq: std::collections::HashMap<String, String> = redis::cmd("HGETALL")
        .arg(format!("{prefix}eq:PLANT-A:SWGR-A2"))
        .query(&mut conn)
        .unwrap();
    assert_eq!(eq["status"], "ok");
    assert_eq!(eq["run_id"], run_id);
    assert!((eq["incident_energy_cal_cm2"].parse::<f64>().unwrap() - 3.1891).abs() < 1e-4);
    let ttl: i64 = redis::cmd("TTL")
        .arg(format!("{prefix}eq:PLANT-A:SWGR-A2"))
        .query(&mut conn)
        .unwrap();
    assert!(ttl > 0 && ttl <= 600, "{ttl}");
    let top: Vec<(String, f64)> = redis::cmd("ZREVRANGE")
        .arg(format!("{prefix}facility:PLANT-A:by_incident_energy"))
        .arg(0)
        .arg(0)
        .arg("WITHSCORES")
        .query(&mut conn)
        .unwrap();
    assert_eq!(top[0].0, "DANGER-1");
    assert!((top[0].1 - 121.039).abs() < 1e-3);
    let summary: std::collections::HashMap<String, String> = redis::cmd("HGETALL")
        .arg(format!("{prefix}facility:0042:summary"))
        .query(&mut conn)
        .unwrap();
    assert_eq!(summary["invalid_count"], "10");
    let invalid: std::collections::HashMap<String, String> = redis::cmd("HGETALL")
        .arg(format!("{prefix}eq:0042:BAD-NUM"))
        .query(&mut conn)
        .unwrap();
    assert_eq!(invalid["status"], "invalid");
}

#[test]
fn redis_ids_cannot_collide_and_stale_equipment_is_removed() {
    let Some(url) = redis_url() else { return };
    let prefix = format!("{}:", unique("ids"));
    let _cleanup = RedisCleanup(url.clone(), prefix.clone());
    let mut conn = redis_conn(&url);
    let dir = tempfile::tempdir().unwrap();
    let header = "facility_id,equipment_id,equipment_class,nominal_voltage_v,bolted_fault_current_ka,arc_duration_ms\n";
    let first = dir.path().join("a.csv");
    std::fs::write(
        &first,
        format!("{header}F,a:b,mcc,480,20,50\nF:a,b,mcc,480,30,50\nF,gone,mcc,480,20,50\n"),
    )
    .unwrap();
    run_redis(&url, &prefix, first.to_str().unwrap(), &[]).success();
    let a: String = redis::cmd("HGET")
        .arg(format!("{prefix}eq:F:a%3Ab"))
        .arg("equipment_id")
        .query(&mut conn)
        .unwrap();
    let b: String = redis::cmd("HGET")
        .arg(format!("{prefix}eq:F%3Aa:b"))
        .arg("equipment_id")
        .query(&mut conn)
        .unwrap();
    assert_eq!((a.as_str(), b.as_str()), ("a:b", "b"));
    let second = dir.path().join("b.csv");
    std::fs::write(&second, format!("{header}F,a:b,mcc,480,20,50\n")).unwrap();
    run_redis(&url, &prefix, second.to_str().unwrap(), &[]).success();
    let exists: i64 = redis::cmd("EXISTS")
        .arg(format!("{prefix}eq:F:gone"))
        .query(&mut conn)
        .unwrap();
    assert_eq!(exists, 0, "equipment no longer in the inventory is removed");
}

#[test]
fn redis_readers_never_see_two_runs_mixed() {
    let Some(url) = redis_url() else { return };
    let prefix = format!("{}:", unique("mix"));
    let _cleanup = RedisCleanup(url.clone(), prefix.clone());
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("facility_id,equipment_id,equipment_class,nominal_voltage_v,bolted_fault_current_ka,arc_duration_ms\n");
    for k in 0..3000 {
        text.push_str(&format!("F,E{k},mcc,480,{},50\n", 5 + k % 50));
    }
    let p = dir.path().join("big.csv");
    std::fs::write(&p, text).unwrap();
    run_redis(&url, &prefix, p.to_str().unwrap(), &[]).success();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (url, prefix, stop) = (url.clone(), prefix.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut conn = redis_conn(&url);
            let mut reads = 0;
            while !stop.load(Ordering::Relaxed) || reads < 3 {
                // An atomic read of the facility: first, middle and last equipment.
                let ids: Vec<String> = redis::pipe()
                    .atomic()
                    .cmd("HGET")
                    .arg(format!("{prefix}eq:F:E0"))
                    .arg("run_id")
                    .cmd("HGET")
                    .arg(format!("{prefix}eq:F:E1500"))
                    .arg("run_id")
                    .cmd("HGET")
                    .arg(format!("{prefix}eq:F:E2999"))
                    .arg("run_id")
                    .query(&mut conn)
                    .unwrap();
                assert!(ids.iter().all(|i| *i == ids[0]), "mixed runs seen: {ids:?}");
                reads += 1;
            }
            reads
        })
    };
    for _ in 0..3 {
        run_redis(&url, &prefix, p.to_str().unwrap(), &[]).success();
    }
    stop.store(true, Ordering::Relaxed);
    assert!(reader.join().unwrap() >= 3);
}

#[test]
fn redis_failure_is_a_run_error_and_status_says_failed_when_reachable() {
    // Unreachable Redis: exit 1 naming the server.
    run_discarding(fixture("inventory.csv").to_str().unwrap())
        .args(["--redis", "redis://:secret@127.0.0.1:1/"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("Redis redis://:***@127.0.0.1:1/"))
        .stderr(predicate::str::contains("secret").not());
    // Reachable Redis, failing PostgreSQL: the status hash says failed and a message is published.
    let Some(url) = redis_url() else { return };
    let prefix = format!("{}:", unique("failed"));
    let _cleanup = RedisCleanup(url.clone(), prefix.clone());
    let mut conn = redis_conn(&url);
    run_discarding(fixture("inventory.csv").to_str().unwrap())
        .args([
            "--redis",
            &url,
            "--redis-prefix",
            &prefix,
            "--postgres",
            "postgres://u@127.0.0.1:1/none",
        ])
        .assert()
        .code(1);
    let run_id: String = redis::cmd("GET")
        .arg(format!("{prefix}run:latest"))
        .query(&mut conn)
        .unwrap();
    let status: std::collections::HashMap<String, String> = redis::cmd("HGETALL")
        .arg(format!("{prefix}run:{run_id}"))
        .query(&mut conn)
        .unwrap();
    assert_eq!(status["status"], "failed");
    assert!(
        status["error"].contains("PostgreSQL"),
        "{}",
        status["error"]
    );
}
