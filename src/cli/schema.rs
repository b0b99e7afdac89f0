//! `voltmetrics schema input|output|summary`: JSON Schema (draft 2020-12) of one row of each
//! table, generated from the column contract ([`crate::contract`]).

use super::write_stdout;
use crate::contract::{input, results, summary, Column, Type};
use crate::core::algorithms::MethodId;
use crate::exit_codes::Exit;
use anyhow::Result;
use clap::{Args, ValueEnum};
use serde_json::{json, Map, Value};

/// Which table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Table {
    /// An inventory row.
    Input,
    /// A result row.
    Output,
    /// A facility summary row.
    Summary,
}

/// Arguments of `schema`.
#[derive(Debug, Args)]
pub(crate) struct SchemaArgs {
    /// The table to describe.
    #[arg(value_enum)]
    pub(crate) table: Table,
}

fn typed(t: &str, nullable: bool) -> Value {
    if nullable {
        json!([t, "null"])
    } else {
        json!(t)
    }
}

/// The schema of one column; `input` columns accept what the reader accepts.
fn property(c: &Column, is_input: bool) -> Value {
    let n = c.nullable;
    let mut p = match c.ty {
        Type::Text if !n && is_input => json!({"type": "string", "minLength": 1}),
        Type::Text => json!({"type": typed("string", n)}),
        Type::Enum(values) => {
            let mut v: Vec<Value> = values.iter().map(|s| json!(s)).collect();
            // Conditions are also read as numbers.
            v.extend(
                values
                    .iter()
                    .filter_map(|s| s.parse::<i64>().ok())
                    .map(|i| json!(i)),
            );
            if n {
                v.push(Value::Null);
            }
            json!({"enum": v})
        }
        Type::List => json!({"type": typed("string", n), "description": "';'-separated list"}),
        Type::Number if is_input => json!({"type": typed("number", n), "exclusiveMinimum": 0}),
        Type::Number => json!({"type": typed("number", n)}),
        Type::Integer(lo, hi) => json!({"type": typed("integer", n), "minimum": lo, "maximum": hi}),
        Type::Count => json!({"type": typed("integer", n), "minimum": 0}),
        Type::Boolean => json!({"type": typed("boolean", n)}),
        Type::Date => json!({"type": typed("string", n), "format": "date"}),
        Type::Timestamp => json!({"type": typed("string", n), "format": "date-time"}),
        Type::Uuid => json!({"type": typed("string", n), "format": "uuid"}),
        Type::Hash => json!({"type": "string", "pattern": "^[0-9a-f]{16}$"}),
    };
    if let Some(m) = p.as_object_mut() {
        if c.name == input::METHOD.name {
            let ids: Vec<&str> = MethodId::all().map(MethodId::id).collect();
            m.insert("examples".into(), json!(ids));
        }
        let unit = if c.unit.is_empty() {
            String::new()
        } else {
            format!(" [{}]", c.unit)
        };
        m.entry("description")
            .or_insert_with(|| json!(format!("{}{unit}", c.description)));
    }
    p
}

/// The schema document of a table.
pub(crate) fn schema(table: Table) -> Value {
    let (title, columns, required): (&str, &[Column], Vec<&str>) = match table {
        Table::Input => (
            "VoltMetrics inventory row",
            input::ALL,
            input::REQUIRED
                .iter()
                .filter(|g| g.len() == 1)
                .map(|g| g[0].name)
                .collect(),
        ),
        Table::Output => (
            "VoltMetrics result row",
            results::ALL,
            results::names().collect(),
        ),
        Table::Summary => (
            "VoltMetrics facility summary row",
            summary::ALL,
            summary::names().collect(),
        ),
    };
    let mut props = Map::new();
    for c in columns {
        props.insert(c.name.to_string(), property(c, table == Table::Input));
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
pub(crate) fn run(args: &SchemaArgs) -> Result<Exit> {
    let text = serde_json::to_string_pretty(&schema(args.table))?;
    write_stdout(|w| Ok(writeln!(w, "{text}")?))?;
    Ok(Exit::Success)
}
