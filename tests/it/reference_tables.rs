//! Every transcribed coefficient and table value re-checked against `fixtures/reference/`.

use crate::common::{num, read_csv};
use voltmetrics::core::algorithms::ieee1584_2018::tables::{
    TABLE1, TABLE2, TABLE3_4_5, TABLE6_A_B, TABLE7,
};
use voltmetrics::core::algorithms::ieee1584_2018::{BoxType, ElectrodeConfig};
use voltmetrics::core::defaults::{self, EquipmentClass, VoltageClass};
use voltmetrics::core::nfpa70e::{
    self, Approach, SystemType, TABLE_130_4_E_A_AC, TABLE_130_4_E_B_DC,
};

fn config(s: &str) -> usize {
    ElectrodeConfig::parse(s).unwrap() as usize
}

fn level(v: &str) -> usize {
    match v {
        "600" => 0,
        "2700" => 1,
        "14300" => 2,
        other => panic!("level {other}"),
    }
}

#[test]
fn table1_arcing_current_coefficients() {
    let rows = read_csv("reference/arcing_current_coefficients.csv");
    assert_eq!(rows.len(), 15);
    for r in &rows {
        let k = &TABLE1[config(&r["config"])][level(&r["voc_level_v"])];
        for i in 1..=10 {
            assert_eq!(
                k[i - 1],
                num(r, &format!("k{i}")),
                "Table 1 {} {} k{i}",
                r["config"],
                r["voc_level_v"]
            );
        }
    }
}

#[test]
fn table2_variation_coefficients() {
    let rows = read_csv("reference/arcing_current_variation_coefficients.csv");
    assert_eq!(rows.len(), 5);
    for r in &rows {
        let k = &TABLE2[config(&r["config"])];
        for i in 1..=7 {
            assert_eq!(
                k[i - 1],
                num(r, &format!("k{i}")),
                "Table 2 {} k{i}",
                r["config"]
            );
        }
    }
}

#[test]
fn tables_3_4_5_incident_energy_coefficients() {
    let rows = read_csv("reference/incident_energy_coefficients.csv");
    assert_eq!(rows.len(), 15);
    for r in &rows {
        let k = &TABLE3_4_5[config(&r["config"])][level(&r["voc_level_v"])];
        for i in 1..=13 {
            assert_eq!(
                k[i - 1],
                num(r, &format!("k{i}")),
                "Table 3-5 {} {} k{i}",
                r["config"],
                r["voc_level_v"]
            );
        }
    }
}

#[test]
fn tables_3_4_5_share_k4_to_k10_with_table1() {
    // The kernel evaluates the polynomial once per level for Eq 1 and Eq 3-10.
    for c in 0..5 {
        for l in 0..3 {
            assert_eq!(
                TABLE1[c][l][3..10],
                TABLE3_4_5[c][l][3..10],
                "config {c} level {l}"
            );
        }
    }
}

#[test]
fn table6_and_table7_enclosure_constants() {
    let rows = read_csv("reference/enclosure_equivalent_dimension_constants.csv");
    assert_eq!(rows.len(), 3);
    for r in &rows {
        assert_eq!(
            TABLE6_A_B[config(&r["config"])],
            [num(r, "A"), num(r, "B")],
            "Table 6 {}",
            r["config"]
        );
    }
    let rows = read_csv("reference/enclosure_size_coefficients.csv");
    assert_eq!(rows.len(), 6);
    for r in &rows {
        let bt = if r["box_type"] == "shallow" {
            BoxType::Shallow
        } else {
            BoxType::Typical
        };
        assert_eq!(
            TABLE7[config(&r["config"])][bt as usize],
            [num(r, "b1"), num(r, "b2"), num(r, "b3")],
            "Table 7 {} {}",
            r["config"],
            r["box_type"]
        );
    }
}

#[test]
fn tables_8_and_10_typical_values() {
    let rows = read_csv("reference/typical_gaps_distances_enclosures.csv");
    let find = |name: &str| rows.iter().find(|r| r["equipment_class"] == name).unwrap();
    let cases = [
        (
            EquipmentClass::Switchgear,
            VoltageClass::Lv,
            "LV switchgear",
        ),
        (
            EquipmentClass::Switchboard,
            VoltageClass::Lv,
            "LV switchgear",
        ),
        (
            EquipmentClass::Switchgear,
            VoltageClass::Kv5,
            "5 kV switchgear (45 x 30 x 30 in)",
        ),
        (
            EquipmentClass::Switchgear,
            VoltageClass::Kv15,
            "15 kV switchgear",
        ),
        (
            EquipmentClass::Mcc,
            VoltageClass::Lv,
            "LV MCCs and panelboards (deep)",
        ),
        (
            EquipmentClass::Panelboard,
            VoltageClass::Lv,
            "LV MCCs and panelboards (deep)",
        ),
        (EquipmentClass::Mcc, VoltageClass::Kv5, "5 kV MCC"),
        (EquipmentClass::Mcc, VoltageClass::Kv15, "15 kV MCC"),
        (
            EquipmentClass::CableJunctionBox,
            VoltageClass::Lv,
            "Cable junction box (deep)",
        ),
    ];
    for (class, vc, name) in cases {
        let r = find(name);
        let t = defaults::typical_values(class, vc).unwrap();
        assert_eq!(t.gap_mm, num(r, "typical_gap_mm"), "{name} gap");
        assert_eq!(
            t.working_distance_mm,
            num(r, "working_distance_mm"),
            "{name} distance"
        );
        assert_eq!(t.height_mm, num(r, "enclosure_height_mm"), "{name} height");
        assert_eq!(t.width_mm, num(r, "enclosure_width_mm"), "{name} width");
        match r["enclosure_depth_mm"].as_str() {
            "" => assert_eq!(
                t.depth_mm, None,
                "{name}: depth is only a bound, treated as typical"
            ),
            _ => assert_eq!(
                t.depth_mm,
                Some(num(r, "enclosure_depth_mm")),
                "{name} depth"
            ),
        }
    }
    for class in [
        EquipmentClass::Switchboard,
        EquipmentClass::Panelboard,
        EquipmentClass::CableJunctionBox,
    ] {
        assert!(
            defaults::typical_values(class, VoltageClass::Kv5).is_none(),
            "{class:?} is LV only"
        );
    }
}

