//! `YYYY-MM-DD` cells read fast: a direct reader instead of chrono's format interpreter, and a
//! small per-thread memo of the texts already read (inventories repeat their dates: a study
//! date per facility, maintenance rounds), so most date cells cost a lookup.

use chrono::NaiveDate;
use std::cell::RefCell;

/// A date cell: `Ok(None)` when empty, `Err(())` when it is not a `YYYY-MM-DD` date.
pub(crate) type DateCell = Result<Option<NaiveDate>, ()>;

/// `YYYY-MM-DD`: the digits read directly, the day checked against its month's length, then
/// the date from its year and day of the year (a test checks it against chrono's
/// `from_ymd_opt`).
pub(crate) fn parse_ymd(s: &str) -> Option<NaiveDate> {
    /// Days before each month in a common year.
    const BEFORE: [u32; 13] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
    let b: &[u8; 10] = s.as_bytes().try_into().ok()?;
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digit = |i: usize| {
        let v = b[i].wrapping_sub(b'0');
        (v < 10).then_some(u32::from(v))
    };
    let year = digit(0)? * 1000 + digit(1)? * 100 + digit(2)? * 10 + digit(3)?;
    let month = (digit(5)? * 10 + digit(6)?) as usize;
    let day = digit(8)? * 10 + digit(9)?;
    if !(1..=12).contains(&month) || day == 0 {
        return None;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let length = BEFORE[month] - BEFORE[month - 1] + u32::from(leap && month == 2);
    if day > length {
        return None;
    }
    let ordinal = BEFORE[month - 1] + day + u32::from(leap && month > 2);
    NaiveDate::from_yo_opt(year as i32, ordinal)
}

/// Slots of the memo (a power of two).
const SLOTS: usize = 4096;

/// A direct-mapped memo from 10-byte texts to what [`parse_ymd`] gives for them.
struct Memo {
    /// The text of each slot (its 10 bytes, zero-padded), with what it reads as.
    slots: Vec<Option<(u128, Option<NaiveDate>)>>,
}

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo { slots: vec![None; SLOTS] });
}

/// The date cells of trimmed texts (`None`: empty), appended to `out`.
pub(crate) fn read_dates(texts: &[Option<&str>], out: &mut Vec<DateCell>) {
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        out.extend(texts.iter().map(|t| match t {
            None => Ok(None),
            Some(s) => memo.read(s).map(Some).ok_or(()),
        }));
    });
}

impl Memo {
    /// [`parse_ymd`] of `s`, remembered when `s` has the length of a date.
    #[inline]
    fn read(&mut self, s: &str) -> Option<NaiveDate> {
        let Ok(b) = <&[u8; 10]>::try_from(s.as_bytes()) else {
            return parse_ymd(s);
        };
        let mut k = [0u8; 16];
        k[..10].copy_from_slice(b);
        let key = u128::from_le_bytes(k);
        let mixed = (key as u64 ^ (key >> 64) as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let slot = (mixed >> (64 - SLOTS.trailing_zeros())) as usize;
        match self.slots[slot] {
            Some((k, date)) if k == key => date,
            _ => {
                let date = parse_ymd(s);
                self.slots[slot] = Some((key, date));
                date
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The oracle: chrono reading the same digits.
    fn chrono_ymd(s: &str) -> Option<NaiveDate> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            b[r].iter().try_fold(0u32, |acc, &d| {
                d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
            })
        };
        NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
    }

    #[test]
    fn dates_at_the_edges_of_months_and_years() {
        for s in [
            "2024-02-29",
            "2023-02-29",
            "1900-02-29",
            "2000-02-29",
            "0000-02-29",
            "9999-12-31",
            "2026-04-31",
            "2026-00-10",
            "2026-13-01",
            "2026-01-00",
            "2026-1-010",
            "2026/01/01",
            "+026-01-01",
            "2026-01-3a",
            "２０２６-01-01",
        ] {
            assert_eq!(parse_ymd(s), chrono_ymd(s), "{s}");
        }
        assert_eq!(parse_ymd("2024-03-01"), NaiveDate::from_ymd_opt(2024, 3, 1));
    }

    #[test]
    fn remembered_dates_are_the_dates_read() {
        let texts = ["2024-02-29", "2023-02-29", "2024-02-29", "2024-1-01", "x"];
        let cells: Vec<Option<&str>> = texts.iter().map(|t| Some(*t)).chain([None]).collect();
        // Twice: the second time every date comes from the memo.
        for _ in 0..2 {
            let mut out = Vec::new();
            read_dates(&cells, &mut out);
            let want: Vec<DateCell> = texts
                .iter()
                .map(|t| chrono_ymd(t).map(Some).ok_or(()))
                .chain([Ok(None)])
                .collect();
            assert_eq!(out, want);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]

        #[test]
        fn agrees_with_chrono(y in 0u32..10000, m in 0u32..14, d in 0u32..33) {
            let s = format!("{y:04}-{m:02}-{d:02}");
            prop_assert_eq!(parse_ymd(&s), chrono_ymd(&s), "{}", s);
        }

        #[test]
        fn agrees_with_chrono_on_any_ten_bytes(s in "[0-9/ +-]{10}") {
            prop_assert_eq!(parse_ymd(&s), chrono_ymd(&s), "{}", s);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// Many texts through the memo (so slots are shared and replaced) read as chrono reads.
        #[test]
        fn the_memo_reads_as_chrono(
            texts in proptest::collection::vec("[0-9]{4}-[01][0-9]-[0-3][0-9]", 1..3000),
        ) {
            let cells: Vec<Option<&str>> = texts.iter().map(|t| Some(t.as_str())).collect();
            let mut out = Vec::new();
            read_dates(&cells, &mut out);
            for (t, got) in texts.iter().zip(out) {
                prop_assert_eq!(got, chrono_ymd(t).map(Some).ok_or(()), "{}", t);
            }
        }
    }
}
