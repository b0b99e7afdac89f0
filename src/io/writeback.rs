//! A file whose data is written back to disk while it is being written, so that the sync that
//! makes it durable at the end waits only for the last few megabytes.
//!
//! A results file of 10⁶ rows is ~120 MB; syncing it all at the end took ~40 ms on the test
//! machine, with both cores otherwise idle. Here every [`STEP`] bytes a helper thread syncs
//! the data written so far (`fdatasync` on a second handle of the same file) while the writer
//! goes on; when a sync is still running, the next request is skipped, never queued. A file
//! smaller than [`STEP`] starts no thread.

use std::fs::File;
use std::io::{self, Write};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::thread::JoinHandle;

/// Bytes written between two requests to the helper.
const STEP: u64 = 8 << 20;

/// The helper thread, started when the file first grows past [`STEP`] (a small file never
/// starts one).
enum Helper {
    NotStarted,
    Running {
        wake: SyncSender<()>,
        thread: JoinHandle<io::Result<()>>,
    },
    /// The file could not be opened twice or the thread not started: only the final sync.
    Unavailable,
}

/// A file written through, with background write-back; [`Writeback::finish`] syncs it.
pub(crate) struct Writeback {
    file: File,
    /// Bytes written since the helper was last woken.
    pending: u64,
    helper: Helper,
}

impl Writeback {
    /// Wraps `file` (its data is synced in the background as it grows).
    pub(crate) fn new(file: File) -> Writeback {
        Writeback {
            file,
            pending: 0,
            helper: Helper::NotStarted,
        }
    }

    /// Starts the helper on a second handle of the file.
    fn start(&self) -> Helper {
        let Ok(second) = self.file.try_clone() else {
            return Helper::Unavailable;
        };
        let (wake, woken) = sync_channel::<()>(1);
        let spawned = std::thread::Builder::new()
            .name("writeback".into())
            .spawn(move || {
                while woken.recv().is_ok() {
                    second.sync_data()?;
                }
                Ok(())
            });
        match spawned {
            Ok(thread) => Helper::Running { wake, thread },
            Err(_) => Helper::Unavailable,
        }
    }

    /// Stops the helper and syncs the file's data and metadata; a failed background sync is
    /// reported here.
    pub(crate) fn finish(self) -> io::Result<File> {
        if let Helper::Running { wake, thread } = self.helper {
            drop(wake);
            thread
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("the write-back thread panicked")))?;
        }
        self.file.sync_all()?;
        Ok(self.file)
    }
}

impl Write for Writeback {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.pending += n as u64;
        if self.pending >= STEP {
            self.pending = 0;
            if matches!(self.helper, Helper::NotStarted) {
                self.helper = self.start();
            }
            if let Helper::Running { wake, .. } = &self.helper {
                // Full: a sync is already asked for, this one is skipped. Disconnected: the
                // helper stopped on an error, which `finish` reports.
                let _ = wake.try_send(());
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn what_is_written_is_in_the_file_after_finish() {
        let dir = std::env::temp_dir().join(format!("vm-writeback-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.bin");
        let mut w = Writeback::new(File::create(&path).unwrap());
        // Three steps and a tail, in odd-sized writes, so the helper is woken several times.
        let data: Vec<u8> = (0..(3 * STEP as usize + 12_345))
            .map(|i| (i * 31 % 251) as u8)
            .collect();
        for piece in data.chunks(1_000_003) {
            w.write_all(piece).unwrap();
        }
        assert!(matches!(w.helper, Helper::Running { .. }));
        drop(w.finish().unwrap());
        let mut back = Vec::new();
        File::open(&path).unwrap().read_to_end(&mut back).unwrap();
        assert!(back == data, "the file differs from what was written");
        // A small file starts no helper and is written all the same.
        let mut w = Writeback::new(File::create(&path).unwrap());
        w.write_all(b"small").unwrap();
        assert!(matches!(w.helper, Helper::NotStarted));
        drop(w.finish().unwrap());
        assert_eq!(std::fs::read(&path).unwrap(), b"small");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
