#!/bin/sh
# The team directory at 3,000 teams (the association's planned size) and
# 100,000, with the release build, each seeded into a new database with
# `shisa dev seed` (issue 3's scale targets):
#   - seeding time;
#   - search in process (bench_search: p50/p99, target p99 < 5 ms at
#     100,000 teams) and over HTTP (GET /api/v1/teams?q=... with the same
#     queries through wrk and bench/search_paths.lua: one connection, so
#     each request waits for the one before, then eight);
#   - the directory page (/directory) and a team's JSON
#     (/api/v1/teams/{slug}) in requests per second next to nginx serving
#     a file of the same bytes, same machine, same run, in ROUNDS rounds
#     taken in turns (the medians, the ratio of each round, and each
#     server's CPU time per request; target >= 1.0 x);
#   - lookups per second in process against the index built from the
#     database (bench_lookup_db; at 100,000 teams, ~1 M prefixes; target
#     >= 5 M/s);
#   - the server's resident memory (VmRSS, and VmHWM, its peak) once it
#     has built its indexes, and after the benchmarks.
# The HTTP figures come twice: with the response cache off (every request
# searched and drawn from the database: what a first reader waits) and on
# (the default: a repeated request sent from memory).
# Loopback only; the servers are stopped and the databases removed on exit
# (bench/lib.sh).
#   bench/directory.sh          (make bench)
# Environment: BUILD (default build), SIZES (default "3000 100000"),
# DURATION (wrk seconds per round, default 10), ROUNDS (rounds of each
# side taken in turns in the nginx comparison, default 5, each lasting
# 2 x DURATION / ROUNDS seconds).
set -eu

cd "$(dirname "$0")/.."
build=${BUILD:-build}
sizes=${SIZES:-3000 100000}
duration=${DURATION:-10}
rounds=${ROUNDS:-5}
round=$(( (duration + rounds - 1) / rounds * 2 ))     # seconds of each wrk run in compare
. bench/lib.sh

bench_build shisa bench/bench_search bench/bench_lookup_db

memory() {
	awk '/^VmRSS|^VmHWM/ { printf "%s %.0f MB  ", $1, $2 / 1024 }' "/proc/$1/status"
}

# cpu_ticks PID...: the processes' user + system time, in clock ticks.
cpu_ticks() {
	for p in "$@"; do
		awk '{ print $14 + $15 }' "/proc/$p/stat"
	done | awk '{ s += $1 } END { print s }'
}

# wrk_cpu URL PID...: one wrk round against URL; prints "requests/s
# p99-ms CPU-us-per-request", the CPU being that of PID... (the server).
wrk_cpu() {
	url=$1
	shift
	t0=$(cpu_ticks "$@")
	out=$(run_wrk -t2 -c32 -d"${round}s" "$url")
	t1=$(cpu_ticks "$@")
	echo "$out" | awk -v dt=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v secs="$round" \
		'{ printf "%s %s %.2f\n", $1, $3, dt / hz * 1e6 / ($1 * secs) }'
}

# compare NAME PATH: shisa's PATH next to nginx serving its bytes, in
# ROUNDS alternating rounds (so a change in the machine's load falls on
# both alike); the medians, and the CPU each server spent per request.
compare() {
	s_url="http://127.0.0.1:$shisa_port$2"
	n_url="http://127.0.0.1:$nginx_port$2"
	s_bytes=$(curl -fsS "$s_url" | wc -c)
	n_bytes=$(curl -fsS "$n_url" | wc -c)
	if [ "$s_bytes" -ne "$n_bytes" ]; then
		bench_fail "$2: shisa $s_bytes bytes, nginx $n_bytes"
	fi
	run_wrk -t2 -c32 -d1s "$s_url" >/dev/null   # warm-up
	run_wrk -t2 -c32 -d1s "$n_url" >/dev/null
	nginx_workers=$(pgrep -P "$nginx_pid" | tr '\n' ' ')
	: >"$dir/rounds"
	i=0
	while [ $i -lt "$rounds" ]; do
		echo "$(wrk_cpu "$s_url" "$shisa_pid") $(wrk_cpu "$n_url" $nginx_workers)" >>"$dir/rounds"
		i=$((i + 1))
	done
	python3 - "$1" "$s_bytes" "$dir/rounds" <<'PY'
import statistics as st, sys
name, size, path = sys.argv[1], sys.argv[2], sys.argv[3]
rows = [list(map(float, l.split())) for l in open(path) if l.strip()]
med = lambda k: st.median(r[k] for r in rows)
ratios = sorted(r[0] / r[3] for r in rows)
print(f"  {name:<28} {size:>6} bytes  shisa {med(0):7.0f} req/s (p99 {med(1):6.2f} ms, {med(2):5.1f} us CPU)"
      f"   nginx {med(3):7.0f} req/s ({med(5):5.1f} us CPU)   shisa/nginx {st.median(ratios):.2f}"
      f" (rounds {' '.join(f'{x:.2f}' for x in ratios)}; target >= 1.0)")
PY
}

