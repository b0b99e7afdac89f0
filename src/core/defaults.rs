//! Typical values by equipment class and voltage class: IEEE 1584-2018 Table 8 (gaps and
//! enclosure sizes) and Table 10 (working distances), as mapped by the `equipment_class` column (README, "What the engine computes").
//!
//! Defaults fill only missing values and every filled column is reported
//! (`defaults_applied`); nothing is filled silently.

use super::algorithms::ieee1584_2018::ElectrodeConfig;
use crate::contract::input as I;
use serde::Serialize;

/// `equipment_class` of the inventory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EquipmentClass {
    /// Metal-clad or metal-enclosed switchgear.
    Switchgear,
    /// Switchboard (LV).
    Switchboard,
    /// Motor control centre.
    Mcc,
    /// Panelboard (LV).
    Panelboard,
    /// Cable junction box (LV).
    CableJunctionBox,
    /// Open-air bus or conductors.
    OpenAir,
    /// Anything else: no defaults.
    Other,
}

impl EquipmentClass {
    /// All classes, in contract order.
    pub const ALL: [EquipmentClass; 7] = [
        Self::Switchgear,
        Self::Switchboard,
        Self::Mcc,
        Self::Panelboard,
        Self::CableJunctionBox,
        Self::OpenAir,
        Self::Other,
    ];

    /// The contract's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Switchgear => "switchgear",
            Self::Switchboard => "switchboard",
            Self::Mcc => "mcc",
            Self::Panelboard => "panelboard",
            Self::CableJunctionBox => "cable_junction_box",
            Self::OpenAir => "open_air",
            Self::Other => "other",
        }
    }

    /// Parses the contract's name, ignoring case and surrounding spaces.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        // One candidate by length (and first letter for the two of 10), then one comparison:
        // every row has a class, and trying the 7 names in turn was ~1 % of a run. (A test
        // parses every name of `ALL`, so a new class cannot be missed here.)
        let candidate = match s.len() {
            3 => Self::Mcc,
            5 => Self::Other,
            8 => Self::OpenAir,
            10 if s.as_bytes()[0].eq_ignore_ascii_case(&b'p') => Self::Panelboard,
            10 => Self::Switchgear,
            11 => Self::Switchboard,
            18 => Self::CableJunctionBox,
            _ => return None,
        };
        candidate
            .as_str()
            .eq_ignore_ascii_case(s)
            .then_some(candidate)
    }

    /// The electrode configuration this class implies.
    pub fn electrode_config(self) -> Option<ElectrodeConfig> {
        match self {
            Self::OpenAir => Some(ElectrodeConfig::Voa),
            Self::Other => None,
            _ => Some(ElectrodeConfig::Vcb),
        }
    }
}

/// Voltage class of Table 8/10: ≤ 600 V, ≤ 5 kV, ≤ 15 kV.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VoltageClass {
    /// ≤ 600 V.
    Lv,
    /// ≤ 5 kV.
    Kv5,
    /// ≤ 15 kV.
    Kv15,
}

impl VoltageClass {
    /// The class of a nominal voltage in volts; `None` above 15 kV (or not a positive number).
    pub fn of_volts(v: f64) -> Option<Self> {
        if v.is_nan() || v <= 0.0 {
            None
        } else if v <= 600.0 {
            Some(Self::Lv)
        } else if v <= 5000.0 {
            Some(Self::Kv5)
        } else if v <= 15000.0 {
            Some(Self::Kv15)
        } else {
            None
        }
    }
}

/// Typical gap, working distance and enclosure of one row of Tables 8/10.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TypicalValues {
    /// The Table 8 row name.
    pub table_row: &'static str,
    /// Typical gap, mm.
    pub gap_mm: f64,
    /// Typical working distance, mm (Table 10).
    pub working_distance_mm: f64,
    /// Enclosure height, mm.
    pub height_mm: f64,
    /// Enclosure width, mm.
    pub width_mm: f64,
    /// Enclosure depth, mm; `None` where the table gives only a bound (treated as typical).
    pub depth_mm: Option<f64>,
}

const fn row(
    table_row: &'static str,
    gap_mm: f64,
    working_distance_mm: f64,
    hwd: (f64, f64, Option<f64>),
) -> TypicalValues {
    TypicalValues {
        table_row,
        gap_mm,
        working_distance_mm,
        height_mm: hwd.0,
        width_mm: hwd.1,
        depth_mm: hwd.2,
    }
}

/// LV switchgear: 32 mm, 24 in, 20 × 20 × 20 in.
pub const LV_SWITCHGEAR: TypicalValues =
    row("LV switchgear", 32.0, 609.6, (508.0, 508.0, Some(508.0)));
