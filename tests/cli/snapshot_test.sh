#!/bin/sh
# The offline snapshot from the command line, run for real: `shisa directory
# snapshot` against a real database, then `shisa directory verify` on what
# it wrote (with the key from the database, from `shisa directory pubkey`,
# as the bare key, and with openssl as a member without shisa would), and
# every way of spoiling a copy refused: one byte flipped, cut short, the
# signature removed, something appended, another instance's key. Then
# `shisa directory rotate-key`: old copies still verify with the old key
# file and with the new one (which lists the old key as superseded), new
# copies with the new key only, a changed byte in either is refused, a copy
# dated after the rotation but signed with the old key is refused, and
# after --compromised nothing the leaked key signed verifies.
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

# --- rotate-key: a new key, the old one retired ---------------------------------

run directory rotate-key --help
expect 0 "shisa directory rotate-key --help exits 0"
expect_line out '^usage: shisa directory rotate-key' "it prints its usage"
run directory --help
expect_line out '^  rotate-key ' "shisa directory --help lists rotate-key"
run directory rotate-key --db "$DB" --out "$T/no-such-folder"
expect 2 "rotate-key into a missing folder is refused"
same "$(q "SELECT count(*) FROM retired_instance_keys")" 0 "... before anything is rotated"

# re TEXT: TEXT as an extended regular expression that matches only itself
# (keys hold + and /).
re() {
	printf '%s' "$1" | sed 's/[][\.*^$+?(){}|]/\\&/g'
}
OLD_KEY=$(grep '^ed25519:' "$T/key.txt")
OLD_SEED=$(q "SELECT hex(substr(secret_key, 1, 32)) FROM instance_keys")
mkdir "$T/rotated"
run directory rotate-key --db "$DB" --out "$T/rotated"
expect 0 "rotate-key replaces the key and writes a snapshot"
NEW_HTML=$(sed -n 1p "$T/out")
NEW_JSON=$(sed -n 2p "$T/out")
case $NEW_JSON in "$T"/rotated/shisa-directory-*Z.json) pass "the new snapshot's paths are printed" ;; *) fail "new JSON path $NEW_JSON" ;; esac
expect_line err "$(re "$OLD_KEY") is retired as superseded" "it names the retired key"
NEW_KEY=$(sed -n 's/.*now signed with \(ed25519:[^ ]*\)$/\1/p' "$T/err")
case $NEW_KEY in ed25519:*) pass "it names the new key" ;; *) fail "no new key named" ;; esac
[ "$NEW_KEY" != "$OLD_KEY" ] && pass "the new key is another key" || fail "the key did not change"
same "$(q "SELECT count(*) FROM audit_log WHERE action = 'snapshot.key_rotate'
  AND detail LIKE '%\"old_public_key\":\"$OLD_KEY\"%' AND detail LIKE '%\"new_public_key\":\"$NEW_KEY\"%'
  AND detail LIKE '%\"reason\":\"superseded\"%'")" 1 "the rotation is audited with both keys and the reason"
same "$(q "SELECT reason FROM retired_instance_keys")" superseded "the old public key is listed as superseded"
"$SHISA" audit verify --db "$DB" >"$T/out" 2>"$T/err"
expect_line out 'chain intact' "the audit chain is intact"
if python3 -c 'import sys; sys.exit(bytes.fromhex(sys.argv[2]) in open(sys.argv[1], "rb").read())' "$DB" "$OLD_SEED"; then
	pass "the old secret key is gone from the database file"
else
	fail "the old secret key is still in the database file"
fi

run directory pubkey --db "$DB"
cp "$T/out" "$T/key2.txt"
same "$(grep '^ed25519:' "$T/key2.txt")" "$NEW_KEY" "the key file names the new key first"
expect_line out "^superseded 20[0-9-]+T[0-9:]+Z $(re "$OLD_KEY")\$" "and lists the old one as superseded"

run directory verify "$NEW_HTML" --key "$T/key2.txt"
expect 0 "the new snapshot verifies with the new key file"
run directory verify "$NEW_JSON" --key "$NEW_KEY"
expect 0 "... and with the new key as text"
run directory verify "$NEW_HTML" --key "$T/key.txt"
expect 1 "the new snapshot does not verify with the old key file"
for f in "$HTML" "$JSON"; do
	run directory verify "$f" --key "$T/key.txt"
	expect 0 "the old snapshot still verifies with the old key file ($(basename "$f"))"
	run directory verify "$f" --key "$T/key2.txt"
	expect 0 "... and with the new key file, which lists the old key"
	expect_line out '^  note: +this key was superseded on ' "... saying it was signed by the superseded key"
	run directory verify "$f" --db "$DB"
	expect 0 "... and with the database's keys"
