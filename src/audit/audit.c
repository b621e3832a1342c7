/* Hash-chained audit rows; see audit.h. The hash input is each field as
 * "<length>:<bytes>" so no choice of field contents can collide. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include "audit/audit.h"
#include "core/buf.h"
#include "core/clock.h"

static void field(struct buf *b, const char *s)
{
	if (!s)
		s = "";
	buf_printf(b, "%zu:", strlen(s));
	buf_adds(b, s);
}

static void ifield(struct buf *b, int64_t v)
{
	char t[24];
	snprintf(t, sizeof(t), "%lld", (long long)v);
	field(b, t);
}

static int row_hash(const unsigned char prev[32], int64_t id, int64_t ts, const struct audit_entry *e,
                    unsigned char out[32])
{
	struct buf b;
	buf_init(&b, 1 << 20);
	ifield(&b, id);
	ifield(&b, ts);
	ifield(&b, e->actor_user_id);
	ifield(&b, e->actor_org_id);
	field(&b, e->action);
	field(&b, e->object_type);
	field(&b, e->object_id);
	field(&b, e->request_id);
	field(&b, e->client_addr);
	field(&b, e->detail);
	if (!b.data) {
		buf_release(&b);
		return -1;
	}
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, prev, 32);
	crypto_hash_sha256_update(&st, (const unsigned char *)b.data, b.len);
	crypto_hash_sha256_final(&st, out);
	buf_release(&b);
	return 0;
}

int64_t audit_write(struct db *db, const struct audit_entry *e)
{
	static const char last[] = "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1";
	static const char ins[] =
		"INSERT INTO audit_log (id, ts, actor_user_id, actor_org_id, action, object_type, object_id,"
		" request_id, client_addr, detail, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)";
	unsigned char prev[32] = {0}, hash[32];
	int64_t id = 1, ts = clock_now();
	sqlite3_stmt *st = db_stmt(db, last);
	if (!st)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0) + 1;
		if (sqlite3_column_bytes(st, 1) == 32)
			memcpy(prev, sqlite3_column_blob(st, 1), 32);
	}
	sqlite3_reset(st);
	if (row_hash(prev, id, ts, e, hash) < 0)
		return -1;
	st = db_stmt(db, ins);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, ts);
	if (e->actor_user_id)
		sqlite3_bind_int64(st, 3, e->actor_user_id);
	if (e->actor_org_id)
		sqlite3_bind_int64(st, 4, e->actor_org_id);
	sqlite3_bind_text(st, 5, e->action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, e->object_type ? e->object_type : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, e->object_id ? e->object_id : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, e->request_id ? e->request_id : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, e->client_addr ? e->client_addr : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, e->detail ? e->detail : "", -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 11, prev, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 12, hash, 32, SQLITE_STATIC);
	if (db_run(db, st) < 0)
		return -1;
	return id;
}

int audit_verify(struct db *db, struct audit_check *out)
{
	static const char sql[] =
		"SELECT id, ts, actor_user_id, actor_org_id, action, object_type, object_id, request_id,"
		" client_addr, detail, prev_hash, hash FROM audit_log ORDER BY id";
	unsigned char prev[32] = {0}, want[32];
	out->checked = 0;
	out->first_broken_id = 0;
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	int64_t expect_id = 1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		struct audit_entry e = {
			.actor_user_id = sqlite3_column_int64(st, 2),
			.actor_org_id = sqlite3_column_int64(st, 3),
			.action = db_col_text(st, 4),
			.object_type = db_col_text(st, 5),
			.object_id = db_col_text(st, 6),
			.request_id = db_col_text(st, 7),
			.client_addr = db_col_text(st, 8),
			.detail = db_col_text(st, 9),
		};
		out->checked++;
		/* A deleted row shows as a gap in the ids or a prev_hash that differs. */
		bool ok = id == expect_id && sqlite3_column_bytes(st, 10) == 32 &&
		          sqlite3_column_bytes(st, 11) == 32 &&
		          memcmp(sqlite3_column_blob(st, 10), prev, 32) == 0 &&
		          row_hash(prev, id, sqlite3_column_int64(st, 1), &e, want) == 0 &&
		          memcmp(sqlite3_column_blob(st, 11), want, 32) == 0;
		if (!ok) {
			out->first_broken_id = id;
			sqlite3_reset(st);
			return 1;
		}
		memcpy(prev, want, 32);
		expect_id = id + 1;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int audit_list(struct db *db, const struct audit_filter *f, int64_t before_id, int limit,
               void (*each)(const struct audit_row *r, void *arg), void *arg)
{
	/* One statement for every combination of filters: an unset filter is
	 * bound as NULL and its condition is then true. */
	static const char sql[] =
		"SELECT a.id, a.ts, a.actor_user_id, a.actor_org_id, coalesce(u.name, ''), coalesce(o.name, ''),"
		" a.action, a.object_type, a.object_id, a.request_id, a.client_addr, a.detail"
		" FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id"
		" LEFT JOIN orgs o ON o.id = a.actor_org_id"
		" WHERE (?1 IS NULL OR substr(a.action, 1, length(?1)) = ?1)"
		" AND (?2 IS NULL OR a.actor_user_id = ?2)"
		" AND (?3 IS NULL OR a.object_type = ?3)"
		" AND (?4 IS NULL OR a.ts >= ?4)"
		" AND (?5 IS NULL OR a.ts < ?5)"
		" AND (?6 IS NULL OR a.id < ?6)"
		" ORDER BY a.id DESC LIMIT ?7";
	static const struct audit_filter none;
	if (!f)
		f = &none;
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	if (f->action_prefix && *f->action_prefix)
		sqlite3_bind_text(st, 1, f->action_prefix, -1, SQLITE_STATIC);
	if (f->actor_user_id)
		sqlite3_bind_int64(st, 2, f->actor_user_id);
	if (f->object_type && *f->object_type)
		sqlite3_bind_text(st, 3, f->object_type, -1, SQLITE_STATIC);
	if (f->ts_from)
		sqlite3_bind_int64(st, 4, f->ts_from);
	if (f->ts_to)
		sqlite3_bind_int64(st, 5, f->ts_to);
	if (before_id > 0)
		sqlite3_bind_int64(st, 6, before_id);
	sqlite3_bind_int(st, 7, limit);
	int n = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct audit_row r = {
			.id = sqlite3_column_int64(st, 0),
			.ts = sqlite3_column_int64(st, 1),
			.actor_user_id = sqlite3_column_int64(st, 2),
			.actor_org_id = sqlite3_column_int64(st, 3),
			.actor_name = db_col_text(st, 4),
			.org_name = db_col_text(st, 5),
			.action = db_col_text(st, 6),
			.object_type = db_col_text(st, 7),
			.object_id = db_col_text(st, 8),
			.request_id = db_col_text(st, 9),
			.client_addr = db_col_text(st, 10),
			.detail = db_col_text(st, 11),
		};
		each(&r, arg);
		n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

int64_t audit_last_id(struct db *db)
{
	static const char sql[] = "SELECT coalesce(max(id), 0) FROM audit_log";
	return db_scalar(db, sql);
}
