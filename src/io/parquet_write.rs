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
//!   distinct values in order of first appearance) and the pages are the same;
//! - every other column is encoded as polars would encode it;
//! - columns are encoded *and compressed* in parallel; the file is then written in order.
//!
//! The file's schema and key-value metadata come from polars' batched writer, unchanged.

use polars::io::parquet::write::BatchedWriter;
use polars::prelude::*;
use polars_arrow::array::{Array, DictionaryArray, PrimitiveArray, Utf8ViewArray};
use polars_arrow::datatypes::{ArrowDataType, IntegerType};
use polars_parquet::write::{
    array_to_columns, compress, get_dtype_encoding, CompressedPage, CompressionOptions, Encoding,
    ParquetType, Version, WriteOptions,
};
use rayon::prelude::*;
use std::io::Write;

/// Most distinct views a column may have for its dictionary to be taken from them.
const MAX_VIEWS: usize = 256;

/// polars' threshold: past 128 rows, a column with more than 3/4 distinct values is plain.
fn dictionary_pays(distinct: usize, len: usize) -> bool {
    len <= 128 || (distinct as f64) / (len as f64) <= 0.75
}

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

/// Writes `df` as one row group of `batched`.
pub(crate) fn write_row_group<W: Write>(
    batched: &mut BatchedWriter<W>,
    df: &DataFrame,
    options: WriteOptions,
) -> PolarsResult<()> {
    if df.height() == 0 {
        return Ok(());
    }
    let fields = batched.parquet_schema().fields().to_vec();
    let arrays: Vec<Box<dyn Array>> = df
        .columns()
        .iter()
        .map(|c| {
            let s = c.as_materialized_series();
            s.rechunk().to_arrow(0, CompatLevel::newest())
        })
        .collect();
    let columns: Vec<Vec<Vec<CompressedPage>>> = arrays
        .par_iter()
        .zip(fields)
        .map(|(array, field)| encode_column(array.as_ref(), field, options))
        .collect::<PolarsResult<_>>()?;
    let pages: Vec<Vec<CompressedPage>> = columns.into_iter().flatten().collect();
    batched.write_row_group(df.height() as u64, &pages)
}

/// One column's pages (one list per Parquet leaf), encoded and compressed.
fn encode_column(
    array: &dyn Array,
    field: ParquetType,
    options: WriteOptions,
) -> PolarsResult<Vec<Vec<CompressedPage>>> {
    let dictionary = array
        .as_any()
        .downcast_ref::<Utf8ViewArray>()
        .and_then(view_dictionary);
    let leaves = match &dictionary {
        Some(d) => array_to_columns(d as &dyn Array, field, options, &[Encoding::RleDictionary])?,
        None => array_to_columns(array, field, options, &get_dtype_encoding(array.dtype()))?,
    };
    leaves
        .into_iter()
        .map(|pages| {
            pages
                .map(|page| Ok(compress(page?, vec![], options.compression)?))
                .collect::<PolarsResult<Vec<_>>>()
        })
        .collect()
}

/// The column as a dictionary taken from its views, if it has at most [`MAX_VIEWS`] distinct
/// ones and polars would choose a dictionary for it.
fn view_dictionary(array: &Utf8ViewArray) -> Option<DictionaryArray<u32>> {
    let views = array.views();
    let validity = array.validity();
    let mut table = ViewTable::new();
    let mut keys: Vec<u32> = Vec::with_capacity(views.len());
    for (i, v) in views.iter().enumerate() {
        if validity.is_some_and(|b| !b.get_bit(i)) {
            keys.push(0);
            continue;
        }
        keys.push(table.id(v.as_u128(), i)?);
    }
    // Views that differ may hold the same text (two copies of a long string): merge them,
    // keeping the first appearance's position.
    let mut values: Vec<&str> = Vec::with_capacity(table.first.len());
    let mut remap: Vec<u32> = Vec::with_capacity(table.first.len());
    for &row in &table.first {
        let text = array.value(row);
        let id = match values.iter().position(|&t| t == text) {
            Some(p) => p,
            None => {
                values.push(text);
                values.len() - 1
            }
        };
        remap.push(id as u32);
    }
    if !dictionary_pays(values.len(), array.len()) {
        return None;
    }
    if values.len() != remap.len() {
        for k in keys.iter_mut() {
            *k = remap[*k as usize];
        }
    }
    let keys = PrimitiveArray::<u32>::new(ArrowDataType::UInt32, keys.into(), validity.cloned());
    let values = Utf8ViewArray::from_slice_values(values);
    let dtype = ArrowDataType::Dictionary(
        IntegerType::UInt32,
        Box::new(ArrowDataType::Utf8View),
        false,
    );
    DictionaryArray::try_new(dtype, keys, values.boxed()).ok()
}

