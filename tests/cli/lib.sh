# What the CLI test scripts share, sourced after they set SHISA (the
# binary) and T (their temporary folder): each check is counted in
# $checks and $failures; each run of shisa leaves its output in $T/out and
# $T/err and its exit status in $rc.

checks=0
failures=0

pass() {
	checks=$((checks + 1))
	echo "ok: $*"
}

fail() {
	checks=$((checks + 1))
	failures=$((failures + 1))
	echo "FAIL: $*"
	sed 's/^/    stdout| /' "$T/out" | head -200
	sed 's/^/    stderr| /' "$T/err"
}

# shisa_run ARGS...: run shisa ARGS. A sanitizer report fails the check
# even when the status does not show it.
shisa_run() {
	"$SHISA" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if grep -q -e 'Sanitizer' -e 'runtime error:' "$T/err"; then
		fail "shisa $*: sanitizer report"
	fi
}

# run ARGS...: the same; scripts that always run one subcommand redefine
# it on top of shisa_run.
run() {
	shisa_run "$@"
}

# expect STATUS WHAT: the last run exited with STATUS.
expect() {
	if [ "$rc" -eq "$1" ]; then pass "$2"; else fail "$2 (exit $rc, want $1)"; fi
}

# expect_line FILE REGEX WHAT: some line of $T/FILE matches REGEX (ERE).
expect_line() {
	if grep -Eq -- "$2" "$T/$1"; then pass "$3"; else fail "$3 ($1 lacks /$2/)"; fi
}

# no_line FILE REGEX WHAT: no line of $T/FILE matches REGEX.
no_line() {
	if grep -Eq -- "$2" "$T/$1"; then fail "$3 ($1 has /$2/)"; else pass "$3"; fi
}

# has FILE TEXT WHAT: $T/FILE holds TEXT (a fixed string, not a pattern).
has() {
	if grep -Fq -- "$2" "$T/$1"; then pass "$3"; else fail "$3 ($1 lacks \"$2\")"; fi
}

# lacks FILE TEXT WHAT: $T/FILE does not hold TEXT.
lacks() {
	if grep -Fq -- "$2" "$T/$1"; then fail "$3 ($1 has \"$2\")"; else pass "$3"; fi
}

# is_line FILE TEXT WHAT: some line of $T/FILE is exactly TEXT.
is_line() {
	if grep -qxF -- "$2" "$T/$1"; then pass "$3"; else fail "$3 (no line of $1 is \"$2\")"; fi
}

# same A B WHAT: two values are equal.
same() {
	if [ "$1" = "$2" ]; then pass "$3"; else fail "$3 (\"$1\", want \"$2\")"; fi
}

# q SQL: run SQL on $DB.
q() {
	sqlite3 "$DB" "$1"
}
