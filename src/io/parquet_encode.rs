//! Data pages encoded from slices (issue 12): the dictionary keys of text and integer columns,
//! and the plain number columns with their definition levels.
//!
//! polars' `serialize_keys` walks the keys through iterator adaptors twice, once for their
//! largest value and once to encode them value by value into a buffer, and the definition
//! levels (one bit a row: is the value there) of every nullable column go through the same
//! value-by-value encoder: together ~11 % of a run's instructions. Here the RLE/bit-packed
//! hybrid encoding (parquet-format `Encodings.md`) is found run by run over the slice, packing
//! literal runs straight from it with polars' own bit packer.
//!
//! The bytes are polars' bytes: its encoder chooses where a repeated run starts, how a literal
//! run is padded to a multiple of 8 and where a long literal run is cut (every 8,192 buffered
//! values) in one particular way, and [`hybrid`] makes the same choices (tested against
//! polars' `hybrid_rle::encode` on random runs, and whole files against polars' writer).
//! Where polars would compute something this module does not (min/max statistics of a number
//! page, a v2 page header, a set page size) the caller is told to let polars write the column.

use polars::prelude::PolarsResult;
use polars_arrow::array::{Array, DictionaryArray, PrimitiveArray};
use polars_arrow::bitmap::Bitmap;
use polars_arrow::datatypes::{ArrowDataType, IntegerType};
use polars_parquet::parquet::encoding::{bitpacked, uleb128};
use polars_parquet::parquet::page::{DataPage, DataPageHeader, DataPageHeaderV1};
use polars_parquet::parquet::schema::types::PrimitiveType;
use polars_parquet::parquet::schema::Repetition;
use polars_parquet::parquet::statistics::PrimitiveStatistics;
use polars_parquet::parquet::CowBuffer;
use polars_parquet::write::{
    array_to_columns, Descriptor, Encoding, Page, ParquetType, Version, WriteOptions,
};
use std::ops::Range;

/// Values a literal run may buffer before polars' encoder writes it out.
const MAX_LITERAL: usize = 8 * 1024;

/// polars' page size when none is set: pages of a column hold at most this many bytes.
const DEFAULT_PAGE_SIZE: usize = 1024 * 1024;

/// A column as dictionary keys into its distinct values (no nulls among the values).
pub(crate) struct Keyed {
    pub(crate) keys: PrimitiveArray<u32>,
    pub(crate) values: Box<dyn Array>,
}

impl Keyed {
    /// The column as an Arrow dictionary array over `keys` (every key checked).
    pub(crate) fn array(&self, keys: PrimitiveArray<u32>) -> PolarsResult<DictionaryArray<u32>> {
        let dtype = ArrowDataType::Dictionary(
            IntegerType::UInt32,
            Box::new(self.values.dtype().clone()),
            false,
        );
        DictionaryArray::try_new(dtype, keys, self.values.clone())
    }
}

/// The pages of `column` as polars writes it with `RleDictionary`: the dictionary page, then
/// the data pages. polars makes the dictionary page and the statistics (of the values, but for
/// the null count), asked for the column's first row alone; the keys are encoded here. `None`
/// where polars would write something else (a v2 page header, a set page size).
pub(crate) fn dictionary_pages(
    column: &Keyed,
    field: ParquetType,
    options: WriteOptions,
) -> PolarsResult<Option<Vec<Page>>> {
    let keys = &column.keys;
    if keys.is_empty() || options.data_page_size.is_some() {
        return Ok(None);
    }
    let first = column.array(keys.clone().sliced(0, 1))?;
    let mut leaves = array_to_columns(
        &first as &dyn Array,
        field,
        options,
        &[Encoding::RleDictionary],
    )?;
    let Some(mut pages) = leaves.pop().filter(|_| leaves.is_empty()) else {
        return Ok(None);
    };
    let (Some(Page::Dict(dict)), Some(Page::Data(probe))) =
        (pages.next().transpose()?, pages.next().transpose()?)
    else {
        return Ok(None);
    };
    let DataPageHeader::V1(mut header) = probe.header().clone() else {
        return Ok(None);
    };
    // As polars sets it: the whole column's null count, whatever the options say.
    if let Some(statistics) = header.statistics.as_mut() {
        statistics.null_count = Some(keys.null_count() as i64);
    }
    let validity = keys.validity();
    let validity_bytes = validity.map_or(0, |b| b.as_slice().0.len());
    let mut out: Vec<Page> = vec![Page::Dict(dict)];
    for range in page_ranges(keys.len(), 4 * keys.len() + validity_bytes) {
        let bits = validity.map(|b| b.clone().sliced(range.start, range.len()));
        out.push(Page::Data(data_page(
            &keys.values()[range],
            bits.as_ref(),
            &header,
            &probe.descriptor,
        )));
    }
    Ok(Some(out))
}

