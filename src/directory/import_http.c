/* Importing team records over HTTP, for the secretariat: the API
 * (POST /api/v1/teams/import, the file as the body) and the page
 * /admin/directory/import (the file uploaded, or pasted into a form).
 * Both run the same import (src/directory/import*.c), all of it on the
 * worker pool.
 * The answer is the report: what was created, updated or left as it
 * was, and every refused and skipped line with its reason. While a big
 * file is written, other writers wait for its one transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "audit/audit.h"
#include "core/clock.h"
#include "directory/changed.h"
#include "directory/directory_http.h"
#include "directory/import.h"
#include "http/input.h"
#include "http/respond.h"
#include "http/worker.h"

/* The page shows the pasted text again, for correcting it, up to this. */
#define PAGE_ECHO_MAX ((size_t)2 << 20)

/* One import, done on a pool thread with a database connection of its
 * own (as audit_http.c's verify does): parsing, the signature (gpg),
 * finding the teams and the one write transaction, which for a file of
 * thousands of teams takes seconds that no event loop should wait. */
struct import_job {
	char *data;
	size_t len;
	struct import_doc doc;
	struct import_result result;
	bool dry_run, page;
	char *filename;                 /* the uploaded file's name; NULL when pasted or sent to the API */
	char team[TEAM_SLUG_MAX + 1];   /* "" for none */
	char db_path[512];
	/* who asked, for the audit rows */
	int64_t user_id, org_id;
	char rid[17], client_addr[64];
	struct db *db;                  /* while the work runs */
	int rc;
};

static void job_free(struct import_job *j)
{
	import_result_release(&j->result);
	import_doc_release(&j->doc);
	free(j->filename);
	free(j->data);
	free(j);
}

static int audit_team(void *arg, int64_t team_id, const char *slug, enum import_outcome outcome)
{
	struct import_job *j = arg;
	char id[24], detail[160];
	snprintf(id, sizeof(id), "%lld", (long long)team_id);
	snprintf(detail, sizeof(detail), "%s %s (%s)", slug, outcome == IMPORT_CREATED ? "created" : "updated",
	         import_format_name(j->doc.format));
	struct audit_entry e = {
		.actor_user_id = j->user_id, .actor_org_id = j->org_id, .action = "team.import", .object_type = "team",
		.object_id = id, .request_id = j->rid, .client_addr = j->client_addr, .detail = detail,
	};
	return audit_write(j->db, &e) < 0 ? -1 : 0;
}

/* Check the signature of a clear-signed file with the keys of the team
 * it is about. */
static int verify(struct import_job *j)
{
	char slug[TEAM_SLUG_MAX + 1], **keys = NULL;
	size_t nkeys = 0;
	int found = import_signer_slug(j->db, &j->doc, *j->team ? j->team : NULL, slug);
	if (found < 0 || (found && import_team_keys(j->db, slug, &keys, &nkeys) < 0)) {
		import_keys_free(keys, nkeys);
		return -1;
	}
	import_verify_signature(&j->doc, (const char *const *)keys, nkeys);
	import_keys_free(keys, nkeys);
	return 0;
}

static void import_work(void *arg)
{
	struct import_job *j = arg;
	struct db db;
	char err[256];
	j->rc = import_parse(&j->doc, j->data, j->len);
	if (j->rc < 0)
		return;
	if (db_open(&db, j->db_path, false, err, sizeof(err)) < 0) {
		j->rc = -1;
		return;
	}
	j->db = &db;
	struct import_options o = {
		.team = *j->team ? j->team : NULL, .dry_run = j->dry_run, .now = clock_now(), .audit = audit_team,
		.audit_arg = j,
	};
	if (j->doc.sig == IMPORT_SIG_UNCHECKED)
		j->rc = verify(j);
	if (j->rc == 0)
		j->rc = import_apply(&db, &j->doc, &o, &j->result);
	if (j->rc == 0 && j->result.written)
		directory_changed(j->result.rules_changed ? DIR_CHANGED_RULES | DIR_CHANGED_RECORD : DIR_CHANGED_RECORD);
	j->db = NULL;
	db_close(&db);
}

static void page_reply(struct ctx *c, struct import_job *j, int status);

static void api_reply(struct ctx *c, struct import_job *j)
{
	struct buf b;
	struct jw w;
	buf_init(&b, 16u << 20);
	jw_init(&w, &b);
	jw_obj_begin(&w);
	if (j->doc.nrejected) {
		/* The error every API refusal carries, then the report. */
		jw_key(&w, "error");
		jw_obj_begin(&w);
		jw_kstr(&w, "code", err_info(ERR_VALIDATION)->code);
		jw_kstr(&w, "message", ctx_t(c, "import.refused"));
		jw_kstr(&w, "request_id", c->rid);
		jw_obj_end(&w);
	}
	import_report_members(&j->doc, &j->result, j->dry_run, c->lang, &w);
	jw_obj_end(&w);
	if (w.failed)
		http_error(c, ERR_INTERNAL, NULL);
	else
		http_json(c, j->doc.nrejected ? 422 : 200, &b);
	buf_release(&b);
}

