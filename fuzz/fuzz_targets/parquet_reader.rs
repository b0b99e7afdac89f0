//! Arbitrary bytes as a Parquet inventory: inputs that do not start with the Parquet magic
//! get it, so the Parquet reader sees every input (seed the corpus with real files, e.g.
//! fixtures/inventory.parquet).
#![no_main]
mod common;
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"PAR1") {
        common::read_and_process("fuzz.parquet", data);
    } else {
        let mut v = b"PAR1".to_vec();
        v.extend_from_slice(data);
        common::read_and_process("fuzz.parquet", &v);
    }
});
