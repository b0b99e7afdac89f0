//! Compliance rules (listed in `docs/contract.md`), evaluated against `--as-of`. The rule table lives here, in one
//! place, with its references; each finding is a bit of [`Findings`], so the hot path does no
//! allocation.

use chrono::{Datelike, Months, NaiveDate};

/// Severity of a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Advisory.
    Warn,
    /// Non-compliant.
    Fail,
}

/// One rule of the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The rule id written to `findings`.
    pub id: &'static str,
    /// Its severity.
    pub severity: Severity,
    /// What it checks, with its reference.
    pub description: &'static str,
}

/// The rule table, in the order findings are listed.
pub const RULES: [Rule; 14] = [
    Rule {
        id: "LABEL_MISSING",
        severity: Severity::Fail,
        description: "no label data (NFPA 70E 130.5(H); NEC 110.16)",
    },
    Rule {
        id: "LABEL_IE_UNDERSTATED",
        severity: Severity::Fail,
        description: "label incident energy below the computed incident energy",
    },
    Rule {
        id: "LABEL_AFB_UNDERSTATED",
        severity: Severity::Fail,
        description: "label arc-flash boundary below the computed one",
    },
    Rule {
        id: "LABEL_PPE_UNDERSTATED",
        severity: Severity::Fail,
        description: "label PPE category lower than the computed one",
    },
    Rule {
        id: "LABEL_PREDATES_STUDY",
        severity: Severity::Warn,
        description: "label dated before the study it should reflect",
    },
    Rule {
        id: "STUDY_MISSING",
        severity: Severity::Warn,
        description: "no study_date",
    },
    Rule {
        id: "STUDY_OVERDUE",
        severity: Severity::Fail,
        description: "study older than 5 years (NFPA 70E 130.5(2))",
    },
    Rule {
        id: "STUDY_DUE_SOON",
        severity: Severity::Warn,
        description: "study due within 180 days",
    },
    Rule {
        id: "MAINTENANCE_OVERDUE",
        severity: Severity::Fail,
        description: "last maintenance older than the interval for its condition (NFPA 70B-2023)",
    },
    Rule {
        id: "MAINTENANCE_POOR",
        severity: Severity::Warn,
        description: "ECM 3: clearing times may not hold (NFPA 70E 130.5(3))",
    },
    Rule {
        id: "DANGER_OVER_40",
        severity: Severity::Fail,
        description: "incident energy above the danger threshold: no PPE category covers it",
    },
    Rule {
        id: "OUT_OF_RANGE",
        severity: Severity::Warn,
        description: "an input lies outside the method's validated range",
    },
    Rule {
        id: "ARC_DURATION_CAPPED",
        severity: Severity::Warn,
        description: "the protective device's clearing time is above --max-arc-duration (or infinite: it does not trip) and was capped (IEEE 1584: 2 s when the worker can move away)",
    },
    Rule {
        id: "DEVICE_NO_TRIP",
        severity: Severity::Fail,
        description: "the protective device does not trip at the arcing current: the arc is cleared by nothing in the library (the duration is the cap)",
    },
];

/// Bit of each rule in [`Findings`] (index into [`RULES`]).
pub mod bit {
    #![allow(missing_docs)]
    pub const LABEL_MISSING: u16 = 1 << 0;
    pub const LABEL_IE_UNDERSTATED: u16 = 1 << 1;
    pub const LABEL_AFB_UNDERSTATED: u16 = 1 << 2;
    pub const LABEL_PPE_UNDERSTATED: u16 = 1 << 3;
    pub const LABEL_PREDATES_STUDY: u16 = 1 << 4;
    pub const STUDY_MISSING: u16 = 1 << 5;
    pub const STUDY_OVERDUE: u16 = 1 << 6;
    pub const STUDY_DUE_SOON: u16 = 1 << 7;
    pub const MAINTENANCE_OVERDUE: u16 = 1 << 8;
    pub const MAINTENANCE_POOR: u16 = 1 << 9;
    pub const DANGER_OVER_40: u16 = 1 << 10;
    pub const OUT_OF_RANGE: u16 = 1 << 11;
    pub const ARC_DURATION_CAPPED: u16 = 1 << 12;
    pub const DEVICE_NO_TRIP: u16 = 1 << 13;
    /// Any of the three understated-label rules.
    pub const LABEL_UNDERSTATED: u16 =
        LABEL_IE_UNDERSTATED | LABEL_AFB_UNDERSTATED | LABEL_PPE_UNDERSTATED;
}

