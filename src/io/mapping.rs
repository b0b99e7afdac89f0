//! Column mappings (`--mapping FILE|NAME`): an export of another tool turned into the
//! contract's columns before any check — columns renamed, units converted, values mapped,
//! constants set — so the checks, the errors and the results are those of a contract inventory.
//!
//! ```toml
//! name = "example"
//! description = "What exports this maps"
//! frequency_hz = 60                       # for clearing times in cycles
//! [columns.nominal_voltage_v]
//! from = "Bus kV"                         # the source column (without case, spaces trimmed)
//! unit = "kV"                             # converted to the contract column's unit (V)
//! [columns.equipment_class]
//! from = "Equipment Type"
//! values = { "Switchgear" = "switchgear", "MCC" = "mcc" }   # without case
//! [constants]
//! system_type = "ac"
//! ```
//!
//! Units: kV/V, kA/A, mm/cm/m/in/ft, ms/s/cycles. A cell that is not a number is left as written
//! (the checks then name it). Source columns that no rule reads are passed through. Every row
//! gets a `mapped_from` note: what was renamed, converted or mapped in it. A rule naming a column
//! the input does not have, a unit that does not convert to the target's, or an unknown target
//! column is an error naming the mapping file and line.

use crate::contract::input as I;
use anyhow::{bail, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// The name of the note column.
pub const MAPPED_FROM: &str = "mapped_from";

/// The bundled mappings: (name, TOML).
pub const BUNDLED: [(&str, &str); 3] = [
    ("etap", include_str!("mappings/etap.toml")),
    ("skm", include_str!("mappings/skm.toml")),
    ("easypower", include_str!("mappings/easypower.toml")),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleToml {
    from: Spanned<String>,
    #[serde(default)]
    unit: Option<Spanned<String>>,
    #[serde(default)]
    values: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingToml {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default = "sixty")]
    frequency_hz: f64,
    #[serde(default)]
    columns: BTreeMap<Spanned<String>, RuleToml>,
    #[serde(default)]
    constants: BTreeMap<Spanned<String>, String>,
}

fn sixty() -> f64 {
    60.0
}

/// One column rule, checked.
#[derive(Clone, Debug)]
struct Rule {
    to: &'static str,
    from: String,
    /// Factor to the target's unit, and the unit names for the note.
    factor: Option<(f64, String, &'static str)>,
    values: Vec<(String, String)>,
    line: usize,
}

/// A checked mapping.
#[derive(Clone, Debug)]
pub struct Mapping {
    /// Its name.
    pub name: String,
    /// What it maps.
    pub description: String,
    /// Where it came from (the file, or `bundled:NAME`), for messages.
    pub origin: String,
    rules: Vec<Rule>,
    constants: Vec<(&'static str, String)>,
}

/// The 1-based line of byte `at` of `text`.
fn line_of(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].matches('\n').count() + 1
}

/// The factor from `unit` to the contract unit `to` (`frequency` for cycles).
fn factor(unit: &str, to: &str, frequency: f64) -> Option<f64> {
    let u = unit.trim().to_ascii_lowercase();
    let f = match (to, u.as_str()) {
        ("V", "v") | ("kA", "ka") | ("mm", "mm") | ("ms", "ms") => 1.0,
        ("V", "kv") => 1000.0,
        ("kA", "a") => 0.001,
        ("mm", "cm") => 10.0,
        ("mm", "m") => 1000.0,
        ("mm", "in") => 25.4,
        ("mm", "ft") => 304.8,
        ("ms", "s") => 1000.0,
        ("ms", "cycles") => 1000.0 / frequency,
        _ => return None,
    };
    Some(f)
}

impl Mapping {
    /// A bundled mapping's name or a file, read and checked.
    pub fn load(name_or_path: &str) -> Result<Mapping> {
        if let Some((name, text)) = BUNDLED.iter().find(|(n, _)| *n == name_or_path) {
            return Mapping::parse(text, &format!("bundled:{name}"));
        }
        let text = std::fs::read_to_string(name_or_path).map_err(|e| {
            let names: Vec<&str> = BUNDLED.iter().map(|(n, _)| *n).collect();
            anyhow::anyhow!(
                "{name_or_path}: cannot read the mapping ({e}); the bundled ones are {}",
                names.join(", ")
            )
        })?;
        Mapping::parse(&text, name_or_path)
    }

    /// A mapping from TOML text; `origin` names it in messages.
    pub fn parse(text: &str, origin: &str) -> Result<Mapping> {
        let m: MappingToml = toml::from_str(text)
            .map_err(|e| anyhow::anyhow!("{origin}: not a valid mapping: {e}"))?;
        let target = |k: &Spanned<String>| -> Result<&'static crate::contract::Column> {
            I::by_name(k.get_ref().trim()).ok_or_else(|| {
                anyhow::anyhow!(
                    "{origin}:{}: '{}' is not an inventory column (voltmetrics schema input)",
                    line_of(text, k.span().start),
                    k.get_ref()
                )
            })
        };
        let mut rules = Vec::new();
        for (to, r) in &m.columns {
            let col = target(to)?;
            let line = line_of(text, r.from.span().start);
            let factor = match &r.unit {
                None => None,
                Some(u) => match factor(u.get_ref(), col.unit, m.frequency_hz) {
                    Some(f) => Some((f, u.get_ref().clone(), col.unit)),
                    None => bail!(
                        "{origin}:{}: unit '{}' does not convert to {} ({}); accepted: kV, V, kA, A, mm, cm, m, in, ft, ms, s, cycles",
                        line_of(text, u.span().start),
                        u.get_ref(),
                        col.name,
                        if col.unit.is_empty() { "no unit" } else { col.unit }
                    ),
                },
            };
            rules.push(Rule {
                to: col.name,
                from: r.from.get_ref().clone(),
                factor,
                values: r
                    .values
                    .iter()
                    .map(|(a, b)| (a.clone(), b.clone()))
                    .collect(),
                line,
            });
        }
        let mut constants = Vec::new();
        for (to, v) in &m.constants {
            constants.push((target(to)?.name, v.clone()));
        }
        Ok(Mapping {
            name: m.name,
            description: m.description,
            origin: origin.to_string(),
            rules,
            constants,
        })
    }

    /// The contract column a source column becomes, if a rule reads it.
    pub fn target_of(&self, source: &str) -> Option<&'static str> {
        self.rules
            .iter()
            .find(|r| r.from.trim().eq_ignore_ascii_case(source.trim()))
            .map(|r| r.to)
    }

    /// CSV text of the source (header first) mapped to the contract's columns, as CSV text.
    pub fn apply(&self, path: &str, csv: &[u8]) -> Result<Vec<u8>> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(csv);
        let mut records = r.records();
        let header: Vec<String> = match records.next() {
            Some(h) => h?.iter().map(str::to_string).collect(),
            None => bail!("{path}: the file is empty; expected a header row"),
        };
        let find = |name: &str| {
            header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name.trim()))
        };
        let mut sources = Vec::with_capacity(self.rules.len());
        for rule in &self.rules {
            match find(&rule.from) {
                Some(k) => sources.push(k),
                None => bail!(
                    "{}:{}: column '{}' is not in {path} (its columns: {})",
                    self.origin,
                    rule.line,
                    rule.from,
                    header.join(", ")
                ),
            }
        }
        let rest: Vec<usize> = (0..header.len()).filter(|k| !sources.contains(k)).collect();
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut out: Vec<String> = self.rules.iter().map(|r| r.to.to_string()).collect();
        out.extend(self.constants.iter().map(|(c, _)| c.to_string()));
        out.extend(rest.iter().map(|&k| header[k].clone()));
        out.push(MAPPED_FROM.to_string());
        w.write_record(&out)?;
        for rec in records {
            let rec = rec?;
            let mut row: Vec<String> = Vec::with_capacity(out.len());
            let mut notes: Vec<String> = Vec::new();
            for (rule, &k) in self.rules.iter().zip(&sources) {
                let cell = rec.get(k).unwrap_or_default();
                row.push(self.map_cell(rule, cell, &mut notes));
            }
            for (c, v) in &self.constants {
                row.push(v.clone());
                notes.push(format!("{c}={v}"));
            }
            row.extend(
                rest.iter()
                    .map(|&k| rec.get(k).unwrap_or_default().to_string()),
            );
            row.push(notes.join("; "));
            w.write_record(&row)?;
        }
        w.into_inner().map_err(|e| anyhow::anyhow!("{path}: {e}"))
    }

    /// One cell through its rule; what was done goes to `notes`.
    fn map_cell(&self, rule: &Rule, cell: &str, notes: &mut Vec<String>) -> String {
        let t = cell.trim();
        if t.is_empty() {
            return String::new();
        }
        if let Some((_, to)) = rule
            .values
            .iter()
            .find(|(from, _)| from.trim().eq_ignore_ascii_case(t))
        {
            notes.push(format!("{}<-{} '{t}'", rule.to, rule.from));
            return to.clone();
        }
        match (&rule.factor, t.parse::<f64>()) {
            (Some((f, from_unit, to_unit)), Ok(v)) if v.is_finite() && *f != 1.0 => {
                notes.push(format!(
                    "{}<-{} ({from_unit}->{to_unit})",
                    rule.to, rule.from
                ));
                let x = v * f;
                // Clean up the last bits the factor adds (25.4 in -> 609.6 mm, not 609.5999…).
                let rounded = (x * 1e9).round() / 1e9;
                rounded.to_string()
            }
            _ => {
                if !rule.from.eq_ignore_ascii_case(rule.to) {
                    notes.push(format!("{}<-{}", rule.to, rule.from));
                }
                cell.to_string()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: &str = "name = \"t\"\nfrequency_hz = 60\n[columns.nominal_voltage_v]\nfrom = \"Bus kV\"\nunit = \"kV\"\n[columns.arc_duration_ms]\nfrom = \"FCT\"\nunit = \"cycles\"\n[columns.working_distance_mm]\nfrom = \"WD (in)\"\nunit = \"in\"\n[columns.equipment_class]\nfrom = \"Type\"\nvalues = { \"Switchgear\" = \"switchgear\" }\n[constants]\nsystem_type = \"ac\"\n";

    #[test]
    fn renames_converts_maps_and_notes() {
        let m = Mapping::parse(M, "m.toml").unwrap();
        let out = m
            .apply(
                "x.csv",
                b"Type,Bus kV,FCT,WD (in),Site\nSWITCHGEAR,0.48,6,24,A\n",
            )
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next().unwrap(),
            "arc_duration_ms,equipment_class,nominal_voltage_v,working_distance_mm,system_type,Site,mapped_from"
        );
        let row = lines.next().unwrap();
        assert!(row.starts_with("100,switchgear,480,609.6,ac,A,"), "{row}");
        assert!(
            row.contains("nominal_voltage_v<-Bus kV (kV->V)")
                && row.contains("equipment_class<-Type 'SWITCHGEAR'"),
            "{row}"
        );
    }

    #[test]
    fn mistakes_name_the_mapping_file_and_line() {
        let m = Mapping::parse(M, "m.toml").unwrap();
        let err = m.apply("x.csv", b"Type,FCT\n").unwrap_err().to_string();
        assert!(
            err.starts_with("m.toml:4: column 'Bus kV' is not in x.csv"),
            "{err}"
        );
        let bad = M.replace("unit = \"in\"", "unit = \"furlong\"");
        let err = Mapping::parse(&bad, "m.toml").unwrap_err().to_string();
        assert!(
            err.starts_with("m.toml:11: unit 'furlong' does not convert to working_distance_mm"),
            "{err}"
        );
        let bad = M.replace("[columns.equipment_class]", "[columns.bogus]");
        let err = Mapping::parse(&bad, "m.toml").unwrap_err().to_string();
        assert!(
            err.contains("m.toml:12: 'bogus' is not an inventory column"),
            "{err}"
        );
    }

    #[test]
    fn bundled_mappings_parse() {
        for (name, _) in BUNDLED {
            let m = Mapping::load(name).unwrap();
            assert_eq!(m.name, name);
            assert!(!m.description.is_empty());
        }
    }
}
