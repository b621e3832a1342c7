-- The association in numbers (issue 4, docs/membership.md): the history of
-- membership from before the directory, loaded by `shisa stats import`
-- from CSV, and a change counter for what the statistics read.

-- One row per team that was or is a member, as the association's own
-- records tell it. Dates are as precise as the records: YYYY, YYYY-MM or
-- YYYY-MM-DD. Categories are the directory's keys (sector 'ict', region
-- 'kanto', csirt_type 'organisational'); org_department is text as in the
-- directory. name_key is the name as the statistics compare it
-- (src/stats/name_key.h): one row per name. team_id links a row to the
-- directory's record of the same team, which then prevails (the row is not
-- counted); a row whose team record is deleted counts again.
CREATE TABLE member_history (
	id                 INTEGER PRIMARY KEY,
	name               TEXT NOT NULL,
	name_key           TEXT NOT NULL UNIQUE,
	joined             TEXT NOT NULL,
	left_on            TEXT NOT NULL DEFAULT '',
	established        TEXT NOT NULL DEFAULT '',
	sector             TEXT NOT NULL DEFAULT '',
	region             TEXT NOT NULL DEFAULT '',
	csirt_type         TEXT NOT NULL DEFAULT '',
	org_department     TEXT NOT NULL DEFAULT '',
	staff_at_founding  INTEGER,
	staff_now          INTEGER,
	team_id            INTEGER REFERENCES teams(id) ON DELETE SET NULL,
	source_line        INTEGER NOT NULL,   -- the line of the imported file
	imported_at        INTEGER NOT NULL
);
CREATE INDEX member_history_team ON member_history(team_id);

-- What the statistics read beyond the directory's tables (whose changes
-- directory_version counts): the history, who is a member (an
-- organisation's kind), and the applications. The server drops its kept
-- answers of /stats when it finds this counter moved.
CREATE TABLE stats_version (
	id       INTEGER PRIMARY KEY CHECK (id = 1),
	version  INTEGER NOT NULL
);
INSERT INTO stats_version (id, version) VALUES (1, 0);

CREATE TRIGGER member_history_stats_insert AFTER INSERT ON member_history
	BEGIN UPDATE stats_version SET version = version + 1; END;
CREATE TRIGGER member_history_stats_update AFTER UPDATE ON member_history
	BEGIN UPDATE stats_version SET version = version + 1; END;
CREATE TRIGGER member_history_stats_delete AFTER DELETE ON member_history
	BEGIN UPDATE stats_version SET version = version + 1; END;

CREATE TRIGGER orgs_stats_insert AFTER INSERT ON orgs
	BEGIN UPDATE stats_version SET version = version + 1; END;
CREATE TRIGGER orgs_stats_update AFTER UPDATE OF kind ON orgs
	BEGIN UPDATE stats_version SET version = version + 1; END;
CREATE TRIGGER orgs_stats_delete AFTER DELETE ON orgs
	BEGIN UPDATE stats_version SET version = version + 1; END;

CREATE TRIGGER applications_stats_insert AFTER INSERT ON applications
	BEGIN UPDATE stats_version SET version = version + 1; END;
CREATE TRIGGER applications_stats_update AFTER UPDATE OF state ON applications
	BEGIN UPDATE stats_version SET version = version + 1; END;
CREATE TRIGGER applications_stats_delete AFTER DELETE ON applications
	BEGIN UPDATE stats_version SET version = version + 1; END;

CREATE TRIGGER application_history_stats_insert AFTER INSERT ON application_history
	BEGIN UPDATE stats_version SET version = version + 1; END;
CREATE TRIGGER application_history_stats_update AFTER UPDATE ON application_history
	BEGIN UPDATE stats_version SET version = version + 1; END;
CREATE TRIGGER application_history_stats_delete AFTER DELETE ON application_history
	BEGIN UPDATE stats_version SET version = version + 1; END;
