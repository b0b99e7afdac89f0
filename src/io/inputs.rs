//! Inventories read in chunks of at most a fixed number of rows, whatever their size: CSV by
//! byte ranges between record boundaries ([`super::records`]), Parquet by row slices. Opening
//! the inputs reads only what is needed to plan the chunks (headers, Parquet metadata, the
//! record boundaries of CSV) and checks what the decoders trust; standard input and gzip are
//! first copied (decompressed) to a temporary file, so they are read in chunks too.
//!
//! Every chunk has the columns of all inputs together (the union of the files' columns by
//! normalised name, a column missing from a file null there, a column whose type differs
//! between files read as text everywhere), so chunks of different files stack.

use super::read::{check_header_names, csv_header, require_names, without_panicking};
use super::workbook::{self, is_workbook, SheetMap};
use crate::contract::input;
use anyhow::{bail, Context, Result};
use polars::prelude::*;
use std::fs::File;
use std::io::{Cursor, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Rows per chunk unless told otherwise: large enough to keep both cores busy, small enough
/// that a chunk's input, results and output buffers stay well under 100 MiB.
pub const CHUNK_ROWS: usize = 1 << 17;

/// Bytes read at a time when a file is scanned or hashed.
const BLOCK: usize = 8 << 20;

/// The most rows a Parquet file may claim per byte of file: polars reserves memory for the
/// claimed rows before decoding, so a forged count would abort the process. No inventory
/// compresses to anywhere near 8 rows per byte.
const MAX_ROWS_PER_BYTE: usize = 8;

/// A temporary copy (of standard input, or a decompressed gzip file), removed when dropped.
struct Spool(PathBuf);

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Where a file's bytes are.
enum Data {
    /// A file on disk (possibly a temporary copy).
    File(File, #[allow(dead_code)] Option<Spool>),
    /// Bytes in memory.
    Memory(Vec<u8>),
}

impl Data {
    fn len(&self) -> Result<u64> {
        Ok(match self {
            Data::File(f, _) => f.metadata()?.len(),
            Data::Memory(b) => b.len() as u64,
        })
    }

    fn range(&self, r: std::ops::Range<u64>) -> Result<Bytes<'_>> {
        Ok(match self {
            Data::File(f, _) => file_range(f, r)?,
            Data::Memory(b) => Bytes::Borrowed(&b[r.start as usize..r.end as usize]),
        })
    }

    /// Calls `f` with each consecutive block of the bytes from `start` until it returns false.
    fn blocks(&self, start: u64, f: &mut dyn FnMut(u64, &[u8]) -> bool) -> Result<()> {
        let len = self.len()?;
        let mut at = start;
        while at < len {
            let end = (at + BLOCK as u64).min(len);
            if !f(at, &self.range(at..end)?) {
                break;
            }
            at = end;
        }
        Ok(())
    }
}

/// Ranges of at least this many bytes are mapped rather than read.
const MAP_BYTES: usize = 1 << 20;

/// Some bytes of an input.
enum Bytes<'a> {
    Borrowed(&'a [u8]),
    Read(Vec<u8>),
    /// Mapped from the file (unmapped when dropped, by polars on a thread of its own).
    Mapped(polars_utils::mmap::MMapSemaphore),
}

impl<'a> Bytes<'a> {
    fn into_cow(self) -> std::borrow::Cow<'a, [u8]> {
        match self {
            Bytes::Borrowed(b) => std::borrow::Cow::Borrowed(b),
            Bytes::Read(v) => std::borrow::Cow::Owned(v),
            Bytes::Mapped(m) => std::borrow::Cow::Owned(m.as_ref().to_vec()),
        }
    }
}

impl std::ops::Deref for Bytes<'_> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Borrowed(b) => b,
            Bytes::Read(v) => v,
            Bytes::Mapped(m) => m.as_ref(),
        }
    }
}

