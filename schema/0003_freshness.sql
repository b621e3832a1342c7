-- Freshness of the directory (issue 3): the reminders sent to teams whose
-- record is due for confirmation, the addresses of the directory that
-- bounce, and when the server last ran its periodic work.

-- One row per reminder sent. A due period is identified by the
-- last_verified value the reminder is about (0: never confirmed), so a
-- confirmation starts a new period and the primary key makes sending the
-- same reminder twice impossible, whoever runs the scan.
CREATE TABLE team_reminders (
	team_id     INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
	period      INTEGER NOT NULL,
	seq         INTEGER NOT NULL,     -- 0, 1, ... within the period
	kind        TEXT NOT NULL CHECK (kind IN ('due', 'overdue')),
	sent_at     INTEGER NOT NULL,
	recipients  INTEGER NOT NULL,
	PRIMARY KEY (team_id, period, seq)
) WITHOUT ROWID;

-- Addresses of a team's contacts or people that bounced (a delivery status
-- notification with Action: failed, read by `shisa mail bounce`). One row
-- per team and address; cleared when the team confirms its record or no
-- longer lists the address.
CREATE TABLE contact_bounces (
	team_id     INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
	address     TEXT NOT NULL COLLATE NOCASE,
	status      TEXT NOT NULL,              -- RFC 3463 code, e.g. 5.1.1
	diagnostic  TEXT NOT NULL DEFAULT '',   -- the remote server's answer, as reported
	first_at    INTEGER NOT NULL,
	last_at     INTEGER NOT NULL,
	count       INTEGER NOT NULL DEFAULT 1,
	PRIMARY KEY (team_id, address)
) WITHOUT ROWID;

-- Finding every contact and person with a bounced address.
CREATE INDEX team_contacts_value ON team_contacts(value COLLATE NOCASE);
CREATE INDEX team_people_email ON team_people(email COLLATE NOCASE);

-- Periodic work of the server's job runner (the daily reminder scan): when
-- it is next due, kept here so a restart neither repeats nor skips it.
CREATE TABLE periodic_tasks (
	name     TEXT PRIMARY KEY,
	next_at  INTEGER NOT NULL,
	last_at  INTEGER
);
