//! CSV records read straight into text columns, one pass over the bytes, for the records a CSV
//! file usually holds: every record with the header's number of fields, fields either plain
//! (no quote in them) or quoted (RFC 4180: `""` inside is one quote), lines ending in `\n` or
//! `\r\n`. Anything else — a record with fewer or more fields, a blank line, a quote inside a
//! plain field or text after a closing quote, an unclosed quote, bytes that are not UTF-8 — is
//! not read here: the caller hands the bytes to polars' CSV reader, whose errors and whose
//! reading of such records stay what they were. Where this reads a text, it reads it as that
//! reader does (tests compare the two on generated CSV and on any text of delimiters, quotes
//! and line ends): an empty plain field is missing, a quoted one is its text (even empty), a
//! plain field's last `\r` is not part of it.
//!
//! It exists for speed: polars' reader splits the bytes into lines again, then builds each value
//! through a general path; here a field is found by one scan and pushed into its column, and a
//! chunk is read on one thread, so the chunks of a file are read side by side.

use polars::prelude::*;
use polars_arrow::array::{MutableBinaryViewArray, View};

/// The columns `wanted` (by position; at least one) of the CSV records in `bytes`, named
/// `names`, each record having `names.len()` fields; `None` when a record is not of the kind
/// read here. The fields after the last one wanted are skipped to the line end when no quote
/// is among them (else read one by one), so a record's number of fields is checked only when
/// its last field is wanted or a quote follows (polars' reader with a projection does not
/// check it either).
pub(crate) fn plain_columns(
    bytes: &[u8],
    names: &[String],
    wanted: &[bool],
) -> Option<Vec<Column>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let b = text.as_bytes();
    let fields = names.len();
    let last_wanted = wanted.iter().rposition(|&w| w)?;
    if wanted.len() != fields {
        return None;
    }
    // Every record but the text's last ends in a line end.
    let records = memchr::memchr_iter(b'\n', b).count() + 1;
    let mut columns: Vec<Option<MutableBinaryViewArray<str>>> = wanted[..=last_wanted]
        .iter()
        .map(|&w| w.then(|| MutableBinaryViewArray::with_capacity(records)))
        .collect();
    let mut scratch = String::new();
    let mut at = 0;
    while at < b.len() {
        for (k, column) in columns.iter_mut().enumerate() {
            let (value, end) = field(text, at, &mut scratch)?;
            at = after(b, end, k + 1 == fields)?;
            if let Some(c) = column {
                match value {
                    Value::Missing => c.push_null(),
                    Value::Text(from, to) if to - from <= View::MAX_INLINE_SIZE as usize => {
                        c.push_view(inline_view(b, from, to - from), &[]);
                    }
                    Value::Text(from, to) => c.push_value(&text[from..to]),
                    Value::Unescaped => c.push_value(scratch.as_str()),
                }
            }
        }
        if last_wanted + 1 < fields {
            at = skip_fields(text, at, last_wanted + 1, fields, &mut scratch)?;
        }
    }
    Some(
        columns
            .into_iter()
            .zip(names)
            .filter_map(|(c, name)| {
                c.map(|c| StringChunked::with_chunk(name.as_str().into(), c.freeze()).into_column())
            })
            .collect(),
    )
}

/// Where the next record starts after fields `from..fields` of the record whose field `from`
/// starts at `at`: past the next line end when no quote comes before it, else after the fields
/// read one by one, as when they are wanted (`None` when they are not of the kind read here).
fn skip_fields(
    text: &str,
    at: usize,
    from: usize,
    fields: usize,
    scratch: &mut String,
) -> Option<usize> {
    let b = text.as_bytes();
    match memchr::memchr2(b'"', b'\n', &b[at..]) {
        None => Some(b.len()),
        Some(k) if b[at + k] == b'\n' => Some(at + k + 1),
        Some(_) => (from..fields).try_fold(at, |at, k| {
            let (_, end) = field(text, at, scratch)?;
            after(b, end, k + 1 == fields)
        }),
    }
}

/// A field's value: missing (an empty plain field), a range of the text, or the text in the
/// scratch buffer (a quoted field with doubled quotes).
enum Value {
    Missing,
    Text(usize, usize),
    Unescaped,
}

