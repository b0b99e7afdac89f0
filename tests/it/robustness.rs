//! Arbitrary bytes and arbitrary cell strings through the reader and the row checker (the
//! stable-toolchain companion of the cargo-fuzz targets in `fuzz/`): never a panic, and every
//! input row comes back as exactly one output row.

use proptest::prelude::*;
use voltmetrics::contract::input;
use voltmetrics::io::read::read_bytes;
use voltmetrics::pipeline::process;
use voltmetrics::pipeline::rows::RowOptions;

/// The run's defaults with the fixture's device library (ids CB-MCC1, F-100A, … appear among
/// the cells).
fn opts() -> RowOptions {
    let toml = include_str!("../../fixtures/devices.toml");
    RowOptions {
        devices: Some(std::sync::Arc::new(
            voltmetrics::core::protection::Library::parse(toml).unwrap(),
        )),
        ..RowOptions::new(chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap())
    }
}

/// Reads `bytes` as a file called `name` and, when that succeeds, checks and computes every
/// row: one result row per input row, each with a status.
fn read_and_process(name: &str, bytes: &[u8]) -> Option<usize> {
    let inv = read_bytes(name, bytes).ok()?;
    let rows = inv.frame.height();
    let out = process(&inv, &opts(), 2, &|_| {}).expect("a readable inventory is processed");
    assert_eq!(out.results.height(), rows);
    assert_eq!(out.counts.rows, rows);
    let status = out.results.column("status").unwrap();
    assert_eq!(status.null_count(), 0);
    Some(rows)
}

/// A CSV of the contract's input columns (and one passed-through column) holding `cells`.
fn csv_of(cells: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<&str> = input::names().collect();
    header.push("note");
    w.write_record(&header).unwrap();
    for row in cells {
        w.write_record(row).unwrap();
    }
    w.into_inner().unwrap()
}

/// A cell: mostly plausible values (numbers, enums, dates), sometimes arbitrary text.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "-?[0-9]{1,6}(\\.[0-9]{1,4})?(e-?[0-9]{1,3})?",
        prop::sample::select(vec![
            "VCB",
            "vcbb",
            "HCB",
            "VOA",
            "hoa",
            "switchgear",
            "mcc",
            "panelboard",
            "open_air",
            "other",
            "ac",
            "DC",
            "NaN",
            "inf",
            "-0",
            "1e-320",
            "1e308",
            "good",
            "3",
            "*",
            "CB-MCC1",
            "F-100A",
            "F-4000A",
            "R-MAIN-51",
        ])
        .prop_map(str::to_string),
        "(19|20)[0-9]{2}-[01][0-9]-[0-3][0-9]",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = read_and_process("fuzz.csv", &bytes);
        let mut parquet = b"PAR1".to_vec();
        parquet.extend(&bytes);
        let _ = read_and_process("fuzz.parquet", &parquet);
    }

    #[test]
    fn arbitrary_cells_come_back_row_for_row(
        cells in prop::collection::vec(prop::collection::vec(cell(), input::COUNT + 1), 0..40)
    ) {
        let bytes = csv_of(&cells);
        let rows = read_and_process("cells.csv", &bytes);
        prop_assert_eq!(rows, Some(cells.len()));
    }
}

#[test]
fn the_fixture_read_from_memory_matches_the_file() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/inventory.csv");
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(read_and_process("inventory.csv", &bytes), Some(74));
    let pq = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/inventory.parquet"
    ))
    .unwrap();
    assert_eq!(read_and_process("inventory.parquet", &pq), Some(74));
}

/// Crash inputs found by `cargo fuzz` (docs/fuzzing.md), kept as regression tests: polars'
/// decoder panics on the first ("thrift bool field") and asks for 2^61 bytes, an abort, on the
/// second (a page header with a negative `num_values`); the third decodes, in release builds,
/// to columns of different lengths (debug builds of polars panic on it instead); the fourth has
/// a date column of bytes that are not UTF-8 (run failed with a bare "invalid utf8").
#[test]
fn fuzz_crash_inputs_are_errors_naming_the_file_not_crashes() {
    voltmetrics::io::read::install_panic_hook();
    for (file, says) in [
        (
            "parquet_reader-thrift-bool.parquet",
            "the Parquet decoder failed (thrift bool field)",
        ),
        (
            "parquet_reader-negative-num-values.parquet",
            "column 'equipment_id': the page at byte 642 has num_values = -123",
        ),
        (
            "parquet_reader-column-lengths.parquet",
            "the file says 74 rows and its row groups 1354",
        ),
        (
            "parquet_reader-binary-not-utf8.parquet",
            "column 'study_date' holds bytes that are not UTF-8 text",
        ),
    ] {
        let path = format!("{}/fixtures/fuzz/{file}", env!("CARGO_MANIFEST_DIR"));
        let Err(err) = read_bytes("bad.parquet", &std::fs::read(&path).unwrap()) else {
            panic!("{file} reads");
        };
        assert!(
            err.to_string()
                .starts_with("bad.parquet: not a readable Parquet file")
                && err.to_string().contains(says),
            "{err}"
        );
        let out = crate::common::voltmetrics()
            .args(["run", &path])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{file}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(
            stderr.contains(&format!("{file}: not a readable Parquet file")),
            "{stderr}"
        );
    }
}
