-- The team directory (issue 3): one record per team, edited by the team's
-- own admins and the secretariat. Text that has two languages has an _en
-- and a _ja column. Every field has a visibility (public, members,
-- secretariat): scalar fields through team_visibility (a row only where a
-- team changed the default, which lives in src/directory/team_fields.c),
-- and every row of contacts, people, keys and constituency its own column.

CREATE TABLE teams (
	id                  INTEGER PRIMARY KEY,
	org_id              INTEGER UNIQUE REFERENCES orgs(id),
	slug                TEXT NOT NULL UNIQUE,
	state               TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'suspended', 'withdrawn')),
	name_en             TEXT NOT NULL,
	name_ja             TEXT NOT NULL DEFAULT '',
	short_name          TEXT NOT NULL DEFAULT '',
	registered_name     TEXT NOT NULL DEFAULT '',
	host_org_en         TEXT NOT NULL DEFAULT '',
	host_org_ja         TEXT NOT NULL DEFAULT '',
	country             TEXT NOT NULL DEFAULT 'JP',
	region              TEXT NOT NULL DEFAULT '',
	sector              TEXT NOT NULL DEFAULT '',
	csirt_type          TEXT NOT NULL DEFAULT '',
	established         TEXT NOT NULL DEFAULT '',   -- YYYY-MM-DD or ''
	joined              TEXT NOT NULL DEFAULT '',
	address_en          TEXT NOT NULL DEFAULT '',
	address_ja          TEXT NOT NULL DEFAULT '',
	tz                  TEXT NOT NULL DEFAULT 'Asia/Tokyo',
	business_hours_en   TEXT NOT NULL DEFAULT '',
	business_hours_ja   TEXT NOT NULL DEFAULT '',
	website             TEXT NOT NULL DEFAULT '',
	org_department      TEXT NOT NULL DEFAULT '',
	staff_at_founding   INTEGER,
	staff_now           INTEGER,
	structure_spread    TEXT NOT NULL DEFAULT '' CHECK (structure_spread IN ('', 'centralised', 'distributed')),
	structure_staffing  TEXT NOT NULL DEFAULT '' CHECK (structure_staffing IN ('', 'dedicated', 'part_time', 'mixed')),
	last_verified       INTEGER,
	created_at          INTEGER NOT NULL,
	updated_at          INTEGER NOT NULL
);
CREATE INDEX teams_sector ON teams(sector);
CREATE INDEX teams_region ON teams(region);

-- Long texts: the RFC 2350 sections and the association's own directory
-- texts, per language.
CREATE TABLE team_texts (
	team_id  INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
	section  TEXT NOT NULL,
	lang     TEXT NOT NULL CHECK (lang IN ('en', 'ja')),
	body     TEXT NOT NULL,
	PRIMARY KEY (team_id, section, lang)
) WITHOUT ROWID;

CREATE TABLE team_visibility (
	team_id     INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
	field       TEXT NOT NULL,
	visibility  TEXT NOT NULL CHECK (visibility IN ('public', 'members', 'secretariat')),
	PRIMARY KEY (team_id, field)
) WITHOUT ROWID;

CREATE TABLE team_contacts (
	id          INTEGER PRIMARY KEY,
	team_id     INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
	kind        TEXT NOT NULL CHECK (kind IN ('email_incident', 'email_general', 'phone_voice', 'phone_emergency', 'fax')),
	value       TEXT NOT NULL,
	hours       TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT '',
	visibility  TEXT NOT NULL CHECK (visibility IN ('public', 'members', 'secretariat')),
	position    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX team_contacts_team ON team_contacts(team_id, position);

CREATE TABLE team_people (
	id           INTEGER PRIMARY KEY,
	team_id      INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
	name         TEXT NOT NULL,
	role         TEXT NOT NULL CHECK (role IN ('primary_poc', 'secondary_poc', 'representative', 'member')),
	email        TEXT NOT NULL DEFAULT '',
	phone        TEXT NOT NULL DEFAULT '',
	key_fpr      TEXT NOT NULL DEFAULT '',
	visibility   TEXT NOT NULL CHECK (visibility IN ('public', 'members', 'secretariat')),
	position     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX team_people_team ON team_people(team_id, position);

CREATE TABLE team_keys (
	id           INTEGER PRIMARY KEY,
	team_id      INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
	fingerprint  TEXT NOT NULL,
	algo         TEXT NOT NULL,
	created      INTEGER NOT NULL,
	expires      INTEGER NOT NULL DEFAULT 0,   -- 0: never
	uids         TEXT NOT NULL,                -- JSON array of {name, email, comment}
	armored      TEXT NOT NULL,
	visibility   TEXT NOT NULL CHECK (visibility IN ('public', 'members', 'secretariat')),
	UNIQUE (team_id, fingerprint)
);
CREATE INDEX team_keys_expires ON team_keys(expires);

-- Constituency: what the team is responsible for. ASN, CIDR (canonical
-- network text) and domain rows feed the in-memory router; country and
-- type rows are descriptive.
CREATE TABLE team_constituency (
	id          INTEGER PRIMARY KEY,
	team_id     INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
	kind        TEXT NOT NULL CHECK (kind IN ('asn', 'cidr', 'domain', 'country', 'type')),
	value       TEXT NOT NULL,
	visibility  TEXT NOT NULL CHECK (visibility IN ('public', 'members', 'secretariat')),
	UNIQUE (team_id, kind, value)
);
CREATE INDEX team_constituency_value ON team_constituency(kind, value);

-- Full-text search over what each reader level may see: one row per team
-- and level (0 public, 1 members, 2 all), rebuilt by the application when
-- the record changes. The trigram tokenizer finds 「セキュリティ」 and "sec"
-- inside words, in Japanese and English alike.
CREATE VIRTUAL TABLE team_search USING fts5(
	body, team_id UNINDEXED, level UNINDEXED, tokenize = 'trigram'
);
