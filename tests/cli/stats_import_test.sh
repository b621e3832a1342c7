#!/bin/sh
# `shisa stats import`, run for real against a real database file: the
# Nippon CSIRT Association's history (tests/fixtures/stats/nca_history.csv)
# loads; loading it again is refused, --replace reloads it, --dry-run
# writes nothing; each kind of bad row (a bad date, an unknown industry, a
# duplicate name, a missing column, text that is not UTF-8, a broken quote)
# is listed with its line and reason and nothing at all is written; usage
# errors; progress only on a terminal. Each check prints "ok: ..." or
# "FAIL: ..."; the script exits 1 if any failed.
#
#   tests/cli/stats_import_test.sh PATH/TO/shisa PATH/TO/nca_history.csv
set -u

SHISA=${1:?usage: stats_import_test.sh PATH/TO/shisa PATH/TO/nca_history.csv}
NCA=${2:?usage: stats_import_test.sh PATH/TO/shisa PATH/TO/nca_history.csv}
. "$(dirname "$0")/lib.sh"
case $SHISA in /*) ;; *) SHISA=$PWD/$SHISA ;; esac
case $NCA in /*) ;; *) NCA=$PWD/$NCA ;; esac
if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "stats_import_test: the sqlite3 command is needed"
	exit 77
fi

T=$(mktemp -d /tmp/shisa-stats-XXXXXX) || exit 1
DB=$T/shisa.db
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
cd "$T" || exit 1
unset SHISA_CONFIG SHISA_DB

# run ARGS...: shisa stats import ARGS on $DB.
run() {
	shisa_run stats import --db "$DB" "$@"
}

dump() {
	sqlite3 "$DB" .dump | sha256sum
}

"$SHISA" migrate --db "$DB" >/dev/null 2>&1 || { echo "stats_import_test: migrate failed"; exit 1; }
# A directory team with the name of one of the history's teams: the row is
# linked to it, not counted twice.
q "INSERT INTO teams (id, slug, name_en, created_at, updated_at) VALUES (1, 'kaze', 'KAZE MEDIACSIRT', 0, 0)"

# --- the association's history ------------------------------------------------

run "$NCA"
expect 0 "the NCA history loads"
is_line out "$NCA: 235 rows imported (1 linked to directory teams)" "it says how many rows, how many linked"
same "$(q 'SELECT count(*) FROM member_history')" 235 "235 rows in member_history"
same "$(q "SELECT count(*) FROM member_history WHERE joined <= '2007-12'")" 6 "6 teams in 2007"
same "$(q "SELECT team_id FROM member_history WHERE name = 'Kaze MediaCSIRT'")" 1 "the row of the directory's team is linked to it"
same "$(q "SELECT count(*) FROM audit_log WHERE action = 'stats.history_import'")" 1 "an audit row"
same "$(wc -c <"$T/err" | tr -d ' ')" 0 "no progress when stderr is not a terminal"

before=$(dump)
run "$NCA"
expect 1 "loading it again is refused"
expect_line out '^  line 9: name: "[^"]+" was imported before: --replace loads the whole history again\.$' "each row says it was imported before"
has out "nothing written: 235 problems (listed above)" "the summary counts the problems"
same "$(dump)" "$before" "nothing was written"

run --dry-run --replace "$NCA"
expect 0 "a dry run of a reload"
has out "dry run, nothing written" "it says it wrote nothing"
same "$(dump)" "$before" "the dry run wrote nothing"

run --replace "$NCA"
expect 0 "--replace reloads it"
has out "235 rows imported (1 linked to directory teams), 235 removed before" "it says what it removed"
same "$(q 'SELECT count(*) FROM member_history')" 235 "still 235 rows"

# Standard input, with a BOM and CRLF as Excel saves "CSV UTF-8".
printf '\357\273\277name,joined,sector\r\nStdin Team,2018-04,Manufacturing\r\n' | run -
expect 0 "a file on standard input"
same "$(q "SELECT sector FROM member_history WHERE name = 'Stdin Team'")" manufacturing "the English label is the directory's key"

# --- every kind of bad row: listed with its line and reason; nothing written --

before=$(dump)
bad() {
	printf '%b' "$2" >"$T/bad.csv"
	run "$T/bad.csv"
	expect 1 "$1: refused"
	expect_line out "$3" "$1: the line and the reason"
	has out "nothing written" "$1: says nothing was written"
	same "$(dump)" "$before" "$1: nothing was written"
}
bad "a bad date" 'name,joined\nGood One,2019\nBad Date,2019-13-01\n' '^  line 3: joined: "2019-13-01" is not a date'
bad "a date after today" 'name,joined\nLater,2099-01-01\n' '^  line 2: joined: "2099-01-01" is after today\.$'
bad "an unknown industry" 'name,joined,sector\nBank,2019,banking\n' '^  line 2: sector: Unknown value "banking": use one of ict, manufacturing'
bad "an unknown region" 'name,joined,region\nFar,2019,Mars\n' '^  line 2: region: Unknown value "Mars"'
bad "a duplicate name" 'name,joined\nTwin,2019\nOther,2019\nTWIN,2020\n' '^  line 4: name: "TWIN" is also on line 2: one row per team\.$'
bad "a missing column" 'name,sector\nNo Date,ict\n' '^  line 1: joined: The column joined is missing: it is required\.$'
bad "an unknown column" 'name,joined,colour\nRed,2019,red\n' '^  line 1: colour: Unknown column "colour"'
bad "text that is not UTF-8 (Shift_JIS)" 'name,joined\n\0203e\0203X\0203g,2019\n' '^  line 2: name: This is not UTF-8 text: save the file as UTF-8'
bad "an unclosed quote" 'name,joined\n"Open,2019\n' '^  line 2: A quoted cell is not closed\.$'
bad "a left date before the join" 'name,joined,left\nBack,2019-05,2018\n' '^  line 2: left: "2018" is before the join date\.$'
bad "a staff count that is not a number" 'name,joined,staff_now\nMany,2019,lots\n' '^  line 2: staff_now: "lots" is not a whole number from 0 to 100000\.$'
bad "an empty file" '' '^  file: The file has no header row\.$'

# Many problems in one file: every one listed.
printf 'name,joined,sector\nA,2019-13,ict\nB,2019,banking\nC,,ict\n' >"$T/bad.csv"
run "$T/bad.csv"
expect 1 "three bad rows"
expect_line out '^  line 2: joined' "the first"
expect_line out '^  line 3: sector' "the second"
expect_line out '^  line 4: joined: Empty: this column is required\.$' "the third"
has out "nothing written: 3 problems" "all three counted"

# --- usage ------------------------------------------------------------------------

run
expect 2 "no file: usage"
has err "usage: shisa stats import" "the usage text"
run --help
expect 0 "--help"
has out "Columns, in" "the help lists the columns"
run --bogus "$NCA"
expect 2 "an unknown option"
run "$T/no-such-file.csv"
expect 1 "a missing file"
shisa_run stats
expect 2 "shisa stats alone: usage"
has err "import" "it names the subcommand"
shisa_run stats nonsense
expect 2 "an unknown subcommand"

# --- progress on a terminal ---------------------------------------------------------

if command -v script >/dev/null 2>&1; then
	script -qec "'$SHISA' stats import --replace --db '$DB' '$NCA'" /dev/null >"$T/out" 2>&1
	has out 'importing: 235/235 rows (100%)' "progress on a terminal"
fi

echo "$checks checks, $failures failed"
[ "$failures" -eq 0 ]