/// LV MCCs and panelboards: 25 mm, 18 in, 14 × 12 in, depth unknown.
pub const LV_MCC_PANELBOARD: TypicalValues =
    row("LV MCCs and panelboards", 25.0, 457.2, (355.6, 304.8, None));
/// Cable junction box: 13 mm, 18 in, 14 × 12 in, depth unknown.
pub const CABLE_JUNCTION_BOX: TypicalValues =
    row("Cable junction box", 13.0, 457.2, (355.6, 304.8, None));
/// 5 kV switchgear, 45 × 30 × 30 in (the size Annex D.1 uses).
pub const KV5_SWITCHGEAR: TypicalValues = row(
    "5 kV switchgear (45 x 30 x 30 in)",
    104.0,
    914.4,
    (1143.0, 762.0, Some(762.0)),
);
/// 5 kV MCC, 26 × 26 × 26 in.
pub const KV5_MCC: TypicalValues = row("5 kV MCC", 104.0, 914.4, (660.4, 660.4, Some(660.4)));
/// 15 kV switchgear, 45 × 30 × 30 in.
pub const KV15_SWITCHGEAR: TypicalValues = row(
    "15 kV switchgear",
    152.0,
    914.4,
    (1143.0, 762.0, Some(762.0)),
);
/// 15 kV MCC, 36 × 36 × 36 in.
pub const KV15_MCC: TypicalValues = row("15 kV MCC", 152.0, 914.4, (914.4, 914.4, Some(914.4)));

/// The Table 8/10 row for a class at a voltage class, if any.
pub fn typical_values(class: EquipmentClass, voltage: VoltageClass) -> Option<TypicalValues> {
    use EquipmentClass::*;
    use VoltageClass::*;
    match (class, voltage) {
        (Switchgear | Switchboard, Lv) => Some(LV_SWITCHGEAR),
        (Switchgear, Kv5) => Some(KV5_SWITCHGEAR),
        (Switchgear, Kv15) => Some(KV15_SWITCHGEAR),
        (Mcc | Panelboard, Lv) => Some(LV_MCC_PANELBOARD),
        (Mcc, Kv5) => Some(KV5_MCC),
        (Mcc, Kv15) => Some(KV15_MCC),
        (CableJunctionBox, Lv) => Some(CABLE_JUNCTION_BOX),
        _ => None,
    }
}

/// The columns defaults may fill, in contract order (`arc_duration_reduced_ms` defaults to
/// `arc_duration_ms`).
pub const DEFAULTABLE_COLUMNS: [&str; 7] = [
    I::ELECTRODE_CONFIG.name,
    I::GAP_MM.name,
    I::WORKING_DISTANCE_MM.name,
    I::ENCLOSURE_HEIGHT_MM.name,
    I::ENCLOSURE_WIDTH_MM.name,
    I::ENCLOSURE_DEPTH_MM.name,
    I::ARC_DURATION_REDUCED_MS.name,
];

/// Marker written to `defaults_applied` when a missing depth is treated as a typical box.
pub const DEPTH_TYPICAL_ASSUMED: &str = "enclosure_depth_mm(typical)";

/// Values of one equipment that defaults may fill; `None` = missing.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Geometry {
    /// Electrode configuration.
    pub electrode_config: Option<ElectrodeConfig>,
    /// Gap, mm.
    pub gap_mm: Option<f64>,
    /// Working distance, mm.
    pub working_distance_mm: Option<f64>,
    /// Enclosure height, mm.
    pub height_mm: Option<f64>,
    /// Enclosure width, mm.
    pub width_mm: Option<f64>,
    /// Enclosure depth, mm.
    pub depth_mm: Option<f64>,
}

/// Which defaults were applied, as bit flags in [`DEFAULTABLE_COLUMNS`] order, plus bit 7 for
/// "depth unknown, treated as typical".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DefaultsApplied(pub u8);

impl DefaultsApplied {
    /// Bit of [`DEPTH_TYPICAL_ASSUMED`].
    pub const DEPTH_TYPICAL: u8 = 1 << 7;
    /// Bit of `arc_duration_reduced_ms` (taken from `arc_duration_ms`).
    pub const ARC_DURATION_REDUCED: u8 = 1 << 6;

    /// The `;`-joined column list (`defaults_applied`).
    pub fn joined(self) -> String {
        let mut parts: Vec<&str> = Vec::new();
        for (i, c) in DEFAULTABLE_COLUMNS.iter().enumerate() {
            if self.0 & (1 << i) != 0 {
                parts.push(c);
            }
        }
        if self.0 & Self::DEPTH_TYPICAL != 0 {
            parts.push(DEPTH_TYPICAL_ASSUMED);
        }
        parts.join(";")
    }

