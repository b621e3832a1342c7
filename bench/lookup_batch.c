/* Benchmark of the batch lookup through the API (DESIGN.md: >= 1 M
 * lookups/s through the batch API). Seeds a directory shaped like a large
 * association with `shisa dev seed --teams 100000` (about a million IPv4
 * and IPv6 prefixes, nested and shared between teams, domains, AS
 * numbers, contacts; some rules and contacts members-only), starts the
 * real server on it, and POSTs one million queries as JSON lines made
 * from the seeded rules: mostly IPv4 addresses inside some team's prefix,
 * the rest IPv6 addresses inside one, hosts under a domain rule, AS
 * numbers, and addresses anywhere. It times the request from the first
 * byte sent to the last byte of the answer (asking as the public, so
 * members-only rules do not route), checks that every query got its
 * line, and meanwhile asks /healthz every 5 ms on another connection to
 * show that the server keeps answering. The CPU time of the server and
 * of the client during each run is printed too: on a machine shared with
 * other work, their sum over the cores is what an idle machine would take.
 *
 *   ninja -C build bench/bench_lookup_batch shisa
 *   build/bench/bench_lookup_batch build/shisa [M] [R]
 *
 * M is millions of queries (default 1), R the runs (default 3): the
 * machine is shared, so the figure is the best of R runs. Seeding takes
 * a few minutes; with BENCH_DB=FILE the database is seeded there once and
 * reused by later runs. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#define BENCH_SEED 0x9e3779b97f4a7c15ull
#include "bench_util.h"

#define TEAMS "100000"
#define TARGET 1e6

static void die(const char *what)
{
	fprintf(stderr, "bench_lookup_batch: %s%s%s\n", what, errno ? ": " : "", errno ? strerror(errno) : "");
	exit(1);
}

static void run_command(char *const argv[])
{
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "bench_lookup_batch: %s %s failed\n", argv[0], argv[1]);
		exit(1);
	}
}

/* The seeded rules, to ask about: networks (IPv4 and IPv6 apart), domain
 * names (without "*.") and AS numbers. */
struct net {
	unsigned char addr[16];
	int len;
};

struct rules {
	struct net *v4, *v6;
	size_t n4, n6;
	char (*names)[256];
	size_t nnames;
	uint32_t *asns;
	size_t nasns;
};

static void *grow(void *p, size_t n, size_t size)
{
	/* Doubling at each power of two. */
	if (n && (n & (n - 1)))
		return p;
	p = realloc(p, (n ? 2 * n : 1024) * size);
	if (!p)
		die("out of memory");
	return p;
}

static void read_rules(const char *path, struct rules *r)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	memset(r, 0, sizeof(*r));
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT kind, value FROM team_constituency WHERE kind IN ('cidr', 'domain', 'asn')",
	                       -1, &st, NULL) != SQLITE_OK)
		die("cannot read the seeded rules");
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 0);
		const char *value = (const char *)sqlite3_column_text(st, 1);
		if (!strcmp(kind, "cidr")) {
			char text[64];
			snprintf(text, sizeof(text), "%s", value);
			char *slash = strchr(text, '/');
			if (!slash)
				continue;
			*slash = '\0';
			struct net n = {.len = atoi(slash + 1)};
			if (inet_pton(AF_INET, text, n.addr) == 1) {
				r->v4 = grow(r->v4, r->n4, sizeof(*r->v4));
				r->v4[r->n4++] = n;
			} else if (inet_pton(AF_INET6, text, n.addr) == 1) {
				r->v6 = grow(r->v6, r->n6, sizeof(*r->v6));
				r->v6[r->n6++] = n;
			}
		} else if (!strcmp(kind, "domain")) {
			r->names = grow(r->names, r->nnames, sizeof(*r->names));
			snprintf(r->names[r->nnames++], sizeof(r->names[0]), "%s", value + (value[0] == '*' ? 2 : 0));
		} else {
			r->asns = grow(r->asns, r->nasns, sizeof(*r->asns));
			r->asns[r->nasns++] = (uint32_t)strtoul(value + 2, NULL, 10);
		}
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (!r->n4 || !r->n6 || !r->nnames || !r->nasns)
		die("the seeded directory lacks a kind of rule");
}

