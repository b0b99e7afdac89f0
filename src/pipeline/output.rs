//! The result frame (SPEC §2: one row per input row, in input order, then the passed-through
//! columns) and the frame the facility summary is aggregated from.

use super::columns::{c, Col, Columns, INPUT_COLUMNS};
use super::rows::{RowResult, Status};
use crate::core::algorithms::ieee1584_2018::{ElectrodeConfig, RangeWarnings};
use crate::core::assessment::GoverningCase;
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

fn approach(a: Option<Approach>) -> Option<f64> {
    a.and_then(Approach::mm)
}

/// Empty lists are written as missing values (an empty CSV cell, JSON null).
fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// The names the passed-through columns get, in input order: its own, unless an output column
/// or another passed-through column already has it — then `input_` is put in front (again,
/// until the name is free). So `status` becomes `input_status`, and an input that also has an
/// `input_status` column keeps both (`input_status`, `input_input_status`).
pub fn passthrough_names(names: &[String]) -> Vec<String> {
    let mut taken: std::collections::HashSet<String> =
        OUTPUT_COLUMNS.iter().map(|c| c.to_string()).collect();
    // Names that need no prefix are reserved first, so a prefixed name never takes them.
    for n in names {
        if !OUTPUT_COLUMNS.contains(&n.as_str()) {
            taken.insert(n.clone());
        }
    }
    names
        .iter()
        .map(|n| {
            if !OUTPUT_COLUMNS.contains(&n.as_str()) {
                return n.clone();
            }
            let mut name = format!("input_{n}");
            while taken.contains(&name) {
                name = format!("input_{name}");
            }
            taken.insert(name.clone());
            name
        })
        .collect()
}

/// Adds the passed-through input columns to the result frame.
pub fn append_passthrough(inv: &Inventory, df: &mut DataFrame) -> PolarsResult<()> {
    append_passthrough_rows(inv, df, 0)
}

/// Adds the passed-through input columns to a part of the result frame whose first row is
/// input row `start`.
pub fn append_passthrough_rows(
    inv: &Inventory,
    df: &mut DataFrame,
    start: usize,
) -> PolarsResult<()> {
    let n = df.height();
    let names = inv.passthrough_columns();
    for (name, out_name) in names.iter().zip(passthrough_names(&names)) {
        let col = inv.frame.column(name)?.slice(start as i64, n);
        df.with_column(col.with_name(out_name.as_str().into()))?;
    }
    Ok(())
}

/// The numeric result columns and how each is read from a row (`None` = missing).
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

/// "No value" in a code column.
const NONE: u8 = u8::MAX;
/// "No findings" (not an ok row) in the findings column.
const NO_FINDINGS: u16 = u16::MAX;

/// Every result value of a run, column by column, for all rows at once. Parallel tasks each
/// fill the rows of their block (see [`Store::blocks`]); the columns are then turned into
/// polars columns without copying numbers and without a string per row.
///
/// Numbers are stored with NaN for a missing value (results are finite when present); text
/// columns as small codes (an enum or a bit set) rendered once per distinct code.
pub struct Store {
    start: usize,
    n: usize,
    f64s: Vec<Vec<f64>>,
    status: Vec<u8>,
    config: Vec<u8>,
    defaults: Vec<u8>,
    governing: Vec<u8>,
    ppe: Vec<u8>,
    danger: Vec<u8>,
    findings: Vec<u16>,
    warnings: Vec<u8>,
    hash: Vec<u64>,
    /// Error texts by row (only rows that have errors).
    errors: Vec<(u32, String)>,
}

/// The rows of one block in a [`Store`].
pub struct Slots<'a> {
    start: usize,
    f64s: Vec<&'a mut [f64]>,
    status: &'a mut [u8],
    config: &'a mut [u8],
    defaults: &'a mut [u8],
    governing: &'a mut [u8],
    ppe: &'a mut [u8],
    danger: &'a mut [u8],
    findings: &'a mut [u16],
    warnings: &'a mut [u8],
    hash: &'a mut [u64],
    errors: Vec<(u32, String)>,
}

