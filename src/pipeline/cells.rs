//! The cells of a block of rows: every input column read sequentially once (cheaper than
//! random access), then each row's cells trimmed and, for number columns, parsed once.

use super::columns::{is_number, Col, Columns};
use crate::contract::input::{self as I, COUNT};
use crate::contract::Column;

/// The input columns of a block of rows.
pub(crate) struct Block<'a> {
    /// Per column: the values as read (`None` for null), for text and text-number columns.
    text: Vec<Vec<Option<&'a str>>>,
    /// Per column: numbers of numeric (Parquet) columns.
    num: Vec<Vec<Option<f64>>>,
    /// Whether column `idx` is numeric.
    numeric: [bool; COUNT],
}

impl<'a> Block<'a> {
    /// Reads rows `range` of `cols`.
    pub(crate) fn read(cols: &'a Columns, range: std::ops::Range<usize>) -> Block<'a> {
        let len = range.len();
        let mut text = Vec::with_capacity(COUNT);
        let mut num = Vec::with_capacity(COUNT);
        let mut numeric = [false; COUNT];
        for (idx, is_numeric) in numeric.iter_mut().enumerate() {
            match cols.at(idx) {
                col @ Col::Text(_) => {
                    let mut values = Vec::with_capacity(len);
                    col.text_values(range.clone(), &mut values);
                    text.push(values);
                    num.push(Vec::new());
                }
                col @ Col::Num(_) => {
                    *is_numeric = true;
                    let mut values = Vec::with_capacity(len);
                    col.num_values(range.clone(), &mut values);
                    num.push(values);
                    text.push(Vec::new());
                }
                Col::Missing => {
                    text.push(Vec::new());
                    num.push(Vec::new());
                }
            }
        }
        Block { text, num, numeric }
    }
}

/// One row's cells, each read from its column once.
pub(crate) struct Cells<'a> {
    /// Trimmed text, `None` when empty (numbers from numeric columns have no text).
    text: [Option<&'a str>; COUNT],
    /// Parsed numbers of number columns; `Err(())` when the text is not a number.
    pub(super) num: [Result<Option<f64>, ()>; COUNT],
    /// facility_id and equipment_id verbatim (`None` when blank).
    pub(super) ids: [Option<&'a str>; 2],
}

impl<'a> Cells<'a> {
    /// Row `k` of `block`.
    pub(crate) fn read(block: &Block<'a>, k: usize) -> Cells<'a> {
        let mut text = [None; COUNT];
        let mut num = [Ok(None); COUNT];
        for (idx, column) in I::ALL.iter().enumerate() {
            if block.numeric[idx] {
                num[idx] = Ok(block.num[idx][k]);
                continue;
            }
            let t = block.text[idx]
                .get(k)
                .copied()
                .flatten()
                .map(trim)
                .filter(|s| !s.is_empty());
            text[idx] = t;
            if is_number(column) {
                num[idx] = match t {
                    None => Ok(None),
                    Some(s) => s.parse::<f64>().map(Some).map_err(|_| ()),
                };
            }
        }
        let verbatim = |c: &Column| {
            block.text[c.position]
                .get(k)
                .copied()
                .flatten()
                .filter(|s| !trim(s).is_empty())
        };
        Cells {
            text,
            num,
            ids: [verbatim(&I::FACILITY_ID), verbatim(&I::EQUIPMENT_ID)],
        }
    }

    /// The trimmed text of column `c` (`None` when empty or numeric).
    pub(super) fn text(&self, c: &Column) -> Option<&'a str> {
        self.text[c.position]
    }

    /// The number of a number column: `Err(raw text)` when it is not a number.
    pub(super) fn number(&self, c: &Column) -> Result<Option<f64>, String> {
        match self.num[c.position] {
            Ok(v) => Ok(v),
            Err(()) => Err(self.text[c.position].unwrap_or_default().to_string()),
        }
    }

    /// Whether column `c` holds a value (a number, or text that is not a number).
    pub(super) fn given(&self, c: &Column) -> bool {
        !matches!(self.num[c.position], Ok(None)) || self.text[c.position].is_some()
    }

    /// The cell as written (numbers from numeric columns formatted).
    pub(super) fn display(&self, c: &Column) -> Option<String> {
        match (self.text[c.position], self.num[c.position]) {
            (Some(t), _) => Some(t.to_string()),
            (None, Ok(Some(v))) => Some(v.to_string()),
            _ => None,
        }
    }
}

/// `str::trim`, with a shortcut for the usual cell that starts and ends with a printable ASCII
/// character (no whitespace, Unicode or not, to remove).
#[inline]
pub(super) fn trim(s: &str) -> &str {
    let printable = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b < 0x7f);
    let b = s.as_bytes();
    if printable(b.first()) && printable(b.last()) {
        s
    } else {
        s.trim()
    }
}

/// ASCII lower case into `buf` when it fits (enum values do), else an allocated copy.
pub(super) fn lower<'b>(t: &str, buf: &'b mut [u8; 32]) -> std::borrow::Cow<'b, str> {
    if t.len() <= buf.len() && t.is_ascii() {
        let out = &mut buf[..t.len()];
        out.copy_from_slice(t.as_bytes());
        out.make_ascii_lowercase();
        std::borrow::Cow::Borrowed(std::str::from_utf8(out).unwrap_or_default())
    } else {
        std::borrow::Cow::Owned(t.to_ascii_lowercase())
    }
}
