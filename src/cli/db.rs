//! `voltmetrics db migrate|rollback|status`: the database schema, versioned and reversible.

use super::write_stdout;
use crate::db::{connect, migrations, redact, timescale};
use crate::exit_codes::Exit;
use anyhow::{Context, Result};
use clap::{Args, Subcommand};

/// Arguments of `db`.
#[derive(Debug, Args)]
pub(crate) struct DbArgs {
    /// What to do.
    #[command(subcommand)]
    pub(crate) action: DbAction,
}

/// `db` actions.
#[derive(Debug, Subcommand)]
pub(crate) enum DbAction {
    /// Apply migrations up to --to (default: the latest).
    Migrate(DbMigrate),
    /// Undo migrations down to --to (default: one step back).
    Rollback(DbTarget),
    /// Show the schema version, the applied migrations and TimescaleDB availability.
    Status(DbConn),
}

/// Connection flag.
#[derive(Debug, Args)]
pub(crate) struct DbConn {
    /// PostgreSQL URL, e.g. postgres://user@127.0.0.1:5432/db.
    #[arg(
        long,
        value_name = "URL",
        env = "VOLTMETRICS_POSTGRES_URL",
        hide_env_values = true
    )]
    pub(crate) postgres: String,
}

/// Connection flag and target version.
#[derive(Debug, Args)]
pub(crate) struct DbTarget {
    /// PostgreSQL URL, e.g. postgres://user@127.0.0.1:5432/db.
    #[arg(
        long,
        value_name = "URL",
        env = "VOLTMETRICS_POSTGRES_URL",
        hide_env_values = true
    )]
    pub(crate) postgres: String,
    /// Target schema version.
    #[arg(long, value_name = "N")]
    pub(crate) to: Option<i32>,
}

/// Arguments of `db migrate`.
#[derive(Debug, Args)]
pub(crate) struct DbMigrate {
    /// Connection and target version.
    #[command(flatten)]
    pub(crate) target: DbTarget,
    /// Use TimescaleDB (hypertables, continuous aggregates), creating the extension if needed.
    /// Without it TimescaleDB is used only when the extension already exists in the database.
    #[arg(long)]
    pub(crate) timescale: bool,
}

/// `voltmetrics db …`.
pub(crate) fn run(args: &DbArgs) -> Result<Exit> {
    let url = match &args.action {
        DbAction::Migrate(DbMigrate { target: t, .. }) | DbAction::Rollback(t) => &t.postgres,
        DbAction::Status(c) => &c.postgres,
    };
    let server = format!("PostgreSQL {}", redact(url));
    let mut client = connect(url)?;
    let text = match &args.action {
        DbAction::Migrate(m) => {
            let (done, variant) = migrations::migrate(&mut client, m.target.to, m.timescale)
                .with_context(|| server.clone())?;
            let now = migrations::current(&mut client)?;
            format!(
                "applied {}; schema at version {now} ({})\n",
                list(&done),
                variant.as_str()
            )
        }
        DbAction::Rollback(t) => {
            let done = migrations::rollback(&mut client, t.to).with_context(|| server.clone())?;
            let now = migrations::current(&mut client)?;
            format!("rolled back {}; schema at version {now}\n", list(&done))
        }
        DbAction::Status(_) => status(&mut client).with_context(|| server.clone())?,
    };
    write_stdout(|w| Ok(w.write_all(text.as_bytes())?))?;
    Ok(Exit::Success)
}

fn list(v: &[i32]) -> String {
    if v.is_empty() {
        "nothing".to_string()
    } else {
        format!(
            "version(s) {}",
            v.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
        )
    }
}

fn status(client: &mut postgres::Client) -> Result<String> {
    let applied = migrations::applied(client)?;
    let (available, installed) = timescale(client)?;
    let cur = applied.last().map_or(0, |a| a.version);
    let variant = applied.first().map_or("none yet", |a| a.variant.as_str());
    let mut s = format!(
        "schema version {cur} (this binary: {}), variant {variant}; timescaledb: {}\n",
        migrations::latest(),
        if installed {
            "installed"
        } else if available {
            "available, not installed (plain PostgreSQL unless `db migrate --timescale`)"
        } else {
            "not available (plain PostgreSQL)"
        }
    );
    for m in &migrations::MIGRATIONS {
        let state = match applied.iter().find(|a| a.version == m.version) {
            None => "pending".to_string(),
            Some(a) if migrations::checksum_matches(a) => "applied".to_string(),
            Some(a) => format!("applied, CHECKSUM MISMATCH (recorded {})", a.checksum),
        };
        s.push_str(&format!(
            "{:>4}  {:<20} {}  {state}\n",
            m.version,
            m.name,
            m.checksum()
        ));
    }
    Ok(s)
}
