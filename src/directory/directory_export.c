/* The directory in an export scope; see directory_export.h. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "directory/directory_export.h"

static const char *const scope_names[] = {"public", "minimal", "members", "all"};

const char *export_scope_name(enum export_scope s)
{
	return (unsigned)s <= EXPORT_ALL ? scope_names[s] : "public";
}

int export_scope_parse(const char *s, enum export_scope *out)
{
	for (int i = 0; i <= EXPORT_ALL; i++) {
		if (s && !strcmp(s, scope_names[i])) {
			*out = (enum export_scope)i;
			return 0;
		}
	}
	return -1;
}

enum dir_level export_scope_needs(enum export_scope s)
{
	return s == EXPORT_ALL ? DIR_ALL : s == EXPORT_MEMBERS ? DIR_MEMBERS : DIR_PUBLIC;
}

enum dir_level export_scope_level(enum export_scope s, enum dir_level reader)
{
	if (s == EXPORT_MINIMAL)
		return reader < DIR_MEMBERS ? reader : DIR_MEMBERS;
	return export_scope_needs(s);
}

/* Copy KEY from FROM to TO when the record has it (absent: not visible). */
static void keep(json_t *to, json_t *from, const char *key)
{
	json_t *v = json_object_get(from, key);
	if (v)
		json_object_set(to, key, v);
}

/* The short card: who the team is and how to report an incident to it. */
static json_t *minimal_card(json_t *full)
{
	static const char *const fields[] = {"slug", "name", "short_name", "country", "website", NULL};
	json_t *card = json_object(), *contacts = json_array(), *keys = json_array(), *x;
	for (size_t i = 0; fields[i]; i++)
		keep(card, full, fields[i]);
	size_t i;
	json_array_foreach(json_object_get(full, "contacts"), i, x) {
		const char *kind = json_string_value(json_object_get(x, "kind"));
		if (!kind || (strcmp(kind, "email_incident") != 0 && strcmp(kind, "phone_emergency") != 0))
			continue;
		json_t *c = json_object();
		keep(c, x, "kind");
		keep(c, x, "value");
		keep(c, x, "hours");
		json_array_append_new(contacts, c);
	}
	json_array_foreach(json_object_get(full, "keys"), i, x) {
		json_t *k = json_object();
		keep(k, x, "fingerprint");
		keep(k, x, "expires");
		keep(k, x, "status");
		json_array_append_new(keys, k);
	}
	json_object_set_new(card, "contacts", contacts);
	json_object_set_new(card, "keys", keys);
	return card;
}

json_t *export_record(struct db *db, const struct team *t, enum export_scope scope, enum dir_level level)
{
	struct buf b;
	struct jw w;
	buf_init(&b, 8u << 20);
	jw_init(&w, &b);
	json_t *v = NULL;
	if (team_write_json(db, t, level, false, &w) == 0)
		v = json_loadb(b.data, b.len, 0, NULL);
	buf_release(&b);
	if (v && scope == EXPORT_MINIMAL) {
		json_t *card = minimal_card(v);
		json_decref(v);
		v = card;
	}
	return v;
}

struct walk_state {
	const struct export_walk *w;
	int64_t done, total, last_id;
};

static int walk_team(struct db *db, const struct team *t, void *arg)
{
	struct walk_state *ws = arg;
	ws->last_id = t->id;
	json_t *v = export_record(db, t, ws->w->scope, ws->w->level);
	int rc = v ? ws->w->each(v, ws->w->arg) : -1;
	json_decref(v);
	if (rc < 0)
		return -1;
	ws->done++;
	if (ws->w->progress)
		ws->w->progress(ws->done, ws->total, ws->w->arg);
	return 0;
}

static int walk_start(struct walk_state *ws)
{
	return ws->w->start ? ws->w->start(ws->total, ws->w->arg) : 0;
}

/* Every listed team by id, a page at a time. */
static int walk_all(struct db *db, struct walk_state *ws)
{
	static const char count_sql[] = "SELECT count(*) FROM teams WHERE ? OR state = 'active'";
	sqlite3_stmt *st = db_stmt(db, count_sql);
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, ws->w->level == DIR_ALL);
	int rc = sqlite3_step(st);
	ws->total = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW || walk_start(ws) < 0)
		return -1;
	enum { PAGE = 200 };
	int n;
	while ((n = team_list(db, ws->w->level, ws->last_id, PAGE, walk_team, ws)) == PAGE)
		;
	return n < 0 ? -1 : 0;
}

static int walk_one(struct db *db, struct walk_state *ws)
{
	struct team t;
	int found = team_load(db, ws->w->slug, 0, &t);
	if (found < 0)
		return -1;
	ws->total = found && team_listed(&t, ws->w->level) ? 1 : 0;
	if (walk_start(ws) < 0)
		return -1;
	return ws->total ? walk_team(db, &t, ws) : 0;
}

int64_t export_walk_run(struct db *db, const struct export_walk *w)
{
	struct walk_state ws = {.w = w};
	/* One read transaction: the count and every record from one snapshot. */
	bool own_txn = sqlite3_get_autocommit(db->h);
	if (own_txn && db_exec(db, "BEGIN") < 0)
		return -1;
	int rc = w->slug ? walk_one(db, &ws) : walk_all(db, &ws);
	if (own_txn)
		db_exec(db, rc < 0 ? "ROLLBACK" : "COMMIT");
	return rc < 0 ? -1 : ws.done;
}

struct doc_state {
	const struct export_walk *caller;
	const char *generated;
	struct jw *out;
	int (*flush)(struct buf *b, void *arg);
	void *flush_arg;
	bool absent;              /* the one team asked for is not listed */
};

static int doc_flush(struct doc_state *ds)
{
	if (ds->out->failed)
		return -1;
	return ds->flush ? ds->flush(ds->out->out, ds->flush_arg) : 0;
}

static int doc_start(int64_t total, void *arg)
{
	struct doc_state *ds = arg;
	if (ds->caller->slug && total == 0) {
		ds->absent = true;
		return -1;
	}
	struct jw *w = ds->out;
	jw_obj_begin(w);
	jw_kstr(w, "version", "1");
	jw_kstr(w, "scope", export_scope_name(ds->caller->scope));
	jw_kstr(w, "generated", ds->generated);
	jw_kint(w, "total", total);
	jw_key(w, "data");
	jw_arr_begin(w);
	return doc_flush(ds);
}

static int doc_team(json_t *record, void *arg)
{
	struct doc_state *ds = arg;
	char *s = json_dumps(record, JSON_COMPACT);
	if (!s)
		return -1;
	jw_raw_json(ds->out, s);
	free(s);
	return doc_flush(ds);
}

static void doc_progress(int64_t done, int64_t total, void *arg)
{
	struct doc_state *ds = arg;
	if (ds->caller->progress)
		ds->caller->progress(done, total, ds->caller->arg);
}

int64_t export_json_document(struct db *db, const struct export_walk *w, const char *generated, struct jw *out,
                             int (*flush)(struct buf *b, void *arg), void *flush_arg)
{
	struct doc_state ds = {.caller = w, .generated = generated, .out = out, .flush = flush, .flush_arg = flush_arg};
	struct export_walk mine = *w;
	mine.start = doc_start;
	mine.each = doc_team;
	mine.progress = doc_progress;
	mine.arg = &ds;
	int64_t n = export_walk_run(db, &mine);
	if (ds.absent)
		return 0;
	if (n < 0)
		return -1;
	jw_arr_end(out);
	jw_obj_end(out);
	return doc_flush(&ds) < 0 ? -1 : n;
}
