//! The protective-device library (`--devices FILE`, TOML): parsed, then validated as a whole
//! before any row is read. Every problem names the device and the field; every device's
//! first problem is reported (not only the library's first).

use super::curves::Curve;
use super::{
    Breaker, DefiniteTime, Device, Fuse, FuseCurve, Instantaneous, LongTime, Relay, ShortTime,
    SHORT_TIME_BAND_MAX_S,
};
use std::collections::HashMap;
use std::fmt;
use toml::{Table, Value};

/// A problem with the library.
#[derive(Clone, Debug, PartialEq)]
pub struct LibraryError {
    /// The device (its id, or `relay #2` when it has none), when the problem is one device's.
    pub device: Option<String>,
    /// The field (`pickup_a`, `short_time.delay_s`, `points[2]`, …) or where the text fails to
    /// parse.
    pub field: String,
    /// What is wrong and what is accepted.
    pub message: String,
}

impl fmt::Display for LibraryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.device {
            Some(d) => write!(f, "device '{d}', {}: {}", self.field, self.message),
            None => write!(f, "{}: {}", self.field, self.message),
        }
    }
}

impl std::error::Error for LibraryError {}

/// Every problem of a library (at least one).
#[derive(Clone, Debug, PartialEq)]
pub struct LibraryErrors(pub Vec<LibraryError>);

impl fmt::Display for LibraryErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (k, e) in self.0.iter().enumerate() {
            if k > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LibraryErrors {}

/// The validated library: devices by id.
#[derive(Clone, Debug, Default)]
pub struct Library {
    devices: Vec<Device>,
    index: HashMap<String, u32>,
}

/// How one entry of a table is read.
type Reader = fn(&Entry) -> Result<Device, LibraryError>;

/// The tables of the library and how each entry is read.
const KINDS: [(&str, Reader); 3] = [
    ("relay", |e| relay(e).map(Device::Relay)),
    ("breaker", |e| breaker(e).map(Device::Breaker)),
    ("fuse", |e| fuse(e).map(Device::Fuse)),
];

impl Library {
    /// Parses and validates TOML text; the error lists every problem found.
    pub fn parse(text: &str) -> Result<Library, LibraryErrors> {
        let doc: Table = text.parse().map_err(|e: toml::de::Error| {
            LibraryErrors(vec![LibraryError {
                device: None,
                field: e
                    .span()
                    .and_then(|s| text.get(..s.start))
                    .map(|before| format!("line {}", 1 + before.matches('\n').count()))
                    .unwrap_or_else(|| "the file".to_string()),
                message: e.message().trim().to_string(),
            }])
        })?;
        let mut errors = Vec::new();
        for key in doc
            .keys()
            .filter(|k| !KINDS.iter().any(|(kind, _)| kind == k))
        {
            errors.push(LibraryError {
                device: None,
                field: key.clone(),
                message: "unknown table, accepted: [[relay]], [[breaker]], [[fuse]]".into(),
            });
        }
        let mut devices = Vec::new();
        for (kind, read) in KINDS {
            let entries = match doc.get(kind) {
                None => continue,
                Some(Value::Array(a)) => a,
                Some(other) => {
                    errors.push(LibraryError {
                        device: None,
                        field: kind.to_string(),
                        message: format!("expected [[{kind}]] tables, found {}", other.type_str()),
                    });
                    continue;
                }
            };
            for (k, v) in entries.iter().enumerate() {
                let named = format!("{kind} #{}", k + 1);
                let result = match v {
                    Value::Table(t) => Entry::device(t, named).and_then(|e| read(&e)),
                    other => Err(bad(
                        &named,
                        kind,
                        format!("expected a table, found {}", other.type_str()),
                    )),
                };
                match result {
                    Ok(d) => devices.push(d),
                    Err(e) => errors.push(e),
                }
            }
        }
        let mut index = HashMap::new();
        for (i, d) in devices.iter().enumerate() {
            if index.insert(d.id().to_string(), i as u32).is_some() {
                errors.push(bad(
                    d.id(),
                    "id",
                    "another device has the same id; ids must be unique",
                ));
            }
        }
        if errors.is_empty() {
            Ok(Library { devices, index })
        } else {
            Err(LibraryErrors(errors))
        }
    }

    /// The position of device `id`.
    pub fn find(&self, id: &str) -> Option<u32> {
        self.index.get(id).copied()
    }

