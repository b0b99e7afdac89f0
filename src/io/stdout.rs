//! Writing to stdout: buffered, flushed, and a typed error when the reader closed the pipe.
//!
//! Only a write to **stdout** that fails with [`std::io::ErrorKind::BrokenPipe`] becomes
//! [`StdoutClosed`]; the caller ends the output quietly and lets every other stage decide the
//! exit code. A broken pipe anywhere else (a database or cache connection) is an ordinary error.

use std::io::{BufWriter, Write};

/// The reader of stdout went away (`voltmetrics run x.csv | head -1`): the output ends here,
/// quietly. Carries the underlying I/O error.
#[derive(Debug, thiserror::Error)]
#[error("standard output was closed by its reader")]
pub(crate) struct StdoutClosed(#[source] pub std::io::Error);

/// Stdout that remembers whether a write failed with a broken pipe (polars and serde wrap the
/// I/O error in their own types, so the error they return cannot be relied on to keep it).
struct Watched<W> {
    inner: W,
    broken: Option<std::io::Error>,
}

impl<W: Write> Watched<W> {
    fn note<T>(&mut self, r: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &r {
            if e.kind() == std::io::ErrorKind::BrokenPipe && self.broken.is_none() {
                self.broken = Some(std::io::Error::new(e.kind(), e.to_string()));
            }
        }
        r
    }
}

impl<W: Write> Write for Watched<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let r = self.inner.write(buf);
        self.note(r)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let r = self.inner.flush();
        self.note(r)
    }
}

/// Runs `f` with a buffered stdout and flushes it. When stdout's reader has gone away the
/// error is [`StdoutClosed`], whatever `f` made of the failed write.
pub(crate) fn write_stdout(
    f: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut w = BufWriter::with_capacity(
        1 << 16,
        Watched {
            inner: stdout.lock(),
            broken: None,
        },
    );
    let result = f(&mut w).and_then(|()| Ok(w.flush()?));
    // A failed write leaves bytes in the buffer: drop them, do not write them again.
    let (watched, _) = w.into_parts();
    match (result, watched.broken) {
        (_, Some(io)) => Err(StdoutClosed(io).into()),
        (r, None) => r,
    }
}

/// Whether `err` is (or wraps) [`StdoutClosed`], found by type along the error chain.
pub(crate) fn is_stdout_closed(err: &anyhow::Error) -> bool {
    err.chain()
        .any(|e| e.downcast_ref::<StdoutClosed>().is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_typed_error_counts_as_a_closed_stdout() {
        let pipe = std::io::Error::new(std::io::ErrorKind::BrokenPipe, "Broken pipe");
        assert!(is_stdout_closed(&anyhow::Error::from(StdoutClosed(pipe))));
        // A broken pipe to a server, or an error that merely mentions one, is not.
        let server =
            std::io::Error::new(std::io::ErrorKind::BrokenPipe, "Broken pipe (os error 32)");
        assert!(!is_stdout_closed(
            &anyhow::Error::from(server).context("Redis")
        ));
        assert!(!is_stdout_closed(&anyhow::anyhow!(
            "nope/Broken pipe.csv: cannot read"
        )));
    }

    #[test]
    fn watched_writer_remembers_a_broken_pipe() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut w = Watched {
            inner: Closed,
            broken: None,
        };
        assert!(w.write_all(b"x").is_err());
        assert!(w.broken.is_some());
    }
}
