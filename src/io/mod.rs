//! The edges: reading inventories and writing results. Everything else is pure.

pub mod columns;
pub mod devices;
mod parquet_pages;
pub mod read;
pub(crate) mod stdout;
pub mod write;
