//! Inputs outside the model's range: a clear error or warning, never a panic.

use voltmetrics::core::algorithms::ieee1584_2018::equations::{table6_height_in, table6_width_in};
use voltmetrics::core::algorithms::ieee1584_2018::{
    calculate, BoxType, ElectrodeConfig, EnclosureMm, Field, InputErrorKind, Inputs, RangeWarnings,
};

fn base() -> Inputs {
    Inputs {
        config: ElectrodeConfig::Vcb,
        voc_kv: 0.48,
        ibf_ka: 30.0,
        gap_mm: 32.0,
        working_distance_mm: 609.6,
        enclosure: Some(EnclosureMm {
            height_mm: 508.0,
            width_mm: 508.0,
            depth_mm: Some(508.0),
        }),
        arc_duration_ms: 100.0,
        arc_duration_reduced_ms: 150.0,
    }
}

fn err(inp: Inputs) -> (Field, InputErrorKind, String) {
    let e = calculate(&inp).expect_err("must be rejected");
    (e.field, e.kind, e.to_string())
}

#[test]
fn twenty_kv_is_outside_the_model() {
    let (f, k, msg) = err(Inputs {
        voc_kv: 20.0,
        gap_mm: 104.0,
        ..base()
    });
    assert_eq!(f, Field::NominalVoltage);
    assert!(matches!(k, InputErrorKind::OutOfRange { .. }));
    assert!(
        msg.contains("20000") && msg.contains("208") && msg.contains("15000"),
        "{msg}"
    );
}

#[test]
fn point_one_ka_is_outside_the_model() {
    let (f, _, msg) = err(Inputs {
        ibf_ka: 0.1,
        ..base()
    });
    assert_eq!(f, Field::BoltedFaultCurrent);
    assert!(msg.contains("0.5") && msg.contains("106"), "{msg}");
    // MV range is 0.2-65 kA.
    let (f, _, msg) = err(Inputs {
        voc_kv: 4.16,
        ibf_ka: 0.1,
        gap_mm: 104.0,
        ..base()
    });
    assert_eq!(f, Field::BoltedFaultCurrent);
    assert!(msg.contains("0.2") && msg.contains("65"), "{msg}");
}

#[test]
fn gap_300_mm_is_outside_the_model() {
    let (f, _, msg) = err(Inputs {
        voc_kv: 13.8,
        gap_mm: 300.0,
        ..base()
    });
    assert_eq!(f, Field::Gap);
    assert!(msg.contains("19.05") && msg.contains("254"), "{msg}");
}

#[test]
fn working_distance_100_mm_computes_with_a_warning() {
    let c = calculate(&Inputs {
        working_distance_mm: 100.0,
        ..base()
    })
    .expect("advisory only");
    assert!(c
        .warnings
        .contains(RangeWarnings::WORKING_DISTANCE_BELOW_305_MM));
    assert!(c.warnings.joined().contains("305"));
}

#[test]
fn width_below_four_gaps_is_rejected() {
    let inp = Inputs {
        enclosure: Some(EnclosureMm {
            height_mm: 508.0,
            width_mm: 100.0,
            depth_mm: None,
        }),
        ..base()
    };
    let (f, k, msg) = err(inp);
    assert_eq!(f, Field::EnclosureWidth);
    assert!(matches!(k, InputErrorKind::WidthBelowFourGaps { .. }));
    assert!(msg.contains("128"), "{msg}");
}

#[test]
fn large_enclosures_compute_with_warnings() {
    let inp = Inputs {
        voc_kv: 4.16,
        gap_mm: 104.0,
        enclosure: Some(EnclosureMm {
            height_mm: 1500.0,
            width_mm: 1400.0,
            depth_mm: Some(900.0),
        }),
        ..base()
    };
    let c = calculate(&inp).expect("advisory only");
    for flag in [
        RangeWarnings::HEIGHT_ABOVE_1244_6_MM,
        RangeWarnings::WIDTH_ABOVE_1244_6_MM,
        RangeWarnings::OPENING_ABOVE_1_549_M2,
    ] {
        assert!(c.warnings.contains(flag), "{flag}");
    }
}

