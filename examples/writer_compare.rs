//! Issue 12, deliverable 2: the results file written by VoltMetrics' writer (polars 0.55, as
//! `run` writes it) against the arrow-rs `parquet` writer, one thread and with the columns of
//! each row group encoded in parallel. The input is a run's own results file, read before the
//! clock starts, so only the writes are timed; every writer gets the same row groups (those of
//! the file), LZ4 (raw) and no min/max statistics. Then the same frame as CSV: our writer
//! (polars 0.55's) against the `csv` crate with typed columns, rows formatted on 2 threads.
//!
//! ```text
//! cargo run --release --example writer_compare -- results.parquet [RUNS]
//! ```

use arrow_array::RecordBatch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::arrow_writer::{compute_leaves, ArrowRowGroupWriterFactory};
use parquet::arrow::{ArrowSchemaConverter, ArrowWriter};
use parquet::basic::Compression;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::writer::SerializedFileWriter;
use std::sync::Arc;
use std::time::Instant;
use voltmetrics::io::write::{write_frame, Format, RunMetadata};

type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

fn props() -> Arc<WriterProperties> {
    Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::LZ4_RAW)
            .set_statistics_enabled(EnabledStatistics::None)
            .build(),
    )
}

/// One `ArrowWriter`, one thread.
fn arrow_single(batches: &[RecordBatch], out: &str) -> Res<()> {
    let file = std::fs::File::create(out)?;
    let mut w = ArrowWriter::try_new(file, batches[0].schema(), Some((*props()).clone()))?;
    for b in batches {
        w.write(b)?;
        w.flush()?; // one row group per batch, as the file had
    }
    w.close()?;
    Ok(())
}

/// The columns of each row group encoded on `threads` threads, appended in order.
fn arrow_parallel(batches: &[RecordBatch], out: &str, threads: usize) -> Res<()> {
    let schema = batches[0].schema();
    let props = props();
    let parquet_schema = ArrowSchemaConverter::new()
        .with_coerce_types(props.coerce_types())
        .convert(&schema)?;
    let file = std::io::BufWriter::new(std::fs::File::create(out)?);
    let mut writer = SerializedFileWriter::new(file, parquet_schema.root_schema_ptr(), props)?;
    let factory = ArrowRowGroupWriterFactory::new(&writer, Arc::clone(&schema));
    for (g, batch) in batches.iter().enumerate() {
        let writers = factory.create_column_writers(g)?;
        let mut parts: Vec<Vec<_>> = (0..threads).map(|_| Vec::new()).collect();
        for (k, (w, (field, array))) in writers
            .into_iter()
            .zip(schema.fields().iter().zip(batch.columns()))
            .enumerate()
        {
            parts[k % threads].push((k, w, field, array));
        }
        let mut chunks = std::thread::scope(|s| -> Res<Vec<_>> {
            let handles: Vec<_> = parts
                .into_iter()
                .map(|part| {
                    s.spawn(move || -> Res<Vec<_>> {
                        let mut done = Vec::with_capacity(part.len());
                        for (k, mut w, field, array) in part {
                            for leaf in compute_leaves(field, array)? {
                                w.write(&leaf)?;
                            }
                            done.push((k, w.close()?));
                        }
                        Ok(done)
                    })
                })
                .collect();
            let mut all = Vec::new();
            for h in handles {
                all.extend(h.join().map_err(|_| "an encoding thread panicked")??);
            }
            Ok(all)
        })?;
        chunks.sort_by_key(|(k, _)| *k);
        let mut rg = writer.next_row_group()?;
        for (_, chunk) in chunks {
            chunk.append_to_row_group(&mut rg)?;
        }
        rg.close()?;
    }
    writer.close()?;
    Ok(())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .ok_or("usage: writer_compare RESULTS.parquet [RUNS]")?;
    let runs: usize = args.get(2).map_or(Ok(5), |r| r.parse())?;
    let file = std::fs::File::open(path)?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)?;
    let rows_per_group = builder.metadata().row_group(0).num_rows() as usize;
    let batches: Vec<RecordBatch> = builder
        .with_batch_size(rows_per_group)
        .build()?
        .collect::<Result<_, _>>()?;
    let mut df = {
        use polars::prelude::SerReader;
        polars::prelude::ParquetReader::new(std::fs::File::open(path)?).finish()?
    };
    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    println!(
        "{rows} rows, {} columns, {} row groups of {rows_per_group}",
        df.width(),
        batches.len()
    );
    let meta = RunMetadata { pairs: Vec::new() };
    let dir = std::env::temp_dir();
    let out = |name: &str| dir.join(name).to_string_lossy().to_string();
    let mut times: Vec<(&str, Vec<f64>)> = vec![
        ("voltmetrics (polars 0.55)", vec![]),
        ("arrow-rs ArrowWriter, 1 thread", vec![]),
        ("arrow-rs, columns on 2 threads", vec![]),
        ("CSV: voltmetrics (polars 0.55)", vec![]),
        ("CSV: csv crate, rows on 2 threads", vec![]),
    ];
    for _ in 0..runs {
        let t = Instant::now();
        let mut f = std::io::BufWriter::new(std::fs::File::create(out("wc-polars.parquet"))?);
        write_frame(&mut df, Format::Parquet, &meta, &mut f).map_err(|e| e.to_string())?;
        drop(f);
        times[0].1.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        arrow_single(&batches, &out("wc-arrow1.parquet"))?;
        times[1].1.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        arrow_parallel(&batches, &out("wc-arrow2.parquet"), 2)?;
        times[2].1.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let mut f = std::io::BufWriter::new(std::fs::File::create(out("wc-polars.csv"))?);
        write_frame(&mut df, Format::Csv, &meta, &mut f).map_err(|e| e.to_string())?;
        drop(f);
        times[3].1.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        csv_crate(&df, &out("wc-csv.csv"), 2)?;
        times[4].1.push(t.elapsed().as_secs_f64());
    }
    for (name, t) in times {
        let all: Vec<String> = t.iter().map(|x| format!("{x:.3}")).collect();
        println!(
            "{name:32} median {:.3} s   ({})",
            median(t.clone()),
            all.join(" ")
        );
    }
    for name in [
        "wc-polars.parquet",
        "wc-arrow1.parquet",
        "wc-arrow2.parquet",
        "wc-polars.csv",
        "wc-csv.csv",
    ] {
        println!("{name}: {} bytes", std::fs::metadata(out(name))?.len());
    }
    Ok(())
}

