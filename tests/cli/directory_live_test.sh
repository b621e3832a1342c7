#!/bin/sh
# Writes made outside a running server reach it without a restart, and a
# restart with nothing changed keeps the offline snapshot: the real binary
# serving a real database while `shisa directory import` and the sqlite3
# shell write to the same file. Within a few seconds the server routes by
# the new rule (GET /api/v1/lookup), shows the new name on the routing
# card, finds the new team in search from its index (not the SQL stand-in)
# and holds it in the snapshot it keeps beside the database; a restart with
# nothing changed keeps that snapshot (same file, "kept" in the log), one
# after a change made while the server was down makes a new one. A
# `shisa directory rotate-key` beside the running server: the server signs
# with the new key and publishes it. A backup restored and changed until
# it counts as many changes as the state the snapshot was made from still
# gets a new snapshot (the directory's random stamp differs).
#
#   tests/cli/directory_live_test.sh PATH/TO/shisa
set -u

SHISA=${1:?usage: directory_live_test.sh PATH/TO/shisa}
. "$(dirname "$0")/lib.sh"
case $SHISA in /*) ;; *) SHISA=$PWD/$SHISA ;; esac
# libh2o's own leaks at exit, as the HTTP tests suppress them.
SUPP=$(cd "$(dirname "$0")/.." && pwd)/lsan.supp
for tool in sqlite3 curl; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "directory_live_test: the $tool command is needed (scripts/deps test)"
		exit 1
	fi
done

T=$(mktemp -d /tmp/shisa-live-XXXXXX) || exit 1
DB=$T/shisa.db
SNAP=$DB-snapshot/directory.json
server=

cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
cd "$T" || exit 1
unset SHISA_CONFIG SHISA_DB

# start LOG: shisa serve on $DB in the background, logging to $T/LOG; sets
# $server and $base once it listens.
start() {
	: >"$T/$1"
	LSAN_OPTIONS=suppressions=$SUPP:print_suppressions=0 \
		"$SHISA" serve --db "$DB" --listen 127.0.0.1:0 --threads 1 --set reminder_max=0 2>"$T/$1" &
	server=$!
	i=0
	while [ $i -lt 300 ] && ! grep -q 'msg=listening' "$T/$1"; do sleep 0.1; i=$((i + 1)); done
	base=http://$(sed -n 's/.*msg=listening addr=\([^ ]*\).*/\1/p' "$T/$1" | head -1)
}

# stop: SIGTERM, and the server must exit 0 with a clean log.
stop() {
	kill "$server"
	wait "$server"
	status=$?
	server=
	same "$status" 0 "shisa serve stops cleanly"
	if grep -q -e 'Sanitizer' -e 'runtime error:' "$T"/serve*.log; then fail "a sanitizer report in the server log"; fi
}

# within SECONDS WHAT CMD...: CMD succeeds within SECONDS (tried every 0.2 s).
within() {
	limit=$(($1 * 5))
	what=$2
	shift 2
	i=0
	while [ $i -lt $limit ]; do
		if "$@" >/dev/null 2>&1; then
			pass "$what"
			return
		fi
		sleep 0.2
		i=$((i + 1))
	done
	"$@" >"$T/out" 2>"$T/err"
	fail "$what (not within $limit tries)"
}

# Checks polled by within.
routes_to() {   # routes_to QUERY SLUG
	curl -fsS "$base/api/v1/lookup?$1" | grep -q "\"slug\":\"$2\""
}
finds() {       # finds WORD SLUG: from the index in memory, not from SQL
	curl -fsS "$base/metrics" | grep -q '^shisa_search_index_current 1$' &&
		curl -fsS "$base/api/v1/teams?q=$1" | grep -q "\"slug\":\"$2\""
}
snapshot_has() {
	grep -q "$1" "$SNAP"
}
logged() {      # logged LOG REGEX
	grep -Eq "$2" "$T/$1"
}

"$SHISA" migrate --db "$DB" >/dev/null 2>&1 || { echo "FAIL: migrate"; exit 1; }
cat >"$T/first.csv" <<'EOF'
slug,name_en,name_ja,country,email_incident,constituency
first-csirt,First CSIRT,ファースト,JP,report@first.example.jp,192.0.2.0/24 first.example.jp
EOF
"$SHISA" directory import --db "$DB" "$T/first.csv" >/dev/null 2>&1 || { echo "FAIL: the first import"; exit 1; }

# --- a running server sees what a command writes ------------------------------

start serve1.log
case $base in http://127.0.0.1:*) pass "the server listens" ;; *) fail "the server did not start"; exit 1 ;; esac
within 20 "the first snapshot is written" logged serve1.log 'msg="directory snapshot written"'
within 5 "the server routes the rule it started with" routes_to 'ip=192.0.2.7' first-csirt
curl -fsS "$base/api/v1/lookup?ip=198.51.100.7" >"$T/out" 2>"$T/err"
expect_line out '"found":false' "nobody handles 198.51.100.7 yet"

