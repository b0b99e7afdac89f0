//! Every result value of a part of a run, column by column. Parallel tasks each fill the rows
//! of their block ([`Store::blocks`]); the columns are then turned into polars columns in the
//! contract's order ([`crate::contract::results`]) without copying numbers and without a
//! string per row.
//!
//! Numbers are stored with NaN for a missing value (results are finite when present); text
//! columns as small codes (an enum or a bit set) rendered once per distinct code.

use super::columns::{Col, Columns};
use super::output::{
    bits, coded_column, f64_column, hash_column, keyed_column, non_empty, sparse_text_column,
    validity, Built,
};
use super::rows::{RowResult, Status};
use super::Counts;
use crate::contract::input as I;
use crate::contract::results::{self as R};
use crate::contract::{values, Column as Contract};
use crate::core::aggregation::{Count, PerRow};
use crate::core::algorithms::ieee1584_2018::ElectrodeConfig;
use crate::core::algorithms::{MethodId, RangeWarnings};
use crate::core::compliance::{bit, ComplianceStatus, Findings};
use crate::core::defaults::DefaultsApplied;
use crate::core::nfpa70e::{Approach, ShockBoundaries};
use crate::io::write::Part;
use polars::prelude::*;
use rayon::prelude::*;

/// "No value" in a code column.
const NONE: u8 = u8::MAX;
/// "No findings" (an invalid row) in the findings column.
const NO_FINDINGS: u16 = u16::MAX;

/// The small-code columns of the store.
#[derive(Clone, Copy, Debug)]
#[repr(usize)]
enum Code {
    Status,
    Method,
    Config,
    Defaults,
    Governing,
    Ppe,
    Danger,
    Warnings,
    Source,
    TripFull,
    TripReduced,
    Capped,
    RiskSeverity,
    RiskLikelihood,
    RiskScore,
    RiskLevel,
}
const CODES: usize = 16;

/// A number of a row (`None` = missing).
type Getter = fn(&RowResult) -> Option<f64>;

/// How a result column is built.
#[derive(Clone, Copy)]
enum Builder {
    /// An input id column, verbatim.
    Id(Contract),
    /// A number of each row.
    Number(Getter),
    /// A number only `--uncertainty` gives (all missing without it: nothing stored per row).
    Sampled(Getter),
    /// A small code rendered through a dictionary.
    Coded(Code),
    /// The errors text.
    Errors,
    /// The compliance status, worked out once per distinct set of findings.
    Compliance,
    /// The findings list.
    Findings,
    /// `input_hash`.
    Hash,
}

fn approach(a: Approach) -> Option<f64> {
    a.mm()
}

/// Shock boundaries depend only on the voltage: given for ok and not_applicable rows.
fn shock(r: &RowResult) -> Option<ShockBoundaries> {
    r.shock.filter(|_| r.status != Status::Invalid)
}

