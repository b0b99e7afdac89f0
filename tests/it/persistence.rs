//! PostgreSQL and Redis through the real binary, against the real servers.
//!
//! The servers come from `VOLTMETRICS_TEST_POSTGRES_URL` and `VOLTMETRICS_TEST_REDIS_URL`
//! (`.ci/run` starts them and sets both). When a variable is unset the test says it is skipped
//! and why; when it is set and the server is unreachable the test fails. Each test uses its own
//! PostgreSQL schema and Redis key prefix, so tests run in parallel.

use crate::common;

use crate::common::{fixture, voltmetrics, FIXTURE_AS_OF};
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

/// The PostgreSQL servers to test against: plain PostgreSQL (`VOLTMETRICS_TEST_POSTGRES_URL`)
/// and TimescaleDB (`VOLTMETRICS_TEST_TIMESCALE_URL`), each when its variable is set.
fn pg_servers() -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for (name, var, how) in [
        ("postgres", "VOLTMETRICS_TEST_POSTGRES_URL", "bash .ci/run starts PostgreSQL and sets it"),
        ("timescale", "VOLTMETRICS_TEST_TIMESCALE_URL", "bash .ci/run starts TimescaleDB with ../shared/services/timescaledb.sh or scripts/timescaledb.sh and sets it"),
    ] {
        match std::env::var(var) {
            Ok(u) if !u.is_empty() => out.push((name, u)),
            _ => eprintln!("skipped on {name}: {var} is not set ({how})"),
        }
    }
    out
}

