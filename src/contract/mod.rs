//! The column contract: every column of the inventory ([`input`]), the results ([`results`]),
//! the facility summary ([`summary`]), the stored history ([`history`]) and the Redis run
//! status ([`run_status`]), with its type,
//! unit, nullability and meaning, in order. The reader, the writers, `voltmetrics schema`, the
//! PostgreSQL column check, the Redis fields and `docs/contract.md` all derive from these
//! tables; no other module spells a column name.
//!
//! This module depends on nothing else in the crate.

pub mod docs;
pub mod values;

/// The type of a column's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    /// Free text (an id).
    Text,
    /// One of a closed set of texts.
    Enum(&'static [&'static str]),
    /// A `;`-separated list of texts.
    List,
    /// A floating-point number.
    Number,
    /// A whole number in `[min, max]`.
    Integer(i64, i64),
    /// A count (a whole number ≥ 0).
    Count,
    /// `true` or `false`.
    Boolean,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// An RFC 3339 time.
    Timestamp,
    /// 16 lower-case hex digits.
    Hash,
    /// A UUID.
    Uuid,
}

impl Type {
    /// The PostgreSQL type the column is stored as.
    pub fn sql(self) -> &'static str {
        match self {
            Type::Text | Type::Enum(_) | Type::List | Type::Date | Type::Hash => "text",
            Type::Number => "double precision",
            Type::Integer(..) => "integer",
            Type::Count => "bigint",
            Type::Boolean => "boolean",
            Type::Timestamp => "timestamp with time zone",
            Type::Uuid => "uuid",
        }
    }

    /// Whether an input column of this type is read as a number.
    pub fn is_numeric(self) -> bool {
        matches!(self, Type::Number | Type::Integer(..) | Type::Count)
    }

    /// A short name for documentation.
    pub fn describe(self) -> String {
        match self {
            Type::Text => "text".into(),
            Type::Enum(v) => format!("one of {}", v.join(", ")),
            Type::List => "`;`-separated list".into(),
            Type::Number => "number".into(),
            Type::Integer(lo, hi) => format!("integer {lo}-{hi}"),
            Type::Count => "count".into(),
            Type::Boolean => "boolean".into(),
            Type::Date => "date YYYY-MM-DD".into(),
            Type::Timestamp => "RFC 3339 time".into(),
            Type::Hash => "16 hex digits".into(),
            Type::Uuid => "UUID".into(),
        }
    }
}

/// One column of a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    /// Its name (snake_case, with the unit in it where it has one).
    pub name: &'static str,
    /// The type of its values.
    pub ty: Type,
    /// Its unit, empty when it has none.
    pub unit: &'static str,
    /// Whether a value may be missing (input: whether the column is optional).
    pub nullable: bool,
    /// What it means.
    pub description: &'static str,
    /// Its position in its table.
    pub position: usize,
}

/// Defines a table: one constant per column, `ALL` in order, and `COUNT`.
macro_rules! table {
    ($($konst:ident: $name:literal, $ty:expr, $unit:literal, $nullable:expr, $desc:literal;)*) => {
        #[allow(non_camel_case_types, clippy::upper_case_acronyms, dead_code)]
        #[repr(usize)]
        enum Position {
            $($konst),*
        }
        $(
            #[doc = $desc]
            pub const $konst: $crate::contract::Column = $crate::contract::Column {
                name: $name,
                ty: $ty,
                unit: $unit,
                nullable: $nullable,
                description: $desc,
                position: Position::$konst as usize,
            };
        )*
        /// Every column, in order.
        pub const ALL: &[$crate::contract::Column] = &[$($konst),*];
        /// The number of columns.
        pub const COUNT: usize = ALL.len();

        /// The column called `name`.
        pub fn by_name(name: &str) -> Option<&'static $crate::contract::Column> {
            ALL.iter().find(|c| c.name == name)
        }

        /// Every column name, in order.
        pub fn names() -> impl Iterator<Item = &'static str> {
            ALL.iter().map(|c| c.name)
        }
    };
}

/// The inventory: one row per equipment. Unknown columns are passed through.
pub mod input {
    use super::values as v;
    use super::Type::*;

