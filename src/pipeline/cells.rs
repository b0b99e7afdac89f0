//! The cells of a block of rows, column by column: every input column read sequentially once
//! (cheaper than random access), each text cell trimmed once and each number column's text
//! parsed once; a row's [`Cells`] are then a view of one position of every column.

use super::columns::{is_number, Col, Columns, Number};
use super::dates::{read_dates, DateCell};
use super::decimal::parse_f64;
use crate::contract::input::{self as I, COUNT};
use crate::contract::{Column, Type};

/// The input columns of a block of rows (a column not in the input, or not of that kind,
/// has an empty vector: every row reads as empty).
pub(crate) struct Block<'a> {
    /// Per text column: the trimmed text, `None` when empty (numbers from numeric columns have
    /// no text).
    text: Vec<Vec<Option<&'a str>>>,
    /// Per number column: the numbers, parsed from the text or read from a numeric column.
    num: Vec<Vec<Number>>,
    /// Per date column: the dates.
    dates: Vec<Vec<DateCell>>,
    /// facility_id and equipment_id verbatim (`None` when blank).
    ids: [Vec<Option<&'a str>>; 2],
    /// Rows.
    len: usize,
}

impl<'a> Block<'a> {
    /// Reads rows `range` of `cols`.
    pub(crate) fn read(cols: &'a Columns, range: std::ops::Range<usize>) -> Block<'a> {
        let len = range.len();
        let mut text = Vec::with_capacity(COUNT);
        let mut num = Vec::with_capacity(COUNT);
        let mut dates = Vec::with_capacity(COUNT);
        let mut ids = [Vec::new(), Vec::new()];
        for (idx, column) in I::ALL.iter().enumerate() {
            let (mut t, mut n, mut d) = (Vec::new(), Vec::new(), Vec::new());
            match cols.at(idx) {
                col @ Col::Text(_) => {
                    t.reserve_exact(len);
                    col.text_values(range.clone(), &mut t);
                    if let Some(slot) = [&I::FACILITY_ID, &I::EQUIPMENT_ID]
                        .iter()
                        .position(|c| c.position == idx)
                    {
                        let blank = |s: &&str| trim(s).is_empty();
                        ids[slot] = t.iter().map(|v| v.filter(|s| !blank(s))).collect();
                    }
                    for v in &mut t {
                        *v = v.map(trim).filter(|s| !s.is_empty());
                    }
                    if column.ty == Type::Date {
                        read_dates(&t, &mut d);
                    }
                    if is_number(column) {
                        n.extend(t.iter().map(|v| match v {
                            None => Ok(None),
                            Some(s) => parse_f64(s).map(Some),
                        }));
                    }
                }
                col @ Col::Num(_) => {
                    n.reserve_exact(len);
                    col.num_values(range.clone(), &mut n);
                }
                Col::Missing => {}
            }
            text.push(t);
            num.push(n);
            dates.push(d);
        }
        Block {
            text,
            num,
            dates,
            ids,
            len,
        }
    }

    /// Rows.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The trimmed texts of column `c`, one per row (empty when the column has no text).
    pub(super) fn texts(&self, c: &Column) -> &[Option<&'a str>] {
        &self.text[c.position]
    }

    /// The numbers of column `c`, one per row (empty when the column has no numbers).
    pub(super) fn numbers(&self, c: &Column) -> &[Number] {
        &self.num[c.position]
    }
}

/// One row's cells: row `k` of a [`Block`].
#[derive(Clone, Copy)]
pub(crate) struct Cells<'b, 'a> {
    block: &'b Block<'a>,
    k: usize,
}

impl<'b, 'a> Cells<'b, 'a> {
    /// Row `k` of `block`.
    pub(crate) fn read(block: &'b Block<'a>, k: usize) -> Cells<'b, 'a> {
        Cells { block, k }
    }

    /// This row's cell of column `c` in `columns` (`empty` when the column has no cells).
    #[inline(always)]
    fn cell<T: Copy>(&self, columns: &[Vec<T>], c: &Column, empty: T) -> T {
        columns[c.position].get(self.k).copied().unwrap_or(empty)
    }

    /// The trimmed text of column `c` (`None` when empty or numeric).
    #[inline(always)]
    pub(super) fn text(&self, c: &Column) -> Option<&'a str> {
        self.cell(&self.block.text, c, None)
    }

    /// The parsed number of column `c` (`Err(())` when its text is not a number).
    #[inline(always)]
    pub(super) fn num(&self, c: &Column) -> Number {
        self.cell(&self.block.num, c, Ok(None))
    }

    /// The date of date column `c` (`Err(())` when its text is not a date).
    #[inline(always)]
    pub(super) fn date(&self, c: &Column) -> DateCell {
        self.cell(&self.block.dates, c, Ok(None))
    }

    /// facility_id (0) or equipment_id (1) verbatim (`None` when blank).
    #[inline]
    pub(super) fn id(&self, which: usize) -> Option<&'a str> {
        self.block.ids[which].get(self.k).copied().flatten()
    }

    /// The number of a number column: `Err(raw text)` when it is not a number.
    #[inline]
    pub(super) fn number(&self, c: &Column) -> Result<Option<f64>, String> {
        match self.num(c) {
            Ok(v) => Ok(v),
            Err(()) => Err(self.raw(c)),
        }
    }

    /// The text of a cell that is not a number (rare: only for its error).
    #[cold]
    fn raw(&self, c: &Column) -> String {
        self.text(c).unwrap_or_default().to_string()
    }

    /// Whether column `c` holds a value (a number, or text that is not a number).
    pub(super) fn given(&self, c: &Column) -> bool {
        !matches!(self.num(c), Ok(None)) || self.text(c).is_some()
    }

    /// The cell as written (numbers from numeric columns formatted).
    pub(super) fn display(&self, c: &Column) -> Option<String> {
        match (self.text(c), self.num(c)) {
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

/// ASCII lower case: `t` itself when it has no upper-case ASCII letter (enum values as usually
/// written), else a copy into `buf` when it fits (enum values do), else an allocated copy.
pub(super) fn lower<'b>(t: &'b str, buf: &'b mut [u8; 32]) -> std::borrow::Cow<'b, str> {
    if !t.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Borrowed(t)
    } else if t.len() <= buf.len() {
        let out = &mut buf[..t.len()];
        out.copy_from_slice(t.as_bytes());
        out.make_ascii_lowercase();
        // Lower-casing ASCII letters keeps UTF-8 valid.
        std::borrow::Cow::Borrowed(std::str::from_utf8(out).unwrap_or_default())
    } else {
        std::borrow::Cow::Owned(t.to_ascii_lowercase())
    }
}
