#!/bin/sh
# The account commands from the shell: `shisa admin create` and
# `shisa user add|list|disable|enable|reset-mfa`, with their exit statuses
# (0 done, 1 refused, 2 usage), their messages, and the audit rows they
# leave behind (checked with the sqlite3 command-line tool).
#
# usage: admin_test.sh PATH/TO/shisa
set -u
SHISA=$1
command -v sqlite3 >/dev/null 2>&1 || { echo "sqlite3 not installed: skipped"; exit 77; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
unset SHISA_CONFIG
DB=$TMP/shisa.db
PW='correct horse battery staple'
FAILS=0

fail() {
	echo "FAIL: $*"
	FAILS=$((FAILS + 1))
}

# expect STATUS DESCRIPTION -- COMMAND...: run it, keep its output in
# $TMP/out and $TMP/err, and check its exit status.
expect() {
	want=$1 what=$2
	shift 3
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		fail "$what: exit $got, wanted $want"
		sed 's/^/    out: /' "$TMP/out"
		sed 's/^/    err: /' "$TMP/err"
	fi
}

# has FILE TEXT DESCRIPTION
has() {
	grep -qF -- "$2" "$1" || fail "$3: \"$2\" not in $(basename "$1"): $(cat "$1")"
}

sql() {
	sqlite3 "$DB" "$1"
}

# ---- help and usage ----
expect 0 "admin --help" -- "$SHISA" admin --help
has "$TMP/out" "usage: shisa admin create" "admin --help"
expect 0 "admin create --help" -- "$SHISA" admin create --help
expect 0 "user --help" -- "$SHISA" user --help
has "$TMP/out" "shisa user reset-mfa EMAIL" "user --help"
expect 0 "user add --help" -- "$SHISA" user add --help
expect 0 "shisa --help lists admin" -- "$SHISA" --help
has "$TMP/out" "admin" "shisa --help"
has "$TMP/out" "user" "shisa --help"
expect 2 "admin without subcommand" -- "$SHISA" admin
expect 2 "admin unknown subcommand" -- "$SHISA" admin destroy
expect 2 "admin create without --name" -- "$SHISA" admin create --db "$DB" --email a@example.jp
has "$TMP/err" "--email and --name are required" "admin create without --name"
expect 2 "admin create with a bad address" -- "$SHISA" admin create --db "$DB" --email not-an-address --name A
expect 2 "admin create with an unknown flag" -- "$SHISA" admin create --db "$DB" --frobnicate
expect 2 "admin create asking a non-terminal" -- "$SHISA" admin create --db "$DB" --email a@example.jp --name A </dev/null
has "$TMP/err" "use --password-stdin" "admin create asking a non-terminal"
expect 2 "user without subcommand" -- "$SHISA" user
expect 2 "user unknown subcommand" -- "$SHISA" user delete x@example.jp
expect 2 "user add without --org" -- "$SHISA" user add --db "$DB" --email b@example.jp --name B
expect 2 "user add with a bad role" -- "$SHISA" user add --db "$DB" --email b@example.jp --name B --org X --role root
expect 2 "user add with a bad language" -- "$SHISA" user add --db "$DB" --email b@example.jp --name B --org X --lang fr
expect 2 "user disable without an address" -- "$SHISA" user disable --db "$DB"
expect 2 "user disable with two addresses" -- "$SHISA" user disable --db "$DB" a@example.jp b@example.jp
expect 2 "user list with --email" -- "$SHISA" user list --db "$DB" --email a@example.jp
[ -e "$DB" ] && fail "usage errors must not create the database"

# ---- admin create ----
echo "$PW" >"$TMP/pw"
expect 0 "admin create" -- sh -c "\"$SHISA\" admin create --db \"$DB\" --email sec@example.jp --name '事務局 花子' --password-stdin <\"$TMP/pw\""
has "$TMP/out" 'created organisation "Secretariat"' "admin create"
has "$TMP/out" "created user sec@example.jp" "admin create"
[ "$(sql "SELECT o.kind || ' ' || u.role || ' ' || (u.password_hash LIKE '\$argon2id\$%') FROM users u JOIN orgs o ON o.id = u.org_id WHERE u.email = 'sec@example.jp'")" = "secretariat team_admin 1" ] ||
	fail "admin create: not a secretariat team admin with an argon2id password"
grep -q "$PW" "$DB" && fail "the password is stored in clear"

expect 1 "admin create with a taken address" -- sh -c "\"$SHISA\" admin create --db \"$DB\" --email SEC@example.jp --name Other --password-stdin <\"$TMP/pw\""
has "$TMP/err" "already in use" "admin create with a taken address"
expect 1 "admin create with a short password" -- sh -c "echo short | \"$SHISA\" admin create --db \"$DB\" --email sec2@example.jp --name Two --password-stdin"
has "$TMP/err" "At least 12 characters" "admin create with a short password"
expect 1 "admin create without a password" -- "$SHISA" admin create --db "$DB" --email sec2@example.jp --name Two --password-stdin </dev/null
expect 0 "a second secretariat account" -- sh -c "\"$SHISA\" admin create --db \"$DB\" --email sec2@example.jp --name Two --password-stdin <\"$TMP/pw\""
has "$TMP/out" 'using organisation "Secretariat"' "a second secretariat account"
[ "$(sql "SELECT count(*) FROM orgs")" = 1 ] || fail "the secretariat organisation was created twice"

# ---- user add ----
sql "INSERT INTO orgs (name, name_ja, kind, created_at) VALUES ('CSIRT-A', 'チームA', 'member', 0)"
expect 1 "admin create into a member organisation" -- sh -c "\"$SHISA\" admin create --db \"$DB\" --email x@example.jp --name X --org CSIRT-A --password-stdin <\"$TMP/pw\""
has "$TMP/err" "not secretariat" "admin create into a member organisation"
expect 0 "user add" -- "$SHISA" user add --db "$DB" --email bob@example.jp --name Bob --org csirt-a --role team_admin --lang en --base-url https://shisa.example.jp/
has "$TMP/out" "created user bob@example.jp" "user add"
has "$TMP/out" "https://shisa.example.jp/reset/confirm?token=" "user add"
[ "$(sql "SELECT count(*) FROM password_resets r JOIN users u ON u.id = r.user_id WHERE u.email = 'bob@example.jp' AND r.used_at IS NULL AND r.expires_at > strftime('%s','now')")" = 1 ] ||
	fail "user add: no usable password-set token"
[ "$(sql "SELECT password_hash IS NULL FROM users WHERE email = 'bob@example.jp'")" = 1 ] || fail "user add set a password"
TOKEN=$(sed -n 's/.*token=//p' "$TMP/out")
grep -q "$TOKEN" "$DB" && fail "the password-set token is stored in clear"
expect 0 "user add (defaults)" -- "$SHISA" user add --db "$DB" --email carol@example.jp --name キャロル --org CSIRT-A
[ "$(sql "SELECT role || ' ' || lang FROM users WHERE email = 'carol@example.jp'")" = "member ja" ] || fail "user add defaults"
expect 1 "user add with a taken address" -- "$SHISA" user add --db "$DB" --email Bob@Example.jp --name Bob --org CSIRT-A
has "$TMP/err" "already in use" "user add with a taken address"
expect 1 "user add to an unknown organisation" -- "$SHISA" user add --db "$DB" --email d@example.jp --name D --org Nowhere
has "$TMP/err" 'no organisation named "Nowhere"' "user add to an unknown organisation"

# ---- user list ----
expect 0 "user list" -- "$SHISA" user list --db "$DB"
[ "$(wc -l <"$TMP/out")" -eq 5 ] || fail "user list: wanted a header and 4 users: $(cat "$TMP/out")"
has "$TMP/out" "sec@example.jp" "user list"
has "$TMP/out" "キャロル" "user list"
expect 0 "user list --org" -- "$SHISA" user list --db "$DB" --org CSIRT-A
[ "$(wc -l <"$TMP/out")" -eq 3 ] || fail "user list --org: wanted a header and 2 users: $(cat "$TMP/out")"
grep -q "sec@example.jp" "$TMP/out" && fail "user list --org shows another organisation"
expect 1 "user list of an unknown organisation" -- "$SHISA" user list --db "$DB" --org Nowhere

# ---- disable, enable, reset-mfa ----
BOB=$(sql "SELECT id FROM users WHERE email = 'bob@example.jp'")
sql "INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen_at, expires_at) VALUES (randomblob(32), $BOB, 'x', 0, 0, 9999999999)"
expect 0 "user disable" -- "$SHISA" user disable --db "$DB" bob@example.jp
[ "$(sql "SELECT disabled FROM users WHERE id = $BOB")" = 1 ] || fail "user disable: still enabled"
[ "$(sql "SELECT count(*) FROM sessions WHERE user_id = $BOB")" = 0 ] || fail "user disable: sessions left"
expect 0 "user list shows disabled" -- "$SHISA" user list --db "$DB" --org CSIRT-A
grep "bob@example.jp" "$TMP/out" | grep -q "yes\$" || fail "user list: bob not shown as disabled"
expect 0 "user disable twice" -- "$SHISA" user disable --db "$DB" bob@example.jp
has "$TMP/out" "already disabled" "user disable twice"
expect 0 "user enable" -- "$SHISA" user enable --db "$DB" bob@example.jp
[ "$(sql "SELECT disabled FROM users WHERE id = $BOB")" = 0 ] || fail "user enable: still disabled"
expect 1 "user disable of an unknown address" -- "$SHISA" user disable --db "$DB" nobody@example.jp
has "$TMP/err" "no user with the address" "user disable of an unknown address"

sql "UPDATE users SET mfa_enabled = 1, mfa_secret = randomblob(20) WHERE id = $BOB; INSERT INTO recovery_codes (user_id, code_hash) VALUES ($BOB, randomblob(32))"
expect 0 "user reset-mfa" -- "$SHISA" user reset-mfa --db "$DB" bob@example.jp
[ "$(sql "SELECT mfa_enabled || ' ' || (mfa_secret IS NULL) FROM users WHERE id = $BOB")" = "0 1" ] || fail "user reset-mfa: MFA left"
[ "$(sql "SELECT count(*) FROM recovery_codes WHERE user_id = $BOB")" = 0 ] || fail "user reset-mfa: recovery codes left"

# The last active secretariat account stays.
expect 0 "disable one of two secretariat accounts" -- "$SHISA" user disable --db "$DB" sec2@example.jp
expect 1 "disable the last secretariat account" -- "$SHISA" user disable --db "$DB" sec@example.jp
has "$TMP/err" "last active secretariat account" "disable the last secretariat account"
[ "$(sql "SELECT disabled FROM users WHERE email = 'sec@example.jp'")" = 0 ] || fail "the last secretariat account was disabled"

# ---- the audit log ----
got=$(sql "SELECT group_concat(action, ' ') FROM (SELECT action FROM audit_log WHERE request_id = 'cli' ORDER BY id)")
want="org.create user.create user.create user.create user.create user.disable user.enable user.reset_mfa user.disable"
[ "$got" = "$want" ] || fail "audit rows: got \"$got\", wanted \"$want\""
[ "$(sql "SELECT count(*) FROM audit_log WHERE request_id != 'cli' OR actor_user_id IS NOT NULL OR client_addr != 'local'")" = 0 ] ||
	fail "audit rows not marked as coming from the command line"
[ "$(sql "SELECT object_type || ':' || object_id FROM audit_log WHERE action = 'user.reset_mfa'")" = "user:$BOB" ] ||
	fail "audit row of reset-mfa names the wrong object"
sql "SELECT detail FROM audit_log" | grep -qiE "argon2|token|$PW" && fail "secrets in audit details"

if [ "$FAILS" -ne 0 ]; then
	echo "$FAILS failure(s)"
	exit 1
fi
echo "all passed"
