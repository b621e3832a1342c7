/* Shared by the unit tests: a fresh, migrated database in a temporary file. */
#ifndef SHISA_TESTUTIL_H
#define SHISA_TESTUTIL_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "db/db.h"
#include "db/migrate.h"

struct testdb {
	struct db db;
	char path[64];
};

static inline void testdb_open(struct testdb *t)
{
	char err[256];
	snprintf(t->path, sizeof(t->path), "/tmp/shisa-test-XXXXXX");
	int fd = mkstemp(t->path);
	if (fd < 0) {
		perror("mkstemp");
		exit(1);
	}
	close(fd);
	if (db_open(&t->db, t->path, true, err, sizeof(err)) < 0 || migrate_run(&t->db, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "testdb: %s\n", err);
		exit(1);
	}
}

static inline void testdb_close(struct testdb *t)
{
	char p[80];
	db_close(&t->db);
	unlink(t->path);
	snprintf(p, sizeof(p), "%s-wal", t->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", t->path);
	unlink(p);
}

#endif
