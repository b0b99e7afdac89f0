//! A block of rows through their methods' batch kernels, then the contract's values (NFPA 70E
//! lookups, governing case) and the compliance rules.

use super::cells::Block;
use super::check::input_hashes;
use super::columns::Columns;
use super::draft::{draft, Draft};
use super::rows::{RowError, RowOptions, RowResult, Status};
use super::sampling::{sample_row, Buffers, Deterministic};
use super::timing::{device_times, DurationSource, Timing};
use crate::core::algorithms::{
    arcing_currents, calculate_batch, Case, InputErrorKind, MethodId, Outcome,
};
use crate::core::assessment::assess;
use crate::core::compliance::{self, bit, Deadlines};
use crate::core::nfpa70e::shock_boundaries;
use crate::core::risk;
use std::ops::Range;

/// What the kernels give a computed draft: its outcome, and how its clearing times were found
/// (`Err`: a device that does not trip and no cap — the row is not applicable).
type Computed = (
    Outcome,
    Result<Timing, RowError>,
    Option<crate::core::uncertainty::Uncertainty>,
);

/// Completes a computed draft in place (no copy of the row) and returns its result.
fn finish<'d>(
    draft: &'d mut Draft,
    computed: Option<&Computed>,
    opts: &RowOptions,
    deadlines: &Deadlines,
) -> &'d RowResult {
    let (row, ci, method, case, tasks_per_year) = match draft {
        Draft::Done(row) => return row,
        Draft::Compute {
            row,
            compliance,
            method,
            case,
            tasks_per_year,
            ..
        } => (row, compliance, *method, *case, *tasks_per_year),
    };
    let Some((outcome, timing, uncertainty)) = computed else {
        return row;
    };
    let timing = match timing {
        Ok(t) => *t,
        Err(reason) => {
            // The only timing error: the device does not trip and there is no cap.
            row.status = Status::NotApplicable;
            row.errors = vec![reason.clone()];
            ci.device_no_trip = true;
            row.findings = Some(compliance::without_result(ci, deadlines));
            return row;
        }
    };
    match outcome {
        Ok((results, warnings)) => {
            // A computed row's voltage is known, so its boundaries are too.
            let shock = row
                .shock
                .unwrap_or_else(|| shock_boundaries(case.system, case.voltage_v));
            let a = assess(results, shock, opts.danger_threshold_cal_cm2);
            ci.incident_energy_cal_cm2 = a.incident_energy_cal_cm2;
            ci.arc_flash_boundary_mm = a.arc_flash_boundary_mm;
            ci.ppe_category = a.ppe_category;
            ci.danger = a.danger;
            ci.out_of_range = !warnings.is_empty();
            ci.duration_capped = timing.capped;
            ci.device_no_trip = timing.no_trip;
            row.status = Status::Ok;
            row.method = Some(method);
            row.results = Some(*results);
            row.assessment = Some(a);
            row.warnings = *warnings;
            row.timing = timing;
            row.uncertainty = uncertainty.map(Box::new);
            if timing.source == Some(DurationSource::Device) {
                let reduced = method.method().reduced_case;
                row.durations = [
                    Some(case.arc_duration_ms),
                    reduced.then_some(case.arc_duration_reduced_ms),
                ];
            }
            let findings = compliance::evaluate_at(ci, deadlines);
            row.findings = Some(findings);
            row.risk = Some(opts.risk.assess(&risk::Inputs {
                incident_energy_cal_cm2: a.incident_energy_cal_cm2,
                voltage_v: case.voltage_v,
                class: case.class,
                condition: ci.maintenance_condition,
                maintenance_overdue: findings.0 & bit::MAINTENANCE_OVERDUE != 0,
                study_overdue: findings.0 & bit::STUDY_OVERDUE != 0,
                tasks_per_year,
            }));
        }
        Err(e) => method_error(row, ci, method, e, deadlines),
    }
    row
}

/// A row its method cannot compute: invalid (a missing enclosure) or not applicable.
fn method_error(
    row: &mut RowResult,
    ci: &compliance::ComplianceInputs,
    method: MethodId,
    e: &crate::core::algorithms::InputError,
    deadlines: &Deadlines,
) {
    let value = (!e.value.is_nan()).then(|| (e.value * e.field.to_column_units()).to_string());
    row.errors = vec![RowError {
        column: e.field.column(),
        value,
        reason: e.message(method.method().model),
    }];
    if e.kind == InputErrorKind::MissingEnclosure {
        row.status = Status::Invalid;
    } else {
        row.status = Status::NotApplicable;
        row.findings = Some(compliance::without_result(ci, deadlines));
    }
}

/// The computed drafts of method `m` (positions in `drafts`) and their cases.
fn cases_of(drafts: &[Draft], m: MethodId, slots: &mut Vec<usize>, cases: &mut Vec<Case>) {
    slots.clear();
    cases.clear();
    for (k, d) in drafts.iter().enumerate() {
        if let Draft::Compute { method, case, .. } = d {
            if *method == m {
                slots.push(k);
                cases.push(*case);
            }
        }
    }
}

