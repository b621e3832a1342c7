#!/bin/sh
# The account commands from the shell: `shisa admin create` and
# `shisa user add|list|disable|enable|reset-mfa`, with their exit statuses
# (0 done, 1 refused, 2 usage), their messages, and the audit rows they
# leave behind (checked with the sqlite3 command-line tool). Each check
# prints "ok: ..." or "FAIL: ..."; the script exits 1 if any failed.
#
#   tests/cli/admin_test.sh PATH/TO/shisa
set -u

SHISA=${1:?usage: admin_test.sh PATH/TO/shisa}
. "$(dirname "$0")/lib.sh"
case $SHISA in /*) ;; *) SHISA=$PWD/$SHISA ;; esac
if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "admin_test: the sqlite3 command is needed"
	exit 77
fi

T=$(mktemp -d /tmp/shisa-admin-XXXXXX) || exit 1
DB=$T/shisa.db
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
cd "$T" || exit 1
unset SHISA_CONFIG SHISA_DB
PW='correct horse battery staple'

# ---- help and usage ----
run admin --help
expect 0 "admin --help"
has out "usage: shisa admin create" "admin --help prints the usage"
run admin create --help
expect 0 "admin create --help"
run user --help
expect 0 "user --help"
has out "shisa user reset-mfa EMAIL" "user --help names reset-mfa"
run user add --help
expect 0 "user add --help"
run --help
expect 0 "shisa --help"
has out "admin" "shisa --help lists admin"
has out "user" "shisa --help lists user"
run admin
expect 2 "admin without subcommand"
run admin destroy
expect 2 "admin unknown subcommand"
run admin create --db "$DB" --email a@example.jp
expect 2 "admin create without --name"
has err "--email and --name are required" "admin create without --name says what is required"
run admin create --db "$DB" --email not-an-address --name A
expect 2 "admin create with a bad address"
run admin create --db "$DB" --frobnicate
expect 2 "admin create with an unknown flag"
run admin create --db "$DB" --email a@example.jp --name A </dev/null
expect 2 "admin create asking a non-terminal"
has err "use --password-stdin" "admin create asking a non-terminal says what to use"
run user
expect 2 "user without subcommand"
run user delete x@example.jp
expect 2 "user unknown subcommand"
run user add --db "$DB" --email b@example.jp --name B
expect 2 "user add without --org"
run user add --db "$DB" --email b@example.jp --name B --org X --role root
expect 2 "user add with a bad role"
run user add --db "$DB" --email b@example.jp --name B --org X --lang fr
expect 2 "user add with a bad language"
run user disable --db "$DB"
expect 2 "user disable without an address"
run user disable --db "$DB" a@example.jp b@example.jp
expect 2 "user disable with two addresses"
run user list --db "$DB" --email a@example.jp
expect 2 "user list with --email"
if [ -e "$DB" ]; then fail "usage errors created the database"; else pass "usage errors create no database"; fi

# ---- admin create ----
echo "$PW" >"$T/pw"
run admin create --db "$DB" --email sec@example.jp --name '事務局 花子' --password-stdin <"$T/pw"
expect 0 "admin create"
has out 'created organisation "Secretariat"' "admin create makes the secretariat organisation"
has out "created user sec@example.jp" "admin create makes the user"
same "$(q "SELECT o.kind || ' ' || u.role || ' ' || (u.password_hash LIKE '\$argon2id\$%') FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.email = 'sec@example.jp'")" \
	"secretariat team_admin 1" "admin create: a secretariat team admin with an argon2id password"
if grep -q "$PW" "$DB"; then fail "the password is stored in clear"; else pass "the password is not stored in clear"; fi

run admin create --db "$DB" --email SEC@example.jp --name Other --password-stdin <"$T/pw"
expect 1 "admin create with a taken address"
has err "already in use" "admin create with a taken address says so"
echo short >"$T/short"
run admin create --db "$DB" --email sec2@example.jp --name Two --password-stdin <"$T/short"
expect 1 "admin create with a short password"
has err "At least 12 characters" "admin create with a short password says the rule"
run admin create --db "$DB" --email sec2@example.jp --name Two --password-stdin </dev/null
expect 1 "admin create without a password"
run admin create --db "$DB" --email sec2@example.jp --name Two --password-stdin <"$T/pw"
expect 0 "a second secretariat account"
has out 'using organisation "Secretariat"' "a second secretariat account joins the organisation"
same "$(q "SELECT count(*) FROM orgs")" 1 "the secretariat organisation is created once"

# ---- user add ----
q "INSERT INTO orgs (name, name_ja, kind, created_at) VALUES ('CSIRT-A', 'チームA', 'member', 0)"
run admin create --db "$DB" --email x@example.jp --name X --org CSIRT-A --password-stdin <"$T/pw"
expect 1 "admin create into a member organisation"
has err "not secretariat" "admin create into a member organisation says why"
run user add --db "$DB" --email bob@example.jp --name Bob --org csirt-a --role team_admin --lang en --base-url https://shisa.example.jp/
expect 0 "user add"
has out "created user bob@example.jp" "user add says whom it created"
has out "https://shisa.example.jp/reset/confirm?token=" "user add prints the link to set a password"
same "$(q "SELECT count(*) FROM password_resets r JOIN users u ON u.id = r.user_id WHERE u.email = 'bob@example.jp' AND r.used_at IS NULL AND r.expires_at > strftime('%s','now')")" \
	1 "user add: one usable password-set token"
same "$(q "SELECT password_hash IS NULL FROM users WHERE email = 'bob@example.jp'")" 1 "user add sets no password"
TOKEN=$(sed -n 's/.*token=//p' "$T/out")
if grep -q "$TOKEN" "$DB"; then fail "the password-set token is stored in clear"; else pass "the password-set token is not stored in clear"; fi
run user add --db "$DB" --email carol@example.jp --name キャロル --org CSIRT-A
expect 0 "user add (defaults)"
same "$(q "SELECT role || ' ' || lang FROM users WHERE email = 'carol@example.jp'")" "member ja" "user add defaults: member, Japanese"
run user add --db "$DB" --email Bob@Example.jp --name Bob --org CSIRT-A
expect 1 "user add with a taken address"
has err "already in use" "user add with a taken address says so"
run user add --db "$DB" --email d@example.jp --name D --org Nowhere
expect 1 "user add to an unknown organisation"
has err 'no organisation named "Nowhere"' "user add to an unknown organisation names it"

# ---- user list ----
run user list --db "$DB"
expect 0 "user list"
same "$(wc -l <"$T/out" | tr -d ' ')" 5 "user list: a header and 4 users"
has out "sec@example.jp" "user list shows the secretariat"
has out "キャロル" "user list shows Japanese names"
run user list --db "$DB" --org CSIRT-A
expect 0 "user list --org"
same "$(wc -l <"$T/out" | tr -d ' ')" 3 "user list --org: a header and 2 users"
lacks out "sec@example.jp" "user list --org shows no other organisation"
run user list --db "$DB" --org Nowhere
expect 1 "user list of an unknown organisation"

# ---- disable, enable, reset-mfa ----
BOB=$(q "SELECT id FROM users WHERE email = 'bob@example.jp'")
q "INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen_at, expires_at) VALUES (randomblob(32), $BOB, 'x', 0, 0, 9999999999)"
run user disable --db "$DB" bob@example.jp
expect 0 "user disable"
same "$(q "SELECT disabled FROM users WHERE id = $BOB")" 1 "user disable disables"
same "$(q "SELECT count(*) FROM sessions WHERE user_id = $BOB")" 0 "user disable ends the sessions"
run user list --db "$DB" --org CSIRT-A
expect 0 "user list shows disabled"
expect_line out '^.*bob@example\.jp.*yes$' "user list shows bob as disabled"
run user disable --db "$DB" bob@example.jp
expect 0 "user disable twice"
has out "already disabled" "user disable twice says so"
run user enable --db "$DB" bob@example.jp
expect 0 "user enable"
same "$(q "SELECT disabled FROM users WHERE id = $BOB")" 0 "user enable enables"
run user disable --db "$DB" nobody@example.jp
expect 1 "user disable of an unknown address"
has err "no user with the address" "user disable of an unknown address says so"

q "UPDATE users SET mfa_enabled = 1, mfa_secret = randomblob(20) WHERE id = $BOB; INSERT INTO recovery_codes (user_id, code_hash) VALUES ($BOB, randomblob(32))"
run user reset-mfa --db "$DB" bob@example.jp
expect 0 "user reset-mfa"
same "$(q "SELECT mfa_enabled || ' ' || (mfa_secret IS NULL) FROM users WHERE id = $BOB")" "0 1" "user reset-mfa removes MFA"
same "$(q "SELECT count(*) FROM recovery_codes WHERE user_id = $BOB")" 0 "user reset-mfa removes the recovery codes"

# The last active secretariat account stays.
run user disable --db "$DB" sec2@example.jp
expect 0 "disable one of two secretariat accounts"
run user disable --db "$DB" sec@example.jp
expect 1 "disable the last secretariat account"
has err "last active secretariat account" "disable the last secretariat account says why not"
same "$(q "SELECT disabled FROM users WHERE email = 'sec@example.jp'")" 0 "the last secretariat account stays enabled"

# ---- the audit log ----
same "$(q "SELECT group_concat(action, ' ') FROM (SELECT action FROM audit_log WHERE request_id = 'cli' ORDER BY id)")" \
	"org.create user.create user.create user.create user.create user.disable user.enable user.reset_mfa user.disable" \
	"an audit row for each change, in order"
same "$(q "SELECT count(*) FROM audit_log WHERE request_id != 'cli' OR actor_user_id IS NOT NULL OR client_addr != 'local'")" 0 \
	"audit rows are marked as coming from the command line"
same "$(q "SELECT object_type || ':' || object_id FROM audit_log WHERE action = 'user.reset_mfa'")" "user:$BOB" \
	"the audit row of reset-mfa names the user"
if q "SELECT detail FROM audit_log" | grep -qiE "argon2|token|$PW"; then fail "secrets in audit details"; else pass "no secrets in audit details"; fi

echo "admin_test: $checks checks, $failures failed"
[ "$failures" -eq 0 ]
