//! Likelihood × severity (issue 13), in the style of NFPA 70E Annex F: model `risk@1`.
//!
//! **Severity** (1–5) is the larger of the arc-flash severity — the incident energy's band:
//! below 1.2 cal/cm² 1, up to 4 → 2, up to 8 → 3, up to 40 → 4, above 40 → 5 (the PPE category
//! limits) — and the shock severity: from 50 V at least 3, above 1,000 V at least 4.
//!
//! **Likelihood** (1–5) starts from the equipment class (how often it is worked on energized:
//! switchgear, switchboards, junction boxes 2; MCCs, panelboards, open air, other and unknown 3),
//! adds the maintenance condition (NFPA 70B condition 1: +0, 2: +1, 3: +2; unknown: +1), +1 when
//! maintenance is overdue, +1 when the study is overdue, and for `energized_tasks_per_year`
//! 0: −1, up to 12: +0, up to 52: +1, more: +2 (none given: +0); clamped to 1–5.
//!
//! **Score** = severity × likelihood (1–25); **level**: up to 4 `low`, up to 9 `medium`, up to
//! 16 `high`, above `extreme`. Every number is configurable (`--risk-matrix FILE`, TOML, the
//! structure of [`Matrix`]; `voltmetrics schema risk` prints the defaults).

use super::defaults::EquipmentClass;
use serde::{Deserialize, Serialize};

/// The risk model and its version.
pub const MODEL: &str = "risk@1";

/// The level of a score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Up to `levels.low_max`.
    Low = 0,
    /// Up to `levels.medium_max`.
    Medium = 1,
    /// Up to `levels.high_max`.
    High = 2,
    /// Above.
    Extreme = 3,
}

impl Level {
    /// Every level, in order.
    pub const ALL: [Level; 4] = [Level::Low, Level::Medium, Level::High, Level::Extreme];

    /// `low`, `medium`, `high` or `extreme`.
    pub fn as_str(self) -> &'static str {
        crate::contract::values::RISK_LEVEL[self as usize]
    }
}

/// The risk of one equipment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Risk {
    /// 1–5.
    pub severity: u8,
    /// 1–5.
    pub likelihood: u8,
    /// severity × likelihood.
    pub score: u8,
    /// The score's level.
    pub level: Level,
}

/// What the risk of one equipment is assessed from.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Inputs {
    /// Governing incident energy, cal/cm².
    pub incident_energy_cal_cm2: f64,
    /// Nominal voltage, V.
    pub voltage_v: f64,
    /// Equipment class.
    pub class: Option<EquipmentClass>,
    /// NFPA 70B condition 1–3.
    pub condition: Option<u8>,
    /// MAINTENANCE_OVERDUE.
    pub maintenance_overdue: bool,
    /// STUDY_OVERDUE.
    pub study_overdue: bool,
    /// `energized_tasks_per_year`.
    pub tasks_per_year: Option<f64>,
}

/// The configurable matrix (`--risk-matrix FILE`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Matrix {
    /// Severity.
    pub severity: Severity,
    /// Likelihood.
    pub likelihood: Likelihood,
    /// Levels of the score.
    pub levels: Levels,
}

/// Severity settings.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Severity {
    /// Upper bounds (cal/cm², inclusive) of arc-flash severity 1–4 (severity 1 below the
    /// first: it is exclusive); above the last: 5.
    pub energy_cal_cm2: [f64; 4],
    /// From these voltages (V, the first inclusive, the second exclusive) the shock severity
    /// is at least `shock_severity`.
    pub shock_v: [f64; 2],
    /// See `shock_v`.
    pub shock_severity: [u8; 2],
}

/// Likelihood settings.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Likelihood {
    /// The starting likelihood by equipment class.
    pub class: ClassLikelihood,
    /// Added for NFPA 70B condition 1, 2, 3.
    pub condition: [i8; 3],
    /// Added when the condition is unknown.
    pub condition_unknown: i8,
    /// Added when maintenance is overdue.
    pub maintenance_overdue: i8,
    /// Added when the study is overdue.
    pub study_overdue: i8,
    /// Upper bounds (inclusive) of the energized-task bands.
    pub tasks_per_year: [f64; 3],
    /// Added for each band, then above the last bound.
    pub tasks_adjust: [i8; 4],
}

