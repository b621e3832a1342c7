# What the HTTP benchmarks share (bench/http.sh, bench/directory.sh), sourced
# from the repository root once $build names the build directory: the
# tools they need, a scratch directory, shisa and nginx started on free
# loopback ports and stopped (the scratch directory removed) on exit
# whatever happens, and wrk runs that fail on any error. nginx serves
# files of shisa's answers at the same paths: the yardstick of DESIGN.md.
#   . bench/lib.sh

bench=bench/$(basename "$0")

bench_fail() {
	echo "$bench: $*" >&2
	exit 1
}

for tool in nginx wrk curl python3; do
	command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] ||
		bench_fail "$tool is missing (scripts/deps test installs it)"
done
nginx=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
nginx_version=$("$nginx" -v 2>&1 | sed 's/.*nginx\///')

# bench_build TARGET...: the same release build as `make build`.
bench_build() {
	[ -f "$build/build.ninja" ] || meson setup "$build" --buildtype=release -Db_ndebug=if-release >/dev/null
	ninja -C "$build" "$@" >/dev/null
}

dir=$(mktemp -d "/tmp/shisa-bench-$(basename "$0" .sh).XXXXXX")
shisa_pid=""
nginx_pid=""
stop_servers() {
	[ -n "$shisa_pid" ] && kill -TERM "$shisa_pid" 2>/dev/null && wait "$shisa_pid" 2>/dev/null || true
	[ -n "$nginx_pid" ] && kill -QUIT "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true
	shisa_pid=""
	nginx_pid=""
}
cleanup() {
	stop_servers
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for URL SECONDS [PATTERN]: until URL answers (with a line matching
# PATTERN), at most SECONDS.
wait_for() {
	i=0
	until curl -fsS "$1" 2>/dev/null | grep -q -- "${3:-}"; do
		i=$((i + 1))
		if [ $i -gt $(($2 * 10)) ]; then
			bench_fail "no answer from $1${3:+ with $3} after $2 s"
		fi
		sleep 0.1
	done
}

# start_shisa DB [ARG...]: shisa serve on DB with two loops and without
# the per-request access log (nginx gets access_log off: the same work on
# both sides), on $shisa_port; its log in $dir/shisa.log.
start_shisa() {
	shisa_db=$1
	shift
	shisa_port=$(free_port)
	"$build/shisa" serve --db "$shisa_db" --listen "127.0.0.1:$shisa_port" --threads 2 \
		--set log_level="${SHISA_LOG_LEVEL:-warn}" "$@" 2>"$dir/shisa.log" &
	shisa_pid=$!
}

# start_nginx: nginx with two workers serving the files under $dir/www
# (JSON under /api/, HTML elsewhere) on $nginx_port.
start_nginx() {
	nginx_port=$(free_port)
	mkdir -p "$dir/www" "$dir/nginx/logs"
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
        location /api/ { default_type application/json; }
        location / { default_type "text/html; charset=utf-8"; }
    }
}
EOF
	"$nginx" -c "$dir/nginx/nginx.conf" -p "$dir/nginx" &
	nginx_pid=$!
}

# run_wrk ARG...: one wrk run; prints "requests/s p50-ms p99-ms" and fails
# on errors or answers other than 2xx.
run_wrk() {
	out=$(wrk --latency "$@" 2>&1) || {
		echo "$out" >&2
		exit 1
	}
	if echo "$out" | grep -q -e 'Non-2xx' -e 'Socket errors'; then
		echo "$out" >&2
		bench_fail "wrk saw errors"
	fi
	echo "$out" | awk '
		function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
		/^Requests\/sec:/ { rps = $2 }
		$1 == "50.000%" || ($1 == "50%" && !p50) { p50 = ms($2) }
		$1 == "99.000%" || ($1 == "99%" && !p99) { p99 = ms($2) }
		END { printf "%.0f %.2f %.2f\n", rps, p50, p99 }'
}
