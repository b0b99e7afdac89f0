//! Writing frames: CSV, Parquet (with the run's key-value metadata), JSON (array), NDJSON and
//! a readable table. Files are written to a temporary name in the target's directory and
//! renamed, so a crashed, interrupted or killed run never leaves a half-written file at the
//! target path.

use anyhow::{bail, Context, Result};
use polars::prelude::*;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A text column given as codes into a short table of texts (`None`: missing), as a run
/// builds its coded result columns: the Parquet writer takes the column's dictionary from the
/// codes instead of looking at every row's text, and only other consumers build the texts.
#[derive(Clone, Debug)]
pub struct CodedText {
    /// Per row, an index into `texts`.
    pub codes: Vec<u32>,
    /// The texts the codes stand for.
    pub texts: Vec<Option<String>>,
}

impl CodedText {
    /// The column of the rows' texts (each distinct text stored once, rows pointing into it).
    pub fn column(&self, name: &str) -> PolarsResult<Column> {
        let values = StringChunked::from_iter_options(
            PlSmallStr::EMPTY,
            self.texts.iter().map(|v| v.as_deref()),
        );
        let idx = IdxCa::from_vec(
            PlSmallStr::EMPTY,
            self.codes.iter().map(|&c| c as IdxSize).collect(),
        );
        Ok(values.take(&idx)?.with_name(name.into()).into_column())
    }

    /// Which rows have a text (`None` when all have; a code out of the table is missing).
    pub fn validity(&self) -> Option<polars_arrow::bitmap::Bitmap> {
        let n = self.texts.len() as u32;
        let (valid, set) = match self.texts.split_first() {
            // The usual table, "missing" at code 0 and a text at every other: a range check.
            Some((None, rest)) if rest.iter().all(Option::is_some) => {
                bits(&self.codes, |&c| c.wrapping_sub(1) < n - 1)
            }
            _ => {
                let present: Vec<bool> = self.texts.iter().map(Option::is_some).collect();
                bits(&self.codes, |&c| {
                    present.get(c as usize).copied().unwrap_or(false)
                })
            }
        };
        (set < self.codes.len()).then_some(valid)
    }
}

/// The bits of `pred` over `values`, eight values to a byte (a loop the compiler vectorises,
/// unlike collecting booleans), and how many are set.
pub(crate) fn bits<T>(
    values: &[T],
    pred: impl Fn(&T) -> bool,
) -> (polars_arrow::bitmap::Bitmap, usize) {
    let byte = |eight: &[T]| {
        eight
            .iter()
            .enumerate()
            .fold(0u8, |b, (k, v)| b | (u8::from(pred(v)) << k))
    };
    let mut bytes = Vec::with_capacity(values.len().div_ceil(8));
    // Whole bytes of exactly 8 values: a fixed-length loop the compiler unrolls.
    let eights = values.chunks_exact(8);
    let rest = eights.remainder();
    bytes.extend(eights.map(&byte));
    if !rest.is_empty() {
        bytes.push(byte(rest));
    }
    let set = bytes.iter().map(|b| b.count_ones() as usize).sum();
    (
        polars_arrow::bitmap::Bitmap::from_u8_vec(bytes, values.len()),
        set,
    )
}

/// A part of the results on its way to a writer: its frame, and its text columns kept as
/// codes (by name). A coded column's texts are built only when a consumer needs them
/// ([`Part::into_frame`]); until then the frame holds a placeholder of missing values under
/// its name, so the frame has the part's columns, names and types — and the Parquet writer,
/// which takes such columns from their codes ([`Part::into_coded`]), never builds the texts.
#[derive(Default)]
pub struct Part {
    frame: DataFrame,
    coded: Vec<(String, CodedText)>,
    /// Whether `frame` holds placeholders for the coded columns.
    deferred: bool,
}

impl From<DataFrame> for Part {
    fn from(frame: DataFrame) -> Part {
        Part {
            frame,
            coded: Vec::new(),
            deferred: false,
        }
    }
}

impl Part {
    /// A part of `columns` (rows `height`) whose text columns named in `coded` are built from
    /// their codes only when needed; their entries in `columns` are placeholders.
    pub fn deferred(
        height: usize,
        columns: Vec<Column>,
        coded: Vec<(String, CodedText)>,
    ) -> PolarsResult<Part> {
        Ok(Part {
            frame: DataFrame::new(height, columns)?,
            coded,
            deferred: true,
        })
    }

