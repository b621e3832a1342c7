-- Constituency types ("type" rules) are a search filter and facet
-- (src/directory/constituency_type.h): a change to one is a change to what
-- search reads, so it counts in search_version like the fields and texts
-- (0005_search.sql), and the search index in memory is not used until it
-- is rebuilt with it.
CREATE TRIGGER team_constituency_searched_insert AFTER INSERT ON team_constituency WHEN new.kind = 'type'
	BEGIN UPDATE search_version SET version = version + 1; END;
CREATE TRIGGER team_constituency_searched_update AFTER UPDATE ON team_constituency
	WHEN old.kind = 'type' OR new.kind = 'type'
	BEGIN UPDATE search_version SET version = version + 1; END;
CREATE TRIGGER team_constituency_searched_delete AFTER DELETE ON team_constituency WHEN old.kind = 'type'
	BEGIN UPDATE search_version SET version = version + 1; END;

-- What search reads of them, without reading the whole constituency table
-- (a million networks at 100,000 teams): their keys (lower(trim(value)),
-- as src/directory/constituency_type.h writes it, character for
-- character) by team, for the filter and the counts of a search's
-- matches; by key and spelling, for the spelling each facet shows; and
-- the few teams that are not active, whose rows the public does not see.
CREATE INDEX team_constituency_type_of ON team_constituency
	(team_id, lower(trim(value, ' ' || char(9, 10, 13))), visibility) WHERE kind = 'type';
CREATE INDEX team_constituency_type_spelling ON team_constituency
	(lower(trim(value, ' ' || char(9, 10, 13))), trim(value, ' ' || char(9, 10, 13)), visibility, team_id)
	WHERE kind = 'type';
CREATE INDEX teams_inactive ON teams(state) WHERE state != 'active';
