//! Clearing times from a protective device: at each arcing current (times the device current
//! factor), the device's trip time, capped at `--max-arc-duration`; a device that does not
//! trip gets the cap (or, without a cap, makes the row not applicable).

use super::rows::{err, RowError};
use crate::contract::input as I;
use crate::core::protection::{Library, TripElement};

/// The clearing time of a device row before its device is read, ms (any positive value: the
/// arcing currents do not depend on it).
pub const PLACEHOLDER_MS: f64 = 100.0;

/// Where a row's clearing times come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationSource {
    /// `arc_duration_ms` (and `arc_duration_reduced_ms`).
    Input = 0,
    /// The protective device.
    Device = 1,
}

impl DurationSource {
    /// As written.
    pub fn as_str(self) -> &'static str {
        crate::contract::values::ARC_DURATION_SOURCE[self as usize]
    }
}

/// The device of a row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DeviceRef {
    /// Its position in the library.
    pub position: u32,
    /// The current through the device as a multiple of the arcing current.
    pub factor: f64,
}

/// How a computed row's clearing times were found.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Timing {
    /// Where they come from (computed rows).
    pub source: Option<DurationSource>,
    /// The elements that clear the full and the reduced arc (device rows).
    pub elements: [Option<TripElement>; 2],
    /// A device time was capped.
    pub capped: bool,
    /// The device does not trip at one of the currents.
    pub no_trip: bool,
}

/// The clearing times (ms) of a device row: full and reduced.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DeviceTimes {
    /// Full case, ms.
    pub full_ms: f64,
    /// Reduced case, ms (the full case's where the method has no reduced case).
    pub reduced_ms: f64,
    /// How they were found.
    pub timing: Timing,
}

/// The clearing times of `device` at the arcing currents (kA; the reduced one for methods
/// with a reduced case). `Err` (the row is not applicable) when the device does not trip and
/// there is no cap.
pub fn device_times(
    lib: &Library,
    device: DeviceRef,
    currents_ka: (f64, Option<f64>),
    cap_ms: Option<f64>,
) -> Result<DeviceTimes, RowError> {
    let d = lib.device(device.position);
    let mut timing = Timing {
        source: Some(DurationSource::Device),
        ..Timing::default()
    };
    let mut at = |current_ka: f64, slot: usize| -> Result<f64, RowError> {
        let amps = current_ka * 1000.0 * device.factor;
        match (d.trip(amps), cap_ms) {
            (Some(t), cap) => {
                timing.elements[slot] = Some(t.element);
                let ms = t.seconds * 1000.0;
                match cap {
                    Some(c) if ms > c => {
                        timing.capped = true;
                        Ok(c)
                    }
                    _ => Ok(ms),
                }
            }
            (None, Some(c)) => {
                timing.no_trip = true;
                timing.capped = true;
                Ok(c)
            }
            (None, None) => Err(err(
                I::PROTECTIVE_DEVICE_ID.name,
                Some(d.id()),
                format!(
                    "device '{}' does not trip at {amps:.1} A (the arcing current through it) and --max-arc-duration none sets no cap",
                    d.id()
                ),
            )),
        }
    };
    let full_ms = at(currents_ka.0, 0)?;
    let reduced_ms = match currents_ka.1 {
        Some(reduced) => at(reduced, 1)?,
        None => full_ms,
    };
    Ok(DeviceTimes {
        full_ms,
        reduced_ms,
        timing,
    })
}
