//! Kernel benchmark: one equipment, full + reduced case, over a realistic mix of inputs,
//! against the published crate `arcflash` 0.1.1 on the same inputs.
//!
//! `cargo bench --bench kernel` (release profile, portable build: no target-cpu=native).
//! Throughput is reported per equipment (both cases).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use voltmetrics::core::algorithms::ieee1584_2018::{
    calculate, calculate_batch, calculate_results, calculate_results_unchecked, ElectrodeConfig,
    EnclosureMm, Inputs, Outcome,
};

/// Deterministic xorshift64* so the mix is the same on every machine.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[((self.next() * xs.len() as f64) as usize).min(xs.len() - 1)]
    }
}

/// 55 % LV (208-600 V), 45 % MV (2.4-13.8 kV); VCB-heavy configuration mix; Table 8/10-like
/// geometry; clearing times 20-500 ms, reduced-case time at least the full-case time.
pub fn realistic_mix(n: usize) -> Vec<Inputs> {
    use ElectrodeConfig::*;
    let mut rng = Rng(0x5eed_1584_2018_0001);
    let configs = [Vcb, Vcb, Vcb, Vcb, Vcb, Vcb, Vcbb, Vcbb, Hcb, Hcb, Voa, Hoa];
    (0..n)
        .map(|_| {
            let lv = rng.next() < 0.55;
            let config = rng.pick(&configs);
            let (voc_kv, ibf_ka, gap_mm, d, enc) = if lv {
                let enc = rng.pick(&[
                    (508.0, 508.0, Some(508.0)),
                    (355.6, 304.8, Some(100.0)),
                    (355.6, 304.8, None),
                    (610.0, 610.0, Some(254.0)),
                ]);
                (
                    rng.pick(&[0.208, 0.24, 0.48, 0.6]),
                    2.0 + rng.next() * 63.0,
                    rng.pick(&[13.0, 25.0, 32.0]),
                    rng.pick(&[457.2, 609.6]),
                    enc,
                )
            } else {
                let enc = rng.pick(&[
                    (1143.0, 762.0, Some(762.0)),
                    (914.4, 914.4, Some(914.4)),
                    (660.4, 660.4, Some(660.4)),
                ]);
                (
                    rng.pick(&[2.4, 4.16, 6.9, 13.8]),
                    2.0 + rng.next() * 38.0,
                    rng.pick(&[104.0, 152.0]),
                    914.4,
                    enc,
                )
            };
            let t = 20.0 + rng.next() * 480.0;
            Inputs {
                config,
                voc_kv,
                ibf_ka,
                gap_mm,
                working_distance_mm: d,
                enclosure: Some(EnclosureMm {
                    height_mm: enc.0,
                    width_mm: enc.1,
                    depth_mm: enc.2,
                }),
                arc_duration_ms: t,
                arc_duration_reduced_ms: t * (1.0 + rng.next()),
            }
        })
        .collect()
}

mod baseline {
    use arcflash::{e_afb, i_arc, Cubicle, ElectrodeConfiguration as C};
    use uom::si::electric_current::kiloampere;
    use uom::si::electric_potential::kilovolt;
    use uom::si::f64::{ElectricCurrent, ElectricPotential, Length, Time};
    use uom::si::length::millimeter;
    use uom::si::time::millisecond;
    use voltmetrics::core::algorithms::ieee1584_2018::{ElectrodeConfig, Inputs};

