//! The result frame (SPEC §2: one row per input row, in input order, then the passed-through
//! columns) and the frame the facility summary is aggregated from.

use super::columns::{c, Col, Columns, INPUT_COLUMNS};
use super::rows::{RowResult, Status};
use crate::core::algorithms::ieee1584_2018::RangeWarnings;
use crate::core::compliance::{bit, Findings};
use crate::core::defaults::DefaultsApplied;
use crate::core::nfpa70e::Approach;
use crate::io::read::Inventory;
use polars::prelude::*;

/// The output columns of the contract, in order.
pub const OUTPUT_COLUMNS: [&str; 34] = [
    "facility_id",
    "equipment_id",
    "status",
    "errors",
    "method",
    "electrode_config",
    "gap_mm",
    "working_distance_mm",
    "enclosure_height_mm",
    "enclosure_width_mm",
    "enclosure_depth_mm",
    "defaults_applied",
    "arcing_current_ka",
    "arcing_current_reduced_ka",
    "arc_duration_ms",
    "arc_duration_reduced_ms",
    "incident_energy_full_cal_cm2",
    "incident_energy_reduced_cal_cm2",
    "incident_energy_cal_cm2",
    "incident_energy_j_cm2",
    "arc_flash_boundary_full_mm",
    "arc_flash_boundary_reduced_mm",
    "arc_flash_boundary_mm",
    "governing_case",
    "min_arc_rating_cal_cm2",
    "ppe_category",
    "danger",
    "limited_approach_movable_mm",
    "limited_approach_fixed_mm",
    "restricted_approach_mm",
    "compliance_status",
    "findings",
    "range_warnings",
    "input_hash",
];

fn f64_col(name: &str, rows: &[RowResult], f: impl Fn(&RowResult) -> Option<f64>) -> Column {
    Column::new(
        name.into(),
        rows.iter().map(&f).collect::<Vec<Option<f64>>>(),
    )
}

fn str_col<'a>(
    name: &str,
    rows: &'a [RowResult],
    f: impl Fn(&'a RowResult) -> Option<&'a str>,
) -> Column {
    Column::new(
        name.into(),
        rows.iter().map(f).collect::<Vec<Option<&str>>>(),
    )
}

fn string_col(name: &str, rows: &[RowResult], f: impl Fn(&RowResult) -> Option<String>) -> Column {
    Column::new(
        name.into(),
        rows.iter().map(f).collect::<Vec<Option<String>>>(),
    )
}

fn approach(a: Option<Approach>) -> Option<f64> {
    a.and_then(Approach::mm)
}

/// Empty lists are written as missing values (an empty CSV cell, JSON null).
fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// A text column whose value is a function of a small key (a bit set): each distinct key is
/// rendered once, so a million rows do not allocate a million strings.
fn keyed_col(name: &str, keys: Vec<Option<u16>>, render: impl Fn(u16) -> String) -> Column {
    let mut table: std::collections::BTreeMap<u16, Option<String>> =
        std::collections::BTreeMap::new();
    for k in keys.iter().flatten() {
        table.entry(*k).or_insert_with(|| non_empty(render(*k)));
    }
    let values: Vec<Option<&str>> = keys
        .iter()
        .map(|k| k.and_then(|k| table[&k].as_deref()))
        .collect();
    Column::new(name.into(), values)
}

/// `input_hash` as 16 hex digits per row, formatted into one buffer.
fn hash_col(rows: &[RowResult]) -> Column {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut buf = vec![0u8; rows.len() * 16];
    for (r, out) in rows.iter().zip(buf.chunks_exact_mut(16)) {
        for (k, o) in out.iter_mut().enumerate() {
            *o = HEX[((r.input_hash >> (60 - 4 * k)) & 0xf) as usize];
        }
    }
    let text = std::str::from_utf8(&buf).unwrap_or_default();
    let values: Vec<&str> = (0..rows.len())
        .map(|i| &text[16 * i..16 * i + 16])
        .collect();
    Column::new("input_hash".into(), values)
}

/// The name a passed-through column gets: its own, unless an output column has that name
/// (then `input_` is put in front).
pub fn passthrough_name(name: &str) -> String {
    if OUTPUT_COLUMNS.contains(&name) {
        format!("input_{name}")
    } else {
        name.to_string()
    }
}

/// Rows `start..start + rows.len()` of an id column, exactly as read (zero-copy slice).
fn id_slice(cols: &Columns, idx: usize, name: &str, start: usize, n: usize) -> Column {
    match cols.get(idx) {
        Col::Text(ca) => ca
            .slice(start as i64, n)
            .into_column()
            .with_name(name.into()),
        _ => Column::full_null(name.into(), n, &DataType::String),
    }
}