/// `compliance_status`: the worst severity of a row's findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ComplianceStatus {
    /// No finding.
    Pass = 0,
    /// Warnings only.
    Warn = 1,
    /// At least one failing rule.
    Fail = 2,
}

impl ComplianceStatus {
    /// `pass`, `warn`, `fail`.
    pub fn as_str(self) -> &'static str {
        crate::contract::values::COMPLIANCE_STATUS[self as usize]
    }
}

/// The findings of one row as bits of [`RULES`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Findings(pub u16);

impl Findings {
    /// Whether a rule bit is set.
    pub fn has(self, b: u16) -> bool {
        self.0 & b != 0
    }

    /// The worst severity: pass, warn or fail.
    pub fn status(self) -> ComplianceStatus {
        let mut worst: Option<Severity> = None;
        for (i, r) in RULES.iter().enumerate() {
            if self.0 & (1 << i) != 0 {
                worst = worst.max(Some(r.severity));
            }
        }
        match worst {
            None => ComplianceStatus::Pass,
            Some(Severity::Warn) => ComplianceStatus::Warn,
            Some(Severity::Fail) => ComplianceStatus::Fail,
        }
    }

    /// The rule ids joined with `;` (the `findings` column).
    pub fn joined(self) -> String {
        RULES
            .iter()
            .enumerate()
            .filter(|(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, r)| r.id)
            .collect::<Vec<_>>()
            .join(";")
    }
}

/// Maintenance intervals in months for NFPA 70B equipment condition 1, 2, 3.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaintenanceIntervals(pub [u32; 3]);

impl Default for MaintenanceIntervals {
    /// 60, 36 and 12 months (NFPA 70B-2023).
    fn default() -> Self {
        MaintenanceIntervals([60, 36, 12])
    }
}

impl MaintenanceIntervals {
    /// Parses `60,36,12`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let parts: Vec<&str> = s.split(',').map(str::trim).collect();
        let bad = || {
            format!("'{s}': expected three whole numbers of months for condition 1, 2 and 3, e.g. 60,36,12")
        };
        if parts.len() != 3 {
            return Err(bad());
        }
        let mut out = [0u32; 3];
        for (o, p) in out.iter_mut().zip(&parts) {
            *o = p.parse::<u32>().ok().filter(|m| *m > 0).ok_or_else(bad)?;
        }
        Ok(MaintenanceIntervals(out))
    }
}

/// Study review period: 5 years.
pub const STUDY_REVIEW_MONTHS: u32 = 60;
/// "Due soon" window.
pub const STUDY_DUE_SOON_DAYS: i64 = 180;
/// Condition assumed when a row gives a maintenance date but no condition (NFPA 70B ECM 2).
pub const DEFAULT_CONDITION: u8 = 2;

