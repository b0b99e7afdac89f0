//! Calculation methods. Each result names the method and version that produced it.

pub mod fastexp;
pub mod ieee1584_2018;
