// Shared by the fuzz targets: read an in-memory file, then check and compute every row.
use voltmetrics::core::compliance::MaintenanceIntervals;
use voltmetrics::pipeline::rows::RowOptions;

pub fn opts() -> RowOptions {
    RowOptions {
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
        danger_threshold_cal_cm2: 40.0,
        intervals: MaintenanceIntervals::default(),
        method: Default::default(),
    }
}

/// Reads `bytes` as a file called `name`; when it reads, every input row must come back as
/// exactly one result row (a panic or a lost row is a finding).
pub fn read_and_process(name: &str, bytes: &[u8]) {
    let Ok(inv) = voltmetrics::io::read::read_bytes(name, bytes) else {
        return;
    };
    let rows = inv.frame.height();
    let out = voltmetrics::pipeline::process(&inv, &opts(), 1, &|_| {})
        .expect("a readable inventory is processed");
    assert_eq!(out.results.height(), rows);
    assert_eq!(out.counts.rows, rows);
}