/// What the rules look at for one computed row.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ComplianceInputs {
    /// `label_incident_energy_cal_cm2`.
    pub label_incident_energy_cal_cm2: Option<f64>,
    /// `label_arc_flash_boundary_mm`.
    pub label_arc_flash_boundary_mm: Option<f64>,
    /// `label_ppe_category`.
    pub label_ppe_category: Option<u8>,
    /// `label_date`.
    pub label_date: Option<NaiveDate>,
    /// `study_date`.
    pub study_date: Option<NaiveDate>,
    /// `last_maintenance_date`.
    pub last_maintenance_date: Option<NaiveDate>,
    /// `maintenance_condition` 1–3.
    pub maintenance_condition: Option<u8>,
    /// Computed governing incident energy, cal/cm².
    pub incident_energy_cal_cm2: f64,
    /// Computed arc-flash boundary, mm.
    pub arc_flash_boundary_mm: f64,
    /// Computed PPE category (`None` above 40 cal/cm²).
    pub ppe_category: Option<u8>,
    /// Above the danger threshold.
    pub danger: bool,
    /// Any advisory range warning.
    pub out_of_range: bool,
    /// A device-derived clearing time was capped.
    pub duration_capped: bool,
    /// The protective device does not trip at an arcing current.
    pub device_no_trip: bool,
}

/// Evaluates every rule for one computed row against `as_of`.
pub fn evaluate(
    c: &ComplianceInputs,
    as_of: NaiveDate,
    intervals: MaintenanceIntervals,
) -> Findings {
    evaluate_at(c, &Deadlines::new(as_of, intervals))
}

/// [`evaluate`] with the deadlines worked out beforehand (once for many rows).
pub fn evaluate_at(c: &ComplianceInputs, d: &Deadlines) -> Findings {
    use bit::*;
    let mut f = without_result(c, d).0;
    // A label is understated when it states less than computed (labels round; a label equal to
    // the computed value to 1e-9 is not understated).
    if c.label_incident_energy_cal_cm2
        .is_some_and(|l| l < c.incident_energy_cal_cm2 * (1.0 - 1e-9))
    {
        f |= LABEL_IE_UNDERSTATED;
    }
    if c.label_arc_flash_boundary_mm
        .is_some_and(|l| l < c.arc_flash_boundary_mm * (1.0 - 1e-9))
    {
        f |= LABEL_AFB_UNDERSTATED;
    }
    if let Some(l) = c.label_ppe_category {
        // Above 40 cal/cm² no category covers the energy, so every label category is too low.
        if c.ppe_category.is_none_or(|p| l < p) {
            f |= LABEL_PPE_UNDERSTATED;
        }
    }
    if c.danger {
        f |= DANGER_OVER_40;
    }
    if c.out_of_range {
        f |= OUT_OF_RANGE;
    }
    if c.duration_capped {
        f |= ARC_DURATION_CAPPED;
    }
    if c.device_no_trip {
        f |= DEVICE_NO_TRIP;
    }
    Findings(f)
}

/// The rules that do not depend on an arc-flash result — `LABEL_MISSING`,
/// `LABEL_PREDATES_STUDY`, `STUDY_*`, `MAINTENANCE_*` — for rows no method covers
/// (`not_applicable`) as for computed ones. The computed values of `c` are not read.
pub fn evaluate_without_result(
    c: &ComplianceInputs,
    as_of: NaiveDate,
    intervals: MaintenanceIntervals,
) -> Findings {
    without_result(c, &Deadlines::new(as_of, intervals))
}

/// [`evaluate_without_result`] with the deadlines worked out beforehand.
pub fn without_result(c: &ComplianceInputs, d: &Deadlines) -> Findings {
    use bit::*;
    let mut f = 0u16;
    // Known without an arc-flash result: a device that does not trip (a not-applicable row
    // under `--max-arc-duration none`).
    if c.device_no_trip {
        f |= DEVICE_NO_TRIP;
    }
    let has_label = c.label_incident_energy_cal_cm2.is_some()
        || c.label_arc_flash_boundary_mm.is_some()
        || c.label_ppe_category.is_some();
    if !has_label {
        f |= LABEL_MISSING;
    }
    if let (Some(l), Some(s)) = (c.label_date, c.study_date) {
        if l < s {
            f |= LABEL_PREDATES_STUDY;
        }
    }
    match c.study_date {
        None => f |= STUDY_MISSING,
        Some(s) if before(s, d.study_overdue) => f |= STUDY_OVERDUE,
        Some(s) if before(s, d.study_due_soon) => f |= STUDY_DUE_SOON,
        Some(_) => {}
    }
    if let Some(m) = c.last_maintenance_date {
        let cond = c
            .maintenance_condition
            .unwrap_or(DEFAULT_CONDITION)
            .clamp(1, 3);
        if before(m, d.maintenance_overdue[usize::from(cond - 1)]) {
            f |= MAINTENANCE_OVERDUE;
        }
    }
    if c.maintenance_condition == Some(3) {
        f |= MAINTENANCE_POOR;
    }
    Findings(f)
}