impl Slots<'_> {
    /// The input rows of the block.
    pub fn rows(&self) -> std::ops::Range<usize> {
        self.start..self.start + self.status.len()
    }

    /// Stores row `k` of the block.
    pub fn put(&mut self, k: usize, r: &RowResult) {
        for (out, (_, get)) in self.f64s.iter_mut().zip(F64_COLUMNS.iter()) {
            out[k] = get(r).unwrap_or(f64::NAN);
        }
        self.status[k] = r.status as u8;
        self.config[k] = r.config.map_or(NONE, |c| c as u8);
        self.defaults[k] = r.defaults.0;
        let a = r.assessment;
        self.governing[k] = a.map_or(NONE, |a| a.governing_case as u8);
        self.ppe[k] = a.and_then(|a| a.ppe_category).unwrap_or(NONE);
        self.danger[k] = a.map_or(NONE, |a| u8::from(a.danger));
        self.findings[k] = r
            .findings
            .filter(|_| r.status != Status::Invalid)
            .map_or(NO_FINDINGS, |f| f.0);
        self.warnings[k] = r.warnings.0;
        self.hash[k] = r.input_hash;
        if !r.errors.is_empty() {
            self.errors.push(((self.start + k) as u32, r.errors_text()));
        }
    }

    /// The error texts of the block (handed back to [`Store::finish`]).
    pub fn take_errors(&mut self) -> Vec<(u32, String)> {
        std::mem::take(&mut self.errors)
    }
}

/// Splits `v` into blocks of `size`.
fn split<T>(v: &mut [T], size: usize) -> std::slice::ChunksMut<'_, T> {
    v.chunks_mut(size.max(1))
}

/// A text column whose row values are `codes` looked up in `dict` (`None` = missing): the
/// distinct strings are built once and the rows point into them (no string per row).
fn coded_column(
    name: &str,
    dict: &[Option<String>],
    codes: impl Iterator<Item = usize>,
) -> PolarsResult<Column> {
    let values =
        StringChunked::from_iter_options(PlSmallStr::EMPTY, dict.iter().map(|v| v.as_deref()));
    let idx = IdxCa::from_vec(PlSmallStr::EMPTY, codes.map(|c| c as IdxSize).collect());
    Ok(values.take(&idx)?.with_name(name.into()).into_column())
}

/// A text column of a small bit set: each distinct set is rendered once.
fn keyed_column(
    name: &str,
    keys: &[impl Copy + Into<u32>],
    missing: u32,
    render: impl Fn(u32) -> Option<String>,
) -> PolarsResult<Column> {
    let mut slot: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    let mut dict: Vec<Option<String>> = vec![None];
    let mut codes = Vec::with_capacity(keys.len());
    let mut last: Option<(u32, usize)> = None;
    for &k in keys {
        let k: u32 = k.into();
        let code = match last {
            Some((lk, lc)) if lk == k => lc,
            _ => {
                let c = if k == missing {
                    0
                } else {
                    *slot.entry(k).or_insert_with(|| {
                        dict.push(render(k));
                        dict.len() - 1
                    })
                };
                last = Some((k, c));
                c
            }
        };
        codes.push(code);
    }
    coded_column(name, &dict, codes.into_iter())
}

/// A Float64 column from values with NaN for missing ones.
fn f64_column(name: &str, values: Vec<f64>) -> Column {
    let valid: BooleanChunked = values.iter().map(|v| !v.is_nan()).collect();
    let bitmap = (valid.sum().unwrap_or(0) as usize != values.len())
        .then(|| valid.downcast_iter().next().map(|a| a.values().clone()))
        .flatten();
    Float64Chunked::from_vec_validity(name.into(), values, bitmap).into_column()
}