/// Bytes `r` of `file`: a large range mapped (the kernel copies nothing; a CSV file's bytes
/// are scanned for records, hashed, read for ids and read for rows — four copies of the file
/// by `read`), a small one read, as is any range the file cannot be mapped for.
fn file_range(file: &File, r: std::ops::Range<u64>) -> Result<Bytes<'static>> {
    let n = usize::try_from(r.end - r.start)?;
    if n >= MAP_BYTES {
        let mut options = memmap2::MmapOptions::new();
        options.offset(r.start).len(n);
        let mapped = polars_utils::mmap::MMapSemaphore::new_from_file_with_options(file, options);
        if let Ok(m) = mapped.map_err(|e| tracing::debug!("reading instead of mapping: {e}")) {
            return Ok(Bytes::Mapped(m));
        }
    }
    let mut buf = vec![0; n];
    file.read_exact_at(&mut buf, r.start)?;
    Ok(Bytes::Read(buf))
}

/// A file's content hash: computed on its own thread while the file is read.
enum Hash {
    Done(String),
    Pending(std::thread::JoinHandle<std::io::Result<String>>),
}

enum Kind {
    /// CSV: data byte ranges of about `chunk_rows` records each.
    Csv(Vec<std::ops::Range<u64>>),
    /// Parquet: the file's metadata.
    Parquet(polars::io::parquet::metadata::FileMetadataRef),
}

struct InputFile {
    path: String,
    data: Data,
    kind: Kind,
    /// Column names as written, normalised, and their types as read.
    raw: Vec<String>,
    names: Vec<String>,
    dtypes: Vec<DataType>,
    hash: Mutex<Option<Hash>>,
    /// A workbook's sheet: where its rows and columns are.
    sheet: Option<Arc<SheetMap>>,
}

/// One chunk: rows of one file.
#[derive(Clone, Debug)]
pub struct ChunkSpec {
    /// Index of the file (in the order given).
    pub file: usize,
    part: Part,
}

#[derive(Clone, Debug)]
enum Part {
    Csv(std::ops::Range<u64>),
    Parquet { offset: usize, len: usize },
}

/// The inputs of a run, opened and planned in chunks.
pub struct Inputs {
    files: Vec<InputFile>,
    schema: Vec<(PlSmallStr, DataType)>,
    chunks: Vec<ChunkSpec>,
}

/// The content hash of a file's bytes fed in pieces: XXH3-64 (seed 0), 16 lowercase hex digits
/// (the same as `xxhsum -H3` prints). A file is read once more just for it, on its own
/// thread; the byte-serial FNV-1a used before took ~40 ms of a core per 33 MB.
#[derive(Default)]
pub(super) struct ContentHash(xxhash_rust::xxh3::Xxh3Default);

impl ContentHash {
    /// Adds the next bytes.
    pub(super) fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The hash as 16 lowercase hex digits.
    pub(super) fn hex(&self) -> String {
        format!("{:016x}", self.0.digest())
    }

    /// The hash of `bytes`, hex.
    pub(super) fn of(bytes: &[u8]) -> String {
        format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes))
    }
}

/// Hashes a file on another thread.
fn hash_later(file: &File) -> Result<Hash> {
    let data = Data::File(file.try_clone()?, None);
    Ok(Hash::Pending(std::thread::spawn(move || {
        let mut h = ContentHash::default();
        data.blocks(0, &mut |_, block| {
            h.update(block);
            true
        })
        .map_err(std::io::Error::other)?;
        Ok(h.hex())
    })))
}

/// A new temporary file for a copy of `path`.
fn spool_file() -> Result<(File, Spool)> {
    let (f, p) = super::temp_file("spool")?;
    Ok((f, Spool(p)))
}

/// Copies `from` into a temporary file, hashing what was read.
fn spool(from: &mut dyn Read) -> std::io::Result<Result<(Data, String)>> {
    let (mut f, guard) = match spool_file() {
        Ok(x) => x,
        Err(e) => return Ok(Err(e)),
    };
    let mut h = ContentHash::default();
    let mut buf = vec![0; 1 << 20];
    loop {
        let n = from.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        f.write_all(&buf[..n])?;
    }
    Ok(Ok((Data::File(f, Some(guard)), h.hex())))
}