/// Every result column of the contract and how it is built, in contract order (a test checks
/// the order against [`R::ALL`]).
const BUILDERS: [(Contract, Builder); R::COUNT] = [
    (R::FACILITY_ID, Builder::Id(I::FACILITY_ID)),
    (R::EQUIPMENT_ID, Builder::Id(I::EQUIPMENT_ID)),
    (R::STATUS, Builder::Coded(Code::Status)),
    (R::ERRORS, Builder::Errors),
    (R::METHOD, Builder::Coded(Code::Method)),
    (R::ELECTRODE_CONFIG, Builder::Coded(Code::Config)),
    (R::GAP_MM, Builder::Number(|r| r.geometry[0])),
    (R::WORKING_DISTANCE_MM, Builder::Number(|r| r.geometry[1])),
    (R::ENCLOSURE_HEIGHT_MM, Builder::Number(|r| r.geometry[2])),
    (R::ENCLOSURE_WIDTH_MM, Builder::Number(|r| r.geometry[3])),
    (R::ENCLOSURE_DEPTH_MM, Builder::Number(|r| r.geometry[4])),
    (R::DEFAULTS_APPLIED, Builder::Coded(Code::Defaults)),
    (
        R::ARCING_CURRENT_KA,
        Builder::Number(|r| r.results.map(|x| x.arcing_current_ka)),
    ),
    (
        R::ARCING_CURRENT_REDUCED_KA,
        Builder::Number(|r| {
            r.results
                .and_then(|x| x.reduced)
                .map(|x| x.arcing_current_ka)
        }),
    ),
    (R::ARC_DURATION_MS, Builder::Number(|r| r.durations[0])),
    (
        R::ARC_DURATION_REDUCED_MS,
        Builder::Number(|r| r.durations[1]),
    ),
    (
        R::INCIDENT_ENERGY_FULL_CAL_CM2,
        Builder::Number(|r| r.assessment.map(|x| x.incident_energy_full_cal_cm2)),
    ),
    (
        R::INCIDENT_ENERGY_REDUCED_CAL_CM2,
        Builder::Number(|r| r.assessment.and_then(|x| x.incident_energy_reduced_cal_cm2)),
    ),
    (
        R::INCIDENT_ENERGY_CAL_CM2,
        Builder::Number(|r| r.assessment.map(|x| x.incident_energy_cal_cm2)),
    ),
    (
        R::INCIDENT_ENERGY_J_CM2,
        Builder::Number(|r| r.assessment.map(|x| x.incident_energy_j_cm2)),
    ),
    (
        R::ARC_FLASH_BOUNDARY_FULL_MM,
        Builder::Number(|r| r.results.map(|x| x.arc_flash_boundary_full_mm)),
    ),
    (
        R::ARC_FLASH_BOUNDARY_REDUCED_MM,
        Builder::Number(|r| {
            r.results
                .and_then(|x| x.reduced)
                .map(|x| x.arc_flash_boundary_mm)
        }),
    ),
    (
        R::ARC_FLASH_BOUNDARY_MM,
        Builder::Number(|r| r.assessment.map(|x| x.arc_flash_boundary_mm)),
    ),
    (R::GOVERNING_CASE, Builder::Coded(Code::Governing)),
    (
        R::MIN_ARC_RATING_CAL_CM2,
        Builder::Number(|r| r.assessment.map(|x| x.min_arc_rating_cal_cm2)),
    ),
    (R::PPE_CATEGORY, Builder::Coded(Code::Ppe)),
    (R::DANGER, Builder::Coded(Code::Danger)),
    (
        R::LIMITED_APPROACH_MOVABLE_MM,
        Builder::Number(|r| shock(r).and_then(|s| approach(s.limited_approach_movable))),
    ),
    (
        R::LIMITED_APPROACH_FIXED_MM,
        Builder::Number(|r| shock(r).and_then(|s| approach(s.limited_approach_fixed))),
    ),
    (
        R::RESTRICTED_APPROACH_MM,
        Builder::Number(|r| shock(r).and_then(|s| approach(s.restricted_approach))),
    ),
    (R::COMPLIANCE_STATUS, Builder::Compliance),
    (R::FINDINGS, Builder::Findings),
    (R::RANGE_WARNINGS, Builder::Coded(Code::Warnings)),
    (R::INPUT_HASH, Builder::Hash),
    (R::ARC_DURATION_SOURCE, Builder::Coded(Code::Source)),
    (R::TRIP_ELEMENT_FULL, Builder::Coded(Code::TripFull)),
    (R::TRIP_ELEMENT_REDUCED, Builder::Coded(Code::TripReduced)),
    (R::ARC_DURATION_CAPPED, Builder::Coded(Code::Capped)),
    (
        R::INCIDENT_ENERGY_P50_CAL_CM2,
        Builder::Sampled(|r| r.uncertainty.as_ref().map(|u| u.p50_cal_cm2)),
    ),
    (
        R::INCIDENT_ENERGY_P95_CAL_CM2,
        Builder::Sampled(|r| r.uncertainty.as_ref().map(|u| u.p95_cal_cm2)),
    ),
    (
        R::INCIDENT_ENERGY_P99_CAL_CM2,
        Builder::Sampled(|r| r.uncertainty.as_ref().map(|u| u.p99_cal_cm2)),
    ),
    (
        R::PROB_EXCEEDS_LABEL,
        Builder::Sampled(|r| r.uncertainty.as_ref().and_then(|u| u.prob_exceeds_label)),
    ),
    (
        R::PROB_EXCEEDS_PPE,
        Builder::Sampled(|r| r.uncertainty.as_ref().and_then(|u| u.prob_exceeds_ppe)),
    ),
    (
        R::PROB_DANGER,
        Builder::Sampled(|r| r.uncertainty.as_ref().map(|u| u.prob_danger)),
    ),
    (R::RISK_SEVERITY, Builder::Coded(Code::RiskSeverity)),
    (R::RISK_LIKELIHOOD, Builder::Coded(Code::RiskLikelihood)),
    (R::RISK_SCORE, Builder::Coded(Code::RiskScore)),
    (R::RISK_LEVEL, Builder::Coded(Code::RiskLevel)),
];

