//! `--uncertainty`: one computed row's inputs sampled ([`crate::core::uncertainty`]) and run
//! through its method's batch kernel, its clearing times re-evaluated from its device at each
//! sample's arcing currents.

use super::cells::Cells;
use super::rows::RowOptions;
use super::timing::{device_times, DeviceRef};
use crate::core::algorithms::{arcing_currents, calculate_batch, Case, MethodId, Outcome};
use crate::core::hash::InputHasher;
use crate::core::nfpa70e;
use crate::core::uncertainty::{self, Sampler, Settings, Tolerances, Uncertainty, REDRAWS};

/// What a row needs to be sampled.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Sampling {
    /// Its tolerances.
    pub tolerances: Tolerances,
    /// The hash of its ids, which seeds its generator with the run's seed.
    pub identity: u64,
}

impl Sampling {
    /// A row's sampling inputs.
    pub(super) fn of(cells: &Cells, tolerances: Tolerances) -> Sampling {
        let mut h = InputHasher::default();
        h.text(0, cells.id(0)).text(1, cells.id(1));
        Sampling {
            tolerances,
            identity: h.finish(),
        }
    }
}

/// The deterministic result a row's samples are compared with.
#[derive(Clone, Copy, Debug)]
pub(super) struct Deterministic {
    /// Governing incident energy, cal/cm².
    pub incident_energy_cal_cm2: f64,
    /// The label's incident energy.
    pub label_cal_cm2: Option<f64>,
    /// The PPE category it calls for.
    pub ppe_category: Option<u8>,
}

/// Buffers reused from row to row.
#[derive(Default)]
pub(super) struct Buffers {
    cases: Vec<Case>,
    outcomes: Vec<Outcome>,
    pending: Vec<usize>,
    retry: Vec<usize>,
    unbounded: Vec<bool>,
    values: Vec<f64>,
}

/// The row's sampled statistics. `base` holds the inputs as given (for a device row, its
/// clearing times are re-evaluated per sample).
#[allow(clippy::too_many_arguments)]
pub(super) fn sample_row(
    m: MethodId,
    base: &Case,
    device: Option<DeviceRef>,
    s: &Sampling,
    det: &Deterministic,
    settings: Settings,
    opts: &RowOptions,
    b: &mut Buffers,
) -> Uncertainty {
    let n = settings.samples;
    let mut rng = Sampler::new(settings.seed, s.identity);
    b.values.clear();
    b.values.resize(n, f64::NAN);
    b.pending.clear();
    b.pending.extend(0..n);
    for _ in 0..=REDRAWS {
        if b.pending.is_empty() {
            break;
        }
        draw(&mut rng, m, base, device, s, opts, b);
        b.retry.clear();
        for (j, &i) in b.pending.iter().enumerate() {
            match (&b.outcomes[j], b.unbounded[j]) {
                (_, true) => b.values[i] = f64::INFINITY,
                (Ok((r, _)), false) => b.values[i] = nfpa70e::j_to_cal(r.incident_energy_j_cm2()),
                (Err(_), false) => b.retry.push(i),
            }
        }
        std::mem::swap(&mut b.pending, &mut b.retry);
    }
    // Outside the method's range after every redraw: the deterministic inputs' value.
    for &i in &b.pending {
        b.values[i] = det.incident_energy_cal_cm2;
    }
    uncertainty::summarize(
        &mut b.values,
        det.label_cal_cm2,
        det.ppe_category,
        opts.danger_threshold_cal_cm2,
    )
}

/// One sample for each pending index, through the method's kernel.
fn draw(
    rng: &mut Sampler,
    m: MethodId,
    base: &Case,
    device: Option<DeviceRef>,
    s: &Sampling,
    opts: &RowOptions,
    b: &mut Buffers,
) {
    let from_device = device.is_some() && opts.devices.is_some();
    b.cases.clear();
    b.unbounded.clear();
    for _ in 0..b.pending.len() {
        let mut c = rng.sample(base, &s.tolerances, from_device);
        let mut unbounded = false;
        if let (Some(d), Some(lib)) = (device, &opts.devices) {
            if let Some(currents) = arcing_currents(m, &c) {
                match device_times(lib, d, currents, opts.max_arc_duration_ms) {
                    Ok(t) => {
                        c.arc_duration_ms = t.full_ms;
                        c.arc_duration_reduced_ms = t.reduced_ms;
                    }
                    // The device does not trip and nothing caps the arc.
                    Err(_) => unbounded = true,
                }
            }
        }
        b.cases.push(c);
        b.unbounded.push(unbounded);
    }
    b.outcomes.clear();
    b.outcomes.resize(b.cases.len(), Ok(Default::default()));
    calculate_batch(m, &b.cases, &mut b.outcomes);
}