/* Back on the request's loop: answer with the report (C is NULL when
 * the client went away: then only free). */
static void import_done(struct ctx *c, void *arg)
{
	struct import_job *j = arg;
	if (c && j->rc < 0)
		http_error(c, ERR_INTERNAL, NULL);
	else if (c && j->page)
		page_reply(c, j, j->doc.nrejected ? 422 : 200);
	else if (c)
		api_reply(c, j);
	job_free(j);
}

/* Start an import of the N bytes at DATA (copied) in format F. TEAM
 * NULL or "": none. FILENAME (copied): the page's upload, or NULL. */
static void run_import(struct ctx *c, const char *data, size_t n, enum import_format f, bool guessed, bool dry_run,
                       const char *team, bool page, const char *filename)
{
	struct import_job *j = calloc(1, sizeof(*j));
	if (j) {
		j->data = malloc(n + 1);
		j->filename = filename ? strdup(filename) : NULL;
	}
	if (!j || !j->data || (filename && !j->filename)) {
		if (j) {
			free(j->filename);
			free(j->data);
		}
		free(j);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	memcpy(j->data, data, n);
	j->data[n] = '\0';
	j->len = n;
	j->dry_run = dry_run;
	j->page = page;
	snprintf(j->team, sizeof(j->team), "%s", team ? team : "");
	snprintf(j->db_path, sizeof(j->db_path), "%s", c->cfg->db_path);
	j->user_id = c->actor.user_id;
	j->org_id = c->actor.org_id;
	snprintf(j->rid, sizeof(j->rid), "%s", c->rid);
	snprintf(j->client_addr, sizeof(j->client_addr), "%s", c->client_addr);
	import_doc_init(&j->doc, f);
	j->doc.guessed = guessed;
	if (worker_submit(c, import_work, import_done, j) < 0) {
		job_free(j);
		http_error(c, ERR_UNAVAILABLE, NULL);
	}
}

/* --- the API --- */

/* The Content-Type's media type is WANT, with no charset but UTF-8. */
static bool media_is(h2o_iovec_t ct, const char *want)
{
	size_t n = strlen(want), i = n;
	if (ct.len < n || strncasecmp(ct.base, want, n) != 0 || (ct.len > n && ct.base[n] != ';' && ct.base[n] != ' '))
		return false;
	/* Parameters: only charset=utf-8 is fine. */
	while (i < ct.len) {
		while (i < ct.len && (ct.base[i] == ';' || ct.base[i] == ' '))
			i++;
		size_t p = i;
		while (i < ct.len && ct.base[i] != ';')
			i++;
		size_t len = i - p;
		while (len && ct.base[p + len - 1] == ' ')
			len--;
		if (len && !(len == 13 && !strncasecmp(ct.base + p, "charset=utf-8", 13)) &&
		    !(len == 15 && !strncasecmp(ct.base + p, "charset=\"utf-8\"", 15)))
			return false;
	}
	return true;
}

/* ?format=&dry_run=&team= and the body, whose Content-Type must fit the
 * format: application/json for ti-json, text/csv (or text/plain) for
 * csv, text/plain for the others. Without ?format=, JSON is ti-json,
 * CSV is csv and plain text is guessed. */
static void import_api(struct ctx *c)
{
	static const char *const bools[] = {"0", "1", "false", "true", NULL};
	const char *format = form_get(&c->query, "format");
	const char *dry = form_get(&c->query, "dry_run");
	const char *team = input_query_text(c, "team", TEAM_SLUG_MAX);
	enum import_format f = IMPORT_RFC2350;
	bool dry_run = false;
	if (format && import_format_parse(format, &f) < 0)
		ctx_field_error(c, "format", "field.bad_choice");
	if (dry) {
		size_t k = 0;
		while (bools[k] && strcmp(bools[k], dry) != 0)
			k++;
		if (!bools[k])
			ctx_field_error(c, "dry_run", "field.want_bool");
		dry_run = bools[k] && (k & 1);
	}
	if (team && !team_slug_valid(team))
		ctx_field_error(c, "team", "dir.bad_slug");
	if (!input_ok(c)) {
		http_error(c, ERR_BAD_REQUEST, NULL);
		return;
	}
	h2o_iovec_t ct = ctx_header(c, "content-type");
	bool json = media_is(ct, "application/json"), csv = media_is(ct, "text/csv"), text = media_is(ct, "text/plain");
	bool guessed = !format;
	const char *data = c->req->entity.base ? c->req->entity.base : "";
	size_t n = c->req->entity.base ? c->req->entity.len : 0;
	if (!format)
		f = json ? IMPORT_TI_JSON : csv ? IMPORT_CSV : import_guess(data, n);
	bool fits = f == IMPORT_TI_JSON ? json : f == IMPORT_CSV ? csv || text : text;
	if (!fits) {
		http_error(c, ERR_UNSUPPORTED_MEDIA, "import.want_media");
		return;
	}
	run_import(c, data, n, f, guessed, dry_run, team, false, NULL);
}

/* --- the page --- */

static json_t *format_options(struct ctx *c, const char *chosen)
{
	static const char *const values[] = {"", "rfc2350", "securitytxt", "ti-json", "csv", NULL};
	static const char *const labels[] = {"import.format.guess", "import.format.rfc2350", "import.format.securitytxt",
	                                     "import.format.ti_json", "import.format.csv"};
	json_t *a = json_array();
	for (size_t i = 0; values[i]; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "value", values[i], "label", ctx_t(c, labels[i]), "sel",
		                                   !strcmp(values[i], chosen ? chosen : "")));
	return a;
}

