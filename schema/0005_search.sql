-- Full-text rows get the rowid team_id * 4 + level (team_store.c), so a
-- change to one team replaces its rows by rowid instead of scanning the
-- whole table for its team_id (seconds at 100,000 teams).
CREATE TEMP TABLE search_rows AS SELECT team_id, level, body FROM team_search;
DELETE FROM team_search;
INSERT INTO team_search (rowid, body, team_id, level)
	SELECT team_id * 4 + level, body, team_id, level FROM search_rows;
DROP TABLE search_rows;

-- What the search index in memory (search_index.c) was built from: a
-- number that every change to what search reads increments, whoever makes
-- it (the server, a command, the sqlite3 shell). The server searches with
-- SQL while its index is older than this.
CREATE TABLE search_version (
	id       INTEGER PRIMARY KEY CHECK (id = 1),
	version  INTEGER NOT NULL
);
INSERT INTO search_version (id, version) VALUES (1, 0);
CREATE TRIGGER teams_searched_insert AFTER INSERT ON teams
	BEGIN UPDATE search_version SET version = version + 1; END;
CREATE TRIGGER teams_searched_update AFTER UPDATE OF name_en, name_ja, short_name, registered_name, host_org_en,
	host_org_ja, state, sector, region, csirt_type, country ON teams
	BEGIN UPDATE search_version SET version = version + 1; END;
CREATE TRIGGER teams_searched_delete AFTER DELETE ON teams
	BEGIN UPDATE search_version SET version = version + 1; END;
CREATE TRIGGER team_texts_searched_insert AFTER INSERT ON team_texts
	BEGIN UPDATE search_version SET version = version + 1; END;
CREATE TRIGGER team_texts_searched_update AFTER UPDATE ON team_texts
	BEGIN UPDATE search_version SET version = version + 1; END;
CREATE TRIGGER team_texts_searched_delete AFTER DELETE ON team_texts
	BEGIN UPDATE search_version SET version = version + 1; END;
CREATE TRIGGER team_visibility_searched_insert AFTER INSERT ON team_visibility
	BEGIN UPDATE search_version SET version = version + 1; END;
CREATE TRIGGER team_visibility_searched_update AFTER UPDATE ON team_visibility
	BEGIN UPDATE search_version SET version = version + 1; END;
CREATE TRIGGER team_visibility_searched_delete AFTER DELETE ON team_visibility
	BEGIN UPDATE search_version SET version = version + 1; END;