#[test]
fn nan_inf_negative_and_zero_are_rejected() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, 0.0] {
        assert_eq!(
            err(Inputs {
                voc_kv: bad,
                ..base()
            })
            .0,
            Field::NominalVoltage
        );
        assert_eq!(
            err(Inputs {
                ibf_ka: bad,
                ..base()
            })
            .0,
            Field::BoltedFaultCurrent
        );
        assert_eq!(
            err(Inputs {
                gap_mm: bad,
                ..base()
            })
            .0,
            Field::Gap
        );
        assert_eq!(
            err(Inputs {
                working_distance_mm: bad,
                ..base()
            })
            .0,
            Field::WorkingDistance
        );
        assert_eq!(
            err(Inputs {
                arc_duration_ms: bad,
                ..base()
            })
            .0,
            Field::ArcDuration
        );
        assert_eq!(
            err(Inputs {
                arc_duration_reduced_ms: bad,
                ..base()
            })
            .0,
            Field::ArcDurationReduced
        );
    }
}

#[test]
fn box_configs_need_an_enclosure_open_air_does_not() {
    let (f, k, _) = err(Inputs {
        enclosure: None,
        ..base()
    });
    assert_eq!(f, Field::EnclosureWidth);
    assert_eq!(k, InputErrorKind::MissingEnclosure);
    let c = calculate(&Inputs {
        config: ElectrodeConfig::Voa,
        enclosure: None,
        ..base()
    })
    .unwrap();
    assert_eq!(c.detail.enclosure.cf, 1.0);
}

#[test]
fn bounds_are_inclusive() {
    assert!(calculate(&Inputs {
        voc_kv: 0.208,
        ..base()
    })
    .is_ok());
    let mv_box = Some(EnclosureMm {
        height_mm: 1143.0,
        width_mm: 762.0,
        depth_mm: Some(762.0),
    });
    assert!(calculate(&Inputs {
        voc_kv: 15.0,
        gap_mm: 152.0,
        enclosure: mv_box,
        ..base()
    })
    .is_ok());
    assert!(calculate(&Inputs {
        ibf_ka: 106.0,
        ..base()
    })
    .is_ok());
    assert!(calculate(&Inputs {
        ibf_ka: 0.5,
        ..base()
    })
    .is_ok());
}

#[test]
fn table6_band_edges() {
    let v = 0.48;
    // Exactly 508 mm takes the 0.03937 x dim band (no panic, EES just below 20).
    assert_eq!(
        table6_width_in(ElectrodeConfig::Vcb, v, 508.0, BoxType::Typical),
        0.03937 * 508.0
    );
    assert_eq!(
        table6_width_in(ElectrodeConfig::Vcb, v, 507.9, BoxType::Typical),
        20.0
    );
    assert_eq!(
        table6_width_in(ElectrodeConfig::Vcb, v, 400.0, BoxType::Shallow),
        0.03937 * 400.0
    );
    assert_eq!(
        table6_width_in(ElectrodeConfig::Vcb, v, 660.4, BoxType::Typical),
        0.03937 * 660.4
    );
    // Above 660.4: Eq 11; above 1244.6: Eq 11 at 1244.6.
    let at_clamp = table6_width_in(ElectrodeConfig::Vcb, v, 1244.6, BoxType::Typical);
    assert_eq!(
        table6_width_in(ElectrodeConfig::Vcb, v, 2000.0, BoxType::Typical),
        at_clamp
    );
    // VCB height keeps 0.03937 x H up to 1244.6 mm, then 49 in.
    assert_eq!(
        table6_height_in(ElectrodeConfig::Vcb, v, 1000.0, BoxType::Typical),
        0.03937 * 1000.0
    );
    assert_eq!(
        table6_height_in(ElectrodeConfig::Vcb, v, 1300.0, BoxType::Typical),
        49.0
    );
    // VCBB and HCB use Eq 12 above 660.4 mm.
    assert!(
        table6_height_in(ElectrodeConfig::Vcbb, v, 1000.0, BoxType::Typical) != 0.03937 * 1000.0
    );
    // The LV switchgear default (508 x 508 x 508) computes.
    assert!(calculate(&base()).is_ok());
}

#[test]
fn shallow_needs_voc_below_0_6_kv() {
    use voltmetrics::core::algorithms::ieee1584_2018::equations::table6_box_type;
    let shallow = EnclosureMm {
        height_mm: 300.0,
        width_mm: 300.0,
        depth_mm: Some(203.2),
    };
    assert_eq!(table6_box_type(0.48, &shallow), BoxType::Shallow);
    assert_eq!(table6_box_type(0.6, &shallow), BoxType::Typical);
    assert_eq!(
        table6_box_type(
            0.48,
            &EnclosureMm {
                depth_mm: None,
                ..shallow
            }
        ),
        BoxType::Typical
    );
    assert_eq!(
        table6_box_type(
            0.48,
            &EnclosureMm {
                depth_mm: Some(203.3),
                ..shallow
            }
        ),
        BoxType::Typical
    );
}
