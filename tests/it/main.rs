//! The integration tests, in one crate (one link of polars, postgres and redis instead of
//! one per file): through the real binary, against the reference data in `fixtures/`, and
//! against PostgreSQL, TimescaleDB and Redis when `.ci/run` provides them.

mod annex_d;
mod architecture;
mod cli_calc;
mod cli_config;
mod cli_devices;
mod cli_labels;
mod cli_logging;
mod cli_mappings;
mod cli_methods;
mod cli_metrics;
mod cli_reliability;
mod cli_report;
mod cli_risk;
mod cli_run;
mod cli_select;
mod cli_shard;
mod cli_stream;
mod cli_summary;
mod cli_table;
mod cli_uncertainty;
mod cli_validate_schema;
mod cli_workbook;
mod common;
mod generated_docs;
mod method_properties;
mod methods;
#[cfg(feature = "otlp")]
mod otlp;
mod out_of_range;
mod peer_cases;
mod persistence;
mod properties;
mod protection;
mod readme;
mod reference_tables;
mod robustness;
