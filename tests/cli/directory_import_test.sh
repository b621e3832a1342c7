#!/bin/sh
# `shisa directory import`, run for real: the binary against real database
# files, sqlite3 to look inside them, gpg to sign a security.txt, and
# shisa serve for the CSV export the round trip starts from. Each check
# prints "ok: ..." or "FAIL: ..."; the script exits 1 if any failed.
#
#   tests/cli/directory_import_test.sh PATH/TO/shisa TI-FIXTURE
set -u

SHISA=${1:?usage: directory_import_test.sh PATH/TO/shisa TI-FIXTURE}
. "$(dirname "$0")/lib.sh"
TI=${2:?usage: directory_import_test.sh PATH/TO/shisa TI-FIXTURE}
case $SHISA in /*) ;; *) SHISA=$PWD/$SHISA ;; esac
case $TI in /*) ;; *) TI=$PWD/$TI ;; esac
for tool in sqlite3 gpg python3 script; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "directory_import_test: the $tool command is needed (scripts/deps test)"
		exit 1
	fi
done

T=$(mktemp -d /tmp/shisa-import-XXXXXX) || exit 1
DB=$T/shisa.db
server=

cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null
	wait 2>/dev/null
	gpgconf --homedir "$T/gnupg" --kill gpg-agent 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
cd "$T" || exit 1
unset SHISA_CONFIG SHISA_DB

# run ARGS...: shisa directory import ARGS, stdin from $T/in when it exists.
run() {
	if [ -e "$T/in" ]; then
		shisa_run directory import "$@" <"$T/in"
	else
		shisa_run directory import "$@" </dev/null
	fi
}

# The whole database as text, for "nothing was written".
dump() {
	sqlite3 "$DB" .dump | sha256sum
}

"$SHISA" migrate --db "$DB" >/dev/null 2>&1 || { echo "FAIL: migrate"; exit 1; }

# --- usage -------------------------------------------------------------------

run --help
expect 0 "directory import --help exits 0"
expect_line out '^usage: shisa directory import' "--help prints the usage"
run --db "$DB"
expect 2 "no file is a usage error"
run --db "$DB" --format vcard x
expect 2 "an unknown format is a usage error"
expect_line err 'unknown format "vcard"' "the unknown format is named"
run --db "$DB" "$T/missing.txt"
expect 1 "a missing file fails"
"$SHISA" directory --help >"$T/out" 2>"$T/err"
expect_line out '^  import ' "shisa directory --help lists import"

# --- Trusted Introducer's layout: guessed, created, audited ------------------

before=$(dump)
run --db "$DB" --dry-run "$TI"
expect 0 "a dry run of the TI file"
expect_line err 'format ti-json \(guessed from the content' "the guessed format is said"
expect_line out '^dry run, nothing written: .*2 teams created, 0 updated' "the dry run says what it would do"
same "$(dump)" "$before" "the dry run wrote nothing"

run --db "$DB" "$TI"
expect 0 "import of the TI file"
expect_line out "line 2 \(record 1\): 'classification': " "skipped fields are listed with their line and team"
expect_line out "line [0-9]+ \(record 2\): 'constituency.domains\[1\]: \*\.jp'" "a whole-TLD wildcard is listed"
expect_line out '2 teams created, 0 updated, 0 unchanged' "two teams created"
same "$(q "SELECT group_concat(slug, ' ') FROM (SELECT slug FROM teams ORDER BY slug)")" "ee-cert exu-csirt" "slugs made from the short names"
same "$(q "SELECT count(*) FROM team_constituency WHERE team_id = (SELECT id FROM teams WHERE slug = 'exu-csirt')")" 6 \
	"the constituency is there"
same "$(q "SELECT count(*) FROM audit_log WHERE action = 'team.import'")" 2 "one audit row per team"
same "$(q "SELECT detail LIKE '%\"result\":\"created\"%\"format\":\"ti-json\"%' FROM audit_log WHERE action = 'team.import' LIMIT 1")" 1 \
	"the audit row says what and how"
run --db "$DB" --format ti-json "$TI"
expect 0 "the same file again"
expect_line out '0 teams created, 0 updated, 2 unchanged' "a second import changes nothing"
same "$(q "SELECT count(*) FROM audit_log WHERE action = 'team.import'")" 2 "and audits nothing"
"$SHISA" audit verify --db "$DB" >"$T/out" 2>"$T/err"
expect_line out 'chain intact' "the audit chain is intact"

# --- all or nothing ----------------------------------------------------------

cat >"$T/bad.csv" <<'EOF'
slug,name_en,country,email_incident
ee-cert,Renamed Energy CERT,JP,
newteam,New Team,JP,new@new.example.jp
broken,Broken Team,XX,not-an-address
EOF
before=$(dump)
run --db "$DB" "$T/bad.csv"
expect 1 "a file with a bad row fails"
expect_line out "^  line 4 \(row 3\): 'country: XX' → country: " "the bad country is listed with its line and row"
expect_line out "^  line 4 \(row 3\): 'email_incident: not-an-address' → contacts\[0\]\.value: " "so is the bad address"
expect_line out 'nothing written: 2 problems' "the summary says nothing was written"
same "$(dump)" "$before" "nothing was written: the database is byte for byte the same"

printf 'slug,name_en\r\n"unclosed,Quote\r\n' >"$T/in"
run --db "$DB" -
expect 1 "broken quoting from standard input fails"
expect_line out 'line 2 \(row 1\): .*never closed' "the unclosed quote is named"
rm -f "$T/in"

# --- the CSV round trip: export, import elsewhere, export again ---------------

"$SHISA" serve --db "$DB" --listen 127.0.0.1:0 --threads 1 2>"$T/serve.log" &
server=$!
i=0
while [ $i -lt 200 ] && ! grep -q 'msg=listening' "$T/serve.log"; do sleep 0.1; i=$((i + 1)); done
addr=$(sed -n 's/.*msg=listening addr=\([^ ]*\).*/\1/p' "$T/serve.log" | head -1)
fetch() {
	python3 -c 'import sys, urllib.request; sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1]).read())' "$1" >"$2"
}
fetch "http://$addr/directory.csv" "$T/first.csv" || fail "fetching /directory.csv"
kill "$server"
wait "$server"
server=
"$SHISA" migrate --db "$T/other.db" >/dev/null 2>&1
run --db "$T/other.db" "$T/first.csv"
expect 0 "the export imports into a fresh database"
expect_line out '2 teams created' "both teams made"
"$SHISA" serve --db "$T/other.db" --listen 127.0.0.1:0 --threads 1 2>"$T/serve2.log" &
server=$!
i=0
while [ $i -lt 200 ] && ! grep -q 'msg=listening' "$T/serve2.log"; do sleep 0.1; i=$((i + 1)); done
addr=$(sed -n 's/.*msg=listening addr=\([^ ]*\).*/\1/p' "$T/serve2.log" | head -1)
fetch "http://$addr/directory.csv" "$T/second.csv" || fail "fetching the second /directory.csv"
kill "$server"
wait "$server"
server=
if cmp -s "$T/first.csv" "$T/second.csv"; then pass "export, import, export gives the same CSV"; else
	fail "the round trip changed the CSV: $(diff "$T/first.csv" "$T/second.csv" | head -5)"; fi