fn check_shock(rel: &str, system: SystemType, table_len: usize) {
    let rows = read_csv(rel);
    assert_eq!(rows.len(), table_len + 1);
    let mut prev_hi = -1.0;
    // Voltages where one row ends and the next starts (DC 5 kV): there the larger boundary of
    // the two rows applies (checked in `dc_5_kv_takes_the_larger_boundary_of_both_rows`).
    let shared: Vec<f64> = rows
        .windows(2)
        .filter(|w| num(&w[1], "v_min_V") <= num(&w[0], "v_max_V"))
        .map(|w| num(&w[0], "v_max_V"))
        .collect();
    for r in &rows {
        let (lo, hi) = (num(r, "v_min_V"), num(r, "v_max_V"));
        let lo = if lo <= prev_hi { lo + 1.0 } else { lo.max(1.0) };
        prev_hi = hi;
        for v in [lo, (lo + hi) / 2.0, hi] {
            if shared.contains(&v) {
                continue;
            }
            let b = nfpa70e::shock_boundaries(system, v);
            let expect = |col: &str| -> Approach {
                match r[col].as_str() {
                    "" if r["rab_ftin"] == "Avoid contact" && col == "rab_mm_exact" => {
                        Approach::AvoidContact
                    }
                    "" => Approach::NotSpecified,
                    _ => Approach::Mm(num(r, col)),
                }
            };
            assert_eq!(
                b.limited_approach_movable,
                expect("lab_movable_mm_exact"),
                "{rel} row {} at {v} V",
                r["row"]
            );
            assert_eq!(
                b.limited_approach_fixed,
                expect("lab_fixed_mm_exact"),
                "{rel} row {} at {v} V",
                r["row"]
            );
            assert_eq!(
                b.restricted_approach,
                expect("rab_mm_exact"),
                "{rel} row {} at {v} V",
                r["row"]
            );
        }
    }
}

#[test]
fn nfpa70e_table_130_4_e_a_ac() {
    check_shock(
        "reference/approach_boundaries_ac.csv",
        SystemType::Ac,
        TABLE_130_4_E_A_AC.len(),
    );
}

#[test]
fn nfpa70e_table_130_4_e_b_dc() {
    check_shock(
        "reference/approach_boundaries_dc.csv",
        SystemType::Dc,
        TABLE_130_4_E_B_DC.len(),
    );
}

#[test]
fn nfpa70e_ppe_categories() {
    let rows = read_csv("reference/ppe_categories.csv");
    for (i, key) in ["cat1", "cat2", "cat3", "cat4"].iter().enumerate() {
        let r = rows.iter().find(|r| r["key"] == *key).unwrap();
        let rating = num(r, "min_arc_rating_cal_cm2");
        assert_eq!(
            nfpa70e::PPE_CATEGORY_MIN_ARC_RATING_CAL_CM2[i],
            rating,
            "{key}"
        );
        assert_eq!(
            nfpa70e::ppe_category(rating),
            Some(i as u8 + 1),
            "{key} covers its own rating"
        );
    }
    let r = rows.iter().find(|r| r["key"] == "afb_threshold").unwrap();
    assert_eq!(
        nfpa70e::NO_PPE_BELOW_CAL_CM2,
        num(r, "min_arc_rating_cal_cm2")
    );
}

#[test]
fn dc_5_kv_takes_the_larger_boundary_of_both_rows() {
    let rows = read_csv("reference/approach_boundaries_dc.csv");
    let (r4, r5) = (&rows[3], &rows[4]);
    assert_eq!((num(r4, "v_max_V"), num(r5, "v_min_V")), (5000.0, 5000.0));
    let b = nfpa70e::shock_boundaries(SystemType::Dc, 5000.0);
    let max = |c: &str| Approach::Mm(num(r4, c).max(num(r5, c)));
    assert_eq!(b.limited_approach_movable, max("lab_movable_mm_exact"));
    assert_eq!(b.limited_approach_fixed, max("lab_fixed_mm_exact"));
    assert_eq!(b.restricted_approach, max("rab_mm_exact"));
}