/// Whether `date` comes before `end` (`None`: every date does).
#[inline]
fn before(date: NaiveDate, end: Option<NaiveDate>) -> bool {
    end.is_none_or(|e| date < e)
}

/// The date rules of one `as_of` and set of maintenance intervals, turned into the dates they
/// put on the inputs. A study is overdue when its review date (`study_date` + 60 months,
/// chrono's month arithmetic: the day clamped to the month's end) is before `as_of`, and due
/// soon when that date is at most 180 days after `as_of`; maintenance likewise with its
/// condition's interval. A later input date never gives an earlier due date, so each rule holds
/// exactly for the inputs before one date: found once by bisection with the rule itself (so the
/// rule is written once), then each row compares dates instead of adding months.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadlines {
    /// Studies dated before this are overdue (`None`: all are).
    study_overdue: Option<NaiveDate>,
    /// Studies dated before this (and not overdue) are due soon.
    study_due_soon: Option<NaiveDate>,
    /// Maintenance before this is overdue, by condition 1–3.
    maintenance_overdue: [Option<NaiveDate>; 3],
}

impl Deadlines {
    /// The deadlines of `as_of` and `intervals`.
    pub fn new(as_of: NaiveDate, intervals: MaintenanceIntervals) -> Deadlines {
        let due = |date: NaiveDate, months: u32| {
            date.checked_add_months(Months::new(months))
                .unwrap_or(NaiveDate::MAX)
        };
        let overdue = |months: u32| end_of(|date| due(date, months) < as_of, as_of, months);
        Deadlines {
            study_overdue: overdue(STUDY_REVIEW_MONTHS),
            study_due_soon: end_of(
                |date| (due(date, STUDY_REVIEW_MONTHS) - as_of).num_days() <= STUDY_DUE_SOON_DAYS,
                as_of,
                STUDY_REVIEW_MONTHS,
            ),
            maintenance_overdue: intervals.0.map(overdue),
        }
    }
}

