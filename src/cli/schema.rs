//! `voltmetrics schema input|output|summary|devices|risk`: JSON Schema (draft 2020-12) of one row of
//! each table, generated from the column contract ([`crate::contract`]), and of the
//! protective-device library (`--devices`, TOML read as the JSON data model); `risk` prints the
//! default likelihood × severity matrix (`--risk-matrix`) as TOML.

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
    /// The protective-device library of `--devices`.
    Devices,
    /// The default likelihood × severity matrix of `--risk-matrix` (TOML, to copy and edit).
    Risk,
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

fn num(description: &str) -> Value {
    json!({"type": "number", "exclusiveMinimum": 0, "description": description})
}

fn object(description: &str, required: &[&str], props: Value) -> Value {
    json!({
        "type": "object",
        "description": description,
        "required": required,
        "properties": props,
        "additionalProperties": false,
    })
}

/// The schema of the device library (the fields `Library::parse` accepts).
pub(crate) fn devices_schema() -> Value {
    use crate::core::protection::curves::CURVES;
    let curves: Vec<&str> = CURVES.iter().map(|c| c.name).collect();
    let id = json!({"type": "string", "minLength": 1, "description": "Unique in the library; the inventory's protective_device_id."});
    let relay = object(
        "A relay and its circuit breaker: the fastest of its enabled elements, plus the breaker opening time.",
        &["id", "breaker_opening_cycles"],
        json!({
            "id": id,
            "curve": {"enum": curves, "description": "Inverse-time curve family (IEEE C37.112, IEC 60255-151, US CO, SEL, GE IAC); the name is matched without regard to case."},
            "pickup_a": num("Inverse-time pickup, primary A (required with curve)."),
            "time_dial": num("TD / TMS / TDM exactly as the curve family defines it (required with curve)."),
            "max_multiple": {"type": "number", "exclusiveMinimum": 1, "default": 20, "description": "Multiples of pickup above which the inverse-time curve is flat."},
            "instantaneous_pickup_a": num("Instantaneous (50) pickup, primary A: relay time 1 cycle."),
            "definite_time": {"type": "array", "items": object("A definite-time element.", &["pickup_a", "delay_s"], json!({
                "pickup_a": num("Pickup, primary A."),
                "delay_s": num("Delay, s."),
            }))},
            "breaker_opening_cycles": num("Breaker opening time, cycles."),
            "frequency_hz": {"type": "number", "exclusiveMinimum": 0, "default": 60},
        }),
    );
    let breaker = object(
        "A low-voltage breaker with an integral trip unit (the curve includes clearing; upper band).",
        &["id"],
        json!({
            "id": id,
            "long_time": object("Long-time element: t = 36 delay / M^2 (delay at 6x pickup).", &["pickup_a", "delay_s"], json!({
                "pickup_a": num("Pickup, A."),
                "delay_s": num("Delay at 6x pickup, s."),
                "tolerance": {"type": "number", "exclusiveMinimum": 0, "default": 1.2, "description": "Upper-band pickup multiplier."},
            })),
            "short_time": object("Short-time element.", &["pickup_a", "delay_s"], json!({
                "pickup_a": num("Pickup, A."),
                "delay_s": {"type": "number", "minimum": 0, "description": "Band setting, s (0, 0.1, 0.2, 0.3, 0.4 unless max_clearing_s is given)."},
                "i2t": {"type": "boolean", "default": false, "description": "I2t ramp (needs long_time)."},
                "tolerance": {"type": "number", "exclusiveMinimum": 0, "default": 1.1},
                "max_clearing_s": num("Band maximum clearing time, s [default: 0.08/0.14/0.20/0.32/0.50 for the settings]."),
            })),
            "instantaneous": object("Instantaneous element.", &["pickup_a"], json!({
                "pickup_a": num("Pickup, A."),
                "tolerance": {"type": "number", "exclusiveMinimum": 0, "default": 1.15},
                "clearing_s": {"type": "number", "exclusiveMinimum": 0, "default": 0.05},
            })),
        }),
    );
    let fuse = object(
        "A fuse: log-log interpolation of its time-current points; no trip below the first, the last time (never below 0.01 s) above the last.",
        &["id", "rating_a", "points"],
        json!({
            "id": id,
            "rating_a": num("Rating, A."),
            "curve": {"enum": ["total_clearing", "average_melt"], "default": "total_clearing", "description": "average_melt adds 15 % up to 0.03 s and 10 % above (IEEE 1584-2002)."},
            "points": {"type": "array", "minItems": 1, "description": "[current A, time s] pairs: current rising, time falling strictly.",
                "items": {"type": "array", "prefixItems": [num("A"), num("s")], "minItems": 2, "maxItems": 2}},
        }),
    );
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "VoltMetrics protective-device library (--devices, TOML)",
        "type": "object",
        "properties": {
            "relay": {"type": "array", "items": relay},
            "breaker": {"type": "array", "items": breaker},
            "fuse": {"type": "array", "items": fuse},
        },
        "additionalProperties": false,
    })
}

/// The schema of one row of a table of the contract.
fn row_schema(title: &str, columns: &[Column], required: Vec<&str>, table: Table) -> Value {
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

/// The schema document of a table.
pub(crate) fn schema(table: Table) -> Value {
    match table {
        Table::Input => row_schema(
            "VoltMetrics inventory row",
            input::ALL,
            input::REQUIRED
                .iter()
                .filter(|g| g.len() == 1)
                .map(|g| g[0].name)
                .collect(),
            table,
        ),
        Table::Output => row_schema(
            "VoltMetrics result row",
            results::ALL,
            results::names().collect(),
            table,
        ),
        Table::Summary => row_schema(
            "VoltMetrics facility summary row",
            summary::ALL,
            summary::names().collect(),
            table,
        ),
        Table::Devices => devices_schema(),
        Table::Risk => Value::String(crate::core::risk::Matrix::defaults_toml()),
    }
}

/// `voltmetrics schema`.
pub(crate) fn run(args: &SchemaArgs) -> Result<Exit> {
    let text = match schema(args.table) {
        Value::String(toml) => toml.trim_end().to_string(),
        json => serde_json::to_string_pretty(&json)?,
    };
    write_stdout(|w| Ok(writeln!(w, "{text}")?))?;
    Ok(Exit::Success)
}
