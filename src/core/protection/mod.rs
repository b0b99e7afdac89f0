//! Protective devices: the clearing time of the device that clears the arc, at the current it
//! sees. Arc flash uses the upper (maximum clearing) band throughout.
//!
//! * [`Relay`] — an inverse-time curve ([`curves`]), definite-time elements and an
//!   instantaneous element (relay time one cycle), plus the breaker's opening time;
//! * [`Breaker`] — an LV breaker with an integral trip unit: long time (`t = 36·delay/M²`,
//!   delay at 6× pickup), short time (band maximum, optional I²t ramp), instantaneous; pickups
//!   at their upper tolerance; the curve includes clearing;
//! * [`Fuse`] — a tabulated total-clearing (or average-melt, +15 % up to 0.03 s, +10 % above)
//!   curve, log-log linear between points; below the first point it does not clear; above the
//!   last point the last time; never below 0.01 s.
//!
//! A relay's trip time is the fastest of its elements that operate; a trip unit's is that of
//! its highest element that operates (its curve is drawn so), never below its instantaneous
//! clearing time (0.05 s by default). A current at an element's pickup does
//! not operate it (strictly above), the conservative reading. `None` means the device does not
//! clear the arc at that current.

pub mod curves;
pub mod library;

pub use library::{Library, LibraryError, LibraryErrors};

use curves::Curve;

/// The element that clears the arc (`trip_element_full`, `trip_element_reduced`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TripElement {
    /// A relay's inverse-time curve.
    Inverse = 0,
    /// A relay's definite-time element.
    DefiniteTime = 1,
    /// A relay's or a breaker's instantaneous element.
    Instantaneous = 2,
    /// A breaker's long-time element.
    LongTime = 3,
    /// A breaker's short-time element.
    ShortTime = 4,
    /// A fuse.
    Fuse = 5,
}

impl TripElement {
    /// Every element, in code order.
    pub const ALL: [TripElement; 6] = [
        TripElement::Inverse,
        TripElement::DefiniteTime,
        TripElement::Instantaneous,
        TripElement::LongTime,
        TripElement::ShortTime,
        TripElement::Fuse,
    ];

    /// The element as written.
    pub fn as_str(self) -> &'static str {
        crate::contract::values::TRIP_ELEMENT[self as usize]
    }
}

/// The clearing time of a device at one current.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Trip {
    /// Total clearing time, s.
    pub seconds: f64,
    /// The element that operates first.
    pub element: TripElement,
}

/// The faster of two trips.
fn fastest(a: Option<Trip>, b: Option<Trip>) -> Option<Trip> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if y.seconds < x.seconds { y } else { x }),
        (x, None) => x,
        (None, y) => y,
    }
}

/// A definite-time element of a relay.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DefiniteTime {
    /// Pickup, primary A.
    pub pickup_a: f64,
    /// Delay, s.
    pub delay_s: f64,
}

/// A relay and its circuit breaker.
#[derive(Clone, Debug, PartialEq)]
pub struct Relay {
    /// Id.
    pub id: String,
    /// Inverse-time curve (a relay may have definite-time and instantaneous elements only).
    pub curve: Option<Curve>,
    /// Pickup of the inverse-time curve, primary A.
    pub pickup_a: f64,
    /// Time dial as the curve family defines it.
    pub time_dial: f64,
    /// The multiple of pickup the curve is clamped at (default 20).
    pub max_multiple: f64,
    /// Instantaneous (50) pickup, primary A.
    pub instantaneous_pickup_a: Option<f64>,
    /// Definite-time elements.
    pub definite_time: Vec<DefiniteTime>,
    /// Breaker opening time, cycles.
    pub breaker_opening_cycles: f64,
    /// System frequency, Hz (default 60).
    pub frequency_hz: f64,
}