    table! {
        FACILITY_ID: "facility_id", Text, "", false, "Site identifier (required). `*` is reserved for the portfolio row.";
        EQUIPMENT_ID: "equipment_id", Text, "", false, "Unique within its facility (required); a repeated (facility_id, equipment_id) makes every such row invalid.";
        EQUIPMENT_CLASS: "equipment_class", Enum(v::EQUIPMENT_CLASS), "", true, "Fills missing electrode configuration, gap, working distance and enclosure from IEEE 1584-2018 Tables 8 and 10 for the voltage class.";
        SYSTEM_TYPE: "system_type", Enum(v::SYSTEM_TYPE), "", true, "AC or DC; empty means AC.";
        NOMINAL_VOLTAGE_V: "nominal_voltage_v", Number, "V", false, "AC: line-to-line rms volts; DC: system volts (required).";
        BOLTED_FAULT_CURRENT_KA: "bolted_fault_current_ka", Number, "kA", false, "AC: three-phase symmetrical rms bolted fault current at the equipment; DC: available bolted fault current (required).";
        ELECTRODE_CONFIG: "electrode_config", Enum(v::ELECTRODE_CONFIG), "", true, "IEEE 1584-2018 electrode configuration; required when no equipment_class implies one (VOA and HOA are open air, the others a box).";
        GAP_MM: "gap_mm", Number, "mm", true, "Conductor gap.";
        WORKING_DISTANCE_MM: "working_distance_mm", Number, "mm", true, "Working distance.";
        ENCLOSURE_HEIGHT_MM: "enclosure_height_mm", Number, "mm", true, "Enclosure inside height.";
        ENCLOSURE_WIDTH_MM: "enclosure_width_mm", Number, "mm", true, "Enclosure inside width.";
        ENCLOSURE_DEPTH_MM: "enclosure_depth_mm", Number, "mm", true, "Enclosure inside depth; unknown means a typical (not shallow) box.";
        ARC_DURATION_MS: "arc_duration_ms", Number, "ms", true, "Clearing time at the full arcing current (required unless protective_device_id is given).";
        ARC_DURATION_REDUCED_MS: "arc_duration_reduced_ms", Number, "ms", true, "Clearing time at the reduced arcing current; defaults to arc_duration_ms.";
        PROTECTIVE_DEVICE_ID: "protective_device_id", Text, "", true, "A device of the protective-device library (--devices).";
        LABEL_INCIDENT_ENERGY_CAL_CM2: "label_incident_energy_cal_cm2", Number, "cal/cm2", true, "Incident energy the equipment's arc-flash label states.";
        LABEL_ARC_FLASH_BOUNDARY_MM: "label_arc_flash_boundary_mm", Number, "mm", true, "Arc-flash boundary the label states.";
        LABEL_PPE_CATEGORY: "label_ppe_category", Integer(0, 4), "", true, "PPE category (0-4) the label states.";
        LABEL_DATE: "label_date", Date, "", true, "Date of the label.";
        STUDY_DATE: "study_date", Date, "", true, "Date of the arc-flash study.";
        LAST_MAINTENANCE_DATE: "last_maintenance_date", Date, "", true, "Date of the last maintenance.";
        MAINTENANCE_CONDITION: "maintenance_condition", Enum(v::MAINTENANCE_CONDITION), "", true, "NFPA 70B equipment condition 1, 2, 3 (or good, fair, poor).";
        METHOD: "method", Text, "", true, "The calculation method of this row: auto or a method id such as lee@1 (empty: the run's --method).";
        GROUNDING: "grounding", Enum(v::GROUNDING), "", true, "System grounding, used by ieee1584-2002@1 (default grounded).";
        DEVICE_CURRENT_FACTOR: "device_current_factor", Number, "", true, "The current through the protective device as a multiple of the equipment's arcing current (default 1; a transformer primary device sees V_secondary / V_primary of it).";
        FAULT_CURRENT_TOLERANCE_PCT: "fault_current_tolerance_pct", Number, "%", true, "--uncertainty: the bolted fault current's ± tolerance at 2 sigma of a normal (default 10; 0: exact).";
        ARC_DURATION_TOLERANCE_PCT: "arc_duration_tolerance_pct", Number, "%", true, "--uncertainty: given clearing times vary uniformly by ± this (default 10; 0: exact; device times are re-evaluated instead).";
        WORKING_DISTANCE_TOLERANCE_PCT: "working_distance_tolerance_pct", Number, "%", true, "--uncertainty: the working distance varies uniformly by ± this (default: uniform over 0.8-1 times it; 0: exact).";
        GAP_TOLERANCE_PCT: "gap_tolerance_pct", Number, "%", true, "--uncertainty: the gap varies uniformly by ± this (default 10; 0: exact).";
        ENERGIZED_TASKS_PER_YEAR: "energized_tasks_per_year", Number, "", true, "How often a year the equipment is worked on energized: raises or lowers risk_likelihood (risk@1).";
    }