/// The starting likelihood of each equipment class.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClassLikelihood {
    /// `switchgear`.
    pub switchgear: u8,
    /// `switchboard`.
    pub switchboard: u8,
    /// `mcc`.
    pub mcc: u8,
    /// `panelboard`.
    pub panelboard: u8,
    /// `cable_junction_box`.
    pub cable_junction_box: u8,
    /// `open_air`.
    pub open_air: u8,
    /// `other`.
    pub other: u8,
    /// No class given.
    pub unknown: u8,
}

/// The highest score of each level but the last.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Levels {
    /// Highest `low` score.
    pub low_max: u8,
    /// Highest `medium` score.
    pub medium_max: u8,
    /// Highest `high` score.
    pub high_max: u8,
}

impl Default for Severity {
    fn default() -> Self {
        Severity {
            energy_cal_cm2: [1.2, 4.0, 8.0, 40.0],
            shock_v: [50.0, 1000.0],
            shock_severity: [3, 4],
        }
    }
}

impl Default for Likelihood {
    fn default() -> Self {
        Likelihood {
            class: ClassLikelihood::default(),
            condition: [0, 1, 2],
            condition_unknown: 1,
            maintenance_overdue: 1,
            study_overdue: 1,
            tasks_per_year: [0.0, 12.0, 52.0],
            tasks_adjust: [-1, 0, 1, 2],
        }
    }
}

impl Default for ClassLikelihood {
    fn default() -> Self {
        ClassLikelihood {
            switchgear: 2,
            switchboard: 2,
            mcc: 3,
            panelboard: 3,
            cable_junction_box: 2,
            open_air: 3,
            other: 3,
            unknown: 3,
        }
    }
}

impl Default for Levels {
    fn default() -> Self {
        Levels {
            low_max: 4,
            medium_max: 9,
            high_max: 16,
        }
    }
}

impl Matrix {
    /// A matrix from TOML (missing keys keep their defaults), checked.
    pub fn from_toml(text: &str) -> Result<Matrix, String> {
        let m: Matrix = toml::from_str(text).map_err(|e| e.to_string())?;
        m.check()?;
        Ok(m)
    }

    /// The defaults as TOML.
    pub fn defaults_toml() -> String {
        toml::to_string(&Matrix::default()).unwrap_or_default()
    }

    fn check(&self) -> Result<(), String> {
        let increasing =
            |v: &[f64]| v.windows(2).all(|w| w[0] < w[1]) && v.iter().all(|x| x.is_finite());
        let s = &self.severity;
        if !increasing(&s.energy_cal_cm2) || s.energy_cal_cm2[0] <= 0.0 {
            return Err("severity.energy_cal_cm2: expected 4 increasing positive numbers".into());
        }
        if !increasing(&s.shock_v) || s.shock_severity.iter().any(|&v| !(1..=5).contains(&v)) {
            return Err("severity.shock_v must increase and shock_severity be 1-5".into());
        }
        let c = &self.likelihood.class;
        let starts = [
            c.switchgear,
            c.switchboard,
            c.mcc,
            c.panelboard,
            c.cable_junction_box,
            c.open_air,
            c.other,
            c.unknown,
        ];
        if starts.iter().any(|v| !(1..=5).contains(v)) {
            return Err("likelihood.class: every class's likelihood must be 1-5".into());
        }
        if !increasing(&self.likelihood.tasks_per_year) {
            return Err("likelihood.tasks_per_year: expected 3 increasing numbers".into());
        }
        let l = &self.levels;
        if !(l.low_max < l.medium_max && l.medium_max < l.high_max && l.high_max < 25) {
            return Err("levels: expected low_max < medium_max < high_max < 25".into());
        }
        Ok(())
    }

    /// The risk of one equipment.
    pub fn assess(&self, i: &Inputs) -> Risk {
        let severity = self.severity_of(i);
        let likelihood = self.likelihood_of(i);
        let score = severity * likelihood;
        let l = &self.levels;
        let level = if score <= l.low_max {
            Level::Low
        } else if score <= l.medium_max {
            Level::Medium
        } else if score <= l.high_max {
            Level::High
        } else {
            Level::Extreme
        };
        Risk {
            severity,
            likelihood,
            score,
            level,
        }
    }

    fn severity_of(&self, i: &Inputs) -> u8 {
        let s = &self.severity;
        let e = i.incident_energy_cal_cm2;
        let arc = if e < s.energy_cal_cm2[0] {
            1
        } else {
            2 + s.energy_cal_cm2[1..].iter().filter(|&&b| e > b).count() as u8
        };
        let shock = if i.voltage_v > s.shock_v[1] {
            s.shock_severity[1]
        } else if i.voltage_v >= s.shock_v[0] {
            s.shock_severity[0]
        } else {
            1
        };
        arc.max(shock)
    }

