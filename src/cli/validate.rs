//! `voltmetrics validate`: the parsing and row checks of `run`, without calculating. A report
//! for people (or JSON for machines) and an exit code for CI: 0 clean, 3 otherwise.

use super::{is_stdout_closed, write_stdout};
use crate::contract::run_status as RS;
use crate::exit_codes::Exit;
use crate::io::devices::read_library;
use crate::io::read::read_inputs;
use crate::pipeline::rows::{RowOptions, Status};
use crate::pipeline::validate_rows;
use anyhow::Result;
use clap::builder::PossibleValuesParser;
use clap::Args;

/// Arguments of `validate`.
#[derive(Debug, Args)]
#[command(after_help = "Example (a CI gate):\n  voltmetrics validate inventories/*.csv || exit 1")]
pub(crate) struct ValidateArgs {
    /// Inventory files: CSV (.csv, .csv.gz), Parquet (.parquet, .pq), workbooks (.xlsx, .xls,
    /// .ods; --sheet), or - for CSV on stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub(crate) inputs: Vec<String>,
    /// The calculation method the rows are checked for (what it needs must be given).
    #[arg(long, value_name = "ID", default_value = "auto", value_parser = super::engine::method_flag)]
    pub(crate) method: crate::core::algorithms::Choice,
    /// Protective-device library (TOML): checked first (a problem is exit 1), then the rows'
    /// protective_device_id against it (an unknown id is an invalid row, exit 3).
    #[arg(long, value_name = "FILE")]
    pub(crate) devices: Option<String>,
    /// Report format.
    #[arg(long, value_name = "F", default_value = "text", value_parser = PossibleValuesParser::new(["text", "json"]))]
    pub(crate) format: String,
    /// The sheet of workbook inputs (.xlsx, .xls, .ods): a name or a number from 1 [default:
    /// the first].
    #[arg(long, value_name = "NAME|INDEX")]
    pub(crate) sheet: Option<String>,
    /// Column mapping of CSV and workbook inputs (TOML file, or etap, skm, easypower).
    #[arg(long, value_name = "FILE|NAME")]
    pub(crate) mapping: Option<String>,
    /// The config file.
    #[command(flatten)]
    pub(crate) config: super::config::ConfigFile,
}

/// `voltmetrics validate`.
pub(crate) fn run(args: &ValidateArgs) -> Result<Exit> {
    let devices = args.devices.as_deref().map(read_library).transpose()?;
    let inv = read_inputs(
        &args.inputs,
        &super::engine::open_options(args.sheet.as_ref(), args.mapping.as_ref())?,
    )?;
    let opts = RowOptions {
        method: args.method,
        devices,
        ..RowOptions::new(chrono::Utc::now().date_naive())
    };
    let rows = validate_rows(&inv, &opts)?;
    let invalid: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].status == Status::Invalid)
        .collect();
    let mut problems = Vec::new();
    for &i in &invalid {
        let (file, row) = inv.locate(i);
        for e in &rows[i].errors {
            // A workbook's row is named by its cell (`Sheet1!D17`), a CSV/Parquet row by number.
            let at = inv.cell(i, e.column).unwrap_or_else(|| row.to_string());
            problems.push((file.to_string(), row, at, e));
        }
    }
    let written = if args.format == "json" {
        let doc = serde_json::json!({
            RS::ROWS.name: rows.len(),
            "valid": rows.len() - invalid.len(),
            RS::INVALID.name: invalid.len(),
            "files": inv.sources.iter().map(|s| serde_json::json!({"path": s.path, RS::ROWS.name: s.rows})).collect::<Vec<_>>(),
            "problems": problems.iter().map(|(file, row, at, e)| serde_json::json!({
                "file": file, "row": row, "at": at, "column": e.column, "value": e.value, "reason": e.reason,
            })).collect::<Vec<_>>(),
        });
        let text = serde_json::to_string_pretty(&doc)?;
        write_stdout(|w| Ok(writeln!(w, "{text}")?))
    } else {
        write_stdout(|w| {
            writeln!(
                w,
                "{} rows in {} file(s): {} valid, {} invalid, {} problem(s)",
                rows.len(),
                inv.sources.len(),
                rows.len() - invalid.len(),
                invalid.len(),
                problems.len()
            )?;
            for (file, _, at, e) in &problems {
                let value = e
                    .value
                    .as_deref()
                    .map_or("(missing)".to_string(), |v| format!("'{v}'"));
                writeln!(w, "{file}:{at}: {}: {value}: {}", e.column, e.reason)?;
            }
            Ok(())
        })
    };
    // A closed stdout (`| head`) ends the report quietly; the rows still decide the exit code.
    match written {
        Err(e) if is_stdout_closed(&e) => {}
        other => other?,
    }
    Ok(if invalid.is_empty() {
        Exit::Success
    } else {
        Exit::Invalid
    })
}
