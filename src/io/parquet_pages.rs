//! A check of a Parquet file's page headers before polars decodes it. polars 0.55 trusts the
//! counts in a page header: a negative `num_values` (found by `cargo fuzz`) becomes a request
//! for 2^61 bytes, and a failed allocation aborts the process, which no error handling can
//! catch. Walking the headers of every column chunk first (a few bytes per page) turns such a
//! file into an error naming what is wrong.
//!
//! The headers are Thrift compact-protocol structs (`PageHeader` of parquet.thrift); only the
//! sizes and counts are read, everything else is skipped.

use std::ops::Range;

/// Thrift compact-protocol reader over a byte slice; every read is bounds-checked.
struct Compact<'a> {
    bytes: &'a [u8],
    pos: usize,
}

/// Nesting deeper than this is not a page header.
const MAX_DEPTH: u32 = 16;

impl Compact<'_> {
    fn byte(&mut self) -> Result<u8, String> {
        let b = *self
            .bytes
            .get(self.pos)
            .ok_or("the page header is cut short")?;
        self.pos += 1;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("a varint of the page header is too long".into())
    }

    fn zigzag(&mut self) -> Result<i64, String> {
        let v = self.varint()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    fn skip_bytes(&mut self, n: u64) -> Result<(), String> {
        let end = usize::try_from(n)
            .ok()
            .and_then(|n| self.pos.checked_add(n))
            .filter(|&e| e <= self.bytes.len())
            .ok_or("a field of the page header runs past the file")?;
        self.pos = end;
        Ok(())
    }

    /// Skips one value of compact type `ty`.
    fn skip(&mut self, ty: u8, depth: u32) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("the page header nests too deeply".into());
        }
        match ty {
            1 | 2 => Ok(()),
            3 => self.byte().map(drop),
            4..=6 => self.varint().map(drop),
            7 => self.skip_bytes(8),
            8 => {
                let n = self.varint()?;
                self.skip_bytes(n)
            }
            9 | 10 => {
                let h = self.byte()?;
                let n = match h >> 4 {
                    15 => self.varint()?,
                    n => u64::from(n),
                };
                self.elements(n, &[h & 0x0f], depth)
            }
            11 => {
                let n = self.varint()?;
                if n == 0 {
                    return Ok(());
                }
                let kv = self.byte()?;
                self.elements(n, &[kv >> 4, kv & 0x0f], depth)
            }
            12 => self.fields(depth + 1, &mut |_, _, _| Ok(false)),
            t => Err(format!("unknown Thrift type {t} in a page header")),
        }
    }

    /// Skips `n` elements of a list, set or map, each of the types `tys` in turn. Inside a
    /// collection a boolean takes a byte, so every element takes at least one: a count above
    /// the bytes left is an error, not a long loop.
    fn elements(&mut self, n: u64, tys: &[u8], depth: u32) -> Result<(), String> {
        if n > (self.bytes.len() - self.pos) as u64 {
            return Err("a list in the page header is longer than the file".into());
        }
        for _ in 0..n {
            for &ty in tys {
                match ty {
                    1 | 2 => self.byte().map(drop)?,
                    ty => self.skip(ty, depth + 1)?,
                }
            }
        }
        Ok(())
    }

    /// An i32 field (as zigzag varint): a value outside i32 is an error (a reader that
    /// truncates it would see another number).
    fn int32(&mut self) -> Result<i64, String> {
        let v = self.zigzag()?;
        i32::try_from(v)
            .map(i64::from)
            .map_err(|_| format!("the page header holds {v} where a 32-bit number belongs"))
    }

    /// Reads a struct's fields, giving each (id, type) to `visit`, which reads the value and
    /// returns true, or returns false to have it skipped.
    fn fields(
        &mut self,
        depth: u32,
        visit: &mut dyn FnMut(&mut Self, i16, u8) -> Result<bool, String>,
    ) -> Result<(), String> {
        let mut id: i16 = 0;
        loop {
            let h = self.byte()?;
            let ty = h & 0x0f;
            if ty == 0 {
                return Ok(());
            }
            id = match h >> 4 {
                0 => {
                    i16::try_from(self.zigzag()?).map_err(|_| "a bad field id in a page header")?
                }
                delta => id.wrapping_add(i16::from(delta)),
            };
            if !visit(self, id, ty)? {
                self.skip(ty, depth)?;
            }
        }
    }
}