/// Distinct views in order of first appearance, found by open addressing.
struct ViewTable {
    slots: Vec<(u128, u32)>,
    first: Vec<usize>,
    last: Option<(u128, u32)>,
}

impl ViewTable {
    const EMPTY: u32 = u32::MAX;
    const BITS: u32 = 10; // 1,024 slots for at most MAX_VIEWS views

    fn new() -> ViewTable {
        ViewTable {
            slots: vec![(0, Self::EMPTY); 1 << Self::BITS],
            first: Vec::new(),
            last: None,
        }
    }

    /// The id of view `v` seen at `row`; `None` once there are too many.
    fn id(&mut self, v: u128, row: usize) -> Option<u32> {
        if let Some((lv, id)) = self.last {
            if lv == v {
                return Some(id);
            }
        }
        let h =
            ((v as u64) ^ ((v >> 64) as u64).rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mask = (1usize << Self::BITS) - 1;
        let mut at = (h >> (64 - Self::BITS)) as usize;
        loop {
            let (sv, id) = self.slots[at];
            if id == Self::EMPTY {
                if self.first.len() == MAX_VIEWS {
                    return None;
                }
                let id = self.first.len() as u32;
                self.slots[at] = (v, id);
                self.first.push(row);
                self.last = Some((v, id));
                return Some(id);
            }
            if sv == v {
                self.last = Some((v, id));
                return Some(id);
            }
            at = (at + 1) & mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict_of(values: &[Option<&str>]) -> Option<(Vec<Option<u32>>, Vec<String>)> {
        let array = Utf8ViewArray::from_slice(values);
        let d = view_dictionary(&array)?;
        let keys = d.keys().iter().map(|k| k.copied()).collect();
        let dict = d.values().as_any().downcast_ref::<Utf8ViewArray>()?;
        let texts = dict.values_iter().map(str::to_string).collect();
        Some((keys, texts))
    }

    #[test]
    fn few_views_give_the_dictionary_in_order_of_first_appearance() {
        // Long strings (over 12 bytes) in separate copies are different views of equal text:
        // they are merged, as polars' hashing dictionary would merge them.
        let long = "ieee1584-2018@1";
        let (keys, texts) =
            dict_of(&[Some("ok"), Some(long), None, Some("ok"), Some(long)]).expect("a dictionary");
        assert_eq!(texts, vec!["ok".to_string(), long.to_string()]);
        assert_eq!(keys, vec![Some(0), Some(1), None, Some(0), Some(1)]);
    }

    #[test]
    fn many_distinct_values_are_left_to_polars() {
        let texts: Vec<String> = (0..1000).map(|i| format!("E{i:05}")).collect();
        let values: Vec<Option<&str>> = texts.iter().map(|t| Some(t.as_str())).collect();
        assert!(dict_of(&values).is_none(), "over MAX_VIEWS distinct views");
        // Under MAX_VIEWS but more than 3/4 distinct past 128 rows: polars would write plain.
        let values: Vec<Option<&str>> = texts[..200].iter().map(|t| Some(t.as_str())).collect();
        assert!(dict_of(&values).is_none());
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
            write_row_group(&mut b, &df.slice(0, 1000), options).unwrap();
            write_row_group(&mut b, &df.slice(1000, 2000), options).unwrap();
            b.finish().unwrap();
        }
        let back = ParquetReader::new(std::io::Cursor::new(buf))
            .finish()
            .unwrap();
        df.rechunk_mut();
        assert!(back.equals_missing(&df), "{back:?}");
    }
}
