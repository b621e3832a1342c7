#!/bin/sh
# The offline snapshot from the command line, run for real: `shisa directory
# snapshot` against a real database, then `shisa directory verify` on what
# it wrote (with the key from the database, from `shisa directory pubkey`,
# as the bare key, and with openssl as a member without shisa would), and
# every way of spoiling a copy refused: one byte flipped, cut short, the
# signature removed, something appended, another instance's key.
#
#   tests/cli/snapshot_test.sh PATH/TO/shisa
set -u

SHISA=${1:?usage: snapshot_test.sh PATH/TO/shisa}
. "$(dirname "$0")/lib.sh"
case $SHISA in /*) ;; *) SHISA=$PWD/$SHISA ;; esac
if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "snapshot_test: the sqlite3 command is needed (apt-get install sqlite3)"
	exit 77
fi

T=$(mktemp -d /tmp/shisa-snapshot-cli-XXXXXX) || exit 1
DB=$T/shisa.db
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
cd "$T" || exit 1
unset SHISA_CONFIG SHISA_DB

# --- usage -----------------------------------------------------------------

for sub in snapshot verify pubkey; do
	run directory "$sub" --help
	expect 0 "shisa directory $sub --help exits 0"
	expect_line out "^usage: shisa directory $sub" "shisa directory $sub --help prints its usage"
done
run directory --help
expect_line out '^  snapshot ' "shisa directory --help lists snapshot"
run directory verify
expect 2 "verify without FILE is a usage error"
run directory snapshot --out "$T/no-such-folder" --db "$DB"
expect 2 "snapshot into a missing folder is refused"
expect_line err 'no-such-folder' "the missing folder is named"

# --- a directory to snapshot -------------------------------------------------

"$SHISA" migrate --db "$DB" >/dev/null 2>&1
sqlite3 "$DB" "INSERT INTO teams (id, slug, name_en, name_ja, address_en, created_at, updated_at) VALUES
    (1, 'nca', 'NCA Security Team', '日本セキュリティチーム', '1-1 Chiyoda, Tokyo', 0, 0), (2, 'bank', 'Bank CSIRT', '銀行', '', 0, 0);
  INSERT INTO team_contacts (team_id, kind, value, hours, visibility) VALUES
    (1, 'phone_emergency', '+81 3-1234-5678', '24/7', 'members'), (1, 'fax', '+81 3-0000-0000', '', 'secretariat');
  INSERT INTO team_people (team_id, name, role, visibility) VALUES (1, 'Secret Sato', 'representative', 'secretariat')"

mkdir "$T/copies"
run directory snapshot --db "$DB" --out "$T/copies"
expect 0 "directory snapshot writes a snapshot"
HTML=$(sed -n 1p "$T/out")
JSON=$(sed -n 2p "$T/out")
case $HTML in "$T"/copies/shisa-directory-*Z.html) pass "the HTML file is named by the time" ;; *) fail "HTML path $HTML" ;; esac
case $JSON in "$T"/copies/shisa-directory-*Z.json) pass "the JSON file is named by the time" ;; *) fail "JSON path $JSON" ;; esac
expect_line err '2 teams, signed with ed25519:' "it says how many teams and which key"
same "$(stat -c %a "$HTML")" 640 "the files are for the owner and the group only"
same "$(sqlite3 "$DB" "SELECT count(*) FROM audit_log WHERE action = 'snapshot.key_create'")" 1 "the key was made on first use, audited"
if grep -q '+81 3-1234-5678' "$HTML" && grep -q '+81 3-1234-5678' "$JSON"; then pass "members-only fields are in both"; else fail "members-only phone missing"; fi
if grep -q -e 'Secret Sato' -e '+81 3-0000-0000' "$HTML" "$JSON"; then fail "a secretariat-only field is in the snapshot"; else pass "no secretariat-only field"; fi

for f in "$HTML" "$JSON"; do
	run directory verify "$f" --db "$DB"
	expect 0 "verify $(basename "$f") with the database's key"
	expect_line out '^OK: ' "verify says OK"
	expect_line out 'instance: +shisa' "verify names the instance"
	expect_line out 'generated: +20[0-9-]+T[0-9:]+Z' "verify names the time generated"
	expect_line out '2 teams' "verify counts the teams"
done

run directory pubkey --db "$DB"
expect 0 "directory pubkey prints the key file"
cp "$T/out" "$T/key.txt"
expect_line out '^ed25519:[A-Za-z0-9+/]{43}=$' "the key line"
expect_line out '^-----BEGIN PUBLIC KEY-----$' "the PEM block"
no_line out 'PRIVATE' "no private key"
same "$(sqlite3 "$DB" "SELECT count(*) FROM audit_log WHERE action = 'snapshot.key_create'")" 1 "the same key is used again"
run directory verify "$HTML" --key "$T/key.txt"
expect 0 "verify with the published key file"
run directory verify "$JSON" --key "$(grep '^ed25519:' "$T/key.txt")"
expect 0 "verify with the key given as text"

# --- spoiled copies: refused, exit 1 ------------------------------------------

# flip FILE OFFSET: change one byte of FILE (a bit of it) in place.
flip() {
	python3 -c 'import sys
p, o = sys.argv[1], int(sys.argv[2])
d = bytearray(open(p, "rb").read()); d[o] ^= 1; open(p, "wb").write(d)' "$1" "$2"
}
size=$(stat -c %s "$HTML")
for off in 0 100 $((size / 2)) $((size - 50)); do
	cp "$HTML" "$T/bad.html"
	flip "$T/bad.html" "$off"
	run directory verify "$T/bad.html" --key "$T/key.txt"
	expect 1 "one byte flipped at $off of $size: refused"
	expect_line err '^REFUSED: ' "the refusal says REFUSED"
done
cp "$JSON" "$T/bad.json"
flip "$T/bad.json" $(($(stat -c %s "$JSON") / 2))
run directory verify "$T/bad.json" --key "$T/key.txt"
expect 1 "a flipped byte in the JSON: refused"
expect_line err 'changed after it was signed' "it says the file was changed"

head -c $((size / 2)) "$HTML" >"$T/short.html"
run directory verify "$T/short.html" --key "$T/key.txt"
expect 1 "a file cut short: refused"
expect_line err 'cut short' "it says the file was cut short"
head -n -1 "$HTML" >"$T/unsigned.html"
run directory verify "$T/unsigned.html" --key "$T/key.txt"
expect 1 "the signature removed: refused"
{ cat "$HTML"; echo '<p>added</p>'; } >"$T/added.html"
run directory verify "$T/added.html" --key "$T/key.txt"
expect 1 "something added after the signature: refused"
expect_line err 'added after the signature' "it says something was added"

OTHER=$T/other.db
"$SHISA" migrate --db "$OTHER" >/dev/null 2>&1
"$SHISA" directory pubkey --db "$OTHER" >"$T/other-key.txt" 2>/dev/null
run directory verify "$HTML" --key "$T/other-key.txt"
expect 1 "another instance's key: refused"
expect_line err 'another signing key' "it says the key differs"
run directory verify "$T/key.txt" --key "$T/key.txt"
expect 1 "a file that is no snapshot: refused"
run directory verify "$T/nothing-here.html" --key "$T/key.txt"
expect 1 "a missing file: refused"
run directory verify "$HTML" --key 'ed25519:not-a-key'
expect 2 "a malformed key is a usage error"

# --- without shisa: openssl and the PEM block of the key file -------------------

if command -v openssl >/dev/null 2>&1; then
	for f in "$HTML" "$JSON"; do
		head -n -1 "$f" >"$T/signed-part"
		tail -n 1 "$f" | sed -n 's/.*ed25519:\([A-Za-z0-9+/=]*\).*/\1/p' | base64 -d >"$T/sig"
		if openssl pkeyutl -verify -pubin -inkey "$T/key.txt" -rawin -in "$T/signed-part" -sigfile "$T/sig" >"$T/out" 2>"$T/err"; then
			pass "openssl verifies $(basename "$f") as docs/snapshot.md shows"
		else
			fail "openssl does not verify $(basename "$f")"
		fi
	done
	printf x >>"$T/signed-part"
	if openssl pkeyutl -verify -pubin -inkey "$T/key.txt" -rawin -in "$T/signed-part" -sigfile "$T/sig" >"$T/out" 2>"$T/err"; then
		fail "openssl verified a changed file"
	else
		pass "openssl refuses a changed file"
	fi
else
	echo "skip: no openssl command"
fi

echo "snapshot cli: $checks checks, $failures failed"
[ "$failures" -eq 0 ]
