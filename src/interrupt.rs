//! SIGINT and SIGTERM: an interrupted run removes the temporary files it was writing, runs the
//! cleanups registered for it (the Redis run status becomes `failed`) and exits with
//! 128 + the signal number (130, 143), as shells report a process killed by that signal.
//!
//! SIGKILL cannot be caught; the temporary files such a run leaves behind are removed by the
//! next run that writes the same target ([`crate::io::write`]).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

type Cleanup = Box<dyn FnOnce(&str) + Send>;

/// Temporary files being written.
static TEMP_FILES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Cleanups of the running command, by id.
static CLEANUPS: Mutex<Vec<(u64, Cleanup)>> = Mutex::new(Vec::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A temporary file registered for removal on interrupt (deregistered on drop).
pub(crate) struct TempFile(PathBuf);

impl TempFile {
    /// Registers `path` (before it is created).
    pub(crate) fn register(path: &Path) -> TempFile {
        lock(&TEMP_FILES).push(path.to_path_buf());
        TempFile(path.to_path_buf())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let mut files = lock(&TEMP_FILES);
        if let Some(i) = files.iter().position(|p| *p == self.0) {
            files.swap_remove(i);
        }
    }
}

/// A cleanup that runs if the process is interrupted while this guard lives.
pub(crate) struct OnInterrupt(u64);

impl OnInterrupt {
    /// Registers `f`; it receives the signal's name (`SIGINT`, `SIGTERM`).
    pub(crate) fn register(f: impl FnOnce(&str) + Send + 'static) -> OnInterrupt {
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        lock(&CLEANUPS).push((id, Box::new(f)));
        OnInterrupt(id)
    }
}

impl Drop for OnInterrupt {
    fn drop(&mut self) {
        lock(&CLEANUPS).retain(|(id, _)| *id != self.0);
    }
}

/// Removes the temporary files and runs the cleanups; the file list stays locked, so no new
/// temporary file is registered (or created) while the process exits.
fn on_signal(name: &str, code: i32) -> ! {
    let files = lock(&TEMP_FILES);
    for f in files.iter() {
        let _ = std::fs::remove_file(f);
    }
    let cleanups: Vec<(u64, Cleanup)> = std::mem::take(&mut *lock(&CLEANUPS));
    for (_, f) in cleanups {
        f(name);
    }
    tracing::error!(signal = name, "interrupted by {name}");
    std::process::exit(code)
}

/// Installs the handler (a thread waiting for SIGINT and SIGTERM). Without it the default
/// action applies.
pub(crate) fn install() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    let name = if sig == SIGINT { "SIGINT" } else { "SIGTERM" };
                    on_signal(name, 128 + sig);
                }
            });
    }
}