before=$(dump)
run --db "$DB" "$T/first.csv"
expect 0 "the export imports into its own database"
expect_line out '0 teams created, 0 updated, 2 unchanged' "and changes nothing there"
same "$(dump)" "$before" "not a byte"

# --- RFC 2350 and security.txt -----------------------------------------------

cat >"$T/rfc2350.txt" <<'EOF'
Description of Team Nine according to RFC 2350

1. Document Information
1.1 Date of Last Update
   2024-04-01
2. Contact Information
2.1 Name of the Team
   Team Nine (T9)
2.3 Time Zone
   Asia/Tokyo
2.5 Facsimile Number
   +81 3-9999-0000
2.7 Electronic Mail Address
   csirt@t9.example.jp (24/7)
3.1 Mission Statement
   We answer.
8. History
   Long.
EOF
run --db "$DB" "$T/rfc2350.txt"
expect 0 "an RFC 2350 document creates its team"
expect_line err 'format rfc2350' "guessed as RFC 2350"
expect_line out "line 4: '1.1 Date of Last Update': Document information" "document information is listed"
expect_line out "line 17: '8. History': Not an RFC 2350 section" "the unknown section is listed"
same "$(q "SELECT hours FROM team_contacts WHERE value = 'csirt@t9.example.jp'")" "24/7" "the hours came along"
same "$(q "SELECT body FROM team_texts WHERE section = 'mission' AND team_id = (SELECT id FROM teams WHERE slug = 't9')")" \
	"We answer." "the mission text"

printf 'Contact: mailto:psirt@t9.example.jp\nContact: https://t9.example.jp/report\nExpires: 2099-01-01T00:00:00Z\n' >"$T/security.txt"
run --db "$DB" "$T/security.txt"
expect 1 "a security.txt without --team is refused"
expect_line out 'does not name its team' "and says to name the team"
run --db "$DB" --team t9 "$T/security.txt"
expect 0 "a security.txt updates the named team"
expect_line out "line 2: 'Contact: https://t9.example.jp/report': A web contact" "the web contact is listed"
same "$(q "SELECT group_concat(kind || ' ' || value, ', ') FROM (SELECT kind, value FROM team_contacts WHERE team_id = (SELECT id FROM teams WHERE slug = 't9') ORDER BY position)")" \
	"fax +81 3-9999-0000, email_incident psirt@t9.example.jp" "the incident address replaced, the fax kept"