/// The first date for which `holds` is false (`None`: it holds for every date), for a rule
/// that holds on the dates before some date and on none after. The search starts in a window
/// around `as_of` − `months`, where the dates of the rules above fall, and widens to every
/// date when the window does not hold the change.
fn end_of(holds: impl Fn(NaiveDate) -> bool, as_of: NaiveDate, months: u32) -> Option<NaiveDate> {
    let day = |d: NaiveDate| d.num_days_from_ce();
    let date = |n: i32| NaiveDate::from_num_days_from_ce_opt(n).unwrap_or(NaiveDate::MAX);
    let (min, max) = (day(NaiveDate::MIN), day(NaiveDate::MAX));
    if holds(NaiveDate::MAX) {
        return None;
    }
    if !holds(NaiveDate::MIN) {
        return Some(NaiveDate::MIN);
    }
    let near = as_of
        .checked_sub_months(Months::new(months))
        .map_or(min, day);
    let window = (
        near.saturating_sub(400).max(min),
        near.saturating_add(400).min(max),
    );
    // holds(lo) and !holds(hi) throughout.
    let (mut lo, mut hi) = if holds(date(window.0)) && !holds(date(window.1)) {
        window
    } else {
        (min, max)
    };
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if holds(date(mid)) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(date(hi))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The date rules as written in the contract: add the months to each date (the oracle of
    /// [`Deadlines`]).
    fn date_rules(c: &ComplianceInputs, as_of: NaiveDate, intervals: MaintenanceIntervals) -> u16 {
        let due = |d: NaiveDate, m: u32| {
            d.checked_add_months(Months::new(m))
                .unwrap_or(NaiveDate::MAX)
        };
        let mut f = 0;
        if let Some(s) = c.study_date {
            let due = due(s, STUDY_REVIEW_MONTHS);
            if due < as_of {
                f |= bit::STUDY_OVERDUE;
            } else if (due - as_of).num_days() <= STUDY_DUE_SOON_DAYS {
                f |= bit::STUDY_DUE_SOON;
            }
        }
        if let Some(m) = c.last_maintenance_date {
            let cond = c
                .maintenance_condition
                .unwrap_or(DEFAULT_CONDITION)
                .clamp(1, 3);
            if due(m, intervals.0[usize::from(cond - 1)]) < as_of {
                f |= bit::MAINTENANCE_OVERDUE;
            }
        }
        f
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        let (lo, hi) = (
            NaiveDate::MIN.num_days_from_ce(),
            NaiveDate::MAX.num_days_from_ce(),
        );
        prop_oneof![
            // Near today's dates, where month ends and leap days meet the deadlines.
            (730_000i32..740_000).prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).unwrap()),
            (lo..=hi).prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).unwrap()),
            Just(NaiveDate::MIN),
            Just(NaiveDate::MAX),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Comparing dates with the deadlines gives what adding months to each date gives.
        #[test]
        fn deadlines_agree_with_adding_months(
            as_of in any_date(),
            study in any_date(),
            maintenance in any_date(),
            condition in proptest::option::of(1u8..=3),
            months in proptest::array::uniform3(prop_oneof![1u32..=36, 1u32..=100_000]),
            offset in -400i64..400,
        ) {
            let intervals = MaintenanceIntervals(months);
            // Half the cases put the study right at its deadline, give or take a few days.
            let study = if offset % 2 == 0 {
                as_of
                    .checked_sub_months(Months::new(STUDY_REVIEW_MONTHS))
                    .and_then(|d| d.checked_add_signed(chrono::TimeDelta::days(offset / 2)))
                    .unwrap_or(study)
            } else {
                study
            };
            let c = ComplianceInputs {
                study_date: Some(study),
                last_maintenance_date: Some(maintenance),
                maintenance_condition: condition,
                ..ComplianceInputs::default()
            };
            let mask = bit::STUDY_OVERDUE | bit::STUDY_DUE_SOON | bit::MAINTENANCE_OVERDUE;
            let got = evaluate_without_result(&c, as_of, intervals).0 & mask;
            prop_assert_eq!(got, date_rules(&c, as_of, intervals));
        }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn base() -> ComplianceInputs {
        ComplianceInputs {
            label_incident_energy_cal_cm2: Some(5.0),
            label_arc_flash_boundary_mm: Some(1500.0),
            label_ppe_category: Some(2),
            label_date: Some(d("2024-02-01")),
            study_date: Some(d("2024-01-15")),
            last_maintenance_date: Some(d("2025-06-01")),
            maintenance_condition: Some(1),
            incident_energy_cal_cm2: 4.5,
            arc_flash_boundary_mm: 1400.0,
            ppe_category: Some(2),
            danger: false,
            out_of_range: false,
            duration_capped: false,
            device_no_trip: false,
        }
    }

    #[test]
    fn rule_bits_follow_the_table() {
        assert_eq!(RULES[6].id, "STUDY_OVERDUE");
        assert_eq!(Findings(bit::STUDY_OVERDUE).joined(), "STUDY_OVERDUE");
        assert_eq!(Findings(bit::OUT_OF_RANGE).joined(), "OUT_OF_RANGE");
        assert_eq!(
            Findings(bit::DANGER_OVER_40 | bit::LABEL_MISSING).joined(),
            "LABEL_MISSING;DANGER_OVER_40"
        );
    }

    #[test]
    fn clean_row_passes() {
        let f = evaluate(&base(), d("2026-11-26"), MaintenanceIntervals::default());
        assert_eq!(f, Findings(0));
        assert_eq!(f.status(), ComplianceStatus::Pass);
    }

    /// Asserts that `c` triggers rule `b`.
    fn check(c: ComplianceInputs, b: u16) {
        let f = evaluate(&c, d("2026-11-26"), MaintenanceIntervals::default());
        assert!(f.has(b), "{:?} missing {}", c, Findings(b).joined());
    }

    #[test]
    fn label_rules_trigger() {
        check(
            ComplianceInputs {
                label_incident_energy_cal_cm2: None,
                label_arc_flash_boundary_mm: None,
                label_ppe_category: None,
                ..base()
            },
            bit::LABEL_MISSING,
        );
        check(
            ComplianceInputs {
                label_incident_energy_cal_cm2: Some(4.0),
                ..base()
            },
            bit::LABEL_IE_UNDERSTATED,
        );
        check(
            ComplianceInputs {
                label_arc_flash_boundary_mm: Some(1000.0),
                ..base()
            },
            bit::LABEL_AFB_UNDERSTATED,
        );
        check(
            ComplianceInputs {
                label_ppe_category: Some(1),
                ..base()
            },
            bit::LABEL_PPE_UNDERSTATED,
        );
        check(
            ComplianceInputs {
                ppe_category: None,
                label_ppe_category: Some(4),
                ..base()
            },
            bit::LABEL_PPE_UNDERSTATED,
        );
        check(
            ComplianceInputs {
                label_date: Some(d("2023-12-01")),
                ..base()
            },
            bit::LABEL_PREDATES_STUDY,
        );
    }

    #[test]
    fn study_rules_trigger() {
        check(
            ComplianceInputs {
                study_date: None,
                ..base()
            },
            bit::STUDY_MISSING,
        );
        check(
            ComplianceInputs {
                study_date: Some(d("2021-11-25")),
                ..base()
            },
            bit::STUDY_OVERDUE,
        );
        check(
            ComplianceInputs {
                study_date: Some(d("2022-01-15")),
                ..base()
            },
            bit::STUDY_DUE_SOON,
        );
    }

    #[test]
    fn maintenance_and_result_rules_trigger() {
        check(
            ComplianceInputs {
                maintenance_condition: Some(3),
                last_maintenance_date: Some(d("2025-10-01")),
                ..base()
            },
            bit::MAINTENANCE_OVERDUE,
        );
        check(
            ComplianceInputs {
                maintenance_condition: Some(3),
                ..base()
            },
            bit::MAINTENANCE_POOR,
        );
        check(
            ComplianceInputs {
                danger: true,
                ..base()
            },
            bit::DANGER_OVER_40,
        );
        check(
            ComplianceInputs {
                out_of_range: true,
                ..base()
            },
            bit::OUT_OF_RANGE,
        );
    }

    #[test]
    fn edges() {
        let iv = MaintenanceIntervals::default();
        // Exactly five years old: due today, not overdue; due soon.
        let f = evaluate(
            &ComplianceInputs {
                study_date: Some(d("2021-11-26")),
                ..base()
            },
            d("2026-11-26"),
            iv,
        );
        assert!(!f.has(bit::STUDY_OVERDUE) && f.has(bit::STUDY_DUE_SOON));
        // A label equal to the computed value is not understated.
        let f = evaluate(
            &ComplianceInputs {
                label_incident_energy_cal_cm2: Some(4.5),
                ..base()
            },
            d("2026-11-26"),
            iv,
        );
        assert!(!f.has(bit::LABEL_IE_UNDERSTATED));
        assert_eq!(
            MaintenanceIntervals::parse("48, 24,6").unwrap(),
            MaintenanceIntervals([48, 24, 6])
        );
        assert!(MaintenanceIntervals::parse("1,2").is_err());
        assert!(MaintenanceIntervals::parse("1,x,3").is_err());
    }
}