/// Adds the passed-through input columns to the result frame.
pub fn append_passthrough(inv: &Inventory, df: &mut DataFrame) -> PolarsResult<()> {
    for name in inv.passthrough_columns() {
        let col = inv.frame.column(&name)?.clone();
        let out_name = passthrough_name(&name);
        df.with_column(col.with_name(out_name.as_str().into()))?;
    }
    Ok(())
}

/// The numeric result columns, extracted in one pass over a block's rows.
#[allow(clippy::type_complexity)]
const F64_COLUMNS: [(&str, fn(&RowResult) -> Option<f64>); 20] = [
    ("gap_mm", |r| r.geometry[0]),
    ("working_distance_mm", |r| r.geometry[1]),
    ("enclosure_height_mm", |r| r.geometry[2]),
    ("enclosure_width_mm", |r| r.geometry[3]),
    ("enclosure_depth_mm", |r| r.geometry[4]),
    ("arcing_current_ka", |r| {
        r.results.map(|x| x.arcing_current_ka)
    }),
    ("arcing_current_reduced_ka", |r| {
        r.results.map(|x| x.arcing_current_reduced_ka)
    }),
    ("arc_duration_ms", |r| r.durations[0]),
    ("arc_duration_reduced_ms", |r| r.durations[1]),
    ("incident_energy_full_cal_cm2", |r| {
        r.assessment.map(|x| x.incident_energy_full_cal_cm2)
    }),
    ("incident_energy_reduced_cal_cm2", |r| {
        r.assessment.map(|x| x.incident_energy_reduced_cal_cm2)
    }),
    ("incident_energy_cal_cm2", |r| {
        r.assessment.map(|x| x.incident_energy_cal_cm2)
    }),
    ("incident_energy_j_cm2", |r| {
        r.assessment.map(|x| x.incident_energy_j_cm2)
    }),
    ("arc_flash_boundary_full_mm", |r| {
        r.results.map(|x| x.arc_flash_boundary_full_mm)
    }),
    ("arc_flash_boundary_reduced_mm", |r| {
        r.results.map(|x| x.arc_flash_boundary_reduced_mm)
    }),
    ("arc_flash_boundary_mm", |r| {
        r.assessment.map(|x| x.arc_flash_boundary_mm)
    }),
    ("min_arc_rating_cal_cm2", |r| {
        r.assessment.map(|x| x.min_arc_rating_cal_cm2)
    }),
    ("limited_approach_movable_mm", |r| {
        approach(shock_of(r).map(|s| s.limited_approach_movable))
    }),
    ("limited_approach_fixed_mm", |r| {
        approach(shock_of(r).map(|s| s.limited_approach_fixed))
    }),
    ("restricted_approach_mm", |r| {
        approach(shock_of(r).map(|s| s.restricted_approach))
    }),
];

/// Shock boundaries depend only on the voltage: given for ok and not_applicable rows.
fn shock_of(r: &RowResult) -> Option<crate::core::nfpa70e::ShockBoundaries> {
    r.shock.filter(|_| r.status != Status::Invalid)
}

