//! Versioned, reversible schema migrations embedded in the binary (Alembic-style): each has an
//! up and a down script and a checksum; applied versions are recorded in
//! `voltmetrics_migrations` with the variant they were applied in.
//!
//! Two variants: **plain** PostgreSQL (BRIN indexes, `date_trunc` views) and **TimescaleDB**
//! (hypertables, continuous aggregates). TimescaleDB is used only when the extension is already
//! created in the database, or when asked for (`db migrate --timescale`, which creates it and
//! names the cause and the fix when it cannot). An extension that is merely *available* to the
//! server — the usual state of a host with the TimescaleDB package and a cluster not configured
//! to preload it — never changes the plain path. A database keeps the variant of its first
//! migration. Plain migrations run in one transaction each; TimescaleDB scripts run statement
//! by statement outside one (continuous aggregates require it).

use anyhow::{bail, Context, Result};
use postgres::Client;

/// One migration.
pub struct Migration {
    /// 1, 2, 3, ...
    pub version: i32,
    /// Short name.
    pub name: &'static str,
    /// Up script (plain PostgreSQL).
    pub up: &'static str,
    /// Down script (plain PostgreSQL).
    pub down: &'static str,
    /// TimescaleDB variant of up/down, when it differs.
    pub timescale: Option<(&'static str, &'static str)>,
    /// Checksums of earlier texts of this migration whose effect on a database is the same as
    /// this one's (accepted as applied).
    pub legacy_checksums: &'static [&'static str],
}

/// The variant a migration was applied in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// Plain PostgreSQL.
    Plain,
    /// TimescaleDB.
    Timescale,
}

impl Variant {
    /// `plain` / `timescale`, as recorded.
    pub fn as_str(self) -> &'static str {
        match self {
            Variant::Plain => "plain",
            Variant::Timescale => "timescale",
        }
    }
}

impl Migration {
    /// FNV-1a 64 of every script of the migration, hex: changes when any script changes.
    pub fn checksum(&self) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let (tu, td) = self.timescale.unwrap_or(("", ""));
        for part in [self.up, self.down, tu, td] {
            for &b in part.as_bytes() {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
            h ^= 0xff;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        format!("{h:016x}")
    }

    fn accepts(&self, checksum: &str) -> bool {
        checksum == self.checksum() || self.legacy_checksums.contains(&checksum)
    }

    /// The script of `variant` in direction `up`.
    fn script(&self, variant: Variant, up: bool) -> &'static str {
        match (variant, self.timescale, up) {
            (Variant::Timescale, Some((u, _)), true) => u,
            (Variant::Timescale, Some((_, d)), false) => d,
            (_, _, true) => self.up,
            (_, _, false) => self.down,
        }
    }
}

/// Every migration, in order.
pub const MIGRATIONS: [Migration; 8] = [
    Migration {
        version: 1,
        name: "core",
        up: include_str!("migrations/0001_core.up.sql"),
        down: include_str!("migrations/0001_core.down.sql"),
        timescale: None,
        legacy_checksums: &[],
    },
    Migration {
        version: 2,
        name: "time_indexes",
        up: include_str!("migrations/0002_time_indexes.up.sql"),
        down: include_str!("migrations/0002_time_indexes.down.sql"),
        timescale: Some((
            include_str!("migrations/0002_time_indexes.timescale.up.sql"),
            include_str!("migrations/0002_time_indexes.down.sql"),
        )),
        // 0.1.0 chose the variant inside one script (by pg_available_extensions).
        legacy_checksums: &["df8cfd754e9f1431"],
    },
    Migration {
        version: 3,
        name: "rollups",
        up: include_str!("migrations/0003_rollups.up.sql"),
        down: include_str!("migrations/0003_rollups.down.sql"),
        timescale: Some((
            include_str!("migrations/0003_rollups.timescale.up.sql"),
            include_str!("migrations/0003_rollups.timescale.down.sql"),
        )),
        legacy_checksums: &[],
    },
    Migration {
        version: 4,
        name: "latest_per_facility",
        up: include_str!("migrations/0004_latest_per_facility.up.sql"),
        down: include_str!("migrations/0004_latest_per_facility.down.sql"),
        timescale: Some((
            include_str!("migrations/0004_latest_per_facility.timescale.up.sql"),
            include_str!("migrations/0004_latest_per_facility.timescale.down.sql"),
        )),
        legacy_checksums: &[],
    },
    Migration {
        version: 5,
        name: "device_timing",
        up: include_str!("migrations/0005_device_timing.up.sql"),
        down: include_str!("migrations/0005_device_timing.down.sql"),
        timescale: None,
        legacy_checksums: &[],
    },
    Migration {
        version: 6,
        name: "run_shard",
        up: include_str!("migrations/0006_run_shard.up.sql"),
        down: include_str!("migrations/0006_run_shard.down.sql"),
        timescale: None,
        legacy_checksums: &[],
    },
    Migration {
        version: 7,
        name: "uncertainty",
        up: include_str!("migrations/0007_uncertainty.up.sql"),
        down: include_str!("migrations/0007_uncertainty.down.sql"),
        timescale: None,
        legacy_checksums: &[],
    },
    Migration {
        version: 8,
        name: "risk",
        up: include_str!("migrations/0008_risk.up.sql"),
        down: include_str!("migrations/0008_risk.down.sql"),
        timescale: None,
        legacy_checksums: &[],
    },
];

