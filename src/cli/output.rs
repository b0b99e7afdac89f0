//! Writing to stdout: buffered, flushed, and quiet on a closed pipe (the caller maps
//! `BrokenPipe` to exit 0).

use std::io::{BufWriter, Write};

/// Runs `f` with a buffered stdout and flushes it.
pub fn write_stdout(f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut w = BufWriter::new(stdout.lock());
    f(&mut w)?;
    w.flush()?;
    Ok(())
}