/// The rows of each page, as polars' `row_slice_ranges` cuts a column of `rows` rows and
/// `bytes` estimated bytes.
fn page_ranges(rows: usize, bytes: usize) -> impl Iterator<Item = Range<usize>> {
    let per_row = bytes.checked_div(rows).unwrap_or(0);
    let per_page = (DEFAULT_PAGE_SIZE / (per_row + 1)).max(1);
    (0..rows)
        .step_by(per_page)
        .map(move |at| at..(at + per_page).min(rows))
}

/// One data page of `keys` (nulls where `validity` says, their keys ignored): its header
/// `template` but for the count, its descriptor polars'.
fn data_page(
    keys: &[u32],
    validity: Option<&Bitmap>,
    template: &DataPageHeaderV1,
    descriptor: &Descriptor,
) -> DataPage {
    let rows = keys.len();
    let mut buffer = Vec::with_capacity(keys.len() / 2 + 16);
    if is_optional(&descriptor.primitive_type) {
        definition_levels(&mut buffer, validity, rows);
    }
    let valid: Vec<u32>;
    let keys = match validity.filter(|b| b.unset_bits() > 0) {
        None => keys,
        Some(bits) => {
            let mut present = Vec::with_capacity(keys.len());
            present_runs(bits, |run| present.extend_from_slice(&keys[run]));
            valid = present;
            &valid
        }
    };
    let bits = 32 - keys.iter().copied().max().unwrap_or(0).leading_zeros();
    buffer.push(bits as u8);
    hybrid(&mut buffer, &Keys { keys, bits });
    let header = DataPageHeaderV1 {
        num_values: rows as i32,
        ..template.clone()
    };
    DataPage::new(
        DataPageHeader::V1(header),
        CowBuffer::Owned(buffer),
        descriptor.clone(),
        rows,
    )
}

fn is_optional(t: &PrimitiveType) -> bool {
    t.field_info.repetition == Repetition::Optional
}

/// The definition levels of `rows` rows of a flat optional column, as a v1 page holds them:
/// their byte length, then the levels (all 1 without `validity`: one repeated run).
fn definition_levels(buffer: &mut Vec<u8>, validity: Option<&Bitmap>, rows: usize) {
    let at = buffer.len();
    buffer.extend([0; 4]);
    match validity {
        None => rle(buffer, rows, 1, 1),
        Some(bits) => hybrid(buffer, &Levels::new(bits)),
    }
    let length = (buffer.len() - at - 4) as i32;
    buffer[at..at + 4].copy_from_slice(&length.to_le_bytes());
}

/// The pages of a Float64 column as polars writes it `Plain`: per page the definition levels,
/// the values that are there, and statistics of null counts. `None` where min/max statistics
/// are asked for, or the options are not the writer's (v1 pages, polars' page size).
pub(crate) fn plain_f64_pages(
    array: &PrimitiveArray<f64>,
    field: &ParquetType,
    options: WriteOptions,
) -> Option<Vec<Page>> {
    let asked = &options.statistics;
    let ParquetType::PrimitiveType(t) = field else {
        return None;
    };
    let optional = is_optional(t);
    if asked.min_value
        || asked.max_value
        || asked.distinct_count
        || options.data_page_size.is_some()
        || options.version != Version::V1
        || (!optional && array.null_count() > 0)
    {
        return None;
    }
    let validity_bytes = array.validity().map_or(0, |b| b.as_slice().0.len());
    let pages = page_ranges(array.len(), 8 * array.len() + validity_bytes).map(|range| {
        let part = array.clone().sliced(range.start, range.len());
        let rows = part.len();
        let mut buffer = Vec::with_capacity(8 * rows + 64);
        if optional {
            definition_levels(&mut buffer, part.validity(), rows);
        }
        plain_values(&mut buffer, &part, optional);
        let statistics = options.has_statistics().then(|| {
            PrimitiveStatistics::<f64> {
                primitive_type: t.clone(),
                null_count: asked.null_count.then_some(part.null_count() as i64),
                distinct_count: None,
                min_value: None,
                max_value: None,
            }
            .serialize()
        });
        let header = DataPageHeaderV1 {
            num_values: rows as i32,
            encoding: Encoding::Plain.into(),
            definition_level_encoding: Encoding::Rle.into(),
            repetition_level_encoding: Encoding::Rle.into(),
            statistics,
        };
        let descriptor = Descriptor {
            primitive_type: t.clone(),
            max_def_level: 0,
            max_rep_level: 0,
        };
        Page::Data(DataPage::new(
            DataPageHeader::V1(header),
            CowBuffer::Owned(buffer),
            descriptor,
            rows,
        ))
    });
    Some(pages.collect())
}

