//! The edges: reading inventories and writing results. Everything else is pure.

pub mod read;
pub mod write;
