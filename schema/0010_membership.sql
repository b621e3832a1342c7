-- Membership (issue 4, docs/membership.md): applications from the public
-- form to a decision, their sponsors, the community window, the history of
-- every transition, and the status of member organisations.

-- A member organisation's standing, apart from its kind: an active member,
-- a suspended one (its users cannot sign in, its record is hidden), or one
-- that has withdrawn (退会). org_group names the group of companies the
-- organisation belongs to ('' = none): at least one sponsor of an
-- application must come from outside the applicant's group.
ALTER TABLE orgs ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
	CHECK (status IN ('active', 'suspended', 'withdrawn'));
ALTER TABLE orgs ADD COLUMN status_changed_at INTEGER;
ALTER TABLE orgs ADD COLUMN org_group TEXT NOT NULL DEFAULT '';

-- When a team left the association (YYYY-MM-DD, '' = still a member):
-- the statistics count a member from joined to left_on.
ALTER TABLE teams ADD COLUMN left_on TEXT NOT NULL DEFAULT '';

-- Every change of an organisation's status, with who, when and why.
CREATE TABLE org_status_history (
	id             INTEGER PRIMARY KEY,
	org_id         INTEGER NOT NULL REFERENCES orgs(id),
	from_status    TEXT NOT NULL,
	to_status      TEXT NOT NULL,
	reason         TEXT NOT NULL DEFAULT '',
	actor_user_id  INTEGER,
	at             INTEGER NOT NULL
);
CREATE INDEX org_status_history_org ON org_status_history(org_id, at);

-- The public form before its address is verified: nothing else is stored
-- until the contact follows the mailed link. payload is the form as JSON
-- (organisation, team draft, contact).
CREATE TABLE application_requests (
	id          INTEGER PRIMARY KEY,
	token_hash  BLOB NOT NULL UNIQUE,
	email       TEXT NOT NULL COLLATE NOCASE,
	org_name    TEXT NOT NULL COLLATE NOCASE,
	lang        TEXT NOT NULL CHECK (lang IN ('en', 'ja')),
	payload     TEXT NOT NULL,
	client_addr TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL,
	used_at     INTEGER
);
CREATE INDEX application_requests_email ON application_requests(email);

-- One application per applicant organisation and attempt. team_draft is
-- the directory record as the team edit form takes it (JSON); it becomes
-- the team's record on approval (team_id). rules_version names the texts
-- of the association's rules, TLP 2.0 and the Chatham House Rule that the
-- applicant accepted (a hash of them), at rules_accepted_at.
CREATE TABLE applications (
	id                 INTEGER PRIMARY KEY,
	org_id             INTEGER NOT NULL REFERENCES orgs(id),
	state              TEXT NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'submitted', 'sponsor_review',
	                       'community_window', 'secretariat_review', 'approved', 'rejected', 'withdrawn')),
	org_name           TEXT NOT NULL COLLATE NOCASE,
	org_name_ja        TEXT NOT NULL DEFAULT '',
	org_group          TEXT NOT NULL DEFAULT '',
	contact_name       TEXT NOT NULL,
	contact_email      TEXT NOT NULL COLLATE NOCASE,
	lang               TEXT NOT NULL CHECK (lang IN ('en', 'ja')),
	team_draft         TEXT NOT NULL DEFAULT '{}',
	rules_version      TEXT NOT NULL DEFAULT '',
	rules_accepted_at  INTEGER,
	sponsors_required  INTEGER NOT NULL,
	window_ends_at     INTEGER,
	decision_reason    TEXT NOT NULL DEFAULT '',   -- rejection or send-back: told to the applicant
	team_id            INTEGER REFERENCES teams(id),
	created_at         INTEGER NOT NULL,
	updated_at         INTEGER NOT NULL,
	submitted_at       INTEGER,
	decided_at         INTEGER
);
CREATE INDEX applications_state ON applications(state);
CREATE INDEX applications_org ON applications(org_id);
CREATE INDEX applications_email ON applications(contact_email);
CREATE INDEX applications_name ON applications(org_name);

-- The member teams an applicant names as sponsors, and their answers.
CREATE TABLE application_sponsors (
	application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
	team_id         INTEGER NOT NULL REFERENCES teams(id),
	state           TEXT NOT NULL DEFAULT 'named' CHECK (state IN ('named', 'asked', 'supported', 'declined')),
	statement       TEXT NOT NULL DEFAULT '',
	asked_at        INTEGER,
	answered_at     INTEGER,
	answered_by     INTEGER REFERENCES users(id),
	PRIMARY KEY (application_id, team_id)
) WITHOUT ROWID;

-- The community window: one answer per member organisation, which it may
-- change until the window ends. reason is for the secretariat only.
CREATE TABLE application_opinions (
	application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
	org_id          INTEGER NOT NULL REFERENCES orgs(id),
	stance          TEXT NOT NULL CHECK (stance IN ('support', 'object')),
	reason          TEXT NOT NULL DEFAULT '',
	user_id         INTEGER REFERENCES users(id),
	at              INTEGER NOT NULL,
	PRIMARY KEY (application_id, org_id)
) WITHOUT ROWID;

-- Every transition of every application: the statistics read the time
-- spent in each stage from here.
CREATE TABLE application_history (
	id              INTEGER PRIMARY KEY,
	application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
	from_state      TEXT NOT NULL,   -- '' for the creation
	to_state        TEXT NOT NULL,
	event           TEXT NOT NULL,
	note            TEXT NOT NULL DEFAULT '',
	actor_user_id   INTEGER,
	actor_org_id    INTEGER,
	at              INTEGER NOT NULL
);
CREATE INDEX application_history_app ON application_history(application_id, at);