/// One result column, typed for the `csv` crate writer.
enum CsvCol {
    Text(polars::prelude::StringChunked),
    Number(polars::prelude::Float64Chunked),
    Whole(polars::prelude::Int64Chunked),
    Flag(polars::prelude::BooleanChunked),
}

/// The results as CSV with the `csv` crate: rows split into `threads` parts, each formatted
/// into its own buffer on its own thread, written in order. Numbers by Rust's shortest
/// round-trip `Display`, as the contract asks (not byte-compared with polars here).
fn csv_crate(df: &polars::prelude::DataFrame, out: &str, threads: usize) -> Res<()> {
    use polars::prelude::DataType;
    use std::fmt::Write as _;
    let mut cols = Vec::with_capacity(df.width());
    for c in df.columns() {
        cols.push(match c.dtype() {
            DataType::String => CsvCol::Text(c.str()?.clone()),
            DataType::Boolean => CsvCol::Flag(c.bool()?.clone()),
            DataType::Float64 | DataType::Float32 => {
                CsvCol::Number(c.cast(&DataType::Float64)?.f64()?.clone())
            }
            d if d.is_integer() => CsvCol::Whole(c.cast(&DataType::Int64)?.i64()?.clone()),
            _ => CsvCol::Text(c.cast(&DataType::String)?.str()?.clone()),
        });
    }
    let n = df.height();
    let per = n.div_ceil(threads);
    let parts = std::thread::scope(|s| -> Res<Vec<Vec<u8>>> {
        let cols = &cols;
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || -> Res<Vec<u8>> {
                    let mut w = csv::Writer::from_writer(Vec::new());
                    let mut field = String::new();
                    for i in (t * per)..((t + 1) * per).min(n) {
                        for c in cols {
                            field.clear();
                            match c {
                                CsvCol::Text(a) => field.push_str(a.get(i).unwrap_or_default()),
                                CsvCol::Number(a) => {
                                    if let Some(v) = a.get(i) {
                                        write!(field, "{v}")?;
                                    }
                                }
                                CsvCol::Whole(a) => {
                                    if let Some(v) = a.get(i) {
                                        write!(field, "{v}")?;
                                    }
                                }
                                CsvCol::Flag(a) => {
                                    if let Some(v) = a.get(i) {
                                        field.push_str(if v { "true" } else { "false" });
                                    }
                                }
                            }
                            w.write_field(&field)?;
                        }
                        w.write_record(None::<&[u8]>)?;
                    }
                    Ok(w.into_inner().map_err(|e| e.to_string())?)
                })
            })
            .collect();
        let mut all = Vec::new();
        for h in handles {
            all.push(h.join().map_err(|_| "a formatting thread panicked")??);
        }
        Ok(all)
    })?;
    let mut f = std::io::BufWriter::new(std::fs::File::create(out)?);
    let mut header = csv::Writer::from_writer(&mut f);
    header.write_record(df.get_column_names().iter().map(|n| n.as_str()))?;
    header.flush()?;
    drop(header);
    for p in parts {
        std::io::Write::write_all(&mut f, &p)?;
    }
    Ok(())
}
