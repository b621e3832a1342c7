/* Erasing withdrawn organisations' data after the retention period; see
 * org_purge.h. What is erased is one table: each kind of row with the
 * statement that counts it and the one that erases it, in the order they
 * run (the links to the users before the users). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "accounts/org_purge.h"
#include "audit/audit.h"
#include "core/log.h"
#include "directory/changed.h"
#include "directory/team_store.h"

#define DAY_S 86400

/* The record's own fields that are erased; the rest of the team row stays. */
#define RECORD_FIELDS_SET "(address_en != '') + (address_ja != '') + (business_hours_en != '')" \
	" + (business_hours_ja != '') + (website != '')"
#define APPLICATION_CONTACT "(contact_name != '' OR contact_email != '' OR team_draft != '{}')"
#define ORG_USERS "(SELECT id FROM users WHERE org_id = ?1)"

struct erasure {
	const char *kind;
	bool of_org;              /* ?1 is the organisation's id, else its team's */
	const char *count_sql;
	const char *erase_sql;    /* ?2, where used, is the time now */
};

static const struct erasure erasures[ORG_PURGE_KINDS] = {
	{"people", false, "SELECT count(*) FROM team_people WHERE team_id = ?1",
	 "DELETE FROM team_people WHERE team_id = ?1"},
	{"contacts", false, "SELECT count(*) FROM team_contacts WHERE team_id = ?1",
	 "DELETE FROM team_contacts WHERE team_id = ?1"},
	{"keys", false, "SELECT count(*) FROM team_keys WHERE team_id = ?1", "DELETE FROM team_keys WHERE team_id = ?1"},
	{"texts", false, "SELECT count(*) FROM team_texts WHERE team_id = ?1",
	 "DELETE FROM team_texts WHERE team_id = ?1"},
	{"constituency", false, "SELECT count(*) FROM team_constituency WHERE team_id = ?1",
	 "DELETE FROM team_constituency WHERE team_id = ?1"},
	{"bounces", false, "SELECT count(*) FROM contact_bounces WHERE team_id = ?1",
	 "DELETE FROM contact_bounces WHERE team_id = ?1"},
	{"record_fields", false, "SELECT coalesce(sum(" RECORD_FIELDS_SET "), 0) FROM teams WHERE id = ?1",
	 "UPDATE teams SET address_en = '', address_ja = '', business_hours_en = '', business_hours_ja = '',"
	 " website = '', updated_at = ?2 WHERE id = ?1 AND " RECORD_FIELDS_SET " > 0"},
	{"application_contacts", true, "SELECT count(*) FROM applications WHERE org_id = ?1 AND " APPLICATION_CONTACT,
	 "UPDATE applications SET contact_name = '', contact_email = '', team_draft = '{}'"
	 " WHERE org_id = ?1 AND " APPLICATION_CONTACT},
	/* Other teams' applications keep the answers the users gave, without
	 * the link to who gave them. */
	{"sponsor_answer_authors", true, "SELECT count(*) FROM application_sponsors WHERE answered_by IN " ORG_USERS,
	 "UPDATE application_sponsors SET answered_by = NULL WHERE answered_by IN " ORG_USERS},
	{"opinion_authors", true, "SELECT count(*) FROM application_opinions WHERE user_id IN " ORG_USERS,
	 "UPDATE application_opinions SET user_id = NULL WHERE user_id IN " ORG_USERS},
	{"sign_in_throttles", true,
	 "SELECT count(*) FROM auth_throttle WHERE key IN (SELECT 'user:' || id FROM users WHERE org_id = ?1)",
	 "DELETE FROM auth_throttle WHERE key IN (SELECT 'user:' || id FROM users WHERE org_id = ?1)"},
	/* Their sessions, API tokens, password resets and recovery codes go
	 * with them (ON DELETE CASCADE). */
	{"users", true, "SELECT count(*) FROM users WHERE org_id = ?1", "DELETE FROM users WHERE org_id = ?1"},
};

const char *org_purge_kind(int i)
{
	return i >= 0 && i < ORG_PURGE_KINDS ? erasures[i].kind : "";
}

/* One organisation that is due, as read before it is erased. */
struct due {
	int64_t org_id, team_id, withdrawn_at;
	char *org_name, *team_slug;
};

static void due_free(struct due *d, int n)
{
	for (int i = 0; i < n; i++) {
		free(d[i].org_name);
		free(d[i].team_slug);
	}
	free(d);
}

/* Every organisation due at CUTOFF into *OUT (due_free it). Return how
 * many, or -1. */