    /// The placeholder of a deferred coded column of `height` rows.
    pub fn placeholder(name: &str, height: usize) -> Column {
        Column::full_null(name.into(), height, &DataType::String)
    }

    /// Rows.
    pub fn height(&self) -> usize {
        self.frame.height()
    }

    /// The frame, to add or select columns (a deferred coded column stays a placeholder: read
    /// values through [`Part::into_frame`]).
    pub fn frame_mut(&mut self) -> &mut DataFrame {
        &mut self.frame
    }

    /// Builds the texts of the coded columns the frame still has.
    pub fn materialize(&mut self) -> PolarsResult<()> {
        if !self.deferred {
            return Ok(());
        }
        for (name, text) in &self.coded {
            if self.frame.column(name).is_ok() {
                self.frame.with_column(text.column(name)?)?;
            }
        }
        self.deferred = false;
        Ok(())
    }

    /// The frame with every column's values.
    pub fn into_frame(mut self) -> PolarsResult<DataFrame> {
        self.materialize()?;
        Ok(self.frame)
    }

    /// The frame and the coded columns, for a writer that takes coded columns from their
    /// codes (those of the frame may be placeholders).
    pub(crate) fn into_coded(self) -> (DataFrame, Vec<(String, CodedText)>) {
        (self.frame, self.coded)
    }
}

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated, with a header row.
    Csv,
    /// Apache Parquet.
    Parquet,
    /// One JSON array of objects.
    Json,
    /// One JSON object per line.
    Ndjson,
    /// Aligned columns for people.
    Table,
}

impl Format {
    /// Accepted names (`--format`).
    pub const NAMES: [&'static str; 5] = ["csv", "parquet", "json", "ndjson", "table"];

    /// Parses a `--format` value.
    pub fn from_name(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "parquet" | "pq" => Some(Format::Parquet),
            "json" => Some(Format::Json),
            "ndjson" | "jsonl" => Some(Format::Ndjson),
            "table" | "txt" => Some(Format::Table),
            _ => None,
        }
    }

    /// The format a path's extension names (`.csv`, `.parquet`/`.pq`, `.json`,
    /// `.ndjson`/`.jsonl`, `.txt`).
    pub fn from_path(path: &str) -> Option<Format> {
        let ext = Path::new(path).extension()?.to_str()?;
        Format::from_name(ext)
    }
}

/// Run metadata written into Parquet files.
#[derive(Clone, Debug)]
pub struct RunMetadata {
    /// Key-value pairs.
    pub pairs: Vec<(String, String)>,
}

/// How numbers and the table look: `precision` rounds numbers to that many decimals (CSV and
/// the table; CSV keeps every digit without it), `color` marks danger, failing and invalid
/// rows' cells in the table with ANSI colours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    /// Decimals of numbers (`--precision`).
    pub precision: Option<usize>,
    /// Colour the table (a terminal that supports it, `NO_COLOR` unset, or `--color always`).
    pub color: bool,
    /// The table's compact view: short column labels (see [`label`]).
    pub compact: bool,
}

/// The short label of a result column in the compact table (the column's name otherwise).
pub fn label(name: &str) -> &str {
    use crate::contract::results as R;
    let short = [
        (R::FACILITY_ID, "facility"),
        (R::EQUIPMENT_ID, "equipment"),
        (R::INCIDENT_ENERGY_CAL_CM2, "energy_cal_cm2"),
        (R::ARC_FLASH_BOUNDARY_MM, "boundary_mm"),
        (R::PPE_CATEGORY, "ppe"),
        (R::COMPLIANCE_STATUS, "compliance"),
    ];
    short
        .iter()
        .find(|(c, _)| c.name == name)
        .map_or(name, |(_, l)| l)
}

/// Writes `df` in `format` to `w`.
pub fn write_frame(
    df: &mut DataFrame,
    format: Format,
    meta: &RunMetadata,
    w: &mut dyn Write,
) -> Result<()> {
    write_styled(df, format, meta, Style::default(), w)
}

