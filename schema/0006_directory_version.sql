-- What the server derives from the directory (the constituency router,
-- the routing cards, search, the offline snapshot) was made from: one row
-- of counters that triggers increment on every change, whoever makes it
-- (the server, `shisa directory import`, `shisa dev seed`, the sqlite3
-- shell). The server reads the row every second (dir_version.h) and
-- rebuilds what moved:
--   version       every change to a table the directory reads;
--   rules         the changes that move routing too: constituency rules,
--                 and a team's state (only active teams route);
--   snapshot_key  the key that signs the offline snapshot (a rotation).
CREATE TABLE directory_version (
	id            INTEGER PRIMARY KEY CHECK (id = 1),
	version       INTEGER NOT NULL,
	rules         INTEGER NOT NULL,
	snapshot_key  INTEGER NOT NULL
);
INSERT INTO directory_version (id, version, rules, snapshot_key) VALUES (1, 0, 0, 0);

CREATE TRIGGER teams_versioned_insert AFTER INSERT ON teams
	BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER teams_versioned_update AFTER UPDATE ON teams
	BEGIN UPDATE directory_version SET version = version + 1, rules = rules + (OLD.state IS NOT NEW.state); END;
CREATE TRIGGER teams_versioned_delete AFTER DELETE ON teams
	BEGIN UPDATE directory_version SET version = version + 1, rules = rules + 1; END;

CREATE TRIGGER team_constituency_versioned_insert AFTER INSERT ON team_constituency
	BEGIN UPDATE directory_version SET version = version + 1, rules = rules + 1; END;
CREATE TRIGGER team_constituency_versioned_update AFTER UPDATE ON team_constituency
	BEGIN UPDATE directory_version SET version = version + 1, rules = rules + 1; END;
CREATE TRIGGER team_constituency_versioned_delete AFTER DELETE ON team_constituency
	BEGIN UPDATE directory_version SET version = version + 1, rules = rules + 1; END;

CREATE TRIGGER team_texts_versioned_insert AFTER INSERT ON team_texts
	BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER team_texts_versioned_update AFTER UPDATE ON team_texts
	BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER team_texts_versioned_delete AFTER DELETE ON team_texts
	BEGIN UPDATE directory_version SET version = version + 1; END;

CREATE TRIGGER team_visibility_versioned_insert AFTER INSERT ON team_visibility
	BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER team_visibility_versioned_update AFTER UPDATE ON team_visibility
	BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER team_visibility_versioned_delete AFTER DELETE ON team_visibility
	BEGIN UPDATE directory_version SET version = version + 1; END;

CREATE TRIGGER team_contacts_versioned_insert AFTER INSERT ON team_contacts
	BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER team_contacts_versioned_update AFTER UPDATE ON team_contacts
	BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER team_contacts_versioned_delete AFTER DELETE ON team_contacts
	BEGIN UPDATE directory_version SET version = version + 1; END;

CREATE TRIGGER team_people_versioned_insert AFTER INSERT ON team_people
	BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER team_people_versioned_update AFTER UPDATE ON team_people
	BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER team_people_versioned_delete AFTER DELETE ON team_people
	BEGIN UPDATE directory_version SET version = version + 1; END;

CREATE TRIGGER team_keys_versioned_insert AFTER INSERT ON team_keys
	BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER team_keys_versioned_update AFTER UPDATE ON team_keys
	BEGIN UPDATE directory_version SET version = version + 1; END;
CREATE TRIGGER team_keys_versioned_delete AFTER DELETE ON team_keys
	BEGIN UPDATE directory_version SET version = version + 1; END;

CREATE TRIGGER instance_keys_versioned_insert AFTER INSERT ON instance_keys
	BEGIN UPDATE directory_version SET snapshot_key = snapshot_key + 1; END;
CREATE TRIGGER instance_keys_versioned_update AFTER UPDATE ON instance_keys
	BEGIN UPDATE directory_version SET snapshot_key = snapshot_key + 1; END;
CREATE TRIGGER instance_keys_versioned_delete AFTER DELETE ON instance_keys
	BEGIN UPDATE directory_version SET snapshot_key = snapshot_key + 1; END;

-- The offline snapshot the server keeps beside the database
-- (snapshot_service.h): what it was made from, so that a start with
-- nothing changed keeps it instead of making it again (minutes at 100,000
-- teams). The server writes the row after each snapshot it makes or finds
-- unchanged; it is kept when its files still carry CONTENT_ID, the
-- directory is still at DIRECTORY_VERSION, BASIS (the settings and key the
-- content depends on) is the same, and nothing that changes with time (a
-- record falling overdue, a key expiring) has changed since AS_OF. Kept in
-- the database rather than beside the files, so a restored backup brings
-- back the row that belongs to its counters.
CREATE TABLE snapshot_made (
	id                 INTEGER PRIMARY KEY CHECK (id = 1),
	directory_version  INTEGER NOT NULL,
	basis              TEXT NOT NULL,
	content_id         TEXT NOT NULL,
	as_of              INTEGER NOT NULL
);
