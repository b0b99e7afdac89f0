-- VoltMetrics 0001: runs, per-equipment results, facility summaries, latest-result view.
-- Plain PostgreSQL; keys as in the contract: results by (facility_id, equipment_id, as_of),
-- summaries by (facility_id, as_of).

CREATE TABLE voltmetrics_runs (
    run_id               uuid PRIMARY KEY,
    started_at           timestamptz NOT NULL,
    finished_at          timestamptz,
    as_of                timestamptz NOT NULL,
    tool_version         text NOT NULL,
    methods              text NOT NULL,
    inputs               jsonb NOT NULL,
    row_count            bigint NOT NULL,
    invalid_count        bigint NOT NULL,
    not_applicable_count bigint NOT NULL,
    status               text NOT NULL CHECK (status IN ('running', 'done', 'failed'))
);

CREATE TABLE voltmetrics_results (
    facility_id                      text NOT NULL,
    equipment_id                     text NOT NULL,
    as_of                            timestamptz NOT NULL,
    run_id                           uuid NOT NULL,
    status                           text NOT NULL CHECK (status IN ('ok', 'invalid', 'not_applicable')),
    errors                           text,
    method                           text,
    electrode_config                 text,
    gap_mm                           double precision,
    working_distance_mm              double precision,
    enclosure_height_mm              double precision,
    enclosure_width_mm               double precision,
    enclosure_depth_mm               double precision,
    defaults_applied                 text,
    arcing_current_ka                double precision,
    arcing_current_reduced_ka        double precision,
    arc_duration_ms                  double precision,
    arc_duration_reduced_ms          double precision,
    incident_energy_full_cal_cm2     double precision,
    incident_energy_reduced_cal_cm2  double precision,
    incident_energy_cal_cm2          double precision,
    incident_energy_j_cm2            double precision,
    arc_flash_boundary_full_mm       double precision,
    arc_flash_boundary_reduced_mm    double precision,
    arc_flash_boundary_mm            double precision,
    governing_case                   text,
    min_arc_rating_cal_cm2           double precision,
    ppe_category                     integer,
    danger                           boolean,
    limited_approach_movable_mm      double precision,
    limited_approach_fixed_mm        double precision,
    restricted_approach_mm           double precision,
    compliance_status                text,
    findings                         text,
    range_warnings                   text,
    input_hash                       text NOT NULL,
    PRIMARY KEY (facility_id, equipment_id, as_of)
);

CREATE TABLE voltmetrics_facility_summaries (
    facility_id                      text NOT NULL,
    as_of                            timestamptz NOT NULL,
    run_id                           uuid NOT NULL,
    equipment_count                  bigint NOT NULL,
    ok_count                         bigint NOT NULL,
    invalid_count                    bigint NOT NULL,
    not_applicable_count             bigint NOT NULL,
    max_incident_energy_cal_cm2      double precision,
    max_incident_energy_equipment_id text,
    mean_incident_energy_cal_cm2     double precision,
    p95_incident_energy_cal_cm2      double precision,
    ppe_category_0_count             bigint NOT NULL,
    ppe_category_1_count             bigint NOT NULL,
    ppe_category_2_count             bigint NOT NULL,
    ppe_category_3_count             bigint NOT NULL,
    ppe_category_4_count             bigint NOT NULL,
    danger_count                     bigint NOT NULL,
    compliance_pass_count            bigint NOT NULL,
    compliance_warn_count            bigint NOT NULL,
    compliance_fail_count            bigint NOT NULL,
    compliance_rate                  double precision,
    study_overdue_count              bigint NOT NULL,
    maintenance_overdue_count        bigint NOT NULL,
    label_understated_count          bigint NOT NULL,
    PRIMARY KEY (facility_id, as_of)
);

CREATE VIEW voltmetrics_latest_results AS
    SELECT DISTINCT ON (facility_id, equipment_id) *
    FROM voltmetrics_results
    ORDER BY facility_id, equipment_id, as_of DESC;