/// [`write_frame`] in a [`Style`].
pub fn write_styled(
    df: &mut DataFrame,
    format: Format,
    meta: &RunMetadata,
    style: Style,
    w: &mut dyn Write,
) -> Result<()> {
    match format {
        Format::Csv => CsvWriter::new(&mut *w)
            .include_header(true)
            .with_float_precision(style.precision)
            .finish(df)?,
        Format::Parquet => {
            parquet_writer(w, meta).finish(df)?;
        }
        Format::Json => JsonWriter::new(&mut *w)
            .with_json_format(JsonFormat::Json)
            .finish(df)?,
        Format::Ndjson => JsonWriter::new(&mut *w)
            .with_json_format(JsonFormat::JsonLines)
            .finish(df)?,
        Format::Table => write_table_styled(df, style, w)?,
    }
    Ok(())
}

/// A Parquet writer with the project's settings and the run's key-value metadata.
fn parquet_writer<'w>(
    w: &'w mut dyn Write,
    meta: &RunMetadata,
) -> ParquetWriter<&'w mut dyn Write> {
    ParquetWriter::new(w)
        .with_compression(parquet_compression())
        .with_statistics(parquet_statistics())
        .with_key_value_metadata(Some(KeyValueMetadata::from_static(meta.pairs.clone())))
}

/// Writes the frames received from `parts` as one output in `format`, in the order received:
/// Parquet one row group each (the schema is the first part's), CSV with the header once,
/// NDJSON line by line; JSON (one array) and the table (column widths) need every row first,
/// so they are written at the end. `None` marks the end; if the sender goes away before it,
/// the output is incomplete and an error is returned (so a file is not kept).
pub fn write_parts(
    w: &mut dyn Write,
    format: Format,
    meta: &RunMetadata,
    style: Style,
    parts: &std::sync::mpsc::Receiver<Option<Part>>,
) -> Result<()> {
    let next = || match parts.recv() {
        Ok(part) => Ok(part),
        Err(_) => Err(anyhow::anyhow!(
            "the run stopped before its results were complete"
        )),
    };
    if format == Format::Parquet {
        return write_parquet_parts(w, meta, &next);
    }
    let mut whole: Option<DataFrame> = None;
    let mut first = true;
    while let Some(part) = next()? {
        let mut df = part.into_frame()?;
        match format {
            Format::Csv => CsvWriter::new(&mut *w)
                .include_header(first)
                .with_float_precision(style.precision)
                .finish(&mut df)?,
            Format::Json | Format::Table => match whole.as_mut() {
                None => whole = Some(df),
                Some(acc) => {
                    acc.vstack_mut_owned(df)?;
                }
            },
            _ => write_styled(&mut df, format, meta, style, w)?,
        }
        first = false;
    }
    if let Some(mut df) = whole {
        df.rechunk_mut();
        write_styled(&mut df, format, meta, style, w)?;
    }
    Ok(())
}

/// [`write_parts`] for Parquet: one row group a part, the schema the first part's.
fn write_parquet_parts(
    w: &mut dyn Write,
    meta: &RunMetadata,
    next: &dyn Fn() -> Result<Option<Part>>,
) -> Result<()> {
    let mut batched = None;
    while let Some(part) = next()? {
        let (mut df, coded) = part.into_coded();
        // Id and passed-through columns are slices of the input and may span its chunks.
        df.rechunk_mut_par();
        if batched.is_none() {
            batched = Some(parquet_writer(&mut *w, meta).batched(df.schema())?);
        }
        if let Some(b) = batched.as_mut() {
            let options =
                super::parquet_write::write_options(parquet_compression(), parquet_statistics());
            super::parquet_write::write_row_group(b, &df, &coded, options)?;
        }
    }
    if let Some(b) = batched {
        b.finish()?;
    }
    Ok(())
}

/// Writes `df` to the file `path` (see [`write_to_path`]).
pub fn write_file_atomic(
    path: &str,
    df: &mut DataFrame,
    format: Format,
    meta: &RunMetadata,
) -> Result<()> {
    write_to_path(path, |w| write_frame(df, format, meta, w))
}

