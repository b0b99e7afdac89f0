//! The command line: parse, dispatch, map errors to exit codes. No engine logic here.

pub(crate) mod calc;
pub mod completions;
pub mod config;
pub(crate) mod db;
pub mod docs;
pub(crate) mod engine;
pub(crate) mod history;
pub(crate) mod labels;
pub(crate) mod mappings;
pub(crate) mod report;
pub(crate) mod run;
pub(crate) mod schema;
pub(crate) mod validate;

use crate::exit_codes::Exit;
use clap::{CommandFactory, Parser, Subcommand};
use std::process::ExitCode;

pub(crate) use crate::io::stdout::{is_stdout_closed, write_stdout};

/// VoltMetrics: arc-flash (IEEE 1584-2018), shock boundaries and PPE (NFPA 70E) and
/// compliance for whole equipment inventories.
#[derive(Debug, Parser)]
#[command(
    name = "voltmetrics",
    version,
    about = "Electrical-safety risk engine: IEEE 1584-2018 arc flash, NFPA 70E shock boundaries and PPE",
    long_about = "VoltMetrics computes the arc-flash incident energy and boundary (IEEE 1584-2018) and the \
shock approach boundaries and PPE (NFPA 70E) of electrical equipment.\n\n\
Exit codes: 0 success, 1 run error, 2 usage error, 3 invalid rows, 4 a --fail-on gate tripped.",
    propagate_version = true
)]
pub(crate) struct Cli {
    /// The config file.
    #[command(flatten)]
    pub(crate) config: config::ConfigFile,
    /// Diagnostics on stderr: text, or JSON lines (timestamp, level, target, run_id, stage,
    /// fields). -q/-v or RUST_LOG choose the level.
    #[arg(long = "log-format", global = true, value_enum, value_name = "F", default_value_t = crate::logging::LogFormat::Text, env = "VOLTMETRICS_LOG_FORMAT")]
    pub(crate) log_format: crate::logging::LogFormat,
    /// The command to run.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Compute every equipment of one or more inventories: results, facility summary, gates.
    Run(run::RunArgs),
    /// Check inventories without calculating; exit 0 when clean, 3 otherwise.
    Validate(validate::ValidateArgs),
    /// Calculate one equipment from flags and print every intermediate and final value.
    Calc(calc::CalcArgs),
    /// Arc-flash labels (SVG, PDF, PNG) for every computed equipment or enclosure.
    Labels(labels::LabelsArgs),
    /// One self-contained HTML report: portfolio, facilities, charts, rows needing attention.
    Report(report::ReportArgs),
    /// Print the JSON Schema of a row (input, output, summary) or of the device library, or the
    /// default risk matrix.
    Schema(schema::SchemaArgs),
    /// The bundled column mappings of --mapping (ETAP, SKM, EasyPower exports): list, show.
    Mappings(mappings::MappingsArgs),
    /// Manage the PostgreSQL schema: migrate, rollback, status.
    Db(db::DbArgs),
    /// Stored facility results over time, optionally downsampled (1d, 1w, 1mo).
    History(history::HistoryArgs),
    /// The config file (--config, VOLTMETRICS_CONFIG): show the options a command would use.
    Config(config::ConfigArgs),
    /// Print a shell completion script.
    Completions(completions::CompletionsArgs),
    /// Print the man page (roff) to stdout.
    #[command(hide = true)]
    Man,
}

pub(crate) use crate::exit_codes::UsageError;

impl Command {
    /// `-q` and the count of `-v`, for the commands that have them.
    fn verbosity(&self) -> (bool, u8) {
        match self {
            Command::Run(a) => (a.quiet, a.verbose),
            Command::Labels(a) => (a.quiet, 0),
            Command::Report(a) => (a.quiet, 0),
            _ => (false, 0),
        }
    }
}

/// The clap definition (for the man page, completions and tests).
pub fn command() -> clap::Command {
    Cli::command()
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    crate::interrupt::install();
    crate::io::read::install_panic_hook();
    let merged = match config::merge(&Cli::command(), std::env::args_os().collect()) {
        Ok(m) => m,
        Err(e) => {
            // The log format is not known yet: plain text.
            eprintln!("voltmetrics: error: {e}");
            return Exit::Usage.into();
        }
    };
    let cli = match Cli::try_parse_from(&merged.argv) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            if let (Some(file), false) = (&merged.file, merged.added.is_empty()) {
                let words: Vec<String> =
                    merged.added.iter().map(|w| crate::db::redact(w)).collect();
                eprintln!(
                    "voltmetrics: note: options added from the config file {file}: {}",
                    words.join(" ")
                );
            }
            return if e.use_stderr() {
                Exit::Usage
            } else {
                Exit::Success
            }
            .into();
        }
    };
    let (quiet, verbose) = cli.command.verbosity();
    crate::logging::init(cli.log_format, quiet, verbose);
    let result = match cli.command {
        Command::Run(args) => run::run(&args, cli.log_format),
        Command::Validate(args) => validate::run(&args),
        Command::Calc(args) => calc::run(&args),
        Command::Labels(args) => labels::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Schema(args) => schema::run(&args),
        Command::Db(args) => db::run(&args),
        Command::Mappings(args) => mappings::run(&args),
        Command::History(args) => history::run(&args),
        Command::Config(args) => match &args.action {
            config::ConfigAction::Show(a) => config::show(a, &merged.argv),
        },
        Command::Completions(args) => completions::run_completions(&args),
        Command::Man => completions::run_man(),
    };
    let exit = match result {
        Ok(exit) => exit,
        Err(err) => exit_for_error(&err),
    };
    crate::logging::finish();
    exit.into()
}

/// Prints `err` once (unless stdout's reader went away: then the output ends quietly) and
/// picks the exit code.
fn exit_for_error(err: &anyhow::Error) -> Exit {
    if is_stdout_closed(err) {
        return Exit::Success;
    }
    tracing::error!("{err:#}");
    if err.downcast_ref::<UsageError>().is_some() {
        Exit::Usage
    } else {
        Exit::RunError
    }
}