/// The values of `part` that are there (all of them in a required column), little-endian:
/// runs of present values copied whole.
fn plain_values(buffer: &mut Vec<u8>, part: &PrimitiveArray<f64>, optional: bool) {
    let values = part.values().as_slice();
    let put = |buffer: &mut Vec<u8>, values: &[f64]| {
        if cfg!(target_endian = "little") {
            buffer.extend_from_slice(bytemuck::cast_slice(values));
        } else {
            buffer.extend(values.iter().flat_map(|v| v.to_le_bytes()));
        }
    };
    match part.validity().filter(|b| optional && b.unset_bits() > 0) {
        None => put(buffer, values),
        Some(bits) => present_runs(bits, |run| put(buffer, &values[run])),
    }
}

/// Calls `f` with each run of set bits of `bits`, in order.
fn present_runs(bits: &Bitmap, mut f: impl FnMut(Range<usize>)) {
    let levels = Levels::new(bits);
    let mut i = 0;
    while i < bits.len() {
        let end = levels.run_end(i);
        if levels.bit(i) {
            f(i..end);
        }
        i = end;
    }
}

/// An Int32 column as the dictionary polars' writer makes of it: its distinct values in
/// ascending order, each row's key the rank of its value. `None` where polars would not take
/// that dictionary (no values; a range past 65,535; too many distinct values for it to pay)
/// and would decide otherwise.
pub(crate) fn int_dictionary(array: &PrimitiveArray<i32>) -> Option<Keyed> {
    let values = array.values().as_slice();
    // The stretches of values that are there: min, max and the values seen are of those.
    let mut runs: Vec<Range<usize>> = Vec::new();
    match array.validity().filter(|b| b.unset_bits() > 0) {
        None => runs.push(0..values.len()),
        Some(bits) => present_runs(bits, |run| runs.push(run)),
    }
    let (min, max) = runs
        .iter()
        .filter(|run| !run.is_empty())
        .map(|run| {
            let part = &values[run.clone()];
            let lo = part.iter().copied().fold(i32::MAX, i32::min);
            let hi = part.iter().copied().fold(i32::MIN, i32::max);
            (lo, hi)
        })
        .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)))?;
    let span = usize::try_from(i64::from(max) - i64::from(min)).ok()?;
    if span > usize::from(u16::MAX) {
        return None;
    }
    let mut seen = vec![false; span + 1];
    for run in &runs {
        for &v in &values[run.clone()] {
            seen[(v - min) as usize] = true;
        }
    }
    let distinct = seen.iter().filter(|&&s| s).count();
    if distinct > 512 && (distinct as f64) / (array.len() as f64) >= 0.75 {
        return None;
    }
    let mut rank = vec![0u32; span + 1];
    let mut dict = Vec::with_capacity(distinct);
    for (at, r) in rank.iter_mut().enumerate() {
        if seen[at] {
            *r = dict.len() as u32;
            dict.push(min + at as i32);
        }
    }
    let keys: Vec<u32> = array
        .values()
        .iter()
        .map(|v| rank[(v.clamp(&min, &max) - min) as usize])
        .collect();
    let keys = PrimitiveArray::<u32>::new(
        ArrowDataType::UInt32,
        keys.into(),
        array.validity().cloned(),
    );
    let dict = PrimitiveArray::<i32>::new(ArrowDataType::Int32, dict.into(), None);
    Some(Keyed {
        keys,
        values: dict.boxed(),
    })
}

