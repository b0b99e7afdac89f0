//! Properties of every method of the registry (IEEE 1584-2018 has its own, finer set in
//! `properties.rs`): energy linear in the arc duration, decreasing with the working distance,
//! the method's boundary energy at its boundary (to 1e-9), finite and positive results, and no
//! panic on arbitrary `f64` inputs.

use proptest::prelude::*;
use voltmetrics::core::algorithms::ieee1584_2002::Grounding;
use voltmetrics::core::algorithms::ieee1584_2018::ElectrodeConfig;
use voltmetrics::core::algorithms::{calculate, Case, MethodId};
use voltmetrics::core::defaults::EquipmentClass;
use voltmetrics::core::nfpa70e::SystemType;

const CLASSES: [EquipmentClass; 5] = [
    EquipmentClass::Switchgear,
    EquipmentClass::Mcc,
    EquipmentClass::Panelboard,
    EquipmentClass::CableJunctionBox,
    EquipmentClass::OpenAir,
];

/// A case inside the range of `m`.
fn case_in_range(m: MethodId) -> impl Strategy<Value = Case> {
    let dc = m.method().system == SystemType::Dc;
    let volts = match m {
        x if x == MethodId::IEEE1584_2002 => 208.0..15_000.0,
        x if x == MethodId::LEE => 208.0..500_000.0,
        x if x == MethodId::DC_MAX_POWER => 12.0..1000.0,
        _ => 24.0..1500.0,
    };
    let ibf = if m == MethodId::IEEE1584_2002 {
        0.7..106.0
    } else {
        0.5..100.0
    };
    let gap = if m == MethodId::IEEE1584_2002 {
        13.0..152.0
    } else {
        5.0..150.0
    };
    (
        volts,
        ibf,
        gap,
        300.0..3000.0f64,
        1.0..2000.0f64,
        1.0..2000.0f64,
        0..CLASSES.len(),
        any::<bool>(),
    )
        .prop_map(move |(v, i, g, d, t, tr, k, grounded)| {
            let class = CLASSES[k];
            Case {
                system: if dc { SystemType::Dc } else { SystemType::Ac },
                config: class.electrode_config(),
                class: Some(class),
                voltage_v: v,
                ibf_ka: i,
                gap_mm: Some(g),
                working_distance_mm: d,
                enclosure: None,
                arc_duration_ms: t,
                arc_duration_reduced_ms: tr,
                grounding: if grounded {
                    Grounding::Grounded
                } else {
                    Grounding::Ungrounded
                },
            }
        })
}

/// The methods checked here.
fn methods() -> impl Strategy<Value = MethodId> {
    prop::sample::select(vec![
        MethodId::IEEE1584_2002,
        MethodId::LEE,
        MethodId::DC_MAX_POWER,
        MethodId::DC_STOKES_OPPENLANDER,
        MethodId::DC_AMMERMAN,
    ])
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn energy_is_linear_in_the_arc_duration((m, c) in methods().prop_flat_map(|m| (Just(m), case_in_range(m)))) {
        let (r1, _) = calculate(m, &c).unwrap();
        let mut c2 = c;
        c2.arc_duration_ms *= 2.0;
        c2.arc_duration_reduced_ms *= 2.0;
        let (r2, _) = calculate(m, &c2).unwrap();
        prop_assert!(rel(r2.incident_energy_full_j_cm2, 2.0 * r1.incident_energy_full_j_cm2) < 1e-12);
        if let (Some(a), Some(b)) = (r1.reduced, r2.reduced) {
            prop_assert!(rel(b.incident_energy_j_cm2, 2.0 * a.incident_energy_j_cm2) < 1e-12);
        }
    }

    #[test]
    fn energy_decreases_with_the_working_distance((m, c) in methods().prop_flat_map(|m| (Just(m), case_in_range(m)))) {
        let (near, _) = calculate(m, &c).unwrap();
        let mut far = c;
        far.working_distance_mm *= 1.1;
        let (far, _) = calculate(m, &far).unwrap();
        prop_assert!(far.incident_energy_full_j_cm2 < near.incident_energy_full_j_cm2);
    }

    #[test]
    fn the_boundary_energy_is_at_the_boundary((m, c) in methods().prop_flat_map(|m| (Just(m), case_in_range(m)))) {
        let (r, _) = calculate(m, &c).unwrap();
        prop_assert!(r.all_finite());
        prop_assert!(r.incident_energy_full_j_cm2 > 0.0 && r.arcing_current_ka > 0.0);
        let afb = r.arc_flash_boundary_full_mm;
        // Ammerman's enclosures: no boundary when the energy stays below it everywhere.
        if afb > 0.0 {
            let mut at = c;
            at.working_distance_mm = afb;
            let (e, _) = calculate(m, &at).unwrap();
            let want = m.method().boundary_energy_j_cm2;
            prop_assert!(rel(e.incident_energy_full_j_cm2, want) < 1e-9, "{} at {afb} mm: {} vs {want}", m, e.incident_energy_full_j_cm2);
        }
    }

    #[test]
    fn arbitrary_inputs_never_panic(
        m in methods(),
        v in any::<f64>(), i in any::<f64>(), g in any::<f64>(), d in any::<f64>(), t in any::<f64>(),
        k in 0..CLASSES.len(),
    ) {
        let c = Case {
            system: m.method().system,
            config: Some(if k % 2 == 0 { ElectrodeConfig::Vcb } else { ElectrodeConfig::Voa }),
            class: Some(CLASSES[k]),
            voltage_v: v,
            ibf_ka: i,
            gap_mm: Some(g),
            working_distance_mm: d,
            enclosure: None,
            arc_duration_ms: t,
            arc_duration_reduced_ms: t,
            grounding: Grounding::Grounded,
        };
        if let Ok((r, _)) = calculate(m, &c) {
            prop_assert!(r.all_finite());
        }
    }
}