/// Device rows of method `m` (positions `slots` in `drafts`, cases in `cases`): the clearing
/// times their device gives at their arcing currents (computed without the energies),
/// written into their cases; returns each row's timing.
fn device_pass(
    drafts: &mut [Draft],
    m: MethodId,
    slots: &[usize],
    cases: &mut [Case],
    opts: &RowOptions,
) -> Vec<Result<Timing, RowError>> {
    let input = Timing {
        source: Some(DurationSource::Input),
        ..Timing::default()
    };
    let mut timings = vec![Ok(input); slots.len()];
    let Some(lib) = &opts.devices else {
        return timings;
    };
    let device_only = Timing {
        source: Some(DurationSource::Device),
        ..Timing::default()
    };
    for (j, &k) in slots.iter().enumerate() {
        let Draft::Compute {
            device: Some(d), ..
        } = &drafts[k]
        else {
            continue;
        };
        timings[j] = match arcing_currents(m, &cases[j]) {
            Some(currents) => device_times(lib, *d, currents, opts.max_arc_duration_ms).map(|t| {
                cases[j].arc_duration_ms = t.full_ms;
                cases[j].arc_duration_reduced_ms = t.reduced_ms;
                t.timing
            }),
            // No result whatever the clearing time: the kernel says why.
            None => Ok(device_only),
        };
        if let Draft::Compute { case, .. } = &mut drafts[k] {
            *case = cases[j];
        }
    }
    timings
}

/// The outcome of every draft that is computed (by position in `drafts`): the cases of each
/// method go through its batch kernel together, device rows with the clearing times their
/// device gives at their arcing currents.
/// `--uncertainty`: the sampled statistics of a computed row (`None` without the flag, or
/// when the deterministic calculation gave no result).
fn sample(
    draft: &Draft,
    outcome: &Outcome,
    timing: &Result<Timing, RowError>,
    opts: &RowOptions,
    buffers: &mut Buffers,
) -> Option<crate::core::uncertainty::Uncertainty> {
    let settings = opts.uncertainty?;
    let Draft::Compute {
        method,
        case,
        device,
        compliance,
        sampling: Some(s),
        ..
    } = draft
    else {
        return None;
    };
    let (Ok((results, _)), Ok(_)) = (outcome, timing) else {
        return None;
    };
    let e = crate::core::nfpa70e::j_to_cal(results.incident_energy_j_cm2());
    let det = Deterministic {
        incident_energy_cal_cm2: e,
        label_cal_cm2: compliance.label_incident_energy_cal_cm2,
        ppe_category: crate::core::nfpa70e::ppe_category(e),
    };
    Some(sample_row(
        *method, case, *device, s, &det, settings, opts, buffers,
    ))
}

fn compute(drafts: &mut [Draft], opts: &RowOptions) -> Vec<Option<Computed>> {
    let mut computed: Vec<Option<Computed>> = vec![None; drafts.len()];
    let mut present = 0u64;
    for d in drafts.iter() {
        if let Draft::Compute { method, .. } = d {
            present |= 1 << method.index();
        }
    }
    let mut buffers = Buffers::default();
    let (mut slots, mut cases) = (
        Vec::with_capacity(drafts.len()),
        Vec::with_capacity(drafts.len()),
    );
    for m in MethodId::all().filter(|m| present & (1 << m.index()) != 0) {
        cases_of(drafts, m, &mut slots, &mut cases);
        let timings = device_pass(drafts, m, &slots, &mut cases, opts);
        let mut out: Vec<Outcome> = vec![Ok(Default::default()); cases.len()];
        calculate_batch(m, &cases, &mut out);
        for ((&k, o), t) in slots.iter().zip(out).zip(timings) {
            let u = sample(&drafts[k], &o, &t, opts, &mut buffers);
            computed[k] = Some((o, t, u));
        }
    }
    computed
}

/// Processes rows `range` of `cols`, handing each finished row to `emit` with its index in the
/// range, in order. `extra` gives errors found across rows (duplicates) by row index. With
/// `calculate` false only the checks run: rows that would be computed come back `ok` without
/// results.
pub(crate) fn process_range_with(
    cols: &Columns,
    range: Range<usize>,
    extra: &(dyn Fn(usize) -> Vec<RowError> + Sync),
    opts: &RowOptions,
    calculate: bool,
    emit: &mut dyn FnMut(usize, &RowResult),
) {
    let block = Block::read(cols, range.clone());
    let deadlines = Deadlines::new(opts.as_of, opts.intervals);
    let hashes = input_hashes(&block);
    let mut drafts: Vec<Draft> = range
        .clone()
        .zip(hashes)
        .map(|(i, hash)| draft(&block, i - range.start, hash, extra(i), opts, &deadlines))
        .collect();
    if !calculate {
        for (k, d) in drafts.iter_mut().enumerate() {
            let row = match d {
                Draft::Done(row) => row,
                Draft::Compute { row, .. } => {
                    row.status = Status::Ok;
                    row
                }
            };
            emit(k, row);
        }
        return;
    }
    let computed = compute(&mut drafts, opts);
    for (k, (d, c)) in drafts.iter_mut().zip(&computed).enumerate() {
        emit(k, finish(d, c.as_ref(), opts, &deadlines));
    }
}

/// [`process_range_with`], collecting the rows.
pub(crate) fn process_range(
    cols: &Columns,
    range: Range<usize>,
    extra: &(dyn Fn(usize) -> Vec<RowError> + Sync),
    opts: &RowOptions,
    calculate: bool,
) -> Vec<RowResult> {
    let mut out: Vec<RowResult> = Vec::with_capacity(range.len());
    process_range_with(cols, range, extra, opts, calculate, &mut |_, row| {
        out.push(row.clone())
    });
    out
}