/// A gzip file's content, decompressed into a temporary file.
fn gunzip(path: &str, data: &Data) -> Result<Data> {
    let inner: Box<dyn Read + '_> = match data {
        Data::File(f, _) => {
            // A spooled standard input was just written: its cursor is at the end (everything
            // else reads at explicit offsets).
            std::io::Seek::seek(&mut &*f, std::io::SeekFrom::Start(0))
                .with_context(|| format!("{path}: cannot read the file"))?;
            Box::new(std::io::BufReader::with_capacity(1 << 20, f))
        }
        Data::Memory(b) => Box::new(&b[..]),
    };
    let mut gz = flate2::read::MultiGzDecoder::new(inner);
    let (out, _) = spool(&mut gz)
        .with_context(|| format!("{path}: not a readable gzip file"))?
        .with_context(|| format!("{path}: cannot decompress"))?;
    Ok(out)
}

/// The bytes of `path` (`-`: standard input, copied to a temporary file) and their hash.
fn open_data(path: &str) -> Result<(Data, Hash)> {
    if path == "-" {
        let mut stdin = std::io::stdin().lock();
        let (data, h) = spool(&mut stdin).context("-: cannot read standard input")??;
        return Ok((data, Hash::Done(h)));
    }
    let mut f = File::open(path).with_context(|| format!("{path}: cannot read the file"))?;
    let kind = f.metadata().map(|m| m.file_type());
    if kind.as_ref().is_ok_and(|k| k.is_dir()) {
        bail!("{path}: cannot read the file: it is a directory");
    }
    if kind.is_ok_and(|k| !k.is_file()) {
        // A pipe given by its path (`<(zcat inventory.csv.gz)`, `/dev/stdin`) or a device:
        // it can be read once and has no size, so it is copied first, as standard input is.
        let (data, h) =
            spool(&mut f).with_context(|| format!("{path}: cannot read the file"))??;
        return Ok((data, Hash::Done(h)));
    }
    let hash = hash_later(&f)?;
    Ok((Data::File(f, None), hash))
}

/// How inputs are opened: the sheet of workbooks (`--sheet`) and a column mapping
/// (`--mapping`).
#[derive(Clone, Debug, Default)]
pub struct OpenOptions {
    /// `--sheet NAME|INDEX`.
    pub sheet: Option<String>,
    /// `--mapping FILE|NAME`.
    pub mapping: Option<Arc<super::mapping::Mapping>>,
}

impl Inputs {
    /// Opens every input and plans its chunks of at most `chunk_rows` rows. File-level
    /// problems are errors naming the file.
    /// A workbook's sheet is the first or `opts.sheet`; `opts.mapping` turns each CSV or
    /// workbook input into the contract's columns first.
    pub fn open(paths: &[String], chunk_rows: usize, opts: &OpenOptions) -> Result<Inputs> {
        if paths.iter().filter(|p| *p == "-").count() > 1 {
            bail!("-: standard input can be read only once");
        }
        let mut files = Vec::with_capacity(paths.len());
        for path in paths {
            let (data, hash) = open_data(path)?;
            files.push(InputFile::open(path, data, hash, chunk_rows, opts)?);
        }
        Ok(Inputs::plan(files, chunk_rows))
    }

    /// One input held in memory, named `name` (the fuzz targets' entry point).
    pub fn from_bytes(name: &str, raw: Vec<u8>, chunk_rows: usize) -> Result<Inputs> {
        let hash = Hash::Done(ContentHash::of(&raw));
        let file = InputFile::open(
            name,
            Data::Memory(raw),
            hash,
            chunk_rows,
            &OpenOptions::default(),
        )?;
        Ok(Inputs::plan(vec![file], chunk_rows))
    }

