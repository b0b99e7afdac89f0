//! Streaming (issue 12): a run reads, computes and writes in chunks; the results, the summary
//! and every error do not depend on the chunk size (`--chunk-rows`, a hidden testing knob).

use crate::common::{fixture, voltmetrics, FIXTURE_AS_OF};
use std::path::Path;

/// Every output of a run of `inputs` with `extra` options: results CSV, summary CSV (with the
/// portfolio row), results Parquet, NDJSON on stdout, and the exit code.
fn outputs(dir: &Path, inputs: &[&str], extra: &[&str]) -> Vec<Vec<u8>> {
    let mut all = Vec::new();
    let csv = dir.join("r.csv");
    let summary = dir.join("s.csv");
    let pq = dir.join("r.parquet");
    let run = |out: &Path, fmt: Option<&str>| {
        let mut cmd = voltmetrics();
        cmd.arg("run")
            .args(inputs)
            .args(["--as-of", FIXTURE_AS_OF, "-q"])
            .args(extra);
        if let Some(f) = fmt {
            cmd.args(["--format", f]);
        } else {
            cmd.arg("-o").arg(out).arg("--summary").arg(&summary);
        }
        let o = cmd.output().unwrap();
        assert!(
            o.status.code().is_some_and(|c| c == 0 || c == 3 || c == 4),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        (vec![o.status.code().unwrap_or(-1) as u8], o.stdout)
    };
    let (code, ndjson) = run(&csv, Some("ndjson"));
    all.push(code);
    all.push(run(&csv, None).0);
    all.push(std::fs::read(&csv).unwrap());
    all.push(std::fs::read(&summary).unwrap());
    run(&pq, None);
    all.push(parquet_as_csv(&pq));
    all.push(ndjson);
    all
}

/// A Parquet file's rows as CSV (row groups differ with the chunk size; the rows may not).
fn parquet_as_csv(p: &Path) -> Vec<u8> {
    use polars::prelude::*;
    let mut df = ParquetReader::new(std::fs::File::open(p).unwrap())
        .finish()
        .unwrap();
    let mut out = Vec::new();
    CsvWriter::new(&mut out).finish(&mut df).unwrap();
    out
}

/// Two CSV files and a Parquet file: a passed-through column only in the second, a text
/// column with a quoted line break and a quote, duplicates within a file and across files.
fn inputs(dir: &Path) -> Vec<String> {
    let header = "facility_id,equipment_id,equipment_class,nominal_voltage_v,bolted_fault_current_ka,arc_duration_ms";
    let mut a = format!("{header},notes\n");
    let mut b = format!("{header},panel_size\n");
    for k in 0..23 {
        a.push_str(&format!(
            "F{},E{k},mcc,{},{},{},\"line one\nline \"\"two\"\" of {k}\"\n",
            k % 4,
            [208, 480, 4160][k % 3],
            5 + k % 40,
            20 + 7 * k
        ));
        b.push_str(&format!(
            "F{},B{k},panelboard,480,{},{},{}\n",
            k % 5,
            3 + k,
            30 + k,
            12 * (k % 3)
        ));
    }
    // Duplicates: E3 of F3 again in a (far from the first), B1 of F1 in b and in a.
    a.push_str("F3,E3,mcc,480,10,50,again\n");
    a.push_str("F1,B1,mcc,480,10,50,across files\n");
    let (pa, pb) = (dir.join("a.csv"), dir.join("b.csv.gz"));
    std::fs::write(&pa, a).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, b.as_bytes()).unwrap();
    std::fs::write(&pb, gz.finish().unwrap()).unwrap();
    vec![
        pa.to_string_lossy().into(),
        pb.to_string_lossy().into(),
        fixture("inventory.parquet").to_string_lossy().into(),
    ]
}

#[test]
fn results_summary_and_errors_do_not_depend_on_the_chunk_size() {
    let dir = tempfile::tempdir().unwrap();
    let files = inputs(dir.path());
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    let whole = outputs(dir.path(), &files, &["--portfolio"]);
    let text = String::from_utf8_lossy(&whole[2]);
    assert!(
        text.contains("duplicate (facility_id, equipment_id) = (F3, E3), also on"),
        "{text}"
    );
    assert!(text.contains("= (F1, B1), also on"), "{text}");
    assert!(text.contains("line \"\"two\"\" of 5"), "{text}");
    for rows in ["1", "2", "3", "7", "64"] {
        let chunked = outputs(dir.path(), &files, &["--portfolio", "--chunk-rows", rows]);
        for (k, (a, b)) in whole.iter().zip(&chunked).enumerate() {
            assert!(
                a == b,
                "output {k} differs with --chunk-rows {rows}:\n{}\n---\n{}",
                String::from_utf8_lossy(a),
                String::from_utf8_lossy(b)
            );
        }
    }
}

#[test]
fn a_shard_in_small_chunks_is_the_shard_in_one() {
    let dir = tempfile::tempdir().unwrap();
    let files = inputs(dir.path());
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    for shard in ["0/3", "1/3", "2/3"] {
        let whole = outputs(dir.path(), &files, &["--shard", shard]);
        let chunked = outputs(dir.path(), &files, &["--shard", shard, "--chunk-rows", "2"]);
        assert_eq!(whole, chunked, "shard {shard}");
    }
}

#[test]
fn standard_input_is_read_in_chunks_too() {
    let input = std::fs::read(fixture("inventory.csv")).unwrap();
    let run = |rows: &str, stdin: &[u8]| {
        voltmetrics()
            .args([
                "run",
                "-",
                "--as-of",
                FIXTURE_AS_OF,
                "-q",
                "--chunk-rows",
                rows,
            ])
            .write_stdin(stdin.to_vec())
            .output()
            .unwrap()
            .stdout
    };
    let file = crate::common::run_fixture(&[]);
    assert_eq!(run("5", &input), file);
    assert_eq!(run("100000", &input), file);
    // Compressed on standard input: copied, then decompressed, then read in chunks.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &input).unwrap();
    let gz = gz.finish().unwrap();
    assert_eq!(run("5", &gz), file);
    assert_eq!(run("100000", &gz), file);
}

#[test]
fn a_pipe_given_by_its_path_is_read_as_standard_input_is() {
    // `voltmetrics run <(zcat inventory.csv.gz)` names a pipe: it has no size and can be
    // read once (before, it read as an empty file).
    let input = std::fs::read(fixture("inventory.csv")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &input).unwrap();
    let gz = gz.finish().unwrap();
    let file = crate::common::run_fixture(&[]);
    for (stdin, rows) in [(&input, "5"), (&input, "100000"), (&gz, "5")] {
        let out = voltmetrics()
            .args(["run", "/dev/stdin", "--as-of", FIXTURE_AS_OF, "-q"])
            .args(["--chunk-rows", rows])
            .write_stdin(stdin.clone())
            .output()
            .unwrap();
        assert_eq!(crate::common::succeeded(out), file, "{rows} rows a chunk");
    }
}