/// The schema version this binary writes.
pub fn latest() -> i32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

const TABLE: &str = "CREATE TABLE IF NOT EXISTS voltmetrics_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE voltmetrics_migrations ADD COLUMN IF NOT EXISTS variant text";

/// One applied migration as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// Version.
    pub version: i32,
    /// Name.
    pub name: String,
    /// Checksum recorded when applied.
    pub checksum: String,
    /// The variant it was applied in.
    pub variant: Variant,
}

/// Creates the tracking table, or adds the `variant` column to an older one.
fn ensure_table(client: &mut Client) -> Result<()> {
    client.batch_execute(TABLE)?;
    Ok(())
}

/// The applied migrations, oldest first (none when the tracking table does not exist; this
/// only reads). A row recorded before variants were recorded is TimescaleDB when the extension
/// is installed (what that version decided), plain otherwise.
pub fn applied(client: &mut Client) -> Result<Vec<Applied>> {
    let (exists, has_variant): (bool, bool) = {
        let row = client.query_one(
            "SELECT to_regclass('voltmetrics_migrations') IS NOT NULL,
                    EXISTS (SELECT 1 FROM pg_attribute
                            WHERE attrelid = to_regclass('voltmetrics_migrations')
                              AND attname = 'variant' AND NOT attisdropped)",
            &[],
        )?;
        (row.get(0), row.get(1))
    };
    if !exists {
        return Ok(Vec::new());
    }
    let installed = super::timescale(client)?.1;
    let sql = if has_variant {
        "SELECT version, name, checksum, variant FROM voltmetrics_migrations ORDER BY version"
    } else {
        "SELECT version, name, checksum, NULL::text FROM voltmetrics_migrations ORDER BY version"
    };
    Ok(client
        .query(sql, &[])?
        .into_iter()
        .map(|r| {
            let variant = match r.get::<_, Option<String>>(3).as_deref() {
                Some("timescale") => Variant::Timescale,
                Some(_) => Variant::Plain,
                None if installed => Variant::Timescale,
                None => Variant::Plain,
            };
            Applied {
                version: r.get(0),
                name: r.get(1),
                checksum: r.get(2),
                variant,
            }
        })
        .collect())
}

/// Whether `a` matches the migration of its version in this binary.
pub fn checksum_matches(a: &Applied) -> bool {
    MIGRATIONS
        .iter()
        .find(|m| m.version == a.version)
        .is_none_or(|m| m.accepts(&a.checksum))
}

/// The current schema version (0 when empty), after checking recorded checksums.
pub fn current(client: &mut Client) -> Result<i32> {
    let done = applied(client)?;
    for a in &done {
        if let Some(m) = MIGRATIONS.iter().find(|m| m.version == a.version) {
            if !m.accepts(&a.checksum) {
                bail!(
                    "migration {} ({}) was applied with checksum {} but this binary has {}: the schema was changed outside voltmetrics",
                    a.version,
                    a.name,
                    a.checksum,
                    m.checksum()
                );
            }
        }
    }
    Ok(done.last().map_or(0, |a| a.version))
}

/// The variant of the database's applied migrations, if any.
pub fn recorded_variant(client: &mut Client) -> Result<Option<Variant>> {
    Ok(applied(client)?.first().map(|a| a.variant))
}

/// Splits a TimescaleDB script into its statements (at `;` ending a line; these scripts hold
/// no such `;` inside a statement).
fn statements(script: &str) -> impl Iterator<Item = &str> {
    script.split(";\n").map(str::trim).filter(|s| {
        s.lines()
            .any(|l| !l.trim().is_empty() && !l.trim().starts_with("--"))
    })
}

/// Records migration `m` as applied (up) or removes its record (down).
fn record<C: postgres::GenericClient>(
    c: &mut C,
    m: &Migration,
    variant: Variant,
    up: bool,
) -> Result<()> {
    if up {
        c.execute(
            "INSERT INTO voltmetrics_migrations (version, name, checksum, variant) VALUES ($1, $2, $3, $4)",
            &[&m.version, &m.name, &m.checksum(), &variant.as_str()],
        )?;
    } else {
        c.execute(
            "DELETE FROM voltmetrics_migrations WHERE version = $1",
            &[&m.version],
        )?;
    }
    Ok(())
}

