//! PostgreSQL (and TimescaleDB where installed): tracked, reversible migrations, the run's
//! results and summaries upserted in one transaction, and history queries.
//!
//! Values always travel as parameters or through binary `COPY`, never inside SQL text.

pub(crate) mod history;
pub mod migrations;
pub(crate) mod store;

use anyhow::{Context, Result};
use postgres::{Client, NoTls};

/// A URL with its password replaced by `***`, for messages.
pub fn redact(url: &str) -> String {
    // postgres://user:password@host/db and key=value "password=..." forms.
    let mut out = url.to_string();
    if let Some(scheme_end) = out.find("://") {
        let rest_start = scheme_end + 3;
        if let Some(at) = out[rest_start..].find('@') {
            let creds = &out[rest_start..rest_start + at];
            if let Some(colon) = creds.find(':') {
                out.replace_range(rest_start + colon + 1..rest_start + at, "***");
            }
        }
    }
    if let Some(p) = out.find("password=") {
        let end = out[p..].find([' ', '&']).map_or(out.len(), |e| p + e);
        out.replace_range(p + "password=".len()..end, "***");
    }
    out
}

/// Connects, with the session in UTC so date buckets are UTC.
pub fn connect(url: &str) -> Result<Client> {
    let mut client = Client::connect(url, NoTls)
        .with_context(|| format!("PostgreSQL {}: cannot connect", redact(url)))?;
    client
        .batch_execute("SET TIME ZONE 'UTC'")
        .with_context(|| format!("PostgreSQL {}", redact(url)))?;
    Ok(client)
}

/// Whether TimescaleDB can be used: available to this server, and whether it is installed.
pub fn timescale(client: &mut Client) -> Result<(bool, bool)> {
    let available: bool = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')",
            &[],
        )?
        .get(0);
    let installed: bool = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')",
            &[],
        )?
        .get(0);
    Ok((available, installed))
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(
            redact("host=h user=u password=secret dbname=x"),
            "host=h user=u password=*** dbname=x"
        );
        assert_eq!(
            redact("redis://:pw@127.0.0.1:6379/"),
            "redis://:***@127.0.0.1:6379/"
        );
    }
}
