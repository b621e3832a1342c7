#!/bin/sh
# Freshness from the shell: `shisa mail bounce` reading real delivery
# status notifications (tests/dsn/, written by hand after RFC 3464 in
# postfix's and other MTAs' styles) and recording failed addresses
# against the directory, with its sysexits statuses for postfix's pipe(8)
# (0 read, 1 not a DSN, 2 usage, 75 try again later); and
# `shisa directory remind` queuing reminders once, never twice, and
# writing nothing in a dry run. Checked with the sqlite3 command.
#
# usage: freshness_test.sh PATH/TO/shisa DSN_DIR
set -u
SHISA=$1
DSN=$2
case $SHISA in /*) ;; *) SHISA=$PWD/$SHISA ;; esac
case $DSN in /*) ;; *) DSN=$PWD/$DSN ;; esac
command -v sqlite3 >/dev/null 2>&1 || { echo "sqlite3 not installed: skipped"; exit 77; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
unset SHISA_CONFIG SHISA_DB
DB=$TMP/shisa.db
FAILS=0
CHECKS=0

fail() {
	echo "FAIL: $*"
	FAILS=$((FAILS + 1))
}

# expect STATUS DESCRIPTION INPUT -- COMMAND...: run it with INPUT (a file,
# or - for none) on stdin, keep its output in $TMP/out and $TMP/err, check
# its exit status and that no sanitizer spoke.
expect() {
	want=$1 what=$2 input=$3
	shift 4
	CHECKS=$((CHECKS + 1))
	[ "$input" = - ] && input=/dev/null
	"$@" <"$input" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" -ne "$want" ] || grep -q -e 'Sanitizer' -e 'runtime error:' "$TMP/err"; then
		fail "$what: exit $got, wanted $want"
		sed 's/^/    out: /' "$TMP/out"
		sed 's/^/    err: /' "$TMP/err"
	fi
}

# has FILE TEXT DESCRIPTION: TEXT is a line of FILE.
has() {
	CHECKS=$((CHECKS + 1))
	grep -qxF -- "$2" "$1" || fail "$3: \"$2\" not a line of $(basename "$1"): $(cat "$1")"
}

# same VALUE WANT DESCRIPTION
same() {
	CHECKS=$((CHECKS + 1))
	[ "$1" = "$2" ] || fail "$3: \"$1\", wanted \"$2\""
}

sql() {
	sqlite3 "$DB" "$1"
}

# ---- help and usage ----
expect 0 "mail --help" - -- "$SHISA" mail --help
grep -q '^usage: shisa mail bounce' "$TMP/out" || fail "mail --help prints the usage"
expect 0 "mail bounce --help" - -- "$SHISA" mail bounce --help
grep -q 'EX_TEMPFAIL' "$TMP/out" || fail "mail bounce --help explains the exit statuses"
expect 2 "mail without a subcommand" - -- "$SHISA" mail
expect 2 "mail with an unknown subcommand" - -- "$SHISA" mail forward
expect 2 "mail bounce with an operand" - -- "$SHISA" mail bounce extra
expect 2 "mail bounce with an unknown option" - -- "$SHISA" mail bounce --bogus
expect 0 "directory remind --help" - -- "$SHISA" directory remind --help
grep -q '^usage: shisa directory remind' "$TMP/out" || fail "directory remind --help prints the usage"
expect 0 "directory --help lists remind" - -- "$SHISA" directory --help
grep -q '^  remind ' "$TMP/out" || fail "directory --help lists remind"
expect 2 "directory remind with an operand" - -- "$SHISA" directory remind extra
expect 75 "mail bounce on a database that cannot be opened is a temporary failure" "$DSN/postfix_failed.eml" -- \
	"$SHISA" mail bounce --db "$TMP/no/such/dir/x.db"

# ---- a directory to bounce against ----
expect 0 "migrate" - -- "$SHISA" migrate --db "$DB"
sql "INSERT INTO orgs (id, name, kind, created_at) VALUES (7, 'Team A', 'member', 0);
     INSERT INTO users (org_id, email, name, role, lang, created_at) VALUES (7, 'admin@team-a.example.jp', 'Alice', 'team_admin', 'en', 0);
     INSERT INTO teams (id, org_id, slug, name_en, last_verified, created_at, updated_at) VALUES
       (1, 7, 'team-a', 'Team A', CAST(strftime('%s', 'now') AS INTEGER), 0, 0),
       (2, NULL, 'team-c', 'Team C', CAST(strftime('%s', 'now') AS INTEGER), 0, 0),
       (3, NULL, 'team-d', 'Team D', CAST(strftime('%s', 'now') AS INTEGER), 0, 0);
     INSERT INTO team_contacts (team_id, kind, value, visibility) VALUES
       (1, 'email_general', 'info@team-a.example.jp', 'public'), (3, 'email_incident', 'noc@team-d.example.net', 'public'),
       (2, 'email_general', 'desk@team-c.example.org', 'public');
     INSERT INTO team_people (team_id, name, role, email, visibility) VALUES
       (2, 'Taro Yamada', 'primary_poc', 'taro.yamada@team-c.example.org', 'members'),
       (1, 'Info Desk', 'member', 'INFO@team-a.example.jp', 'members');"

# ---- bounces ----
expect 0 "a postfix bounce" "$DSN/postfix_failed.eml" -- "$SHISA" mail bounce --db "$DB"
has "$TMP/out" "$(printf 'info@team-a.example.jp\tfailed 5.1.1\trecorded as bouncing for team-a')" "the postfix bounce is recorded"
same "$(sql "SELECT team_id, address, status, count FROM contact_bounces")" "1|info@team-a.example.jp|5.1.1|1" \
	"one row for the team, for its contact and its person alike"
same "$(sql "SELECT diagnostic FROM contact_bounces")" \
	"smtp; 550 5.1.1 <info@team-a.example.jp>: Recipient address rejected: User unknown in virtual mailbox table" \
	"the remote server's answer is kept, unfolded"
same "$(sql "SELECT action || ' ' || object_type || ' ' || object_id || ' ' || request_id FROM audit_log")" \
	"team.contact_bounce team 1 cli" "the bounce is audited"
expect 0 "the same bounce again" "$DSN/postfix_failed.eml" -- "$SHISA" mail bounce --db "$DB"
same "$(sql "SELECT count FROM contact_bounces")" "2" "a repeated bounce is counted on the same row"

expect 0 "another MTA's bounce, CRLF, two recipients" "$DSN/generic_failed.eml" -- "$SHISA" mail bounce --db "$DB"
has "$TMP/out" "$(printf 'Taro.Yamada@Team-C.example.org\tfailed 5.2.2\trecorded as bouncing for team-c')" \
	"the original recipient matches a person whatever the case"
has "$TMP/out" "$(printf 'desk@team-c.example.org\tdelivered 2.0.0\tnot a bounce: nothing recorded')" \
	"a delivered recipient is not a bounce"
same "$(sql "SELECT count(*) FROM contact_bounces WHERE team_id = 2")" "1" "only the failed address of team-c is recorded"

expect 0 "a global DSN with a base64 status part" "$DSN/global_base64.eml" -- "$SHISA" mail bounce --db "$DB"
has "$TMP/out" "$(printf 'noc@team-d.example.net\tfailed 5.1.10\trecorded as bouncing for team-d')" "the base64 report is read"

rows=$(sql "SELECT count(*) FROM audit_log")
expect 0 "a delay notice" "$DSN/postfix_delayed.eml" -- "$SHISA" mail bounce --db "$DB"
has "$TMP/out" "$(printf 'soc@team-b.example.jp\tdelayed 4.4.1\tnot a bounce: nothing recorded')" "delayed is not a bounce"
same "$(sql "SELECT count(*) FROM contact_bounces")" "3" "nothing recorded for a delay"
sed 's/info@team-a\.example\.jp/nobody@elsewhere.example/g' "$DSN/postfix_failed.eml" >"$TMP/elsewhere.eml"
expect 0 "a bounce for an address nobody lists" "$TMP/elsewhere.eml" -- "$SHISA" mail bounce --db "$DB"
has "$TMP/out" "$(printf 'nobody@elsewhere.example\tfailed 5.1.1\tno team contact or person has this address')" \
	"an unknown address is said so"
same "$(sql "SELECT count(*) FROM audit_log")" "$rows" "nothing is audited when nothing changes"

# ---- malformed ----
dump=$(sql .dump | sha256sum)
for f in not_a_report mdn truncated bad_status no_final_recipient no_address_type no_status_part; do
	expect 1 "$f.eml is refused" "$DSN/$f.eml" -- "$SHISA" mail bounce --db "$DB"
	CHECKS=$((CHECKS + 1))
	grep -q '^shisa mail bounce: .' "$TMP/err" || fail "$f.eml: no reason on stderr"
	[ -s "$TMP/out" ] && fail "$f.eml: something on stdout"
done
expect 1 "bad_status.eml names the field" "$DSN/bad_status.eml" -- "$SHISA" mail bounce --db "$DB"
has "$TMP/err" 'shisa mail bounce: delivery-status group 2: Status "5.x.1" is not a code such as 5.1.1 (RFC 3463)' \
	"the bad Status is named"
expect 1 "an empty message" - -- "$SHISA" mail bounce --db "$DB"
has "$TMP/err" "shisa mail bounce: the message is empty" "an empty message is said so"
head -c 65536 /dev/urandom >"$TMP/noise"
expect 1 "random bytes" "$TMP/noise" -- "$SHISA" mail bounce --db "$DB"
head -c 16777217 /dev/zero >"$TMP/huge"
expect 1 "a message over 16 MiB" "$TMP/huge" -- "$SHISA" mail bounce --db "$DB"
grep -q 'larger than 16777216 bytes' "$TMP/err" || fail "the size limit is named"
same "$(sql .dump | sha256sum)" "$dump" "refused messages write nothing"

# ---- reminders ----
sql "UPDATE teams SET last_verified = NULL WHERE id = 1"
dump=$(sql .dump | sha256sum)
expect 0 "remind --dry-run" - -- "$SHISA" directory remind --dry-run --db "$DB" --base-url https://shisa.example.jp
has "$TMP/out" "$(printf 'team-a\toverdue 1/4\tadmin@team-a.example.jp (en)')" "the dry run names the admin"
has "$TMP/out" "1 team would be reminded (dry run)" "the dry run counts"
same "$(sql .dump | sha256sum)" "$dump" "a dry run writes nothing"
expect 0 "remind" - -- "$SHISA" directory remind --db "$DB" --base-url https://shisa.example.jp
has "$TMP/out" "1 team reminded" "one team reminded"
same "$(sql "SELECT json_extract(payload, '$.to') || ' ' || json_extract(payload, '$.lang') FROM jobs WHERE kind = 'mail'")" \
	"admin@team-a.example.jp en" "the mail is queued for the admin, in English"
sql "SELECT json_extract(payload, '$.body') FROM jobs WHERE kind = 'mail'" >"$TMP/body"
has "$TMP/body" "https://shisa.example.jp/directory/team-a" "the mail links to the record"
expect 0 "remind again" - -- "$SHISA" directory remind --db "$DB" --base-url https://shisa.example.jp
has "$TMP/out" "0 teams reminded" "never twice"
same "$(sql "SELECT count(*) FROM jobs WHERE kind = 'mail'")" "1" "still one mail"

echo "freshness: $CHECKS checks, $FAILS failed"
[ "$FAILS" -eq 0 ]
