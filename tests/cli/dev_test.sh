#!/bin/sh
# `shisa dev seed` from the shell: what it refuses (a missing or
# out-of-range --teams, a bad --seed, taken slugs) with exit status 2 or 1
# and nothing written; what it writes (N teams, one audit row, routable
# rules); and that the same seed writes the same directory. Checked with
# the sqlite3 command-line tool.
#
# usage: dev_test.sh PATH/TO/shisa
set -u
SHISA=$1
command -v sqlite3 >/dev/null 2>&1 || { echo "sqlite3 not installed: skipped"; exit 77; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
unset SHISA_CONFIG SHISA_DB
FAILS=0

fail() {
	echo "FAIL: $*"
	FAILS=$((FAILS + 1))
}

# expect STATUS DESCRIPTION -- COMMAND...: run it, keep its output in
# $TMP/out and $TMP/err, and check its exit status (and that no sanitizer
# spoke).
expect() {
	want=$1 what=$2
	shift 3
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" -ne "$want" ] || grep -q -e 'Sanitizer' -e 'runtime error:' "$TMP/err"; then
		fail "$what: exit $got, wanted $want"
		sed 's/^/    out: /' "$TMP/out"
		sed 's/^/    err: /' "$TMP/err"
	fi
}

# has FILE TEXT DESCRIPTION
has() {
	grep -qF -- "$2" "$1" || fail "$3: \"$2\" not in $(basename "$1"): $(cat "$1")"
}

# same GOT WANT DESCRIPTION
same() {
	[ "$1" = "$2" ] || fail "$3: \"$1\", wanted \"$2\""
}

DB=$TMP/a.db
expect 0 "dev --help" -- "$SHISA" dev --help
has "$TMP/out" "usage: shisa dev seed --teams N" "the usage names the command"
expect 2 "dev without a subcommand" -- "$SHISA" dev
expect 2 "an unknown subcommand" -- "$SHISA" dev grow --db "$DB"
has "$TMP/err" 'unknown subcommand "grow"' "the unknown subcommand is named"
expect 2 "seed without --teams" -- "$SHISA" dev seed --db "$DB"
for n in 0 1000001 -5 12x ""; do
	expect 2 "--teams \"$n\"" -- "$SHISA" dev seed --teams "$n" --db "$DB"
	has "$TMP/err" "--teams must be a whole number from 1 to 1000000, not \"$n\"" "--teams \"$n\" is refused by name"
done
expect 2 "a seed that is not a number" -- "$SHISA" dev seed --teams 5 --seed abc --db "$DB"
has "$TMP/err" '--seed must be a whole number' "the bad seed is refused by name"
[ -e "$DB" ] && fail "refused runs created $DB"

expect 0 "seed 30 teams" -- "$SHISA" dev seed --teams 30 --seed 42 --db "$DB"
has "$TMP/out" "seeded 30 teams (seed 42) into $DB" "the summary says what was written"
same "$(sqlite3 "$DB" "SELECT count(*) FROM teams")" 30 "30 teams"
same "$(sqlite3 "$DB" "SELECT count(*) FROM team_search")" 90 "three search rows a team"
same "$(sqlite3 "$DB" "SELECT action || ' ' || detail FROM audit_log" | sed 's/,"os_user":.*//')" \
	'directory.seed {"teams":30,"seed":"42"' "one audit row for the run"
expect 0 "the audit chain holds" -- "$SHISA" audit verify --db "$DB"

# Seeding again: the same teams exist, so nothing is written.
first=$(sqlite3 "$DB" "SELECT slug FROM teams ORDER BY id LIMIT 1")
expect 1 "seeding the same teams again" -- "$SHISA" dev seed --teams 30 --seed 42 --db "$DB"
has "$TMP/err" "team \"$first\" exists already" "the taken slug is named"
same "$(sqlite3 "$DB" "SELECT count(*) FROM teams") $(sqlite3 "$DB" "SELECT count(*) FROM audit_log")" "30 1" \
	"a refused run writes nothing"

expect 0 "--if-empty on a directory with teams" -- "$SHISA" dev seed --teams 30 --if-empty --db "$DB"
has "$TMP/out" "$DB has 30 teams already: nothing seeded" "--if-empty says why nothing was seeded"
expect 0 "--if-empty on a new database" -- "$SHISA" dev seed --teams 3 --if-empty --db "$TMP/d.db"
same "$(sqlite3 "$TMP/d.db" "SELECT count(*) FROM teams")" 3 "--if-empty seeds an empty directory"

# The same seed gives the same teams, rules and texts.
dump() {
	sqlite3 "$1" "SELECT slug, name_en, name_ja, short_name, host_org_ja, sector, region, csirt_type, established FROM teams ORDER BY id;
		SELECT team_id, kind, value, visibility FROM team_constituency ORDER BY id;
		SELECT team_id, kind, value FROM team_contacts ORDER BY id;
		SELECT team_id, section, lang, body FROM team_texts ORDER BY 1, 2, 3"
}
expect 0 "seed 30 teams again elsewhere" -- "$SHISA" dev seed --teams 30 --seed 42 --db "$TMP/b.db"
same "$(dump "$DB" | cksum)" "$(dump "$TMP/b.db" | cksum)" "the same seed writes the same directory"
expect 0 "another seed" -- "$SHISA" dev seed --teams 30 --seed 43 --db "$TMP/c.db"
[ "$(dump "$DB" | cksum)" = "$(dump "$TMP/c.db" | cksum)" ] && fail "another seed writes the same directory"

# Its rules route.
rule=$(sqlite3 "$DB" "SELECT value FROM team_constituency WHERE kind = 'cidr' AND visibility = 'public' ORDER BY id LIMIT 1")
slug=$(sqlite3 "$DB" "SELECT slug FROM teams t JOIN team_constituency c ON c.team_id = t.id WHERE c.value = '$rule' ORDER BY c.id LIMIT 1")
expect 0 "lookup of a seeded prefix" -- "$SHISA" lookup --db "$DB" "$rule"
has "$TMP/out" "$(printf '%s\t%s\t%s' "$rule" "$slug" "$rule")" "the prefix routes to its team"

[ "$FAILS" -eq 0 ] && echo "dev: all checks passed"
[ "$FAILS" -eq 0 ]
