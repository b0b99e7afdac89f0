//! Reading the protective-device library (`--devices FILE`).

use crate::core::protection::Library;
use anyhow::{anyhow, Context, Result};
use std::sync::Arc;

/// Reads and validates the device library at `path`. Every error names the file (and, from
/// the library, the device and the field).
pub fn read_library(path: &str) -> Result<Arc<Library>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("--devices {path}: cannot read the device library"))?;
    Library::parse(&text)
        .map(Arc::new)
        .map_err(|e| anyhow!("{path}: {e}"))
}
