/* Backups and restores on real database files: a backup taken while
 * another connection writes is one consistent snapshot that passes
 * integrity_check; restore takes only intact shisa files it can migrate,
 * and only a database nobody else has open. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include "audit/audit.h"
#include "db/backup.h"
#include "testutil.h"

#define ROWS 1500

/* A temporary folder for files that must not exist yet. */
struct tmpdir {
	char path[64];
};

static void tmpdir_make(struct tmpdir *d)
{
	snprintf(d->path, sizeof(d->path), "/tmp/shisa-backup-XXXXXX");
	assert_non_null(mkdtemp(d->path));
}

static void tmpdir_file(const struct tmpdir *d, const char *name, char *out, size_t n)
{
	snprintf(out, n, "%s/%s", d->path, name);
}

static int tmpdir_count(const struct tmpdir *d)
{
	int n = 0;
	DIR *dir = opendir(d->path);
	assert_non_null(dir);
	for (struct dirent *e; (e = readdir(dir));)
		n += e->d_name[0] != '.';
	closedir(dir);
	return n;
}

static void tmpdir_remove(struct tmpdir *d)
{
	char p[400];
	DIR *dir = opendir(d->path);
	assert_non_null(dir);
	for (struct dirent *e; (e = readdir(dir));) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", d->path, e->d_name);
		unlink(p);
	}
	closedir(dir);
	rmdir(d->path);
}

/* A migrated database at PATH, closed. */
static void make_shisa_db(const char *path)
{
	struct db db;
	char err[256];
	assert_int_equal(db_open(&db, path, true, err, sizeof(err)), 0);
	assert_int_equal(migrate_run(&db, NULL, err, sizeof(err)), 0);
	db_close(&db);
}

/* N settings rows of a few hundred bytes and N audit rows, so that the
 * file spans many pages. */
static void fill(struct db *db, const char *prefix, int n)
{
	static const char ins[] = "INSERT INTO settings (key, value) VALUES (?, printf('%.400c', 'x'))";
	assert_int_equal(db_begin(db), 0);
	for (int i = 0; i < n; i++) {
		char key[96];
		snprintf(key, sizeof(key), "%s-%d", prefix, i);
		sqlite3_stmt *st = db_stmt(db, ins);
		assert_non_null(st);
		sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
		assert_int_equal(db_run(db, st), 0);
		struct audit_entry e = {.action = "test.fill", .object_type = "setting", .object_id = key,
		                        .request_id = "test"};
		assert_true(audit_write(db, &e) > 0);
	}
	assert_int_equal(db_commit(db), 0);
}

static int64_t count_settings(struct db *db)
{
	static const char sql[] = "SELECT count(*) FROM settings";
	return db_scalar(db, sql);
}

/* Between the steps of a copy, a second connection (if any) writes. */
struct writer {
	struct db *db;
	int calls, written;
};

static void write_between_steps(void *arg, int done, int total)
{
	struct writer *w = arg;
	assert_true(done > 0 && done <= total);
	w->calls++;
	if (w->db && done < total) {
		char prefix[32];
		snprintf(prefix, sizeof(prefix), "during-%d", w->calls);
		fill(w->db, prefix, 5);
		w->written += 5;
	}
}

static void backup_is_one_snapshot_while_another_connection_writes(void **state)
{
	struct testdb t;
	struct tmpdir d;
	struct db other, copy;
	struct backup_info info;
	struct audit_check chk;
	char out[128], err[512];
	testdb_open(&t);
	tmpdir_make(&d);
	tmpdir_file(&d, "copy.db", out, sizeof(out));
	fill(&t.db, "before", ROWS);
	assert_int_equal(db_open(&other, t.path, false, err, sizeof(err)), 0);
	struct writer w = {&other, 0, 0};

	assert_int_equal(backup_to_file(&t.db, out, false, 16, write_between_steps, &w, &info, err, sizeof(err)), 0);
	assert_true(w.calls > 10);
	assert_true(w.written > 0);
	/* Only the copy is left, as one plain file: no .tmp, no -wal. */
	assert_int_equal(tmpdir_count(&d), 1);

	assert_int_equal(db_open_immutable(&copy, out, err, sizeof(err)), 0);
	assert_int_equal(backup_integrity(&copy, err, sizeof(err)), 0);
	assert_int_equal(count_settings(&copy), ROWS);
	assert_int_equal(audit_verify(&copy, &chk), 0);
	assert_int_equal(chk.checked, ROWS);
	assert_int_equal(info.schema, migrate_latest());
	assert_int_equal(info.bytes, db_size_bytes(&copy));
	assert_int_equal(info.pages * 4096, info.bytes);
	db_close(&copy);
	/* The writes went to the database, not the copy. */
	assert_int_equal(count_settings(&t.db), ROWS + w.written);

	/* Bytes 18 and 19 of the header: 1 is rollback-journal mode. */
	unsigned char head[20];
	int fd = open(out, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, head, sizeof(head)), sizeof(head));
	close(fd);
	assert_int_equal(head[18], 1);
	assert_int_equal(head[19], 1);

	db_close(&other);
	testdb_close(&t);
	tmpdir_remove(&d);
}

