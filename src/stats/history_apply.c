/* Writing a read membership history (history.h): the checks that need the
 * database, the links to directory teams, and every row in one
 * transaction, or nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stats/history.h"

/* Add a problem found against the database (the parse step's list goes on). */
static int problem(struct history_file *f, const struct history_entry *e, const char *msg_key)
{
	f->nproblems++;
	if (f->nissues >= HISTORY_MAX_ISSUES)
		return 0;
	if (f->nissues == f->issue_cap) {
		size_t cap = f->issue_cap ? f->issue_cap * 2 : 16;
		struct history_issue *p = realloc(f->issues, cap * sizeof(*p));
		if (!p)
			return -1;
		f->issues = p;
		f->issue_cap = cap;
	}
	struct history_issue *is = &f->issues[f->nissues++];
	memset(is, 0, sizeof(*is));
	is->line = e->line;
	is->msg_key = msg_key;
	snprintf(is->column, sizeof(is->column), "name");
	snprintf(is->detail, sizeof(is->detail), "%.150s", e->name);
	return 0;
}

static int by_key(const void *a, const void *b)
{
	return strcmp((*(const struct history_entry *const *)a)->name_key,
	              (*(const struct history_entry *const *)b)->name_key);
}

/* Link each row to the directory team of its name: every team's names
 * looked up among the rows' (sorted). A name two teams have is a
 * problem: which of them would the row be? */
static int link_teams(struct db *db, struct history_file *f)
{
	static const char sql[] = "SELECT id, name_en, name_ja, short_name FROM teams ORDER BY id";
	if (!f->nrows)
		return 0;
	struct history_entry **order = malloc(f->nrows * sizeof(*order));
	bool *ambiguous = calloc(f->nrows, sizeof(*ambiguous));
	int rc = -1;
	if (!order || !ambiguous)
		goto out;
	for (size_t i = 0; i < f->nrows; i++) {
		order[i] = &f->rows[i];
		order[i]->team_id = 0;
	}
	qsort(order, f->nrows, sizeof(*order), by_key);
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		goto out;
	int step;
	struct history_entry probe, *pp = &probe;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		for (int c = 1; c <= 3; c++) {
			name_key(db_col_text(st, c), probe.name_key);
			if (!*probe.name_key)
				continue;
			struct history_entry **hit = bsearch(&pp, order, f->nrows, sizeof(*order), by_key);
			if (!hit)
				continue;
			if ((*hit)->team_id && (*hit)->team_id != id)
				ambiguous[*hit - f->rows] = true;
			else
				(*hit)->team_id = id;
		}
	}
	sqlite3_reset(st);
	if (step != SQLITE_DONE)
		goto out;
	rc = 0;
	for (size_t i = 0; i < f->nrows && rc == 0; i++)
		if (ambiguous[i])
			rc = problem(f, &f->rows[i], "history.err.ambiguous");
out:
	free(order);
	free(ambiguous);
	return rc;
}

/* Rows whose name was imported before (when not replacing). */
static int already_there(struct db *db, struct history_file *f)
{
	static const char sql[] = "SELECT 1 FROM member_history WHERE name_key = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	for (size_t i = 0; i < f->nrows; i++) {
		sqlite3_bind_text(st, 1, f->rows[i].name_key, -1, SQLITE_STATIC);
		int step = sqlite3_step(st);
		sqlite3_reset(st);
		if (step != SQLITE_ROW && step != SQLITE_DONE)
			return -1;
		if (step == SQLITE_ROW && problem(f, &f->rows[i], "history.err.already_imported") < 0)
			return -1;
	}
	return 0;
}

static void bind_text_or_empty(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_STATIC);
}

static int insert(struct db *db, const struct history_entry *e, int64_t now)
{
	static const char sql[] =
		"INSERT INTO member_history (name, name_key, joined, left_on, established, sector, region, csirt_type,"
		" org_department, staff_at_founding, staff_now, team_id, source_line, imported_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	bind_text_or_empty(st, 1, e->name);
	bind_text_or_empty(st, 2, e->name_key);
	bind_text_or_empty(st, 3, e->joined);
	bind_text_or_empty(st, 4, e->left);
	bind_text_or_empty(st, 5, e->established);
	bind_text_or_empty(st, 6, e->sector);
	bind_text_or_empty(st, 7, e->region);
	bind_text_or_empty(st, 8, e->csirt_type);
	bind_text_or_empty(st, 9, e->department);
	if (e->staff_at_founding >= 0)
		sqlite3_bind_int64(st, 10, e->staff_at_founding);
	if (e->staff_now >= 0)
		sqlite3_bind_int64(st, 11, e->staff_now);
	if (e->team_id)
		sqlite3_bind_int64(st, 12, e->team_id);
	sqlite3_bind_int64(st, 13, (int64_t)e->line);
	sqlite3_bind_int64(st, 14, now);
	return db_run(db, st);
}

int history_apply(struct db *db, struct history_file *f, const struct history_options *opt, struct history_result *res)
{
	static const char count_sql[] = "SELECT count(*) FROM member_history";
	static const char clear_sql[] = "DELETE FROM member_history";
	memset(res, 0, sizeof(*res));
	if (db_begin(db) < 0)
		return -1;
	int rc = -1;
	if (opt->replace) {
		res->removed = db_scalar(db, count_sql);
		sqlite3_stmt *st = db_stmt(db, clear_sql);
		if (res->removed < 0 || !st || db_run(db, st) < 0)
			goto fail;
	} else if (already_there(db, f) < 0) {
		goto fail;
	}
	if (link_teams(db, f) < 0)
		goto fail;
	if (f->nproblems) {
		rc = 1;
		goto fail;
	}
	for (size_t i = 0; i < f->nrows; i++) {
		if (insert(db, &f->rows[i], opt->now) < 0)
			goto fail;
		res->added++;
		res->linked += f->rows[i].team_id != 0;
		if (opt->progress)
			opt->progress(opt->progress_arg, i + 1, f->nrows);
	}
	if (opt->audit && opt->audit(opt->audit_arg, res) < 0)
		goto fail;
	if (opt->dry_run) {
		db_rollback(db);
		return 0;
	}
	return db_commit(db) < 0 ? -1 : 0;
fail:
	db_rollback(db);
	if (rc == 1)
		memset(res, 0, sizeof(*res));
	return rc;
}
