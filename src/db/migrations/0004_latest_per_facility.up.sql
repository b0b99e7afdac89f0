-- VoltMetrics 0004: the latest results of a facility are the rows of its latest run (its
-- latest as_of), so equipment that left a facility's inventory is not "latest" any more and
-- the view agrees with the facility's latest summary.
CREATE OR REPLACE VIEW voltmetrics_latest_results AS
    SELECT r.*
    FROM voltmetrics_results r
    WHERE r.as_of = (SELECT max(s.as_of) FROM voltmetrics_facility_summaries s
                     WHERE s.facility_id = r.facility_id);
