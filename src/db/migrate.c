/* Applying the embedded schema/NNNN_*.sql files; see migrate.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/embed.h"
#include "core/log.h"
#include "db/migrate.h"

/* Version number of an embedded migration, or -1 if PATH is not one. */
static int migration_version(const char *path)
{
	if (strncmp(path, "schema/", 7) != 0)
		return -1;
	const char *p = path + 7;
	if (strlen(p) < 6 || p[4] != '_')
		return -1;
	for (int i = 0; i < 4; i++)
		if (p[i] < '0' || p[i] > '9')
			return -1;
	return atoi(p);
}

int migrate_latest(void)
{
	int latest = 0;
	for (const struct embed_file *f = embed_files; f->path; f++) {
		int v = migration_version(f->path);
		if (v > latest)
			latest = v;
	}
	return latest;
}

int migrate_current(struct db *db)
{
	static const char sql[] = "PRAGMA user_version";
	return (int)db_scalar(db, sql);
}

int migrate_run(struct db *db, int *applied, char *err, size_t errlen)
{
	int current = migrate_current(db), latest = migrate_latest(), count = 0;
	if (applied)
		*applied = 0;
	if (current < 0) {
		snprintf(err, errlen, "cannot read the schema version of %s", db->path);
		return -1;
	}
	if (current > latest) {
		snprintf(err, errlen,
		         "database %s has schema version %d but this shisa knows only up to %d: "
		         "use a newer shisa (or restore a backup made by this version)",
		         db->path, current, latest);
		return -1;
	}
	/* embed_files is sorted by path, so migrations come in version order. */
	for (const struct embed_file *f = embed_files; f->path; f++) {
		int v = migration_version(f->path);
		if (v <= current)
			continue;
		char *errmsg = NULL;
		char pragma[64];
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v);
		if (db_exec(db, "BEGIN IMMEDIATE") < 0)
			goto fail;
		if (sqlite3_exec(db->h, (const char *)f->data, NULL, NULL, &errmsg) != SQLITE_OK ||
		    sqlite3_exec(db->h, pragma, NULL, NULL, &errmsg) != SQLITE_OK) {
			snprintf(err, errlen, "migration %s failed: %s", f->path, errmsg ? errmsg : "?");
			sqlite3_free(errmsg);
			db_exec(db, "ROLLBACK");
			return -1;
		}
		if (db_exec(db, "COMMIT") < 0)
			goto fail;
		log_kv(LOG_INFO, "migration applied", "file", f->path, NULL);
		count++;
	}
	if (applied)
		*applied = count;
	return 0;
fail:
	snprintf(err, errlen, "migration failed: %s", sqlite3_errmsg(db->h));
	return -1;
}
