//! Writing to stdout: buffered, flushed, and quiet on a closed pipe (the caller maps a
//! broken pipe to exit 0).

use std::io::{BufWriter, Write};

/// Runs `f` with a buffered stdout and flushes it.
pub fn write_stdout(f: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut w = BufWriter::with_capacity(1 << 16, stdout.lock());
    f(&mut w)?;
    w.flush()?;
    Ok(())
}

/// Whether `err` comes from writing to a closed pipe (`voltmetrics run x.csv | head -1`).
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            // polars wraps I/O errors in its own type; its message keeps the OS text.
            || e.to_string().contains("Broken pipe")
    })
}
