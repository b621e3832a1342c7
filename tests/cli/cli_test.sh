#!/bin/sh
# The command line, run for real: the shisa binary against real database
# files, with the sqlite3 command to look inside them, to hold them and to
# tamper with them. Each check prints "ok: ..." or "FAIL: ..." with what
# the command printed; the script exits 1 if any check failed.
#
#   tests/cli/cli_test.sh PATH/TO/shisa
set -u

SHISA=${1:?usage: cli_test.sh PATH/TO/shisa}
. "$(dirname "$0")/lib.sh"
case $SHISA in /*) ;; *) SHISA=$PWD/$SHISA ;; esac
if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "cli_test: the sqlite3 command is needed (apt-get install sqlite3)"
	exit 77
fi

T=$(mktemp -d /tmp/shisa-cli-XXXXXX) || exit 1
DB=$T/shisa.db
holder=
server=

cleanup() {
	[ -n "$holder" ] && kill "$holder" 2>/dev/null
	[ -n "$server" ] && kill "$server" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# No configuration but what each check passes.
cd "$T" || exit 1
unset SHISA_CONFIG SHISA_DB

# wait_for FILE [REGEX]: until FILE exists (and has a line matching REGEX), at most 20 s.
wait_for() {
	i=0
	while [ $i -lt 200 ]; do
		if [ -e "$1" ] && { [ $# -lt 2 ] || grep -Eq -- "$2" "$1"; }; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# hold_db PATH: a sqlite3 process takes a write transaction on PATH and
# keeps it until release_db. It reads its SQL from a FIFO, so it holds the
# lock exactly until we close our end, and tells us by creating a file
# once the transaction is open.
hold_db() {
	rm -f "$T/hold.fifo" "$T/held"
	mkfifo "$T/hold.fifo"
	sqlite3 "$1" <"$T/hold.fifo" >/dev/null 2>"$T/hold.err" &
	holder=$!
	exec 3>"$T/hold.fifo"
	printf 'BEGIN EXCLUSIVE;\nSELECT count(*) FROM users;\n.shell touch %s/held\n' "$T" >&3
	wait_for "$T/held"
}

release_db() {
	exec 3>&-
	wait "$holder"
	holder=
}

# --- usage -----------------------------------------------------------------

for cmd in serve migrate setup-link backup restore audit version; do
	run "$cmd" --help
	expect 0 "shisa $cmd --help exits 0"
	expect_line out "^usage: shisa $cmd" "shisa $cmd --help prints its usage"
done
run audit verify --help
expect 0 "shisa audit verify --help exits 0"
expect_line out '^usage: shisa audit verify' "shisa audit verify --help prints its usage"

run
expect 2 "shisa alone is a usage error"
run frobnicate
expect 2 "an unknown command is a usage error"
run backup --db "$DB"
expect 2 "backup without FILE is a usage error"
expect_line err '^usage: shisa backup' "backup without FILE prints usage on stderr"
run backup a.db b.db --db "$DB"
expect 2 "backup with two files is a usage error"
run backup a.db --bogus
expect 2 "backup with an unknown option is a usage error"
run restore --db "$DB"
expect 2 "restore without FILE is a usage error"
run restore a.db --bogus
expect 2 "restore with an unknown option is a usage error"
run audit
expect 2 "audit without a subcommand is a usage error"
expect_line err '^usage: shisa audit' "audit without a subcommand prints usage"
run audit frobnicate
expect 2 "an unknown audit subcommand is a usage error"
expect_line err 'unknown subcommand "frobnicate"' "the unknown subcommand is named"
run audit verify extra --db "$DB"
expect 2 "audit verify with an argument is a usage error"
run setup-link --db "$DB" --base-url ftp://example.org
expect 2 "setup-link refuses a base URL that is not http(s)"
run setup-link --db "$DB" extra
expect 2 "setup-link with an argument is a usage error"
if [ -e "$DB" ]; then fail "usage errors created the database"; else pass "usage errors create nothing"; fi

# --- migrate and setup-link -------------------------------------------------

run migrate --db "$DB"
expect 0 "migrate creates the database"

run setup-link --db "$DB"
expect 0 "setup-link on a new instance"
same "$(sed -n 1p "$T/out")" "First sign-in: open this link within 24 hours to create the secretariat account:" \
	"setup-link says what the link is for"
expect_line out '^  http://127\.0\.0\.1:8080/setup\?token=[A-Za-z0-9_-]{43}$' "setup-link prints the link on the default base URL"
same "$(sed -n 3p "$T/out")" "or run: $SHISA admin create --db $DB --email you@example.org --name \"Your Name\"" \
	"setup-link names the alternative, with this binary and database"
same "$(wc -l <"$T/out")" 3 "setup-link prints three lines"
same "$(grep -c 'token=' "$T/out")" 1 "the link is printed once"
token=$(sed -n 's/.*token=//p' "$T/out")
same "$(q 'SELECT count(*) FROM setup_tokens')" 1 "one setup token is stored"
if cat "$DB" "$DB-wal" 2>/dev/null | grep -aq -- "$token"; then
	fail "the setup token is stored in clear"
else
	pass "the setup token is stored only hashed"
fi
same "$(q "SELECT action || ' ' || object_type || ' ' || request_id FROM audit_log")" "setup.link_created setup_token cli" \
	"the setup link is in the audit log"

run setup-link --db "$DB" --base-url https://csirt.example.jp/
expect 0 "setup-link with a base URL"
expect_line out '^  https://csirt\.example\.jp/setup\?token=[A-Za-z0-9_-]{43}$' "the link uses the base URL, without a double slash"

q "INSERT INTO orgs (id, name, kind, created_at) VALUES (1, 'Secretariat', 'secretariat', 0);
   INSERT INTO users (org_id, email, name, created_at) VALUES (1, 'first@example.jp', 'First', 0);"
tokens=$(q 'SELECT count(*) FROM setup_tokens')
rows=$(q 'SELECT count(*) FROM audit_log')
run setup-link --db "$DB"
expect 0 "setup-link once accounts exist"
same "$(cat "$T/out")" "Accounts exist: sign in at http://127.0.0.1:8080/signin" "setup-link only says where to sign in"
same "$(q 'SELECT count(*) FROM setup_tokens')" "$tokens" "no token is made once accounts exist"
same "$(q 'SELECT count(*) FROM audit_log')" "$rows" "nothing is audited when nothing changes"

# --- backup -----------------------------------------------------------------

run backup "$T/b1.db" --db "$DB"
expect 0 "backup"
expect_line out "^backed up $DB to $T/b1\.db \([0-9]+ pages, [0-9]+\.[0-9] MiB, schema [0-9]+\)$" "backup prints its summary"
same "$(cat "$T/err")" "" "no progress when stderr is not a terminal"
same "$(sqlite3 "$T/b1.db" 'PRAGMA integrity_check')" ok "the backup passes integrity_check"
same "$(sqlite3 "$T/b1.db" 'SELECT email FROM users')" first@example.jp "the backup holds the data"
same "$(ls "$T" | grep -c 'b1\.db')" 1 "the backup is one file, no .tmp or -wal"

run backup "$T/b1.db" --db "$DB"
expect 1 "backup does not replace a file"
expect_line err "^shisa backup: $T/b1\.db exists" "backup says the file exists"
run backup "$T/b1.db" --db "$DB" --force
expect 0 "backup --force replaces the file"
run backup "$DB" --db "$DB" --force
expect 1 "backup never writes over the database itself"
same "$(q 'PRAGMA integrity_check')" ok "the database survived the attempt"
run backup "$T/nowhere/b.db" --db "$DB"
expect 1 "backup into a missing folder fails"
run backup "$T/b2.db" --db "$T/missing.db"
expect 1 "backup of a missing database fails"
if [ -e "$T/missing.db" ]; then fail "backup created the database it was to copy"; else pass "backup creates no database"; fi

if command -v script >/dev/null 2>&1; then
	script -qec "'$SHISA' backup '$T/tty.db' --db '$DB'" /dev/null >"$T/out" 2>"$T/err"
	rc=$?
	expect 0 "backup on a terminal"
	expect_line out 'backup: [0-9]+/[0-9]+ pages \(100%\)' "backup shows progress on a terminal"
fi

# --- audit verify -----------------------------------------------------------

rows=$(q 'SELECT count(*) FROM audit_log')
run audit verify --db "$DB"
expect 0 "audit verify on an intact log"
same "$(cat "$T/out")" "audit log: $rows rows, chain intact" "audit verify counts the rows"

# --- restore ----------------------------------------------------------------

q "DELETE FROM users; INSERT INTO orgs (name, kind, created_at) VALUES ('Later', 'member', 1);"

run restore "$T/b1.db" --db "$DB"
expect 1 "restore does not replace a database with data unless forced"
expect_line err 'holds organisations or users: --force replaces it' "restore says why and what to do"
same "$(q 'SELECT count(*) FROM users')" 0 "the refused restore changed nothing"

hold_db "$DB" || fail "sqlite3 did not take the lock ($(cat "$T/hold.err"))"
run restore "$T/b1.db" --db "$DB" --force
expect 1 "restore refused while another process writes"
same "$(cat "$T/err")" "shisa restore: the database is in use: stop shisa serve first" "restore says the database is in use"
release_db
same "$(q "SELECT count(*) FROM orgs WHERE name = 'Later'")" 1 "the refused restore left the database alone"

ASAN_OPTIONS=detect_leaks=0 "$SHISA" serve --db "$DB" --listen 127.0.0.1:0 --threads 1 2>"$T/serve.log" &
server=$!
if wait_for "$T/serve.log" 'msg=listening'; then
	run restore "$T/b1.db" --db "$DB" --force
	expect 1 "restore refused while shisa serve runs, even idle"
	expect_line err 'the database is in use: stop shisa serve first' "restore says to stop shisa serve"
	run backup "$T/live.db" --db "$DB"
	expect 0 "backup while shisa serve runs"
	same "$(sqlite3 "$T/live.db" "SELECT count(*) FROM orgs WHERE name = 'Later'")" 1 "the live backup is current"
else
	fail "shisa serve did not start: $(cat "$T/serve.log")"
fi
kill "$server"
wait "$server"
server=

run restore "$T/b1.db" --db "$DB" --force
expect 0 "restore --force"
expect_line out "^kept the current database as $DB\.before-restore-[0-9]{8}T[0-9]{6} \([0-9]+ pages, [0-9.]+ MiB, schema [0-9]+\)$" \
	"restore says where the old database is kept"
expect_line out "^restored $DB from $T/b1\.db \([0-9]+ pages, [0-9.]+ MiB, schema [0-9]+\)$" "restore says what it restored"
same "$(q 'SELECT email FROM users')" first@example.jp "restored: the user is back"
same "$(q "SELECT count(*) FROM orgs WHERE name = 'Later'")" 0 "restored: the later org is gone"
same "$(q 'PRAGMA integrity_check')" ok "the restored database passes integrity_check"
same "$(q 'PRAGMA journal_mode')" wal "the restored database is in WAL mode"
same "$(q "SELECT action || ' ' || request_id FROM audit_log ORDER BY id DESC LIMIT 1")" "db.restored cli" \
	"the restore is the last row of the restored audit log"
kept=$(ls "$DB".before-restore-* 2>/dev/null)
same "$(sqlite3 "$kept" "SELECT count(*) FROM orgs WHERE name = 'Later'")" 1 "the kept database has the data from before"
same "$(ls "$T" | grep -c 'before-restore')" 1 "the kept database is one file"
run audit verify --db "$DB"
expect 0 "the restored audit chain is intact"

run restore "$T/b1.db" --db "$T/fresh.db"
expect 0 "restore into a new database"
no_line out '^kept' "nothing to keep for a new database"
same "$(sqlite3 "$T/fresh.db" 'SELECT email FROM users')" first@example.jp "the new database has the data"

echo "this is not a database" >"$T/notes.txt"
run restore "$T/notes.txt" --db "$DB" --force
expect 1 "restore refuses a file that is not SQLite"
expect_line err 'is not an SQLite database' "restore says it is not SQLite"
sqlite3 "$T/other.db" 'CREATE TABLE t (x); INSERT INTO t VALUES (1);'
run restore "$T/other.db" --db "$DB" --force
expect 1 "restore refuses an SQLite file that is not shisa's"
expect_line err 'is not a shisa database' "restore says it is not shisa's"
cp "$T/b1.db" "$T/newer.db"
sqlite3 "$T/newer.db" 'PRAGMA user_version = 9999'
run restore "$T/newer.db" --db "$DB" --force
expect 1 "restore refuses a newer schema"
expect_line err 'schema version 9999 but this shisa knows only up to [0-9]+: restore it with a newer shisa' \
	"restore says a newer shisa is needed"
run restore "$T/missing.db" --db "$DB" --force
expect 1 "restore of a missing file fails"
same "$(q 'SELECT email FROM users')" first@example.jp "refused restores left the database alone"

# --- audit verify after tampering ------------------------------------------

q "UPDATE audit_log SET detail = 'nothing happened' WHERE id = 2"
run audit verify --db "$DB"
expect 1 "audit verify finds an edited row"
same "$(cat "$T/out")" "audit log: chain broken at row 2 (2 rows checked)" "audit verify names the edited row"
run audit verify --db "$T/missing.db"
expect 1 "audit verify of a missing database fails"

# --- lookup -------------------------------------------------------------------

L="$T/lookup.db"
run migrate --db "$L"
q_l() { sqlite3 "$L" "$1"; }
q_l "INSERT INTO teams (id, slug, name_en, created_at, updated_at) VALUES (1, 'nca', 'NCA', 0, 0), (2, 'bank', 'Bank', 0, 0);
     INSERT INTO team_constituency (team_id, kind, value, visibility) VALUES
       (1, 'cidr', '192.0.2.0/24', 'public'), (2, 'cidr', '192.0.2.128/25', 'secretariat'),
       (1, 'domain', 'example.jp', 'public'), (2, 'asn', 'AS64500', 'public')"
run lookup --db "$L" 192.0.2.200 www.example.jp AS64500 203.0.113.9
expect 0 "lookup of good queries"
same "$(sed -n 1p "$T/out")" "$(printf '192.0.2.200\tbank\t192.0.2.128/25\tBank')" "the most specific prefix comes first"
same "$(sed -n 2p "$T/out")" "$(printf '192.0.2.200\tnca\t192.0.2.0/24\tNCA')" "then the covering prefix"
same "$(sed -n 3p "$T/out")" "$(printf 'www.example.jp\tnca\texample.jp\tNCA')" "a domain rule covers its subdomains"
same "$(sed -n 5p "$T/out")" "$(printf '203.0.113.9\t-\tno team found')" "no team found is said so"
run lookup --db "$L" 192.0.2.300
expect 1 "a malformed query fails"
expect_line err '192\.0\.2\.300' "the malformed query is named"
printf '192.0.2.1\nas64500\n' | "$SHISA" lookup --db "$L" - >"$T/out" 2>"$T/err"
same "$(wc -l <"$T/out" | tr -d ' ')" 2 "lookup - reads one query per line"
run lookup --db "$L"
expect 2 "lookup without a query is a usage error"

echo "cli: $checks checks, $failures failed"
[ "$failures" -eq 0 ]