/// A sequence to encode: its long runs of equal values, its literal and repeated runs' bytes.
trait Runs {
    fn len(&self) -> usize;
    /// The first run of at least 9 equal values starting at or after `from` (a run boundary),
    /// to its end: only such a run can be written as a repeated run.
    fn long_run(&self, from: usize) -> Option<Range<usize>>;
    /// A bit-packed run of the values in `range`.
    fn literal(&self, out: &mut Vec<u8>, range: Range<usize>);
    /// A repeated run: `count` times the value at `i`.
    fn repeated(&self, out: &mut Vec<u8>, i: usize, count: usize);
}

/// The hybrid encoding of `values`, with polars' choice of runs. polars buffers values one by
/// one; a value equal to the 8 before it (counting from where padding the buffered literal
/// to a multiple of 8 would end) starts a repeated run, which is written as one when it ends
/// longer than 8; a buffer of [`MAX_LITERAL`] values is written out as a literal run whatever
/// it holds. The buffered values are always a contiguous stretch `start..` of the input, so
/// only runs of 9 or more can change anything, each decided at once from its length and where
/// it starts; between them the buffer just fills.
fn hybrid(out: &mut Vec<u8>, values: &impl Runs) {
    let n = values.len();
    let mut start = 0;
    let mut from = 0;
    loop {
        let next = values.long_run(from);
        let until = next.as_ref().map_or(n, |r| r.start);
        while start + MAX_LITERAL < until {
            values.literal(out, start..start + MAX_LITERAL);
            start += MAX_LITERAL;
        }
        let Some(run) = next else {
            break;
        };
        let mut at = run.start;
        loop {
            let buffered = at - start;
            let len = run.end - at;
            let pad = (8 - buffered % 8) % 8;
            // Values of this run that go into the buffer: past 8 (after padding) they are
            // counted, not kept.
            let kept = len.min(8 + pad);
            if buffered + kept > MAX_LITERAL {
                // The buffer fills inside this run: written whole; the run goes on as a new one.
                values.literal(out, start..start + MAX_LITERAL);
                start += MAX_LITERAL;
                at = start;
                continue;
            }
            if len > 8 + pad {
                if buffered + pad > 0 {
                    values.literal(out, start..at + pad);
                }
                values.repeated(out, at + pad, len - pad);
                start = run.end;
            }
            break;
        }
        from = run.end;
    }
    if start < n {
        values.literal(out, start..n);
    }
}

/// The header of a run: its count (literal: groups of 8) shifted left once, flagged.
fn header(out: &mut Vec<u8>, value: u64) {
    let mut container = [0u8; 10];
    let used = uleb128::encode(value, &mut container);
    out.extend_from_slice(&container[..used]);
}

/// A repeated run of `count` times `value`, in `bytes` bytes.
fn rle(out: &mut Vec<u8>, count: usize, value: u32, bytes: usize) {
    header(out, (count as u64) << 1);
    out.extend_from_slice(&value.to_le_bytes()[..bytes]);
}

/// Dictionary keys of `bits` bits each.
struct Keys<'a> {
    keys: &'a [u32],
    bits: u32,
}

