//! The protective-device library (`--devices FILE`, TOML): parsed, then validated as a whole
//! before any row is read. Every problem names the device and the field.

use super::curves::Curve;
use super::{
    Breaker, DefiniteTime, Device, Fuse, FuseCurve, Instantaneous, LongTime, Relay, ShortTime,
    SHORT_TIME_BAND_MAX_S,
};
use serde::Deserialize;
use std::collections::HashMap;
use std::fmt;

/// A problem with the library.
#[derive(Clone, Debug, PartialEq)]
pub struct LibraryError {
    /// The device, when the problem is one device's.
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

/// The validated library: devices by id.
#[derive(Clone, Debug, Default)]
pub struct Library {
    devices: Vec<Device>,
    index: HashMap<String, u32>,
}

impl Library {
    /// Parses and validates TOML text.
    pub fn parse(text: &str) -> Result<Library, LibraryError> {
        let raw: RawLibrary = toml::from_str(text).map_err(|e| LibraryError {
            device: None,
            field: e
                .span()
                .map(|s| format!("line {}", 1 + text[..s.start].matches('\n').count()))
                .unwrap_or_else(|| "the file".to_string()),
            message: e.message().to_string(),
        })?;
        let mut devices = Vec::new();
        for r in raw.relay {
            devices.push(Device::Relay(r.validate()?));
        }
        for b in raw.breaker {
            devices.push(Device::Breaker(b.validate()?));
        }
        for f in raw.fuse {
            devices.push(Device::Fuse(f.validate()?));
        }
        let mut index = HashMap::new();
        for (i, d) in devices.iter().enumerate() {
            if index.insert(d.id().to_string(), i as u32).is_some() {
                return Err(bad(
                    d.id(),
                    "id",
                    "another device has the same id; ids must be unique",
                ));
            }
        }
        Ok(Library { devices, index })
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

/// `v` must be a positive finite number.
fn positive(device: &str, field: &str, v: f64) -> Result<f64, LibraryError> {
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(bad(device, field, format!("{v} is not a positive number")))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLibrary {
    #[serde(default)]
    relay: Vec<RawRelay>,
    #[serde(default)]
    breaker: Vec<RawBreaker>,
    #[serde(default)]
    fuse: Vec<RawFuse>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRelay {
    id: String,
    curve: Option<String>,
    pickup_a: Option<f64>,
    time_dial: Option<f64>,
    instantaneous_pickup_a: Option<f64>,
    #[serde(default)]
    definite_time: Vec<RawDefiniteTime>,
    breaker_opening_cycles: f64,
    frequency_hz: Option<f64>,
    max_multiple: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefiniteTime {
    pickup_a: f64,
    delay_s: f64,
}

impl RawRelay {
    fn validate(self) -> Result<Relay, LibraryError> {
        let id = self.id.as_str();
        let curve = match &self.curve {
            None => None,
            Some(name) => Some(Curve::named(name).ok_or_else(|| {
                bad(
                    id,
                    "curve",
                    format!("unknown curve '{name}', accepted: {}", Curve::names()),
                )
            })?),
        };
        let needed = |v: Option<f64>, field: &str| -> Result<f64, LibraryError> {
            match (v, curve) {
                (Some(v), _) => positive(id, field, v),
                (None, Some(_)) => Err(bad(id, field, "missing: the inverse-time curve needs it")),
                (None, None) => Ok(f64::INFINITY),
            }
        };
        let (pickup_a, time_dial) = (
            needed(self.pickup_a, "pickup_a")?,
            needed(self.time_dial, "time_dial")?,
        );
        if curve.is_none() && self.definite_time.is_empty() && self.instantaneous_pickup_a.is_none()
        {
            return Err(bad(
                id,
                "curve",
                "a relay needs a curve, a definite-time or an instantaneous element",
            ));
        }
        let max_multiple = self.max_multiple.unwrap_or(20.0);
        if !(max_multiple > 1.0 && max_multiple.is_finite()) {
            return Err(bad(
                id,
                "max_multiple",
                format!("{max_multiple} must be above 1"),
            ));
        }
        let mut definite_time = Vec::new();
        for (k, d) in self.definite_time.iter().enumerate() {
            definite_time.push(DefiniteTime {
                pickup_a: positive(id, &format!("definite_time[{k}].pickup_a"), d.pickup_a)?,
                delay_s: positive(id, &format!("definite_time[{k}].delay_s"), d.delay_s)?,
            });
        }
        Ok(Relay {
            curve,
            pickup_a,
            time_dial,
            max_multiple,
            instantaneous_pickup_a: self
                .instantaneous_pickup_a
                .map(|p| positive(id, "instantaneous_pickup_a", p))
                .transpose()?,
            definite_time,
            breaker_opening_cycles: positive(
                id,
                "breaker_opening_cycles",
                self.breaker_opening_cycles,
            )?,
            frequency_hz: positive(id, "frequency_hz", self.frequency_hz.unwrap_or(60.0))?,
            id: self.id,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBreaker {
    id: String,
    long_time: Option<RawLongTime>,
    short_time: Option<RawShortTime>,
    instantaneous: Option<RawInstantaneous>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLongTime {
    pickup_a: f64,
    delay_s: f64,
    tolerance: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawShortTime {
    pickup_a: f64,
    delay_s: f64,
    #[serde(default)]
    i2t: bool,
    tolerance: Option<f64>,
    max_clearing_s: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstantaneous {
    pickup_a: f64,
    tolerance: Option<f64>,
    clearing_s: Option<f64>,
}

/// The band maximum of a short-time delay setting.
fn band_max(id: &str, setting: f64) -> Result<f64, LibraryError> {
    SHORT_TIME_BAND_MAX_S
        .iter()
        .find(|(s, _)| (s - setting).abs() < 1e-9)
        .map(|(_, max)| *max)
        .ok_or_else(|| {
            bad(
                id,
                "short_time.delay_s",
                format!("{setting} is not a band setting (0, 0.1, 0.2, 0.3, 0.4 s); give short_time.max_clearing_s for another band"),
            )
        })
}

impl RawBreaker {
    fn validate(self) -> Result<Breaker, LibraryError> {
        let id = self.id.as_str();
        let long_time = self
            .long_time
            .map(|lt| -> Result<_, LibraryError> {
                Ok(LongTime {
                    pickup_a: positive(id, "long_time.pickup_a", lt.pickup_a)?,
                    delay_s: positive(id, "long_time.delay_s", lt.delay_s)?,
                    tolerance: positive(id, "long_time.tolerance", lt.tolerance.unwrap_or(1.2))?,
                })
            })
            .transpose()?;
        let short_time = self
            .short_time
            .map(|st| -> Result<_, LibraryError> {
                if !(st.delay_s >= 0.0 && st.delay_s.is_finite()) {
                    return Err(bad(
                        id,
                        "short_time.delay_s",
                        format!("{} is not a delay setting", st.delay_s),
                    ));
                }
                if st.i2t && long_time.is_none() {
                    return Err(bad(
                        id,
                        "short_time.i2t",
                        "the I2t ramp is in multiples of the long-time pickup: give long_time",
                    ));
                }
                let max_clearing_s = match st.max_clearing_s {
                    Some(m) => positive(id, "short_time.max_clearing_s", m)?,
                    None => band_max(id, st.delay_s)?,
                };
                Ok(ShortTime {
                    pickup_a: positive(id, "short_time.pickup_a", st.pickup_a)?,
                    delay_s: st.delay_s,
                    i2t: st.i2t,
                    tolerance: positive(id, "short_time.tolerance", st.tolerance.unwrap_or(1.1))?,
                    max_clearing_s,
                })
            })
            .transpose()?;
        let instantaneous = self
            .instantaneous
            .map(|i| -> Result<_, LibraryError> {
                Ok(Instantaneous {
                    pickup_a: positive(id, "instantaneous.pickup_a", i.pickup_a)?,
                    tolerance: positive(
                        id,
                        "instantaneous.tolerance",
                        i.tolerance.unwrap_or(1.15),
                    )?,
                    clearing_s: positive(
                        id,
                        "instantaneous.clearing_s",
                        i.clearing_s.unwrap_or(0.05),
                    )?,
                })
            })
            .transpose()?;
        if long_time.is_none() && short_time.is_none() && instantaneous.is_none() {
            return Err(bad(
                id,
                "long_time",
                "a breaker needs at least one of long_time, short_time, instantaneous",
            ));
        }
        Ok(Breaker {
            id: self.id,
            long_time,
            short_time,
            instantaneous,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFuse {
    id: String,
    rating_a: f64,
    curve: Option<String>,
    points: Vec<[f64; 2]>,
}

impl RawFuse {
    fn validate(self) -> Result<Fuse, LibraryError> {
        let id = self.id.as_str();
        let curve = match self.curve.as_deref().map(str::trim) {
            None | Some("total_clearing") => FuseCurve::TotalClearing,
            Some("average_melt") => FuseCurve::AverageMelt,
            Some(other) => {
                return Err(bad(
                    id,
                    "curve",
                    format!("unknown curve '{other}', accepted: total_clearing, average_melt"),
                ))
            }
        };
        if self.points.is_empty() {
            return Err(bad(
                id,
                "points",
                "no points; give [current A, time s] pairs",
            ));
        }
        for (k, p) in self.points.iter().enumerate() {
            positive(id, &format!("points[{k}]"), p[0])?;
            positive(id, &format!("points[{k}]"), p[1])?;
            if k > 0 {
                let q = self.points[k - 1];
                if !(p[0] > q[0] && p[1] < q[1]) {
                    return Err(bad(
                        id,
                        &format!("points[{k}]"),
                        format!("[{}, {}] after [{}, {}]: the current must rise and the time fall strictly", p[0], p[1], q[0], q[1]),
                    ));
                }
            }
        }
        Ok(Fuse {
            rating_a: positive(id, "rating_a", self.rating_a)?,
            curve,
            points: self.points.iter().map(|p| (p[0], p[1])).collect(),
            id: self.id,
        })
    }
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
        assert_eq!(e.device.as_deref(), Some("R-MAIN-51"));
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
        assert!(e.to_string().starts_with("line 2"), "{e}");
    }
}
