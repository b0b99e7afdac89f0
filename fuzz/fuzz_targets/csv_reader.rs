//! Arbitrary bytes as a CSV inventory (gzip and Parquet are recognised by content, so those
//! paths are reached too).
#![no_main]
mod common;
libfuzzer_sys::fuzz_target!(|data: &[u8]| common::read_and_process("fuzz.csv", data));
