//! Facility and portfolio summary (SPEC §3), computed with polars group-by over the per-row
//! values built by [`crate::pipeline::output::Store::finish`]: `facility_id`, `equipment_id`,
//! `ie` (governing incident energy, null unless ok) and one boolean column per counted
//! condition (`ok`, `invalid`, `not_applicable`, `ppe_0`…`ppe_4`, `danger`, `pass`, `warn`,
//! `fail`, `study_overdue`, `maintenance_overdue`, `label_understated`), so every count is a sum.

use polars::prelude::*;

/// `facility_id` of the portfolio row (`--portfolio`); no facility may be named so.
pub const PORTFOLIO_FACILITY_ID: &str = "*";

/// The summary columns of the contract, in order.
pub const SUMMARY_COLUMNS: [&str; 22] = [
    "facility_id",
    "equipment_count",
    "ok_count",
    "invalid_count",
    "not_applicable_count",
    "max_incident_energy_cal_cm2",
    "max_incident_energy_equipment_id",
    "mean_incident_energy_cal_cm2",
    "p95_incident_energy_cal_cm2",
    "ppe_category_0_count",
    "ppe_category_1_count",
    "ppe_category_2_count",
    "ppe_category_3_count",
    "ppe_category_4_count",
    "danger_count",
    "compliance_pass_count",
    "compliance_warn_count",
    "compliance_fail_count",
    "compliance_rate",
    "study_overdue_count",
    "maintenance_overdue_count",
    "label_understated_count",
];

fn count_true(column: &str, alias: &str) -> Expr {
    col(column).sum().cast(DataType::UInt32).alias(alias)
}

/// The aggregations of one group (or of the whole portfolio).
fn aggregations() -> Vec<Expr> {
    let mut a = vec![
        len().cast(DataType::UInt32).alias("equipment_count"),
        count_true("ok", "ok_count"),
        count_true("invalid", "invalid_count"),
        count_true("not_applicable", "not_applicable_count"),
        col("ie").max().alias("max_incident_energy_cal_cm2"),
        col("equipment_id")
            .filter(col("ie").eq(col("ie").max()))
            .first()
            .alias("max_incident_energy_equipment_id"),
        col("ie").mean().alias("mean_incident_energy_cal_cm2"),
        col("ie")
            .quantile(lit(0.95), QuantileMethod::Linear)
            .alias("p95_incident_energy_cal_cm2"),
    ];
    for k in 0..5 {
        a.push(count_true(
            &format!("ppe_{k}"),
            &format!("ppe_category_{k}_count"),
        ));
    }
    a.extend([
        count_true("danger", "danger_count"),
        count_true("pass", "compliance_pass_count"),
        count_true("warn", "compliance_warn_count"),
        count_true("fail", "compliance_fail_count"),
        count_true("study_overdue", "study_overdue_count"),
        count_true("maintenance_overdue", "maintenance_overdue_count"),
        count_true("label_understated", "label_understated_count"),
    ]);
    a
}

/// compliance_rate = pass ÷ the rows assessed (pass + warn + fail: the ok rows and the
/// not-applicable rows, which get the rules that need no arc-flash result); null when none.
/// Then the contract's column order.
fn finish(lf: LazyFrame) -> LazyFrame {
    let assessed = col("compliance_pass_count").cast(DataType::Float64)
        + col("compliance_warn_count").cast(DataType::Float64)
        + col("compliance_fail_count").cast(DataType::Float64);
    lf.with_column(
        when(assessed.clone().gt(lit(0.0)))
            .then(col("compliance_pass_count").cast(DataType::Float64) / assessed)
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias("compliance_rate"),
    )
    .select(SUMMARY_COLUMNS.iter().map(|c| col(*c)).collect::<Vec<_>>())
}

/// One row per facility in order of first appearance, plus the `*` portfolio row when asked.
pub fn summarize(per_row: &DataFrame, portfolio: bool) -> PolarsResult<DataFrame> {
    let lf = per_row.clone().lazy();
    let facilities = finish(
        lf.clone()
            .group_by_stable([col("facility_id")])
            .agg(aggregations()),
    );
    let out = if portfolio {
        let mut all = vec![lit(PORTFOLIO_FACILITY_ID).alias("facility_id")];
        all.extend(aggregations());
        let total = finish(lf.select(all));
        concat([facilities, total], UnionArgs::default())?
    } else {
        facilities
    };
    out.collect()
}