/// The sizes and counts of one page header.
#[derive(Default, Debug)]
struct PageHeader {
    /// Bytes of the page after the header.
    compressed: i64,
    uncompressed: i64,
    /// A dictionary page (its `num_values` counts dictionary entries, not values).
    dictionary: bool,
    /// `num_values` of the data or dictionary page header.
    num_values: Option<i64>,
    /// The other counts of a v2 data page header, each at most the page's `num_values`.
    counts: Vec<(&'static str, i64)>,
    /// The level byte lengths of a v2 data page header, each within the page.
    lengths: Vec<(&'static str, i64)>,
}

fn page_header(c: &mut Compact) -> Result<PageHeader, String> {
    let mut h = PageHeader::default();
    c.fields(0, &mut |c, id, ty| {
        Ok(match (id, ty) {
            (2, 5) => {
                h.uncompressed = c.int32()?;
                true
            }
            (3, 5) => {
                h.compressed = c.int32()?;
                true
            }
            // DataPageHeader (5), DictionaryPageHeader (7), DataPageHeaderV2 (8).
            (5 | 7 | 8, 12) => {
                h.dictionary = id == 7;
                c.fields(1, &mut |c, fid, fty| {
                    if fty != 5 {
                        return Ok(false);
                    }
                    match (id, fid) {
                        (_, 1) => h.num_values = Some(c.int32()?),
                        (8, 2) => h.counts.push(("num_nulls", c.int32()?)),
                        (8, 3) => h.counts.push(("num_rows", c.int32()?)),
                        (8, 5) => h
                            .lengths
                            .push(("definition_levels_byte_length", c.int32()?)),
                        (8, 6) => h
                            .lengths
                            .push(("repetition_levels_byte_length", c.int32()?)),
                        _ => return Ok(false),
                    }
                    Ok(true)
                })?;
                true
            }
            _ => false,
        })
    })?;
    Ok(h)
}

/// [`check_pages`] of a column chunk in memory (`range` of `file`).
#[cfg(test)]
pub(crate) fn check_chunk(file: &[u8], range: Range<u64>, num_values: i64) -> Result<(), String> {
    check_pages(range, file.len() as u64, num_values, &mut |r| {
        Ok(std::borrow::Cow::Borrowed(
            &file[r.start as usize..r.end as usize],
        ))
    })
}

/// Bytes read for a page header at first (more when it is longer: large statistics).
const HEADER_WINDOW: u64 = 4096;

/// Checks the page headers of one column chunk (`range` of a file of `len` bytes, read
/// through `read`), as polars reads them: pages one
/// after the other until their values add up to the chunk's `num_values`; every size and
/// count non-negative; a data page's values within what the chunk has left, its null and row
/// counts within its values, its level bytes within the page; every page inside the chunk.
/// Only each page's header is read, a window at a time, never the pages themselves — so a
/// file on disk is checked without reading it whole.
pub(crate) fn check_pages<'a>(
    range: Range<u64>,
    len: u64,
    num_values: i64,
    read: &mut dyn FnMut(Range<u64>) -> Result<std::borrow::Cow<'a, [u8]>, String>,
) -> Result<(), String> {
    let (start, end) = (range.start, range.end);
    if start > end || end > len {
        return Err(format!(
            "a column chunk (bytes {}..{}) lies outside the file of {len} bytes",
            range.start, range.end
        ));
    }
    if num_values < 0 {
        return Err(format!("a column chunk has num_values = {num_values}"));
    }
    let mut at = start;
    let mut seen = 0i64;
    while seen < num_values {
        if at >= end {
            return Err(format!(
                "the column chunk's pages hold {seen} values where it says {num_values}"
            ));
        }
        let (h, header_len) = header_at(at, end, read)?;
        let values = h.num_values.unwrap_or(0);
        let left = if h.dictionary {
            i64::MAX
        } else {
            num_values - seen
        };
        let checks = [
            ("compressed_page_size", h.compressed, i64::MAX),
            ("uncompressed_page_size", h.uncompressed, i64::MAX),
            ("num_values", values, left),
        ]
        .into_iter()
        .chain(h.counts.iter().map(|&(name, v)| (name, v, values)))
        .chain(h.lengths.iter().map(|&(name, v)| (name, v, h.compressed)));
        for (name, v, max) in checks {
            if !(0..=max).contains(&v) {
                return Err(format!(
                    "the page at byte {at} has {name} = {v} (the column chunk holds {num_values} values)"
                ));
            }
        }
        if !h.dictionary {
            seen += values;
        }
        at = (at + header_len)
            .checked_add(h.compressed as u64)
            .filter(|&next| next <= end)
            .ok_or_else(|| format!("the page at byte {at} runs past its column chunk"))?;
    }
    Ok(())
}

/// The page header at `at` (before `end`) and its length in bytes, read a window at a time:
/// a header cut short by the window is read again in a window 16 times as long, up to `end`.
fn header_at<'a>(
    at: u64,
    end: u64,
    read: &mut dyn FnMut(Range<u64>) -> Result<std::borrow::Cow<'a, [u8]>, String>,
) -> Result<(PageHeader, u64), String> {
    let mut window = HEADER_WINDOW;
    loop {
        let stop = at.saturating_add(window).min(end);
        let bytes = read(at..stop)?;
        let mut c = Compact {
            bytes: &bytes,
            pos: 0,
        };
        match page_header(&mut c) {
            Ok(h) => return Ok((h, c.pos as u64)),
            Err(_) if stop < end => window = window.saturating_mul(16),
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page header: type 0, sizes, a DataPageHeader with `num_values`.
    fn header(uncompressed: i64, compressed: i64, num_values: i64) -> Vec<u8> {
        let zz = |v: i64| {
            let mut u = ((v << 1) ^ (v >> 63)) as u64;
            let mut out = Vec::new();
            loop {
                let b = (u & 0x7f) as u8;
                u >>= 7;
                if u == 0 {
                    out.push(b);
                    return out;
                }
                out.push(b | 0x80);
            }
        };
        let mut h = vec![0x15];
        h.extend(zz(0));
        h.push(0x15);
        h.extend(zz(uncompressed));
        h.push(0x15);
        h.extend(zz(compressed));
        h.push(0x2c); // field 5 (delta 2), struct
        h.push(0x15);
        h.extend(zz(num_values));
        h.push(0x00);
        h.push(0x00);
        h
    }

    #[test]
    fn only_headers_are_read_and_a_long_header_gets_a_longer_window() {
        // Page 1: a header with a 10,000-byte field polars skips (longer than the first
        // window), then 4 bytes of data; page 2: a plain header with its data.
        let mut file = vec![0x15, 0x00, 0x15, 0x08, 0x15, 0x08];
        file.push(0x68); // field 9 (delta 6), binary
        file.extend([0x90, 0x4e]); // 10,000
        file.extend(std::iter::repeat_n(7u8, 10_000));
        file.extend([0x0c, 0x0a]); // field 5 (long form), struct
        file.extend([0x15, 0x04, 0x00, 0x00]); // num_values 2
        file.extend([1, 2, 3, 4]);
        let second = file.len() as u64;
        file.extend(header(4, 4, 1));
        file.extend([5, 6, 7, 8]);
        let n = file.len() as u64;
        let mut reads: Vec<Range<u64>> = Vec::new();
        let got = check_pages(0..n, n, 3, &mut |r| {
            reads.push(r.clone());
            Ok(std::borrow::Cow::Borrowed(
                &file[r.start as usize..r.end as usize],
            ))
        });
        assert_eq!(got, Ok(()));
        // The first window is cut short; the second holds the whole header; then page 2.
        assert_eq!(reads.len(), 3, "{reads:?}");
        assert_eq!(reads[0], 0..HEADER_WINDOW);
        assert_eq!(reads[1], 0..n);
        assert_eq!(reads[2].start, second);
        assert_eq!(check_chunk(&file, 0..n, 3), Ok(()));
        // A header cut short by the chunk's end is still an error.
        assert!(check_chunk(&file, 0..5000, 3).is_err());
    }

    #[test]
    fn a_negative_count_is_reported_and_good_pages_pass() {
        let mut file = header(4, 4, 3);
        file.extend([1, 2, 3, 4]);
        let n = file.len() as u64;
        assert_eq!(check_chunk(&file, 0..n, 3), Ok(()));
        let mut bad = header(4, 4, -320);
        bad.extend([1, 2, 3, 4]);
        let n = bad.len() as u64;
        let e = check_chunk(&bad, 0..n, 3).unwrap_err();
        assert!(e.contains("num_values = -320"), "{e}");
        let e = check_chunk(&file, 0..(n + 100), 3).unwrap_err();
        assert!(e.contains("outside the file"), "{e}");
        let mut long = header(4, 40, 3);
        long.extend([1, 2, 3, 4]);
        let n = long.len() as u64;
        assert!(check_chunk(&long, 0..n, 3)
            .unwrap_err()
            .contains("runs past"));
        // Bytes after the last page are not read (polars stops there too).
        let mut padded = file.clone();
        padded.extend([0xff; 16]);
        let n = padded.len() as u64;
        assert_eq!(check_chunk(&padded, 0..n, 3), Ok(()));
        // A dictionary may hold more entries than the chunk has values (pyarrow writes whole
        // Arrow dictionaries).
        let mut dict = vec![
            0x15, 0x04, 0x15, 0x08, 0x15, 0x08, 0x4c, 0x15, 0xd0, 0x0f, 0x00, 0x00,
        ];
        dict.extend([0; 4]);
        dict.extend(&file);
        let n = dict.len() as u64;
        assert_eq!(check_chunk(&dict, 0..n, 3), Ok(()));
        // A 32-bit field holding more than 32 bits (a truncating reader would see -320).
        let big = (1i64 << 32) - 320;
        let mut wide = header(4, 4, big);
        wide.extend([1, 2, 3, 4]);
        let n = wide.len() as u64;
        assert!(check_chunk(&wide, 0..n, 3).unwrap_err().contains("32-bit"));
        // A list of 2^62 booleans in an unknown field is an error at once, not a long loop.
        let mut list = vec![0x15, 0x00, 0x15, 0x08, 0x15, 0x08, 0x59, 0xf1];
        list.extend([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3f]);
        list.push(0x00);
        let n = list.len() as u64;
        assert!(check_chunk(&list, 0..n, 3)
            .unwrap_err()
            .contains("longer than the file"));
        // Truncated or garbage headers are errors, never panics.
        for cut in 0..file.len() {
            let _ = check_chunk(&file[..cut], 0..cut as u64, 3);
        }
        let _ = check_chunk(&[0xff; 64], 0..64, 3);
    }
}