    /// No defaults applied.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// Fills the missing values of `g` from the class and the nominal voltage (volts).
pub fn apply_defaults(
    g: &mut Geometry,
    class: Option<EquipmentClass>,
    nominal_v: f64,
) -> DefaultsApplied {
    let mut applied = 0u8;
    let Some(class) = class else {
        return DefaultsApplied(0);
    };
    if g.electrode_config.is_none() {
        if let Some(cfg) = class.electrode_config() {
            g.electrode_config = Some(cfg);
            applied |= 1;
        }
    }
    let typical = VoltageClass::of_volts(nominal_v).and_then(|vc| typical_values(class, vc));
    if let Some(t) = typical {
        let mut fill = |slot: &mut Option<f64>, value: Option<f64>, bit: u8| {
            if slot.is_none() {
                if let Some(v) = value {
                    *slot = Some(v);
                    applied |= 1 << bit;
                }
            }
        };
        fill(&mut g.gap_mm, Some(t.gap_mm), 1);
        fill(&mut g.working_distance_mm, Some(t.working_distance_mm), 2);
        // Open air (VOA, HOA) has no enclosure: none is filled in, none reported.
        if !g.electrode_config.is_some_and(ElectrodeConfig::is_open_air) {
            fill(&mut g.height_mm, Some(t.height_mm), 3);
            fill(&mut g.width_mm, Some(t.width_mm), 4);
            fill(&mut g.depth_mm, t.depth_mm, 5);
            if g.depth_mm.is_none() && t.depth_mm.is_none() {
                applied |= DefaultsApplied::DEPTH_TYPICAL;
            }
        }
    }
    DefaultsApplied(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_name_parses_and_nothing_else_does() {
        for c in EquipmentClass::ALL {
            let name = c.as_str();
            assert_eq!(EquipmentClass::parse(name), Some(c));
            assert_eq!(
                EquipmentClass::parse(&format!("  {}\t", name.to_uppercase())),
                Some(c)
            );
            // One letter changed, one added or dropped: not a class.
            let mut other = name.to_string();
            other.replace_range(name.len() - 1.., "#");
            assert_eq!(EquipmentClass::parse(&other), None, "{other}");
            assert_eq!(EquipmentClass::parse(&format!("{name}s")), None);
            assert_eq!(EquipmentClass::parse(&name[1..]), None);
        }
        for s in [
            "",
            "p",
            "panelboarD",
            "Panelboard",
            "switchgeaR",
            "pwitchgear",
            "qanelboard",
        ] {
            let want = EquipmentClass::ALL
                .into_iter()
                .find(|c| c.as_str().eq_ignore_ascii_case(s));
            assert_eq!(EquipmentClass::parse(s), want, "{s:?}");
        }
    }

    #[test]
    fn lv_mcc_depth_is_typical_and_reported() {
        let mut g = Geometry::default();
        let d = apply_defaults(&mut g, Some(EquipmentClass::Mcc), 480.0);
        assert_eq!(g.gap_mm, Some(25.0));
        assert_eq!(g.depth_mm, None);
        assert_eq!(
            d.joined(),
            "electrode_config;gap_mm;working_distance_mm;enclosure_height_mm;enclosure_width_mm;enclosure_depth_mm(typical)"
        );
    }

    #[test]
    fn given_values_are_kept() {
        let mut g = Geometry {
            gap_mm: Some(40.0),
            ..Default::default()
        };
        let d = apply_defaults(&mut g, Some(EquipmentClass::Switchgear), 13_800.0);
        assert_eq!(g.gap_mm, Some(40.0));
        assert_eq!(g.working_distance_mm, Some(914.4));
        assert!(!d.joined().contains("gap_mm"));
    }

    #[test]
    fn open_air_gets_no_enclosure_defaults() {
        let mut g = Geometry {
            electrode_config: Some(ElectrodeConfig::Hoa),
            ..Default::default()
        };
        let d = apply_defaults(&mut g, Some(EquipmentClass::Switchgear), 480.0);
        assert_eq!(d.joined(), "gap_mm;working_distance_mm");
        assert_eq!((g.height_mm, g.width_mm, g.depth_mm), (None, None, None));
    }

    #[test]
    fn lv_only_classes_have_no_mv_defaults() {
        let mut g = Geometry::default();
        let d = apply_defaults(&mut g, Some(EquipmentClass::Panelboard), 4160.0);
        assert_eq!(d.joined(), "electrode_config");
        assert_eq!(g.gap_mm, None);
    }
}
