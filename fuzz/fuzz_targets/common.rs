// Shared by the fuzz targets: read an in-memory file, then check and compute every row.
use std::sync::Arc;
use voltmetrics::core::protection::Library;
use voltmetrics::pipeline::rows::RowOptions;

/// A device of each kind, with one-letter ids the fuzzer finds easily.
const DEVICES: &str = r#"
[[relay]]
id = "R"
curve = "IEEE-VI"
pickup_a = 600.0
time_dial = 2.0
instantaneous_pickup_a = 8000.0
definite_time = [ { pickup_a = 2000.0, delay_s = 0.3 } ]
breaker_opening_cycles = 5.0

[[breaker]]
id = "B"
long_time = { pickup_a = 800.0, delay_s = 10.0 }
short_time = { pickup_a = 4000.0, delay_s = 0.2, i2t = true }
instantaneous = { pickup_a = 12000.0 }

[[fuse]]
id = "F"
rating_a = 200.0
curve = "average_melt"
points = [[400.0, 300.0], [600.0, 30.0], [1500.0, 1.0], [6000.0, 0.01]]
"#;

/// The run's defaults with the library above (parsed once).
pub fn opts() -> &'static RowOptions {
    static OPTS: std::sync::OnceLock<RowOptions> = std::sync::OnceLock::new();
    OPTS.get_or_init(|| RowOptions {
        devices: Some(Arc::new(Library::parse(DEVICES).expect("the fuzz library parses"))),
        ..RowOptions::new(chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap())
    })
}

/// Reads `bytes` as a file called `name`; when it reads, every input row must come back as
/// exactly one result row (a panic or a lost row is a finding).
pub fn read_and_process(name: &str, bytes: &[u8]) {
    // As the CLI: a decoder panic the reader turns into an error is not a finding (the hook
    // chains to libFuzzer's for every other panic).
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(voltmetrics::io::read::install_panic_hook);
    let Ok(inv) = voltmetrics::io::read::read_bytes(name, bytes) else {
        return;
    };
    let rows = inv.frame.height();
    let out = voltmetrics::pipeline::process(&inv, opts(), 1, &|_| {})
        .expect("a readable inventory is processed");
    assert_eq!(out.results.height(), rows);
    assert_eq!(out.counts.rows, rows);
}
