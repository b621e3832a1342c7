#!/bin/sh
# Freshness from the shell: `shisa mail bounce` reading real delivery
# status notifications (tests/dsn/, written by hand after RFC 3464 in
# postfix's and other MTAs' styles) and recording failed addresses
# against the directory, with its sysexits statuses for postfix's pipe(8)
# (0 read, 1 not a DSN, 2 usage, 75 try again later); and
# `shisa directory remind` queuing reminders once, never twice, and
# writing nothing in a dry run. Checked with the sqlite3 command. Each
# check prints "ok: ..." or "FAIL: ..."; the script exits 1 if any failed.
#
#   tests/cli/freshness_test.sh PATH/TO/shisa DSN_DIR
set -u

SHISA=${1:?usage: freshness_test.sh PATH/TO/shisa DSN_DIR}
DSN=${2:?usage: freshness_test.sh PATH/TO/shisa DSN_DIR}
. "$(dirname "$0")/lib.sh"
case $SHISA in /*) ;; *) SHISA=$PWD/$SHISA ;; esac
case $DSN in /*) ;; *) DSN=$PWD/$DSN ;; esac
if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "freshness_test: the sqlite3 command is needed"
	exit 77
fi

T=$(mktemp -d /tmp/shisa-freshness-XXXXXX) || exit 1
DB=$T/shisa.db
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
cd "$T" || exit 1
unset SHISA_CONFIG SHISA_DB
# shisa mail bounce reads stdin: nothing, unless a check gives it a message.
exec </dev/null

# ---- help and usage ----
run mail --help
expect 0 "mail --help"
expect_line out '^usage: shisa mail bounce' "mail --help prints the usage"
run mail bounce --help
expect 0 "mail bounce --help"
expect_line out 'EX_TEMPFAIL' "mail bounce --help explains the exit statuses"
run mail
expect 2 "mail without a subcommand"
run mail forward
expect 2 "mail with an unknown subcommand"
run mail bounce extra
expect 2 "mail bounce with an operand"
run mail bounce --bogus
expect 2 "mail bounce with an unknown option"
run directory remind --help
expect 0 "directory remind --help"
expect_line out '^usage: shisa directory remind' "directory remind --help prints the usage"
run directory --help
expect 0 "directory --help lists remind"
expect_line out '^  remind ' "directory --help lists remind"
run directory remind extra
expect 2 "directory remind with an operand"
run mail bounce --db "$T/no/such/dir/x.db" <"$DSN/postfix_failed.eml"
expect 75 "mail bounce on a database that cannot be opened is a temporary failure"

# ---- a directory to bounce against ----
run migrate --db "$DB"
expect 0 "migrate"
q "INSERT INTO orgs (id, name, kind, created_at) VALUES (7, 'Team A', 'member', 0);
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
run mail bounce --db "$DB" <"$DSN/postfix_failed.eml"
expect 0 "a postfix bounce"
is_line out "$(printf 'info@team-a.example.jp\tfailed 5.1.1\trecorded as bouncing for team-a')" "the postfix bounce is recorded"
same "$(q "SELECT team_id, address, status, count FROM contact_bounces")" "1|info@team-a.example.jp|5.1.1|1" \
	"one row for the team, for its contact and its person alike"
same "$(q "SELECT diagnostic FROM contact_bounces")" \
	"smtp; 550 5.1.1 <info@team-a.example.jp>: Recipient address rejected: User unknown in virtual mailbox table" \
	"the remote server's answer is kept, unfolded"
same "$(q "SELECT action || ' ' || object_type || ' ' || object_id || ' ' || request_id FROM audit_log")" \
	"team.contact_bounce team 1 cli" "the bounce is audited"
run mail bounce --db "$DB" <"$DSN/postfix_failed.eml"
expect 0 "the same bounce again"
same "$(q "SELECT count FROM contact_bounces")" "2" "a repeated bounce is counted on the same row"

run mail bounce --db "$DB" <"$DSN/generic_failed.eml"
expect 0 "another MTA's bounce, CRLF, two recipients"
is_line out "$(printf 'Taro.Yamada@Team-C.example.org\tfailed 5.2.2\trecorded as bouncing for team-c')" \
	"the original recipient matches a person whatever the case"
is_line out "$(printf 'desk@team-c.example.org\tdelivered 2.0.0\tnot a bounce: nothing recorded')" \
	"a delivered recipient is not a bounce"
same "$(q "SELECT count(*) FROM contact_bounces WHERE team_id = 2")" "1" "only the failed address of team-c is recorded"

run mail bounce --db "$DB" <"$DSN/global_base64.eml"
expect 0 "a global DSN with a base64 status part"
is_line out "$(printf 'noc@team-d.example.net\tfailed 5.1.10\trecorded as bouncing for team-d')" "the base64 report is read"

rows=$(q "SELECT count(*) FROM audit_log")
run mail bounce --db "$DB" <"$DSN/postfix_delayed.eml"
expect 0 "a delay notice"
is_line out "$(printf 'soc@team-b.example.jp\tdelayed 4.4.1\tnot a bounce: nothing recorded')" "delayed is not a bounce"
same "$(q "SELECT count(*) FROM contact_bounces")" "3" "nothing recorded for a delay"
sed 's/info@team-a\.example\.jp/nobody@elsewhere.example/g' "$DSN/postfix_failed.eml" >"$T/elsewhere.eml"
run mail bounce --db "$DB" <"$T/elsewhere.eml"
expect 0 "a bounce for an address nobody lists"
is_line out "$(printf 'nobody@elsewhere.example\tfailed 5.1.1\tno team contact or person has this address')" \
	"an unknown address is said so"
same "$(q "SELECT count(*) FROM audit_log")" "$rows" "nothing is audited when nothing changes"

# ---- malformed ----
dump=$(q .dump | sha256sum)
for f in not_a_report mdn truncated bad_status no_final_recipient no_address_type no_status_part; do
	run mail bounce --db "$DB" <"$DSN/$f.eml"
	expect 1 "$f.eml is refused"
	expect_line err '^shisa mail bounce: .' "$f.eml: the reason on stderr"
	same "$(wc -c <"$T/out" | tr -d ' ')" 0 "$f.eml: nothing on stdout"
done
run mail bounce --db "$DB" <"$DSN/bad_status.eml"
expect 1 "bad_status.eml names the field"
is_line err 'shisa mail bounce: delivery-status group 2: Status "5.x.1" is not a code such as 5.1.1 (RFC 3463)' \
	"the bad Status is named"
run mail bounce --db "$DB"
expect 1 "an empty message"
is_line err "shisa mail bounce: the message is empty" "an empty message is said so"
head -c 65536 /dev/urandom >"$T/noise"
run mail bounce --db "$DB" <"$T/noise"
expect 1 "random bytes"
head -c 16777217 /dev/zero >"$T/huge"
run mail bounce --db "$DB" <"$T/huge"
expect 1 "a message over 16 MiB"
expect_line err 'larger than 16777216 bytes' "the size limit is named"
same "$(q .dump | sha256sum)" "$dump" "refused messages write nothing"

# ---- reminders ----
q "UPDATE teams SET last_verified = NULL WHERE id = 1"
dump=$(q .dump | sha256sum)
run directory remind --dry-run --db "$DB" --base-url https://shisa.example.jp
expect 0 "remind --dry-run"
is_line out "$(printf 'team-a\toverdue 1/4\tadmin@team-a.example.jp (en)')" "the dry run names the admin"
is_line out "1 team would be reminded (dry run)" "the dry run counts"
same "$(q .dump | sha256sum)" "$dump" "a dry run writes nothing"
run directory remind --db "$DB" --base-url https://shisa.example.jp
expect 0 "remind"
is_line out "1 team reminded" "one team reminded"
same "$(q "SELECT json_extract(payload, '$.to') || ' ' || json_extract(payload, '$.lang') FROM jobs WHERE kind = 'mail'")" \
	"admin@team-a.example.jp en" "the mail is queued for the admin, in English"
q "SELECT json_extract(payload, '$.body') FROM jobs WHERE kind = 'mail'" >"$T/body"
is_line body "https://shisa.example.jp/directory/team-a" "the mail links to the record"
run directory remind --db "$DB" --base-url https://shisa.example.jp
expect 0 "remind again"
is_line out "0 teams reminded" "never twice"
same "$(q "SELECT count(*) FROM jobs WHERE kind = 'mail'")" "1" "still one mail"

echo "freshness_test: $checks checks, $failures failed"
[ "$failures" -eq 0 ]
