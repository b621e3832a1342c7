-- The foundation: organisations, users, sessions, API tokens, MFA,
-- password resets, throttling, the hash-chained audit log, the job outbox
-- and instance settings. Times are Unix seconds, UTC.

CREATE TABLE orgs (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
	name_ja     TEXT NOT NULL DEFAULT '',
	kind        TEXT NOT NULL CHECK (kind IN ('member', 'observer', 'applicant', 'secretariat')),
	created_at  INTEGER NOT NULL
);

CREATE TABLE users (
	id                  INTEGER PRIMARY KEY,
	org_id              INTEGER NOT NULL REFERENCES orgs(id),
	email               TEXT NOT NULL UNIQUE COLLATE NOCASE,
	name                TEXT NOT NULL,
	role                TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'team_admin')),
	password_hash       TEXT,
	lang                TEXT NOT NULL DEFAULT 'ja' CHECK (lang IN ('en', 'ja')),
	tz                  TEXT NOT NULL DEFAULT 'Asia/Tokyo',
	disabled            INTEGER NOT NULL DEFAULT 0,
	mfa_secret          BLOB,
	mfa_enabled         INTEGER NOT NULL DEFAULT 0,
	mfa_last_step       INTEGER NOT NULL DEFAULT 0,
	created_at          INTEGER NOT NULL,
	password_changed_at INTEGER
);
CREATE INDEX users_org ON users(org_id);

CREATE TABLE recovery_codes (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	code_hash  BLOB NOT NULL,
	used_at    INTEGER
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

CREATE TABLE sessions (
	id            INTEGER PRIMARY KEY,
	token_hash    BLOB NOT NULL UNIQUE,
	user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	csrf          TEXT NOT NULL,
	mfa_pending   INTEGER NOT NULL DEFAULT 0,
	created_at    INTEGER NOT NULL,
	last_seen_at  INTEGER NOT NULL,
	expires_at    INTEGER NOT NULL,
	client_addr   TEXT NOT NULL DEFAULT '',
	user_agent    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
	id            INTEGER PRIMARY KEY,
	user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	name          TEXT NOT NULL,
	token_hash    BLOB NOT NULL UNIQUE,
	scope         TEXT NOT NULL CHECK (scope IN ('read', 'write')),
	created_at    INTEGER NOT NULL,
	expires_at    INTEGER,
	last_used_at  INTEGER,
	revoked_at    INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE password_resets (
	id          INTEGER PRIMARY KEY,
	user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	token_hash  BLOB NOT NULL UNIQUE,
	created_at  INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL,
	used_at     INTEGER
);

-- One-time links that let the first secretariat account be created.
CREATE TABLE setup_tokens (
	id          INTEGER PRIMARY KEY,
	token_hash  BLOB NOT NULL UNIQUE,
	created_at  INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL,
	used_at     INTEGER
);

-- Failed sign-ins per account ('user:ID') and per client ('addr:IP').
CREATE TABLE auth_throttle (
	key           TEXT PRIMARY KEY,
	failures      INTEGER NOT NULL,
	window_start  INTEGER NOT NULL,
	locked_until  INTEGER NOT NULL DEFAULT 0
);

-- Each row's hash is SHA-256 over the previous row's hash and this row's
-- fields; `shisa audit verify` walks the chain.
CREATE TABLE audit_log (
	id             INTEGER PRIMARY KEY,
	ts             INTEGER NOT NULL,
	actor_user_id  INTEGER,
	actor_org_id   INTEGER,
	action         TEXT NOT NULL,
	object_type    TEXT NOT NULL DEFAULT '',
	object_id      TEXT NOT NULL DEFAULT '',
	request_id     TEXT NOT NULL DEFAULT '',
	client_addr    TEXT NOT NULL DEFAULT '',
	detail         TEXT NOT NULL DEFAULT '',
	prev_hash      BLOB NOT NULL,
	hash           BLOB NOT NULL
);
CREATE INDEX audit_log_ts ON audit_log(ts);
CREATE INDEX audit_log_action ON audit_log(action);

-- The outbox: durable work (mail first) that survives restarts.
CREATE TABLE jobs (
	id            INTEGER PRIMARY KEY,
	kind          TEXT NOT NULL,
	payload       TEXT NOT NULL,
	state         TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
	attempts      INTEGER NOT NULL DEFAULT 0,
	max_attempts  INTEGER NOT NULL DEFAULT 8,
	run_after     INTEGER NOT NULL,
	locked_until  INTEGER NOT NULL DEFAULT 0,
	last_error    TEXT NOT NULL DEFAULT '',
	created_at    INTEGER NOT NULL,
	done_at       INTEGER
);
CREATE INDEX jobs_ready ON jobs(state, run_after);

CREATE TABLE settings (
	key    TEXT PRIMARY KEY,
	value  TEXT NOT NULL
);