echo "$("$build/shisa" version | head -n 1); nginx $nginx_version (worker_processes 2);" \
	"wrk ${duration} s per round, nginx comparisons in $rounds rounds of ${round} s a side; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
for teams in $sizes; do
	db="$dir/directory-$teams.db"
	echo
	echo "== $teams teams"
	start=$(date +%s.%N)
	"$build/shisa" dev seed --teams "$teams" --db "$db" 2>/dev/null | sed 's/^/  /'
	echo "  seeding: $(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')") s in all (migrating and checkpointing too)"

	"$build/bench/bench_search" "$db" 2000 "$dir/paths" 2>/dev/null | sed 's/^/  /'
	if [ "$teams" -ge 100000 ]; then
		"$build/bench/bench_lookup_db" "$db" 5 3 2>/dev/null | sed 's/^/  /'
	fi

	# shisa without reminders to confirm records (a seeded directory has
	# thousands due, and their mail would be retried through the run).
	# Measured once the search index is current and the offline snapshot
	# written: first with the response cache off, so every request is
	# searched and drawn from the database; then with it on (the
	# default), where a repeated request is sent from memory.
	for cache in off on; do
		if [ "$cache" = off ]; then
			start_shisa "$db" --set reminder_max=0 --set response_cache_size=0
		else
			start_shisa "$db" --set reminder_max=0
		fi
		wait_for "http://127.0.0.1:$shisa_port/api/v1/status" 900
		wait_for "http://127.0.0.1:$shisa_port/metrics" 900 '^shisa_search_index_current 1'
		i=0
		until [ -s "$db-snapshot/directory.json" ]; do
			i=$((i + 1))
			if [ $i -gt 9000 ]; then
				bench_fail "no offline snapshot after 900 s"
			fi
			sleep 0.1
		done
		echo "  -- response cache $cache$([ "$cache" = off ] && echo ': every request searched and drawn' || echo ': repeated requests sent from memory')"
		echo "  server started, indexes built, snapshot written: $(memory "$shisa_pid")"

		echo "  search over HTTP, the same queries (GET /api/v1/teams?q=..., anonymous: level public):"
		for conns in 1 8; do
			threads=$((conns < 2 ? 1 : 2))
			set -- $(run_wrk -t"$threads" -c"$conns" -d"${duration}s" -s bench/search_paths.lua \
				"http://127.0.0.1:$shisa_port" -- "$dir/paths")
			printf '    %d connection%s  %6.0f req/s  p50 %6.2f ms  p99 %6.2f ms (target p99 < 5 ms at 100,000 teams)\n' \
				"$conns" "$([ "$conns" -eq 1 ] && echo ' ' || echo s)" "$1" "$2" "$3"
		done

		# nginx serves shisa's answers as files at the same paths.
		slug=$(curl -fsS "http://127.0.0.1:$shisa_port/api/v1/teams?limit=1" |
			python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["slug"])')
		rm -rf "$dir/www"
		mkdir -p "$dir/www/api/v1/teams"
		curl -fsS -o "$dir/www/directory" "http://127.0.0.1:$shisa_port/directory"
		curl -fsS -o "$dir/www/api/v1/teams/$slug" "http://127.0.0.1:$shisa_port/api/v1/teams/$slug"
		start_nginx
		wait_for "http://127.0.0.1:$nginx_port/directory" 30
		echo "  requests per second, wrk -t2 -c32 (anonymous):"
		compare "GET /directory" /directory
		compare "GET /api/v1/teams/{slug}" "/api/v1/teams/$slug"
		echo "  server after the benchmarks: $(memory "$shisa_pid")"
		stop_servers
	done
	rm -rf "$db" "$db-wal" "$db-shm" "$db-snapshot"
done
