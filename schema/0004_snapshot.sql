-- The instance's own signing keys (issue 3, offline snapshot). One row per
-- purpose; today only 'snapshot': the Ed25519 key that signs the offline
-- directory snapshots. It is made on first use (the server's first
-- snapshot, or `shisa directory snapshot|pubkey`) and lives here, not in a
-- file, so that a backup and its restore keep the key members were given:
-- a snapshot made before a restore still verifies after it. The secret key
-- never leaves this table (no page, API, log line or command prints it);
-- a backup file holds it like the rest of the database and is kept as
-- carefully (docs/backup.md). The snapshots themselves are derived data and
-- live in files beside the database (docs/snapshot.md).
CREATE TABLE instance_keys (
	purpose      TEXT PRIMARY KEY CHECK (purpose IN ('snapshot')),
	algorithm    TEXT NOT NULL CHECK (algorithm = 'ed25519'),
	public_key   BLOB NOT NULL CHECK (length(public_key) = 32),
	secret_key   BLOB NOT NULL CHECK (length(secret_key) = 64),
	created_at   INTEGER NOT NULL
);