    /// The columns a file must have (some as one of two).
    pub const REQUIRED: [&[super::Column]; 6] = [
        &[FACILITY_ID],
        &[EQUIPMENT_ID],
        &[NOMINAL_VOLTAGE_V],
        &[BOLTED_FAULT_CURRENT_KA],
        &[ARC_DURATION_MS, PROTECTIVE_DEVICE_ID],
        &[ELECTRODE_CONFIG, EQUIPMENT_CLASS],
    ];
}

/// Optional inventory columns that some commands read but that are not calculation inputs:
/// `run` passes them through to the results like any other column.
pub mod passthrough {
    use super::Type::*;

    table! {
        ENCLOSURE_ID: "enclosure_id", Text, "", true, "The enclosure the equipment is in: `labels --per enclosure` makes one label per enclosure with the worst case of its equipment.";
    }
}

/// One result row per input row, in input order; then the passed-through input columns.
pub mod results {
    use super::values as v;
    use super::Type::*;

    table! {
        FACILITY_ID: "facility_id", Text, "", true, "From the input (empty when the input has none).";
        EQUIPMENT_ID: "equipment_id", Text, "", true, "From the input (empty when the input has none).";
        STATUS: "status", Enum(v::STATUS), "", false, "ok; invalid (see errors); not_applicable (no method covers the inputs).";
        ERRORS: "errors", List, "", true, "Invalid rows: every problem as `column: message`; not-applicable rows: the reason.";
        METHOD: "method", Text, "", true, "The method and version that produced the numbers, e.g. ieee1584-2018@1.";
        ELECTRODE_CONFIG: "electrode_config", Enum(v::ELECTRODE_CONFIG), "", true, "The electrode configuration used (after defaults).";
        GAP_MM: "gap_mm", Number, "mm", true, "The gap used.";
        WORKING_DISTANCE_MM: "working_distance_mm", Number, "mm", true, "The working distance used.";
        ENCLOSURE_HEIGHT_MM: "enclosure_height_mm", Number, "mm", true, "The enclosure height used.";
        ENCLOSURE_WIDTH_MM: "enclosure_width_mm", Number, "mm", true, "The enclosure width used.";
        ENCLOSURE_DEPTH_MM: "enclosure_depth_mm", Number, "mm", true, "The enclosure depth used.";
        DEFAULTS_APPLIED: "defaults_applied", List, "", true, "The columns filled from defaults.";
        ARCING_CURRENT_KA: "arcing_current_ka", Number, "kA", true, "Final arcing current, full case (Lee: the bolted current).";
        ARCING_CURRENT_REDUCED_KA: "arcing_current_reduced_ka", Number, "kA", true, "Reduced arcing current (methods with a reduced case).";
        ARC_DURATION_MS: "arc_duration_ms", Number, "ms", true, "Clearing time used for the full case.";
        ARC_DURATION_REDUCED_MS: "arc_duration_reduced_ms", Number, "ms", true, "Clearing time used for the reduced case.";
        INCIDENT_ENERGY_FULL_CAL_CM2: "incident_energy_full_cal_cm2", Number, "cal/cm2", true, "Incident energy of the full case.";
        INCIDENT_ENERGY_REDUCED_CAL_CM2: "incident_energy_reduced_cal_cm2", Number, "cal/cm2", true, "Incident energy of the reduced case.";
        INCIDENT_ENERGY_CAL_CM2: "incident_energy_cal_cm2", Number, "cal/cm2", true, "Governing incident energy (the larger of the two cases).";
        INCIDENT_ENERGY_J_CM2: "incident_energy_j_cm2", Number, "J/cm2", true, "Governing incident energy in J/cm2 (1 cal = 4.184 J).";
        ARC_FLASH_BOUNDARY_FULL_MM: "arc_flash_boundary_full_mm", Number, "mm", true, "Arc-flash boundary of the full case.";
        ARC_FLASH_BOUNDARY_REDUCED_MM: "arc_flash_boundary_reduced_mm", Number, "mm", true, "Arc-flash boundary of the reduced case.";
        ARC_FLASH_BOUNDARY_MM: "arc_flash_boundary_mm", Number, "mm", true, "Arc-flash boundary of the governing case.";
        GOVERNING_CASE: "governing_case", Enum(v::GOVERNING_CASE), "", true, "Which case governs (full for methods without a reduced case).";
        MIN_ARC_RATING_CAL_CM2: "min_arc_rating_cal_cm2", Number, "cal/cm2", true, "The incident energy rounded up to 0.1.";
        PPE_CATEGORY: "ppe_category", Integer(0, 4), "", true, "Informational NFPA 70E PPE category 0-4 (Table 130.7(C)(15)(c)); empty above 40 cal/cm2.";
        DANGER: "danger", Boolean, "", true, "Incident energy above the danger threshold (--danger-threshold).";
        LIMITED_APPROACH_MOVABLE_MM: "limited_approach_movable_mm", Number, "mm", true, "NFPA 70E limited approach boundary, exposed movable conductor.";
        LIMITED_APPROACH_FIXED_MM: "limited_approach_fixed_mm", Number, "mm", true, "NFPA 70E limited approach boundary, exposed fixed circuit part.";
        RESTRICTED_APPROACH_MM: "restricted_approach_mm", Number, "mm", true, "NFPA 70E restricted approach boundary.";
        COMPLIANCE_STATUS: "compliance_status", Enum(v::COMPLIANCE_STATUS), "", true, "The worst severity of the findings (pass when none).";
        FINDINGS: "findings", List, "", true, "The compliance rule ids the row triggers.";
        RANGE_WARNINGS: "range_warnings", List, "", true, "Inputs outside the method's validated (advisory) range.";
        INPUT_HASH: "input_hash", Hash, "", false, "Stable hash of the row's normalised calculation inputs.";
        ARC_DURATION_SOURCE: "arc_duration_source", Enum(v::ARC_DURATION_SOURCE), "", true, "Where the clearing times come from: input (arc_duration_ms) or device (the protective device at each arcing current).";
        TRIP_ELEMENT_FULL: "trip_element_full", Enum(v::TRIP_ELEMENT), "", true, "The device element that clears the full-current arc.";
        TRIP_ELEMENT_REDUCED: "trip_element_reduced", Enum(v::TRIP_ELEMENT), "", true, "The device element that clears the reduced-current arc.";
        ARC_DURATION_CAPPED: "arc_duration_capped", Boolean, "", true, "A device-derived clearing time was capped at --max-arc-duration (or the device does not trip).";
        INCIDENT_ENERGY_P50_CAL_CM2: "incident_energy_p50_cal_cm2", Number, "cal/cm2", true, "--uncertainty: median of the sampled incident energies (empty without --uncertainty).";
        INCIDENT_ENERGY_P95_CAL_CM2: "incident_energy_p95_cal_cm2", Number, "cal/cm2", true, "--uncertainty: 95th percentile of the sampled incident energies.";
        INCIDENT_ENERGY_P99_CAL_CM2: "incident_energy_p99_cal_cm2", Number, "cal/cm2", true, "--uncertainty: 99th percentile of the sampled incident energies.";
        PROB_EXCEEDS_LABEL: "prob_exceeds_label", Number, "", true, "--uncertainty: share of samples above label_incident_energy_cal_cm2 (empty without a label).";
        PROB_EXCEEDS_PPE: "prob_exceeds_ppe", Number, "", true, "--uncertainty: share of samples that need a higher PPE category than ppe_category, or none (empty when ppe_category is).";
        PROB_DANGER: "prob_danger", Number, "", true, "--uncertainty: share of samples above the danger threshold.";
        RISK_SEVERITY: "risk_severity", Integer(1, 5), "", true, "risk@1: severity 1-5 from the incident-energy band and the shock exposure (ok rows).";
        RISK_LIKELIHOOD: "risk_likelihood", Integer(1, 5), "", true, "risk@1: likelihood 1-5 from the equipment class, maintenance condition, overdue maintenance or study, energized_tasks_per_year.";
        RISK_SCORE: "risk_score", Integer(1, 25), "", true, "risk@1: risk_severity x risk_likelihood.";
        RISK_LEVEL: "risk_level", Enum(v::RISK_LEVEL), "", true, "risk@1: low, medium, high or extreme (by the score; --risk-matrix).";
    }