/// The field starting at `at` and the position just after it (at its delimiter or line end);
/// `None` for a field not read here. A plain field's last `\r` is left out.
#[inline(always)]
fn field(text: &str, at: usize, scratch: &mut String) -> Option<(Value, usize)> {
    let b = text.as_bytes();
    if b.get(at) == Some(&b'"') {
        return quoted(text, at + 1, scratch);
    }
    let end = field_end(b, at);
    if b.get(end) == Some(&b'"') {
        return None;
    }
    // polars' reader leaves out a plain field's last `\r` (the `\r` of a `\r\n` line end,
    // and any other).
    let stop = if end > at && b[end - 1] == b'\r' {
        end - 1
    } else {
        end
    };
    if stop == at {
        // An empty line is not a record of empty fields for polars' reader.
        let line_start = at == 0 || b[at - 1] == b'\n';
        if line_start && b.get(end) != Some(&b',') {
            return None;
        }
        return Some((Value::Missing, end));
    }
    Some((Value::Text(at, stop), end))
}

/// `0x01` in every byte of a word.
const ONES: u64 = 0x0101_0101_0101_0101;

/// The bytes of `word` equal to `c`: the high bit of the lowest such byte is set, and no bit
/// below it (bytes above may be marked wrongly, which the lowest match does not depend on).
#[inline]
fn bytes_equal(word: u64, c: u8) -> u64 {
    let x = word ^ (ONES * u64::from(c));
    x.wrapping_sub(ONES) & !x & (ONES << 7)
}