    fn likelihood_of(&self, i: &Inputs) -> u8 {
        let l = &self.likelihood;
        let c = &l.class;
        let start = match i.class {
            Some(EquipmentClass::Switchgear) => c.switchgear,
            Some(EquipmentClass::Switchboard) => c.switchboard,
            Some(EquipmentClass::Mcc) => c.mcc,
            Some(EquipmentClass::Panelboard) => c.panelboard,
            Some(EquipmentClass::CableJunctionBox) => c.cable_junction_box,
            Some(EquipmentClass::OpenAir) => c.open_air,
            Some(EquipmentClass::Other) => c.other,
            None => c.unknown,
        };
        let mut v = i32::from(start);
        v += i32::from(match i.condition {
            Some(k @ 1..=3) => l.condition[usize::from(k - 1)],
            _ => l.condition_unknown,
        });
        v += i32::from(l.maintenance_overdue) * i32::from(i.maintenance_overdue);
        v += i32::from(l.study_overdue) * i32::from(i.study_overdue);
        if let Some(t) = i.tasks_per_year {
            let band = l.tasks_per_year.iter().filter(|&&b| t > b).count();
            v += i32::from(l.tasks_adjust[band]);
        }
        v.clamp(1, 5) as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(e: f64, v: f64) -> Inputs {
        Inputs {
            incident_energy_cal_cm2: e,
            voltage_v: v,
            class: Some(EquipmentClass::Switchgear),
            condition: Some(1),
            ..Inputs::default()
        }
    }

    #[test]
    fn severity_bands_and_shock() {
        let m = Matrix::default();
        let sev = |e, v| m.assess(&inputs(e, v)).severity;
        assert_eq!(sev(1.0, 24.0), 1);
        assert_eq!(sev(1.2, 24.0), 2);
        assert_eq!(sev(4.0, 24.0), 2);
        assert_eq!(sev(4.01, 24.0), 3);
        assert_eq!(sev(8.01, 24.0), 4);
        assert_eq!(sev(40.0, 24.0), 4);
        assert_eq!(sev(40.01, 24.0), 5);
        assert_eq!(sev(0.5, 480.0), 3, "shock from 50 V");
        assert_eq!(sev(0.5, 4160.0), 4, "shock above 1 kV");
        assert_eq!(sev(50.0, 4160.0), 5);
    }

    #[test]
    fn likelihood_adds_up_and_clamps() {
        let m = Matrix::default();
        let mut i = inputs(2.0, 480.0);
        assert_eq!(m.assess(&i).likelihood, 2);
        i.condition = Some(3);
        i.maintenance_overdue = true;
        assert_eq!(m.assess(&i).likelihood, 5);
        i.study_overdue = true;
        i.tasks_per_year = Some(100.0);
        assert_eq!(m.assess(&i).likelihood, 5, "clamped");
        let mut j = inputs(2.0, 480.0);
        j.tasks_per_year = Some(0.0);
        assert_eq!(m.assess(&j).likelihood, 1);
        j.tasks_per_year = Some(12.0);
        assert_eq!(m.assess(&j).likelihood, 2);
        j.tasks_per_year = Some(13.0);
        assert_eq!(m.assess(&j).likelihood, 3);
        j.class = None;
        j.condition = None;
        assert_eq!(m.assess(&j).likelihood, 5);
    }

    #[test]
    fn levels_and_toml() {
        let m = Matrix::default();
        let r = m.assess(&inputs(50.0, 13800.0));
        assert_eq!(
            (r.severity, r.likelihood, r.score, r.level),
            (5, 2, 10, Level::High)
        );
        let low = m.assess(&inputs(0.5, 24.0));
        assert_eq!((low.score, low.level), (2, Level::Low));
        let text = Matrix::defaults_toml();
        assert_eq!(Matrix::from_toml(&text).unwrap(), m);
        let custom =
            Matrix::from_toml("[levels]\nlow_max = 2\nmedium_max = 5\nhigh_max = 8\n").unwrap();
        assert_eq!(custom.assess(&inputs(50.0, 13800.0)).level, Level::Extreme);
        assert!(Matrix::from_toml("[levels]\nlow_max = 9\n").is_err());
        assert!(Matrix::from_toml("[severity]\nbogus = 1\n").is_err());
    }
}
