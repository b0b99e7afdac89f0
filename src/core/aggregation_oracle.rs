// The polars group-by summary the incremental one is checked against (tests only).

fn count_true(column: &str, out: Column) -> Expr {
    col(column).sum().cast(DataType::UInt32).alias(out.name)
}

/// The aggregations of one group (or of the whole portfolio).
fn aggregations() -> Vec<Expr> {
    let ie = || col(per_row::IE);
    let mut a = vec![
        len().cast(DataType::UInt32).alias(S::EQUIPMENT_COUNT.name),
        count_true(per_row::OK, S::OK_COUNT),
        count_true(per_row::INVALID, S::INVALID_COUNT),
        count_true(per_row::NOT_APPLICABLE, S::NOT_APPLICABLE_COUNT),
        ie().max().alias(S::MAX_INCIDENT_ENERGY_CAL_CM2.name),
        col(R::EQUIPMENT_ID.name)
            .filter(ie().eq(ie().max()))
            .first()
            .alias(S::MAX_INCIDENT_ENERGY_EQUIPMENT_ID.name),
        ie().mean().alias(S::MEAN_INCIDENT_ENERGY_CAL_CM2.name),
        ie().quantile(lit(0.95), QuantileMethod::Linear)
            .alias(S::P95_INCIDENT_ENERGY_CAL_CM2.name),
    ];
    let ppe = [
        S::PPE_CATEGORY_0_COUNT,
        S::PPE_CATEGORY_1_COUNT,
        S::PPE_CATEGORY_2_COUNT,
        S::PPE_CATEGORY_3_COUNT,
        S::PPE_CATEGORY_4_COUNT,
    ];
    for (flag, out) in per_row::PPE.iter().zip(ppe) {
        a.push(count_true(flag, out));
    }
    a.extend([
        count_true(per_row::DANGER, S::DANGER_COUNT),
        count_true(per_row::PASS, S::COMPLIANCE_PASS_COUNT),
        count_true(per_row::WARN, S::COMPLIANCE_WARN_COUNT),
        count_true(per_row::FAIL, S::COMPLIANCE_FAIL_COUNT),
        count_true(per_row::STUDY_OVERDUE, S::STUDY_OVERDUE_COUNT),
        count_true(per_row::MAINTENANCE_OVERDUE, S::MAINTENANCE_OVERDUE_COUNT),
        count_true(per_row::LABEL_UNDERSTATED, S::LABEL_UNDERSTATED_COUNT),
        count_true(per_row::DURATION_CAPPED, S::ARC_DURATION_CAPPED_COUNT),
        count_true(per_row::DEVICE_NO_TRIP, S::DEVICE_NO_TRIP_COUNT),
        count_true(per_row::RISK_LEVEL[0], S::RISK_LOW_COUNT),
        count_true(per_row::RISK_LEVEL[1], S::RISK_MEDIUM_COUNT),
        count_true(per_row::RISK_LEVEL[2], S::RISK_HIGH_COUNT),
        count_true(per_row::RISK_LEVEL[3], S::RISK_EXTREME_COUNT),
        col(per_row::RISK_SCORE).sum().alias("risk_sum"),
        col(per_row::RISK_SCORE).count().alias("risk_n"),
        col(per_row::PROB_EXCEEDS_LABEL).sum().alias("exceed_sum"),
        col(per_row::PROB_EXCEEDS_LABEL).count().alias("exceed_n"),
    ]);
    a
}

/// compliance_rate = pass ÷ the rows assessed (pass + warn + fail: the ok rows and the
/// not-applicable rows, which get the rules that need no arc-flash result); null when none.
/// Then the contract's column order.
fn finish(lf: LazyFrame) -> LazyFrame {
    let count = |c: Column| col(c.name).cast(DataType::Float64);
    let assessed = count(S::COMPLIANCE_PASS_COUNT)
        + count(S::COMPLIANCE_WARN_COUNT)
        + count(S::COMPLIANCE_FAIL_COUNT);
    let n = |c: &str| col(c).cast(DataType::Float64);
    lf.with_columns([
        when(assessed.clone().gt(lit(0.0)))
            .then(count(S::COMPLIANCE_PASS_COUNT) / assessed)
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias(S::COMPLIANCE_RATE.name),
        when(n("risk_n").gt(lit(0.0)))
            .then((col("risk_sum") * lit(4.0)) / n("risk_n"))
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias(S::RISK_INDEX.name),
        when(n("exceed_n").gt(lit(0.0)))
            .then(col("exceed_sum"))
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias(S::EXPECTED_LABEL_EXCEEDANCES.name),
    ])
    .select(S::names().map(col).collect::<Vec<_>>())
}

/// One row per facility in order of first appearance, plus the `*` portfolio row when asked.
pub(super) fn summarize_polars(per_row: &DataFrame, portfolio: bool) -> PolarsResult<DataFrame> {
    let lf = per_row.clone().lazy();
    let facilities = finish(
        lf.clone()
            .group_by_stable([col(R::FACILITY_ID.name)])
            .agg(aggregations()),
    );
    let out = if portfolio {
        let mut all = vec![lit(PORTFOLIO_FACILITY_ID).alias(S::FACILITY_ID.name)];
        all.extend(aggregations());
        let total = finish(lf.select(all));
        concat([facilities, total], UnionArgs::default())?
    } else {
        facilities
    };
    out.collect()
}