/* An address inside network N: its bits, then random ones past its length. */
static void inside(const struct net *n, int bytes, unsigned char out[16])
{
	for (int i = 0; i < bytes; i++) {
		int keep = n->len - 8 * i;
		unsigned char mask = keep >= 8 ? 0xff : keep <= 0 ? 0 : (unsigned char)(0xff << (8 - keep));
		out[i] = (unsigned char)((n->addr[i] & mask) | (rnd() & ~mask));
	}
}

/* N queries as JSON lines: 72 % IPv4 inside some rule and 8 % anywhere,
 * 8 % IPv6 inside some rule, 6 % hosts under a domain rule, 6 % AS
 * numbers of rules. */
static char *make_body(const struct rules *r, size_t n, size_t *len)
{
	size_t cap = n * 300, used = 0;
	char *body = malloc(cap);
	if (!body)
		die("out of memory");
	for (size_t i = 0; i < n; i++) {
		char q[300];
		unsigned char a[16];
		uint32_t k = below(100);
		if (k < 80) {
			if (k < 72)
				inside(&r->v4[below((uint32_t)r->n4)], 4, a);
			else
				for (int b = 0; b < 4; b++)
					a[b] = (unsigned char)rnd();
			inet_ntop(AF_INET, a, q, sizeof(q));
		} else if (k < 88) {
			inside(&r->v6[below((uint32_t)r->n6)], 16, a);
			inet_ntop(AF_INET6, a, q, sizeof(q));
		} else if (k < 94) {
			snprintf(q, sizeof(q), "www%u.%.200s", below(100), r->names[below((uint32_t)r->nnames)]);
		} else {
			snprintf(q, sizeof(q), "AS%u", r->asns[below((uint32_t)r->nasns)]);
		}
		used += (size_t)snprintf(body + used, cap - used, "\"%s\"\n", q);
	}
	*len = used;
	return body;
}

static pid_t server_pid;
static struct sockaddr_in server_addr;

/* Start `shisa serve` on a port of its choosing; read the port from the
 * "msg=listening addr=127.0.0.1:PORT" line of its log. */
static void start_server(const char *shisa, const char *dir, const char *db)
{
	char log[512];
	snprintf(log, sizeof(log), "%s/server.log", dir);
	server_pid = fork();
	if (server_pid < 0)
		die("fork");
	if (server_pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			_exit(127);
		dup2(fd, 1);
		dup2(fd, 2);
		/* No reminders: on a seeded directory their mail would keep the
		 * server busy while it is measured. */
		execl(shisa, shisa, "serve", "--db", db, "--listen", "127.0.0.1:0", "--threads", "2",
		      "--set", "reminder_max=0", (char *)NULL);
		_exit(127);
	}
	for (int tries = 0; tries < 6000; tries++) {
		usleep(50000);
		char line[1024];
		FILE *f = fopen(log, "r");
		const char *m = NULL;
		while (f && !m && fgets(line, sizeof(line), f))
			m = strstr(line, "msg=listening addr=127.0.0.1:");
		if (f)
			fclose(f);
		if (m) {
			server_addr.sin_family = AF_INET;
			server_addr.sin_port = htons((uint16_t)atoi(m + strlen("msg=listening addr=127.0.0.1:")));
			server_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			return;
		}
		if (waitpid(server_pid, NULL, WNOHANG) == server_pid)
			break;
	}
	fprintf(stderr, "bench_lookup_batch: the server did not start (see %s)\n", log);
	exit(1);
}

static int connect_server(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), on = 1;
	if (fd < 0 || connect(fd, (struct sockaddr *)&server_addr, sizeof(server_addr)) < 0)
		die("cannot connect to the server");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	return fd;
}

static void send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("write");
		p += w;
		n -= (size_t)w;
	}
}

/* /healthz every 5 ms on one keep-alive connection while the batch runs. */
static atomic_bool batch_running;
static double health_ms[100000];
static size_t health_n;

