//! The edges: reading inventories and writing results. Everything else is pure.

pub mod columns;
mod csv_fields;
pub mod devices;
pub mod inputs;
pub mod mapping;
mod parquet_encode;
mod parquet_pages;
mod parquet_write;
pub mod read;
mod records;
pub mod select;
pub(crate) mod stdout;
pub mod workbook;
pub mod write;
mod writeback;
