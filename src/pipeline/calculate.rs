//! A block of rows through their methods' batch kernels, then the contract's values (NFPA 70E
//! lookups, governing case) and the compliance rules.

use super::cells::Block;
use super::columns::Columns;
use super::draft::{draft, Draft};
use super::rows::{RowError, RowOptions, RowResult, Status};
use crate::core::algorithms::{calculate_batch, Case, InputErrorKind, MethodId, Outcome};
use crate::core::assessment::assess;
use crate::core::compliance;
use std::ops::Range;

/// Completes a computed draft in place (no copy of the row) and returns its result.
fn finish<'d>(draft: &'d mut Draft, outcome: Option<&Outcome>, opts: &RowOptions) -> &'d RowResult {
    let (row, ci, method, case) = match draft {
        Draft::Done(row) => return row,
        Draft::Compute {
            row,
            compliance,
            method,
            case,
        } => (row, compliance, *method, *case),
    };
    match outcome {
        Some(Ok((results, warnings))) => {
            let a = assess(
                results,
                case.system,
                case.voltage_v,
                opts.danger_threshold_cal_cm2,
            );
            ci.incident_energy_cal_cm2 = a.incident_energy_cal_cm2;
            ci.arc_flash_boundary_mm = a.arc_flash_boundary_mm;
            ci.ppe_category = a.ppe_category;
            ci.danger = a.danger;
            ci.out_of_range = !warnings.is_empty();
            row.status = Status::Ok;
            row.method = Some(method);
            row.results = Some(*results);
            row.assessment = Some(a);
            row.warnings = *warnings;
            row.findings = Some(compliance::evaluate(ci, opts.as_of, opts.intervals));
        }
        Some(Err(e)) => {
            let value =
                (!e.value.is_nan()).then(|| (e.value * e.field.to_column_units()).to_string());
            row.errors = vec![RowError {
                column: e.field.column(),
                value,
                reason: e.message(method.method().model),
            }];
            if e.kind == InputErrorKind::MissingEnclosure {
                row.status = Status::Invalid;
            } else {
                row.status = Status::NotApplicable;
                row.findings = Some(compliance::evaluate_without_result(
                    ci,
                    opts.as_of,
                    opts.intervals,
                ));
            }
        }
        None => {}
    }
    row
}

/// The outcome of every draft that is computed (by position in `drafts`): the cases of each
/// method go through its batch kernel together.
fn compute(drafts: &[Draft]) -> Vec<Option<Outcome>> {
    let mut outcomes: Vec<Option<Outcome>> = vec![None; drafts.len()];
    let mut present = 0u64;
    for d in drafts {
        if let Draft::Compute { method, .. } = d {
            present |= 1 << method.index();
        }
    }
    let mut cases: Vec<Case> = Vec::with_capacity(drafts.len());
    let mut slots: Vec<usize> = Vec::with_capacity(drafts.len());
    let mut out: Vec<Outcome> = Vec::new();
    for m in MethodId::all().filter(|m| present & (1 << m.index()) != 0) {
        cases.clear();
        slots.clear();
        for (k, d) in drafts.iter().enumerate() {
            if let Draft::Compute { method, case, .. } = d {
                if *method == m {
                    slots.push(k);
                    cases.push(*case);
                }
            }
        }
        out.clear();
        out.resize(cases.len(), Ok(Default::default()));
        calculate_batch(m, &cases, &mut out);
        for (&k, o) in slots.iter().zip(out.drain(..)) {
            outcomes[k] = Some(o);
        }
    }
    outcomes
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
    let mut drafts: Vec<Draft> = range
        .clone()
        .map(|i| draft(&block, i - range.start, extra(i), opts))
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
    let outcomes = compute(&drafts);
    for (k, (d, o)) in drafts.iter_mut().zip(&outcomes).enumerate() {
        emit(k, finish(d, o.as_ref(), opts));
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
