#!/bin/sh
# `shisa directory export`, run for real against a real database file: each
# format and scope, with every output searched for a members-only and a
# secretariat-only marker; one team; files written beside and renamed;
# usage errors; progress only on a terminal; the database unchanged. Each
# check prints "ok: ..." or "FAIL: ..."; the script exits 1 if any failed.
#
#   tests/cli/export_test.sh PATH/TO/shisa
set -u

SHISA=${1:?usage: export_test.sh PATH/TO/shisa}
. "$(dirname "$0")/lib.sh"
case $SHISA in /*) ;; *) SHISA=$PWD/$SHISA ;; esac
for tool in sqlite3 python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "export_test: the $tool command is needed"
		exit 77
	fi
done

T=$(mktemp -d /tmp/shisa-export-XXXXXX) || exit 1
DB=$T/shisa.db
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
cd "$T" || exit 1
unset SHISA_CONFIG SHISA_DB

# run ARGS...: shisa directory export ARGS on $DB.
run() {
	shisa_run directory export --db "$DB" "$@"
}

# Python reads the JSON on stdout and prints what EXPR says about it (D).
json() {
	python3 -c "import json, sys; D = json.load(open('$T/out', encoding='utf-8')); print($1)" 2>>"$T/err"
}

"$SHISA" migrate --db "$DB" >/dev/null 2>&1 || { echo "export_test: migrate failed"; exit 1; }
sqlite3 "$DB" "
INSERT INTO teams (id, slug, name_en, name_ja, short_name, country, website, address_en, created_at, updated_at) VALUES
  (1, 'team-a', 'Team A', 'チームA', '=TA', 'JP', 'https://csirt.a.example.jp/', 'addr secret-mark-9c1d', 0, 0),
  (2, 'team-b', 'Team B', '', '', 'JP', '', '', 0, 0),
  (3, 'team-s', 'suspended-mark-44e0', '', '', '', '', '', 0, 0);
UPDATE teams SET state = 'suspended' WHERE id = 3;
INSERT INTO team_visibility (team_id, field, visibility) VALUES (1, 'address', 'secretariat');
INSERT INTO team_contacts (team_id, kind, value, visibility) VALUES
  (1, 'email_incident', 'csirt@a.example.jp', 'public'),
  (1, 'phone_emergency', '+81 3-1111-2222', 'members'),
  (1, 'email_general', 'secret-mark-9c1d@a.example.jp', 'secretariat');
INSERT INTO team_people (team_id, name, role, visibility) VALUES
  (1, 'Primary members-mark-7f3a', 'primary_poc', 'members'),
  (1, 'Rep secret-mark-9c1d', 'representative', 'secretariat');
INSERT INTO team_texts (team_id, section, lang, body) VALUES (1, 'mission', 'en', 'We coordinate.'), (1, 'mission', 'ja', '調整します。');
" || { echo "export_test: arranging the records failed"; exit 1; }
before=$(sqlite3 "$DB" .dump | sha256sum)

# --- JSON in each scope -----------------------------------------------------

run
expect 0 "json, members scope by default"
same "$(json 'D["scope"], D["total"], [t["slug"] for t in D["data"]]')" "members 2 ['team-a', 'team-b']" "the members' scope of every listed team, by id"
has out '+81 3-1111-2222' "members: the members-only phone"
has out 'members-mark-7f3a' "members: the members-only person"
lacks out 'secret-mark-9c1d' "members: no secretariat-only value"
lacks out 'suspended-mark-44e0' "members: no suspended team"
lacks out '"visibility"' "members: no visibility settings"
same "$(tail -c 1 "$T/out" | od -An -c | tr -d ' ')" '\n' "the document ends with a newline"

run --scope public
expect 0 "json, public scope"
lacks out '+81 3-1111-2222' "public: no members-only phone"
lacks out 'members-mark-7f3a' "public: no members-only person"
lacks out 'secret-mark-9c1d' "public: no secretariat-only value"
has out 'csirt@a.example.jp' "public: the public incident address"

run --scope minimal
expect 0 "json, minimal scope"
same "$(json 'sorted(D["data"][0])')" "['contacts', 'country', 'keys', 'name', 'short_name', 'slug', 'website']" "minimal: only the card"
same "$(json '[c["kind"] for c in D["data"][0]["contacts"]]')" "['email_incident', 'phone_emergency']" "minimal: incident contacts as members see them"
lacks out 'members-mark-7f3a' "minimal: no people"
lacks out 'secret-mark-9c1d' "minimal: no secretariat-only value"

run --scope all
expect 0 "json, all scope (asked for by name)"
has out 'secret-mark-9c1d' "all: the secretariat-only values"
has out 'suspended-mark-44e0' "all: suspended teams too"
has out '"visibility"' "all: the visibility settings"

# --- the other formats ------------------------------------------------------

run --format csv --scope public
expect 0 "csv"
same "$(head -c 3 "$T/out" | od -An -tx1 | tr -d ' ')" "efbbbf" "csv starts with a byte order mark"
same "$(wc -l <"$T/out" | tr -d ' ')" 3 "csv: a header and a line per listed team"
has out '"'"'"'=TA"' "csv: a formula is defused"
lacks out '+81 3-1111-2222' "csv public: no members-only phone"
run --format csv
has out '+81 3-1111-2222' "csv members: the members-only phone"
lacks out 'secret-mark-9c1d' "csv members: no secretariat-only value"

run --format vcard
expect 0 "vcard"
same "$(grep -c '^BEGIN:VCARD' "$T/out")" 3 "vcard: a card per team and per point of contact"
has out 'FN:Primary members-mark-7f3a' "vcard members: the members-only PoC"
lacks out 'secret-mark-9c1d' "vcard members: no secretariat-only value"
run --format vcard --scope public
lacks out 'members-mark-7f3a' "vcard public: no members-only PoC"

run --format rfc2350 --lang ja
expect 0 "rfc2350"
same "$(grep -c '^Description of ' "$T/out")" 2 "rfc2350: a document per listed team"
same "$(grep -c "$(printf '^\f$')" "$T/out")" 1 "rfc2350: the documents are separated by a form feed line"
has out '調整します。' "rfc2350 --lang ja prefers the Japanese texts"
lacks out 'secret-mark-9c1d' "rfc2350 members: no secretariat-only value"

# --- one team, files, errors ------------------------------------------------

run --team team-a --format json --scope minimal
expect 0 "--team"
same "$(json '[t["slug"] for t in D["data"]], D["total"]')" "['team-a'] 1" "--team: only that team"
run --team team-s
expect 1 "--team of a suspended team at the members scope fails"
has err 'no team "team-s" in the directory at scope members' "and says why"
same "$(wc -c <"$T/out" | tr -d ' ')" 0 "and writes nothing"
run --team team-s --scope all --format csv
expect 0 "--team of a suspended team at scope all"
run --team nope --format vcard
expect 1 "--team of an unknown team fails"

run --format csv --out "$T/dir.csv"
expect 0 "--out"
same "$(stat -c %a "$T/dir.csv")" 600 "--out: the file is for its owner only"
same "$(ls "$T" | grep -c 'dir\.csv\.')" 0 "--out: nothing is left beside it"
same "$(wc -c <"$T/out" | tr -d ' ')" 0 "--out: nothing on stdout"
echo old >"$T/keep.json"
run --team nope --out "$T/keep.json"
expect 1 "a failed export"
same "$(cat "$T/keep.json")" old "leaves the file it would have replaced alone"
same "$(ls "$T" | grep -c 'keep\.json\.')" 0 "and nothing beside it"
run --out /nonexistent/dir/x.json
expect 1 "--out in a missing folder fails"
has err 'cannot write beside /nonexistent/dir/x.json' "and says where"

run --format xml
expect 2 "an unknown format is a usage error"
has err 'want json, csv, vcard or rfc2350' "and names the formats"
run --scope everything
expect 2 "an unknown scope is a usage error"
has err 'want members, public, minimal or all' "and names the scopes"
run --lang fr
expect 2 "an unknown language is a usage error"
run extra
expect 2 "an operand is a usage error"
run --help
expect 0 "--help"
has out 'usage: shisa directory export' "--help prints the usage"
has out '"all" holds secretariat-only data' "the usage says why all must be asked for"
"$SHISA" directory --help >"$T/out" 2>"$T/err"
has out 'export' "shisa directory --help lists export"
"$SHISA" directory export --db "$T/missing.db" >"$T/out" 2>"$T/err"
rc=$?
expect 1 "a missing database fails"

# --- progress -----------------------------------------------------------------

run --format csv
same "$(wc -c <"$T/err" | tr -d ' ')" 0 "no progress when stderr is not a terminal"
if command -v script >/dev/null 2>&1; then
	script -qec "'$SHISA' directory export --db '$DB' --format csv --out '$T/tty.csv'" /dev/null >"$T/out" 2>&1
	has out 'export: 2/2 teams (100%)' "progress on a terminal"
fi

same "$(sqlite3 "$DB" .dump | sha256sum)" "$before" "the database is unchanged"

echo "export_test: $checks checks, $failures failed"
[ "$failures" -eq 0 ]
