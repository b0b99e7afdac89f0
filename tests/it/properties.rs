//! Property tests over the whole validated range, all five configurations.

use proptest::prelude::*;
use voltmetrics::core::algorithms::ieee1584_2018::equations::{
    enclosure_correction, eq1_intermediate_arcing_current, eq3_6_incident_energy, E_B_J_CM2,
};
use voltmetrics::core::algorithms::ieee1584_2018::{
    calculate, calculate_unchecked, equations, ElectrodeConfig, EnclosureMm, Inputs, VocLevel,
};

fn config() -> impl Strategy<Value = ElectrodeConfig> {
    prop::sample::select(ElectrodeConfig::ALL.to_vec())
}

/// A valid input anywhere in the model's range: LV or MV, every configuration, boxes from
/// shallow to beyond the 1244.6 mm clamp, depth known or not.
fn valid_inputs() -> impl Strategy<Value = Inputs> {
    (
        config(),
        prop::bool::ANY,
        0.0f64..=1.0,
        0.0f64..=1.0,
        0.0f64..=1.0,
    )
        .prop_flat_map(|(cfg, lv, fv, fi, fg)| {
            let voc = if lv {
                0.208 + fv * (0.6 - 0.208)
            } else {
                0.6 + 1e-6 + fv * (15.0 - 0.6 - 1e-6)
            };
            let ibf = if lv {
                0.5 + fi * 105.5
            } else {
                0.2 + fi * 64.8
            };
            let gap = if lv {
                6.35 + fg * (76.2 - 6.35)
            } else {
                19.05 + fg * (254.0 - 19.05)
            };
            (
                Just((cfg, voc, ibf, gap)),
                305.0f64..3000.0,
                (4.0 * gap).max(100.0)..1600.0,
                100.0f64..1600.0,
                prop::option::of(50.0f64..1000.0),
                0.5f64..5000.0,
                0.5f64..5000.0,
            )
        })
        .prop_map(
            |((config, voc_kv, ibf_ka, gap_mm), d, w, h, depth, tf, tr)| Inputs {
                config,
                voc_kv,
                ibf_ka,
                gap_mm,
                working_distance_mm: d,
                enclosure: Some(EnclosureMm {
                    height_mm: h,
                    width_mm: w,
                    depth_mm: depth,
                }),
                arc_duration_ms: tf,
                arc_duration_reduced_ms: tr,
            },
        )
}