impl Relay {
    /// Relay time plus breaker opening time.
    pub fn trip(&self, amps: f64) -> Option<Trip> {
        let f = self.frequency_hz;
        let opening_s = self.breaker_opening_cycles / f;
        // Undefined at or below pickup; above, the multiple is clamped at `max_multiple`.
        let m = amps / self.pickup_a;
        let inverse = match self.curve {
            Some(c) if m > 1.0 => c.time(m.min(self.max_multiple), self.time_dial),
            _ => None,
        };
        let mut t = inverse.map(|s| Trip {
            seconds: s + opening_s,
            element: TripElement::Inverse,
        });
        for d in &self.definite_time {
            if amps > d.pickup_a {
                t = fastest(
                    t,
                    Some(Trip {
                        seconds: d.delay_s + opening_s,
                        element: TripElement::DefiniteTime,
                    }),
                );
            }
        }
        if self.instantaneous_pickup_a.is_some_and(|p| amps > p) {
            // One cycle of relay time, counted with the breaker's cycles (6/60 is 0.1 s
            // exactly; 1/60 + 5/60 is not).
            t = fastest(
                t,
                Some(Trip {
                    seconds: (1.0 + self.breaker_opening_cycles) / f,
                    element: TripElement::Instantaneous,
                }),
            );
        }
        t
    }
}

/// The long-time element of a trip unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LongTime {
    /// Pickup Ir, A.
    pub pickup_a: f64,
    /// Delay at 6 × Ir, s.
    pub delay_s: f64,
    /// Upper-band pickup tolerance (× pickup, default 1.2).
    pub tolerance: f64,
}

/// The short-time element of a trip unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShortTime {
    /// Pickup Isd, A.
    pub pickup_a: f64,
    /// The delay setting, s.
    pub delay_s: f64,
    /// I²t ramp: `t = 100 · band / (I/Ir)²`, not below the band.
    pub i2t: bool,
    /// Upper-band pickup tolerance (× pickup, default 1.1).
    pub tolerance: f64,
    /// The band's maximum clearing time, s (default from the setting).
    pub max_clearing_s: f64,
}

/// The instantaneous element of a trip unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Instantaneous {
    /// Pickup Ii, A.
    pub pickup_a: f64,
    /// Upper-band pickup tolerance (× pickup, default 1.15).
    pub tolerance: f64,
    /// Clearing time, s (default 0.05).
    pub clearing_s: f64,
}

/// Maximum clearing times of the short-time band for delay settings 0, 0.1, 0.2, 0.3, 0.4 s.
pub const SHORT_TIME_BAND_MAX_S: [(f64, f64); 5] = [
    (0.0, 0.08),
    (0.1, 0.14),
    (0.2, 0.20),
    (0.3, 0.32),
    (0.4, 0.50),
];

/// An LV breaker with an integral trip unit.
#[derive(Clone, Debug, PartialEq)]
pub struct Breaker {
    /// Id.
    pub id: String,
    /// Long time.
    pub long_time: Option<LongTime>,
    /// Short time.
    pub short_time: Option<ShortTime>,
    /// Instantaneous.
    pub instantaneous: Option<Instantaneous>,
}

impl Breaker {
    /// The upper-band clearing time: that of the highest element whose upper-band pickup the
    /// current exceeds — instantaneous, else short time, else long time — never below the
    /// instantaneous clearing time. A trip unit hands over from one element to the next: above
    /// the short-time pickup the long-time equation no longer applies (the reference's case C
    /// at 40 × Ir clears in the 0.14 s band, where 36·4/40² would give 0.09 s), and a breaker
    /// opens no faster than its instantaneous clearing time whatever that equation gives.
    pub fn trip(&self, amps: f64) -> Option<Trip> {
        let inst = self
            .instantaneous
            .filter(|i| amps > i.tolerance * i.pickup_a)
            .map(|i| Trip {
                seconds: i.clearing_s,
                element: TripElement::Instantaneous,
            });
        let short = self
            .short_time
            .filter(|st| amps > st.tolerance * st.pickup_a)
            .map(|st| {
                let band = st.max_clearing_s;
                let seconds = match (st.i2t, self.long_time) {
                    (true, Some(lt)) => {
                        let m = amps / lt.pickup_a;
                        (100.0 * band / (m * m)).max(band)
                    }
                    _ => band,
                };
                Trip {
                    seconds,
                    element: TripElement::ShortTime,
                }
            });
        let long = self
            .long_time
            .filter(|lt| amps > lt.tolerance * lt.pickup_a)
            .map(|lt| {
                let m = amps / lt.pickup_a;
                Trip {
                    seconds: 36.0 * lt.delay_s / (m * m),
                    element: TripElement::LongTime,
                }
            });
        let floor = self
            .instantaneous
            .map_or(BREAKER_MIN_CLEARING_S, |i| i.clearing_s);
        inst.or(short).or(long).map(|t| Trip {
            seconds: t.seconds.max(floor),
            ..t
        })
    }
}

