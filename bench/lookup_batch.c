/* Benchmark of the batch lookup through the API (DESIGN.md: >= 1 M
 * lookups/s through the batch API). Builds a directory shaped like a
 * large association in a fresh database (100,000 teams with two contacts
 * each, ~1,000,000 IPv4 and IPv6 prefixes, a third nested in another, a
 * few claimed twice, 200,000 domain rules, an AS number per team), starts
 * the real server on it, and POSTs one million queries as JSON lines
 * (mostly IPv4 addresses inside some prefix, the rest IPv6, domains, AS
 * numbers and addresses no team holds). It times the request from the
 * first byte sent to the last byte of the answer, checks that every query
 * got its line, and meanwhile asks /healthz every 5 ms on another
 * connection to show that the server keeps answering. The CPU time of
 * the server and of the client during each run is printed too: on a
 * machine shared with other work, their sum over the cores is what an
 * idle machine would take.
 *
 *   ninja -C build bench/bench_lookup_batch shisa
 *   build/bench/bench_lookup_batch build/shisa [M] [R]
 *
 * M is millions of queries (default 1), R the runs (default 3): the
 * machine is shared, so the figure is the best of R runs. Building the
 * database takes a minute or two; with BENCH_DB=FILE it is built there
 * once and reused by later runs (the same directory: the generator is
 * seeded). */
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
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TEAMS 100000
#define PREFIXES4 900000
#define PREFIXES6 100000
#define DOMAINS 200000
#define TARGET 1e6

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ull;
}

static uint32_t below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_lookup_batch: %s%s%s\n", what, errno ? ": " : "", errno ? strerror(errno) : "");
	exit(1);
}

struct p4 {
	uint32_t addr;
	int len;
};

static struct p4 pre4[PREFIXES4];
static uint64_t pre6[PREFIXES6];        /* the top 64 bits; the rest is zero */
static int len6[PREFIXES6];
static char names[DOMAINS][48];

static uint32_t mask4(int len)
{
	return len ? ~0u << (32 - len) : 0;
}

/* Mostly /16 to /24, a third nested in an earlier one, some the same as
 * an earlier one (two teams claiming one network). */
static void gen4(size_t i)
{
	static const int lens[] = {24, 24, 24, 24, 24, 23, 22, 22, 21, 20, 19, 18, 17, 16};
	uint32_t r = below(100);
	if (i > 0 && r < 5) {
		pre4[i] = pre4[below((uint32_t)i)];
	} else if (i > 0 && r < 35) {
		struct p4 o = pre4[below((uint32_t)i)];
		int len = o.len + 1 + (int)below((uint32_t)(o.len < 24 ? 24 - o.len : 8));
		pre4[i].len = len > 32 ? 32 : len;
		pre4[i].addr = (o.addr | ((uint32_t)rnd() & ~mask4(o.len))) & mask4(pre4[i].len);
	} else {
		pre4[i].len = lens[below(sizeof(lens) / sizeof(lens[0]))];
		pre4[i].addr = ((uint32_t)(1 + below(223)) << 24 | ((uint32_t)rnd() & 0xffffff)) & mask4(pre4[i].len);
	}
}

static void gen6(size_t i)
{
	static const int lens[] = {32, 32, 36, 40, 44, 48, 48};
	len6[i] = lens[below(sizeof(lens) / sizeof(lens[0]))];
	pre6[i] = (0x2400000000000000ull | (rnd() >> 8)) & (~0ull << (64 - len6[i]));
}

static void gen_name(size_t i)
{
	static const char *const tlds[] = {"jp", "co.jp", "ac.jp", "go.jp", "or.jp", "ne.jp", "com", "net", "org"};
	snprintf(names[i], sizeof(names[i]), "org%u.%s", below(10000000), tlds[below(9)]);
}

static void format6(uint64_t hi, char *out, size_t size)
{
	unsigned char a[16] = {0};
	for (int k = 0; k < 8; k++)
		a[k] = (unsigned char)(hi >> (56 - 8 * k));
	inet_ntop(AF_INET6, a, out, (socklen_t)size);
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

static void sql_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "bench_lookup_batch: %s: %s\n", sql, msg);
		exit(1);
	}
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench_lookup_batch: %s: %s\n", sql, sqlite3_errmsg(db));
		exit(1);
	}
	return st;
}

