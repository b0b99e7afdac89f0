//! `voltmetrics mappings list|show NAME`: the bundled column mappings of `--mapping`.

use super::write_stdout;
use crate::exit_codes::{Exit, UsageError};
use crate::io::mapping::{Mapping, BUNDLED};
use anyhow::Result;
use clap::{Args, Subcommand};

/// Arguments of `mappings`.
#[derive(Debug, Args)]
pub(crate) struct MappingsArgs {
    /// What to do.
    #[command(subcommand)]
    pub(crate) action: Action,
}

/// `mappings` actions.
#[derive(Debug, Subcommand)]
pub(crate) enum Action {
    /// The bundled mappings, a line each: name and what it maps.
    List,
    /// A bundled mapping's TOML (a start for your own: save it, edit it, pass the file).
    Show {
        /// etap, skm or easypower.
        name: String,
    },
}

/// `voltmetrics mappings`.
pub(crate) fn run(args: &MappingsArgs) -> Result<Exit> {
    match &args.action {
        Action::List => {
            let mut lines = Vec::new();
            for (name, _) in BUNDLED {
                let m = Mapping::load(name)?;
                lines.push(format!("{name:<10} {}", m.description));
            }
            write_stdout(|w| Ok(writeln!(w, "{}", lines.join("\n"))?))?;
        }
        Action::Show { name } => {
            let Some((_, text)) = BUNDLED.iter().find(|(n, _)| n == name) else {
                let names: Vec<&str> = BUNDLED.iter().map(|(n, _)| *n).collect();
                return Err(UsageError(format!(
                    "mappings show {name}: no such bundled mapping; accepted: {}",
                    names.join(", ")
                ))
                .into());
            };
            write_stdout(|w| Ok(w.write_all(text.as_bytes())?))?;
        }
    }
    Ok(Exit::Success)
}