    /// Full and reduced case with the `arcflash` crate: [E full, E reduced, AFB full, AFB reduced].
    pub fn run(i: &Inputs) -> [f64; 4] {
        let ec = match i.config {
            ElectrodeConfig::Vcb => C::VCB,
            ElectrodeConfig::Vcbb => C::VCBB,
            ElectrodeConfig::Hcb => C::HCB,
            ElectrodeConfig::Voa => C::VOA,
            ElectrodeConfig::Hoa => C::HOA,
        };
        let enc = i.enclosure.unwrap();
        let mm = Length::new::<millimeter>;
        let c = Cubicle::new(
            ElectricPotential::new::<kilovolt>(i.voc_kv),
            ec,
            mm(i.gap_mm),
            mm(i.working_distance_mm),
            mm(enc.height_mm),
            mm(enc.width_mm),
            mm(enc.depth_mm.unwrap_or(1000.0)),
        )
        .unwrap();
        let ibf = ElectricCurrent::new::<kiloampere>(i.ibf_ka);
        let full = i_arc(&c, ibf, false).unwrap();
        let reduced = i_arc(&c, ibf, true).unwrap();
        let ef = e_afb(&c, full, Time::new::<millisecond>(i.arc_duration_ms));
        let er = e_afb(
            &c,
            reduced,
            Time::new::<millisecond>(i.arc_duration_reduced_ms),
        );
        [
            ef.e().value / 1e4,
            er.e().value / 1e4,
            ef.afb().value * 1e3,
            er.afb().value * 1e3,
        ]
    }
}

fn kernel(c: &mut Criterion) {
    let inputs = realistic_mix(4096);
    // Same inputs, same answers (uom stores J/m² and m): checked before anything is timed.
    for i in &inputs {
        let r = calculate(i).unwrap().detail.results;
        let ours = [
            r.incident_energy_full_j_cm2,
            r.incident_energy_reduced_j_cm2,
            r.arc_flash_boundary_full_mm,
            r.arc_flash_boundary_reduced_mm,
        ];
        let theirs = baseline::run(i);
        for (a, b) in ours.iter().zip(theirs) {
            assert!(((a - b) / b).abs() < 1e-9, "{a} vs {b} for {i:?}");
        }
    }
    compare(c, "ieee1584_2018_full_and_reduced", &inputs, true);
    // The same comparison on the LV and MV rows of the mix separately.
    for (name, lv) in [("lv_only", true), ("mv_only", false)] {
        let subset: Vec<Inputs> = inputs
            .iter()
            .copied()
            .filter(|i| (i.voc_kv <= 0.6) == lv)
            .collect();
        compare(
            c,
            &format!("ieee1584_2018_full_and_reduced_{name}"),
            &subset,
            false,
        );
    }
}

/// One benchmark group: the crate, our validated per-row path, our validated batch path and
/// (optionally) our unchecked per-row path.
fn compare(c: &mut Criterion, group: &str, inputs: &[Inputs], unchecked: bool) {
    let mut g = c.benchmark_group(group);
    g.throughput(Throughput::Elements(inputs.len() as u64));
    g.bench_function("arcflash_0.1.1", |b| {
        b.iter(|| {
            inputs
                .iter()
                .map(|i| baseline::run(black_box(i))[0])
                .sum::<f64>()
        })
    });
    g.bench_function("voltmetrics_validated", |b| {
        b.iter(|| {
            inputs
                .iter()
                .map(|i| {
                    calculate_results(black_box(i)).map_or(0.0, |(r, _)| {
                        r.incident_energy_j_cm2() + r.arc_flash_boundary_mm()
                    })
                })
                .sum::<f64>()
        })
    });
    let mut out: Vec<Outcome> = vec![Ok(Default::default()); inputs.len()];
    g.bench_function("voltmetrics_batch_validated", |b| {
        b.iter(|| {
            calculate_batch(black_box(inputs), &mut out);
            out.iter()
                .map(|o| {
                    o.map_or(0.0, |(r, _)| {
                        r.incident_energy_j_cm2() + r.arc_flash_boundary_mm()
                    })
                })
                .sum::<f64>()
        })
    });
    if unchecked {
        g.bench_function("voltmetrics_unchecked", |b| {
            b.iter(|| {
                inputs
                    .iter()
                    .map(|i| {
                        let r = calculate_results_unchecked(black_box(i));
                        r.incident_energy_j_cm2() + r.arc_flash_boundary_mm()
                    })
                    .sum::<f64>()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, kernel);
criterion_main!(benches);