static void step(sqlite3 *db, sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE) {
		fprintf(stderr, "bench_lookup_batch: insert: %s\n", sqlite3_errmsg(db));
		exit(1);
	}
	sqlite3_reset(st);
}

static void add_rule(sqlite3 *db, sqlite3_stmt *st, uint32_t team, const char *kind, const char *value)
{
	sqlite3_bind_int64(st, 1, team);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, value, -1, SQLITE_TRANSIENT);
	step(db, st);
}

/* The directory: teams 1..TEAMS, every rule public. */
static void fill_database(const char *path)
{
	sqlite3 *db;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die("cannot open the database");
	/* A page cache as large as the database: the indexes of the rules
	 * are filled in random order. */
	sql_exec(db, "PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000; BEGIN");
	sqlite3_stmt *team = prepare(db, "INSERT INTO teams (id, slug, name_en, name_ja, short_name, created_at,"
	                                  " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 0, 0)");
	sqlite3_stmt *contact = prepare(db, "INSERT INTO team_contacts (team_id, kind, value, visibility, position)"
	                                     " VALUES (?1, ?2, ?3, ?4, ?5)");
	sqlite3_stmt *rule = prepare(db, "INSERT OR IGNORE INTO team_constituency (team_id, kind, value, visibility)"
	                                  " VALUES (?1, ?2, ?3, 'public')");
	char a[128], b[64], c[96];
	for (uint32_t t = 1; t <= TEAMS; t++) {
		snprintf(a, sizeof(a), "team-%06u", t);
		snprintf(b, sizeof(b), "Team %06u CSIRT", t);
		snprintf(c, sizeof(c), "チーム%06u シーサート", t);
		sqlite3_bind_int64(team, 1, t);
		sqlite3_bind_text(team, 2, a, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(team, 3, b, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(team, 4, c, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(team, 5, a + 5, -1, SQLITE_TRANSIENT);
		step(db, team);
		snprintf(a, sizeof(a), "csirt@team%06u.example.jp", t);
		snprintf(b, sizeof(b), "+81 3-%04u-%04u", t / 10000, t % 10000);
		const char *values[] = {a, b}, *kinds[] = {"email_incident", "phone_emergency"},
		           *vis[] = {"public", "members"};
		for (int k = 0; k < 2; k++) {
			sqlite3_bind_int64(contact, 1, t);
			sqlite3_bind_text(contact, 2, kinds[k], -1, SQLITE_STATIC);
			sqlite3_bind_text(contact, 3, values[k], -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(contact, 4, vis[k], -1, SQLITE_STATIC);
			sqlite3_bind_int(contact, 5, k);
			step(db, contact);
		}
		snprintf(a, sizeof(a), "AS%u", 64512 + t);
		add_rule(db, rule, t, "asn", a);
	}
	for (size_t i = 0; i < PREFIXES4; i++) {
		uint32_t x = pre4[i].addr;
		snprintf(a, sizeof(a), "%u.%u.%u.%u/%d", x >> 24, (x >> 16) & 255, (x >> 8) & 255, x & 255, pre4[i].len);
		add_rule(db, rule, 1 + below(TEAMS), "cidr", a);
	}
	for (size_t i = 0; i < PREFIXES6; i++) {
		format6(pre6[i], b, sizeof(b));
		snprintf(a, sizeof(a), "%s/%d", b, len6[i]);
		add_rule(db, rule, 1 + below(TEAMS), "cidr", a);
	}
	for (size_t i = 0; i < DOMAINS; i++) {
		snprintf(a, sizeof(a), "%s%.47s", below(5) == 0 ? "*." : "", names[i]);
		add_rule(db, rule, 1 + below(TEAMS), "domain", a);
	}
	sqlite3_finalize(team);
	sqlite3_finalize(contact);
	sqlite3_finalize(rule);
	sql_exec(db, "COMMIT");
	sqlite3_close(db);
}

/* N queries as JSON lines: 80 % IPv4 (nine in ten inside some prefix),
 * 8 % IPv6, 6 % domains (a host under a rule's name), 6 % AS numbers. */
static char *make_body(size_t n, size_t *len)
{
	size_t cap = n * 64, used = 0;
	char *body = malloc(cap);
	if (!body)
		die("out of memory");
	for (size_t i = 0; i < n; i++) {
		char q[96], six[64];
		uint32_t r = below(100);
		if (r < 80) {
			uint32_t x = (uint32_t)rnd();
			if (r < 72) {
				struct p4 p = pre4[below(PREFIXES4)];
				x = p.addr | (x & ~mask4(p.len));
			}
			snprintf(q, sizeof(q), "%u.%u.%u.%u", x >> 24, (x >> 16) & 255, (x >> 8) & 255, x & 255);
		} else if (r < 88) {
			size_t k = below(PREFIXES6);
			format6(pre6[k] | (rnd() & ~(~0ull << (64 - len6[k]))), six, sizeof(six));
			snprintf(q, sizeof(q), "%s", six);
		} else if (r < 94) {
			snprintf(q, sizeof(q), "www%u.%.47s", below(100), names[below(DOMAINS)]);
		} else {
			snprintf(q, sizeof(q), "AS%u", 64512 + 1 + below(TEAMS + TEAMS / 10));
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
		execl(shisa, shisa, "serve", "--db", db, "--listen", "127.0.0.1:0", "--threads", "2", (char *)NULL);
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
		double t = now();
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
		health_ms[health_n++] = (now() - t) * 1000;
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
	double t = now();
	send_all(fd, head, (size_t)n);
	send_all(fd, body, len);
	bool in_body = false;
	ssize_t r;
	while ((r = read(fd, buf, sizeof(buf) - 1)) > 0) {
		char *p = buf, *end = buf + r;
		if (!res.bytes)
			res.first = now() - t;
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
	res.secs = now() - t;
	close(fd);
	return res;
}

/* CPU seconds this thread has used: the client's share of a run. */
static double own_cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_THREAD, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       (double)ru.ru_stime.tv_usec / 1e6;
}

/* CPU seconds the process has used (user and system). */
static double cpu_seconds(pid_t pid)
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
 * 100,000 teams takes a while after): until it uses under a tenth of a
 * core for a second. Return the seconds waited. */
static double wait_until_idle(pid_t pid)
{
	double t0 = now(), last = cpu_seconds(pid);
	for (int i = 0; i < 1200; i++) {
		sleep(1);
		double cpu = cpu_seconds(pid);
		if (cpu - last < 0.1)
			break;
		last = cpu;
	}
	return now() - t0;
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
	double t0 = now();
	for (size_t i = 0; i < PREFIXES4; i++)
		gen4(i);
	for (size_t i = 0; i < PREFIXES6; i++)
		gen6(i);
	for (size_t i = 0; i < DOMAINS; i++)
		gen_name(i);
	if (!reuse) {
		char *migrate[] = {(char *)shisa, "migrate", "--db", db, NULL};
		run_command(migrate);
		fill_database(db);
	}
	double t1 = now();
	start_server(shisa, dir, db);
	double t2 = now();
	double settle = wait_until_idle(server_pid);
	printf("directory: %d teams, %d IPv4 + %d IPv6 prefixes, %d domains, %d AS numbers (database %s %.1f s,"
	       " server start %.1f s, then idle after %.1f s more)\n", TEAMS, PREFIXES4, PREFIXES6, DOMAINS, TEAMS,
	       reuse ? "reused" : "built", t1 - t0, t2 - t1, settle);
	printf("server RSS at start: %.1f MB\n", rss_mb(server_pid));

	size_t len;
	char *body = make_body(nq, &len);
	printf("batch: %zu queries as JSON lines, %.1f MB\n", nq, (double)len / 1048576);
	double best = 0;
	for (int r = 0; r < runs; r++) {
		pthread_t health;
		atomic_store(&batch_running, true);
		if (pthread_create(&health, NULL, ask_health, NULL) != 0)
			die("pthread_create");
		double cpu = cpu_seconds(server_pid), client = own_cpu_seconds();
		struct result res = run_batch(body, len);
		cpu = cpu_seconds(server_pid) - cpu;
		client = own_cpu_seconds() - client;
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