impl Runs for Keys<'_> {
    fn len(&self) -> usize {
        self.keys.len()
    }

    /// 9 equal keys hold 8 equal neighbours, 4 of them starting at a multiple of 4: blocks of
    /// 4 neighbour pairs with an unequal one (nearly all, in a column of a few codes that
    /// change at random) are stepped over at once.
    fn long_run(&self, from: usize) -> Option<Range<usize>> {
        let keys = &self.keys[from.min(self.keys.len())..];
        let mut b = 0;
        while b + 5 <= keys.len() {
            let v = keys[b];
            if keys[b + 1..b + 5].iter().all(|&k| k == v) {
                let start = keys[..b].iter().rposition(|&k| k != v).map_or(0, |p| p + 1);
                let after = &keys[b + 5..];
                let end = b + 5 + after.iter().position(|&k| k != v).unwrap_or(after.len());
                if end - start >= 9 {
                    return Some(from + start..from + end);
                }
            }
            b += 4;
        }
        None
    }

    /// Groups of 32 packed; a last group of `r` values is packed as 32 and cut after
    /// `ceil8(r)` values, the places past `r` holding what polars' reused buffer holds there:
    /// the previous group's values (zeros when there is none).
    fn literal(&self, out: &mut Vec<u8>, range: Range<usize>) {
        let values = &self.keys[range];
        header(out, ((values.len().div_ceil(8) as u64) << 1) | 1);
        let bits = self.bits as usize;
        let mut packed = [0u8; 4 * 32];
        let groups = values.chunks_exact(32);
        let rest = groups.remainder();
        let mut last = [0u32; 32];
        for group in groups {
            bitpacked::encode_pack::<u32>(group, bits, &mut packed);
            out.extend_from_slice(&packed[..4 * bits]);
            last.copy_from_slice(group);
        }
        if !rest.is_empty() {
            last[..rest.len()].copy_from_slice(rest);
            bitpacked::encode_pack::<u32>(&last, bits, &mut packed);
            out.extend_from_slice(&packed[..rest.len().div_ceil(8) * bits]);
        }
    }

    fn repeated(&self, out: &mut Vec<u8>, i: usize, count: usize) {
        rle(out, count, self.keys[i], (self.bits as usize).div_ceil(8));
    }
}

/// Definition levels of a flat optional column: its validity bits, read 64 at a time.
struct Levels<'a> {
    bitmap: &'a Bitmap,
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Levels<'a> {
    fn new(bitmap: &'a Bitmap) -> Levels<'a> {
        let (bytes, offset, _) = bitmap.as_slice();
        Levels {
            bitmap,
            bytes,
            offset,
        }
    }

    fn bit(&self, i: usize) -> bool {
        let p = self.offset + i;
        self.bytes[p / 8] >> (p % 8) & 1 == 1
    }

    /// The bits from `i` on, lowest first, and how many of them are the bitmap's (the rest
    /// are zero).
    fn word(&self, i: usize) -> (u64, usize) {
        let p = self.offset + i;
        let (at, shift) = (p / 8, p % 8);
        let mut le = [0u8; 9];
        let have = self.bytes.len().saturating_sub(at).min(9);
        le[..have].copy_from_slice(&self.bytes[at..at + have]);
        let low = u64::from_le_bytes(le[..8].try_into().expect("8 bytes"));
        let high = u64::from(le[8]).checked_shl(64 - shift as u32).unwrap_or(0);
        let word = (low >> shift) | high;
        let valid = (self.len() - i).min(64);
        let mask = if valid == 64 { !0 } else { (1u64 << valid) - 1 };
        (word & mask, valid)
    }

    /// The end of the run of bits equal to the one at `i`.
    fn run_end(&self, i: usize) -> usize {
        let flip = if self.bit(i) { !0u64 } else { 0 };
        let mut j = i;
        while j < self.len() {
            let (word, valid) = self.word(j);
            let mask = if valid == 64 { !0 } else { (1u64 << valid) - 1 };
            let differ = (word ^ flip) & mask;
            if differ != 0 {
                return j + differ.trailing_zeros() as usize;
            }
            j += valid;
        }
        self.len()
    }
}

