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
