DROP VIEW IF EXISTS voltmetrics_facility_daily;
DROP VIEW IF EXISTS voltmetrics_facility_weekly;
DROP VIEW IF EXISTS voltmetrics_facility_monthly;
