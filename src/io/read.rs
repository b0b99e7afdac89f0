//! Reading inventories: CSV (file, `.csv.gz`, `-` for stdin) and Parquet, into one polars
//! frame. The format is recognised from the content (Parquet and gzip magic bytes), so a
//! mislabelled file still reads. Column names are normalised (trimmed, lower case); unknown
//! columns are kept. CSV is read with every column as text so ids stay verbatim and every
//! cell can be checked with an exact message later.

use super::inputs::{Inputs, CHUNK_ROWS};
use crate::contract::input;
use anyhow::{bail, Result};
use polars::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

/// One input file.
#[derive(Clone, Debug)]
pub struct Source {
    /// As given on the command line (`-` for stdin).
    pub path: String,
    /// Data rows.
    pub rows: usize,
    /// XXH3-64 of the file's bytes, hex.
    pub content_hash: String,
    /// A workbook's sheet: where its rows and columns are (cell addresses in messages).
    pub sheet: Option<std::sync::Arc<super::workbook::SheetMap>>,
}

/// All inputs, concatenated.
pub struct Inventory {
    /// The rows, with normalised column names.
    pub frame: DataFrame,
    /// The files, in order.
    pub sources: Vec<Source>,
    /// Each row's position in the concatenated files, when the frame holds only some of their
    /// rows (a chunk, a shard); `None`: all rows, in order.
    pub kept: Option<Vec<u32>>,
}

impl Inventory {
    /// The position of frame row `i` in the concatenated files (0-based).
    pub fn position(&self, i: usize) -> usize {
        self.kept.as_ref().map_or(i, |k| k[i] as usize)
    }

    /// The file and 1-based data row of frame row `i`.
    pub fn locate(&self, i: usize) -> (&str, usize) {
        locate(&self.sources, self.position(i))
    }

    /// The cell of frame row `i` in `column` when the row comes from a workbook
    /// (`Sheet1!D17`).
    pub fn cell(&self, i: usize, column: &str) -> Option<String> {
        let mut p = self.position(i);
        for s in &self.sources {
            if p < s.rows {
                return s.sheet.as_ref().map(|m| m.cell(p, column));
            }
            p -= s.rows;
        }
        None
    }

    /// Columns of the frame that are not input columns of the contract (passed through).
    pub fn passthrough_columns(&self) -> Vec<String> {
        self.frame
            .get_column_names()
            .into_iter()
            .filter(|n| input::by_name(n.as_str()).is_none())
            .map(|n| n.to_string())
            .collect()
    }
}

/// The file and 1-based data row of position `i` of the concatenated `sources`.
pub fn locate(sources: &[Source], mut i: usize) -> (&str, usize) {
    for s in sources {
        if i < s.rows {
            return (&s.path, i + 1);
        }
        i -= s.rows;
    }
    ("?", i + 1)
}

/// Decoders running under [`without_panicking`], in the whole process.
static QUIET_PANICS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// This thread is running a decoder under [`without_panicking`].
    static IN_DECODER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs a panic hook that keeps quiet about the panics [`without_panicking`] turns into
/// errors — on the thread that runs the decoder, and on rayon workers (polars decodes on its
/// pool, whose panics come back to that thread) while a decoder runs — and hands every other
/// panic to the hook it replaces. Call once, at start-up.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let quiet = IN_DECODER.with(|d| d.get())
            || (rayon::current_thread_index().is_some() && QUIET_PANICS.load(Ordering::SeqCst) > 0);
        if !quiet {
            previous(info);
        }
    }));
}

/// Runs a third-party decoder; a panic inside it comes back as its message.
pub(super) fn without_panicking<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    QUIET_PANICS.fetch_add(1, Ordering::SeqCst);
    let outer = IN_DECODER.with(|d| d.replace(true));
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    IN_DECODER.with(|d| d.set(outer));
    QUIET_PANICS.fetch_sub(1, Ordering::SeqCst);
    out.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_string())
    })
}

/// The header row of CSV bytes as written (the CSV reader renames a repeated name, so the
/// names are checked here first). A byte-order mark is not part of the first name.
pub(super) fn csv_header(bytes: &[u8]) -> Vec<String> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    match r.read_byte_record(&mut record) {
        Ok(true) => record
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let f = if i == 0 {
                    f.strip_prefix("\u{feff}".as_bytes()).unwrap_or(f)
                } else {
                    f
                };
                String::from_utf8_lossy(f).into_owned()
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Column names normalised (trimmed, ASCII lower case); an empty or repeated name is a run
/// error naming the file and the columns.
pub(super) fn check_header_names(path: &str, raw: &[String]) -> Result<Vec<String>> {
    let names: Vec<String> = raw.iter().map(|n| n.trim().to_ascii_lowercase()).collect();
    for (i, n) in names.iter().enumerate() {
        if n.is_empty() {
            bail!(
                "{path}: column {} has an empty name; every column needs a header",
                i + 1
            );
        }
        if let Some(j) = names[..i].iter().position(|m| m == n) {
            bail!("{path}: columns {} and {} are both named '{n}' (names are compared without case and surrounding spaces)", j + 1, i + 1);
        }
    }
    Ok(names)
}

/// The file-level required columns ([`input::REQUIRED`]) missing from `names`; a group of
/// alternatives is named as `a (or b)`.
pub fn missing_required(names: &[&str]) -> Vec<String> {
    input::REQUIRED
        .iter()
        .filter(|group| !group.iter().any(|c| names.contains(&c.name)))
        .map(|group| match group {
            [one] => one.name.to_string(),
            [first, rest @ ..] => format!(
                "{} (or {})",
                first.name,
                rest.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
            ),
            [] => String::new(),
        })
        .collect()
}

/// The file-level required columns of a file with columns `names`, as a run error naming them.
pub(super) fn require_names(path: &str, names: &[String]) -> Result<()> {
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let missing = missing_required(&names);
    if !missing.is_empty() {
        bail!(
            "{path}: required column(s) missing: {}; found: {}",
            missing.join(", "),
            names.join(", ")
        );
    }
    Ok(())
}

/// Reads one file held in memory (CSV, gzip-compressed CSV or Parquet, recognised by content)
/// exactly as [`read_inputs`] reads a file called `name` — the entry point of the fuzz
/// targets and of the reader's property tests.
pub fn read_bytes(name: &str, raw: &[u8]) -> Result<Inventory> {
    Inputs::from_bytes(name, raw.to_vec(), CHUNK_ROWS)?.read_all()
}

/// Reads and concatenates every input. File-level problems are errors naming the file.
pub fn read_inputs(paths: &[String], opts: &super::inputs::OpenOptions) -> Result<Inventory> {
    Inputs::open(paths, CHUNK_ROWS, opts)?.read_all()
}