    /// The device at `position`.
    pub fn device(&self, position: u32) -> &Device {
        &self.devices[position as usize]
    }

    /// Every device.
    pub fn devices(&self) -> &[Device] {
        &self.devices
    }

    /// The number of devices.
    pub fn len(&self) -> usize {
        self.devices.len()
    }

    /// No device.
    pub fn is_empty(&self) -> bool {
        self.devices.is_empty()
    }
}

fn bad(device: &str, field: &str, message: impl Into<String>) -> LibraryError {
    LibraryError {
        device: Some(device.to_string()),
        field: field.to_string(),
        message: message.into(),
    }
}

/// One table of a device (the device's own, or an inline table or array entry inside it),
/// read field by field so that every problem names the device and the field's path.
struct Entry<'a> {
    device: String,
    table: &'a Table,
    /// `short_time.`, `definite_time[0].`, or empty.
    prefix: String,
}

impl<'a> Entry<'a> {
    /// A device's table: its `id` (a non-empty string) names it from here on.
    fn device(table: &'a Table, named: String) -> Result<Entry<'a>, LibraryError> {
        let e = Entry {
            device: named,
            table,
            prefix: String::new(),
        };
        // Inventory cells are trimmed, so ids are too.
        match e.text("id")?.map(str::trim) {
            Some(id) if !id.is_empty() => Ok(Entry {
                device: id.to_string(),
                ..e
            }),
            Some(_) => Err(e.bad(
                "id",
                "empty; give the id the inventory's protective_device_id uses",
            )),
            None => Err(e.bad("id", "missing; every device needs an id")),
        }
    }

    fn path(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn bad(&self, key: &str, message: impl Into<String>) -> LibraryError {
        bad(&self.device, &self.path(key), message)
    }

    /// Every key must be one of `allowed`.
    fn only(&self, allowed: &[&str]) -> Result<(), LibraryError> {
        match self.table.keys().find(|k| !allowed.contains(&k.as_str())) {
            None => Ok(()),
            Some(k) => Err(self.bad(
                k,
                format!("unknown field, accepted: {}", allowed.join(", ")),
            )),
        }
    }

    fn wrong(&self, key: &str, expected: &str, found: &Value) -> LibraryError {
        self.bad(
            key,
            format!("expected {expected}, found {} {found}", found.type_str()),
        )
    }

    /// A number (integer or float), if given.
    fn number(&self, key: &str) -> Result<Option<f64>, LibraryError> {
        match self.table.get(key) {
            None => Ok(None),
            Some(Value::Float(v)) => Ok(Some(*v)),
            Some(Value::Integer(v)) => Ok(Some(*v as f64)),
            Some(other) => Err(self.wrong(key, "a number", other)),
        }
    }

    /// A positive finite number, if given.
    fn positive(&self, key: &str) -> Result<Option<f64>, LibraryError> {
        match self.number(key)? {
            Some(v) if !(v.is_finite() && v > 0.0) => {
                Err(self.bad(key, format!("{v} is not a positive number")))
            }
            v => Ok(v),
        }
    }

    /// A positive finite number that must be given.
    fn required(&self, key: &str) -> Result<f64, LibraryError> {
        self.positive(key)?.ok_or_else(|| self.bad(key, "missing"))
    }

    fn text(&self, key: &str) -> Result<Option<&'a str>, LibraryError> {
        match self.table.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(other) => Err(self.wrong(key, "a string", other)),
        }
    }

    fn flag(&self, key: &str) -> Result<Option<bool>, LibraryError> {
        match self.table.get(key) {
            None => Ok(None),
            Some(Value::Boolean(b)) => Ok(Some(*b)),
            Some(other) => Err(self.wrong(key, "true or false", other)),
        }
    }

    /// An inline table inside this one (`short_time = { … }`), if given.
    fn sub(&self, key: &str) -> Result<Option<Entry<'a>>, LibraryError> {
        match self.table.get(key) {
            None => Ok(None),
            Some(Value::Table(t)) => Ok(Some(Entry {
                device: self.device.clone(),
                table: t,
                prefix: format!("{}{key}.", self.prefix),
            })),
            Some(other) => Err(self.wrong(key, "a table { … }", other)),
        }
    }

    /// An array of inline tables (`definite_time = [ { … }, … ]`).
    fn subs(&self, key: &str) -> Result<Vec<Entry<'a>>, LibraryError> {
        let items = match self.table.get(key) {
            None => return Ok(Vec::new()),
            Some(Value::Array(a)) => a,
            Some(other) => return Err(self.wrong(key, "an array of tables", other)),
        };
        items
            .iter()
            .enumerate()
            .map(|(k, v)| match v {
                Value::Table(t) => Ok(Entry {
                    device: self.device.clone(),
                    table: t,
                    prefix: format!("{}{key}[{k}].", self.prefix),
                }),
                other => Err(self.wrong(&format!("{key}[{k}]"), "a table { … }", other)),
            })
            .collect()
    }
}

