//! The edges: reading inventories and writing results. Everything else is pure.

pub mod columns;
mod csv_fields;
pub mod devices;
pub mod inputs;
pub mod mapping;
mod parquet_encode;
mod parquet_pages;
mod parquet_plan;
mod parquet_write;
pub mod read;
mod records;
pub mod select;
pub(crate) mod spill;
pub(crate) mod stdout;
pub mod workbook;
pub mod write;
mod writeback;

/// A new file, opened to read and write, in the temporary directory:
/// `voltmetrics-{pid}-{n}.{ext}`, `n` counting the process's temporary files.
fn temp_file(ext: &str) -> anyhow::Result<(std::fs::File, std::path::PathBuf)> {
    use anyhow::Context;
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("voltmetrics-{}-{n}.{ext}", std::process::id()));
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)
        .with_context(|| format!("cannot create the temporary file {}", path.display()))?;
    Ok((file, path))
}