    /// The fields of the Redis hash of an equipment's latest result.
    pub const CACHED: [super::Column; 18] = [
        FACILITY_ID,
        EQUIPMENT_ID,
        STATUS,
        ERRORS,
        METHOD,
        ELECTRODE_CONFIG,
        INCIDENT_ENERGY_CAL_CM2,
        ARC_FLASH_BOUNDARY_MM,
        ARCING_CURRENT_KA,
        GOVERNING_CASE,
        MIN_ARC_RATING_CAL_CM2,
        PPE_CATEGORY,
        DANGER,
        LIMITED_APPROACH_FIXED_MM,
        RESTRICTED_APPROACH_MM,
        COMPLIANCE_STATUS,
        FINDINGS,
        INPUT_HASH,
    ];
}

/// One row per facility in order of first appearance, then the `*` portfolio row when asked.
pub mod summary {
    use super::Type::*;

    table! {
        FACILITY_ID: "facility_id", Text, "", false, "The facility; `*` for the portfolio row.";
        EQUIPMENT_COUNT: "equipment_count", Count, "", false, "Rows.";
        OK_COUNT: "ok_count", Count, "", false, "Rows computed.";
        INVALID_COUNT: "invalid_count", Count, "", false, "Invalid rows.";
        NOT_APPLICABLE_COUNT: "not_applicable_count", Count, "", false, "Rows no method covers.";
        MAX_INCIDENT_ENERGY_CAL_CM2: "max_incident_energy_cal_cm2", Number, "cal/cm2", true, "Highest incident energy of the ok rows.";
        MAX_INCIDENT_ENERGY_EQUIPMENT_ID: "max_incident_energy_equipment_id", Text, "", true, "The equipment with the highest incident energy (the first in input order).";
        MEAN_INCIDENT_ENERGY_CAL_CM2: "mean_incident_energy_cal_cm2", Number, "cal/cm2", true, "Mean incident energy of the ok rows.";
        P95_INCIDENT_ENERGY_CAL_CM2: "p95_incident_energy_cal_cm2", Number, "cal/cm2", true, "95th percentile (linear interpolation) of the ok rows' incident energy.";
        PPE_CATEGORY_0_COUNT: "ppe_category_0_count", Count, "", false, "Rows of PPE category 0.";
        PPE_CATEGORY_1_COUNT: "ppe_category_1_count", Count, "", false, "Rows of PPE category 1.";
        PPE_CATEGORY_2_COUNT: "ppe_category_2_count", Count, "", false, "Rows of PPE category 2.";
        PPE_CATEGORY_3_COUNT: "ppe_category_3_count", Count, "", false, "Rows of PPE category 3.";
        PPE_CATEGORY_4_COUNT: "ppe_category_4_count", Count, "", false, "Rows of PPE category 4.";
        DANGER_COUNT: "danger_count", Count, "", false, "Rows above the danger threshold.";
        COMPLIANCE_PASS_COUNT: "compliance_pass_count", Count, "", false, "Assessed rows (ok and not applicable) that pass.";
        COMPLIANCE_WARN_COUNT: "compliance_warn_count", Count, "", false, "Assessed rows with a warning.";
        COMPLIANCE_FAIL_COUNT: "compliance_fail_count", Count, "", false, "Assessed rows that fail.";
        COMPLIANCE_RATE: "compliance_rate", Number, "", true, "Passing ÷ assessed rows (pass ÷ ok when no row is not applicable).";
        STUDY_OVERDUE_COUNT: "study_overdue_count", Count, "", false, "Rows whose study is overdue.";
        MAINTENANCE_OVERDUE_COUNT: "maintenance_overdue_count", Count, "", false, "Rows whose maintenance is overdue.";
        LABEL_UNDERSTATED_COUNT: "label_understated_count", Count, "", false, "Rows whose label understates the incident energy, boundary or PPE category.";
        ARC_DURATION_CAPPED_COUNT: "arc_duration_capped_count", Count, "", false, "Rows whose device-derived clearing time was capped.";
        DEVICE_NO_TRIP_COUNT: "device_no_trip_count", Count, "", false, "Rows whose protective device does not trip at the arcing current.";
        RISK_LOW_COUNT: "risk_low_count", Count, "", false, "Rows of risk_level low.";
        RISK_MEDIUM_COUNT: "risk_medium_count", Count, "", false, "Rows of risk_level medium.";
        RISK_HIGH_COUNT: "risk_high_count", Count, "", false, "Rows of risk_level high.";
        RISK_EXTREME_COUNT: "risk_extreme_count", Count, "", false, "Rows of risk_level extreme.";
        RISK_INDEX: "risk_index", Number, "", true, "100 x the mean risk_score of the ok rows / 25 (0-100; empty without ok rows).";
        EXPECTED_LABEL_EXCEEDANCES: "expected_label_exceedances", Number, "", true, "--uncertainty: the sum of prob_exceeds_label, the expected number of labels the energy exceeds (empty without --uncertainty).";
    }
}