/// Writes `bytes` to `path` through a temporary name beside it, renamed over it: never a
/// half-written file, but not synced to disk either — for the many small files of `labels`,
/// where a sync per file would take longer than the labels themselves.
pub fn write_file_renamed(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp~");
    std::fs::write(&tmp, bytes).with_context(|| format!("{}: cannot write", path.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("{}: cannot write", path.display()))
}

/// Runs `write` on a buffered writer for `path`. A regular file (or a new one) is written to a
/// temporary name beside it, synced and renamed over it, so a failed, interrupted or killed run
/// never leaves a half-written file. A symbolic link is followed: the file it points to is
/// replaced (the link stays a link). An existing file keeps its permissions. Anything else that
/// exists at `path` — `/dev/null`, a FIFO, a terminal — is written in place: renaming over it
/// would replace the device with a file.
pub fn write_to_path(path: &str, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let target = resolve_links(Path::new(path))
        .with_context(|| format!("{path}: cannot write the output"))?;
    let existing = std::fs::metadata(&target).ok();
    if existing
        .as_ref()
        .is_some_and(|m| !m.is_file() && !m.is_dir())
    {
        let result = (|| -> Result<()> {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(&target)
                .with_context(|| format!("{path}: cannot open"))?;
            let mut w = BufWriter::new(file);
            write(&mut w)?;
            w.flush()?;
            Ok(())
        })();
        return result.with_context(|| format!("{path}: cannot write the output"));
    }
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        bail!("{path}: the directory {} does not exist", dir.display());
    }
    let name = target
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("output")
        .to_string();
    remove_stale_temporaries(&dir, &name);
    let tmp = dir.join(temp_name(&name, std::process::id()));
    let registered = crate::interrupt::TempFile::register(&tmp);
    let result = (|| -> Result<()> {
        let file = std::fs::File::create(&tmp)
            .with_context(|| format!("{}: cannot create", tmp.display()))?;
        if let Some(m) = &existing {
            file.set_permissions(m.permissions())
                .with_context(|| format!("{}: cannot set permissions", tmp.display()))?;
        }
        let mut w = BufWriter::new(super::writeback::Writeback::new(file));
        write(&mut w)?;
        w.into_inner().map_err(|e| e.into_error())?.finish()?;
        std::fs::rename(&tmp, &target)?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    drop(registered);
    result.with_context(|| format!("{path}: cannot write the output"))
}

/// The temporary name of `name` written by process `pid`: `.{name}.{pid}.tmp`.
fn temp_name(name: &str, pid: u32) -> String {
    format!(".{name}.{pid}.tmp")
}

/// Follows symbolic links (relative ones from their own directory) to the path that is
/// finally written. A dangling link gives the path it points to, which is then created.
fn resolve_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = std::fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if to.is_relative() => dir.join(to),
                    _ => to,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// Removes `.{name}.{pid}.tmp` files in `dir` left by processes that no longer exist (a run
/// killed with SIGKILL cannot clean up after itself). A process that still runs keeps its file.
fn remove_stale_temporaries(dir: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !process_exists(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether process `pid` exists (Linux: `/proc/{pid}`; elsewhere assumed to, so nothing is
/// removed that might still be written).
fn process_exists(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

fn cell(v: &AnyValue, precision: Option<usize>) -> String {
    let float = |f: f64| match precision {
        Some(p) => format!("{f:.p$}"),
        None => format_float(f),
    };
    match v {
        AnyValue::Null => String::new(),
        AnyValue::Float64(f) => float(*f),
        AnyValue::Float32(f) => float(f64::from(*f)),
        AnyValue::String(s) => (*s).to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        other => other.to_string(),
    }
}

fn format_float(f: f64) -> String {
    if f == f.trunc() && f.abs() < 1e15 {
        format!("{f:.0}")
    } else if f.abs() >= 100.0 {
        format!("{f:.1}")
    } else {
        format!("{f:.3}")
    }
}

/// A plain aligned table of every column (numbers rounded for reading; use CSV or Parquet for
/// exact values).
pub fn write_table(df: &DataFrame, w: &mut dyn Write) -> Result<()> {
    write_table_styled(df, Style::default(), w)
}

/// The ANSI colour of a result cell, if it is one that warns: danger, a failing or warning
/// compliance status, an invalid row.
fn colour_of(column: &str, value: &str) -> Option<&'static str> {
    use crate::contract::{results as R, values as V};
    let is =
        |c: crate::contract::Column, values: &[&str]| column == c.name && values.contains(&value);
    let (warn, fail) = (&V::COMPLIANCE_STATUS[1..2], &V::COMPLIANCE_STATUS[2..]);
    let (invalid, high_or_extreme) = (&V::STATUS[1..2], &V::RISK_LEVEL[2..]);
    if is(R::DANGER, &["true"]) {
        Some("\x1b[1;31m")
    } else if is(R::COMPLIANCE_STATUS, fail)
        || is(R::STATUS, invalid)
        || is(R::RISK_LEVEL, high_or_extreme)
    {
        Some("\x1b[31m")
    } else if is(R::COMPLIANCE_STATUS, warn) {
        Some("\x1b[33m")
    } else {
        None
    }
}

/// [`write_table`] in a [`Style`]: numbers to `precision` decimals, cells that warn coloured.
pub fn write_table_styled(df: &DataFrame, style: Style, w: &mut dyn Write) -> Result<()> {
    let cols = df.columns();
    let header = |n: &str| if style.compact { label(n) } else { n }.to_string();
    let mut cells: Vec<Vec<String>> = cols.iter().map(|c| vec![header(c.name())]).collect();
    for (k, c) in cols.iter().enumerate() {
        let s = c.as_materialized_series();
        for i in 0..df.height() {
            cells[k].push(cell(&s.get(i)?, style.precision));
        }
    }
    let widths: Vec<usize> = cells
        .iter()
        .map(|col| col.iter().map(|s| s.chars().count()).max().unwrap_or(0))
        .collect();
    for row in 0..=df.height() {
        let mut line = String::new();
        for (k, col) in cells.iter().enumerate() {
            if k > 0 {
                line.push_str("  ");
            }
            let s = &col[row];
            match colour_of(cols[k].name(), s).filter(|_| style.color && row > 0) {
                Some(c) => line.push_str(&format!("{c}{s}\x1b[0m")),
                None => line.push_str(s),
            }
            if k + 1 < cells.len() {
                line.extend(std::iter::repeat_n(' ', widths[k] - s.chars().count()));
            }
        }
        writeln!(w, "{}", line.trim_end())?;
    }
    Ok(())
}

/// Column statistics of written Parquet files: null counts always; min/max only when
/// `VOLTMETRICS_PARQUET_STATISTICS=1`. Min/max of the many text columns (ids, codes, lists)
/// cost about a third of writing a million result rows (0.68 → 0.49 s measured), and results
/// files, a few row groups per million rows, are read whole far more often than pruned.
pub fn parquet_statistics() -> StatisticsOptions {
    let on = std::env::var("VOLTMETRICS_PARQUET_STATISTICS").is_ok_and(|v| v == "1" || v == "true");
    StatisticsOptions {
        min_value: on,
        max_value: on,
        ..StatisticsOptions::default()
    }
}

/// Compression of written Parquet files: LZ4 (raw). Results are written once and read by
/// tools that all support it; it compresses this data about as well as Snappy at a fraction of
/// zstd's cost. `VOLTMETRICS_PARQUET_COMPRESSION=zstd|snappy|lz4|none` overrides it.
fn parquet_compression() -> ParquetCompression {
    match std::env::var("VOLTMETRICS_PARQUET_COMPRESSION").as_deref() {
        Ok("zstd") => ParquetCompression::Zstd(None),
        Ok("snappy") => ParquetCompression::Snappy,
        Ok("none") => ParquetCompression::Uncompressed,
        _ => ParquetCompression::Lz4Raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row is valid where its code points at a text: codes out of the table and codes of a
    /// missing text are missing, whichever layout the table has.
    #[test]
    fn validity_of_codes_is_where_their_texts_are() {
        let tables: [&[Option<&str>]; 6] = [
            &[None, Some("a"), Some("b")],
            &[None, Some("a"), None],
            &[Some("a"), None],
            &[Some("a"), Some("b")],
            &[None],
            &[],
        ];
        for table in tables {
            let texts: Vec<Option<String>> = table.iter().map(|t| t.map(str::to_string)).collect();
            // Every code of the table and one past it, over more than a byte of rows.
            let codes = (0..70u32).map(|i| i % (table.len() as u32 + 1)).collect();
            let coded = CodedText { codes, texts };
            let want: Vec<bool> = coded
                .codes
                .iter()
                .map(|&c| table.get(c as usize).is_some_and(Option::is_some))
                .collect();
            let got: Vec<bool> = match coded.validity() {
                Some(valid) => valid.iter().collect(),
                None => vec![true; want.len()],
            };
            assert_eq!(got, want, "{table:?}");
        }
    }
}