    fn plan(files: Vec<InputFile>, chunk_rows: usize) -> Inputs {
        let mut chunks = Vec::new();
        for (i, f) in files.iter().enumerate() {
            match &f.kind {
                Kind::Csv(ranges) => chunks.extend(ranges.iter().map(|r| ChunkSpec {
                    file: i,
                    part: Part::Csv(r.clone()),
                })),
                Kind::Parquet(meta) => {
                    let n = meta.num_rows;
                    chunks.extend((0..n).step_by(chunk_rows.max(1)).map(|offset| ChunkSpec {
                        file: i,
                        part: Part::Parquet {
                            offset,
                            len: chunk_rows.min(n - offset),
                        },
                    }))
                }
            }
        }
        let schema = unify(&files);
        Inputs {
            files,
            schema,
            chunks,
        }
    }

    /// The chunks, in input order.
    pub fn chunks(&self) -> &[ChunkSpec] {
        &self.chunks
    }

    /// The paths, in order.
    pub fn paths(&self) -> Vec<&str> {
        self.files.iter().map(|f| f.path.as_str()).collect()
    }

    /// The content hash of each file ([`ContentHash`] of its bytes as given, hex).
    pub fn content_hashes(&self) -> Result<Vec<String>> {
        self.files
            .iter()
            .map(|f| {
                let mut slot = f.hash.lock().map_err(|_| anyhow::anyhow!("hash lock"))?;
                let h = match slot.take() {
                    Some(Hash::Done(h)) => h,
                    Some(Hash::Pending(t)) => t
                        .join()
                        .map_err(|_| anyhow::anyhow!("{}: hashing the file failed", f.path))?
                        .with_context(|| format!("{}: cannot read the file", f.path))?,
                    None => bail!("{}: the hash was taken before", f.path),
                };
                *slot = Some(Hash::Done(h.clone()));
                Ok(h)
            })
            .collect()
    }

    /// An empty frame with the columns of all inputs.
    pub fn empty_frame(&self) -> DataFrame {
        let cols = self
            .schema
            .iter()
            .map(|(n, dt)| Column::full_null(n.clone(), 0, dt))
            .collect();
        DataFrame::new(0, cols).unwrap_or_default()
    }

    /// Reads chunk `spec`: every column of all inputs, or only the (normalised) names of
    /// `only` that the file has.
    pub fn read(&self, spec: &ChunkSpec, only: Option<&[&str]>) -> Result<DataFrame> {
        let f = &self.files[spec.file];
        let df = match &spec.part {
            Part::Csv(r) => f.read_csv(r.clone(), only)?,
            Part::Parquet { offset, len } => f.read_parquet(*offset, *len, only)?,
        };
        self.align(df, only)
    }

    /// `df` with the unified columns and types (only those of `only`, when given).
    fn align(&self, df: DataFrame, only: Option<&[&str]>) -> Result<DataFrame> {
        let h = df.height();
        let cols = self
            .schema
            .iter()
            .filter(|(n, _)| only.is_none_or(|o| o.contains(&n.as_str())))
            .map(|(n, dt)| match df.column(n.as_str()) {
                Ok(c) if c.dtype() == dt => Ok(c.clone()),
                Ok(c) => c.cast(dt),
                Err(_) => Ok(Column::full_null(n.clone(), h, dt)),
            })
            .collect::<PolarsResult<Vec<_>>>()?;
        Ok(DataFrame::new(h, cols)?)
    }
}

/// The union of the files' columns: names in order of first appearance; a column whose type
/// differs between files is text.
fn unify(files: &[InputFile]) -> Vec<(PlSmallStr, DataType)> {
    let mut out: Vec<(PlSmallStr, DataType)> = Vec::new();
    for f in files {
        for (n, dt) in f.names.iter().zip(&f.dtypes) {
            match out.iter().position(|(m, _)| m.as_str() == n) {
                None => out.push((n.as_str().into(), dt.clone())),
                Some(k) if &out[k].1 != dt => out[k].1 = DataType::String,
                Some(_) => {}
            }
        }
    }
    out
}