# A clear-signed security.txt: good with the team's key, and not otherwise.
G=$T/gnupg
mkdir -m 700 "$G"
gpgq() { gpg --homedir "$G" --batch --no-tty --pinentry-mode loopback --passphrase '' "$@" 2>>"$T/gpg.log"; }
gpgq --quick-gen-key "Team Nine <pgp@t9.example.jp>" ed25519 default 1y
gpgq --quick-gen-key "Someone Else <else@other.example>" ed25519 default 1y
fpr=$(gpg --homedir "$G" --with-colons --list-keys pgp@t9.example.jp 2>/dev/null | sed -n 's/^fpr:::::::::\([0-9A-F]*\):$/\1/p' | head -1)
gpgq --armor --output "$T/t9.asc" --export pgp@t9.example.jp
gpgq --local-user pgp@t9.example.jp --output "$T/signed.txt" --clearsign "$T/security.txt"
gpgq --local-user else@other.example --output "$T/other-signed.txt" --clearsign "$T/security.txt"
sed 's/psirt@/evil@/' "$T/signed.txt" >"$T/tampered.txt"

run --db "$DB" --team t9 "$T/signed.txt"
expect 0 "a signed security.txt imports"
expect_line out 'signed, but the team has no OpenPGP key|Signed, but the team has no OpenPGP key' "without a key of the team, that is said"
q "INSERT INTO team_keys (team_id, fingerprint, algo, created, uids, armored, visibility)
   SELECT id, '$fpr', 'ed25519', 0, '[]', readfile('$T/t9.asc'), 'public' FROM teams WHERE slug = 't9'"
run --db "$DB" --team t9 "$T/signed.txt"
expect 0 "a security.txt signed with the team's key"
expect_line out "^signature: good, by the team's key $fpr$" "the signature is good, by that key"
run --db "$DB" --team t9 "$T/other-signed.txt"
expect 0 "signed by another key: imported all the same"
expect_line out 'Signed by a key that is not one of the team' "but the unknown key is said"
run --db "$DB" --team t9 "$T/tampered.txt"
expect 0 "a tampered file: imported, with a warning"
expect_line out 'The signature does not match the text' "the changed text is said"
no_line out '^signature: good' "and not called good"

# --- progress on a terminal, many teams --------------------------------------

python3 - "$T/many.json" <<'EOF'
import json, sys
teams = [{"official_name": f"Generated Team {i}", "short_name": f"GEN-{i}", "country": {"code": "JP"},
          "constituency": {"asns": [64512 + i], "domains": [f"*.gen{i}.example.jp"], "ipranges": [], "types": [], "countries": []},
          "emails": [{"address": f"csirt@gen{i}.example.jp", "usage": ["contact"]}]} for i in range(300)]
json.dump(teams, open(sys.argv[1], "w"), indent=1)
EOF
script -qec "'$SHISA' directory import --db '$DB' '$T/many.json'" /dev/null >"$T/out" 2>"$T/err"
rc=$?
expect 0 "300 teams on a terminal"
expect_line out 'importing: 300/300 teams \(100%\)' "progress is shown on a terminal"
run --db "$DB" "$T/many.json"
no_line err 'teams \(' "and not when stderr is not a terminal"
same "$(q "SELECT count(*) FROM teams WHERE slug LIKE 'gen-%'")" 300 "all 300 are there"

# --- hostile files -----------------------------------------------------------

printf '2.1 Name of the Team\n   Bad \377 Team\n2.2 Address\n   A\000B\n' >"$T/binary.txt"
before=$(dump)
run --db "$DB" --format rfc2350 "$T/binary.txt"
expect 1 "bytes that are not UTF-8 are refused"
expect_line out 'line 2: .*not valid UTF-8' "the line is named"
expect_line out 'line 4: .*NUL byte' "so is the NUL"
same "$(dump)" "$before" "nothing written"
head -c 34000000 /dev/zero | tr '\0' 'a' >"$T/huge.txt"
run --db "$DB" "$T/huge.txt"
expect 1 "a file over 32 MiB is refused"
expect_line err 'larger than 32 MiB' "and said to be too large"

echo "directory import: $checks checks, $failures failed"
[ "$failures" -eq 0 ]
