-- Snapshot signing keys the instance no longer signs with (issue 3,
-- `shisa directory rotate-key`). Only the public key stays, so copies of
-- the directory signed before the rotation can still be checked; the
-- secret key is deleted by the rotation. REASON says how far to trust what
-- the key signed:
--   superseded   replaced in the ordinary course: a snapshot it signed
--                that says it was made before RETIRED_AT still verifies;
--   compromised  replaced because it leaked: anyone may have signed with
--                it since, so nothing it signed is trusted any more.
-- Key files list these keys after the current one (docs/snapshot.md).
CREATE TABLE retired_instance_keys (
	public_key  BLOB PRIMARY KEY CHECK (length(public_key) = 32),
	purpose     TEXT NOT NULL CHECK (purpose IN ('snapshot')),
	algorithm   TEXT NOT NULL CHECK (algorithm = 'ed25519'),
	created_at  INTEGER NOT NULL,
	retired_at  INTEGER NOT NULL,
	reason      TEXT NOT NULL CHECK (reason IN ('superseded', 'compromised'))
);
