//! Reading inventories: CSV (file, `.csv.gz`, `-` for stdin) and Parquet, into one polars
//! frame. The format is recognised from the content (Parquet and gzip magic bytes), so a
//! mislabelled file still reads. Column names are normalised (trimmed, lower case); unknown
//! columns are kept. CSV is read with every column as text so ids stay verbatim and every
//! cell can be checked with an exact message later.

use crate::contract::input;
use anyhow::{bail, Context, Result};
use polars::prelude::*;
use std::io::{Cursor, Read};
use std::sync::atomic::{AtomicUsize, Ordering};

/// One input file.
#[derive(Clone, Debug)]
pub struct Source {
    /// As given on the command line (`-` for stdin).
    pub path: String,
    /// Data rows.
    pub rows: usize,
    /// FNV-1a 64 of the file's bytes, hex.
    pub content_hash: String,
}

/// All inputs, concatenated.
pub struct Inventory {
    /// The rows, with normalised column names.
    pub frame: DataFrame,
    /// The files, in order.
    pub sources: Vec<Source>,
    /// After [`Inventory::retain`]: each kept row's position in the concatenated files.
    pub kept: Option<Vec<u32>>,
}

impl Inventory {
    /// The file and 1-based data row of frame row `i`.
    pub fn locate(&self, i: usize) -> (&str, usize) {
        let mut i = self.kept.as_ref().map_or(i, |k| k[i] as usize);
        for s in &self.sources {
            if i < s.rows {
                return (&s.path, i + 1);
            }
            i -= s.rows;
        }
        ("?", i + 1)
    }

