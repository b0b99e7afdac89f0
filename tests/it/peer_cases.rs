//! 600 random valid cases (all five configurations, LV and MV, box edge cases) computed by an
//! independent public implementation: every output to 1e-9 relative.

use crate::common::{close, num, read_csv};
use voltmetrics::core::algorithms::ieee1584_2018::{
    calculate, equations, ElectrodeConfig, EnclosureMm, Inputs,
};

const REL: f64 = 1e-9;

fn inputs(row: &std::collections::HashMap<String, String>) -> Inputs {
    let t = num(row, "arc_duration_ms");
    Inputs {
        config: ElectrodeConfig::parse(&row["electrode_config"]).unwrap(),
        voc_kv: num(row, "nominal_voltage_v") / 1000.0,
        ibf_ka: num(row, "bolted_fault_current_ka"),
        gap_mm: num(row, "gap_mm"),
        working_distance_mm: num(row, "working_distance_mm"),
        enclosure: Some(EnclosureMm {
            height_mm: num(row, "enclosure_height_mm"),
            width_mm: num(row, "enclosure_width_mm"),
            depth_mm: Some(num(row, "enclosure_depth_mm")),
        }),
        arc_duration_ms: t,
        arc_duration_reduced_ms: t,
    }
}

#[test]
fn all_600_peer_cases_match_to_1e_9() {
    let rows = read_csv("reference/peer_cases.csv");
    assert_eq!(rows.len(), 600);
    let mut failures = Vec::new();
    for row in &rows {
        let inp = inputs(row);
        let calc = calculate(&inp).unwrap_or_else(|e| panic!("{}: {e}", row["equipment_id"]));
        let r = calc.detail.results;
        let lit = equations::calculate_reference(&inp);
        let pairs = [
            (
                "exp_arcing_current_ka",
                r.arcing_current_ka,
                lit.arcing_current_ka,
            ),
            (
                "exp_arcing_current_reduced_ka",
                r.arcing_current_reduced_ka,
                lit.arcing_current_reduced_ka,
            ),
            (
                "exp_incident_energy_full_j_cm2",
                r.incident_energy_full_j_cm2,
                lit.incident_energy_full_j_cm2,
            ),
            (
                "exp_incident_energy_reduced_j_cm2",
                r.incident_energy_reduced_j_cm2,
                lit.incident_energy_reduced_j_cm2,
            ),
            (
                "exp_arc_flash_boundary_full_mm",
                r.arc_flash_boundary_full_mm,
                lit.arc_flash_boundary_full_mm,
            ),
            (
                "exp_arc_flash_boundary_reduced_mm",
                r.arc_flash_boundary_reduced_mm,
                lit.arc_flash_boundary_reduced_mm,
            ),
        ];
        for (col, kernel, literal) in pairs {
            let expected = num(row, col);
            if !close(kernel, expected, REL) || !close(literal, expected, REL) {
                failures.push(format!(
                    "{} {col}: kernel {kernel} literal {literal} expected {expected}",
                    row["equipment_id"]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