fn relay(e: &Entry) -> Result<Relay, LibraryError> {
    e.only(&[
        "id",
        "curve",
        "pickup_a",
        "time_dial",
        "max_multiple",
        "instantaneous_pickup_a",
        "definite_time",
        "breaker_opening_cycles",
        "frequency_hz",
    ])?;
    let curve = match e.text("curve")? {
        None => None,
        Some(name) => Some(Curve::named(name).ok_or_else(|| {
            e.bad(
                "curve",
                format!("unknown curve '{name}', accepted: {}", Curve::names()),
            )
        })?),
    };
    let needed = |key: &str| -> Result<f64, LibraryError> {
        match (e.positive(key)?, curve) {
            (Some(v), Some(_)) => Ok(v),
            (None, Some(_)) => Err(e.bad(key, "missing: the inverse-time curve needs it")),
            (Some(_), None) => Err(e.bad(
                key,
                "has no effect without a curve; give curve or remove it",
            )),
            (None, None) => Ok(f64::INFINITY),
        }
    };
    if curve.is_none() && e.table.contains_key("max_multiple") {
        return Err(e.bad(
            "max_multiple",
            "has no effect without a curve; give curve or remove it",
        ));
    }
    let (pickup_a, time_dial) = (needed("pickup_a")?, needed("time_dial")?);
    let mut definite_time = Vec::new();
    for d in e.subs("definite_time")? {
        d.only(&["pickup_a", "delay_s"])?;
        definite_time.push(DefiniteTime {
            pickup_a: d.required("pickup_a")?,
            delay_s: d.required("delay_s")?,
        });
    }
    let instantaneous_pickup_a = e.positive("instantaneous_pickup_a")?;
    if curve.is_none() && definite_time.is_empty() && instantaneous_pickup_a.is_none() {
        return Err(e.bad(
            "curve",
            "a relay needs a curve, a definite-time or an instantaneous element",
        ));
    }
    let max_multiple = e.number("max_multiple")?.unwrap_or(20.0);
    if !(max_multiple > 1.0 && max_multiple.is_finite()) {
        return Err(e.bad("max_multiple", format!("{max_multiple} must be above 1")));
    }
    Ok(Relay {
        id: e.device.clone(),
        curve,
        pickup_a,
        time_dial,
        max_multiple,
        instantaneous_pickup_a,
        definite_time,
        breaker_opening_cycles: e.required("breaker_opening_cycles")?,
        frequency_hz: e.positive("frequency_hz")?.unwrap_or(60.0),
    })
}

/// The band maximum of a short-time delay setting.
fn band_max(e: &Entry, setting: f64) -> Result<f64, LibraryError> {
    SHORT_TIME_BAND_MAX_S
        .iter()
        .find(|(s, _)| (s - setting).abs() < 1e-9)
        .map(|(_, max)| *max)
        .ok_or_else(|| {
            e.bad(
                "delay_s",
                format!("{setting} is not a band setting (0, 0.1, 0.2, 0.3, 0.4 s); give short_time.max_clearing_s for another band"),
            )
        })
}

fn breaker(e: &Entry) -> Result<Breaker, LibraryError> {
    e.only(&["id", "long_time", "short_time", "instantaneous"])?;
    let long_time = match e.sub("long_time")? {
        None => None,
        Some(lt) => {
            lt.only(&["pickup_a", "delay_s", "tolerance"])?;
            Some(LongTime {
                pickup_a: lt.required("pickup_a")?,
                delay_s: lt.required("delay_s")?,
                tolerance: lt.positive("tolerance")?.unwrap_or(1.2),
            })
        }
    };
    let short_time = match e.sub("short_time")? {
        None => None,
        Some(st) => Some(short_time(&st, long_time.is_some())?),
    };
    let instantaneous = match e.sub("instantaneous")? {
        None => None,
        Some(i) => {
            i.only(&["pickup_a", "tolerance", "clearing_s"])?;
            Some(Instantaneous {
                pickup_a: i.required("pickup_a")?,
                tolerance: i.positive("tolerance")?.unwrap_or(1.15),
                clearing_s: i.positive("clearing_s")?.unwrap_or(0.05),
            })
        }
    };
    if long_time.is_none() && short_time.is_none() && instantaneous.is_none() {
        return Err(e.bad(
            "long_time",
            "a breaker needs at least one of long_time, short_time, instantaneous",
        ));
    }
    Ok(Breaker {
        id: e.device.clone(),
        long_time,
        short_time,
        instantaneous,
    })
}

