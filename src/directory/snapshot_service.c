/* The server's snapshot thread; see snapshot_service.h. Like the
 * constituency router's rebuild thread (lookup.c), changes only set a flag
 * and wake the thread, so a burst of writes makes one snapshot; here the
 * thread also lets a burst settle first, because a snapshot costs a pass
 * over every team. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/log.h"
#include "core/secret.h"
#include "directory/dir_version.h"
#include "directory/snapshot.h"
#include "directory/snapshot_service.h"
#include "directory/team.h"
#include "http/response_cache.h"

#define SETTLE_MS 1000              /* after the last change of a burst */
#define MAX_WAIT_MS 10000           /* after the first change, however long the burst */
#define RECHECK_MS (3600 * 1000)    /* a look without a change, for what changes with time */
#define KEEP_AT_MOST_S 86400        /* content older than this is made again all the same */
#define KEY_EXPIRING_S (30 * 86400) /* team.c: a team key expiring within 30 days is flagged */
#define FILE_MODE 0644              /* inside a folder only the server's account may enter */
#define BASIS_HEX (crypto_hash_sha256_BYTES * 2 + 1)

static const char html_name[] = "directory.html", json_name[] = "directory.json", made_name[] = "directory.made";

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;          /* on the monotonic clock */
	pthread_t thread;
	bool running, dirty, stopping;
	bool looked;                  /* past the start: "kept" is said only then */
	atomic_bool cancel;
	double first_change_ms, last_change_ms;
	struct db db;
	char dir[1024];
	char instance[128], url[256], tz[64];
	int confirm_months;
	unsigned char pk[SNAPKEY_PK_BYTES];
	bool have_latest;
	struct snapshot_header latest;
} svc = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* The monotonic time MS (as clock_mono_ms counts) for pthread_cond_timedwait. */
static struct timespec mono_deadline(double ms)
{
	struct timespec ts;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)((ms - (double)ts.tv_sec * 1000) * 1e6);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

static void path_of(enum snapshot_kind kind, char *out, size_t n)
{
	snprintf(out, n, "%s/%s", svc.dir, kind == SNAPSHOT_HTML ? html_name : json_name);
}

/* The stored snapshot, when both files verify and show the same content. */
static void load_stored(void)
{
	struct snapshot_header html, json;
	char hp[1100], jp[1100];
	path_of(SNAPSHOT_HTML, hp, sizeof(hp));
	path_of(SNAPSHOT_JSON, jp, sizeof(jp));
	if (snapshot_verify_file(jp, svc.pk, &json) == SNAPSHOT_OK &&
	    snapshot_verify_file(hp, svc.pk, &html) == SNAPSHOT_OK && !strcmp(html.content_id, json.content_id)) {
		svc.latest = json;
		svc.have_latest = true;
	}
}

/* Temporary files a crash left behind (".directory.html.XXXXXX"). */
static void remove_leftovers(void)
{
	DIR *d = opendir(svc.dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, ".directory.", 11) != 0)
			continue;
		char path[1400];
		snprintf(path, sizeof(path), "%s/%s", svc.dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
}