/// `input_hash` as 16 hex digits per row, formatted into one buffer.
fn hash_column(hashes: &[u64]) -> Column {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut buf = vec![0u8; hashes.len() * 16];
    for (h, out) in hashes.iter().zip(buf.chunks_exact_mut(16)) {
        for (k, o) in out.iter_mut().enumerate() {
            *o = HEX[((h >> (60 - 4 * k)) & 0xf) as usize];
        }
    }
    let text = std::str::from_utf8(&buf).unwrap_or_default();
    let values: StringChunked = (0..hashes.len())
        .map(|i| Some(&text[16 * i..16 * i + 16]))
        .collect();
    values.with_name("input_hash".into()).into_column()
}

/// Rows `start..start + n` of an id column, exactly as read (a zero-copy slice).
fn id_column(cols: &Columns, idx: usize, name: &str, start: usize, n: usize) -> Column {
    match cols.get(idx) {
        Col::Text(ca) => ca
            .slice(start as i64, n)
            .into_column()
            .with_name(name.into()),
        _ => Column::full_null(name.into(), n, &DataType::String),
    }
}

impl Store {
    /// Room for `n` rows. Zeroed memory (every row is written by its block), so the pages are
    /// first touched by the parallel tasks that fill them.
    pub fn new(start: usize, n: usize) -> Store {
        Store {
            start,
            n,
            f64s: F64_COLUMNS.iter().map(|_| vec![0.0; n]).collect(),
            status: vec![0; n],
            config: vec![0; n],
            defaults: vec![0; n],
            governing: vec![0; n],
            ppe: vec![0; n],
            danger: vec![0; n],
            findings: vec![0; n],
            warnings: vec![0; n],
            hash: vec![0; n],
            errors: Vec::new(),
        }
    }