static void backup_replaces_a_file_only_when_asked(void **state)
{
	struct testdb t;
	struct tmpdir d;
	char out[128], err[512];
	testdb_open(&t);
	tmpdir_make(&d);
	tmpdir_file(&d, "copy.db", out, sizeof(out));
	FILE *f = fopen(out, "w");
	assert_non_null(f);
	fputs("precious\n", f);
	fclose(f);
	assert_int_equal(backup_to_file(&t.db, out, false, 0, NULL, NULL, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "exists"));
	assert_int_equal(tmpdir_count(&d), 1);
	assert_int_equal(backup_to_file(&t.db, out, true, 0, NULL, NULL, NULL, err, sizeof(err)), 0);
	struct db copy;
	assert_int_equal(backup_open_file(&copy, out, NULL, err, sizeof(err)), 0);
	db_close(&copy);
	testdb_close(&t);
	tmpdir_remove(&d);
}

static void backup_never_writes_over_the_database_itself(void **state)
{
	struct testdb t;
	char err[512];
	testdb_open(&t);
	fill(&t.db, "row", 10);
	assert_int_equal(backup_to_file(&t.db, t.path, true, 0, NULL, NULL, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "the database itself"));
	assert_int_equal(count_settings(&t.db), 10);
	testdb_close(&t);
}

static void restore_refuses_a_newer_schema(void **state)
{
	struct tmpdir d;
	struct db db, file;
	char path[128], err[512], sql[64];
	tmpdir_make(&d);
	tmpdir_file(&d, "newer.db", path, sizeof(path));
	make_shisa_db(path);
	assert_int_equal(db_open(&db, path, false, err, sizeof(err)), 0);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", migrate_latest() + 1);
	assert_int_equal(db_exec(&db, sql), 0);
	db_close(&db);
	assert_int_equal(backup_open_file(&file, path, NULL, err, sizeof(err)), 1);
	assert_non_null(strstr(err, "newer shisa"));
	assert_null(file.h);
	tmpdir_remove(&d);
}