/// The codes of a row.
fn codes(r: &RowResult) -> [u8; CODES] {
    let a = r.assessment;
    let mut c = [NONE; CODES];
    c[Code::Status as usize] = r.status as u8;
    c[Code::Method as usize] = r.method.map_or(NONE, MethodId::index);
    c[Code::Config as usize] = r.config.map_or(NONE, |k| k as u8);
    c[Code::Defaults as usize] = r.defaults.0;
    c[Code::Governing as usize] = a.map_or(NONE, |a| a.governing_case as u8);
    c[Code::Ppe as usize] = a.and_then(|a| a.ppe_category).unwrap_or(NONE);
    c[Code::Danger as usize] = a.map_or(NONE, |a| u8::from(a.danger));
    c[Code::Warnings as usize] = r.warnings.0;
    let t = r.timing;
    c[Code::Source as usize] = t.source.map_or(NONE, |s| s as u8);
    c[Code::TripFull as usize] = t.elements[0].map_or(NONE, |e| e as u8);
    c[Code::TripReduced as usize] = t.elements[1].map_or(NONE, |e| e as u8);
    c[Code::Capped as usize] = t.source.map_or(NONE, |_| u8::from(t.capped));
    if let Some(k) = r.risk {
        c[Code::RiskSeverity as usize] = k.severity;
        c[Code::RiskLikelihood as usize] = k.likelihood;
        c[Code::RiskScore as usize] = k.score;
        c[Code::RiskLevel as usize] = k.level as u8;
    }
    c
}

/// The result values of `n` rows from input row `start`.
pub(crate) struct Store {
    start: usize,
    n: usize,
    /// By result column position; empty for columns that are not numbers.
    numbers: Vec<Vec<f64>>,
    codes: Vec<Vec<u8>>,
    findings: Vec<u16>,
    hash: Vec<u64>,
    /// Error texts by row (only rows that have errors).
    errors: Vec<(u32, String)>,
    /// Whether the `--uncertainty` columns are stored.
    sampled: bool,
}

/// The rows of one block in a [`Store`].
pub(crate) struct Slots<'a> {
    start: usize,
    len: usize,
    /// The number columns with their getters (the other columns have none).
    numbers: Vec<(Getter, &'a mut [f64])>,
    codes: Vec<&'a mut [u8]>,
    findings: &'a mut [u16],
    hash: &'a mut [u64],
    errors: Vec<(u32, String)>,
}