done
run directory verify "$JSON" --key "$NEW_KEY"
expect 1 "the old snapshot does not verify with the new key alone"
cp "$NEW_HTML" "$T/bad-new.html"
flip "$T/bad-new.html" $(($(stat -c %s "$NEW_HTML") / 2))
run directory verify "$T/bad-new.html" --key "$T/key2.txt"
expect 1 "one byte changed in the new snapshot: refused"
expect_line err 'changed after it was signed' "... as changed"
cp "$HTML" "$T/bad-old.html"
flip "$T/bad-old.html" $(($(stat -c %s "$HTML") / 2))
run directory verify "$T/bad-old.html" --key "$T/key2.txt"
expect 1 "one byte changed in the old snapshot: refused by the retired key too"

# A copy signed with the old key that says it was made after the rotation:
# only someone holding the old secret key can make one. Made here with
# openssl from the seed read before the rotation.
if command -v openssl >/dev/null 2>&1; then
	python3 - "$JSON" "$T/late.json" "$T/late-part" <<'PY'
import re, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
body = b"\n".join(lines[:-1]) if lines[-1] else b"\n".join(lines[:-2])
body = re.sub(rb'"generated":"[^"]*"', b'"generated":"2999-01-01T00:00:00Z"', body, count=1) + b"\n"
open(sys.argv[3], "wb").write(body)
PY
	python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex("302e020100300506032b657004220420" + sys.argv[1]))' \
		"$OLD_SEED" >"$T/old-sk.der"
	openssl pkey -inform DER -in "$T/old-sk.der" -out "$T/old-sk.pem" 2>/dev/null
	openssl pkeyutl -sign -inkey "$T/old-sk.pem" -rawin -in "$T/late-part" -out "$T/late-sig" 2>/dev/null
	{ cat "$T/late-part"; printf '"signature":"ed25519:%s"}\n' "$(base64 -w0 "$T/late-sig")"; } >"$T/late.json"
	run directory verify "$T/late.json" --key "$OLD_KEY"
	expect 0 "the late copy is signed with the old key"
	run directory verify "$T/late.json" --key "$T/key2.txt"
	expect 1 "a copy signed with the superseded key but dated after the rotation: refused"
	expect_line err 'retired on .*, but says it was made after that' "... saying why"
else
	echo "skip: no openssl command"
fi

# --compromised: nothing the key signed is trusted any more.
mkdir "$T/rotated2"
run directory rotate-key --compromised --db "$DB" --out "$T/rotated2"
expect 0 "rotate-key --compromised"
expect_line err "$(re "$NEW_KEY") is retired as compromised" "it says the key is retired as compromised"
run directory pubkey --db "$DB"
cp "$T/out" "$T/key3.txt"
expect_line out "^compromised 20[0-9-]+T[0-9:]+Z $(re "$NEW_KEY")\$" "the key file lists it as compromised"
expect_line out "^superseded 20[0-9-]+T[0-9:]+Z $(re "$OLD_KEY")\$" "and still the first key as superseded"
run directory verify "$NEW_JSON" --key "$T/key3.txt"
expect 1 "a snapshot signed with the compromised key: refused"
expect_line err 'reported compromised on ' "... saying why"
run directory verify "$NEW_JSON" --db "$DB"
expect 1 "... with the database's keys too"
run directory verify "$JSON" --key "$T/key3.txt"
expect 0 "a copy signed with the superseded key still verifies"
run directory verify "$(ls "$T"/rotated2/*.json)" --key "$T/key3.txt"
expect 0 "the newest snapshot verifies with the newest key file"
same "$(q "SELECT count(*) FROM audit_log WHERE action = 'snapshot.key_rotate'")" 2 "two rotations audited"

# A database without a key yet: rotate-key makes the first one.
FRESH=$T/fresh.db
"$SHISA" migrate --db "$FRESH" >/dev/null 2>&1
mkdir "$T/fresh"
run directory rotate-key --db "$FRESH" --out "$T/fresh"
expect 0 "rotate-key on a database without a key"
expect_line err 'no snapshot key yet' "it says it made the first key"
same "$(sqlite3 "$FRESH" "SELECT count(*) FROM retired_instance_keys")" 0 "nothing is retired"

echo "snapshot cli: $checks checks, $failures failed"
[ "$failures" -eq 0 ]
