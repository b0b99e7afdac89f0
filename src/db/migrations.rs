//! Versioned, reversible schema migrations embedded in the binary (Alembic-style): each has an
//! up and a down script and a checksum; applied versions are recorded in
//! `voltmetrics_migrations`; each runs in its own transaction (TimescaleDB's continuous
//! aggregates, which cannot, run outside one and only where TimescaleDB is installed).

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
    /// TimescaleDB variant of up/down, run outside a transaction, when the extension is installed.
    pub timescale: Option<(&'static str, &'static str)>,
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
}

/// Every migration, in order.
pub const MIGRATIONS: [Migration; 3] = [
    Migration {
        version: 1,
        name: "core",
        up: include_str!("migrations/0001_core.up.sql"),
        down: include_str!("migrations/0001_core.down.sql"),
        timescale: None,
    },
    Migration {
        version: 2,
        name: "time_indexes",
        up: include_str!("migrations/0002_time_indexes.up.sql"),
        down: include_str!("migrations/0002_time_indexes.down.sql"),
        timescale: None,
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
)";

/// One applied migration as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// Version.
    pub version: i32,
    /// Name.
    pub name: String,
    /// Checksum recorded when applied.
    pub checksum: String,
}

/// The applied migrations, oldest first (creates the tracking table when absent).
pub fn applied(client: &mut Client) -> Result<Vec<Applied>> {
    client.batch_execute(TABLE)?;
    Ok(client
        .query(
            "SELECT version, name, checksum FROM voltmetrics_migrations ORDER BY version",
            &[],
        )?
        .into_iter()
        .map(|r| Applied {
            version: r.get(0),
            name: r.get(1),
            checksum: r.get(2),
        })
        .collect())
}

/// The current schema version (0 when empty), after checking recorded checksums.
pub fn current(client: &mut Client) -> Result<i32> {
    let done = applied(client)?;
    for a in &done {
        match MIGRATIONS.iter().find(|m| m.version == a.version) {
            Some(m) if m.checksum() != a.checksum => bail!(
                "migration {} ({}) was applied with checksum {} but this binary has {}: the schema was changed outside voltmetrics",
                a.version,
                a.name,
                a.checksum,
                m.checksum()
            ),
            _ => {}
        }
    }
    Ok(done.last().map_or(0, |a| a.version))
}

fn installed_timescale(client: &mut Client) -> Result<bool> {
    Ok(super::timescale(client)?.1)
}

fn apply(client: &mut Client, m: &Migration, up: bool) -> Result<()> {
    let ts = if m.timescale.is_some() {
        installed_timescale(client)?
    } else {
        false
    };
    let script = match (m.timescale, ts, up) {
        (Some((u, _)), true, true) => u,
        (Some((_, d)), true, false) => d,
        (_, _, true) => m.up,
        (_, _, false) => m.down,
    };
    let context = || {
        format!(
            "migration {} ({}) {}",
            m.version,
            m.name,
            if up { "up" } else { "down" }
        )
    };
    if ts {
        // TimescaleDB: continuous aggregates cannot be created inside a transaction.
        client.batch_execute(script).with_context(context)?;
        if up {
            client.execute(
                "INSERT INTO voltmetrics_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                &[&m.version, &m.name, &m.checksum()],
            )?;
        } else {
            client.execute(
                "DELETE FROM voltmetrics_migrations WHERE version = $1",
                &[&m.version],
            )?;
        }
        return Ok(());
    }
    let mut tx = client.transaction()?;
    tx.batch_execute(script).with_context(context)?;
    if up {
        tx.execute(
            "INSERT INTO voltmetrics_migrations (version, name, checksum) VALUES ($1, $2, $3)",
            &[&m.version, &m.name, &m.checksum()],
        )?;
    } else {
        tx.execute(
            "DELETE FROM voltmetrics_migrations WHERE version = $1",
            &[&m.version],
        )?;
    }
    tx.commit().with_context(context)?;
    Ok(())
}

/// Applies migrations up to `to` (default: the latest). Returns the versions applied.
pub fn migrate(client: &mut Client, to: Option<i32>) -> Result<Vec<i32>> {
    let target = to.unwrap_or_else(latest);
    if !(0..=latest()).contains(&target) {
        bail!(
            "--to {target}: this binary knows versions 0 to {}",
            latest()
        );
    }
    let cur = current(client)?;
    let mut done = Vec::new();
    for m in MIGRATIONS
        .iter()
        .filter(|m| m.version > cur && m.version <= target)
    {
        apply(client, m, true)?;
        done.push(m.version);
    }
    Ok(done)
}

/// Rolls back to version `to` (default: one step back). Returns the versions undone.
pub fn rollback(client: &mut Client, to: Option<i32>) -> Result<Vec<i32>> {
    let cur = current(client)?;
    let target = to.unwrap_or((cur - 1).max(0));
    if target < 0 || target > cur {
        bail!("--to {target}: the schema is at version {cur}; rollback goes to a version from 0 to {cur}");
    }
    let mut done = Vec::new();
    for m in MIGRATIONS
        .iter()
        .rev()
        .filter(|m| m.version <= cur && m.version > target)
    {
        apply(client, m, false)?;
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