static void page_render(struct ctx *c, int status, json_t *report, const char *format, const char *team, bool dry_run,
                        const char *content, size_t content_len)
{
	json_t *d = json_pack("{s:s,s:o,s:s,s:b}", "title", ctx_t(c, "import.title"), "formats", format_options(c, format),
	                      "team", team ? team : "", "dry_run", dry_run);
	if (content_len <= PAGE_ECHO_MAX)
		json_object_set_new(d, "content", json_stringn(content ? content : "", content ? content_len : 0));
	else
		json_object_set_new(d, "content_dropped", json_true());
	json_object_set_new(d, "errors", ctx_field_errors_json(c));
	if (report)
		json_object_set_new(d, "report", report);
	http_page(c, status, "admin_import.html", d);
}

static void page_reply(struct ctx *c, struct import_job *j, int status)
{
	const struct import_result *r = &j->result;
	struct buf b;
	struct jw w;
	buf_init(&b, 16u << 20);
	jw_init(&w, &b);
	jw_obj_begin(&w);
	import_report_members(&j->doc, r, j->dry_run, c->lang, &w);
	jw_obj_end(&w);
	json_t *report = w.failed ? NULL : json_loadb(b.data, b.len, 0, NULL);
	buf_release(&b);
	if (!report) {
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	/* What the template needs beyond the API's report: counts and a
	 * heading for the outcome. */
	json_object_set_new(report, "created_n", json_integer((json_int_t)r->created));
	json_object_set_new(report, "updated_n", json_integer((json_int_t)r->updated));
	json_object_set_new(report, "unchanged_n", json_integer((json_int_t)r->unchanged));
	json_object_set_new(report, "refused", json_boolean(j->doc.nrejected > 0));
	json_object_set_new(report, "format_label", json_string(import_format_name(j->doc.format)));
	if (j->filename)
		json_object_set_new(report, "file_name", json_string(j->filename));
	/* Pasted text is shown again for correcting it; a file is corrected
	 * where it lives, and uploaded again. */
	page_render(c, status, report, j->doc.guessed ? "" : import_format_name(j->doc.format), j->team, j->dry_run,
	            j->filename ? NULL : j->data, j->filename ? 0 : j->len);
}

static void import_page(struct ctx *c)
{
	page_render(c, 200, NULL, "", "", true, "", 0);
}

/* The form, urlencoded or multipart/form-data: the file either uploaded
 * ("file", any bytes: the importers refuse what is not UTF-8 text, line
 * by line) or pasted ("content"), not both. */
static void import_post(struct ctx *c)
{
	static const char *const formats[] = {"", "rfc2350", "securitytxt", "ti-json", "csv", NULL};
	const char *format = input_choice(c, "format", formats, "");
	const char *team = input_text(c, "team", false, TEAM_SLUG_MAX, false);
	bool dry_run = input_bool(c, "dry_run", false);
	const char *content = form_get(&c->form, "content");
	/* A file input left empty still sends a part, with filename="". */
	const struct multipart_part *file = multipart_get(&c->uploads, "file");
	bool uploaded = file && (*file->filename || file->len), pasted = content && *content;
	if (team && !team_slug_valid(team))
		ctx_field_error(c, "team", "dir.bad_slug");
	if (uploaded && pasted)
		ctx_field_error(c, "file", "import.file_and_paste");
	else if (uploaded && !file->len)
		ctx_field_error(c, "file", "import.file_empty");
	else if (!uploaded && !pasted)
		ctx_field_error(c, "content", "import.paste_something");
	if (!input_ok(c)) {
		page_render(c, 422, NULL, format, team, dry_run, content, content ? strlen(content) : 0);
		return;
	}
	const char *data = uploaded ? file->data : content;
	size_t n = uploaded ? file->len : strlen(content);
	enum import_format f;
	if (import_format_parse(format, &f) < 0)
		f = import_guess(data, n);
	run_import(c, data, n, f, !*format, dry_run, team, true, uploaded ? file->filename : NULL);
}

const struct route import_routes[] = {
	{"POST", "/api/v1/teams/import", ACT_DIRECTORY_CREATE, import_api, ROUTE_API},
	{"GET", "/admin/directory/import", ACT_DIRECTORY_CREATE, import_page, 0},
	{"POST", "/admin/directory/import", ACT_DIRECTORY_CREATE, import_post, ROUTE_FORM | ROUTE_UPLOAD},
	{0},
};
