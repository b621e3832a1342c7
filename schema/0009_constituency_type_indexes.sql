-- What search reads of constituency types (0008), without reading the
-- whole constituency table (a million networks at 100,000 teams): their
-- keys (lower(trim(value)), as src/directory/constituency_type.h writes
-- it, character for character) by team, for the filter and the counts of
-- a search's matches; by key and spelling, for the spelling each facet
-- shows; and the few teams that are not active, whose rows the public
-- does not see. The SQL search names these indexes (INDEXED BY).
CREATE INDEX team_constituency_type_of ON team_constituency
	(team_id, lower(trim(value, ' ' || char(9, 10, 13))), visibility) WHERE kind = 'type';
CREATE INDEX team_constituency_type_spelling ON team_constituency
	(lower(trim(value, ' ' || char(9, 10, 13))), trim(value, ' ' || char(9, 10, 13)), visibility, team_id)
	WHERE kind = 'type';
CREATE INDEX teams_inactive ON teams(state) WHERE state != 'active';
