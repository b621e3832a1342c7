#!/bin/sh
# Simple JSON GET: shisa's /api/v1/status against nginx serving a static file
# with the same bytes, same machine, same run (DESIGN.md: target >= 1.0 x
# nginx). Loopback only; both servers are stopped on exit, whatever happens
# (bench/lib.sh).
#   bench/http.sh            (make bench)
# Environment: BUILD (default build, a release build made here if missing),
# DURATION (wrk seconds per round, default 10).
set -eu

cd "$(dirname "$0")/.."
build=${BUILD:-build}
duration=${DURATION:-10}
. bench/lib.sh

bench_build shisa

start_shisa "$dir/shisa.db"
shisa_url="http://127.0.0.1:$shisa_port/api/v1/status"
wait_for "$shisa_url" 10

# nginx serves shisa's reply as a file at the same path.
mkdir -p "$dir/www/api/v1"
curl -fsS -o "$dir/www/api/v1/status" "$shisa_url"
start_nginx
nginx_url="http://127.0.0.1:$nginx_port/api/v1/status"
wait_for "$nginx_url" 10

shisa_bytes=$(curl -fsS "$shisa_url" | wc -c)
nginx_bytes=$(curl -fsS "$nginx_url" | wc -c)
if [ "$shisa_bytes" -ne "$nginx_bytes" ]; then
	bench_fail "bodies differ in size: shisa $shisa_bytes, nginx $nginx_bytes"
fi
echo "GET /api/v1/status, $shisa_bytes-byte body: $("$build/shisa" version 2>/dev/null | head -n 1) (--threads 2)" \
	"vs nginx $nginx_version (worker_processes 2); wrk ${duration} s per round"

for round in "1 32" "2 64"; do
	set -- $round
	threads=$1
	conns=$2
	run_wrk -t"$threads" -c"$conns" -d1s "$shisa_url" >/dev/null   # warm-up
	run_wrk -t"$threads" -c"$conns" -d1s "$nginx_url" >/dev/null
	s=$(run_wrk -t"$threads" -c"$conns" -d"${duration}s" "$shisa_url")
	n=$(run_wrk -t"$threads" -c"$conns" -d"${duration}s" "$nginx_url")
	s=${s%% *}
	n=${n%% *}
	ratio=$(python3 -c "print(f'{$s / $n:.2f}')")
	printf 'wrk -t%s -c%-3s  shisa %9.0f req/s   nginx %9.0f req/s   shisa/nginx %s (target >= 1.0)\n' \
		"$threads" "$conns" "$s" "$n" "$ratio"
done
