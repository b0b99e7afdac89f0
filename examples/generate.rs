//! Seeded generator of large synthetic inventories for benchmarks.
//!
//! ```text
//! cargo run --release --example generate -- --rows 1000000 --facilities 2000 -o inventory.parquet
//! ```
//!
//! The format follows the extension (`.csv`, `.csv.gz` is not supported here, `.parquet`). The
//! same arguments give the same file on every machine. About 55 % of rows are LV and 45 % MV,
//! over every equipment class and electrode configuration, with labels, study and maintenance
//! dates spread so every compliance outcome occurs, and 0.1 % invalid cells.

use polars::prelude::*;
use voltmetrics::io::write::{write_file_atomic, Format, RunMetadata};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        ((self.next() * n as f64) as usize).min(n - 1)
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: generate --rows N --facilities M -o FILE [--seed S]";
    let rows: usize = arg(&args, "--rows")
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| anyhow::anyhow!(usage))?;
    let facilities: usize = arg(&args, "--facilities")
        .and_then(|s| s.parse().ok())
        .filter(|f| *f > 0)
        .ok_or_else(|| anyhow::anyhow!(usage))?;
    let out = arg(&args, "-o").ok_or_else(|| anyhow::anyhow!(usage))?;
    let seed: u64 = arg(&args, "--seed")
        .and_then(|s| s.parse().ok())
        .unwrap_or(1584);
    let format =
        Format::from_path(&out).ok_or_else(|| anyhow::anyhow!("{out}: use .csv or .parquet"))?;
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);

    let mut fac = Vec::with_capacity(rows);
    let mut eq = Vec::with_capacity(rows);
    let mut class: Vec<Option<&str>> = Vec::with_capacity(rows);
    let mut volts = Vec::with_capacity(rows);
    let mut ibf = Vec::with_capacity(rows);
    let mut config: Vec<Option<&str>> = Vec::with_capacity(rows);
    let mut gap: Vec<Option<f64>> = Vec::with_capacity(rows);
    let mut wd: Vec<Option<f64>> = Vec::with_capacity(rows);
    let mut h: Vec<Option<f64>> = Vec::with_capacity(rows);
    let mut w: Vec<Option<f64>> = Vec::with_capacity(rows);
    let mut d: Vec<Option<f64>> = Vec::with_capacity(rows);
    let mut t = Vec::with_capacity(rows);
    let mut tr: Vec<Option<f64>> = Vec::with_capacity(rows);
    let mut label_ie: Vec<Option<f64>> = Vec::with_capacity(rows);
    let mut label_afb: Vec<Option<f64>> = Vec::with_capacity(rows);
    let mut label_ppe: Vec<Option<i32>> = Vec::with_capacity(rows);
    let mut label_date: Vec<Option<String>> = Vec::with_capacity(rows);
    let mut study_date: Vec<Option<String>> = Vec::with_capacity(rows);
    let mut maint_date: Vec<Option<String>> = Vec::with_capacity(rows);
    let mut cond: Vec<Option<&str>> = Vec::with_capacity(rows);
    let mut location = Vec::with_capacity(rows);
    let classes = [
        "switchgear",
        "switchboard",
        "mcc",
        "panelboard",
        "cable_junction_box",
        "open_air",
        "other",
    ];
    let configs = ["VCB", "VCB", "VCB", "VCBB", "HCB", "VOA", "HOA"];
    let date = |rng: &mut Rng, from: i32, to: i32| {
        format!(
            "{}-{:02}-{:02}",
            from + rng.below((to - from + 1) as usize) as i32,
            1 + rng.below(12),
            1 + rng.below(28)
        )
    };
    for i in 0..rows {
        let f = i % facilities;
        fac.push(format!("SITE-{f:05}"));
        eq.push(format!("EQ-{:07}", i / facilities));
        let lv = rng.next() < 0.55;
        let v = if lv {
            rng.pick(&[208.0, 240.0, 480.0, 600.0])
        } else {
            rng.pick(&[2400.0, 4160.0, 6900.0, 13800.0])
        };
        volts.push(v);
        ibf.push(round(
            if lv {
                2.0 + rng.next() * 60.0
            } else {
                2.0 + rng.next() * 38.0
            },
            3,
        ));
        // Half the rows give a class and let defaults fill geometry; half give it all.
        if rng.next() < 0.5 {
            let c = if lv {
                rng.pick(&classes[..5])
            } else {
                rng.pick(&["switchgear", "mcc"])
            };
            class.push(Some(c));
            config.push(None);
            gap.push(None);
            wd.push(None);
            h.push(None);
            w.push(None);
            d.push(None);
        } else {
            let cfg = rng.pick(&configs);
            class.push(Some(if cfg.ends_with("OA") {
                "open_air"
            } else {
                "other"
            }));
            config.push(Some(cfg));
            let (g, dist, box_) = if lv {
                (
                    rng.pick(&[13.0, 25.0, 32.0]),
                    rng.pick(&[457.2, 609.6]),
                    rng.pick(&[
                        (508.0, 508.0, 508.0),
                        (355.6, 304.8, 100.0),
                        (610.0, 610.0, 254.0),
                    ]),
                )
            } else {
                (
                    rng.pick(&[104.0, 152.0]),
                    914.4,
                    rng.pick(&[
                        (1143.0, 762.0, 762.0),
                        (914.4, 914.4, 914.4),
                        (660.4, 660.4, 660.4),
                    ]),
                )
            };
            gap.push(Some(g));
            wd.push(Some(dist));
            h.push(Some(box_.0));
            w.push(Some(box_.1));
            d.push(Some(box_.2));
        }
        let ti = round(20.0 + rng.next() * 480.0, 1);
        t.push(ti);
        tr.push(if rng.next() < 0.5 {
            Some(round(ti * (1.0 + rng.next()), 1))
        } else {
            None
        });
        let labelled = rng.next() < 0.9;
        label_ie.push(labelled.then(|| round(rng.next() * 30.0, 1)));
        label_afb.push(labelled.then(|| round(300.0 + rng.next() * 3000.0, 0)));
        label_ppe.push(labelled.then(|| rng.below(5) as i32));
        label_date.push(labelled.then(|| date(&mut rng, 2019, 2025)));
        study_date.push((rng.next() < 0.95).then(|| date(&mut rng, 2019, 2025)));
        maint_date.push((rng.next() < 0.9).then(|| date(&mut rng, 2019, 2026)));
        cond.push(Some(rng.pick(&["1", "2", "3", "good", "fair"])));
        location.push(format!("Building {}", 1 + rng.below(40)));
        // 0.1 % invalid cells.
        if rng.next() < 0.001 {
            ibf[i] = -ibf[i];
        }
    }
    let n = rows;
    let mut df = DataFrame::new(
        n,
        vec![
            Column::new("facility_id".into(), fac),
            Column::new("equipment_id".into(), eq),
            Column::new("equipment_class".into(), class),
            Column::new("nominal_voltage_v".into(), volts),
            Column::new("bolted_fault_current_ka".into(), ibf),
            Column::new("electrode_config".into(), config),
            Column::new("gap_mm".into(), gap),
            Column::new("working_distance_mm".into(), wd),
            Column::new("enclosure_height_mm".into(), h),
            Column::new("enclosure_width_mm".into(), w),
            Column::new("enclosure_depth_mm".into(), d),
            Column::new("arc_duration_ms".into(), t),
            Column::new("arc_duration_reduced_ms".into(), tr),
            Column::new("label_incident_energy_cal_cm2".into(), label_ie),
            Column::new("label_arc_flash_boundary_mm".into(), label_afb),
            Column::new("label_ppe_category".into(), label_ppe),
            Column::new("label_date".into(), label_date),
            Column::new("study_date".into(), study_date),
            Column::new("last_maintenance_date".into(), maint_date),
            Column::new("maintenance_condition".into(), cond),
            Column::new("location".into(), location),
        ],
    )?;
    write_file_atomic(
        &out,
        &mut df,
        format,
        &RunMetadata {
            pairs: vec![("generator.seed".into(), seed.to_string())],
        },
    )?;
    eprintln!("generate: {n} rows over {facilities} facilities -> {out}");
    Ok(())
}