fn rel(a: f64, b: f64) -> f64 {
    ((a - b) / b).abs()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_output_is_finite_and_positive(inp in valid_inputs()) {
        let c = calculate(&inp).expect("valid inputs calculate");
        let r = c.detail.results;
        for v in [r.arcing_current_ka, r.arcing_current_reduced_ka, r.incident_energy_full_j_cm2,
                  r.incident_energy_reduced_j_cm2, r.arc_flash_boundary_full_mm, r.arc_flash_boundary_reduced_mm] {
            prop_assert!(v.is_finite() && v > 0.0, "{v} for {inp:?}");
        }
    }

    #[test]
    fn reduced_arcing_current_is_below_full(inp in valid_inputs()) {
        let r = calculate(&inp).unwrap().detail.results;
        prop_assert!(r.arcing_current_reduced_ka < r.arcing_current_ka, "{inp:?}");
    }

    #[test]
    fn incident_energy_is_linear_in_arc_duration(inp in valid_inputs(), k in 0.01f64..100.0) {
        let a = calculate(&inp).unwrap().detail.results;
        let scaled = Inputs { arc_duration_ms: inp.arc_duration_ms * k, arc_duration_reduced_ms: inp.arc_duration_reduced_ms * k, ..inp };
        let b = calculate(&scaled).unwrap().detail.results;
        prop_assert!(rel(b.incident_energy_full_j_cm2, a.incident_energy_full_j_cm2 * k) < 1e-12);
        prop_assert!(rel(b.incident_energy_reduced_j_cm2, a.incident_energy_reduced_j_cm2 * k) < 1e-12);
    }

    #[test]
    fn incident_energy_decreases_with_working_distance(inp in valid_inputs(), k in 1.001f64..3.0) {
        let a = calculate(&inp).unwrap().detail.results;
        let farther = Inputs { working_distance_mm: inp.working_distance_mm * k, ..inp };
        let b = calculate(&farther).unwrap().detail.results;
        prop_assert!(b.incident_energy_full_j_cm2 < a.incident_energy_full_j_cm2, "{inp:?}");
        prop_assert!(b.incident_energy_reduced_j_cm2 < a.incident_energy_reduced_j_cm2, "{inp:?}");
    }

    /// At each level (the LV path; 600, 2700 and 14 300 V for MV) the level's incident
    /// energy (Eq 3-6, evaluated independently) at the level's arc-flash boundary is 1.2 cal/cm².
    #[test]
    fn level_energy_at_level_boundary_is_1_2_cal(inp in valid_inputs()) {
        let d = calculate(&inp).unwrap().detail;
        let cf = enclosure_correction(inp.config, inp.voc_kv, inp.enclosure.as_ref()).cf;
        let f = d.reduction_factor;
        let levels: &[VocLevel] = if d.low_voltage { &[VocLevel::V600] } else { &VocLevel::ALL };
        for &lvl in levels {
            let l = &d.levels[lvl as usize];
            let i = eq1_intermediate_arcing_current(inp.config, lvl, inp.ibf_ka, inp.gap_mm);
            // (Ia, Ib) of each case: MV uses the level current; LV the full Iarc_600 and the final current.
            let (full, reduced) = if d.low_voltage {
                ((i, d.results.arcing_current_ka), (i, d.results.arcing_current_reduced_ka))
            } else {
                ((i, i), (i * f, i * f))
            };
            let e_full = eq3_6_incident_energy(inp.config, lvl, inp.gap_mm, full.0, full.1, inp.ibf_ka,
                l.arc_flash_boundary_full_mm, inp.arc_duration_ms, cf);
            let e_red = eq3_6_incident_energy(inp.config, lvl, inp.gap_mm, reduced.0, reduced.1, inp.ibf_ka,
                l.arc_flash_boundary_reduced_mm, inp.arc_duration_reduced_ms, cf);
            prop_assert!(rel(e_full, E_B_J_CM2) < 1e-9, "level {:?} full: {e_full}", lvl);
            prop_assert!(rel(e_red, E_B_J_CM2) < 1e-9, "level {:?} reduced: {e_red}", lvl);
        }
    }

    #[test]
    fn kernel_matches_literal_equations(inp in valid_inputs()) {
        let k = calculate_unchecked(&inp).results;
        let l = equations::calculate_reference(&inp);
        for (a, b) in [(k.arcing_current_ka, l.arcing_current_ka), (k.arcing_current_reduced_ka, l.arcing_current_reduced_ka),
                       (k.incident_energy_full_j_cm2, l.incident_energy_full_j_cm2), (k.incident_energy_reduced_j_cm2, l.incident_energy_reduced_j_cm2),
                       (k.arc_flash_boundary_full_mm, l.arc_flash_boundary_full_mm), (k.arc_flash_boundary_reduced_mm, l.arc_flash_boundary_reduced_mm)] {
            prop_assert!(rel(a, b) < 1e-11, "{a} vs {b} for {inp:?}");
        }
    }

    /// Any f64 at all (NaN, infinities, negatives, huge): never a panic, never a NaN result.
    #[test]
    fn arbitrary_inputs_never_panic_or_return_nan(
        cfg in config(),
        v in prop::num::f64::ANY, i in prop::num::f64::ANY, g in prop::num::f64::ANY,
        d in prop::num::f64::ANY, h in prop::num::f64::ANY, w in prop::num::f64::ANY,
        depth in prop::option::of(prop::num::f64::ANY), tf in prop::num::f64::ANY, tr in prop::num::f64::ANY,
    ) {
        let inp = Inputs { config: cfg, voc_kv: v, ibf_ka: i, gap_mm: g, working_distance_mm: d,
            enclosure: Some(EnclosureMm { height_mm: h, width_mm: w, depth_mm: depth }),
            arc_duration_ms: tf, arc_duration_reduced_ms: tr };
        if let Ok(c) = calculate(&inp) {
            let r = c.detail.results;
            prop_assert!(r.incident_energy_j_cm2().is_finite() && r.arc_flash_boundary_mm().is_finite());
        }
    }
}

#[test]
fn continuity_across_0_6_and_2_7_kv() {
    for cfg in ElectrodeConfig::ALL {
        let at = |v: f64| {
            let inp = Inputs {
                config: cfg,
                voc_kv: v,
                ibf_ka: 20.0,
                gap_mm: 25.0,
                working_distance_mm: 600.0,
                enclosure: Some(EnclosureMm {
                    height_mm: 700.0,
                    width_mm: 700.0,
                    depth_mm: Some(500.0),
                }),
                arc_duration_ms: 100.0,
                arc_duration_reduced_ms: 100.0,
            };
            calculate(&inp).unwrap().detail.results
        };
        // Arcing current is continuous at 0.6 kV (Eq 25 gives Iarc_600 there).
        let (a, b) = (at(0.6), at(0.6 + 1e-9));
        assert!(
            rel(a.arcing_current_ka, b.arcing_current_ka) < 1e-6,
            "{cfg} Iarc at 0.6 kV"
        );
        // Eq 16-24 branches meet at 2.7 kV.
        let (a, b) = (at(2.7), at(2.7 + 1e-9));
        assert!(
            rel(a.incident_energy_full_j_cm2, b.incident_energy_full_j_cm2) < 1e-6,
            "{cfg} E at 2.7 kV"
        );
        assert!(
            rel(a.arc_flash_boundary_full_mm, b.arc_flash_boundary_full_mm) < 1e-6,
            "{cfg} AFB at 2.7 kV"
        );
    }
}

