-- VoltMetrics 0003 (plain PostgreSQL): daily, weekly and monthly facility rollups as views
-- computed with date_trunc; `history --bucket` reads them. With TimescaleDB the same names are
-- continuous aggregates (0003_rollups.timescale.up.sql).

CREATE VIEW voltmetrics_facility_daily AS
SELECT facility_id,
       date_trunc('day', as_of) AS bucket,
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
GROUP BY facility_id, date_trunc('day', as_of);

CREATE VIEW voltmetrics_facility_weekly AS
SELECT facility_id,
       date_trunc('week', as_of) AS bucket,
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
GROUP BY facility_id, date_trunc('week', as_of);

CREATE VIEW voltmetrics_facility_monthly AS
SELECT facility_id,
       date_trunc('month', as_of) AS bucket,
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
GROUP BY facility_id, date_trunc('month', as_of);
