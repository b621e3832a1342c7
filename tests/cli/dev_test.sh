#!/bin/sh
# `shisa dev seed` from the shell: what it refuses (a missing or
# out-of-range --teams, a bad --seed, taken slugs) with exit status 2 or 1
# and nothing written; what it writes (N teams, one audit row, routable
# rules); and that the same seed writes the same directory. Checked with
# the sqlite3 command-line tool. Each check prints "ok: ..." or
# "FAIL: ..."; the script exits 1 if any failed.
#
#   tests/cli/dev_test.sh PATH/TO/shisa
set -u

SHISA=${1:?usage: dev_test.sh PATH/TO/shisa}
. "$(dirname "$0")/lib.sh"
case $SHISA in /*) ;; *) SHISA=$PWD/$SHISA ;; esac
if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "dev_test: the sqlite3 command is needed"
	exit 77
fi

T=$(mktemp -d /tmp/shisa-dev-XXXXXX) || exit 1
DB=$T/a.db
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
cd "$T" || exit 1
unset SHISA_CONFIG SHISA_DB

run dev --help
expect 0 "dev --help"
has out "usage: shisa dev seed --teams N" "the usage names the command"
run dev
expect 2 "dev without a subcommand"
run dev grow --db "$DB"
expect 2 "an unknown subcommand"
has err 'unknown subcommand "grow"' "the unknown subcommand is named"
run dev seed --db "$DB"
expect 2 "seed without --teams"
for n in 0 1000001 -5 12x ""; do
	run dev seed --teams "$n" --db "$DB"
	expect 2 "--teams \"$n\""
	has err "--teams must be a whole number from 1 to 1000000, not \"$n\"" "--teams \"$n\" is refused by name"
done
run dev seed --teams 5 --seed abc --db "$DB"
expect 2 "a seed that is not a number"
has err '--seed must be a whole number' "the bad seed is refused by name"
if [ -e "$DB" ]; then fail "refused runs created $DB"; else pass "refused runs create no database"; fi

run dev seed --teams 30 --seed 42 --db "$DB"
expect 0 "seed 30 teams"
has out "seeded 30 teams (seed 42) into $DB" "the summary says what was written"
same "$(q "SELECT count(*) FROM teams")" 30 "30 teams"
same "$(q "SELECT count(*) FROM team_search")" 90 "three search rows a team"
same "$(q "SELECT action || ' ' || detail FROM audit_log" | sed 's/,"os_user":.*//')" \
	'directory.seed {"teams":30,"seed":"42"' "one audit row for the run"
run audit verify --db "$DB"
expect 0 "the audit chain holds"

# Seeding again: the same teams exist, so nothing is written.
first=$(q "SELECT slug FROM teams ORDER BY id LIMIT 1")
run dev seed --teams 30 --seed 42 --db "$DB"
expect 1 "seeding the same teams again"
has err "team \"$first\" exists already" "the taken slug is named"
same "$(q "SELECT count(*) FROM teams") $(q "SELECT count(*) FROM audit_log")" "30 1" "a refused run writes nothing"

run dev seed --teams 30 --if-empty --db "$DB"
expect 0 "--if-empty on a directory with teams"
has out "$DB has 30 teams already: nothing seeded" "--if-empty says why nothing was seeded"
run dev seed --teams 3 --if-empty --db "$T/d.db"
expect 0 "--if-empty on a new database"
same "$(sqlite3 "$T/d.db" "SELECT count(*) FROM teams")" 3 "--if-empty seeds an empty directory"

# The same seed gives the same teams, rules and texts.
dump() {
	sqlite3 "$1" "SELECT slug, name_en, name_ja, short_name, host_org_ja, sector, region, csirt_type, established FROM teams ORDER BY id;
		SELECT team_id, kind, value, visibility FROM team_constituency ORDER BY id;
		SELECT team_id, kind, value FROM team_contacts ORDER BY id;
		SELECT team_id, section, lang, body FROM team_texts ORDER BY 1, 2, 3"
}
run dev seed --teams 30 --seed 42 --db "$T/b.db"
expect 0 "seed 30 teams again elsewhere"
same "$(dump "$DB" | cksum)" "$(dump "$T/b.db" | cksum)" "the same seed writes the same directory"
run dev seed --teams 30 --seed 43 --db "$T/c.db"
expect 0 "another seed"
if [ "$(dump "$DB" | cksum)" = "$(dump "$T/c.db" | cksum)" ]; then
	fail "another seed writes the same directory"
else
	pass "another seed writes another directory"
fi

# Its rules route.
rule=$(q "SELECT value FROM team_constituency WHERE kind = 'cidr' AND visibility = 'public' ORDER BY id LIMIT 1")
slug=$(q "SELECT slug FROM teams t JOIN team_constituency c ON c.team_id = t.id WHERE c.value = '$rule' ORDER BY c.id LIMIT 1")
run lookup --db "$DB" "$rule"
expect 0 "lookup of a seeded prefix"
has out "$(printf '%s\t%s\t%s' "$rule" "$slug" "$rule")" "the prefix routes to its team"

echo "dev_test: $checks checks, $failures failed"
[ "$failures" -eq 0 ]
