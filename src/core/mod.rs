//! The engine: pure, columnar-friendly functions with no I/O.
//!
//! * [`algorithms`] — the calculation methods (IEEE 1584-2018);
//! * [`nfpa70e`] — PPE category, arc rating, shock approach boundaries;
//! * [`defaults`] — typical values by equipment class (IEEE 1584-2018 Tables 8/10);
//! * [`assessment`] — one equipment from inputs to the contract's result values;
//! * [`hash`] — the stable `input_hash`.

pub mod aggregation;
pub mod algorithms;
pub mod assessment;
pub mod compliance;
pub mod defaults;
pub mod hash;
pub mod nfpa70e;
pub mod protection;
pub mod risk;
pub mod shard;
pub mod uncertainty;