impl InputFile {
    fn open(
        path: &str,
        data: Data,
        hash: Hash,
        chunk_rows: usize,
        opts: &OpenOptions,
    ) -> Result<InputFile> {
        let mut head = [0u8; 4];
        let n = match &data {
            Data::File(f, _) => f.read_at(&mut head, 0).unwrap_or(0),
            Data::Memory(b) => {
                let n = b.len().min(4);
                head[..n].copy_from_slice(&b[..n]);
                n
            }
        };
        let data = if n >= 2 && head[..2] == [0x1f, 0x8b] {
            gunzip(path, &data)?
        } else {
            data
        };
        let head = data.range(0..data.len()?.min(4))?.to_vec();
        let mapped = |csv: &[u8]| match &opts.mapping {
            Some(m) => m.apply(path, csv),
            None => Ok(csv.to_vec()),
        };
        let mut file = if head == b"PAR1" {
            if let Some(m) = &opts.mapping {
                bail!(
                    "{path}: --mapping {} applies to CSV and workbook inputs, not Parquet",
                    m.origin
                );
            }
            InputFile::open_parquet(path, data)?
        } else if is_workbook(&head) {
            let bytes = data.range(0..data.len()?)?.to_vec();
            let sheet = opts.sheet.as_deref();
            // A malformed workbook must not take the process down with the reader.
            let (csv, mut map) = without_panicking(|| workbook::to_csv(path, bytes, sheet))
                .map_err(|p| anyhow::anyhow!("{path}: not a readable workbook ({p})"))??;
            if let Some(m) = &opts.mapping {
                for n in map.names.iter_mut() {
                    if let Some(to) = m.target_of(n) {
                        *n = to.to_string();
                    }
                }
            }
            let mut f = InputFile::open_csv(path, Data::Memory(mapped(&csv)?), chunk_rows)?;
            f.sheet = Some(Arc::new(map));
            f
        } else if opts.mapping.is_some() {
            let csv = data.range(0..data.len()?)?.to_vec();
            InputFile::open_csv(path, Data::Memory(mapped(&csv)?), chunk_rows)?
        } else {
            InputFile::open_csv(path, data, chunk_rows)?
        };
        file.hash = Mutex::new(Some(hash));
        require_names(path, &file.names)?;
        Ok(file)
    }

    fn open_csv(path: &str, data: Data, chunk_rows: usize) -> Result<InputFile> {
        let len = data.len()?;
        let first = data.range(0..len.min(1 << 16))?;
        if first.iter().all(|b| b.is_ascii_whitespace()) && is_blank(&data)? {
            bail!("{path}: the file is empty; expected a CSV header row (or a Parquet file)");
        }
        if let Err(e) = std::str::from_utf8(&first) {
            if e.error_len().is_some() {
                bail!("{path}: not a CSV file (not UTF-8 text) and not a Parquet file");
            }
        }
        let (header_end, ranges) = record_ranges(&data, len, chunk_rows)?;
        let raw = csv_header(&data.range(0..header_end)?);
        let names = check_header_names(path, &raw)?;
        Ok(InputFile {
            path: path.to_string(),
            dtypes: vec![DataType::String; names.len()],
            data,
            kind: Kind::Csv(ranges),
            raw,
            names,
            hash: Mutex::new(None),
            sheet: None,
        })
    }

    /// The records of byte range `r`, every column text (those of `only`, when given): read by
    /// [`super::csv_fields`] when they are of its kind, else by polars' CSV reader.
    fn read_csv(&self, r: std::ops::Range<u64>, only: Option<&[&str]>) -> Result<DataFrame> {
        let bytes = self.data.range(r)?;
        let wanted: Vec<bool> = self
            .names
            .iter()
            .map(|n| only.is_none_or(|o| o.contains(&n.as_str())))
            .collect();
        if let Some(columns) = super::csv_fields::plain_columns(&bytes, &self.names, &wanted) {
            return Ok(DataFrame::new(columns[0].len(), columns)?);
        }
        let schema: Schema = self
            .names
            .iter()
            .map(|n| Field::new(n.as_str().into(), DataType::String))
            .collect();
        let columns = only.map(|o| {
            self.names
                .iter()
                .filter(|n| o.contains(&n.as_str()))
                .map(|n| PlSmallStr::from(n.as_str()))
                .collect::<Arc<[PlSmallStr]>>()
        });
        CsvReadOptions::default()
            .with_has_header(false)
            .with_schema(Some(Arc::new(schema)))
            .with_columns(columns)
            .into_reader_with_file_handle(Cursor::new(&bytes[..]))
            .finish()
            .map_err(|e| anyhow::anyhow!("{}: not a readable CSV file: {e}", self.path))
    }