/// The result columns (SPEC §2, without the passed-through ones) of input rows
/// `start..start + rows.len()`.
pub fn results_chunk(cols: &Columns, start: usize, rows: &[RowResult]) -> PolarsResult<DataFrame> {
    let n = rows.len();
    let mut numeric: Vec<Vec<Option<f64>>> =
        F64_COLUMNS.iter().map(|_| Vec::with_capacity(n)).collect();
    for r in rows {
        for (out, (_, get)) in numeric.iter_mut().zip(F64_COLUMNS.iter()) {
            out.push(get(r));
        }
    }
    let mut numeric: std::collections::HashMap<&str, Column> = F64_COLUMNS
        .iter()
        .zip(numeric)
        .map(|((name, _), v)| (*name, Column::new((*name).into(), v)))
        .collect();
    let mut take = |name: &str| {
        numeric
            .remove(name)
            .unwrap_or_else(|| Column::full_null(name.into(), n, &DataType::Float64))
    };
    let ids = |idx: usize, name: &str| id_slice(cols, idx, name, start, n);
    let ok = |r: &RowResult| r.status == Status::Ok;
    let a = |r: &RowResult| r.assessment;
    let columns = vec![
        ids(c::FACILITY_ID, "facility_id"),
        ids(c::EQUIPMENT_ID, "equipment_id"),
        str_col("status", rows, |r| Some(r.status.as_str())),
        string_col("errors", rows, |r| non_empty(r.errors_text())),
        str_col("method", rows, |r| r.method()),
        str_col("electrode_config", rows, |r| r.config.map(|c| c.as_str())),
        take("gap_mm"),
        take("working_distance_mm"),
        take("enclosure_height_mm"),
        take("enclosure_width_mm"),
        take("enclosure_depth_mm"),
        keyed_col(
            "defaults_applied",
            rows.iter().map(|r| Some(u16::from(r.defaults.0))).collect(),
            |k| DefaultsApplied(k as u8).joined(),
        ),
        take("arcing_current_ka"),
        take("arcing_current_reduced_ka"),
        take("arc_duration_ms"),
        take("arc_duration_reduced_ms"),
        take("incident_energy_full_cal_cm2"),
        take("incident_energy_reduced_cal_cm2"),
        take("incident_energy_cal_cm2"),
        take("incident_energy_j_cm2"),
        take("arc_flash_boundary_full_mm"),
        take("arc_flash_boundary_reduced_mm"),
        take("arc_flash_boundary_mm"),
        str_col("governing_case", rows, |r| {
            a(r).map(|x| x.governing_case.as_str())
        }),
        take("min_arc_rating_cal_cm2"),
        Column::new(
            "ppe_category".into(),
            rows.iter()
                .map(|r| a(r).and_then(|x| x.ppe_category).map(i32::from))
                .collect::<Vec<Option<i32>>>(),
        ),
        Column::new(
            "danger".into(),
            rows.iter()
                .map(|r| a(r).map(|x| x.danger))
                .collect::<Vec<Option<bool>>>(),
        ),
        take("limited_approach_movable_mm"),
        take("limited_approach_fixed_mm"),
        take("restricted_approach_mm"),
        str_col("compliance_status", rows, |r| {
            r.findings.filter(|_| ok(r)).map(|f| f.status())
        }),
        keyed_col(
            "findings",
            rows.iter()
                .map(|r| r.findings.filter(|_| ok(r)).map(|f| f.0))
                .collect(),
            |k| Findings(k).joined(),
        ),
        keyed_col(
            "range_warnings",
            rows.iter().map(|r| Some(u16::from(r.warnings.0))).collect(),
            |k| RangeWarnings(k as u8).joined(),
        ),
        hash_col(rows),
    ];
    debug_assert_eq!(columns.len(), OUTPUT_COLUMNS.len());
    DataFrame::new(n, columns)
}

/// The per-row values the facility summary aggregates, for input rows
/// `start..start + rows.len()`.
pub fn aggregation_chunk(
    cols: &Columns,
    start: usize,
    rows: &[RowResult],
) -> PolarsResult<DataFrame> {
    let n = rows.len();
    let a = |r: &RowResult| r.assessment;
    let flag = |name: &str, b: u16| {
        Column::new(
            name.into(),
            rows.iter()
                .map(|r| r.findings.is_some_and(|f| f.has(b)))
                .collect::<Vec<bool>>(),
        )
    };
    DataFrame::new(
        n,
        vec![
            id_slice(cols, c::FACILITY_ID, "facility_id", start, n),
            id_slice(cols, c::EQUIPMENT_ID, "equipment_id", start, n),
            str_col("status", rows, |r| Some(r.status.as_str())),
            f64_col("ie", rows, |r| a(r).map(|x| x.incident_energy_cal_cm2)),
            Column::new(
                "ppe".into(),
                rows.iter()
                    .map(|r| a(r).and_then(|x| x.ppe_category).map(i32::from))
                    .collect::<Vec<Option<i32>>>(),
            ),
            Column::new(
                "danger".into(),
                rows.iter()
                    .map(|r| a(r).is_some_and(|x| x.danger))
                    .collect::<Vec<bool>>(),
            ),
            str_col("compliance", rows, |r| {
                r.findings
                    .filter(|_| r.status == Status::Ok)
                    .map(|f| f.status())
            }),
            flag("study_overdue", bit::STUDY_OVERDUE),
            flag("maintenance_overdue", bit::MAINTENANCE_OVERDUE),
            flag("label_understated", bit::LABEL_UNDERSTATED),
        ],
    )
}

/// Keeps the input column list referenced (the schema command lists it).
pub fn input_column_names() -> impl Iterator<Item = &'static str> {
    INPUT_COLUMNS.iter().map(|(n, _)| *n)
}
