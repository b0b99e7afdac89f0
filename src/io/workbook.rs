//! Workbook inventories (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`), read with calamine and
//! handed on as CSV text, so they are checked exactly as CSV files are.
//!
//! - The sheet: the first, or `--sheet NAME|INDEX` (a name, or a 1-based number).
//! - The header is the first row with a value; every later row with a value is a data row (rows
//!   with no value at all — trailing ones, or blank lines between blocks — are not rows).
//! - Cells: text as written; numbers in their shortest exact form (`480`, `42.5`); dates and
//!   date-times typed as Excel dates become `YYYY-MM-DD` (`YYYY-MM-DDTHH:MM:SS` with a time);
//!   formulas give their cached value; error cells their code (`#DIV/0!`), which the checks
//!   then reject with the cell's address.
//! - Every data row remembers its sheet row and every column its sheet column, so a problem is
//!   reported at its cell: `Sheet1!D17`.

use anyhow::{bail, Context, Result};
use calamine::{open_workbook_auto_from_rs, Data, Reader};

/// Where a workbook's rows and columns are in its sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetMap {
    /// The sheet's name.
    pub sheet: String,
    /// The header cells as written, by data column.
    pub names: Vec<String>,
    /// The sheet column (0-based) of each data column.
    pub columns: Vec<u32>,
    /// The sheet row (0-based) of each data row.
    pub rows: Vec<u32>,
}

impl SheetMap {
    /// The address of data row `row` (0-based) in the column named `column` (compared
    /// without case and surrounding spaces): `Sheet1!D17`; the row alone (`Sheet1!17`) when the
    /// column is not in the sheet.
    pub fn cell(&self, row: usize, column: &str) -> String {
        let r = self.rows.get(row).map_or(0, |r| r + 1);
        let at = self
            .names
            .iter()
            .position(|n| n.trim().eq_ignore_ascii_case(column.trim()));
        match at {
            Some(k) => format!("{}!{}{r}", self.sheet, letters(self.columns[k])),
            None => format!("{}!{r}", self.sheet),
        }
    }
}

/// Column letters of a 0-based column: 0 → A, 25 → Z, 26 → AA.
fn letters(mut c: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Whether `head` starts a workbook: a zip archive (xlsx, xlsm, xlsb, ods) or an OLE compound
/// file (xls).
pub fn is_workbook(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// One cell as CSV text.
fn text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(t) => {
            let (y, mo, d, h, mi, s, _) = t.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
            }
        }
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// The sheet `sheet` selects among `names`.
fn pick(path: &str, names: &[String], sheet: Option<&str>) -> Result<String> {
    let Some(want) = sheet else {
        return names
            .first()
            .cloned()
            .with_context(|| format!("{path}: the workbook has no sheet"));
    };
    if let Some(n) = names.iter().find(|n| n.as_str() == want) {
        return Ok(n.clone());
    }
    match want.trim().parse::<usize>() {
        Ok(k) if (1..=names.len()).contains(&k) => Ok(names[k - 1].clone()),
        _ => bail!(
            "{path}: no sheet '{want}' (--sheet takes a name or a number from 1); its sheets are {}",
            names.join(", ")
        ),
    }
}

/// The sheet of workbook `bytes` as CSV text (header row first) and where its cells are.
pub fn to_csv(path: &str, bytes: Vec<u8>, sheet: Option<&str>) -> Result<(Vec<u8>, SheetMap)> {
    let mut book = open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| anyhow::anyhow!("{path}: not a readable workbook: {e}"))?;
    let name = pick(path, &book.sheet_names(), sheet)?;
    let range = book
        .worksheet_range(&name)
        .map_err(|e| anyhow::anyhow!("{path}: sheet '{name}' cannot be read: {e}"))?;
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut rows = range
        .rows()
        .enumerate()
        .filter(|(_, r)| r.iter().any(|c| !matches!(c, Data::Empty)));
    let Some((_, header)) = rows.next() else {
        bail!("{path}: sheet '{name}' is empty; expected a header row");
    };
    // The columns are those with a header cell (trailing columns without one are not data).
    let kept: Vec<usize> = (0..header.len())
        .filter(|&k| !matches!(header[k], Data::Empty))
        .collect();
    let mut map = SheetMap {
        sheet: name,
        names: kept.iter().map(|&k| text(&header[k])).collect(),
        columns: kept.iter().map(|&k| left + k as u32).collect(),
        rows: Vec::new(),
    };
    let mut w = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    w.write_record(&map.names)?;
    for (i, r) in rows {
        w.write_record(kept.iter().map(|&k| r.get(k).map(text).unwrap_or_default()))?;
        map.rows.push(top + i as u32);
    }
    let csv = w.into_inner().map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
    Ok((csv, map))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(letters(0), "A");
        assert_eq!(letters(3), "D");
        assert_eq!(letters(25), "Z");
        assert_eq!(letters(26), "AA");
        assert_eq!(letters(701), "ZZ");
        assert_eq!(letters(702), "AAA");
    }

    #[test]
    fn cells_are_addressed_by_sheet_row_and_column() {
        let m = SheetMap {
            sheet: "Sheet1".into(),
            names: vec!["facility_id".into(), "Bolted_Fault_Current_kA ".into()],
            columns: vec![0, 3],
            rows: vec![1, 16],
        };
        assert_eq!(m.cell(1, "bolted_fault_current_ka"), "Sheet1!D17");
        assert_eq!(m.cell(0, "facility_id"), "Sheet1!A2");
        assert_eq!(m.cell(1, "gap_mm"), "Sheet1!17");
    }
}