impl Runs for Levels<'_> {
    fn len(&self) -> usize {
        self.bitmap.len()
    }

    /// 9 equal bits from position k of a word: bit k of the AND of the word shifted by 0..=8
    /// (of the word for ones, of its complement for zeros); words overlap by 8 bits.
    fn long_run(&self, from: usize) -> Option<Range<usize>> {
        let mut j = from;
        while j + 9 <= self.len() {
            let (word, valid) = self.word(j);
            let mask = if valid == 64 { !0 } else { (1u64 << valid) - 1 };
            let (mut ones, mut zeros) = (word, !word & mask);
            for s in 1..9 {
                ones &= word >> s;
                zeros &= (!word & mask) >> s;
            }
            let hits = ones | zeros;
            if hits != 0 {
                let s = j + hits.trailing_zeros() as usize;
                return Some(s..self.run_end(s));
            }
            j += 56;
        }
        None
    }

    /// Bytes of 8 bits, first bit lowest; a last byte holds the bits left (zeros above).
    fn literal(&self, out: &mut Vec<u8>, range: Range<usize>) {
        header(out, ((range.len().div_ceil(8) as u64) << 1) | 1);
        for at in range.clone().step_by(64) {
            let left = range.end - at;
            let (word, _) = self.word(at);
            let word = if left >= 64 {
                word
            } else {
                word & ((1u64 << left) - 1)
            };
            out.extend_from_slice(&word.to_le_bytes()[..left.min(64).div_ceil(8)]);
        }
    }

    fn repeated(&self, out: &mut Vec<u8>, i: usize, count: usize) {
        rle(out, count, u32::from(self.bit(i)), 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars_parquet::parquet::encoding::hybrid_rle::encode;
    use proptest::prelude::*;

    fn ours_u32(values: &[u32], bits: u32) -> Vec<u8> {
        let mut out = Vec::new();
        hybrid(&mut out, &Keys { keys: values, bits });
        out
    }

    fn theirs_u32(values: &[u32], bits: u32) -> Vec<u8> {
        let mut out = Vec::new();
        encode::<u32, _, _>(&mut out, values.iter().copied(), bits).unwrap();
        out
    }

    fn ours_bool(values: &[bool], offset: usize) -> Vec<u8> {
        let padded: Vec<bool> = std::iter::repeat_n(true, offset)
            .chain(values.iter().copied())
            .collect();
        let bitmap = Bitmap::from(padded.as_slice()).sliced(offset, values.len());
        let mut out = Vec::new();
        hybrid(&mut out, &Levels::new(&bitmap));
        out
    }

    fn theirs_bool(values: &[bool]) -> Vec<u8> {
        let mut out = Vec::new();
        encode::<bool, _, _>(&mut out, values.iter().copied(), 1).unwrap();
        out
    }

    /// Runs of random lengths (many near 8 and 9, some past the literal buffer) of a few values.
    fn runs(max_value: u32) -> impl Strategy<Value = Vec<u32>> {
        let run = (
            0..=max_value,
            prop_oneof![1usize..4, 6usize..12, 12usize..40, 8000usize..8400],
        );
        prop::collection::vec(run, 0..40).prop_map(|runs| {
            runs.into_iter()
                .flat_map(|(v, n)| std::iter::repeat_n(v, n))
                .collect()
        })
    }

    #[test]
    fn every_short_sequence_of_two_values_is_encoded_as_polars_encodes_it() {
        for len in 0..=14 {
            for mask in 0u32..(1 << len) {
                let values: Vec<u32> = (0..len).map(|i| (mask >> i) & 1).collect();
                assert_eq!(ours_u32(&values, 1), theirs_u32(&values, 1), "{values:?}");
                let bools: Vec<bool> = values.iter().map(|&v| v == 1).collect();
                assert_eq!(ours_bool(&bools, 0), theirs_bool(&bools), "{bools:?}");
            }
        }
    }

    #[test]
    fn literal_runs_are_cut_where_polars_cuts_them() {
        // A run reaching 8 right where the literal buffer is full; long literals; zero bits.
        for n in [8185, 8190, 8191, 8192, 8193, 8200, 20_000] {
            for run in [1, 7, 8, 9, 16, 17] {
                let mut values: Vec<u32> = (0..n as u32).map(|i| i % 3).collect();
                values.extend(std::iter::repeat_n(2, run));
                values.extend((0..50u32).map(|i| i % 2));
                assert_eq!(ours_u32(&values, 2), theirs_u32(&values, 2), "{n} {run}");
            }
        }
        let zeros = vec![0u32; 100];
        assert_eq!(ours_u32(&zeros, 0), theirs_u32(&zeros, 0));
        assert_eq!(ours_u32(&zeros[..5], 0), theirs_u32(&zeros[..5], 0));
    }

    proptest! {
        #[test]
        fn keys_are_encoded_as_polars_encodes_them(values in runs(300), extra in 0u32..3) {
            let max = values.iter().copied().max().unwrap_or(0);
            let bits = 32 - max.leading_zeros() + extra;
            prop_assert_eq!(ours_u32(&values, bits), theirs_u32(&values, bits));
        }

        #[test]
        fn levels_are_encoded_as_polars_encodes_them(values in runs(1), offset in 0usize..9) {
            let bools: Vec<bool> = values.iter().map(|&v| v == 1).collect();
            prop_assert_eq!(ours_bool(&bools, offset), theirs_bool(&bools));
        }
    }
}
