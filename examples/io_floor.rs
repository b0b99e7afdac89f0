//! The I/O floor for the run benchmark: a bare polars read of an inventory and a rewrite of
//! it as Parquet, nothing else. `voltmetrics run` cannot be faster than this on the same file.
//!
//! ```text
//! cargo run --release --example io_floor -- inventory.parquet rewritten.parquet
//! ```

use polars::prelude::*;
use std::fs::File;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        anyhow::bail!("usage: io_floor IN.(parquet|csv) OUT.parquet");
    };
    let mut df = if input.ends_with(".csv") {
        CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(Some(0))
            .try_into_reader_with_file_path(Some(input.into()))?
            .finish()?
    } else {
        ParquetReader::new(File::open(input)?).finish()?
    };
    ParquetWriter::new(File::create(output)?).finish(&mut df)?;
    eprintln!("io_floor: {} rows x {} columns", df.height(), df.width());
    Ok(())
}
