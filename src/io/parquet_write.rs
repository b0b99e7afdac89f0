//! Encoding result parts as Parquet row groups (issue 12: the writer's share of the run).
//!
//! polars' own writer decides per column whether a dictionary pays, by estimating the
//! column's cardinality and then hashing every value into a dictionary, and compresses the
//! pages one after another on the thread that writes the file. Most of the results' text
//! columns hold a few distinct values (codes rendered once and gathered), so here:
//!
//! - a text column whose values are few distinct *views* (the 16-byte handles of a
//!   string-view array; equal handles are equal strings) gets its dictionary from the views
//!   in one pass over 16-byte integers, with no hashing of the text; distinct views holding
//!   the same text are merged, so the dictionary is exactly what polars would build (the
//!   distinct values in order of first appearance) and the pages are the same (the choice and
//!   the dictionary: [`super::parquet_plan`]);
//! - an Int32 column gets the dictionary polars would make of it (its distinct values, in
//!   ascending order);
//! - the data pages of these dictionaries and of the number columns are encoded by
//!   [`super::parquet_encode`] from slices, byte for byte as polars encodes them;
//! - every other column is encoded by polars;
//! - columns are encoded *and compressed* in parallel, and each is written to the file, in
//!   order, as soon as it and those before it are ready (the last part's write overlaps its
//!   encoding instead of following it at the end of a run).
//!
//! The file's schema and key-value metadata come from polars' batched writer, unchanged.

use super::parquet_encode::{self, Keyed};
use super::parquet_plan::{plan, plan_coded, Plan};
use super::write::CodedText;
use polars::io::parquet::write::BatchedWriter;
use polars::prelude::*;
use polars_arrow::array::{Array, PrimitiveArray, Utf8ViewArray};
use polars_parquet::parquet::compression::Compression;
use polars_parquet::parquet::page::{CompressedDataPage, CompressedDictPage, DataPageHeader};
use polars_parquet::parquet::CowBuffer;
use polars_parquet::write::{
    array_to_columns, compress, get_dtype_encoding, CompressedPage, CompressionOptions, DynIter,
    DynStreamingIterator, Encoding, FallibleStreamingIterator, Page, ParquetType, Version,
    WriteOptions,
};
use rayon::prelude::*;
use std::io::Write;

/// The options pages are encoded with: as `batched` was made (see [`super::write`]).
pub(crate) fn write_options(
    compression: ParquetCompression,
    statistics: StatisticsOptions,
) -> WriteOptions {
    let compression = match compression {
        ParquetCompression::Zstd(_) => CompressionOptions::Zstd(None),
        ParquetCompression::Snappy => CompressionOptions::Snappy,
        ParquetCompression::Uncompressed => CompressionOptions::Uncompressed,
        _ => CompressionOptions::Lz4Raw,
    };
    WriteOptions {
        statistics,
        version: Version::V1,
        compression,
        data_page_size: None,
    }
}

/// Writes `df` as one row group of `batched`; its text columns named in `coded` are given by
/// their codes as well.
pub(crate) fn write_row_group<W: Write>(
    batched: &mut BatchedWriter<W>,
    df: &DataFrame,
    coded: &[(String, CodedText)],
    options: WriteOptions,
) -> PolarsResult<()> {
    if df.height() == 0 {
        return Ok(());
    }
    let fields = batched.parquet_schema().fields().to_vec();
    // A coded column is taken from its codes (its frame column may be a placeholder).
    let sources: Vec<Source> = df
        .columns()
        .iter()
        .map(
            |c| match coded.iter().find(|(n, _)| n == c.name().as_str()) {
                Some((_, text)) => Source::Coded(text),
                None => Source::Array(
                    c.as_materialized_series()
                        .rechunk()
                        .to_arrow(0, CompatLevel::newest()),
                ),
            },
        )
        .collect();
    let group = RowGroup {
        rows: df.height() as u64,
        sources,
        fields,
        options,
    };
    if rayon::current_thread_index().is_some() {
        // On a thread of a rayon pool, waiting for the columns could hold up the very jobs
        // that encode them (on rayon's global pool of one thread, forever).
        group.write_encoded_first(batched)
    } else {
        group.write_as_encoded(batched)
    }
}

/// A row group to write: its rows, where each column's values come from and its Parquet field.
struct RowGroup<'a> {
    rows: u64,
    sources: Vec<Source<'a>>,
    fields: Vec<ParquetType>,
    options: WriteOptions,
}