static void *ask_health(void *unused)
{
	static const char req[] = "GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n";
	int fd = connect_server();
	char buf[4096];
	health_n = 0;
	while (atomic_load(&batch_running) && health_n < sizeof(health_ms) / sizeof(health_ms[0])) {
		double t = wall_seconds();
		send_all(fd, req, sizeof(req) - 1);
		/* The answer is small: headers and a short body in one read or two. */
		size_t got = 0;
		const char *end = NULL;
		long clen = -1;
		while (!end || got < (size_t)(end - buf) + 4 + (size_t)clen) {
			ssize_t r = read(fd, buf + got, sizeof(buf) - 1 - got);
			if (r <= 0)
				die("/healthz: read");
			got += (size_t)r;
			buf[got] = '\0';
			if (!end && (end = strstr(buf, "\r\n\r\n"))) {
				const char *cl = strcasestr(buf, "content-length:");
				clen = cl ? atol(cl + 15) : 0;
			}
		}
		health_ms[health_n++] = (wall_seconds() - t) * 1000;
		usleep(5000);
	}
	close(fd);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct result {
	double secs, first;               /* the whole answer, and its first byte */
	size_t lines, found, found_lines, bytes;
};

/* POST the body (HTTP/1.0: the answer ends when the connection does)
 * and count the lines of the answer (memchr: the client must not be what
 * is measured), and in the first read those that found a team. */
static struct result run_batch(const char *body, size_t len)
{
	static char buf[1 << 20];
	char head[256];
	int n = snprintf(head, sizeof(head),
	                 "POST /api/v1/lookup HTTP/1.0\r\nHost: bench\r\nContent-Type: application/x-ndjson\r\n"
	                 "Content-Length: %zu\r\n\r\n", len);
	struct result res = {0};
	int fd = connect_server();
	double t = wall_seconds();
	send_all(fd, head, (size_t)n);
	send_all(fd, body, len);
	bool in_body = false;
	ssize_t r;
	while ((r = read(fd, buf, sizeof(buf) - 1)) > 0) {
		char *p = buf, *end = buf + r;
		if (!res.bytes)
			res.first = wall_seconds() - t;
		res.bytes += (size_t)r;
		if (!in_body) {
			/* The header is short and arrives in the first read. */
			buf[r] = '\0';
			char *e = strstr(buf, "\r\n\r\n");
			if (!e || strncmp(buf, "HTTP/1.1 200", 12) != 0) {
				fprintf(stderr, "bench_lookup_batch: the answer is not a 200: %.200s\n", buf);
				exit(1);
			}
			p = e + 4;
			in_body = true;
			for (char *q = p; (q = strstr(q, "\"found\":true")); q++)
				res.found++;
			for (char *q = p; (q = memchr(q, '\n', (size_t)(end - q))); q++)
				res.found_lines++;
		}
		while ((p = memchr(p, '\n', (size_t)(end - p)))) {
			p++;
			res.lines++;
		}
	}
	res.secs = wall_seconds() - t;
	close(fd);
	return res;
}

/* CPU seconds the process has used (user and system). */
static double process_cpu_seconds(pid_t pid)
{
	char path[64], line[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	unsigned long ut = 0, st = 0;
	if (f && fgets(line, sizeof(line), f)) {
		const char *p = strrchr(line, ')');
		if (p)
			sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st);
	}
	if (f)
		fclose(f);
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* Wait until the server has done its start-up work in the background
 * (the routers are built before it listens, but the offline snapshot of
 * 100,000 teams takes minutes after): until it uses under a tenth of a
 * core for three seconds in a row (at most half an hour). Return the
 * seconds waited. */
static double wait_until_idle(pid_t pid)
{
	double t0 = wall_seconds(), last = process_cpu_seconds(pid);
	for (int i = 0, quiet = 0; i < 1800 && quiet < 3; i++) {
		sleep(1);
		double cpu = process_cpu_seconds(pid);
		quiet = cpu - last < 0.1 ? quiet + 1 : 0;
		last = cpu;
	}
	return wall_seconds() - t0;
}

static double rss_mb(pid_t pid)
{
	char path[64], line[256];
	double kb = 0;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6))
			kb = strtod(line + 6, NULL);
	if (f)
		fclose(f);
	return kb / 1024;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_lookup_batch SHISA_BINARY [MILLIONS_OF_QUERIES] [RUNS]\n");
		return 2;
	}
	const char *shisa = argv[1];
	size_t nq = (size_t)((argc > 2 ? atof(argv[2]) : 1) * 1e6);
	int runs = argc > 3 ? atoi(argv[3]) : 3;
	signal(SIGPIPE, SIG_IGN);

	char dir[] = "/tmp/shisa-bench-batch.XXXXXX", db[600];
	if (!mkdtemp(dir))
		die("mkdtemp");
	const char *keep = getenv("BENCH_DB");
	snprintf(db, sizeof(db), "%s", keep && *keep ? keep : "");
	if (!*db)
		snprintf(db, sizeof(db), "%s/bench.db", dir);
	bool reuse = access(db, F_OK) == 0;
	double t0 = wall_seconds();
	if (!reuse) {
		char *seed[] = {(char *)shisa, "dev", "seed", "--teams", TEAMS, "--db", db, NULL};
		run_command(seed);
	}
	struct rules rules;
	read_rules(db, &rules);
	double t1 = wall_seconds();
	start_server(shisa, dir, db);
	double t2 = wall_seconds();
	double settle = wait_until_idle(server_pid);
	printf("directory: %s teams with %zu IPv4 and %zu IPv6 prefixes, %zu domains, %zu AS numbers (database %s"
	       " %.1f s, server start %.1f s, then idle after %.1f s more)\n", TEAMS, rules.n4, rules.n6,
	       rules.nnames, rules.nasns, reuse ? "reused" : "seeded", t1 - t0, t2 - t1, settle);
	printf("server RSS at start: %.1f MB\n", rss_mb(server_pid));

	size_t len;
	char *body = make_body(&rules, nq, &len);
	printf("batch: %zu queries as JSON lines, %.1f MB\n", nq, (double)len / 1048576);
	double best = 0;
	for (int r = 0; r < runs; r++) {
		pthread_t health;
		atomic_store(&batch_running, true);
		if (pthread_create(&health, NULL, ask_health, NULL) != 0)
			die("pthread_create");
		double cpu = process_cpu_seconds(server_pid), client = cpu_seconds();
		struct result res = run_batch(body, len);
		cpu = process_cpu_seconds(server_pid) - cpu;
		client = cpu_seconds() - client;
		atomic_store(&batch_running, false);
		pthread_join(health, NULL);
		qsort(health_ms, health_n, sizeof(health_ms[0]), cmp_double);
		double rate = (double)nq / res.secs;
		printf("  run %d: %.3f s (first line after %.3f s), %.2f M queries/s (%.2fx target), CPU: server %.2f s,"
		       " client %.2f s; %zu lines (%.1f%% of the first %zu found), %.0f MB answered; /healthz meanwhile:"
		       " %zu answers, median %.2f ms, max %.2f ms\n",
		       r + 1, res.secs, res.first, rate / 1e6, rate / TARGET, cpu, client, res.lines,
		       res.found_lines ? 100.0 * (double)res.found / (double)res.found_lines : 0, res.found_lines,
		       (double)res.bytes / 1048576, health_n, health_n ? health_ms[health_n / 2] : 0,
		       health_n ? health_ms[health_n - 1] : 0);
		if (res.lines != nq) {
			fprintf(stderr, "bench_lookup_batch: %zu answer lines for %zu queries\n", res.lines, nq);
			kill(server_pid, SIGTERM);
			return 1;
		}
		if (rate > best)
			best = rate;
	}
	printf("server RSS after: %.1f MB\n", rss_mb(server_pid));
	printf("batch lookup through the API: best %.2f M queries/s (%.2fx the 1 M/s target)\n", best / 1e6,
	       best / TARGET);
	kill(server_pid, SIGTERM);
	waitpid(server_pid, NULL, 0);
	free(body);
	char *rm[] = {"/bin/rm", "-rf", dir, NULL};
	run_command(rm);
	return 0;
}
