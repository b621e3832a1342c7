-- Applications (issue 4), beyond 0010: the address (slug) the applicant
-- asks for its directory record, which becomes the team's on approval,
-- and the sponsor rows found by team ("the applications my team
-- sponsors").
ALTER TABLE applications ADD COLUMN team_slug TEXT NOT NULL DEFAULT '';
CREATE INDEX application_sponsors_team ON application_sponsors(team_id);