impl Slots<'_> {
    /// The input rows of the block.
    pub(crate) fn rows(&self) -> std::ops::Range<usize> {
        self.start..self.start + self.len
    }

    /// Stores row `k` of the block.
    pub(crate) fn put(&mut self, k: usize, r: &RowResult) {
        for (get, out) in self.numbers.iter_mut() {
            out[k] = get(r).unwrap_or(f64::NAN);
        }
        for (out, c) in self.codes.iter_mut().zip(codes(r)) {
            out[k] = c;
        }
        // Not-applicable rows carry the rules that need no result; invalid rows none.
        self.findings[k] = r
            .findings
            .filter(|_| r.status != Status::Invalid)
            .map_or(NO_FINDINGS, |f| f.0);
        self.hash[k] = r.input_hash;
        if !r.errors.is_empty() {
            self.errors.push(((self.start + k) as u32, r.errors_text()));
        }
    }

    /// The error texts of the block (handed back to [`Store::add_errors`]).
    pub(crate) fn take_errors(&mut self) -> Vec<(u32, String)> {
        std::mem::take(&mut self.errors)
    }
}

/// Splits `v` into blocks of `size` (a column without values gives no blocks; its slots are
/// empty).
fn split<T>(v: &mut [T], size: usize) -> std::slice::ChunksMut<'_, T> {
    v.chunks_mut(size)
}

impl Store {
    /// Room for `n` rows. Zeroed memory (every row is written by its block), so the pages are
    /// first touched by the parallel tasks that fill them. `sampled`: the run has
    /// `--uncertainty` (otherwise its columns are all missing and nothing is stored for them).
    pub(crate) fn new(start: usize, n: usize, sampled: bool) -> Store {
        Store {
            start,
            n,
            numbers: BUILDERS
                .iter()
                .map(|(_, b)| match b {
                    Builder::Number(_) => vec![0.0; n],
                    Builder::Sampled(_) if sampled => vec![0.0; n],
                    _ => Vec::new(),
                })
                .collect(),
            codes: (0..CODES).map(|_| vec![0; n]).collect(),
            findings: vec![0; n],
            hash: vec![0; n],
            errors: Vec::new(),
            sampled,
        }
    }