static int make_folder(const struct config *cfg, char *err, size_t errlen)
{
	struct stat st;
	if (mkdir(svc.dir, 0750) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot make the snapshot folder %s: %s", svc.dir, strerror(errno));
		return -1;
	}
	if (stat(svc.dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "the snapshot folder %s is not a folder", svc.dir);
		return -1;
	}
	if (getuid() == 0 && cfg->user[0]) {
		const struct passwd *pw = getpwnam(cfg->user);
		if (pw && chown(svc.dir, pw->pw_uid, pw->pw_gid) < 0) {
			snprintf(err, errlen, "cannot give the snapshot folder %s to %s: %s", svc.dir, cfg->user,
			         strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* What the content depends on besides the directory and the time: the
 * format, this shisa, the settings shown in it and the signing key. */
static void basis_of(const unsigned char pk[SNAPKEY_PK_BYTES], char out[BASIS_HEX])
{
	char key[SNAPKEY_TEXT_LEN + 1], months[16];
	snapkey_text(pk, key);
	snprintf(months, sizeof(months), "%d", svc.confirm_months);
	const char *parts[] = {SNAPSHOT_FORMAT, "shisa " SHISA_VERSION, svc.instance, svc.url, svc.tz, key, months};
	crypto_hash_sha256_state st;
	unsigned char sum[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_init(&st);
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		crypto_hash_sha256_update(&st, (const unsigned char *)parts[i], strlen(parts[i]) + 1);
	crypto_hash_sha256_final(&st, sum);
	secret_hex(sum, sizeof(sum), out);
}

/* Whether a record fell overdue or a key became expiring or expired
 * between FROM and TO: the content that changes with time alone (the
 * expressions of team.c's team_overdue and its key status, turned into
 * the moments they flip). 1 yes, 0 no, -1 error. */
static int changed_with_time(int64_t from, int64_t to)
{
	static const char sql[] =
		"SELECT EXISTS (SELECT 1 FROM teams WHERE last_verified > 0 AND last_verified + ?3 >= ?1"
		"  AND last_verified + ?3 < ?2)"
		" OR EXISTS (SELECT 1 FROM team_keys WHERE expires > 0 AND (expires BETWEEN ?1 AND ?2 - 1"
		"  OR expires BETWEEN ?1 + ?4 AND ?2 + ?4 - 1))";
	sqlite3_stmt *st = db_stmt(&svc.db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	sqlite3_bind_int64(st, 3, (int64_t)svc.confirm_months * TEAM_MONTH_S);
	sqlite3_bind_int64(st, 4, KEY_EXPIRING_S);
	int rc = sqlite3_step(st), changed = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) != 0 : -1;
	sqlite3_reset(st);
	return changed;
}

/* What the snapshot in place was made from, in a file beside it (not in
 * the database, so that making a snapshot never writes to the database):
 * one line, "shisa-snapshot-made 1 STAMP BASIS CONTENT_ID AS_OF". STAMP is
 * the directory's stamp (dir_version.h): random, so a restored database
 * never matches a later state by chance. */
struct made {
	int64_t stamp, as_of;
	char basis[BASIS_HEX], content_id[65];
};

static bool read_made(struct made *m)
{
	char path[1100], line[512];
	snprintf(path, sizeof(path), "%s/%s", svc.dir, made_name);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	bool ok = fgets(line, sizeof(line), f) &&
	          sscanf(line, "shisa-snapshot-made 1 %" SCNd64 " %64s %64s %" SCNd64, &m->stamp, m->basis,
	                 m->content_id, &m->as_of) == 4;
	fclose(f);
	return ok;
}

/* Write M in place of the file, through a temporary name. */
static void write_made(const struct made *m)
{
	char tmp[1100], path[1100];
	snprintf(path, sizeof(path), "%s/%s", svc.dir, made_name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", svc.dir, made_name);
	int fd = mkstemp(tmp);
	FILE *f = fd >= 0 && fchmod(fd, FILE_MODE) == 0 ? fdopen(fd, "w") : NULL;
	bool ok = f && fprintf(f, "shisa-snapshot-made 1 %" PRId64 " %s %s %" PRId64 "\n", m->stamp, m->basis,
	                       m->content_id, m->as_of) > 0;
	if (f)
		ok = fclose(f) == 0 && ok;
	else if (fd >= 0)
		close(fd);
	if (!ok || rename(tmp, path) < 0) {
		if (fd >= 0)
			unlink(tmp);
		log_kv(LOG_WARN, "directory snapshot: cannot record what it was made from; made again at the next start",
		       NULL);
	}
}

/* Whether the snapshot in place still shows the directory as it is: made
 * (read_made) from the directory's current stamp, the current settings
 * and key, at most a day ago, and either within the hour or with nothing
 * changed with time since. Reads only. */
static bool still_current(void)
{
	unsigned char pk[SNAPKEY_PK_BYTES];
	char basis[BASIS_HEX];
	struct dir_version v;
	struct snapshot_header latest;
	struct made m;
	pthread_mutex_lock(&svc.lock);
	bool have = svc.have_latest;
	latest = svc.latest;
	pthread_mutex_unlock(&svc.lock);
	if (!have || !read_made(&m) || snapkey_load(&svc.db, pk, NULL) != 1)
		return false;
	basis_of(pk, basis);
	int64_t now = clock_now();
	bool begun = db_read_begin(&svc.db);
	bool current = dir_version_read(&svc.db, &v) == 0 && m.stamp == v.stamp && !strcmp(m.basis, basis) &&
	               !strcmp(m.content_id, latest.content_id) && now - m.as_of < KEEP_AT_MOST_S;
	/* What changes with time is looked at hourly while the server runs;
	 * a restart within the hour waits for that look as well. */
	if (current && now - m.as_of >= RECHECK_MS / 1000)
		current = changed_with_time(m.as_of, now) == 0;
	db_read_end(&svc.db, begun);
	return current;
}

/* Remember what the snapshot in place was made from. */
static void record_made(const struct snapshot_result *r, const unsigned char pk[SNAPKEY_PK_BYTES])
{
	struct made m = {.stamp = r->directory_stamp, .as_of = r->as_of};
	basis_of(pk, m.basis);
	snprintf(m.content_id, sizeof(m.content_id), "%s", r->header.content_id);
	write_made(&m);
}

static void make_snapshot(void)
{
	unsigned char pk[SNAPKEY_PK_BYTES], sk[SNAPKEY_SK_BYTES];
	char err[512], ms[24], teams[24], bytes[48];
	if (snapkey_load(&svc.db, pk, sk) != 1) {
		log_kv(LOG_ERROR, "directory snapshot: cannot read the signing key", NULL);
		return;
	}
	double start = clock_mono_ms();
	struct snapshot_params p = {
		.instance = svc.instance, .url = svc.url, .tz = svc.tz, .dir = svc.dir, .html_name = html_name,
		.json_name = json_name, .file_mode = FILE_MODE,
		.unless_content_id = svc.have_latest ? svc.latest.content_id : NULL, .cancel = &svc.cancel,
	};
	struct snapshot_result r;
	int rc = snapshot_generate(&svc.db, &p, pk, sk, &r, err, sizeof(err));
	sodium_memzero(sk, sizeof(sk));
	if (rc < 0) {
		log_kv(LOG_ERROR, "directory snapshot failed", "error", err, NULL);
		return;
	}
	if (atomic_load(&svc.cancel))
		return;
	record_made(&r, pk);
	if (rc == 0)
		return;
	pthread_mutex_lock(&svc.lock);
	svc.latest = r.header;
	svc.have_latest = true;
	memcpy(svc.pk, pk, sizeof(pk));
	pthread_mutex_unlock(&svc.lock);
	response_cache_invalidate();   /* pages show when the latest was made */
	snprintf(ms, sizeof(ms), "%.0f", clock_mono_ms() - start);
	snprintf(teams, sizeof(teams), "%lld", (long long)r.header.teams);
	snprintf(bytes, sizeof(bytes), "%zu+%zu", r.html_bytes, r.json_bytes);
	log_kv(LOG_INFO, "directory snapshot written", "teams", teams, "bytes", bytes, "ms", ms, NULL);
}

/* The first look and the hourly one: is the snapshot in place (if any)
 * still the directory? If not, make one at once. Called and returns with
 * the lock held. */
static void look(void)
{
	pthread_mutex_unlock(&svc.lock);
	bool current = still_current();
	if (current && !svc.looked) {
		char teams[24];
		snprintf(teams, sizeof(teams), "%lld", (long long)svc.latest.teams);
		log_kv(LOG_INFO, "directory snapshot kept: nothing changed since it was made", "teams", teams,
		       "generated", svc.latest.generated, NULL);
	}
	pthread_mutex_lock(&svc.lock);
	if (!current && !svc.dirty) {
		svc.dirty = true;
		svc.first_change_ms = svc.last_change_ms = clock_mono_ms() - SETTLE_MS;
	}
}

static void *service_main(void *unused)
{
	pthread_mutex_lock(&svc.lock);
	double next_check = clock_mono_ms();   /* the first look at once */
	for (;;) {
		while (!svc.dirty && !svc.stopping) {
			struct timespec until = mono_deadline(next_check);
			if (pthread_cond_timedwait(&svc.wake, &svc.lock, &until) == ETIMEDOUT && !svc.dirty) {
				look();
				svc.looked = true;
				next_check = clock_mono_ms() + RECHECK_MS;
			}
		}
		/* Let a burst of changes settle. */
		while (!svc.stopping) {
			double due = svc.last_change_ms + SETTLE_MS;
			if (due > svc.first_change_ms + MAX_WAIT_MS)
				due = svc.first_change_ms + MAX_WAIT_MS;
			if (clock_mono_ms() >= due)
				break;
			struct timespec until = mono_deadline(due);
			pthread_cond_timedwait(&svc.wake, &svc.lock, &until);
		}
		if (svc.stopping)
			break;
		svc.dirty = false;
		svc.looked = true;
		pthread_mutex_unlock(&svc.lock);
		make_snapshot();
		pthread_mutex_lock(&svc.lock);
		next_check = clock_mono_ms() + RECHECK_MS;
	}
	pthread_mutex_unlock(&svc.lock);
	return NULL;
}

int snapshot_service_start(const struct config *cfg, char *err, size_t errlen)
{
	unsigned char sk[SNAPKEY_SK_BYTES];
	if ((size_t)snprintf(svc.dir, sizeof(svc.dir), "%s-snapshot", cfg->db_path) >= sizeof(svc.dir)) {
		snprintf(err, errlen, "the database path is too long for the snapshot folder beside it");
		return -1;
	}
	snprintf(svc.instance, sizeof(svc.instance), "%s", cfg->instance_name);
	snprintf(svc.url, sizeof(svc.url), "%s", cfg->base_url);
	snprintf(svc.tz, sizeof(svc.tz), "%s", cfg->default_tz);
	svc.confirm_months = cfg->confirm_months;
	if (db_open(&svc.db, cfg->db_path, false, err, errlen) < 0)
		return -1;
	int rc = snapkey_ensure(&svc.db, "server", NULL, svc.pk, sk);
	sodium_memzero(sk, sizeof(sk));
	dir_version_seen_snapshot_key();
	if (rc < 0) {
		snprintf(err, errlen, "cannot read or make the snapshot signing key: %s", sqlite3_errmsg(svc.db.h));
		db_close(&svc.db);
		return -1;
	}
	if (make_folder(cfg, err, errlen) < 0) {
		db_close(&svc.db);
		return -1;
	}
	remove_leftovers();
	svc.have_latest = false;
	load_stored();
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&svc.wake, &attr);
	pthread_condattr_destroy(&attr);
	/* The thread's first look decides whether the stored snapshot stays. */
	svc.stopping = false;
	atomic_store(&svc.cancel, false);
	svc.dirty = false;
	svc.looked = false;
	if (pthread_create(&svc.thread, NULL, service_main, NULL) != 0) {
		snprintf(err, errlen, "cannot start the snapshot thread");
		pthread_cond_destroy(&svc.wake);
		db_close(&svc.db);
		return -1;
	}
	pthread_mutex_lock(&svc.lock);
	svc.running = true;
	pthread_mutex_unlock(&svc.lock);
	return 0;
}

void snapshot_service_stop(void)
{
	pthread_mutex_lock(&svc.lock);
	bool was = svc.running;
	svc.running = false;
	svc.stopping = true;
	atomic_store(&svc.cancel, true);
	pthread_cond_broadcast(&svc.wake);
	pthread_mutex_unlock(&svc.lock);
	if (!was)
		return;
	pthread_join(svc.thread, NULL);
	pthread_cond_destroy(&svc.wake);
	db_close(&svc.db);
}

void snapshot_changed(void)
{
	pthread_mutex_lock(&svc.lock);
	if (svc.running) {
		double now = clock_mono_ms();
		if (!svc.dirty)
			svc.first_change_ms = now;
		svc.last_change_ms = now;
		svc.dirty = true;
		pthread_cond_signal(&svc.wake);
	}
	pthread_mutex_unlock(&svc.lock);
}

bool snapshot_service_key(unsigned char pk[SNAPKEY_PK_BYTES])
{
	pthread_mutex_lock(&svc.lock);
	bool ok = svc.running;
	if (ok)
		memcpy(pk, svc.pk, SNAPKEY_PK_BYTES);
	pthread_mutex_unlock(&svc.lock);
	return ok;
}

bool snapshot_service_latest(struct snapshot_header *h)
{
	pthread_mutex_lock(&svc.lock);
	bool ok = svc.running && svc.have_latest;
	if (ok)
		*h = svc.latest;
	pthread_mutex_unlock(&svc.lock);
	return ok;
}

bool snapshot_service_path(enum snapshot_kind kind, char *out, size_t n)
{
	pthread_mutex_lock(&svc.lock);
	bool ok = svc.running && svc.have_latest;
	if (ok)
		path_of(kind, out, n);
	pthread_mutex_unlock(&svc.lock);
	return ok;
}