impl RowGroup<'_> {
    /// Writes the row group with its columns all encoded (in parallel) before any is written.
    fn write_encoded_first<W: Write>(self, batched: &mut BatchedWriter<W>) -> PolarsResult<()> {
        let options = self.options;
        let columns = self
            .sources
            .par_iter()
            .zip(self.fields)
            .map(|(source, field)| encode(source, field, options))
            .collect::<PolarsResult<Vec<_>>>()?;
        let pages: Vec<Vec<CompressedPage>> = columns.into_iter().flatten().collect();
        batched.write_row_group(self.rows, &pages)
    }

    /// Writes the row group with its columns encoded in parallel on another thread while this
    /// one writes each, in order, as soon as it is ready: the file's bytes are those of
    /// [`RowGroup::write_encoded_first`].
    fn write_as_encoded<W: Write>(self, batched: &mut BatchedWriter<W>) -> PolarsResult<()> {
        let RowGroup {
            rows,
            sources,
            fields,
            options,
        } = self;
        let sources = &sources;
        let (done, encoded) = std::sync::mpsc::channel();
        std::thread::scope(|s| {
            s.spawn(move || {
                sources.par_iter().zip(fields).enumerate().for_each_with(
                    done,
                    |done, (k, (source, field))| {
                        // Disconnected: the write stopped on an error, which it reports.
                        let _ = done.send((k, encode(source, field, options)));
                    },
                );
            });
            let leaves = InOrder::new(encoded, sources.len()).map(|leaf| {
                leaf.map(|pages| {
                    DynStreamingIterator::new(Pages {
                        pages: pages.into_iter(),
                        current: None,
                    })
                })
            });
            let mut writer = batched
                .get_writer()
                .lock()
                .map_err(|_| polars_err!(ComputeError: "the Parquet writer was poisoned"))?;
            writer.write(rows, DynIter::new(leaves))
        })
    }
}

/// One column's pages (one list per Parquet leaf), encoded and compressed.
fn encode(
    source: &Source,
    field: ParquetType,
    options: WriteOptions,
) -> PolarsResult<Vec<Vec<CompressedPage>>> {
    match source {
        Source::Array(array) => encode_column(array.as_ref(), field, options),
        Source::Coded(text) => encode_coded(text, field, options),
    }
}

/// Encoded columns as they arrive: a column's position and its leaves' pages.
type Arrived = std::sync::mpsc::Receiver<(usize, PolarsResult<Vec<Vec<CompressedPage>>>)>;

/// A leaf's pages, owned, given out one by one to polars' writer.
struct Pages {
    pages: std::vec::IntoIter<CompressedPage>,
    current: Option<CompressedPage>,
}

impl FallibleStreamingIterator for Pages {
    type Item = CompressedPage;
    type Error = PolarsError;

    fn advance(&mut self) -> PolarsResult<()> {
        self.current = self.pages.next();
        Ok(())
    }

    fn get(&self) -> Option<&CompressedPage> {
        self.current.as_ref()
    }
}

/// The encoded columns' leaves (each a list of pages), in column order, from the columns as
/// they arrive in any order: each column is held until those before it are given out. An
/// encoding error is given out when it arrives, and ends the leaves.
struct InOrder {
    /// (A receiver is not `Sync`, which polars' writer asks of the iterator it is given.)
    arrived: std::sync::Mutex<Arrived>,
    held: Vec<Option<Vec<Vec<CompressedPage>>>>,
    /// The next column to give out.
    next: usize,
    /// The rest of the current column's leaves.
    leaves: std::vec::IntoIter<Vec<CompressedPage>>,
}

impl InOrder {
    fn new(arrived: Arrived, columns: usize) -> InOrder {
        InOrder {
            arrived: std::sync::Mutex::new(arrived),
            held: (0..columns).map(|_| None).collect(),
            next: 0,
            leaves: Vec::new().into_iter(),
        }
    }
}

