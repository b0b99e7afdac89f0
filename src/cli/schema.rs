//! `voltmetrics schema input|output|summary`: JSON Schema (draft 2020-12) of one row of each
//! table, generated from the same column lists the code reads and writes.

use super::write_stdout;
use crate::core::aggregation::SUMMARY_COLUMNS;
use crate::exit_codes::Exit;
use crate::pipeline::output::OUTPUT_COLUMNS;
use anyhow::Result;
use clap::{Args, ValueEnum};
use serde_json::{json, Map, Value};

/// Which table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Table {
    /// An inventory row (SPEC §1).
    Input,
    /// A result row (SPEC §2).
    Output,
    /// A facility summary row (SPEC §3).
    Summary,
}

/// Arguments of `schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The table to describe.
    #[arg(value_enum)]
    pub table: Table,
}

fn nullable(t: &str) -> Value {
    json!([t, "null"])
}

fn input_property(name: &str) -> Value {
    match name {
        "facility_id" | "equipment_id" => json!({"type": "string", "minLength": 1}),
        "equipment_class" => {
            json!({"enum": ["switchgear", "switchboard", "mcc", "panelboard", "cable_junction_box", "open_air", "other", null]})
        }
        "system_type" => json!({"enum": ["ac", "dc", null]}),
        "electrode_config" => json!({"enum": ["VCB", "VCBB", "HCB", "VOA", "HOA", null]}),
        "protective_device_id" => json!({"type": nullable("string")}),
        "label_ppe_category" => json!({"type": nullable("integer"), "minimum": 0, "maximum": 4}),
        "label_date" | "study_date" | "last_maintenance_date" => {
            json!({"type": nullable("string"), "format": "date"})
        }
        "maintenance_condition" => {
            json!({"enum": ["1", "2", "3", "good", "fair", "poor", 1, 2, 3, null]})
        }
        _ => json!({"type": nullable("number"), "exclusiveMinimum": 0}),
    }
}

fn output_property(name: &str) -> Value {
    match name {
        "facility_id" | "equipment_id" => json!({"type": nullable("string")}),
        "status" => json!({"enum": ["ok", "invalid", "not_applicable"]}),
        "governing_case" => json!({"enum": ["full", "reduced", null]}),
        "compliance_status" => json!({"enum": ["pass", "warn", "fail", null]}),
        "electrode_config" => json!({"enum": ["VCB", "VCBB", "HCB", "VOA", "HOA", null]}),
        "method" => json!({"type": nullable("string"), "examples": ["ieee1584-2018@1"]}),
        "ppe_category" => json!({"type": nullable("integer"), "minimum": 0, "maximum": 4}),
        "danger" => json!({"type": nullable("boolean")}),
        "errors" | "defaults_applied" | "findings" | "range_warnings" => {
            json!({"type": nullable("string"), "description": "';'-separated list"})
        }
        "input_hash" => json!({"type": "string", "pattern": "^[0-9a-f]{16}$"}),
        _ => json!({"type": nullable("number")}),
    }
}

fn summary_property(name: &str) -> Value {
    match name {
        "facility_id" => {
            json!({"type": nullable("string"), "description": "\"*\" for the portfolio row"})
        }
        "max_incident_energy_equipment_id" => json!({"type": nullable("string")}),
        n if n.ends_with("_count") => json!({"type": "integer", "minimum": 0}),
        _ => json!({"type": nullable("number")}),
    }
}

/// Title, column names, the schema of one column, and the required columns.
type TableSpec = (
    &'static str,
    Vec<&'static str>,
    fn(&str) -> Value,
    Vec<&'static str>,
);

/// The schema document of a table.
pub fn schema(table: Table) -> Value {
    let (title, names, prop, required): TableSpec = match table {
        Table::Input => (
            "VoltMetrics inventory row",
            crate::pipeline::output::input_column_names().collect(),
            input_property,
            vec![
                "facility_id",
                "equipment_id",
                "nominal_voltage_v",
                "bolted_fault_current_ka",
            ],
        ),
        Table::Output => (
            "VoltMetrics result row",
            OUTPUT_COLUMNS.to_vec(),
            output_property,
            OUTPUT_COLUMNS.to_vec(),
        ),
        Table::Summary => (
            "VoltMetrics facility summary row",
            SUMMARY_COLUMNS.to_vec(),
            summary_property,
            SUMMARY_COLUMNS.to_vec(),
        ),
    };
    let mut props = Map::new();
    for n in &names {
        props.insert((*n).to_string(), prop(n));
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": table == Table::Input || table == Table::Output,
    })
}

/// `voltmetrics schema`.
pub fn run(args: &SchemaArgs) -> Result<Exit> {
    let text = serde_json::to_string_pretty(&schema(args.table))?;
    write_stdout(|w| Ok(writeln!(w, "{text}")?))?;
    Ok(Exit::Success)
}
