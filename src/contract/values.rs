//! The closed sets of values of the contract's enum columns (the engine's enums map to these
//! by position).

/// `equipment_class`.
pub const EQUIPMENT_CLASS: &[&str] = &[
    "switchgear",
    "switchboard",
    "mcc",
    "panelboard",
    "cable_junction_box",
    "open_air",
    "other",
];
/// `system_type`.
pub const SYSTEM_TYPE: &[&str] = &["ac", "dc"];
/// `electrode_config` (IEEE 1584-2018).
pub const ELECTRODE_CONFIG: &[&str] = &["VCB", "VCBB", "HCB", "VOA", "HOA"];
/// `maintenance_condition`: NFPA 70B condition 1, 2, 3, also spelled good, fair, poor.
pub const MAINTENANCE_CONDITION: &[&str] = &["1", "2", "3", "good", "fair", "poor"];
/// `grounding` (IEEE 1584-2002 K2: high_resistance counts as ungrounded).
pub const GROUNDING: &[&str] = &["grounded", "ungrounded", "high_resistance"];
/// `status`.
pub const STATUS: &[&str] = &["ok", "invalid", "not_applicable"];
/// `governing_case`.
pub const GOVERNING_CASE: &[&str] = &["full", "reduced"];
/// `risk_level` (risk@1).
pub const RISK_LEVEL: &[&str] = &["low", "medium", "high", "extreme"];
/// `compliance_status`.
pub const COMPLIANCE_STATUS: &[&str] = &["pass", "warn", "fail"];
/// The run status in Redis.
pub const RUN_STATUS: &[&str] = &[
    "queued",
    "reading",
    "calculating",
    "persisting",
    "done",
    "failed",
];
/// `trip_element_full`, `trip_element_reduced`.
pub const TRIP_ELEMENT: &[&str] = &[
    "inverse",
    "definite_time",
    "instantaneous",
    "long_time",
    "short_time",
    "fuse",
];
/// `arc_duration_source`.
pub const ARC_DURATION_SOURCE: &[&str] = &["input", "device"];