fn apply(client: &mut Client, m: &Migration, variant: Variant, up: bool) -> Result<()> {
    let script = m.script(variant, up);
    let context = || {
        format!(
            "migration {} ({}, {}) {}",
            m.version,
            m.name,
            variant.as_str(),
            if up { "up" } else { "down" }
        )
    };
    if variant == Variant::Timescale && m.timescale.is_some() {
        // Continuous aggregates cannot be created inside a transaction block (a multi-statement
        // query is one), so each statement goes on its own.
        for stmt in statements(script) {
            client.batch_execute(stmt).with_context(context)?;
        }
        return record(client, m, variant, up);
    }
    let mut tx = client.transaction()?;
    tx.batch_execute(script).with_context(context)?;
    record(&mut tx, m, variant, up)?;
    tx.commit().with_context(context)?;
    Ok(())
}

/// The variant to migrate in: the database's own when it has migrations; otherwise TimescaleDB
/// when the extension is created in the database or `timescale` asks for it (then it is
/// created here; failing that, the error names the cause and the fix).
fn choose_variant(client: &mut Client, timescale: bool) -> Result<Variant> {
    let recorded = recorded_variant(client)?;
    let (available, installed) = super::timescale(client)?;
    match recorded {
        Some(Variant::Plain) if timescale => bail!(
            "--timescale: this database's schema was migrated for plain PostgreSQL; roll it back first (`voltmetrics db rollback --to 0`, which drops the stored results) and migrate again with --timescale"
        ),
        Some(v) => return Ok(v),
        None => {}
    }
    if installed {
        return Ok(Variant::Timescale);
    }
    if !timescale {
        return Ok(Variant::Plain);
    }
    if !available {
        bail!("--timescale: the TimescaleDB extension is not installed on this server (pg_available_extensions has no timescaledb); install the TimescaleDB package for this PostgreSQL version, or migrate without --timescale for plain PostgreSQL");
    }
    client
        .batch_execute("CREATE EXTENSION IF NOT EXISTS timescaledb")
        .map_err(|e| {
            let cause = e
                .as_db_error()
                .map_or_else(|| e.to_string(), |d| d.message().to_string());
            anyhow::anyhow!("--timescale: cannot create the timescaledb extension: {cause}; add shared_preload_libraries = 'timescaledb' to the server's postgresql.conf and restart it (or migrate without --timescale for plain PostgreSQL)")
        })?;
    Ok(Variant::Timescale)
}

/// Applies migrations up to `to` (default: the latest); `timescale` asks for the TimescaleDB
/// variant (see the module documentation). Returns the versions applied and the variant.
pub fn migrate(
    client: &mut Client,
    to: Option<i32>,
    timescale: bool,
) -> Result<(Vec<i32>, Variant)> {
    let target = to.unwrap_or_else(latest);
    if !(0..=latest()).contains(&target) {
        bail!(
            "--to {target}: this binary knows versions 0 to {}",
            latest()
        );
    }
    let cur = current(client)?;
    let variant = choose_variant(client, timescale)?;
    ensure_table(client)?;
    let mut done = Vec::new();
    for m in MIGRATIONS
        .iter()
        .filter(|m| m.version > cur && m.version <= target)
    {
        apply(client, m, variant, true)?;
        done.push(m.version);
    }
    Ok((done, variant))
}

/// Rolls back to version `to` (default: one step back), each migration in the variant it was
/// applied in. Returns the versions undone.
pub fn rollback(client: &mut Client, to: Option<i32>) -> Result<Vec<i32>> {
    let cur = current(client)?;
    let target = to.unwrap_or((cur - 1).max(0));
    if target < 0 || target > cur {
        bail!("--to {target}: the schema is at version {cur}; rollback goes to a version from 0 to {cur}");
    }
    let recorded = applied(client)?;
    ensure_table(client)?;
    let mut done = Vec::new();
    for m in MIGRATIONS
        .iter()
        .rev()
        .filter(|m| m.version <= cur && m.version > target)
    {
        let variant = recorded
            .iter()
            .find(|a| a.version == m.version)
            .map_or(Variant::Plain, |a| a.variant);
        apply(client, m, variant, false)?;
        done.push(m.version);
    }
    Ok(done)
}

/// Refuses to write unless the schema is exactly at this binary's version.
pub fn require_current(client: &mut Client) -> Result<()> {
    let cur = current(client)?;
    let want = latest();
    if cur < want {
        bail!("the database schema is at version {cur}, this binary needs {want}: run `voltmetrics db migrate` (or pass --migrate)");
    }
    if cur > want {
        bail!("the database schema is at version {cur}, newer than this binary's {want}: upgrade voltmetrics or `voltmetrics db rollback --to {want}`");
    }
    Ok(())
}
