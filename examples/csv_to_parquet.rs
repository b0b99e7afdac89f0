//! Converts an inventory CSV to Parquet the way a real export would type it: ids and other
//! text stay text; a numeric column becomes Float64 when every cell is a number (NaN and inf
//! included) and stays text otherwise. Used to make `fixtures/inventory.parquet`:
//!
//! ```text
//! cargo run --example csv_to_parquet -- fixtures/inventory.csv fixtures/inventory.parquet
//! ```

use polars::prelude::*;
use voltmetrics::contract::input;
use voltmetrics::io::read::read_inputs;
use voltmetrics::io::write::{write_file_atomic, Format, RunMetadata};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        anyhow::bail!("usage: csv_to_parquet IN.csv OUT.parquet");
    };
    let mut df = read_inputs(std::slice::from_ref(input), &Default::default())?.frame;
    for c in input::ALL {
        let name = c.name;
        if !c.ty.is_numeric() || df.column(name).is_err() {
            continue;
        }
        let col = df.column(name)?.clone();
        if let Ok(typed) = col.strict_cast(&DataType::Float64) {
            df.replace(name, typed.take_materialized_series().into())?;
        }
    }
    write_file_atomic(
        output,
        &mut df,
        Format::Parquet,
        &RunMetadata { pairs: vec![] },
    )?;
    Ok(())
}
