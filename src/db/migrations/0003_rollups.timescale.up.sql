-- VoltMetrics 0003 (TimescaleDB): the rollups as continuous aggregates. Applied outside a
-- transaction (TimescaleDB requires it) and only where the extension is installed.

CREATE MATERIALIZED VIEW voltmetrics_facility_daily WITH (timescaledb.continuous) AS
SELECT facility_id,
       time_bucket(INTERVAL '1 day', as_of) AS bucket,
       count(*)::bigint AS runs,
       max(max_incident_energy_cal_cm2) AS max_incident_energy_cal_cm2,
       sum(mean_incident_energy_cal_cm2 * ok_count)::double precision AS incident_energy_sum_cal_cm2,
       sum(equipment_count)::bigint AS equipment_count,
       sum(ok_count)::bigint AS ok_count,
       sum(invalid_count)::bigint AS invalid_count,
       sum(not_applicable_count)::bigint AS not_applicable_count,
       sum(danger_count)::bigint AS danger_count,
       sum(compliance_pass_count)::bigint AS compliance_pass_count,
       sum(compliance_warn_count)::bigint AS compliance_warn_count,
       sum(compliance_fail_count)::bigint AS compliance_fail_count
FROM voltmetrics_facility_summaries
GROUP BY facility_id, time_bucket(INTERVAL '1 day', as_of)
WITH NO DATA;

CREATE MATERIALIZED VIEW voltmetrics_facility_weekly WITH (timescaledb.continuous) AS
SELECT facility_id,
       time_bucket(INTERVAL '1 week', as_of) AS bucket,
       count(*)::bigint AS runs,
       max(max_incident_energy_cal_cm2) AS max_incident_energy_cal_cm2,
       sum(mean_incident_energy_cal_cm2 * ok_count)::double precision AS incident_energy_sum_cal_cm2,
       sum(equipment_count)::bigint AS equipment_count,
       sum(ok_count)::bigint AS ok_count,
       sum(invalid_count)::bigint AS invalid_count,
       sum(not_applicable_count)::bigint AS not_applicable_count,
       sum(danger_count)::bigint AS danger_count,
       sum(compliance_pass_count)::bigint AS compliance_pass_count,
       sum(compliance_warn_count)::bigint AS compliance_warn_count,
       sum(compliance_fail_count)::bigint AS compliance_fail_count
FROM voltmetrics_facility_summaries
GROUP BY facility_id, time_bucket(INTERVAL '1 week', as_of)
WITH NO DATA;

CREATE MATERIALIZED VIEW voltmetrics_facility_monthly WITH (timescaledb.continuous) AS
SELECT facility_id,
       time_bucket(INTERVAL '1 month', as_of) AS bucket,
       count(*)::bigint AS runs,
       max(max_incident_energy_cal_cm2) AS max_incident_energy_cal_cm2,
       sum(mean_incident_energy_cal_cm2 * ok_count)::double precision AS incident_energy_sum_cal_cm2,
       sum(equipment_count)::bigint AS equipment_count,
       sum(ok_count)::bigint AS ok_count,
       sum(invalid_count)::bigint AS invalid_count,
       sum(not_applicable_count)::bigint AS not_applicable_count,
       sum(danger_count)::bigint AS danger_count,
       sum(compliance_pass_count)::bigint AS compliance_pass_count,
       sum(compliance_warn_count)::bigint AS compliance_warn_count,
       sum(compliance_fail_count)::bigint AS compliance_fail_count
FROM voltmetrics_facility_summaries
GROUP BY facility_id, time_bucket(INTERVAL '1 month', as_of)
WITH NO DATA;