cat >"$T/second.csv" <<'EOF'
slug,name_en,name_ja,country,email_incident,constituency
second-csirt,Zweite Kaninchen CSIRT,セカンド,JP,report@second.example.jp,198.51.100.0/24 AS64511 second.example.jp
EOF
run directory import --db "$DB" "$T/second.csv"
expect 0 "shisa directory import beside the running server"
within 5 "the server routes the imported network to the new team" routes_to 'ip=198.51.100.7' second-csirt
within 5 "... and the AS number" routes_to 'asn=AS64511' second-csirt
within 5 "... and the domain" routes_to 'domain=second.example.jp' second-csirt
within 10 "search finds the new team from its index" finds Kaninchen second-csirt
within 20 "the server's snapshot holds the new team" snapshot_has 'Zweite Kaninchen CSIRT'
run directory verify "$SNAP" --db "$DB"
expect 0 "the snapshot the server made verifies"
within 5 "the server logs a change by another process" logged serve1.log 'msg="directory changed by another process" rules=yes'

# A change of a record only: the routing card shows the new name.
sqlite3 "$DB" "UPDATE teams SET name_en = 'Renamed Second CSIRT' WHERE slug = 'second-csirt'"
within 5 "a name changed with the sqlite3 shell shows on the routing card" \
	sh -c "curl -fsS '$base/api/v1/lookup?ip=198.51.100.7' | grep -q 'Renamed Second CSIRT'"
within 20 "... and in the snapshot" snapshot_has 'Renamed Second CSIRT'
# A rule removed: the server stops routing by it.
sqlite3 "$DB" "DELETE FROM team_constituency WHERE value = '198.51.100.0/24'"
within 5 "a rule deleted with the sqlite3 shell no longer routes" \
	sh -c "curl -fsS '$base/api/v1/lookup?ip=198.51.100.7' | grep -q '\"found\":false'"
within 20 "... and the snapshot no longer lists it" sh -c "! grep -q '198.51.100.0/24' '$SNAP'"
# The server's own writes are not rebuilt twice: no line for them.
lines=$(grep -c 'directory changed by another process' "$T/serve1.log")
same "$lines" 3 "one line for each of the three changes made outside the server"

# A new signing key: the server signs its next snapshot with it and
# publishes it, the old one listed as superseded.
OLD_KEY=$(curl -fsS "$base/api/v1/directory/snapshot.key" | grep '^ed25519:')
mkdir "$T/rotated"
run directory rotate-key --db "$DB" --out "$T/rotated"
expect 0 "shisa directory rotate-key beside the running server"
NEW_KEY=$(sed -n 's/.*now signed with \(ed25519:[^ ]*\)$/\1/p' "$T/err")
key_is() {
	curl -fsS "$base/api/v1/directory/snapshot.key" >"$T/key.txt" && grep -qxF "$NEW_KEY" "$T/key.txt" &&
		grep -q "^superseded .* $OLD_KEY\$" "$T/key.txt"
}
within 20 "the server publishes the new key, the old one as superseded" key_is
within 20 "the server's snapshot is signed with the new key" "$SHISA" directory verify "$SNAP" --key "$NEW_KEY"
run directory verify "$SNAP" --key "$T/key.txt"
expect 0 "... and verifies with the key file the server publishes"
stop

# --- a restart with nothing changed keeps the snapshot --------------------------

within 1 "the snapshot is in place" test -s "$SNAP"
before=$(stat -c '%Y %i %s' "$SNAP")
sleep 1.1
start serve2.log
within 10 "a restart with nothing changed keeps the snapshot" logged serve2.log 'msg="directory snapshot kept: nothing changed since it was made" teams=2'
sleep 2
same "$(stat -c '%Y %i %s' "$SNAP")" "$before" "the snapshot file was not written again"
no_line serve2.log 'msg="directory snapshot written"' "no snapshot written at that start"
within 5 "the restarted server routes as before" routes_to 'ip=192.0.2.7' first-csirt
stop

# --- a change while the server is down: made again at start -------------------

sqlite3 "$DB" "UPDATE teams SET name_en = 'Third Name CSIRT' WHERE slug = 'second-csirt'"
start serve3.log
within 20 "a change made while the server was down gives a new snapshot at start" logged serve3.log 'msg="directory snapshot written"'
no_line serve3.log 'snapshot kept' "and it is not kept"
within 5 "it holds the change" snapshot_has 'Third Name CSIRT'
stop

# --- a restored backup that comes round to the same count ---------------------

sqlite3 "$DB" ".backup '$T/backup.db'"
start serve4.log
sqlite3 "$DB" "UPDATE teams SET name_en = 'Lost Name CSIRT' WHERE slug = 'second-csirt'"
within 20 "a change after the backup reaches the snapshot" snapshot_has 'Lost Name CSIRT'
count=$(q "SELECT version FROM directory_version")
stop
rm -f "$DB-wal" "$DB-shm"
cp "$T/backup.db" "$DB"
sqlite3 "$DB" "UPDATE teams SET name_en = 'Redone Name CSIRT' WHERE slug = 'second-csirt'"
same "$(q "SELECT version FROM directory_version")" "$count" "the restored directory counts as many changes as the lost one"
start serve5.log
within 20 "... yet the snapshot is made again at start" logged serve5.log 'msg="directory snapshot written"'
within 5 "... and holds the directory as restored and changed" snapshot_has 'Redone Name CSIRT'
stop

echo "directory_live_test: $checks checks, $failures failed"
[ "$failures" -eq 0 ]
