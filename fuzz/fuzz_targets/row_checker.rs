//! Arbitrary cell strings in every input column of the contract, written as a well-formed CSV:
//! the row checker must give one result row per input row, whatever the cells hold.
#![no_main]
mod common;
use voltmetrics::contract::input;

libfuzzer_sys::fuzz_target!(|rows: Vec<Vec<String>>| {
    let mut text = String::new();
    let header: Vec<&str> = input::names().collect();
    text.push_str(&header.join(","));
    text.push('\n');
    let mut n = 0;
    for row in rows.iter().take(256) {
        let cells: Vec<String> = (0..header.len())
            .map(|k| {
                let c = row.get(k).map(String::as_str).unwrap_or("");
                format!("\"{}\"", c.replace('"', "\"\""))
            })
            .collect();
        text.push_str(&cells.join(","));
        text.push('\n');
        n += 1;
    }
    let inv = voltmetrics::io::read::read_bytes("cells.csv", text.as_bytes())
        .expect("a well-formed CSV of the contract's columns reads");
    assert_eq!(inv.frame.height(), n, "every record is a row");
    common::read_and_process("cells.csv", text.as_bytes());
});
