-- What the server derives from the directory (the constituency router,
-- the routing cards, search, the offline snapshot) was made from: one row
-- that triggers update on every change, whoever makes it (the server,
-- `shisa directory import`, `shisa dev seed`, the sqlite3 shell). The
-- server reads the row every second (dir_version.h) and rebuilds what
-- moved:
--   version       counts every change to a table the directory reads;
--   rules         counts the changes that move routing too: constituency
--                 rules, and a team's state (only active teams route);
--   stamp         a random number drawn anew with every change counted in
--                 version: it names the directory's state, so a restored
--                 backup whose count comes round to the same number
--                 again is not taken for the state a derived file was made
--                 from (the offline snapshot, snapshot_service.h);
--   snapshot_key  counts changes to the key that signs the offline
--                 snapshot (a rotation).
CREATE TABLE directory_version (
	id            INTEGER PRIMARY KEY CHECK (id = 1),
	version       INTEGER NOT NULL,
	rules         INTEGER NOT NULL,
	stamp         INTEGER NOT NULL,
	snapshot_key  INTEGER NOT NULL
);
INSERT INTO directory_version (id, version, rules, stamp, snapshot_key) VALUES (1, 0, 0, random(), 0);

CREATE TRIGGER teams_versioned_insert AFTER INSERT ON teams
	BEGIN UPDATE directory_version SET version = version + 1, stamp = random(); END;
CREATE TRIGGER teams_versioned_update AFTER UPDATE ON teams
	BEGIN UPDATE directory_version
		SET version = version + 1, stamp = random(), rules = rules + (OLD.state IS NOT NEW.state); END;
CREATE TRIGGER teams_versioned_delete AFTER DELETE ON teams
	BEGIN UPDATE directory_version SET version = version + 1, stamp = random(), rules = rules + 1; END;

CREATE TRIGGER team_constituency_versioned_insert AFTER INSERT ON team_constituency
	BEGIN UPDATE directory_version SET version = version + 1, stamp = random(), rules = rules + 1; END;
CREATE TRIGGER team_constituency_versioned_update AFTER UPDATE ON team_constituency
	BEGIN UPDATE directory_version SET version = version + 1, stamp = random(), rules = rules + 1; END;
CREATE TRIGGER team_constituency_versioned_delete AFTER DELETE ON team_constituency
	BEGIN UPDATE directory_version SET version = version + 1, stamp = random(), rules = rules + 1; END;

CREATE TRIGGER team_texts_versioned_insert AFTER INSERT ON team_texts
	BEGIN UPDATE directory_version SET version = version + 1, stamp = random(); END;
CREATE TRIGGER team_texts_versioned_update AFTER UPDATE ON team_texts
	BEGIN UPDATE directory_version SET version = version + 1, stamp = random(); END;
CREATE TRIGGER team_texts_versioned_delete AFTER DELETE ON team_texts
	BEGIN UPDATE directory_version SET version = version + 1, stamp = random(); END;

CREATE TRIGGER team_visibility_versioned_insert AFTER INSERT ON team_visibility
	BEGIN UPDATE directory_version SET version = version + 1, stamp = random(); END;
CREATE TRIGGER team_visibility_versioned_update AFTER UPDATE ON team_visibility
	BEGIN UPDATE directory_version SET version = version + 1, stamp = random(); END;
CREATE TRIGGER team_visibility_versioned_delete AFTER DELETE ON team_visibility
	BEGIN UPDATE directory_version SET version = version + 1, stamp = random(); END;

CREATE TRIGGER team_contacts_versioned_insert AFTER INSERT ON team_contacts
	BEGIN UPDATE directory_version SET version = version + 1, stamp = random(); END;
CREATE TRIGGER team_contacts_versioned_update AFTER UPDATE ON team_contacts
	BEGIN UPDATE directory_version SET version = version + 1, stamp = random(); END;
CREATE TRIGGER team_contacts_versioned_delete AFTER DELETE ON team_contacts
	BEGIN UPDATE directory_version SET version = version + 1, stamp = random(); END;

CREATE TRIGGER team_people_versioned_insert AFTER INSERT ON team_people
	BEGIN UPDATE directory_version SET version = version + 1, stamp = random(); END;
CREATE TRIGGER team_people_versioned_update AFTER UPDATE ON team_people
	BEGIN UPDATE directory_version SET version = version + 1, stamp = random(); END;
CREATE TRIGGER team_people_versioned_delete AFTER DELETE ON team_people
	BEGIN UPDATE directory_version SET version = version + 1, stamp = random(); END;

CREATE TRIGGER team_keys_versioned_insert AFTER INSERT ON team_keys
	BEGIN UPDATE directory_version SET version = version + 1, stamp = random(); END;
CREATE TRIGGER team_keys_versioned_update AFTER UPDATE ON team_keys
	BEGIN UPDATE directory_version SET version = version + 1, stamp = random(); END;
CREATE TRIGGER team_keys_versioned_delete AFTER DELETE ON team_keys
	BEGIN UPDATE directory_version SET version = version + 1, stamp = random(); END;

CREATE TRIGGER instance_keys_versioned_insert AFTER INSERT ON instance_keys
	BEGIN UPDATE directory_version SET snapshot_key = snapshot_key + 1; END;
CREATE TRIGGER instance_keys_versioned_update AFTER UPDATE ON instance_keys
	BEGIN UPDATE directory_version SET snapshot_key = snapshot_key + 1; END;
CREATE TRIGGER instance_keys_versioned_delete AFTER DELETE ON instance_keys
	BEGIN UPDATE directory_version SET snapshot_key = snapshot_key + 1; END;
