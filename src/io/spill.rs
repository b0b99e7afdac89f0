//! Sorted runs of `(key, position)` pairs kept in temporary files, and their merge: what lets
//! the duplicate check of a run hold a bounded number of keys in memory whatever the size of
//! its input (see `pipeline::duplicates::PairKeys`).
//!
//! A run is written as 12 bytes a pair (the key, then the position, little endian) to a file
//! in the temporary directory that is unlinked as soon as it is created: only its handle keeps
//! it, so nothing is left behind however the process ends.

use anyhow::{Context, Result};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};

/// A key and the position of its row.
pub(crate) type Keyed = (u64, u32);

/// Bytes of one pair in a run's file.
const PAIR: usize = 12;

/// Sorted runs written so far.
#[derive(Default)]
pub(crate) struct SortedRuns {
    files: Vec<File>,
}

impl SortedRuns {
    /// Whether no run was written.
    pub(crate) fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Writes `pairs`, sorted by key then position, as a new run.
    pub(crate) fn write(&mut self, pairs: &[Keyed]) -> Result<()> {
        debug_assert!(pairs.is_sorted());
        let (file, path) = unlinked_file()?;
        let mut w = BufWriter::with_capacity(1 << 20, &file);
        let written = pairs.iter().try_for_each(|&(key, at)| {
            w.write_all(&key.to_le_bytes())?;
            w.write_all(&at.to_le_bytes())
        });
        written
            .and_then(|()| w.flush())
            .with_context(|| format!("cannot write the temporary file {}", path.display()))?;
        drop(w);
        self.files.push(file);
        Ok(())
    }

    /// Every pair of the runs and of `last` (sorted too), handed to `each` in order of key then
    /// position.
    pub(crate) fn merge(self, last: &[Keyed], each: &mut dyn FnMut(Keyed)) -> Result<()> {
        let mut sources = Vec::with_capacity(self.files.len() + 1);
        for mut f in self.files {
            f.seek(SeekFrom::Start(0))
                .context("cannot read back a temporary file")?;
            sources.push(Source::File(BufReader::with_capacity(1 << 20, f)));
        }
        sources.push(Source::Memory(last.iter()));
        let mut heap = BinaryHeap::with_capacity(sources.len());
        for (k, s) in sources.iter_mut().enumerate() {
            if let Some(p) = s.next()? {
                heap.push(Reverse((p, k)));
            }
        }
        while let Some(Reverse((p, k))) = heap.pop() {
            each(p);
            if let Some(next) = sources[k].next()? {
                heap.push(Reverse((next, k)));
            }
        }
        Ok(())
    }
}

/// Where the pairs of one run are read from.
enum Source<'a> {
    File(BufReader<File>),
    Memory(std::slice::Iter<'a, Keyed>),
}

impl Source<'_> {
    fn next(&mut self) -> Result<Option<Keyed>> {
        match self {
            Source::Memory(it) => Ok(it.next().copied()),
            Source::File(r) => {
                let mut b = [0u8; PAIR];
                match r.read_exact(&mut b) {
                    Ok(()) => {
                        let (mut key, mut at) = ([0u8; 8], [0u8; 4]);
                        key.copy_from_slice(&b[..8]);
                        at.copy_from_slice(&b[8..]);
                        Ok(Some((u64::from_le_bytes(key), u32::from_le_bytes(at))))
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(None),
                    Err(e) => Err(e).context("cannot read back a temporary file"),
                }
            }
        }
    }
}

/// A new file in the temporary directory, already unlinked (its path, for messages).
fn unlinked_file() -> Result<(File, std::path::PathBuf)> {
    let (file, path) = super::temp_file("keys")?;
    std::fs::remove_file(&path)
        .with_context(|| format!("cannot unlink the temporary file {}", path.display()))?;
    Ok((file, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_merge_in_order_of_key_then_position() {
        // Three runs and a last part, with keys shared across them and positions interleaved.
        let all: Vec<Keyed> = (0..10_000u32)
            .map(|i| (u64::from(i.wrapping_mul(2_654_435_761) % 97), i))
            .collect();
        let mut runs = SortedRuns::default();
        assert!(runs.is_empty());
        let mut parts: Vec<Vec<Keyed>> = all.chunks(3_000).map(<[Keyed]>::to_vec).collect();
        let mut last = parts.pop().unwrap();
        last.sort_unstable();
        for mut p in parts {
            p.sort_unstable();
            runs.write(&p).unwrap();
        }
        assert!(!runs.is_empty());
        let mut merged = Vec::new();
        runs.merge(&last, &mut |p| merged.push(p)).unwrap();
        let mut want = all;
        want.sort_unstable();
        assert_eq!(merged, want);
        // No file is left in the temporary directory.
        let ours = format!("voltmetrics-{}-", std::process::id());
        let left = std::fs::read_dir(std::env::temp_dir())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.starts_with(&ours) && name.ends_with(".keys")
            })
            .count();
        assert_eq!(left, 0);
    }
}