    /// Keeps the rows whose `keep` is true (in order); [`Inventory::locate`] still names each
    /// kept row's file and row.
    pub fn retain(&mut self, keep: &BooleanChunked) -> Result<()> {
        let positions: Vec<u32> = keep
            .iter()
            .enumerate()
            .filter(|(_, k)| *k == Some(true))
            .map(|(i, _)| self.kept.as_ref().map_or(i as u32, |k| k[i]))
            .collect();
        self.frame = self.frame.filter(keep)?;
        self.kept = Some(positions);
        Ok(())
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

fn fnv_hex(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn read_file(path: &str) -> Result<Vec<u8>> {
    if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut buf)
            .context("-: cannot read standard input")?;
        return Ok(buf);
    }
    std::fs::read(path).with_context(|| format!("{path}: cannot read the file"))
}

/// Reads one file into a frame with normalised column names. The file's content hash is
/// computed on another thread while it is parsed.
fn read_one(path: &str) -> Result<(DataFrame, String)> {
    let raw = read_file(path)?;
    let (content_hash, df) = std::thread::scope(|s| {
        let hash = s.spawn(|| fnv_hex(&raw));
        let df = parse(path, &raw);
        (hash.join(), df)
    });
    let content_hash =
        content_hash.map_err(|_| anyhow::anyhow!("{path}: hashing the file failed"))?;
    Ok((normalise_names(df?, path)?, content_hash))
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
fn without_panicking<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
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

/// The most rows a Parquet file may claim per byte of file: polars reserves memory for the
/// claimed rows before decoding, so a forged count would abort the process. No inventory
/// compresses to anywhere near 8 rows per byte.
const MAX_ROWS_PER_BYTE: usize = 8;

/// Reads Parquet bytes, after checking what polars trusts before decoding: the row counts
/// (row groups adding up to the file's, every flat column holding one value per row, at most
/// [`MAX_ROWS_PER_BYTE`]) and every page header (see [`super::parquet_pages`]).
fn read_parquet(bytes: &[u8]) -> Result<DataFrame> {
    let mut reader = ParquetReader::new(Cursor::new(bytes));
    let meta = reader.get_metadata()?.clone();
    let rows: usize = meta.row_groups.iter().map(|g| g.num_rows()).sum();
    if rows != meta.num_rows || rows > MAX_ROWS_PER_BYTE * bytes.len().max(1) {
        bail!(
            "the file says {} rows and its row groups {rows}, in {} bytes",
            meta.num_rows,
            bytes.len()
        );
    }
    for (g, group) in meta.row_groups.iter().enumerate() {
        for column in group.parquet_columns() {
            let name = || column.descriptor().path_in_schema.join(".");
            let flat = column.descriptor().descriptor.max_rep_level == 0;
            if flat && column.num_values() != group.num_rows() as i64 {
                bail!(
                    "row group {g}, column '{}': {} values for {} rows",
                    name(),
                    column.num_values(),
                    group.num_rows()
                );
            }
            super::parquet_pages::check_chunk(bytes, column.byte_range(), column.num_values())
                .map_err(|e| anyhow::anyhow!("row group {g}, column '{}': {e}", name()))?;
        }
    }
    let mut df = reader.finish()?;
    // A byte-array column without the UTF-8 annotation reads as Binary; an input column of
    // the contract is read as text, so it must be UTF-8 (found by cargo fuzz: the later cast
    // failed with a bare "invalid utf8"). Other columns pass through as they are.
    for name in df
        .columns()
        .iter()
        .filter(|c| c.dtype() == &DataType::Binary)
        .map(|c| c.name().clone())
        .filter(|n| input::names().any(|i| n.trim().eq_ignore_ascii_case(i)))
        .collect::<Vec<_>>()
    {
        let text = df
            .column(&name)?
            .cast(&DataType::String)
            .map_err(|_| anyhow::anyhow!("column '{name}' holds bytes that are not UTF-8 text"))?;
        df.replace(&name, text)?;
    }
    // A malformed file can give columns of different lengths (polars checks it only in debug
    // builds; found by cargo fuzz).
    let height = df.height();
    if let Some(c) = df.columns().iter().find(|c| c.len() != height) {
        bail!(
            "column '{}' has {} values where the file has {height} rows",
            c.name(),
            c.len()
        );
    }
    Ok(df)
}

/// Parses a file's bytes (gzip-compressed CSV, CSV or Parquet, recognised by content).
fn parse(path: &str, raw: &[u8]) -> Result<DataFrame> {
    let bytes: std::borrow::Cow<[u8]> = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(raw)
            .read_to_end(&mut out)
            .with_context(|| format!("{path}: not a readable gzip file"))?;
        out.into()
    } else {
        raw.into()
    };
    let bytes: &[u8] = &bytes;
    if bytes.starts_with(b"PAR1") {
        // polars' Parquet decoder panics on some malformed metadata (found by fuzzing): that
        // is a bad file, reported as such, not a crash.
        return match without_panicking(|| read_parquet(bytes)) {
            Ok(Ok(df)) => Ok(df),
            Ok(Err(e)) => Err(anyhow::anyhow!("{path}: not a readable Parquet file: {e}")),
            Err(why) => Err(anyhow::anyhow!(
                "{path}: not a readable Parquet file: the Parquet decoder failed ({why})"
            )),
        };
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        bail!("{path}: the file is empty; expected a CSV header row (or a Parquet file)");
    }
    if std::str::from_utf8(&bytes[..bytes.len().min(1 << 16)]).is_err()
        && std::str::from_utf8(bytes).is_err()
    {
        bail!("{path}: not a CSV file (not UTF-8 text) and not a Parquet file");
    }
    check_header_names(path, &csv_header(bytes))?;
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_raise_if_empty(true)
        .into_reader_with_file_handle(Cursor::new(bytes))
        .finish()
        .map_err(|e| anyhow::anyhow!("{path}: not a readable CSV file: {e}"))
}

/// The header row of CSV bytes as written (the CSV reader renames a repeated name, so the
/// names are checked here first). A byte-order mark is not part of the first name.
fn csv_header(bytes: &[u8]) -> Vec<String> {
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
fn check_header_names(path: &str, raw: &[String]) -> Result<Vec<String>> {
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

fn normalise_names(mut df: DataFrame, path: &str) -> Result<DataFrame> {
    let raw: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let names = check_header_names(path, &raw)?;
    df.set_column_names(&names.iter().map(String::as_str).collect::<Vec<_>>())?;
    Ok(df)
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

/// The file-level required columns of a frame read from `path`, as a run error naming them.
fn require_columns(path: &str, df: &DataFrame) -> Result<()> {
    let names: Vec<&str> = df.get_column_names().iter().map(|n| n.as_str()).collect();
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
    let df = normalise_names(parse(name, raw)?, name)?;
    require_columns(name, &df)?;
    Ok(Inventory {
        sources: vec![Source {
            path: name.to_string(),
            rows: df.height(),
            content_hash: fnv_hex(raw),
        }],
        frame: df,
        kept: None,
    })
}

/// Reads and concatenates every input. File-level problems are errors naming the file.
pub fn read_inputs(paths: &[String]) -> Result<Inventory> {
    if paths.iter().filter(|p| *p == "-").count() > 1 {
        bail!("-: standard input can be read only once");
    }
    let mut frames = Vec::with_capacity(paths.len());
    let mut sources = Vec::with_capacity(paths.len());
    for path in paths {
        let (df, content_hash) = read_one(path)?;
        require_columns(path, &df)?;
        sources.push(Source {
            path: path.clone(),
            rows: df.height(),
            content_hash,
        });
        frames.push(df);
    }
    Ok(Inventory {
        frame: concat(frames)?,
        sources,
        kept: None,
    })
}

/// Stacks frames by column name: columns missing from a frame are null there; a column whose
/// dtype differs between frames is read as text everywhere.
fn concat(frames: Vec<DataFrame>) -> Result<DataFrame> {
    if frames.len() == 1 {
        return Ok(frames.into_iter().next().unwrap_or_default());
    }
    let mut names: Vec<PlSmallStr> = Vec::new();
    let mut dtypes: Vec<DataType> = Vec::new();
    for df in &frames {
        for col in df.columns() {
            match names.iter().position(|n| n == col.name()) {
                None => {
                    names.push(col.name().clone());
                    dtypes.push(col.dtype().clone());
                }
                Some(k) if &dtypes[k] != col.dtype() => dtypes[k] = DataType::String,
                Some(_) => {}
            }
        }
    }
    let mut out: Option<DataFrame> = None;
    for df in frames {
        let h = df.height();
        let cols = names
            .iter()
            .zip(&dtypes)
            .map(|(n, dt)| match df.column(n.as_str()) {
                Ok(c) => c.cast(dt),
                Err(_) => Ok(Column::full_null(n.clone(), h, dt)),
            })
            .collect::<PolarsResult<Vec<_>>>()?;
        let aligned = DataFrame::new(h, cols)?;
        match out.as_mut() {
            None => out = Some(aligned),
            Some(acc) => {
                acc.vstack_mut(&aligned)?;
            }
        }
    }
    let mut df = out.unwrap_or_default();
    df.rechunk_mut();
    Ok(df)
}