/// The shortest clearing time of a breaker without an instantaneous element, s (the default
/// instantaneous clearing time).
pub const BREAKER_MIN_CLEARING_S: f64 = 0.05;

/// Which curve of a fuse is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FuseCurve {
    /// Total clearing: used as it is.
    TotalClearing,
    /// Average melt: +15 % up to 0.03 s, +10 % above (IEEE 1584-2002).
    AverageMelt,
}

/// The shortest clearing time a fuse is credited with, s.
pub const FUSE_MIN_S: f64 = 0.01;

/// A fuse.
#[derive(Clone, Debug, PartialEq)]
pub struct Fuse {
    /// Id.
    pub id: String,
    /// Rating, A.
    pub rating_a: f64,
    /// Which curve `points` are.
    pub curve: FuseCurve,
    /// (A, s), current rising, time falling.
    pub points: Vec<(f64, f64)>,
}

impl Fuse {
    /// The curve's time at `amps` (log-log linear), before the clearing rules.
    fn curve_time(&self, amps: f64) -> Option<f64> {
        let first = *self.points.first()?;
        if amps.is_nan() || amps < first.0 {
            return None;
        }
        let last = *self.points.last()?;
        if amps >= last.0 {
            return Some(last.1);
        }
        let k = self.points.iter().position(|p| p.0 > amps)?;
        let ((i0, t0), (i1, t1)) = (self.points[k - 1], self.points[k]);
        let x = (amps.ln() - i0.ln()) / (i1.ln() - i0.ln());
        Some((t0.ln() + x * (t1.ln() - t0.ln())).exp())
    }

    /// The clearing time.
    pub fn trip(&self, amps: f64) -> Option<Trip> {
        let t = self.curve_time(amps)?;
        let t = match self.curve {
            FuseCurve::TotalClearing => t,
            FuseCurve::AverageMelt if t <= 0.03 => t * 1.15,
            FuseCurve::AverageMelt => t * 1.10,
        };
        Some(Trip {
            seconds: t.max(FUSE_MIN_S),
            element: TripElement::Fuse,
        })
    }
}

/// A device of the library.
#[derive(Clone, Debug, PartialEq)]
pub enum Device {
    /// A relay with its breaker.
    Relay(Relay),
    /// A breaker with an integral trip unit.
    Breaker(Breaker),
    /// A fuse.
    Fuse(Fuse),
}

impl Device {
    /// Its id.
    pub fn id(&self) -> &str {
        match self {
            Device::Relay(r) => &r.id,
            Device::Breaker(b) => &b.id,
            Device::Fuse(f) => &f.id,
        }
    }

    /// `relay`, `breaker` or `fuse` (its table in the library).
    pub fn kind(&self) -> &'static str {
        match self {
            Device::Relay(_) => "relay",
            Device::Breaker(_) => "breaker",
            Device::Fuse(_) => "fuse",
        }
    }

    /// The clearing time at `amps` (the current through the device), or `None` when it does
    /// not clear at that current.
    pub fn trip(&self, amps: f64) -> Option<Trip> {
        match self {
            Device::Relay(r) => r.trip(amps),
            Device::Breaker(b) => b.trip(amps),
            Device::Fuse(f) => f.trip(amps),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TripElement;

    #[test]
    fn every_element_has_its_contract_value_in_order() {
        let written: Vec<&str> = TripElement::ALL.iter().map(|e| e.as_str()).collect();
        assert_eq!(written, crate::contract::values::TRIP_ELEMENT);
    }
}