    fn open_parquet(path: &str, data: Data) -> Result<InputFile> {
        let opened = match without_panicking(|| parquet_layout(&data)) {
            Ok(Ok(x)) => x,
            Ok(Err(e)) => bail!("{path}: not a readable Parquet file: {e}"),
            Err(why) => {
                bail!("{path}: not a readable Parquet file: the Parquet decoder failed ({why})")
            }
        };
        let (meta, raw, mut dtypes) = opened;
        let names = check_header_names(path, &raw)?;
        // A byte-array column without the UTF-8 annotation reads as Binary; an input column of
        // the contract is read as text (checked to be UTF-8 when read), others pass through.
        for (n, dt) in names.iter().zip(dtypes.iter_mut()) {
            if *dt == DataType::Binary && input::by_name(n).is_some() {
                *dt = DataType::String;
            }
        }
        Ok(InputFile {
            path: path.to_string(),
            data,
            kind: Kind::Parquet(meta),
            raw,
            names,
            dtypes,
            hash: Mutex::new(None),
            sheet: None,
        })
    }

    fn read_parquet(&self, offset: usize, len: usize, only: Option<&[&str]>) -> Result<DataFrame> {
        let Kind::Parquet(meta) = &self.kind else {
            bail!("{}: not a Parquet file", self.path);
        };
        let columns: Option<Vec<String>> = only.map(|o| {
            self.names
                .iter()
                .zip(&self.raw)
                .filter(|(n, _)| o.contains(&n.as_str()))
                .map(|(_, r)| r.clone())
                .collect()
        });
        let slice = Some((offset, len));
        let df = match without_panicking(|| parquet_frame(&self.data, meta, slice, columns)) {
            Ok(Ok(df)) => df,
            Ok(Err(e)) => bail!("{}: not a readable Parquet file: {e}", self.path),
            Err(why) => bail!(
                "{}: not a readable Parquet file: the Parquet decoder failed ({why})",
                self.path
            ),
        };
        self.normalised(df)
    }

    /// A Parquet frame with normalised names, its contract columns as text checked to be UTF-8.
    fn normalised(&self, mut df: DataFrame) -> Result<DataFrame> {
        let names: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|n| n.trim().to_ascii_lowercase())
            .collect();
        df.set_column_names(&names.iter().map(String::as_str).collect::<Vec<_>>())?;
        for name in names.iter().filter(|n| input::by_name(n).is_some()) {
            if df.column(name)?.dtype() == &DataType::Binary {
                let text = df.column(name)?.cast(&DataType::String).map_err(|_| {
                    anyhow::anyhow!(
                        "{}: not a readable Parquet file: column '{name}' holds bytes that are not UTF-8 text",
                        self.path
                    )
                })?;
                df.replace(name, text)?;
            }
        }
        // A malformed file can give columns of different lengths (polars checks it only in
        // debug builds; found by cargo fuzz).
        let height = df.height();
        if let Some(c) = df.columns().iter().find(|c| c.len() != height) {
            bail!(
                "{}: not a readable Parquet file: column '{}' has {} values where the file has {height} rows",
                self.path,
                c.name(),
                c.len()
            );
        }
        Ok(df)
    }
}

