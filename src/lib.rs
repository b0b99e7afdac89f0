//! VoltMetrics: a batch engine for electrical-safety risk.
//!
//! The library holds the engine ([`core`]) and the command-line layer ([`cli`]); the
//! `voltmetrics` binary is a thin shell over [`cli::main`]. Data flows
//! read → validate → calculate → check compliance → aggregate → write.

#![warn(missing_docs)]

pub(crate) mod cache;
pub mod cli;
pub mod contract;
pub mod core;
pub mod db;
pub mod exit_codes;
pub(crate) mod interrupt;
pub mod io;
pub mod labels;
pub mod logging;
pub mod pipeline;
pub mod report;
pub mod run;

/// The tool version written with every result.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