/// Runs `check` once per server in a fresh schema, naming the server when it fails.
fn each_server(tag: &str, check: impl Fn(&Schema)) {
    for (server, base) in pg_servers() {
        let s = Schema::new(&base, &format!("{tag}_{server}"), server);
        eprintln!("running on {server}");
        check(&s);
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
    /// `postgres` or `timescale`.
    server: &'static str,
}

impl Schema {
    fn new(base: &str, tag: &str, server: &'static str) -> Schema {
        let name = unique(tag);
        let mut admin = postgres::Client::connect(base, postgres::NoTls)
            .expect("PostgreSQL from VOLTMETRICS_TEST_POSTGRES_URL is unreachable");
        admin
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .unwrap();
        // `public` after the test's schema: TimescaleDB's functions live there.
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-c%20search_path%3D{name}%2Cpublic");
        Schema {
            url,
            admin,
            name,
            server,
        }
    }

    fn client(&self) -> postgres::Client {
        let mut c = postgres::Client::connect(&self.url, postgres::NoTls).unwrap();
        c.batch_execute("SET TIME ZONE 'UTC'").unwrap();
        c
    }

    /// A number from a query.
    fn scalar(&self, sql: &str) -> i64 {
        self.client().query_one(sql, &[]).unwrap().get(0)
    }

    /// Hypertables and continuous aggregates in this schema (0 without TimescaleDB).
    fn timescale_objects(&self) -> (i64, i64) {
        if self.server != "timescale" {
            return (0, 0);
        }
        let q = |sql: &str| -> i64 { self.client().query_one(sql, &[&self.name]).unwrap().get(0) };
        (
            q("SELECT count(*) FROM timescaledb_information.hypertables WHERE hypertable_schema = $1"),
            q("SELECT count(*) FROM timescaledb_information.continuous_aggregates WHERE view_schema = $1"),
        )
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
    each_server("mig", |s| {
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
            .stdout(predicate::str::contains(match s.server {
                "timescale" => "variant timescale; timescaledb: installed",
                _ => "variant plain; timescaledb: ",
            }))
            .stdout(predicate::str::contains("pending").not());
        let expected = if s.server == "timescale" {
            (2, 3)
        } else {
            (0, 0)
        };
        assert_eq!(
            s.timescale_objects(),
            expected,
            "hypertables, continuous aggregates"
        );
        voltmetrics()
            .args(["db", "rollback", "--postgres", &s.url])
            .assert()
            .success()
            .stdout(predicate::str::contains(format!(
                "rolled back version(s) {latest}"
            )));
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
        assert_eq!(s.timescale_objects(), (0, 0));
        voltmetrics()
            .args(["db", "migrate", "--postgres", &s.url, "--to", "2"])
            .assert()
            .success()
            .stdout(predicate::str::contains("schema at version 2"));
        voltmetrics()
            .args(["db", "migrate", "--postgres", &s.url])
            .assert()
            .success()
            .stdout(predicate::str::contains("applied version(s) 3, 4, 5"));
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
    });
}

#[test]
fn run_refuses_a_schema_behind_unless_migrate() {
    each_server("behind", |s| {
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
    });
}

#[test]
fn two_runs_then_history_with_each_bucket_and_idempotent_rerun() {
    each_server("hist", |s| {
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
    });
}

#[test]
fn failure_mid_upsert_leaves_no_rows_of_the_run() {
    each_server("fail", |s| {
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
    });
}

#[test]
fn hostile_ids_are_stored_verbatim() {
    each_server("ids", |s| {
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
    });
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

/// The fixture without the rows of `drop` (equipment ids), written to `dir`.
fn fixture_without(dir: &std::path::Path, drop: &[&str]) -> String {
    let text = std::fs::read_to_string(fixture("inventory.csv")).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !drop.iter().any(|d| l.split(',').nth(1) == Some(*d)))
        .collect();
    let p = dir.join("fewer.csv");
    std::fs::write(&p, kept.join("\n") + "\n").unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn equipment_that_left_the_inventory_is_deleted_at_the_same_as_of() {
    each_server("departed", |s| {
        run_pg(&s.url, "2026-06-30", &["--migrate"]).success();
        run_pg(&s.url, "2026-06-01", &[]).success();
        let dir = tempfile::tempdir().unwrap();
        let fewer = fixture_without(dir.path(), &["SWGR-A1", "MCC-A4", "B-001"]);
        voltmetrics()
            .args([
                "run",
                &fewer,
                "--as-of",
                "2026-06-30",
                "-q",
                "--postgres",
                &s.url,
            ])
            .args(["-o", dir.path().join("r.csv").to_str().unwrap()])
            .assert()
            .success();
        let at = |f: &str, as_of: &str| {
            s.scalar(&format!(
                "SELECT count(*) FROM voltmetrics_results WHERE facility_id = '{f}' AND as_of = '{as_of}'"
            ))
        };
        assert_eq!(at("PLANT-A", "2026-06-30"), 24);
        assert_eq!(at("PLANT-B", "2026-06-30"), 24);
        assert_eq!(at("0042", "2026-06-30"), 22, "23 rows, one duplicate pair");
        assert_eq!(
            at("PLANT-A", "2026-06-01"),
            26,
            "another as-of keeps its rows"
        );
        // The latest results agree with the latest facility summary.
        for f in ["PLANT-A", "PLANT-B"] {
            let latest = s.scalar(&format!(
                "SELECT count(*) FROM voltmetrics_latest_results WHERE facility_id = '{f}'"
            ));
            let summary = s.scalar(&format!(
                "SELECT equipment_count FROM voltmetrics_facility_summaries WHERE facility_id = '{f}' AND as_of = '2026-06-30'"
            ));
            assert_eq!((f, latest), (f, summary));
        }
        let gone = s.scalar(
            "SELECT count(*) FROM voltmetrics_latest_results WHERE equipment_id IN ('SWGR-A1', 'MCC-A4', 'B-001')",
        );
        assert_eq!(gone, 0);
    });
}

/// `history` CSV rows.
fn history(url: &str, extra: &[&str]) -> Vec<std::collections::HashMap<String, String>> {
    let out = voltmetrics()
        .args(["history", "--postgres", url, "--format", "csv"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    common::parse_csv(&out.stdout)
}

#[test]
fn history_buckets_filter_runs_by_time_first_and_agree_across_servers() {
    let mut answers: Vec<(&str, Vec<String>)> = Vec::new();
    let answers_ref = std::cell::RefCell::new(&mut answers);
    each_server("since", |s| {
        run_pg(&s.url, "2026-06-01", &["--migrate"]).success();
        run_pg(&s.url, "2026-06-20", &[]).success();
        run_pg(&s.url, "2026-06-30", &[]).success();
        run_pg(&s.url, "2026-07-06", &[]).success();
        let runs = |extra: &[&str]| -> Vec<(String, String)> {
            history(&s.url, &[&["--facility", "PLANT-A"], extra].concat())
                .into_iter()
                .map(|r| (r["bucket"].clone(), r["runs"].clone()))
                .collect()
        };
        let june = "2026-06-01T00:00:00Z".to_string();
        let july = "2026-07-01T00:00:00Z".to_string();
        assert_eq!(
            runs(&["--bucket", "1mo"]),
            [(june.clone(), "3".into()), (july.clone(), "1".into())]
        );
        assert_eq!(
            runs(&["--bucket", "1mo", "--since", "2026-06-15"]),
            [(june.clone(), "2".into()), (july.clone(), "1".into())]
        );
        assert_eq!(
            runs(&["--bucket", "1mo", "--until", "2026-06-25"]),
            [(june.clone(), "2".into())]
        );
        assert_eq!(
            runs(&[
                "--bucket",
                "1mo",
                "--since",
                "2026-06-01",
                "--until",
                "2026-06-30T23:59:59.999999Z"
            ]),
            [(june.clone(), "3".into())]
        );
        assert_eq!(
            runs(&["--bucket", "1w", "--since", "2026-06-30"]),
            [
                ("2026-06-29T00:00:00Z".into(), "1".into()),
                ("2026-07-06T00:00:00Z".into(), "1".into())
            ]
        );
        // The full answer, to compare between the servers.
        let all: Vec<String> = ["1d", "1w", "1mo"]
            .iter()
            .flat_map(|b| {
                history(&s.url, &["--bucket", b, "--since", "2026-06-10"])
                    .into_iter()
                    .map(|r| {
                        let mut kv: Vec<_> = r.into_iter().collect();
                        kv.sort();
                        format!("{kv:?}")
                    })
            })
            .collect();
        answers_ref.borrow_mut().push((s.server, all));
    });
    if let [(a, x), (b, y)] = answers.as_slice() {
        assert_eq!(x, y, "{a} and {b} answer differently");
    }
}

#[test]
fn a_rerun_at_an_earlier_as_of_is_reflected_in_the_weekly_rollup() {
    each_server("refresh", |s| {
        run_pg(&s.url, "2026-06-01", &["--migrate"]).success();
        run_pg(&s.url, "2026-06-08", &[]).success();
        let dir = tempfile::tempdir().unwrap();
        let fewer = fixture_without(dir.path(), &["SWGR-A1"]);
        // A corrected inventory re-run at the first date changes an older bucket.
        voltmetrics()
            .args([
                "run",
                &fewer,
                "--as-of",
                "2026-06-01",
                "-q",
                "--postgres",
                &s.url,
            ])
            .args(["-o", dir.path().join("r.csv").to_str().unwrap()])
            .assert()
            .success();
        let w = history(&s.url, &["--bucket", "1w", "--facility", "PLANT-A"]);
        let counts: Vec<(&str, &str)> = w
            .iter()
            .map(|r| (r["bucket"].as_str(), r["equipment_count"].as_str()))
            .collect();
        assert_eq!(
            counts,
            [
                ("2026-06-01T00:00:00Z", "25"),
                ("2026-06-08T00:00:00Z", "26")
            ]
        );
    });
}

#[test]
fn an_available_but_not_preloaded_timescaledb_never_breaks_the_plain_path() {
    for (server, base) in pg_servers() {
        if server != "postgres" {
            continue;
        }
        let s = Schema::new(&base, "tsdb_plain", server);
        let available =
            s.scalar("SELECT count(*) FROM pg_available_extensions WHERE name = 'timescaledb'") > 0;
        let installed =
            s.scalar("SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'") > 0;
        if installed {
            eprintln!("skipped: timescaledb is created in this plain server's database");
            continue;
        }
        eprintln!("timescaledb available on the plain server: {available}");
        voltmetrics()
            .args(["db", "migrate", "--postgres", &s.url])
            .assert()
            .success()
            .stdout(predicate::str::contains("(plain)"));
        voltmetrics()
            .args(["db", "rollback", "--postgres", &s.url, "--to", "0"])
            .assert()
            .success();
        let expected = if available {
            "add shared_preload_libraries = 'timescaledb'"
        } else {
            "not installed on this server"
        };
        voltmetrics()
            .args(["db", "migrate", "--timescale", "--postgres", &s.url])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("--timescale"))
            .stderr(predicate::str::contains(expected));
    }
}

/// `n` rows over three facilities; every 100th is invalid.
fn big_inventory(dir: &std::path::Path, n: usize) -> String {
    let mut text = String::from("facility_id,equipment_id,equipment_class,nominal_voltage_v,bolted_fault_current_ka,arc_duration_ms\n");
    for k in 0..n {
        let v = if k % 100 == 99 { "abc" } else { "480" };
        text.push_str(&format!("F{},E{k},mcc,{v},{},50\n", k % 3, 5 + k % 50));
    }
    let p = dir.join("big.csv");
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn a_closed_stdout_does_not_cancel_postgres_or_the_gates() {
    use std::io::BufRead;
    each_server("pipe", |s| {
        let dir = tempfile::tempdir().unwrap();
        let input = big_inventory(dir.path(), 20_000);
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_voltmetrics"))
            .args([
                "run",
                &input,
                "--format",
                "csv",
                "--fail-on",
                "invalid",
                "-q",
            ])
            .args(["--postgres", &s.url, "--migrate"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(3),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(s.count("voltmetrics_results"), 20_000);
        assert_eq!(s.count("voltmetrics_facility_summaries"), 3);
    });
}

#[test]
fn redis_prune_deletes_facilities_not_in_the_run_and_keeps_them_otherwise() {
    let Some(url) = redis_url() else { return };
    let prefix = format!("{}:", unique("prune"));
    let _cleanup = RedisCleanup(url.clone(), prefix.clone());
    let mut conn = redis_conn(&url);
    let dir = tempfile::tempdir().unwrap();
    let header = "facility_id,equipment_id,equipment_class,nominal_voltage_v,bolted_fault_current_ka,arc_duration_ms\n";
    let both = dir.path().join("both.csv");
    std::fs::write(
        &both,
        format!("{header}SITE:1,a,mcc,480,20,50\nSITE:1,b,mcc,480,20,50\nSITE-2,c,mcc,480,20,50\n"),
    )
    .unwrap();
    let one = dir.path().join("one.csv");
    std::fs::write(&one, format!("{header}SITE-2,c,mcc,480,25,50\n")).unwrap();
    let keys = |conn: &mut redis::Connection| -> Vec<String> {
        let mut k: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{prefix}*"))
            .query(conn)
            .unwrap();
        k.retain(|k| !k.contains(":run:"));
        k.sort();
        k
    };
    run_redis(&url, &prefix, both.to_str().unwrap(), &[]).success();
    let all = keys(&mut conn);
    assert_eq!(all.len(), 3 + 2 * 3, "{all:?}");
    // Default: a run over one site keeps the other site's keys.
    run_redis(&url, &prefix, one.to_str().unwrap(), &[]).success();
    assert_eq!(keys(&mut conn), all);
    // --redis-prune: only the run's facilities remain.
    run_redis(&url, &prefix, one.to_str().unwrap(), &["--redis-prune"]).success();
    let left = keys(&mut conn);
    assert!(left.iter().all(|k| k.contains("SITE-2")), "{left:?}");
    assert_eq!(left.len(), 1 + 3, "{left:?}");
}

#[test]
fn sigterm_marks_the_redis_run_failed() {
    let Some(url) = redis_url() else { return };
    let prefix = format!("{}:", unique("sigterm"));
    let _cleanup = RedisCleanup(url.clone(), prefix.clone());
    let mut conn = redis_conn(&url);
    let dir = tempfile::tempdir().unwrap();
    let input = big_inventory(dir.path(), 300_000);
    let out = dir.path().join("r.csv");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_voltmetrics"))
        .args(["run", &input, "-q", "-o", out.to_str().unwrap()])
        .args(["--redis", &url, "--redis-prefix", &prefix])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    let run_id = loop {
        assert!(
            start.elapsed().as_secs() < 120,
            "the run never started calculating"
        );
        let id: Option<String> = redis::cmd("GET")
            .arg(format!("{prefix}run:latest"))
            .query(&mut conn)
            .unwrap();
        if let Some(id) = id {
            let status: Option<String> = redis::cmd("HGET")
                .arg(format!("{prefix}run:{id}"))
                .arg("status")
                .query(&mut conn)
                .unwrap();
            if status.as_deref() == Some("calculating") {
                break id;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(143));
    let status: std::collections::HashMap<String, String> = redis::cmd("HGETALL")
        .arg(format!("{prefix}run:{run_id}"))
        .query(&mut conn)
        .unwrap();
    assert_eq!(status["status"], "failed");
    assert_eq!(status["error"], "interrupted by SIGTERM");
    assert!(!out.exists());
}

#[test]
fn the_database_tables_follow_the_contract() {
    use voltmetrics::contract::{history as H, results, summary, Column};
    each_server("ddl", |s| {
        voltmetrics()
            .args(["db", "migrate", "--postgres", &s.url])
            .assert()
            .success();
        for (table, columns) in [
            ("voltmetrics_results", results::ALL),
            ("voltmetrics_facility_summaries", summary::ALL),
        ] {
            let stored: Vec<(String, String)> = s
                .client()
                .query(
                    "SELECT column_name::text, data_type::text FROM information_schema.columns
                     WHERE table_schema = $1 AND table_name = $2 ORDER BY column_name",
                    &[&s.name, &table],
                )
                .unwrap()
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect();
            let mut want: Vec<(String, String)> = columns
                .iter()
                .chain([&H::AS_OF, &H::RUN_ID])
                .map(|c: &Column| (c.name.to_string(), c.ty.sql().to_string()))
                .collect();
            want.sort();
            assert_eq!(stored, want, "{} on {}", table, s.server);
        }
    });
}

#[test]
fn report_shows_each_facilitys_stored_trend() {
    each_server("report_trend", |s| {
        run_pg(&s.url, "2026-01-01", &["--migrate"]).success();
        run_pg(&s.url, FIXTURE_AS_OF, &[]).success();
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("r.html");
        voltmetrics()
            .args([
                "report",
                fixture("inventory.csv").to_str().unwrap(),
                "--as-of",
                FIXTURE_AS_OF,
                "-q",
                "--postgres",
                &s.url,
                "-o",
            ])
            .arg(&page)
            .assert()
            .success();
        let html = std::fs::read_to_string(&page).unwrap();
        let doc = roxmltree::Document::parse_with_options(
            &html,
            roxmltree::ParsingOptions {
                allow_dtd: true,
                ..Default::default()
            },
        )
        .unwrap();
        let facilities: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("section") && n.attribute("data-facility") != Some("*"))
            .collect();
        assert_eq!(facilities.len(), 3);
        for f in facilities {
            let runs = f
                .descendants()
                .find(|n| n.attribute("data-col") == Some("runs"))
                .expect("a trend per facility");
            assert_eq!(runs.text(), Some("2"), "{:?}", f.attribute("data-facility"));
            let charts = f
                .descendants()
                .filter(|n| {
                    n.attribute("aria-label")
                        .is_some_and(|l| l.ends_with("over time"))
                })
                .count();
            assert_eq!(charts, 2);
        }
        // Without the database the page has no trend.
        assert!(!std::fs::read_to_string(dir.path().join("r.html"))
            .unwrap()
            .is_empty());
    });
}

/// An order-independent checksum of a table's rows without their run_id.
fn checksum_without_run(s: &Schema, table: &str) -> String {
    s.client()
        .query_one(&format!("SELECT coalesce(md5(string_agg((to_jsonb(t) - 'run_id')::text, '|' ORDER BY (to_jsonb(t) - 'run_id')::text)), '') FROM {table} t"), &[])
        .unwrap()
        .get(0)
}

#[test]
fn three_concurrent_shards_store_exactly_the_whole_run() {
    for (server, base) in pg_servers() {
        let whole = Schema::new(&base, &format!("shard_whole_{server}"), server);
        let parts = Schema::new(&base, &format!("shard_parts_{server}"), server);
        run_pg(&whole.url, FIXTURE_AS_OF, &["--migrate"]).success();
        voltmetrics()
            .args(["db", "migrate", "--postgres", &parts.url])
            .assert()
            .success();
        let dir = tempfile::tempdir().unwrap();
        let children: Vec<_> = (0..3)
            .map(|i| {
                std::process::Command::new(env!("CARGO_BIN_EXE_voltmetrics"))
                    .args([
                        "run",
                        fixture("inventory.csv").to_str().unwrap(),
                        "--as-of",
                        FIXTURE_AS_OF,
                        "-q",
                    ])
                    .args(["--shard", &format!("{i}/3"), "--postgres", &parts.url, "-o"])
                    .arg(dir.path().join(format!("r{i}.csv")))
                    .spawn()
                    .unwrap()
            })
            .collect();
        for mut c in children {
            assert!(c.wait().unwrap().success(), "a shard failed on {server}");
        }
        for table in ["voltmetrics_results", "voltmetrics_facility_summaries"] {
            assert_eq!(whole.count(table), parts.count(table), "{server} {table}");
            assert_eq!(
                checksum_without_run(&whole, table),
                checksum_without_run(&parts, table),
                "{server} {table}"
            );
        }
        let shards: Vec<Option<String>> = parts
            .client()
            .query("SELECT shard FROM voltmetrics_runs ORDER BY shard", &[])
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(
            shards,
            ["0/3", "1/3", "2/3"].map(|s| Some(s.to_string())),
            "{server}"
        );
        let whole_shard: Option<String> = whole
            .client()
            .query_one("SELECT shard FROM voltmetrics_runs", &[])
            .unwrap()
            .get(0);
        assert_eq!(whole_shard, None);
    }
}

#[test]
fn history_returns_the_risk_index_over_time() {
    each_server("risk", |s| {
        run_pg(&s.url, "2026-06-30", &["--migrate"]).success();
        // A later run under a matrix that makes every class likelier: a higher index.
        let dir = tempfile::tempdir().unwrap();
        let matrix = dir.path().join("m.toml");
        std::fs::write(&matrix, "[likelihood.class]\nswitchgear = 5\nswitchboard = 5\nmcc = 5\npanelboard = 5\ncable_junction_box = 5\nopen_air = 5\nother = 5\nunknown = 5\n").unwrap();
        run_pg(
            &s.url,
            "2026-07-30",
            &["--risk-matrix", matrix.to_str().unwrap()],
        )
        .success();
        let rows = history(&s.url, &["--facility", "PLANT-A"]);
        assert_eq!(rows.len(), 2, "{rows:?}");
        let index: Vec<f64> = rows.iter().map(|r| common::num(r, "risk_index")).collect();
        assert!(index[0] > 0.0 && index[1] > index[0], "{index:?}");
        assert_eq!(rows[0]["risk_extreme_count"], "0");
        assert_ne!(rows[1]["risk_extreme_count"], "0");
    });
}

/// The Grafana dashboard's SQL runs on both servers and finds the run's rows.
#[test]
fn the_dashboards_sql_queries_run_on_both_servers() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/deploy/grafana/voltmetrics.json"
    );
    let dash: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let queries: Vec<String> = dash["panels"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["targets"].as_array().unwrap().clone())
        .filter_map(|t| t["rawSql"].as_str().map(str::to_string))
        .collect();
    assert!(queries.len() >= 4);
    each_server("dash", |s| {
        run_pg(
            &s.url,
            "2026-06-30",
            &["--migrate", "--uncertainty", "--samples", "20"],
        )
        .success();
        let mut client = s.client();
        for q in &queries {
            // Grafana's time macro, as a plain condition.
            let sql = q
                .split("$__timeFilter(")
                .enumerate()
                .map(|(i, part)| match (i, part.find(')')) {
                    (0, _) | (_, None) => part.to_string(),
                    (_, Some(k)) => format!("TRUE{}", &part[k + 1..]),
                })
                .collect::<String>();
            let rows = client
                .query(sql.as_str(), &[])
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            assert!(!rows.is_empty(), "{sql}: no rows");
        }
    });
}