/// Whether the bytes are all whitespace.
fn is_blank(data: &Data) -> Result<bool> {
    let mut blank = true;
    data.blocks(0, &mut |_, b| {
        blank = b.iter().all(|c| c.is_ascii_whitespace());
        blank
    })?;
    Ok(blank)
}

/// The end of the header row, and the data's byte ranges of `chunk_rows` records each.
fn record_ranges(
    data: &Data,
    len: u64,
    chunk_rows: usize,
) -> Result<(u64, Vec<std::ops::Range<u64>>)> {
    let mut scanner = super::records::RecordEnds::new(b',');
    let mut ends: Vec<u64> = Vec::new();
    let mut header_end: Option<u64> = None;
    let mut records = 0usize;
    data.blocks(0, &mut |at, block| {
        scanner.feed(block, &mut |p| {
            let end = at + p as u64;
            if header_end.is_none() {
                header_end = Some(end);
            } else {
                records += 1;
                if records % chunk_rows.max(1) == 0 {
                    ends.push(end);
                }
            }
            true
        });
        true
    })?;
    let header_end = header_end.unwrap_or(len);
    let mut ranges = Vec::new();
    let mut start = header_end;
    for end in ends.into_iter().chain(std::iter::once(len)) {
        if end > start {
            ranges.push(start..end);
        }
        start = end;
    }
    Ok((header_end, ranges))
}

type Layout = (
    polars::io::parquet::metadata::FileMetadataRef,
    Vec<String>,
    Vec<DataType>,
);

/// A Parquet file's metadata, column names and types, after checking what polars trusts
/// before decoding: the row counts (row groups adding up to the file's, every flat column
/// holding one value per row, at most [`MAX_ROWS_PER_BYTE`]) and every page header (see
/// [`super::parquet_pages`]).
fn parquet_layout(data: &Data) -> Result<Layout> {
    let len = data.len()?;
    let meta = match data {
        Data::File(f, _) => ParquetReader::new(f.try_clone()?).get_metadata()?.clone(),
        Data::Memory(b) => ParquetReader::new(Cursor::new(&b[..]))
            .get_metadata()?
            .clone(),
    };
    let rows: usize = meta.row_groups.iter().map(|g| g.num_rows()).sum();
    if rows != meta.num_rows || rows > MAX_ROWS_PER_BYTE * (len as usize).max(1) {
        bail!(
            "the file says {} rows and its row groups {rows}, in {len} bytes",
            meta.num_rows
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
            check_pages(data, len, column.byte_range(), column.num_values())
                .map_err(|e| anyhow::anyhow!("row group {g}, column '{}': {e}", name()))?;
        }
    }
    let empty = parquet_frame(data, &meta, Some((0, 0)), None)?;
    let raw = empty
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let dtypes = empty.dtypes();
    Ok((meta, raw, dtypes))
}

/// The page headers of one column chunk (read a header at a time, so the file is never in
/// memory).
fn check_pages(
    data: &Data,
    len: u64,
    range: std::ops::Range<u64>,
    values: i64,
) -> std::result::Result<(), String> {
    super::parquet_pages::check_pages(range, len, values, &mut |r| {
        data.range(r)
            .map(Bytes::into_cow)
            .map_err(|e| e.to_string())
    })
}

/// Rows `slice` of a Parquet file (the columns `columns` as written, or all).
fn parquet_frame(
    data: &Data,
    meta: &polars::io::parquet::metadata::FileMetadataRef,
    slice: Option<(usize, usize)>,
    columns: Option<Vec<String>>,
) -> Result<DataFrame> {
    fn read<R: polars::io::mmap::MmapBytesReader>(
        r: R,
        meta: &polars::io::parquet::metadata::FileMetadataRef,
        slice: Option<(usize, usize)>,
        columns: Option<Vec<String>>,
    ) -> PolarsResult<DataFrame> {
        let mut reader = ParquetReader::new(r)
            .with_slice(slice)
            .with_columns(columns);
        reader.set_metadata(meta.clone());
        reader.finish()
    }
    Ok(match data {
        Data::File(f, _) => read(f.try_clone()?, meta, slice, columns)?,
        Data::Memory(b) => read(Cursor::new(&b[..]), meta, slice, columns)?,
    })
}