fn short_time(st: &Entry, has_long_time: bool) -> Result<ShortTime, LibraryError> {
    st.only(&["pickup_a", "delay_s", "i2t", "tolerance", "max_clearing_s"])?;
    let delay_s = st
        .number("delay_s")?
        .ok_or_else(|| st.bad("delay_s", "missing"))?;
    if !(delay_s >= 0.0 && delay_s.is_finite()) {
        return Err(st.bad("delay_s", format!("{delay_s} is not a delay setting")));
    }
    let i2t = st.flag("i2t")?.unwrap_or(false);
    if i2t && !has_long_time {
        return Err(st.bad(
            "i2t",
            "the I2t ramp is in multiples of the long-time pickup: give long_time",
        ));
    }
    let max_clearing_s = match st.positive("max_clearing_s")? {
        Some(m) => m,
        None => band_max(st, delay_s)?,
    };
    Ok(ShortTime {
        pickup_a: st.required("pickup_a")?,
        delay_s,
        i2t,
        tolerance: st.positive("tolerance")?.unwrap_or(1.1),
        max_clearing_s,
    })
}

fn fuse(e: &Entry) -> Result<Fuse, LibraryError> {
    e.only(&["id", "rating_a", "curve", "points"])?;
    let curve = match e.text("curve")?.map(str::trim) {
        None | Some("total_clearing") => FuseCurve::TotalClearing,
        Some("average_melt") => FuseCurve::AverageMelt,
        Some(other) => {
            return Err(e.bad(
                "curve",
                format!("unknown curve '{other}', accepted: total_clearing, average_melt"),
            ))
        }
    };
    let points = points(e)?;
    Ok(Fuse {
        id: e.device.clone(),
        rating_a: e.required("rating_a")?,
        curve,
        points,
    })
}

