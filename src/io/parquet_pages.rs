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
                for _ in 0..n {
                    self.skip(h & 0x0f, depth + 1)?;
                }
                Ok(())
            }
            11 => {
                let n = self.varint()?;
                if n > 0 {
                    let kv = self.byte()?;
                    for _ in 0..n {
                        self.skip(kv >> 4, depth + 1)?;
                        self.skip(kv & 0x0f, depth + 1)?;
                    }
                }
                Ok(())
            }
            12 => self.fields(depth + 1, &mut |_, _, _| Ok(false)),
            t => Err(format!("unknown Thrift type {t} in a page header")),
        }
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
    /// `(field, value)` of every count of the data, dictionary or v2 header.
    counts: Vec<(&'static str, i64)>,
}

fn page_header(c: &mut Compact) -> Result<PageHeader, String> {
    let mut h = PageHeader::default();
    c.fields(0, &mut |c, id, ty| {
        Ok(match (id, ty) {
            (2, 5) => {
                h.uncompressed = c.zigzag()?;
                true
            }
            (3, 5) => {
                h.compressed = c.zigzag()?;
                true
            }
            // DataPageHeader, DictionaryPageHeader, DataPageHeaderV2: their i32 counts.
            (5 | 7 | 8, 12) => {
                let names: &[(i16, &'static str)] = match id {
                    5 | 7 => &[(1, "num_values")],
                    _ => &[
                        (1, "num_values"),
                        (2, "num_nulls"),
                        (3, "num_rows"),
                        (5, "definition_levels_byte_length"),
                        (6, "repetition_levels_byte_length"),
                    ],
                };
                c.fields(
                    1,
                    &mut |c, fid, fty| match names.iter().find(|(n, _)| *n == fid) {
                        Some((_, name)) if fty == 5 => {
                            h.counts.push((name, c.zigzag()?));
                            Ok(true)
                        }
                        _ => Ok(false),
                    },
                )?;
                true
            }
            _ => false,
        })
    })?;
    Ok(h)
}

/// Checks the page headers of one column chunk (`range` of `file`): every size and count
/// non-negative, no count above the chunk's `num_values`, every page inside the chunk.
pub(crate) fn check_chunk(file: &[u8], range: Range<u64>, num_values: i64) -> Result<(), String> {
    let (start, end) = (
        usize::try_from(range.start).unwrap_or(usize::MAX),
        usize::try_from(range.end).unwrap_or(usize::MAX),
    );
    if start > end || end > file.len() || num_values < 0 {
        return Err(format!(
            "a column chunk (bytes {}..{}, {num_values} values) lies outside the file of {} bytes",
            range.start,
            range.end,
            file.len()
        ));
    }
    let mut c = Compact {
        bytes: &file[..end],
        pos: start,
    };
    while c.pos < end {
        let at = c.pos;
        let h = page_header(&mut c)?;
        let sizes = [
            ("compressed_page_size", h.compressed, i64::MAX),
            ("uncompressed_page_size", h.uncompressed, i64::MAX),
        ];
        // Level byte lengths lie within the page; counts within the chunk.
        let counts = h.counts.iter().map(|&(name, v)| {
            let max = if name.ends_with("byte_length") {
                h.compressed
            } else {
                num_values
            };
            (name, v, max)
        });
        for (name, v, max) in sizes.into_iter().chain(counts) {
            if !(0..=max).contains(&v) {
                return Err(format!(
                    "the page at byte {at} has {name} = {v} (the column chunk holds {num_values} values)"
                ));
            }
        }
        c.skip_bytes(h.compressed as u64)
            .map_err(|_| format!("the page at byte {at} runs past its column chunk"))?;
    }
    Ok(())
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
        // Truncated or garbage headers are errors, never panics.
        for cut in 0..file.len() {
            let _ = check_chunk(&file[..cut], 0..cut as u64, 3);
        }
        let _ = check_chunk(&[0xff; 64], 0..64, 3);
    }
}