/// The first position from `at` of a delimiter, line end or quote (the end of `b` if none),
/// eight bytes at a time.
#[inline]
fn field_end(b: &[u8], mut at: usize) -> usize {
    while let Some(w) = b.get(at..at + 8) {
        let word = u64::from_le_bytes(w.try_into().unwrap_or_default());
        let stops = bytes_equal(word, b',') | bytes_equal(word, b'\n') | bytes_equal(word, b'"');
        if stops != 0 {
            return at + (stops.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    at + b[at..]
        .iter()
        .position(|c| matches!(c, b',' | b'\n' | b'"'))
        .unwrap_or(b.len() - at)
}

/// The view of a text of at most [`View::MAX_INLINE_SIZE`] bytes at `from` in `b`: its length,
/// then its bytes, zero padded (read as one 16-byte word when the text has room after it).
#[inline]
fn inline_view(b: &[u8], from: usize, len: usize) -> View {
    let word = match b.get(from..from + 16) {
        Some(w) => u128::from_le_bytes(w.try_into().unwrap_or_default()),
        None => {
            let mut w = [0u8; 16];
            w[..len].copy_from_slice(&b[from..from + len]);
            u128::from_le_bytes(w)
        }
    };
    View::from(((word & INLINE_MASKS[len]) << 32) | len as u128)
}

/// The mask of the first `len` bytes of a 16-byte word, for each `len` a view can inline (a
/// load, where the shift of a 128-bit word by a variable count took ~10 instructions).
const INLINE_MASKS: [u128; View::MAX_INLINE_SIZE as usize + 1] = {
    let mut masks = [0u128; View::MAX_INLINE_SIZE as usize + 1];
    let mut len = 1;
    while len < masks.len() {
        masks[len] = u128::MAX >> (128 - 8 * len);
        len += 1;
    }
    masks
};

/// A quoted field whose text starts at `from` (after the opening quote): its value and the
/// position just after its closing quote.
#[inline(never)]
fn quoted(text: &str, from: usize, scratch: &mut String) -> Option<(Value, usize)> {
    let b = text.as_bytes();
    let mut close = from + memchr::memchr(b'"', &b[from..])?;
    if b.get(close + 1) != Some(&b'"') {
        return Some((Value::Text(from, close), close + 1));
    }
    // Doubled quotes: the text without the second of each pair.
    scratch.clear();
    let mut piece = from;
    loop {
        if b.get(close + 1) == Some(&b'"') {
            scratch.push_str(&text[piece..=close]);
            piece = close + 2;
            close = piece + memchr::memchr(b'"', &b[piece..])?;
        } else {
            scratch.push_str(&text[piece..close]);
            return Some((Value::Unescaped, close + 1));
        }
    }
}

/// Where the next field starts after a field ending at `end`: past its delimiter, or past the
/// line end (`\r\n` or `\n`, or the end of the text) for the record's `last` field; `None` when
/// the record has more or fewer fields, or text follows a closing quote.
#[inline(always)]
fn after(b: &[u8], end: usize, last: bool) -> Option<usize> {
    match (b.get(end), last) {
        (Some(b','), false) => Some(end + 1),
        (Some(b'\n'), true) => Some(end + 1),
        (Some(b'\r'), true) if b.get(end + 1) == Some(&b'\n') => Some(end + 2),
        (None, true) => Some(end),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What polars' CSV reader makes of `bytes` (every column text, no header).
    fn polars_reads(bytes: &[u8], names: &[String], wanted: &[bool]) -> PolarsResult<DataFrame> {
        let schema: Schema = names
            .iter()
            .map(|n| Field::new(n.as_str().into(), DataType::String))
            .collect();
        let columns: Arc<[PlSmallStr]> = names
            .iter()
            .zip(wanted)
            .filter(|(_, w)| **w)
            .map(|(n, _)| PlSmallStr::from(n.as_str()))
            .collect();
        CsvReadOptions::default()
            .with_has_header(false)
            .with_schema(Some(Arc::new(schema)))
            .with_columns(Some(columns))
            .into_reader_with_file_handle(std::io::Cursor::new(bytes))
            .finish()
    }

    /// The first row where two frames of text columns differ, for a failure's message.
    fn first_difference(a: &DataFrame, b: &DataFrame) -> String {
        let rows = |df: &DataFrame| -> Vec<Vec<Option<String>>> {
            (0..df.height())
                .map(|i| {
                    df.columns()
                        .iter()
                        .map(|c| c.str().unwrap().get(i).map(str::to_string))
                        .collect()
                })
                .collect()
        };
        let (ra, rb) = (rows(a), rows(b));
        match ra.iter().zip(&rb).position(|(x, y)| x != y) {
            Some(i) => format!("row {i}: ours {:?}, polars {:?}", ra[i], rb[i]),
            None => format!("rows: ours {}, polars {}", ra.len(), rb.len()),
        }
    }

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|k| format!("c{k}")).collect()
    }

    fn read(text: &str, n: usize) -> Option<DataFrame> {
        let wanted = vec![true; n];
        plain_columns(text.as_bytes(), &names(n), &wanted)
            .map(|cols| DataFrame::new(cols.first().map_or(0, |c| c.len()), cols).unwrap())
    }

    /// A field as written: plain (possibly empty, spaces, a `\r` inside), or quoted with
    /// delimiters, line ends and doubled quotes inside (possibly empty).
    fn field_text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9 ._é\\-]{0,14}",
            "[a-z]{1,3}\r[a-z]{0,3}",
            "[a-z,\n\r é]{0,16}".prop_map(|s| format!("\"{s}\"")),
            "[a-z\"]{0,10}".prop_map(|s| format!("\"{}\"", s.replace('"', "\"\""))),
        ]
    }

    /// The fields per record and a CSV text; whether it has a blank line (an empty field alone).
    fn csv_text() -> impl Strategy<Value = (usize, String, bool)> {
        (1usize..5, 1usize..30, any::<bool>(), any::<bool>()).prop_flat_map(
            |(n, rows, crlf, final_end)| {
                proptest::collection::vec(proptest::collection::vec(field_text(), n), rows)
                    .prop_map(move |records| {
                        let end = if crlf { "\r\n" } else { "\n" };
                        let lines: Vec<String> = records.iter().map(|r| r.join(",")).collect();
                        let mut text = lines.join(end);
                        if final_end {
                            text.push_str(end);
                        }
                        // (A last empty record without a line end is no text at all.)
                        let ended = |i: usize| final_end || i + 1 < records.len();
                        let blank = n == 1
                            && (0..records.len()).any(|i| records[i][0].is_empty() && ended(i));
                        (n, text, blank)
                    })
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        /// Every such CSV is read here, and as polars' reader reads it (all columns, and one).
        #[test]
        fn plain_records_read_as_polars_reads_them((n, text, blank) in csv_text(), pick in 0usize..4) {
            let names = names(n);
            if text.is_empty() {
                // (One empty field and no line end: no text, which no chunk is.)
                return Ok(());
            }
            // A single field that is empty makes a blank line: not read here (see below).
            let ours = read(&text, n);
            if blank {
                prop_assert!(ours.is_none());
                return Ok(());
            }
            let ours = ours.expect("a plain CSV is read here");
            let want = polars_reads(text.as_bytes(), &names, &vec![true; n]).unwrap();
            prop_assert!(ours.equals_missing(&want), "{text:?}\n{}", first_difference(&ours, &want));
            let mut one = vec![false; n];
            one[pick % n] = true;
            let cols = plain_columns(text.as_bytes(), &names, &one).unwrap();
            let want = polars_reads(text.as_bytes(), &names, &one).unwrap();
            let ours = DataFrame::new(want.height(), cols).unwrap();
            prop_assert!(ours.equals_missing(&want), "{text:?} column {pick}");
        }
    }

    proptest! {
        /// The word-at-a-time scan finds what a byte-by-byte one finds, and a short text's view
        /// is polars' inline view of it, wherever they are in the bytes.
        #[test]
        fn field_ends_and_views_as_byte_by_byte(
            b in proptest::collection::vec(prop_oneof![Just(b','), Just(b'\n'), Just(b'"'), any::<u8>()], 0..40),
            at in 0usize..40,
            len in 0usize..=12,
        ) {
            let at = at.min(b.len());
            let naive = (at..b.len()).find(|&i| matches!(b[i], b',' | b'\n' | b'"')).unwrap_or(b.len());
            prop_assert_eq!(field_end(&b, at), naive);
            if at + len <= b.len() {
                prop_assert_eq!(inline_view(&b, at, len), View::new_inline(&b[at..at + len]));
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Any text of delimiters, quotes, line ends and letters: never a panic; whatever is
        /// read here with every column is what polars' reader reads, and the first column read
        /// alone (the rest of each record skipped) is that reading's first column.
        #[test]
        fn what_is_read_here_polars_reads_alike(text in "[a,\"\n\r ]{1,40}", n in 1usize..4) {
            let names = names(n);
            let full = polars_reads(text.as_bytes(), &names, &vec![true; n]);
            if let Some(cols) = plain_columns(text.as_bytes(), &names, &vec![true; n]) {
                prop_assert!(full.is_ok(), "{text:?}: polars fails: {full:?}");
                let ours = DataFrame::new(cols[0].len(), cols).unwrap();
                let want = full.as_ref().unwrap();
                prop_assert!(ours.equals_missing(want), "{text:?}\n{}", first_difference(&ours, want));
            }
            let mut first = vec![false; n];
            first[0] = true;
            if let (Ok(full), Some(cols)) = (&full, plain_columns(text.as_bytes(), &names, &first)) {
                let want = full.columns()[0].clone();
                prop_assert!(cols[0].equals_missing(&want), "{text:?}: {:?} {want:?}", cols[0]);
            }
        }
    }

    #[test]
    fn what_is_not_plain_is_left_to_polars() {
        for text in [
            "a,b\nc\n",       // fewer fields
            "a,b\nc,d,e\n",   // more fields
            "a,b\n\nc,d\n",   // a blank line
            "a,b\n\r\nc,d\n", // a blank CRLF line
            "a,x\"y\n",       // a quote inside a plain field
            "\"a\"b,c\n",     // text after a closing quote
            "\"a,b\n",        // an unclosed quote
            "a,\"b\"\"\n",    // an unclosed quote after a doubled one
        ] {
            assert!(read(text, 2).is_none(), "{text:?}");
        }
        assert!(plain_columns(b"a,\xff\n", &names(2), &[true, true]).is_none());
    }

    #[test]
    fn a_record_is_read_up_to_its_last_wanted_field() {
        // The rest of a record is skipped to its line end when no quote is in it, else read
        // field by field (a quoted line end does not end the record); the four fields of the
        // last record are not checked.
        let text = "a,b,c\nd,\"e\n\",f\nh,i,\"j\"\"\n\"\nk,l,m,n\n";
        let names = names(3);
        for wanted in [
            [true, false, false],
            [false, true, false],
            [true, true, false],
        ] {
            let cols = plain_columns(text.as_bytes(), &names, &wanted).expect("read here");
            let want = polars_reads(text.as_bytes(), &names, &wanted).unwrap();
            let ours = DataFrame::new(4, cols).unwrap();
            assert!(ours.equals_missing(&want), "{wanted:?}: {ours:?} {want:?}");
        }
        // The record with four fields is not read when the last field is wanted.
        assert!(plain_columns(text.as_bytes(), &names, &[false, false, true]).is_none());
    }

    #[test]
    fn values_as_read() {
        let df = read("x,\"\"\n,\"q\"\"r\"\"\"\r\n\" s \",t\r", 2).unwrap();
        // (polars' reader: the same.)
        let col = |k: usize| -> Vec<Option<String>> {
            df.columns()[k]
                .str()
                .unwrap()
                .iter()
                .map(|v| v.map(str::to_string))
                .collect()
        };
        let s = |v: &str| Some(v.to_string());
        assert_eq!(col(0), vec![s("x"), None, s(" s ")]);
        assert_eq!(col(1), vec![s(""), s("q\"r\""), s("t")]);
    }
}