/// Any input, valid or not (most rows get garbage in one field).
fn mixed_inputs() -> impl Strategy<Value = Inputs> {
    (valid_inputs(), 0usize..11, prop::num::f64::ANY).prop_map(|(mut inp, which, garbage)| {
        match which {
            0 => inp.voc_kv = garbage,
            1 => inp.ibf_ka = garbage,
            2 => inp.gap_mm = garbage,
            3 => inp.working_distance_mm = garbage,
            4 => inp.arc_duration_reduced_ms = garbage,
            5 => inp.voc_kv = 20.0,
            6 => inp.enclosure.as_mut().unwrap().width_mm = garbage,
            7 => inp.enclosure.as_mut().unwrap().depth_mm = Some(garbage),
            8 => inp.enclosure.as_mut().unwrap().height_mm = garbage,
            _ => {}
        }
        inp
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The block-wise batch kernel gives exactly the per-row results, errors included.
    #[test]
    fn batch_equals_per_row(rows in prop::collection::vec(mixed_inputs(), 0..200)) {
        use voltmetrics::core::algorithms::ieee1584_2018::{calculate_batch, calculate_results, Outcome};
        let mut out: Vec<Outcome> = vec![Ok(Default::default()); rows.len()];
        calculate_batch(&rows, &mut out);
        for (inp, got) in rows.iter().zip(&out) {
            let want = calculate_results(inp);
            match (got, &want) {
                (Ok((a, wa)), Ok((b, wb))) => {
                    prop_assert_eq!(wa, wb);
                    // Bit-identical, not merely close.
                    for (x, y) in [
                        (a.arcing_current_ka, b.arcing_current_ka),
                        (a.arcing_current_reduced_ka, b.arcing_current_reduced_ka),
                        (a.incident_energy_full_j_cm2, b.incident_energy_full_j_cm2),
                        (a.incident_energy_reduced_j_cm2, b.incident_energy_reduced_j_cm2),
                        (a.arc_flash_boundary_full_mm, b.arc_flash_boundary_full_mm),
                        (a.arc_flash_boundary_reduced_mm, b.arc_flash_boundary_reduced_mm),
                    ] {
                        prop_assert_eq!(x.to_bits(), y.to_bits(), "{:?}", inp);
                    }
                }
                (Err(a), Err(b)) => prop_assert_eq!(format!("{a}"), format!("{b}")),
                _ => prop_assert!(false, "batch {:?} vs per-row {:?} for {:?}", got, want, inp),
            }
        }
    }

    /// The currents-only path (protective devices) gives exactly the full kernel's currents,
    /// and none where the full kernel gives no result.
    #[test]
    fn arcing_currents_equal_the_full_kernel(inp in mixed_inputs()) {
        use voltmetrics::core::algorithms::ieee1584_2018::{arcing_currents, calculate_results};
        match (arcing_currents(&inp), calculate_results(&inp)) {
            (Some((f, r)), Ok((want, _))) => {
                prop_assert_eq!(f.to_bits(), want.arcing_current_ka.to_bits(), "{:?}", inp);
                prop_assert_eq!(r.to_bits(), want.arcing_current_reduced_ka.to_bits(), "{:?}", inp);
            }
            (None, Err(_)) => {}
            // A case with good currents can still fail on its energies (e.g. a tiny time).
            (Some(_), Err(e)) => prop_assert!(
                voltmetrics::core::algorithms::ieee1584_2018::validate(&inp).is_ok(),
                "{:?}: {e}", inp
            ),
            (None, Ok(_)) => prop_assert!(false, "no currents for a computed case {:?}", inp),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5000))]

    /// The branch-free range check accepts exactly what the in-order check accepts, with the
    /// same warnings.
    #[test]
    fn fast_validation_agrees_with_in_order(inp in mixed_inputs(), no_enclosure in prop::bool::weighted(0.05)) {
        use voltmetrics::core::algorithms::ieee1584_2018::{validate_fast, validate_in_order};
        let inp = if no_enclosure { Inputs { enclosure: None, ..inp } } else { inp };
        match (validate_fast(&inp), validate_in_order(&inp)) {
            (Some(w), Ok(v)) => prop_assert_eq!(w, v),
            (None, Err(_)) => {}
            (a, b) => prop_assert!(false, "fast {:?} vs in order {:?} for {:?}", a, b, inp),
        }
    }
}