static int due_list(struct db *db, int64_t cutoff, struct due **out)
{
	static const char sql[] =
		"SELECT o.id, coalesce(t.id, 0), o.status_changed_at, o.name, coalesce(t.slug, '') FROM orgs o"
		" LEFT JOIN teams t ON t.org_id = o.id WHERE o.status = 'withdrawn' AND o.purged_at IS NULL"
		" AND o.status_changed_at <= ? ORDER BY o.status_changed_at, o.id";
	*out = NULL;
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, cutoff);
	int n = 0, cap = 0, rc;
	struct due *d = NULL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			struct due *bigger = realloc(d, (size_t)cap * sizeof(*d));
			if (!bigger)
				break;
			d = bigger;
		}
		d[n] = (struct due){
			.org_id = sqlite3_column_int64(st, 0),
			.team_id = sqlite3_column_int64(st, 1),
			.withdrawn_at = sqlite3_column_int64(st, 2),
			.org_name = strdup(db_col_text(st, 3)),
			.team_slug = strdup(db_col_text(st, 4)),
		};
		n++;
		if (!d[n - 1].org_name || !d[n - 1].team_slug)
			break;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		due_free(d, n);
		return -1;
	}
	*out = d;
	return n;
}

/* Count (and unless DRY_RUN erase) each kind of D's data into ROWS. */
static int erase(struct db *db, const struct due *d, int64_t now, bool dry_run, int64_t rows[ORG_PURGE_KINDS])
{
	for (int i = 0; i < ORG_PURGE_KINDS; i++) {
		const struct erasure *e = &erasures[i];
		int64_t id = e->of_org ? d->org_id : d->team_id;
		rows[i] = 0;
		if (!id)
			continue;
		sqlite3_stmt *st = db_stmt(db, e->count_sql);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		int rc = sqlite3_step(st);
		rows[i] = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
		if (rc != SQLITE_ROW)
			return -1;
		if (dry_run || rows[i] == 0)
			continue;
		if (!(st = db_stmt(db, e->erase_sql)))
			return -1;
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_bind_parameter_count(st) >= 2)
			sqlite3_bind_int64(st, 2, now);
		if (db_run(db, st) < 0)
			return -1;
	}
	return 0;
}

static int mark_erased(struct db *db, int64_t org_id, int64_t now)
{
	static const char sql[] = "UPDATE orgs SET purged_at = ? WHERE id = ?";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, org_id);
	return db_run(db, st);
}

/* The audit row: which organisation and team, and how many rows of each kind. */
static int audit(struct db *db, const struct due *d, const int64_t rows[ORG_PURGE_KINDS], const char *origin)
{
	json_t *erased = json_object();
	for (int i = 0; i < ORG_PURGE_KINDS; i++)
		json_object_set_new(erased, erasures[i].kind, json_integer(rows[i]));
	json_t *detail = json_pack("{s:s,s:I,s:o}", "team", d->team_slug, "withdrawn_at", (json_int_t)d->withdrawn_at,
	                           "erased", erased);
	char *text = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
	json_decref(detail);
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)d->org_id);
	struct audit_entry e = {
		.action = "org.purge", .object_type = "org", .object_id = id, .request_id = origin,
		.client_addr = "local", .detail = text ? text : "",
	};
	int64_t rid = text ? audit_write(db, &e) : -1;
	free(text);
	return rid < 0 ? -1 : 0;
}

/* Erase D in one transaction. */
static int erase_one(struct db *db, const struct due *d, int64_t now, const char *origin,
                     int64_t rows[ORG_PURGE_KINDS])
{
	if (db_begin(db) < 0)
		return -1;
	if (erase(db, d, now, false, rows) < 0 || (d->team_id && team_search_refresh(db, d->team_id) < 0) ||
	    mark_erased(db, d->org_id, now) < 0 || audit(db, d, rows, origin) < 0 || db_commit(db) < 0) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

int org_purge_run(struct db *db, int retention_days, int64_t now, bool dry_run, const char *origin,
                  void (*each)(const struct org_purge_result *r, void *arg), void *arg)
{
	struct due *due;
	int n = due_list(db, now - (int64_t)retention_days * DAY_S, &due);
	if (n < 0)
		return -1;
	int done = 0, rc = 0;
	for (; done < n; done++) {
		struct org_purge_result r = {
			.org_id = due[done].org_id, .org_name = due[done].org_name, .team_slug = due[done].team_slug,
			.withdrawn_at = due[done].withdrawn_at, .done = done + 1, .total = n,
		};
		if (dry_run) {
			bool begun = db_read_begin(db);
			rc = erase(db, &due[done], now, true, r.rows);
			db_read_end(db, begun);
		} else {
			rc = erase_one(db, &due[done], now, origin, r.rows);
		}
		if (rc < 0)
			break;
		if (!dry_run)
			directory_changed(DIR_CHANGED_RULES | DIR_CHANGED_RECORD);
		if (each)
			each(&r, arg);
	}
	due_free(due, n);
	return rc < 0 ? -1 : done;
}

static void log_erased(const struct org_purge_result *r, void *arg)
{
	(void)arg;
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)r->org_id);
	log_kv(LOG_INFO, "withdrawn organisation's data erased after the retention period", "org", id, "team",
	       r->team_slug, NULL);
}

int org_purge_task(struct db *db, const struct config *cfg, int64_t now)
{
	return org_purge_run(db, cfg->withdrawn_retention_days, now, false, "job", log_erased, NULL) < 0 ? -1 : 0;
}