impl Inputs {
    /// Every row of every input in one frame.
    pub fn read_all(&self) -> Result<super::read::Inventory> {
        let mut rows = vec![0usize; self.files.len()];
        let mut frame: Option<DataFrame> = None;
        for spec in &self.chunks {
            let df = self.read(spec, None)?;
            rows[spec.file] += df.height();
            match frame.as_mut() {
                None => frame = Some(df),
                Some(acc) => {
                    acc.vstack_mut_owned(df)?;
                }
            }
        }
        let mut frame = frame.unwrap_or_else(|| self.empty_frame());
        frame.rechunk_mut();
        Ok(super::read::Inventory {
            frame,
            sources: self.sources(&rows)?,
            kept: None,
        })
    }

    /// The sources, given the rows of each file.
    pub fn sources(&self, rows: &[usize]) -> Result<Vec<super::read::Source>> {
        Ok(self
            .paths()
            .into_iter()
            .zip(rows)
            .zip(self.content_hashes()?)
            .zip(&self.files)
            .map(|(((path, &rows), content_hash), f)| super::read::Source {
                path: path.to_string(),
                rows,
                content_hash,
                sheet: f.sheet.clone(),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::{ContentHash, Inputs, OpenOptions, MAP_BYTES};
    use std::io::Write;

    #[test]
    fn a_file_is_read_mapped_as_it_is_read_from_memory() {
        // Over MAP_BYTES in all, and in chunks of either side of it: the scan for records,
        // the content hash and the chunks read from mapped ranges and from read ones.
        let mut csv = String::from(
            "facility_id,equipment_id,nominal_voltage_v,bolted_fault_current_ka,\
             arc_duration_ms,equipment_class,location\n",
        );
        let mut k = 0;
        while csv.len() < 3 * MAP_BYTES {
            let (f, v, row) = (k % 7, 208 + k % 3, k % 11);
            csv.push_str(&format!(
                "F{f},E{k},{v},2{k},50,mcc,\"room {k}, row {row}\"\n"
            ));
            k += 1;
        }
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(csv.as_bytes()).unwrap();
        let path = file.path().to_string_lossy().to_string();
        for chunk_rows in [k / 5, k] {
            let mapped = Inputs::open(
                std::slice::from_ref(&path),
                chunk_rows,
                &OpenOptions::default(),
            )
            .unwrap();
            let memory = Inputs::from_bytes(&path, csv.clone().into_bytes(), chunk_rows).unwrap();
            assert_eq!(mapped.chunks().len(), memory.chunks().len());
            for (a, b) in mapped.chunks().iter().zip(memory.chunks()) {
                let (a, b) = (mapped.read(a, None).unwrap(), memory.read(b, None).unwrap());
                assert!(
                    a.height() > 0 && a.equals_missing(&b),
                    "{chunk_rows}: {a:?} {b:?}"
                );
            }
            let hash = ContentHash::of(csv.as_bytes());
            assert_eq!(mapped.content_hashes().unwrap(), vec![hash]);
        }
    }

    #[test]
    fn content_hash_is_xxh3_64_whatever_the_pieces() {
        // Published by `xxhsum -H3` / Python's xxhash for the same bytes.
        assert_eq!(ContentHash::of(b""), "2d06800538d394c2");
        let csv = b"facility_id,equipment_id\nF1,E1\n";
        assert_eq!(ContentHash::of(csv), "9ae7476f74dacf50");
        let long: Vec<u8> = (0..=255u8).cycle().take(256 * 40).collect();
        assert_eq!(ContentHash::of(&long), "c03d2231ab9348f3");
        for piece in [1, 7, 240, 4096] {
            let mut h = ContentHash::default();
            long.chunks(piece).for_each(|c| h.update(c));
            assert_eq!(h.hex(), "c03d2231ab9348f3", "pieces of {piece}");
        }
    }
}