/// What `voltmetrics history` returns and the database keys its rows by.
pub mod history {
    use super::Type::*;
    use super::{summary as S, Column};

    table! {
        AS_OF: "as_of", Timestamp, "", false, "The time the run's results are valid for (--as-of).";
        RUN_ID: "run_id", Uuid, "", false, "The run (UUID v7).";
        BUCKET: "bucket", Timestamp, "", false, "Start of the day, week (Monday) or month (UTC).";
        RUNS: "runs", Count, "", false, "Runs of the facility in the bucket.";
        INCIDENT_ENERGY_SUM_CAL_CM2: "incident_energy_sum_cal_cm2", Number, "cal/cm2", true, "Sum over the bucket's runs of mean incident energy × ok rows (for the bucket's mean).";
    }

    /// The columns of `history` without `--bucket`: one row per facility and run.
    pub fn per_run() -> Vec<Column> {
        let mut c = vec![S::FACILITY_ID, AS_OF, RUN_ID];
        c.extend(
            S::ALL[1..]
                .iter()
                .filter(|c| !c.name.starts_with("ppe_category_")),
        );
        c
    }

    /// The columns of `history --bucket`: one row per facility and bucket.
    pub fn per_bucket() -> Vec<Column> {
        vec![
            S::FACILITY_ID,
            BUCKET,
            RUNS,
            S::MAX_INCIDENT_ENERGY_CAL_CM2,
            S::MEAN_INCIDENT_ENERGY_CAL_CM2,
            S::EQUIPMENT_COUNT,
            S::OK_COUNT,
            S::INVALID_COUNT,
            S::NOT_APPLICABLE_COUNT,
            S::DANGER_COUNT,
            S::COMPLIANCE_PASS_COUNT,
            S::COMPLIANCE_WARN_COUNT,
            S::COMPLIANCE_FAIL_COUNT,
            S::COMPLIANCE_RATE,
        ]
    }
}

/// The Redis run status hash (`{prefix}run:{run_id}`) and the message on `{prefix}runs`.
pub mod run_status {
    use super::Type::*;

    table! {
        STATUS: "status", Enum(super::values::RUN_STATUS), "", false, "queued, reading, calculating, persisting, done or failed.";
        UPDATED_AT: "updated_at", Timestamp, "", false, "When the status last changed.";
        ROWS: "rows", Count, "", true, "Input rows.";
        INVALID: "invalid", Count, "", true, "Invalid rows.";
        NOT_APPLICABLE: "not_applicable", Count, "", true, "Rows no method covers.";
        FACILITIES: "facilities", Count, "", true, "Facilities.";
        ERROR: "error", Text, "", true, "Why the run failed (status failed).";
    }
}