    /// The rows, in blocks of `size` (block `b` holds rows `b * size..`).
    pub(crate) fn blocks(&mut self, size: usize) -> Vec<Slots<'_>> {
        let size = size.max(1);
        let mut numbers: Vec<_> = self.numbers.iter_mut().map(|v| split(v, size)).collect();
        let mut codes: Vec<_> = self.codes.iter_mut().map(|v| split(v, size)).collect();
        let mut findings = self.findings.chunks_mut(size);
        let mut hash = self.hash.chunks_mut(size);
        (0..self.n.div_ceil(size))
            .map(|b| Slots {
                start: self.start + b * size,
                len: size.min(self.n - b * size),
                numbers: numbers
                    .iter_mut()
                    .zip(BUILDERS.iter())
                    .filter_map(|(c, (_, b))| match b {
                        Builder::Number(get) => Some((*get, c.next().unwrap_or_default())),
                        Builder::Sampled(get) if self.sampled => {
                            Some((*get, c.next().unwrap_or_default()))
                        }
                        _ => None,
                    })
                    .collect(),
                codes: codes
                    .iter_mut()
                    .map(|c| c.next().unwrap_or_default())
                    .collect(),
                findings: findings.next().unwrap_or_default(),
                hash: hash.next().unwrap_or_default(),
                errors: Vec::new(),
            })
            .collect()
    }

    /// Adds the error texts of a block.
    pub(crate) fn add_errors(&mut self, errors: Vec<(u32, String)>) {
        self.errors.extend(errors);
    }

    /// The result columns (without the passed-through ones) and the per-row values the
    /// facility summary aggregates. Columns are built in parallel.
    pub(crate) fn finish(mut self, cols: &Columns) -> PolarsResult<(Part, PerRow, Counts)> {
        self.errors.sort_unstable_by_key(|e| e.0);
        let worst = self.compliance_codes();
        let numbers = std::mem::take(&mut self.numbers);
        let built: Vec<Built> = BUILDERS
            .par_iter()
            .zip(numbers)
            .map(|((c, b), values)| self.build(c.name, *b, values, &worst, cols))
            .collect::<PolarsResult<_>>()?;
        let mut coded = Vec::new();
        let columns: Vec<Column> = built
            .into_iter()
            .map(|(column, codes)| {
                if let Some(codes) = codes {
                    coded.push((column.name().to_string(), codes));
                }
                column
            })
            .collect();
        let aggregation = self.aggregation(&columns, &worst)?;
        let counts = self.counts(&worst);
        Ok((Part::deferred(self.n, columns, coded)?, aggregation, counts))
    }

    /// The run's counts over these rows, from the stored codes (`worst`: the compliance codes).
    fn counts(&self, worst: &[u8]) -> Counts {
        let code = |c: Code| &self.codes[c as usize];
        let count = |c: Code, v: u8| code(c).iter().filter(|&&x| x == v).count();
        let mut counts = Counts {
            rows: self.n,
            invalid: count(Code::Status, Status::Invalid as u8),
            not_applicable: count(Code::Status, Status::NotApplicable as u8),
            noncompliant: worst
                .iter()
                .filter(|&&w| w == ComplianceStatus::Fail as u8)
                .count(),
            danger: count(Code::Danger, 1),
            ..Counts::default()
        };
        // The methods that produced results, as bits by registry position.
        for &m in code(Code::Method).iter().filter(|&&m| m != NONE) {
            counts.methods |= 1 << m;
        }
        // Rows with each finding (invalid rows have none), counted by their set bits.
        for &f in self.findings.iter().filter(|&&f| f != NO_FINDINGS) {
            let mut bits = f;
            while bits != 0 {
                if let Some(n) = counts.findings.get_mut(bits.trailing_zeros() as usize) {
                    *n += 1;
                }
                bits &= bits - 1;
            }
        }
        counts
    }

    /// Compliance status per row (its code; `NONE` for invalid rows), from the findings' worst
    /// severity, worked out once per distinct set of findings.
    fn compliance_codes(&self) -> Vec<u8> {
        // A dense table over the 16-bit sets: no hashing per row.
        let mut severity: Vec<Option<u8>> = vec![None; 1 << 16];
        self.findings
            .iter()
            .map(|&f| {
                if f == NO_FINDINGS {
                    return NONE;
                }
                *severity[usize::from(f)].get_or_insert_with(|| Findings(f).status() as u8)
            })
            .collect()
    }

    /// One result column, with its codes when it is built from them.
    fn build(
        &self,
        name: &str,
        b: Builder,
        numbers: Vec<f64>,
        worst: &[u8],
        cols: &Columns,
    ) -> PolarsResult<Built> {
        let code = |v: u8| if v == NONE { 0 } else { usize::from(v) + 1 };
        let plain = |c: Column| Ok((c, None));
        match b {
            Builder::Id(input) => plain(self.id_column(cols, &input, name)),
            Builder::Number(_) => plain(f64_column(name, numbers)),
            Builder::Sampled(_) if numbers.is_empty() => {
                plain(Column::full_null(name.into(), self.n, &DataType::Float64))
            }
            Builder::Sampled(_) => plain(f64_column(name, numbers)),
            Builder::Coded(c) => self.coded(name, c),
            Builder::Errors => plain(sparse_text_column(name, self.n, self.start, &self.errors)),
            Builder::Compliance => {
                let dict = dictionary(values::COMPLIANCE_STATUS.iter().copied());
                coded_column(name, dict, worst.iter().map(|&v| code(v)))
            }
            Builder::Findings => keyed_column(name, &self.findings, u32::from(NO_FINDINGS), |k| {
                non_empty(Findings(k as u16).joined())
            }),
            Builder::Hash => plain(hash_column(name, &self.hash)),
        }
    }

    /// A column of small codes (text ones with their codes).
    fn coded(&self, name: &str, c: Code) -> PolarsResult<Built> {
        let v = &self.codes[c as usize];
        let code = |v: u8| if v == NONE { 0 } else { usize::from(v) + 1 };
        let dict = match c {
            Code::Status => {
                let d: Vec<Option<String>> = Status::ALL
                    .iter()
                    .map(|s| Some(s.as_str().to_string()))
                    .collect();
                return coded_column(name, d, v.iter().map(|&s| usize::from(s)));
            }
            Code::Method => dictionary(MethodId::all().map(MethodId::id)),
            Code::Config => dictionary(ElectrodeConfig::ALL.iter().map(|c| c.as_str())),
            Code::Governing => dictionary(values::GOVERNING_CASE.iter().copied()),
            Code::Source => dictionary(values::ARC_DURATION_SOURCE.iter().copied()),
            Code::TripFull | Code::TripReduced => dictionary(values::TRIP_ELEMENT.iter().copied()),
            Code::Defaults => {
                return keyed_column(name, v, u32::MAX, |k| {
                    non_empty(DefaultsApplied(k as u8).joined())
                })
            }
            Code::Warnings => {
                return keyed_column(name, v, u32::MAX, |k| {
                    non_empty(RangeWarnings(k as u8).joined())
                })
            }
            Code::RiskLevel => dictionary(values::RISK_LEVEL.iter().copied()),
            Code::Ppe | Code::RiskSeverity | Code::RiskLikelihood | Code::RiskScore => {
                let values: Vec<i32> = v
                    .iter()
                    .map(|&p| if p == NONE { 0 } else { i32::from(p) })
                    .collect();
                let valid = validity(v, |&c| c != NONE);
                let column = Int32Chunked::from_vec_validity(name.into(), values, valid);
                return Ok((column.into_column(), None));
            }
            Code::Danger | Code::Capped => {
                let array = polars_arrow::array::BooleanArray::new(
                    polars_arrow::datatypes::ArrowDataType::Boolean,
                    bits(v, |&d| d == 1).0,
                    validity(v, |&c| c != NONE),
                );
                return Ok((
                    BooleanChunked::with_chunk(name.into(), array).into_column(),
                    None,
                ));
            }
        };
        coded_column(name, dict, v.iter().map(|&x| code(x)))
    }

    /// Rows of an id column, exactly as read (a zero-copy slice).
    fn id_column(&self, cols: &Columns, input: &Contract, name: &str) -> Column {
        match cols.get(input) {
            Col::Text(ca) => ca
                .slice(self.start as i64, self.n)
                .into_column()
                .with_name(name.into()),
            _ => Column::full_null(name.into(), self.n, &DataType::String),
        }
    }

    /// What the summary aggregates ([`crate::core::aggregation::PerRow`]): the ids, the
    /// governing incident energy, the risk score, prob_exceeds_label and each row's counted
    /// conditions as bits, from the codes in one pass.
    fn aggregation(&self, built: &[Column], worst: &[u8]) -> PolarsResult<PerRow> {
        let code = |c: Code| &self.codes[c as usize];
        let (status, ppe, danger, level) = (
            code(Code::Status),
            code(Code::Ppe),
            code(Code::Danger),
            code(Code::RiskLevel),
        );
        let findings = [
            (bit::STUDY_OVERDUE, Count::StudyOverdue),
            (bit::MAINTENANCE_OVERDUE, Count::MaintenanceOverdue),
            (bit::LABEL_UNDERSTATED, Count::LabelUnderstated),
            (bit::ARC_DURATION_CAPPED, Count::DurationCapped),
            (bit::DEVICE_NO_TRIP, Count::DeviceNoTrip),
        ];
        let flags = (0..self.n)
            .map(|i| {
                let mut f = match status[i] {
                    s if s == Status::Ok as u8 => Count::Ok.bit(),
                    s if s == Status::Invalid as u8 => Count::Invalid.bit(),
                    s if s == Status::NotApplicable as u8 => Count::NotApplicable.bit(),
                    _ => 0,
                };
                if ppe[i] <= 4 {
                    f |= Count::Ppe0.bit_after(ppe[i]);
                }
                if danger[i] == 1 {
                    f |= Count::Danger.bit();
                }
                f |= match worst[i] {
                    w if w == ComplianceStatus::Pass as u8 => Count::Pass.bit(),
                    w if w == ComplianceStatus::Warn as u8 => Count::Warn.bit(),
                    w if w == ComplianceStatus::Fail as u8 => Count::Fail.bit(),
                    _ => 0,
                };
                let fi = self.findings[i];
                if fi != NO_FINDINGS {
                    for (b, c) in findings {
                        if fi & b != 0 {
                            f |= c.bit();
                        }
                    }
                }
                if level[i] <= 3 {
                    f |= Count::RiskLow.bit_after(level[i]);
                }
                f
            })
            .collect();
        let text = |c: &crate::contract::Column| built[c.position].str().cloned();
        let number = |c: &crate::contract::Column| built[c.position].f64().cloned();
        Ok(PerRow {
            facility_id: text(&R::FACILITY_ID)?,
            equipment_id: text(&R::EQUIPMENT_ID)?,
            incident_energy: number(&R::INCIDENT_ENERGY_CAL_CM2)?,
            flags,
            risk_score: code(Code::RiskScore)
                .iter()
                .map(|&s| if s == NONE { 0 } else { s })
                .collect(),
            prob_exceeds_label: number(&R::PROB_EXCEEDS_LABEL)?,
        })
    }
}