static void restore_refuses_what_is_not_a_shisa_database(void **state)
{
	struct tmpdir d;
	struct db db, file;
	char path[128], err[512];
	tmpdir_make(&d);

	tmpdir_file(&d, "notes.txt", path, sizeof(path));
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("these are not the tables you are looking for\n", f);
	fclose(f);
	assert_int_equal(backup_open_file(&file, path, NULL, err, sizeof(err)), 1);
	assert_non_null(strstr(err, "not an SQLite database"));

	tmpdir_file(&d, "other.db", path, sizeof(path));
	assert_int_equal(db_open(&db, path, true, err, sizeof(err)), 0);
	assert_int_equal(db_exec(&db, "CREATE TABLE users (id INTEGER PRIMARY KEY, login TEXT)"), 0);
	db_close(&db);
	assert_int_equal(backup_open_file(&file, path, NULL, err, sizeof(err)), 1);
	assert_non_null(strstr(err, "not a shisa database"));

	tmpdir_file(&d, "missing.db", path, sizeof(path));
	assert_int_equal(backup_open_file(&file, path, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file"));
	tmpdir_remove(&d);
}

static void restore_refuses_a_database_in_use(void **state)
{
	/* An open connection with a -wal beside it is a live database, not a
	 * backup: read immutable, its last writes would be lost. */
	struct testdb t;
	struct db file;
	char err[512];
	testdb_open(&t);
	fill(&t.db, "row", 10);
	assert_int_equal(backup_open_file(&file, t.path, NULL, err, sizeof(err)), 1);
	assert_non_null(strstr(err, "-wal"));
	testdb_close(&t);
}

static void restore_refuses_a_damaged_file(void **state)
{
	struct testdb t;
	struct tmpdir d;
	struct db file;
	char path[128], err[512];
	testdb_open(&t);
	fill(&t.db, "row", 200);
	tmpdir_make(&d);
	tmpdir_file(&d, "copy.db", path, sizeof(path));
	assert_int_equal(backup_to_file(&t.db, path, false, 0, NULL, NULL, NULL, err, sizeof(err)), 0);
	/* Scribble over a page in the middle, past the schema. */
	int fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	char junk[4096];
	memset(junk, 0x5a, sizeof(junk));
	assert_int_equal(pwrite(fd, junk, sizeof(junk), 20 * 4096), sizeof(junk));
	close(fd);
	assert_int_equal(backup_open_file(&file, path, NULL, err, sizeof(err)), 1);
	assert_non_null(strstr(err, "damaged"));
	testdb_close(&t);
	tmpdir_remove(&d);
}

static void only_one_connection_holds_the_database_for_a_restore(void **state)
{
	struct testdb t;
	struct db other;
	sqlite3 *late;
	char err[512];
	testdb_open(&t);
	/* Open and idle, as a server between requests. */
	assert_int_equal(db_open(&other, t.path, false, err, sizeof(err)), 0);
	struct db *held = &t.db;
	assert_int_equal(backup_lock_exclusive(held, 50), 1);
	db_close(&other);
	assert_int_equal(backup_lock_exclusive(held, 50), 0);
	/* Held: a newcomer can open the file but not read it. */
	static const char q[] = "SELECT count(*) FROM users";
	assert_int_equal(sqlite3_open_v2(t.path, &late, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(late, q, NULL, NULL, NULL) & 0xff, SQLITE_BUSY);
	sqlite3_close(late);
	testdb_close(&t);
}

static void restore_round_trip_brings_back_every_row(void **state)
{
	struct testdb a, b;
	struct tmpdir d;
	struct db file;
	struct backup_info info;
	struct audit_check chk;
	char path[128], err[512];
	testdb_open(&a);
	testdb_open(&b);
	tmpdir_make(&d);
	tmpdir_file(&d, "a.db", path, sizeof(path));
	fill(&a.db, "a", ROWS);
	assert_int_equal(backup_to_file(&a.db, path, false, 0, NULL, NULL, NULL, err, sizeof(err)), 0);
	fill(&b.db, "b", 7);

	assert_int_equal(backup_lock_exclusive(&b.db, 50), 0);
	assert_int_equal(backup_open_file(&file, path, &info, err, sizeof(err)), 0);
	assert_int_equal(info.schema, migrate_latest());
	struct writer w = {NULL, 0, 0};
	assert_int_equal(backup_restore(&b.db, &file, 16, write_between_steps, &w, err, sizeof(err)), 0);
	db_close(&file);
	assert_true(w.calls > 1);
	assert_int_equal(count_settings(&b.db), ROWS);
	static const char bs[] = "SELECT count(*) FROM settings WHERE key LIKE 'b-%'";
	assert_int_equal(db_scalar(&b.db, bs), 0);
	assert_int_equal(audit_verify(&b.db, &chk), 0);
	assert_int_equal(chk.checked, ROWS);
	assert_int_equal(backup_integrity(&b.db, err, sizeof(err)), 0);
	assert_int_equal(migrate_run(&b.db, NULL, err, sizeof(err)), 0);
	/* The restored database goes on working: write, close, reopen. */
	fill(&b.db, "after", 3);
	db_close(&b.db);
	assert_int_equal(db_open(&b.db, b.path, false, err, sizeof(err)), 0);
	assert_int_equal(count_settings(&b.db), ROWS + 3);
	testdb_close(&a);
	testdb_close(&b);
	tmpdir_remove(&d);
}

static void restore_takes_a_backup_of_another_page_size(void **state)
{
	struct testdb t;
	struct tmpdir d;
	struct db file;
	sqlite3 *h;
	char path[128], err[512];
	static const char page_size[] = "PRAGMA page_size";
	static const char journal_mode[] = "PRAGMA journal_mode";
	tmpdir_make(&d);
	tmpdir_file(&d, "big-pages.db", path, sizeof(path));
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "PRAGMA page_size = 8192; VACUUM", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	make_shisa_db(path);
	assert_int_equal(db_open(&file, path, false, err, sizeof(err)), 0);
	fill(&file, "big", 50);
	db_close(&file);

	testdb_open(&t);
	assert_int_equal(db_scalar(&t.db, page_size), 4096);
	assert_int_equal(backup_lock_exclusive(&t.db, 50), 0);
	assert_int_equal(backup_open_file(&file, path, NULL, err, sizeof(err)), 0);
	assert_int_equal(backup_restore(&t.db, &file, 0, NULL, NULL, err, sizeof(err)), 0);
	db_close(&file);
	assert_int_equal(db_scalar(&t.db, page_size), 8192);
	assert_int_equal(count_settings(&t.db), 50);
	sqlite3_stmt *st = db_stmt(&t.db, journal_mode);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal(db_col_text(st, 0), "wal");
	sqlite3_reset(st);
	testdb_close(&t);
	tmpdir_remove(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backup_is_one_snapshot_while_another_connection_writes),
		cmocka_unit_test(backup_replaces_a_file_only_when_asked),
		cmocka_unit_test(backup_never_writes_over_the_database_itself),
		cmocka_unit_test(restore_refuses_a_newer_schema),
		cmocka_unit_test(restore_refuses_what_is_not_a_shisa_database),
		cmocka_unit_test(restore_refuses_a_database_in_use),
		cmocka_unit_test(restore_refuses_a_damaged_file),
		cmocka_unit_test(only_one_connection_holds_the_database_for_a_restore),
		cmocka_unit_test(restore_round_trip_brings_back_every_row),
		cmocka_unit_test(restore_takes_a_backup_of_another_page_size),
	};
	return cmocka_run_group_tests_name("backup", tests, NULL, NULL);
}