impl Iterator for InOrder {
    type Item = PolarsResult<Vec<CompressedPage>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(leaf) = self.leaves.next() {
                return Some(Ok(leaf));
            }
            if self.next == self.held.len() {
                return None;
            }
            if let Some(column) = self.held[self.next].take() {
                self.next += 1;
                self.leaves = column.into_iter();
                continue;
            }
            let arrived = match self.arrived.get_mut() {
                Ok(a) => a.recv(),
                Err(_) => Err(std::sync::mpsc::RecvError),
            };
            match arrived {
                Ok((k, Ok(column))) => self.held[k] = Some(column),
                Ok((_, Err(e))) => {
                    self.next = self.held.len();
                    return Some(Err(e));
                }
                Err(_) => {
                    self.next = self.held.len();
                    return Some(Err(
                        polars_err!(ComputeError: "encoding a result column stopped (panicked)"),
                    ));
                }
            }
        }
    }
}

/// Where a column's values come from.
enum Source<'a> {
    /// Its Arrow array.
    Array(Box<dyn Array>),
    /// The codes of a text column.
    Coded(&'a CodedText),
}

/// One column's pages (one list per Parquet leaf), encoded and compressed.
fn encode_column(
    array: &dyn Array,
    field: ParquetType,
    options: WriteOptions,
) -> PolarsResult<Vec<Vec<CompressedPage>>> {
    let any = array.as_any();
    let plan = if let Some(text) = any.downcast_ref::<Utf8ViewArray>() {
        plan(text)
    } else if let Some(numbers) = any.downcast_ref::<PrimitiveArray<f64>>() {
        if let Some(pages) = parquet_encode::plain_f64_pages(numbers, &field, options) {
            return Ok(vec![compressed(pages.into_iter().map(Ok), options)?]);
        }
        // polars would estimate the column's cardinality and then write it plain anyway: it
        // has no dictionary for Float64 (`encode_as_dictionary_optional` gives up on the cast).
        Plan::Plain
    } else if let Some(integers) = any.downcast_ref::<PrimitiveArray<i32>>() {
        parquet_encode::int_dictionary(integers).map_or(Plan::Polars, Plan::Dictionary)
    } else {
        Plan::Polars
    };
    if let Plan::Dictionary(d) = &plan {
        return encode_dictionary(d, field, options);
    }
    let encoding = match plan {
        Plan::Plain => vec![Encoding::Plain],
        _ => get_dtype_encoding(array.dtype()),
    };
    leaves(array_to_columns(array, field, options, &encoding)?, options)
}

/// A coded text column's pages: from its codes when they give its dictionary, otherwise
/// (plain, or codes that are not one to one with texts) from its texts, built here.
fn encode_coded(
    text: &CodedText,
    field: ParquetType,
    options: WriteOptions,
) -> PolarsResult<Vec<Vec<CompressedPage>>> {
    if let Some(Plan::Dictionary(d)) = plan_coded(text, text.validity()) {
        return encode_dictionary(&d, field, options);
    }
    let column = text.column("")?;
    let array = column
        .as_materialized_series()
        .rechunk()
        .to_arrow(0, CompatLevel::newest());
    encode_column(array.as_ref(), field, options)
}

/// The pages of a dictionary-encoded column.
fn encode_dictionary(
    d: &Keyed,
    field: ParquetType,
    options: WriteOptions,
) -> PolarsResult<Vec<Vec<CompressedPage>>> {
    if let Some(pages) = parquet_encode::dictionary_pages(d, field.clone(), options)? {
        return Ok(vec![compressed(pages.into_iter().map(Ok), options)?]);
    }
    let d = d.array(d.keys.clone())?;
    leaves(
        array_to_columns(&d as &dyn Array, field, options, &[Encoding::RleDictionary])?,
        options,
    )
}

/// Each leaf's pages, compressed.
fn leaves(
    leaves: Vec<impl IntoIterator<Item = PolarsResult<Page>>>,
    options: WriteOptions,
) -> PolarsResult<Vec<Vec<CompressedPage>>> {
    leaves
        .into_iter()
        .map(|pages| compressed(pages, options))
        .collect()
}

/// `pages`, compressed as `options` say (LZ4 by [`lz4_page`]).
fn compressed(
    pages: impl IntoIterator<Item = PolarsResult<Page>>,
    options: WriteOptions,
) -> PolarsResult<Vec<CompressedPage>> {
    pages
        .into_iter()
        .map(|page| match options.compression {
            CompressionOptions::Lz4Raw => lz4_page(page?),
            other => Ok(compress(page?, vec![], other)?),
        })
        .collect()
}

