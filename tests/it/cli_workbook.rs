//! Workbook inventories (issue 14): the fixture as .xlsx gives the CSV run's results byte for
//! byte; dates, formulas and trailing empty rows read as a person means them; a bad cell is
//! named by its address.

use crate::common::{fixture, parse_csv, run_ok, voltmetrics};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use std::path::Path;

/// `csv` as an .xlsx sheet: a cell whose text is a number's shortest form is written as a
/// number, every other cell as text (ids such as `0042` stay text).
fn csv_to_xlsx(csv: &Path, out: &Path) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(csv)
        .unwrap();
    for (i, rec) in r.records().enumerate() {
        for (j, cell) in rec.unwrap().iter().enumerate() {
            let (row, col) = (i as u32, j as u16);
            match cell.parse::<f64>() {
                Ok(v) if v.is_finite() && v.to_string() == cell => {
                    sheet.write_number(row, col, v).unwrap();
                }
                _ if cell.is_empty() => {}
                _ => {
                    sheet.write_string(row, col, cell).unwrap();
                }
            }
        }
    }
    book.save(out).unwrap();
}

#[test]
fn the_fixture_as_xlsx_gives_the_csv_results_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("inventory.xlsx");
    csv_to_xlsx(&fixture("inventory.csv"), &xlsx);
    let args = ["--as-of", "2026-06-30"];
    let from_csv = run_ok(&fixture("inventory.csv"), &args);
    let from_xlsx = run_ok(&xlsx, &args);
    assert_eq!(
        String::from_utf8(from_xlsx).unwrap(),
        String::from_utf8(from_csv).unwrap()
    );
    let out = voltmetrics().arg("validate").arg(&xlsx).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("74 rows in 1 file(s)"), "{text}");
}

/// A small sheet with a date cell, a formula cell with its cached value and a trailing row
/// of formatted but empty cells; row 17 holds a bad fault current in column D.
fn tricky_workbook(path: &Path) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Sites").unwrap();
    let header = [
        "facility_id",
        "equipment_id",
        "equipment_class",
        "bolted_fault_current_ka",
        "nominal_voltage_v",
        "arc_duration_ms",
        "study_date",
    ];
    for (j, h) in header.iter().enumerate() {
        sheet.write_string(0, j as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for i in 1..=16u32 {
        let bad = i == 16;
        sheet.write_string(i, 0, "F1").unwrap();
        sheet.write_string(i, 1, format!("E{i}")).unwrap();
        sheet.write_string(i, 2, "switchgear").unwrap();
        if bad {
            sheet.write_string(i, 3, "lots").unwrap();
        } else {
            sheet.write_number(i, 3, 20.0).unwrap();
        }
        sheet.write_number(i, 4, 480.0).unwrap();
        // The clearing time as a formula, with its cached value.
        sheet
            .write_formula(i, 5, Formula::new("=50*2").set_result("100"))
            .unwrap();
        let d = ExcelDateTime::from_ymd(2024, 3, 1).unwrap();
        sheet.write_datetime_with_format(i, 6, &d, &date).unwrap();
    }
    // A trailing row of formatted, empty cells.
    for j in 0..7u16 {
        sheet.write_blank(17, j, &date).unwrap();
    }
    book.save(path).unwrap();
}

#[test]
fn dates_formulas_and_trailing_rows_read_as_meant_and_a_bad_cell_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("sites.xlsx");
    tricky_workbook(&xlsx);
    let rows = parse_csv(&run_ok(&xlsx, &["--as-of", "2026-06-30"]));
    assert_eq!(rows.len(), 16, "the empty trailing row is not a row");
    assert_eq!(rows[0]["status"], "ok", "{:?}", rows[0]);
    assert_eq!(
        rows[0]["arc_duration_ms"], "100.0",
        "the formula's cached value"
    );
    assert!(
        !rows[0]["findings"].contains("STUDY_MISSING"),
        "the date cell is a date"
    );
    assert_eq!(rows[15]["status"], "invalid");
    let out = voltmetrics().arg("validate").arg(&xlsx).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("sites.xlsx:Sites!D17: bolted_fault_current_ka: 'lots'"),
        "{text}"
    );
    // --sheet by name and by number; an unknown sheet is an error naming the sheets.
    assert_eq!(parse_csv(&run_ok(&xlsx, &["--sheet", "Sites"])).len(), 16);
    assert_eq!(parse_csv(&run_ok(&xlsx, &["--sheet", "1"])).len(), 16);
    let out = voltmetrics()
        .arg("run")
        .arg(&xlsx)
        .args(["--sheet", "Nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no sheet 'Nope'") && err.contains("its sheets are Sites"),
        "{err}"
    );
}

#[test]
fn a_damaged_workbook_is_a_run_error_naming_the_file_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("inventory.xlsx");
    csv_to_xlsx(&fixture("inventory.csv"), &xlsx);
    let bytes = std::fs::read(&xlsx).unwrap();
    for cut in [4, 100, bytes.len() / 2, bytes.len() - 30] {
        let damaged = dir.path().join(format!("cut{cut}.xlsx"));
        std::fs::write(&damaged, &bytes[..cut]).unwrap();
        let out = voltmetrics().arg("run").arg(&damaged).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "cut at {cut}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("cut{cut}.xlsx: not a readable workbook")),
            "{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}