/// A dictionary of text values, with "missing" at code 0.
fn dictionary<'a>(values: impl Iterator<Item = &'a str>) -> Vec<Option<String>> {
    std::iter::once(None)
        .chain(values.map(|v| Some(v.to_string())))
        .collect()
}

/// One code as JSON (what the column holds for it).
fn code_json(c: Code, v: u8) -> serde_json::Value {
    use serde_json::{json, Value};
    if v == NONE && !matches!(c, Code::Defaults | Code::Warnings) {
        return Value::Null;
    }
    let text = |s: String| if s.is_empty() { Value::Null } else { json!(s) };
    match c {
        Code::Status => json!(Status::ALL[usize::from(v)].as_str()),
        Code::Method => MethodId::from_index(v).map_or(Value::Null, |m| json!(m.id())),
        Code::Config => json!(ElectrodeConfig::ALL[usize::from(v)].as_str()),
        Code::Governing => json!(values::GOVERNING_CASE[usize::from(v)]),
        Code::Defaults => text(DefaultsApplied(v).joined()),
        Code::Warnings => text(RangeWarnings(v).joined()),
        Code::Ppe | Code::RiskSeverity | Code::RiskLikelihood | Code::RiskScore => json!(v),
        Code::RiskLevel => json!(values::RISK_LEVEL[usize::from(v)]),
        Code::Danger | Code::Capped => json!(v == 1),
        Code::Source => json!(values::ARC_DURATION_SOURCE[usize::from(v)]),
        Code::TripFull | Code::TripReduced => json!(values::TRIP_ELEMENT[usize::from(v)]),
    }
}

