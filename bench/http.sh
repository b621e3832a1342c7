#!/bin/sh
# Simple JSON GET: shisa's /api/v1/status against nginx serving a static file
# with the same bytes, same machine, same run (DESIGN.md: target >= 1.0 x
# nginx). Loopback only; both servers are stopped on exit, whatever happens.
#   bench/http.sh            (make bench)
# Environment: BUILD (default build, a release build made here if missing),
# DURATION (wrk seconds per round, default 10).
set -eu

cd "$(dirname "$0")/.."
root=$(pwd)
build=${BUILD:-build}
duration=${DURATION:-10}

for tool in nginx wrk curl python3; do
	command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || {
		echo "bench/http.sh: $tool is missing (scripts/deps test installs it)" >&2
		exit 1
	}
done
nginx=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)

# The same release build as `make build`.
[ -f "$build/build.ninja" ] || meson setup "$build" --buildtype=release -Db_ndebug=if-release >/dev/null
ninja -C "$build" shisa >/dev/null

dir=$(mktemp -d /tmp/shisa-bench.XXXXXX)
shisa_pid=""
nginx_pid=""
cleanup() {
	[ -n "$shisa_pid" ] && kill -TERM "$shisa_pid" 2>/dev/null && wait "$shisa_pid" 2>/dev/null || true
	[ -n "$nginx_pid" ] && kill -QUIT "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_http() {
	i=0
	until curl -fsS -o /dev/null "$1" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then
			echo "bench/http.sh: nothing answers at $1" >&2
			exit 1
		fi
		sleep 0.1
	done
}

# shisa, two loops, without the per-request access log (nginx gets
# access_log off: the same work on both sides).
shisa_port=$(free_port)
"$build/shisa" serve --db "$dir/shisa.db" --listen "127.0.0.1:$shisa_port" --threads 2 \
	--set log_level="${SHISA_LOG_LEVEL:-warn}" 2>"$dir/shisa.log" &
shisa_pid=$!
shisa_url="http://127.0.0.1:$shisa_port/api/v1/status"
wait_http "$shisa_url"

# nginx serves shisa's reply as a file at the same path.
nginx_port=$(free_port)
mkdir -p "$dir/www/api/v1" "$dir/nginx/logs"
curl -fsS -o "$dir/www/api/v1/status" "$shisa_url"
chmod -R a+rX "$dir"
cat >"$dir/nginx/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    open_file_cache max=16;
    open_file_cache_valid 60s;
    client_body_temp_path $dir/nginx/body;
    proxy_temp_path $dir/nginx/proxy;
    fastcgi_temp_path $dir/nginx/fastcgi;
    uwsgi_temp_path $dir/nginx/uwsgi;
    scgi_temp_path $dir/nginx/scgi;
    server {
        listen 127.0.0.1:$nginx_port;
        root $dir/www;
        default_type application/json;
    }
}
EOF
"$nginx" -c "$dir/nginx/nginx.conf" -p "$dir/nginx" &
nginx_pid=$!
nginx_url="http://127.0.0.1:$nginx_port/api/v1/status"
wait_http "$nginx_url"

shisa_bytes=$(curl -fsS "$shisa_url" | wc -c)
nginx_bytes=$(curl -fsS "$nginx_url" | wc -c)
if [ "$shisa_bytes" -ne "$nginx_bytes" ]; then
	echo "bench/http.sh: bodies differ in size: shisa $shisa_bytes, nginx $nginx_bytes" >&2
	exit 1
fi
nginx_version=$("$nginx" -v 2>&1 | sed 's/.*nginx\///')
echo "GET /api/v1/status, $shisa_bytes-byte body: $("$build/shisa" version 2>/dev/null | head -n 1) (--threads 2)" \
	"vs nginx $nginx_version (worker_processes 2); wrk ${duration} s per round"

# One wrk run; prints requests/s, and fails on errors or non-2xx answers.
run_wrk() {
	out=$(wrk "$@" 2>&1) || {
		echo "$out" >&2
		exit 1
	}
	if echo "$out" | grep -q -e 'Non-2xx' -e 'Socket errors'; then
		echo "$out" >&2
		echo "bench/http.sh: wrk saw errors" >&2
		exit 1
	fi
	echo "$out" | sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p'
}

for round in "1 32" "2 64"; do
	set -- $round
	threads=$1
	conns=$2
	run_wrk -t"$threads" -c"$conns" -d1s "$shisa_url" >/dev/null   # warm-up
	run_wrk -t"$threads" -c"$conns" -d1s "$nginx_url" >/dev/null
	s=$(run_wrk -t"$threads" -c"$conns" -d"${duration}s" "$shisa_url")
	n=$(run_wrk -t"$threads" -c"$conns" -d"${duration}s" "$nginx_url")
	ratio=$(python3 -c "print(f'{$s / $n:.2f}')")
	printf 'wrk -t%s -c%-3s  shisa %9.0f req/s   nginx %9.0f req/s   shisa/nginx %s (target >= 1.0)\n' \
		"$threads" "$conns" "$s" "$n" "$ratio"
done