/// `points = [[A, s], …]`: positive, current rising and time falling strictly.
fn points(e: &Entry) -> Result<Vec<(f64, f64)>, LibraryError> {
    let items = match e.table.get("points") {
        None => return Err(e.bad("points", "missing; give [current A, time s] pairs")),
        Some(Value::Array(a)) if !a.is_empty() => a,
        Some(Value::Array(_)) => {
            return Err(e.bad("points", "no points; give [current A, time s] pairs"))
        }
        Some(other) => return Err(e.wrong("points", "an array of [A, s] pairs", other)),
    };
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(items.len());
    for (k, v) in items.iter().enumerate() {
        let field = format!("points[{k}]");
        let pair = match v {
            Value::Array(p) if p.len() == 2 => {
                let n = |x: &Value| match x {
                    Value::Float(f) => Some(*f),
                    Value::Integer(i) => Some(*i as f64),
                    _ => None,
                };
                (n(&p[0]), n(&p[1]))
            }
            _ => (None, None),
        };
        let (Some(a), Some(t)) = pair else {
            return Err(e.wrong(&field, "a pair [current A, time s] of numbers", v));
        };
        for (what, x) in [("current", a), ("time", t)] {
            if !(x.is_finite() && x > 0.0) {
                return Err(e.bad(&field, format!("the {what} {x} is not a positive number")));
            }
        }
        if let Some(&(qa, qt)) = out.last() {
            let problem = if a <= qa {
                Some("the current must rise strictly")
            } else if t >= qt {
                Some("the time must fall strictly as the current rises")
            } else {
                None
            };
            if let Some(p) = problem {
                return Err(e.bad(&field, format!("[{a}, {t}] after [{qa}, {qt}]: {p}")));
            }
        }
        out.push((a, t));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISSUE_EXAMPLE: &str = r#"
[[relay]]
id = "R-MAIN-51"
curve = "IEEE-VI"
pickup_a = 600.0
time_dial = 2.0
instantaneous_pickup_a = 8000.0
definite_time = [ { pickup_a = 2000.0, delay_s = 0.3 } ]
breaker_opening_cycles = 5.0
frequency_hz = 60.0

[[breaker]]
id = "CB-MCC1"
long_time = { pickup_a = 800.0, delay_s = 10.0 }
short_time = { pickup_a = 4000.0, delay_s = 0.2, i2t = false }
instantaneous = { pickup_a = 12000.0 }

[[fuse]]
id = "F-200A"
rating_a = 200.0
curve = "total_clearing"
points = [[400.0, 300.0], [600.0, 30.0], [1500.0, 1.0], [6000.0, 0.01]]
"#;

    #[test]
    fn the_issue_example_parses() {
        let lib = Library::parse(ISSUE_EXAMPLE).unwrap();
        assert_eq!(lib.len(), 3);
        assert!(lib.find("CB-MCC1").is_some());
    }

    #[test]
    fn problems_name_the_device_and_field() {
        let e = Library::parse(&ISSUE_EXAMPLE.replace("IEEE-VI", "IEEE-XX")).unwrap_err();
        assert_eq!(e.0[0].device.as_deref(), Some("R-MAIN-51"));
        assert!(
            e.to_string().contains("curve: unknown curve 'IEEE-XX'"),
            "{e}"
        );
        let e = Library::parse(&ISSUE_EXAMPLE.replace("time_dial = 2.0", "time_dial = -1.0"))
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("time_dial: -1 is not a positive number"),
            "{e}"
        );
        let e =
            Library::parse(&ISSUE_EXAMPLE.replace("[1500.0, 1.0]", "[1500.0, 40.0]")).unwrap_err();
        assert!(e.to_string().contains("device 'F-200A', points[2]"), "{e}");
        let e = Library::parse("[[relay]]\nid = 3\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "device 'relay #1', id: expected a string, found integer 3"
        );
        let e = Library::parse("[[relay]]\nid = \"R\"\ncurve = \n").unwrap_err();
        assert!(e.to_string().starts_with("line 3"), "{e}");
    }

    #[test]
    fn type_missing_and_unknown_fields_are_named_and_every_problem_is_listed() {
        let text = ISSUE_EXAMPLE
            .replace("pickup_a = 600.0", "pickup_a = \"600\"")
            .replace("breaker_opening_cycles = 5.0", "")
            .replace("i2t = false", "i2t = false, delay = 1")
            .replace("rating_a = 200.0", "rating_a = 200.0\nvoltage = 600");
        let e = Library::parse(&text).unwrap_err();
        let lines: Vec<String> = e.0.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            lines,
            [
                "device 'R-MAIN-51', pickup_a: expected a number, found string \"600\"",
                "device 'CB-MCC1', short_time.delay: unknown field, accepted: pickup_a, delay_s, i2t, tolerance, max_clearing_s",
                "device 'F-200A', voltage: unknown field, accepted: id, rating_a, curve, points",
            ]
        );
        let e =
            Library::parse(&ISSUE_EXAMPLE.replace("breaker_opening_cycles = 5.0", "")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "device 'R-MAIN-51', breaker_opening_cycles: missing"
        );
        let e =
            Library::parse(&ISSUE_EXAMPLE.replace("[1500.0, 1.0]", "[500.0, 1.0]")).unwrap_err();
        assert!(
            e.to_string().ends_with("the current must rise strictly"),
            "{e}"
        );
        let e = Library::parse("[[fuse]]\nid = \"\"\n").unwrap_err();
        assert!(e.to_string().contains("id: empty"), "{e}");
        let lib = Library::parse(
            "[[relay]]\nid = \" R-1 \"\ninstantaneous_pickup_a = 900\nbreaker_opening_cycles = 3\n",
        )
        .unwrap();
        assert!(
            lib.find("R-1").is_some(),
            "ids are trimmed as inventory cells are"
        );
        let e = Library::parse(
            "[[relay]]\nid = \"R\"\npickup_a = 600\ninstantaneous_pickup_a = 900\nbreaker_opening_cycles = 3\n",
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("pickup_a: has no effect without a curve"),
            "{e}"
        );
        let e = Library::parse("[[relays]]\nid = \"R\"\n").unwrap_err();
        assert!(e.to_string().starts_with("relays: unknown table"), "{e}");
    }
}