/// One row's values as a JSON object in contract order, as the result columns hold them (ids
/// are null: a row on its own has none).
pub(crate) fn json_row(r: &RowResult) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::{json, Value};
    let c = codes(r);
    let findings = r.findings.filter(|_| r.status != Status::Invalid);
    BUILDERS
        .iter()
        .map(|(col, b)| {
            let v = match b {
                Builder::Id(_) => Value::Null,
                Builder::Number(get) | Builder::Sampled(get) => {
                    get(r).map_or(Value::Null, |x| json!(x))
                }
                Builder::Coded(code) => code_json(*code, c[*code as usize]),
                Builder::Errors => non_empty(r.errors_text()).map_or(Value::Null, |e| json!(e)),
                Builder::Compliance => findings.map_or(Value::Null, |f| json!(f.status().as_str())),
                Builder::Findings => findings
                    .and_then(|f| non_empty(f.joined()))
                    .map_or(Value::Null, |f| json!(f)),
                Builder::Hash => json!(format!("{:016x}", r.input_hash)),
            };
            (col.name.to_string(), v)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builders_follow_the_contract() {
        let names: Vec<&str> = BUILDERS.iter().map(|(c, _)| c.name).collect();
        let contract: Vec<&str> = R::names().collect();
        assert_eq!(names, contract);
    }
}
