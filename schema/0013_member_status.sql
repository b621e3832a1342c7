-- Member status (issue 4, docs/membership.md "Member organisations"):
-- when the data of a withdrawn organisation was erased after
-- withdrawn_retention_days (NULL: not erased), so the daily retention task
-- erases each organisation once and the secretariat sees when it was done;
-- and the organisations by status, for that task and the secretariat's
-- filter.
ALTER TABLE orgs ADD COLUMN purged_at INTEGER;
CREATE INDEX orgs_status ON orgs(status, status_changed_at);