    /// The rows, in blocks of `size` (block `b` holds rows `b * size..`).
    pub fn blocks(&mut self, size: usize) -> Vec<Slots<'_>> {
        let mut f64s: Vec<_> = self.f64s.iter_mut().map(|v| split(v, size)).collect();
        let mut status = split(&mut self.status, size);
        let mut config = split(&mut self.config, size);
        let mut defaults = split(&mut self.defaults, size);
        let mut governing = split(&mut self.governing, size);
        let mut ppe = split(&mut self.ppe, size);
        let mut danger = split(&mut self.danger, size);
        let mut findings = split(&mut self.findings, size);
        let mut warnings = split(&mut self.warnings, size);
        let mut hash = split(&mut self.hash, size);
        (0..self.n.div_ceil(size.max(1)))
            .map(|b| Slots {
                start: self.start + b * size,
                f64s: f64s
                    .iter_mut()
                    .map(|c| c.next().unwrap_or_default())
                    .collect(),
                status: status.next().unwrap_or_default(),
                config: config.next().unwrap_or_default(),
                defaults: defaults.next().unwrap_or_default(),
                governing: governing.next().unwrap_or_default(),
                ppe: ppe.next().unwrap_or_default(),
                danger: danger.next().unwrap_or_default(),
                findings: findings.next().unwrap_or_default(),
                warnings: warnings.next().unwrap_or_default(),
                hash: hash.next().unwrap_or_default(),
                errors: Vec::new(),
            })
            .collect()
    }

    /// Adds the error texts of a block.
    pub fn add_errors(&mut self, errors: Vec<(u32, String)>) {
        self.errors.extend(errors);
    }

    /// The result columns (SPEC §2, without the passed-through ones) and the per-row values
    /// the facility summary aggregates. Columns are built in parallel.
    pub fn finish(self, cols: &Columns) -> PolarsResult<(DataFrame, DataFrame)> {
        use rayon::prelude::*;
        let (start, n) = (self.start, self.n);
        let Store {
            f64s,
            status,
            config,
            defaults,
            governing,
            ppe,
            danger,
            findings,
            warnings,
            hash,
            mut errors,
            ..
        } = self;
        let code = |v: u8| if v == NONE { 0 } else { usize::from(v) + 1 };
        errors.sort_unstable_by_key(|e| e.0);
        type Job<'a> = Box<dyn FnOnce() -> PolarsResult<Column> + Send + 'a>;
        let (status, config, defaults, governing) = (&status, &config, &defaults, &governing);
        let (ppe, danger, findings, warnings, hash, errors) =
            (&ppe, &danger, &findings, &warnings, &hash, &errors);
        let mut numeric: Vec<Option<(&str, Vec<f64>)>> = F64_COLUMNS
            .iter()
            .zip(f64s)
            .map(|((name, _), v)| Some((*name, v)))
            .collect();
        let mut num = |name: &str| -> Job<'_> {
            let taken = numeric
                .iter_mut()
                .find(|c| c.as_ref().is_some_and(|(c, _)| *c == name))
                .and_then(Option::take);
            let name = name.to_string();
            Box::new(move || match taken {
                Some((_, v)) => Ok(f64_column(&name, v)),
                None => Ok(Column::full_null(
                    name.as_str().into(),
                    n,
                    &DataType::Float64,
                )),
            })
        };
        // Compliance status per row (0 pass, 1 warn, 2 fail; none unless ok), from the
        // findings' worst severity, worked out once per distinct set of findings.
        let mut severity: std::collections::HashMap<u16, u8> = std::collections::HashMap::new();
        let worst: Vec<u8> = findings
            .iter()
            .map(|&f| {
                if f == NO_FINDINGS {
                    return NONE;
                }
                *severity
                    .entry(f)
                    .or_insert_with(|| match Findings(f).status() {
                        "pass" => 0,
                        "warn" => 1,
                        _ => 2,
                    })
            })
            .collect();
        let worst = &worst;
        let compliance = move || {
            let dict =
                [None, Some("pass"), Some("warn"), Some("fail")].map(|v| v.map(str::to_string));
            coded_column("compliance_status", &dict, worst.iter().map(|&v| code(v)))
        };
        let status_col = move || {
            let dict: Vec<Option<String>> = [Status::Ok, Status::Invalid, Status::NotApplicable]
                .iter()
                .map(|s| Some(s.as_str().to_string()))
                .collect();
            coded_column("status", &dict, status.iter().map(|&s| usize::from(s)))
        };
        let ppe_col = move || {
            Ok(Column::new(
                "ppe_category".into(),
                ppe.iter()
                    .map(|&p| (p != NONE).then_some(i32::from(p)))
                    .collect::<Vec<Option<i32>>>(),
            ))
        };
        let jobs: Vec<Job> = vec![
            Box::new(|| Ok(id_column(cols, c::FACILITY_ID, "facility_id", start, n))),
            Box::new(|| Ok(id_column(cols, c::EQUIPMENT_ID, "equipment_id", start, n))),
            Box::new(status_col),
            Box::new(move || {
                // Sparse: most rows have no errors.
                let mut values: Vec<Option<&str>> = vec![None; n];
                for (i, text) in errors {
                    values[*i as usize - start] = Some(text.as_str());
                }
                Ok(Column::new("errors".into(), values))
            }),
            Box::new(move || {
                let dict = [
                    None,
                    Some(crate::core::algorithms::ieee1584_2018::METHOD.to_string()),
                ];
                coded_column(
                    "method",
                    &dict,
                    status.iter().map(|&s| usize::from(s == Status::Ok as u8)),
                )
            }),
            Box::new(move || {
                let mut dict = vec![None];
                dict.extend(
                    ElectrodeConfig::ALL
                        .iter()
                        .map(|c| Some(c.as_str().to_string())),
                );
                coded_column("electrode_config", &dict, config.iter().map(|&v| code(v)))
            }),
            num("gap_mm"),
            num("working_distance_mm"),
            num("enclosure_height_mm"),
            num("enclosure_width_mm"),
            num("enclosure_depth_mm"),
            Box::new(move || {
                keyed_column("defaults_applied", defaults, u32::MAX, |k| {
                    non_empty(DefaultsApplied(k as u8).joined())
                })
            }),
            num("arcing_current_ka"),
            num("arcing_current_reduced_ka"),
            num("arc_duration_ms"),
            num("arc_duration_reduced_ms"),
            num("incident_energy_full_cal_cm2"),
            num("incident_energy_reduced_cal_cm2"),
            num("incident_energy_cal_cm2"),
            num("incident_energy_j_cm2"),
            num("arc_flash_boundary_full_mm"),
            num("arc_flash_boundary_reduced_mm"),
            num("arc_flash_boundary_mm"),
            Box::new(move || {
                let mut dict = vec![None];
                dict.extend(
                    [GoverningCase::Full, GoverningCase::Reduced]
                        .iter()
                        .map(|g| Some(g.as_str().to_string())),
                );
                coded_column("governing_case", &dict, governing.iter().map(|&v| code(v)))
            }),
            num("min_arc_rating_cal_cm2"),
            Box::new(ppe_col),
            Box::new(move || {
                Ok(Column::new(
                    "danger".into(),
                    danger
                        .iter()
                        .map(|&d| (d != NONE).then_some(d == 1))
                        .collect::<Vec<Option<bool>>>(),
                ))
            }),
            num("limited_approach_movable_mm"),
            num("limited_approach_fixed_mm"),
            num("restricted_approach_mm"),
            Box::new(compliance),
            Box::new(move || {
                keyed_column("findings", findings, u32::from(NO_FINDINGS), |k| {
                    non_empty(Findings(k as u16).joined())
                })
            }),
            Box::new(move || {
                keyed_column("range_warnings", warnings, u32::MAX, |k| {
                    non_empty(RangeWarnings(k as u8).joined())
                })
            }),
            Box::new(move || Ok(hash_column(hash))),
        ];
        debug_assert_eq!(jobs.len(), OUTPUT_COLUMNS.len());
        let columns: Vec<Column> = jobs
            .into_par_iter()
            .map(|job| job())
            .collect::<PolarsResult<_>>()?;
        let by_name = |name: &str| {
            columns
                .iter()
                .find(|c| c.name().as_str() == name)
                .cloned()
                .unwrap_or_else(|| Column::full_null(name.into(), n, &DataType::Float64))
        };
        let flag = |name: &str, b: u16| {
            Column::new(
                name.into(),
                findings
                    .iter()
                    .map(|&f| f != NO_FINDINGS && f & b != 0)
                    .collect::<Vec<bool>>(),
            )
        };
        let is = |name: &str, codes: &[u8], value: u8| {
            Column::new(
                name.into(),
                codes.iter().map(|&c| c == value).collect::<Vec<bool>>(),
            )
        };
        let aggregation = DataFrame::new(
            n,
            vec![
                by_name("facility_id"),
                by_name("equipment_id"),
                by_name("incident_energy_cal_cm2").with_name("ie".into()),
                is("ok", status, Status::Ok as u8),
                is("invalid", status, Status::Invalid as u8),
                is("not_applicable", status, Status::NotApplicable as u8),
                is("ppe_0", ppe, 0),
                is("ppe_1", ppe, 1),
                is("ppe_2", ppe, 2),
                is("ppe_3", ppe, 3),
                is("ppe_4", ppe, 4),
                is("danger", danger, 1),
                is("pass", worst, 0),
                is("warn", worst, 1),
                is("fail", worst, 2),
                flag("study_overdue", bit::STUDY_OVERDUE),
                flag("maintenance_overdue", bit::MAINTENANCE_OVERDUE),
                flag("label_understated", bit::LABEL_UNDERSTATED),
            ],
        )?;
        let results = DataFrame::new(n, columns)?;
        Ok((results, aggregation))
    }
}

/// Keeps the input column list referenced (the schema command lists it).
pub fn input_column_names() -> impl Iterator<Item = &'static str> {
    INPUT_COLUMNS.iter().map(|(n, _)| *n)
}