thread_local! {
    /// A thread's room for the LZ4 compression of one page at worst (see [`lz4_page`]).
    static LZ4_ROOM: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A page compressed as polars' `compress` does with LZ4 (raw blocks, the same bytes), into a
/// buffer of the compressed size: the block is compressed into room for the worst case that
/// the thread keeps, where polars zero-fills a new buffer of that size for every page (and the
/// page then holds all of it).
fn lz4_page(page: Page) -> PolarsResult<CompressedPage> {
    let compressed = |input: &[u8]| -> PolarsResult<Vec<u8>> {
        LZ4_ROOM.with_borrow_mut(|room| {
            let bound = lz4::block::compress_bound(input.len())?;
            if room.len() < bound {
                room.resize(bound, 0);
            }
            let n = lz4::block::compress_to_buffer(input, None, false, &mut room[..bound])?;
            Ok(room[..n].to_vec())
        })
    };
    Ok(match page {
        Page::Data(p) => {
            let rows = p.num_rows.ok_or_else(
                || polars_err!(ComputeError: "a data page to compress has no row count"),
            )?;
            let DataPageHeader::V1(_) = p.header() else {
                return Ok(compress(Page::Data(p), vec![], CompressionOptions::Lz4Raw)?);
            };
            CompressedPage::Data(CompressedDataPage::new(
                p.header().clone(),
                CowBuffer::Owned(compressed(p.buffer())?),
                Compression::Lz4Raw,
                p.buffer().len(),
                p.descriptor.clone(),
                rows,
            ))
        }
        Page::Dict(p) => CompressedPage::Dict(CompressedDictPage::new(
            CowBuffer::Owned(compressed(&p.buffer)?),
            Compression::Lz4Raw,
            p.buffer.len(),
            p.num_values,
            p.is_sorted,
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pages of `array` (named `x`) as polars encodes them with `encoding`.
    fn pages_of(array: &dyn Array, encoding: Encoding) -> Vec<Page> {
        let field = polars_arrow::datatypes::Field::new("x".into(), array.dtype().clone(), true);
        let field = polars_parquet::write::to_parquet_type(&field).unwrap();
        let options = write_options(ParquetCompression::Lz4Raw, StatisticsOptions::default());
        array_to_columns(array, field, options, &[encoding])
            .unwrap()
            .into_iter()
            .flatten()
            .map(Result::unwrap)
            .collect()
    }

    /// Columns sent in any order come out in column order, each leaf whole; an encoding error
    /// ends the leaves when it arrives (the file is then discarded), and a sender gone before
    /// every column arrived is an error.
    #[test]
    fn encoded_columns_are_given_out_in_order() {
        let page = || {
            let array = PrimitiveArray::<f64>::from_slice([1.0, 2.0]);
            let page = pages_of(&array, Encoding::Plain).remove(0);
            compress(page, vec![], CompressionOptions::Uncompressed).unwrap()
        };
        // Column k has one leaf of k pages, so the leaves' lengths name their columns.
        let column = |k: usize| Ok(vec![(0..k).map(|_| page()).collect::<Vec<_>>()]);
        let lengths = |out: Vec<PolarsResult<Vec<CompressedPage>>>| -> Vec<Option<usize>> {
            out.into_iter().map(|l| l.ok().map(|l| l.len())).collect()
        };
        let (tx, rx) = std::sync::mpsc::channel();
        for k in [3, 1, 0, 2] {
            tx.send((k, column(k))).unwrap();
        }
        drop(tx);
        let out: Vec<_> = InOrder::new(rx, 4).collect();
        assert_eq!(lengths(out), [Some(0), Some(1), Some(2), Some(3)]);

        let (tx, rx) = std::sync::mpsc::channel();
        tx.send((1, column(1))).unwrap();
        tx.send((0, column(0))).unwrap();
        tx.send((3, Err(polars_err!(ComputeError: "no")))).unwrap();
        tx.send((2, column(2))).unwrap();
        let out: Vec<_> = InOrder::new(rx, 4).collect();
        assert_eq!(lengths(out), [Some(0), Some(1), None]);

        let (tx, rx) = std::sync::mpsc::channel();
        tx.send((1, column(1))).unwrap();
        drop(tx);
        let out: Vec<_> = InOrder::new(rx, 2).collect();
        assert_eq!(lengths(out), [None]);
    }

    #[test]
    fn lz4_pages_are_polars_lz4_pages() {
        let texts: Vec<Option<String>> = (0..5000)
            .map(|i| (i % 7 != 0).then(|| format!("value {}", i % 300)))
            .collect();
        let texts: Vec<Option<&str>> = texts.iter().map(|t| t.as_deref()).collect();
        let texts = Utf8ViewArray::from_slice(&texts);
        let numbers: PrimitiveArray<f64> = (0..5000)
            .map(|i| (i % 5 != 0).then_some(f64::from(i) * 0.37))
            .collect();
        let mut pages = pages_of(&texts, Encoding::RleDictionary);
        pages.extend(pages_of(&texts, Encoding::Plain));
        pages.extend(pages_of(&numbers, Encoding::Plain));
        assert!(
            pages.iter().any(|p| matches!(p, Page::Dict(_))),
            "a dictionary page"
        );
        for page in pages {
            let copy = match &page {
                Page::Data(p) => Page::Data(p.clone()),
                Page::Dict(p) => Page::Dict(p.clone()),
            };
            // Every field of the page, its bytes too (the pages show them only by `Debug`).
            let ours = format!("{:?}", lz4_page(copy).unwrap());
            let theirs = compress(page, vec![], CompressionOptions::Lz4Raw).unwrap();
            assert_eq!(ours, format!("{theirs:?}"));
        }
    }

    #[test]
    fn coded_columns_are_written_from_their_codes_as_polars_writes_their_texts() {
        // The frame holds a placeholder; the file is the one polars writes of the texts.
        let texts: Vec<Option<String>> = [None, Some("ok"), Some("invalid"), Some("ok again")]
            .iter()
            .map(|t| t.map(str::to_string))
            .collect();
        let twice: Vec<Option<String>> = vec![Some("x".into()), Some("x".into())];
        let compression = ParquetCompression::Lz4Raw;
        for (rows, table) in [
            (1usize, &texts),
            (300, &texts),
            (70_000, &texts),
            (500, &twice),
        ] {
            let codes: Vec<u32> = (0..rows)
                .map(|i| ((i * 7919) % (table.len() + usize::from(i % 5000 < 2000))) as u32)
                .map(|c| c.min(table.len() as u32 - 1))
                .collect();
            let coded = CodedText {
                codes,
                texts: table.clone(),
            };
            let energy: Vec<Option<f64>> =
                (0..rows).map(|i| (i % 3 > 0).then_some(i as f64)).collect();
            let part = crate::io::write::Part::deferred(
                rows,
                vec![
                    crate::io::write::Part::placeholder("status", rows),
                    Column::new("energy".into(), energy),
                ],
                vec![("status".to_string(), coded)],
            )
            .unwrap();
            let (frame, coded) = part.into_coded();
            let production = write_options(compression, crate::io::write::parquet_statistics());
            let mut ours: Vec<u8> = Vec::new();
            let mut b = ParquetWriter::new(&mut ours)
                .with_compression(compression)
                .with_statistics(production.statistics)
                .batched(frame.schema())
                .unwrap();
            write_row_group(&mut b, &frame, &coded, production).unwrap();
            b.finish().unwrap();
            let mut whole = crate::io::write::Part::deferred(rows, frame.columns().to_vec(), coded)
                .unwrap()
                .into_frame()
                .unwrap();
            let mut theirs: Vec<u8> = Vec::new();
            ParquetWriter::new(&mut theirs)
                .with_compression(compression)
                .with_statistics(production.statistics)
                .finish(&mut whole)
                .unwrap();
            assert!(ours == theirs, "{rows} rows: the files differ");
        }
    }

    /// `df` as one row group by `write_row_group` and by polars' own writer.
    fn both_files(df: &mut DataFrame, statistics: StatisticsOptions) -> (Vec<u8>, Vec<u8>) {
        let compression = ParquetCompression::Lz4Raw;
        let mut ours: Vec<u8> = Vec::new();
        let mut b = ParquetWriter::new(&mut ours)
            .with_compression(compression)
            .with_statistics(statistics)
            .batched(df.schema())
            .unwrap();
        write_row_group(&mut b, df, &[], write_options(compression, statistics)).unwrap();
        b.finish().unwrap();
        let mut theirs: Vec<u8> = Vec::new();
        ParquetWriter::new(&mut theirs)
            .with_compression(compression)
            .with_statistics(statistics)
            .finish(df)
            .unwrap();
        (ours, theirs)
    }

    #[test]
    fn a_number_column_is_written_as_polars_writes_it() {
        // Few distinct values: polars tries a dictionary, cannot make one for Float64 and
        // writes the column plain; our plan goes to plain directly. The files are the same.
        let energy: Vec<Option<f64>> = (0..5000)
            .map(|i| (i % 9 != 0).then_some(f64::from(i % 4) * 1.5))
            .collect();
        let mut df = df!("energy" => energy).unwrap();
        let (ours, theirs) = both_files(&mut df, StatisticsOptions::default());
        assert_eq!(ours, theirs);
    }

    /// Codes, small integers and numbers with nulls in runs and at random, over enough rows
    /// for several pages of each column.
    fn results_like(rows: usize, seed: u64) -> DataFrame {
        let mut x = seed | 1;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let (mut status, mut level, mut energy, mut ok) = (vec![], vec![], vec![], vec![]);
        for i in 0..rows {
            let r = next();
            // Long stretches of one value now and then, as sorted or uniform inputs give.
            let steady = (i / 5000) % 3 == 0;
            let code = if steady { 1 } else { r % 4 };
            status.push(
                (r % 13 != 0).then_some(["ok", "invalid", "not_applicable", "ok"][code as usize]),
            );
            level.push((r % 17 != 0 || steady).then_some(code as i32 - 1));
            energy.push((r % 11 != 0 && !steady).then_some((r % 1000) as f64 / 8.0));
            ok.push(steady || r % 2 == 0);
        }
        let mut df =
            df!("status" => status, "level" => level, "energy" => energy, "ok" => ok).unwrap();
        df.rechunk_mut();
        df
    }

    #[test]
    fn codes_integers_and_numbers_are_written_as_polars_writes_them() {
        // As the runs write them (null counts only), and with min/max statistics.
        let production = write_options(
            ParquetCompression::Lz4Raw,
            crate::io::write::parquet_statistics(),
        )
        .statistics;
        for (rows, seed) in [(1, 3), (100, 5), (9000, 7), (250_000, 11)] {
            let mut df = results_like(rows, seed);
            for statistics in [production, StatisticsOptions::default()] {
                let (ours, theirs) = both_files(&mut df, statistics);
                assert_eq!(ours.len(), theirs.len(), "{rows} rows");
                assert!(ours == theirs, "{rows} rows: the files differ");
            }
        }
    }

    #[test]
    fn a_row_group_written_from_a_pools_thread_is_the_same_file() {
        // From a pool's thread the columns are encoded first and written after; from any
        // other thread each is written as it is ready. Both give the same bytes.
        let production = write_options(
            ParquetCompression::Lz4Raw,
            crate::io::write::parquet_statistics(),
        );
        let mut df = results_like(9000, 13);
        let file = |df: &mut DataFrame| {
            let mut out: Vec<u8> = Vec::new();
            let mut b = ParquetWriter::new(&mut out)
                .with_compression(ParquetCompression::Lz4Raw)
                .with_statistics(production.statistics)
                .batched(df.schema())
                .unwrap();
            write_row_group(&mut b, df, &[], production).unwrap();
            b.finish().unwrap();
            out
        };
        let here = file(&mut df);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let in_pool = pool.install(|| file(&mut df));
        assert!(here == in_pool, "the files differ");
    }

    #[test]
    fn a_row_group_reads_back_as_written() {
        let n = 3000;
        let status: Vec<Option<&str>> = (0..n)
            .map(|i| match i % 7 {
                0 => None,
                1 => Some("invalid"),
                _ => Some("ok"),
            })
            .collect();
        let ids: Vec<String> = (0..n).map(|i| format!("equipment-{i}")).collect();
        let energy: Vec<Option<f64>> = (0..n)
            .map(|i| (i % 5 != 0).then_some(i as f64 / 7.0))
            .collect();
        let mut df = df!("status" => status, "equipment_id" => ids, "energy" => energy).unwrap();
        let mut buf: Vec<u8> = Vec::new();
        {
            let options = write_options(ParquetCompression::Lz4Raw, StatisticsOptions::default());
            let mut b = ParquetWriter::new(&mut buf).batched(df.schema()).unwrap();
            write_row_group(&mut b, &df.slice(0, 1000), &[], options).unwrap();
            write_row_group(&mut b, &df.slice(1000, 2000), &[], options).unwrap();
            b.finish().unwrap();
        }
        let back = ParquetReader::new(std::io::Cursor::new(buf))
            .finish()
            .unwrap();
        df.rechunk_mut();
        assert!(back.equals_missing(&df), "{back:?}");
    }
}
