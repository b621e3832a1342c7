/* Writing imports (import_apply.c) into real SQLite databases: the CSV
 * export read into a fresh database and into the same one gives the same
 * CSV again; one refused value anywhere writes nothing and every refusal
 * is listed at its line; a dry run writes nothing; the file's entries
 * replace only the kinds it gives and keep what it does not say; teams
 * are found by slug, short name or a slug made from the name. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include "audit/audit.h"
#include "directory/export.h"
#include "directory/securitytxt.h"
#include "directory/team.h"
#include "directory/team_input.h"
#include "directory/team_store.h"
#include "import_testutil.h"
#include "testutil.h"

static void no_error(void *arg, const char *field, const char *msg_key, const char *const vars[])
{
	fail_msg("fixture refused: %s %s", field, msg_key);
}

/* Create team SLUG with the record CHANGE (PATCH JSON). */
static int64_t make_team(struct db *db, const char *slug, const char *change)
{
	h2o_mem_pool_t pool;
	h2o_mem_init_pool(&pool);
	json_error_t err;
	json_t *obj = json_loads(change, 0, &err);
	if (!obj)
		fail_msg("fixture JSON: %s", err.text);
	struct team_input in = {&pool, no_error, NULL, 0};
	struct team_change ch;
	team_input_read(&in, obj, &ch);
	int64_t id = 0;
	assert_int_equal(team_create(db, 0, slug, "x", 1000, &id), 1);
	assert_int_equal(team_apply(db, id, &ch, 1000), 0);
	json_decref(obj);
	h2o_mem_clear_pool(&pool);
	return id;
}

static json_t *record(struct db *db, const char *slug)
{
	struct team t;
	struct buf b;
	struct jw w;
	assert_int_equal(team_load(db, slug, 0, &t), 1);
	buf_init(&b, 1 << 20);
	jw_init(&w, &b);
	assert_int_equal(team_write_json(db, &t, DIR_ALL, false, &w), 0);
	json_t *v = json_loadb(b.data, b.len, 0, NULL);
	buf_release(&b);
	return v;
}

static int csv_row(struct db *db, const struct team *t, void *arg)
{
	json_t *v = record(db, t->slug);
	int rc = export_csv_row(arg, v);
	json_decref(v);
	return rc;
}

/* The CSV export of every team, as the secretariat gets it. */
static void export_all(struct db *db, struct buf *out)
{
	buf_init(out, 1 << 20);
	export_csv_header(out);
	assert_true(team_list(db, DIR_ALL, 0, 200, csv_row, out) >= 0);
}

/* The audit rows an import writes, in its transaction, as the CLI and
 * the API do; LAST is the latest, "slug created". */
struct audit_log {
	struct db *db;
	char last[80];
};

static int audit(void *arg, int64_t team_id, const char *slug, enum import_outcome outcome)
{
	struct audit_log *a = arg;
	snprintf(a->last, sizeof(a->last), "%s %s", slug, outcome == IMPORT_CREATED ? "created" : "updated");
	struct audit_entry e = {.action = "team.import", .object_type = "team", .object_id = slug, .request_id = "test",
	                        .client_addr = "local", .detail = a->last};
	return audit_write(a->db, &e) < 0 ? -1 : 0;
}

static int64_t audit_rows(struct db *db)
{
	return db_scalar(db, "SELECT count(*) FROM audit_log WHERE action = 'team.import'");
}

/* Parse TEXT as F and apply it with OPTS (team, dry_run). */
static void import_text(struct db *db, struct import_doc *d, enum import_format f, const char *text, const char *team,
                        bool dry_run, struct import_result *r, struct audit_log *log)
{
	parse_as(d, f, text);
	struct import_options o = {.team = team, .dry_run = dry_run, .now = 2000, .audit = audit, .audit_arg = log};
	assert_int_equal(import_apply(db, d, &o, r), 0);
}

static const char seven[] =
	"{\"name\":{\"en\":\"Team Seven\",\"ja\":\"チームセブン\"},\"short_name\":\"T7\",\"host_org\":{\"en\":\"=Host\"},"
	"\"region\":\"kanto\",\"sector\":\"finance\",\"csirt_type\":\"organisational\",\"website\":\"https://t7.example.jp/\","
	"\"contacts\":[{\"kind\":\"phone_voice\",\"value\":\"+81 3-1111-1111\"},"
	"{\"kind\":\"email_incident\",\"value\":\"csirt@t7.example.jp\",\"hours\":\"24/7\",\"visibility\":\"members\"},"
	"{\"kind\":\"email_general\",\"value\":\"info@t7.example.jp\"},"
	"{\"kind\":\"phone_emergency\",\"value\":\"+81 90-1111-2222\",\"hours\":\"night, weekends\"}],"
	"\"constituency\":[{\"kind\":\"asn\",\"value\":\"AS64500\",\"visibility\":\"members\"},"
	"{\"kind\":\"cidr\",\"value\":\"192.0.2.0/24\"},{\"kind\":\"type\",\"value\":\"Big Bank\"},"
	"{\"kind\":\"domain\",\"value\":\"*.t7.example.jp\"}]}";
static const char eight[] = "{\"name\":{\"en\":\"Team Eight\"},\"country\":\"DE\"}";

static void csv_round_trip_into_a_fresh_and_the_same_database(void **state)
{
	struct testdb a, b;
	testdb_open(&a);
	testdb_open(&b);
	make_team(&a.db, "team-seven", seven);
	make_team(&a.db, "team-eight", eight);
	struct buf first, second;
	export_all(&a.db, &first);

	struct import_doc d;
	struct import_result r;
	struct audit_log log = {&b.db, ""};
	import_text(&b.db, &d, IMPORT_CSV, first.data, NULL, false, &r, &log);
	if (d.nissues)
		dump_issues(&d);
	assert_int_equal(d.nissues, 0);
	assert_true(r.written);
	assert_int_equal(r.created, 2);
	assert_int_equal(audit_rows(&b.db), 2);
	export_all(&b.db, &second);
	assert_string_equal(second.data, first.data);
	import_result_release(&r);
	import_doc_release(&d);
	buf_release(&second);

	/* Into the database it came from: nothing to change, nothing touched. */
	json_t *before = record(&a.db, "team-seven");
	int64_t untouched = db_scalar(&a.db, "SELECT count(*) FROM teams WHERE updated_at = 1000");
	log.db = &a.db;
	import_text(&a.db, &d, IMPORT_CSV, first.data, NULL, false, &r, &log);
	assert_int_equal(r.unchanged, 2);
	assert_int_equal(r.updated + r.created, 0);
	assert_int_equal(audit_rows(&a.db), 0);
	json_t *after = record(&a.db, "team-seven");
	assert_true(json_equal(before, after));
	assert_int_equal(db_scalar(&a.db, "SELECT count(*) FROM teams WHERE updated_at = 1000"), untouched);
	json_decref(before);
	json_decref(after);
	import_result_release(&r);
	import_doc_release(&d);
	buf_release(&first);
	testdb_close(&a);
	testdb_close(&b);
}

static void one_refused_value_writes_nothing_and_every_one_is_listed(void **state)
{
	struct testdb t;
	testdb_open(&t);
	make_team(&t.db, "team-seven", seven);
	static const char csv[] =
		"slug,name_en,country,email_incident,constituency\n"         /* 1 */
		"team-seven,Team Seven Renamed,JP,new@t7.example.jp,\n"      /* 2: row 1, fine */
		"new-one,New One,XX,,\n"                                     /* 3: row 2, no such country */
		"new-two,New Two,JP,\"not an address, b@c.jp\",\n"           /* 4: row 3 */
		"new-three,New Three,JP,,192.0.2.1/24 AS0\n"                 /* 5: row 4 */
		"Bad Slug,Bad,JP,,\n";                                       /* 6: row 5 */
	int64_t teams = db_scalar(&t.db, "SELECT count(*) FROM teams");
	struct import_doc d;
	struct import_result r;
	struct audit_log log = {&t.db, ""};
	import_text(&t.db, &d, IMPORT_CSV, csv, NULL, false, &r, &log);
	static const struct {
		size_t line, row;
		const char *field, *key, *text;
	} want[] = {
		{3, 2, "country", "dir.err.country_unknown", "country: XX"},
		{4, 3, "contacts[0].value", "dir.err.email_syntax", "email_incident: not an address"},
		{5, 4, "constituency[0].value", "dir.err.cidr_host_bits", "constituency: 192.0.2.1/24"},
		{5, 4, "constituency[1].value", "dir.err.asn_zero", "constituency: AS0"},
		{6, 5, "slug", "dir.bad_slug", "slug: Bad Slug"},
	};
	if (d.nissues != sizeof(want) / sizeof(want[0]))
		dump_issues(&d);
	assert_int_equal(d.nissues, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < d.nissues; i++) {
		assert_int_equal(d.issues[i].line, want[i].line);
		assert_int_equal(d.issues[i].record, want[i].row);
		assert_string_equal(d.issues[i].field, want[i].field);
		assert_string_equal(d.issues[i].msg_key, want[i].key);
		assert_string_equal(d.issues[i].excerpt, want[i].text);
		assert_true(d.issues[i].rejected);
	}
	/* The host-bits refusal suggests the network. */
	struct buf reason;
	buf_init(&reason, 4096);
	import_issue_reason(&d.issues[2], LANG_EN, &reason);
	assert_non_null(strstr(reason.data, "192.0.2.0/24"));
	buf_release(&reason);
	assert_false(r.written);
	assert_int_equal(r.nteams, 0);
	assert_int_equal(audit_rows(&t.db), 0);
	assert_int_equal(db_scalar(&t.db, "SELECT count(*) FROM teams"), teams);
	json_t *rec = record(&t.db, "team-seven");
	assert_string_equal(str_at(rec, "name.en"), "Team Seven");
	json_decref(rec);
	import_result_release(&r);
	import_doc_release(&d);
	testdb_close(&t);
}

static void a_dry_run_reports_and_writes_nothing(void **state)
{
	struct testdb t;
	testdb_open(&t);
	make_team(&t.db, "team-seven", seven);
	struct import_doc d;
	struct import_result r;
	struct audit_log log = {&t.db, ""};
	import_text(&t.db, &d, IMPORT_CSV, "slug,name_en,short_name\nteam-seven,Team 7,T7\nfresh,Fresh Team,\n", NULL, true,
	            &r, &log);
	assert_int_equal(d.nrejected, 0);
	assert_false(r.written);
	assert_int_equal(r.created, 1);
	assert_int_equal(r.updated, 1);
	assert_string_equal(r.teams[1].slug, "fresh");
	assert_int_equal(r.teams[1].outcome, IMPORT_CREATED);
	assert_int_equal(db_scalar(&t.db, "SELECT count(*) FROM teams WHERE slug = 'fresh'"), 0);
	assert_int_equal(db_scalar(&t.db, "SELECT count(*) FROM teams WHERE name_en = 'Team 7'"), 0);
	import_result_release(&r);
	import_doc_release(&d);
	testdb_close(&t);
}

/* An RFC 2350 document with the incident address the team has and a new
 * one: the matching one keeps its visibility, the kinds the document does
 * not give (general mail, emergency phone) stay, in their places. */
static void the_file_replaces_only_the_kinds_it_gives(void **state)
{
	struct testdb t;
	testdb_open(&t);
	make_team(&t.db, "team-seven", seven);
	static const char doc[] =
		"2.1 Name of the Team\n   Team Seven (T7)\n"
		"2.4 Telephone Number\n   +81 3-1111-1111\n"
		"2.7 Electronic Mail Address\n   new@t7.example.jp\n   csirt@t7.example.jp\n";
	struct import_doc d;
	struct import_result r;
	struct audit_log log = {&t.db, ""};
	import_text(&t.db, &d, IMPORT_RFC2350, doc, NULL, false, &r, &log);
	assert_int_equal(d.nrejected, 0);
	assert_int_equal(r.updated, 1);
	assert_string_equal(log.last, "team-seven updated");
	json_t *rec = record(&t.db, "team-seven");
	static const char *const want[][4] = {
		{"phone_voice", "+81 3-1111-1111", "", "members"},
		{"email_incident", "new@t7.example.jp", "", "public"},
		{"email_incident", "csirt@t7.example.jp", "24/7", "members"},
		{"email_general", "info@t7.example.jp", "", "public"},
		{"phone_emergency", "+81 90-1111-2222", "night, weekends", "members"},
	};
	json_t *contacts = json_object_get(rec, "contacts");
	assert_int_equal(json_array_size(contacts), 5);
	for (size_t i = 0; i < 5; i++) {
		json_t *c = json_array_get(contacts, i);
		assert_string_equal(str_at(c, "kind"), want[i][0]);
		assert_string_equal(str_at(c, "value"), want[i][1]);
		assert_string_equal(str_at(c, "hours"), want[i][2]);
		assert_string_equal(str_at(c, "visibility"), want[i][3]);
	}
	/* Constituency untouched: the document gave none. */
	assert_int_equal(json_array_size(json_object_get(rec, "constituency")), 4);
	assert_string_equal(str_at(rec, "website"), "https://t7.example.jp/");
	json_decref(rec);
	import_result_release(&r);
	import_doc_release(&d);
	testdb_close(&t);
}

static void refusals_name_the_line_the_value_came_from(void **state)
{
	struct testdb t;
	testdb_open(&t);
	static const char doc[] =
		"2.1 Name of the Team\n"          /* 1 */
		"   Next Team (NXT)\n"
		"2.3 Time Zone\n"                 /* 3 */
		"   JST\n"
		"2.5 Facsimile Number\n"          /* 5 */
		"   Fax: +81-3-12x4\n"
		"3.1 Mission Statement\n"         /* 7 */
		"   Fine.\n";
	struct import_doc d;
	struct import_result r;
	struct audit_log log = {&t.db, ""};
	import_text(&t.db, &d, IMPORT_RFC2350, doc, NULL, false, &r, &log);
	assert_int_equal(d.nrejected, 2);
	const struct import_issue *tz = &d.issues[0], *fax = &d.issues[1];
	assert_int_equal(tz->line, 4);
	assert_string_equal(tz->field, "tz");
	assert_string_equal(tz->msg_key, "dir.err.tz_abbrev");
	struct buf reason;
	buf_init(&reason, 4096);
	import_issue_reason(tz, LANG_EN, &reason);
	assert_non_null(strstr(reason.data, "Asia/Tokyo"));
	buf_release(&reason);
	assert_int_equal(fax->line, 6);
	assert_string_equal(fax->field, "contacts[0].value");
	assert_string_equal(fax->excerpt, "Fax: +81-3-12x4");
	assert_int_equal(db_scalar(&t.db, "SELECT count(*) FROM teams"), 0);
	import_result_release(&r);
	import_doc_release(&d);
	testdb_close(&t);
}

static void finds_teams_by_slug_short_name_or_name(void **state)
{
	struct testdb t;
	testdb_open(&t);
	make_team(&t.db, "jpcert", "{\"name\":{\"en\":\"JPCERT Coordination Center\"},\"short_name\":\"JPCERT/CC\"}");
	static const char ti[] =
		"[{\"official_name\": \"JPCERT Coordination Center\", \"short_name\": \"jpcert/cc\", \"established\": \"1996-10-01\"},"
		" {\"official_name\": \"Example CERT\", \"short_name\": \"EX.CERT\"},"
		" {\"official_name\": \"Long Name Only Team\"},"
		" {\"official_name\": \"日本語のみ\"},"
		" {\"official_name\": \"Only Short\", \"short_name\": \"EX.CERT\"}]";
	struct import_doc d;
	struct import_result r;
	struct audit_log log = {&t.db, ""};
	import_text(&t.db, &d, IMPORT_TI_JSON, ti, NULL, false, &r, &log);
	/* The fourth has no name a slug can be made of; the fifth is the second again. */
	assert_int_equal(d.nrejected, 2);
	assert_string_equal(d.issues[0].msg_key, "import.no_slug");
	assert_int_equal(d.issues[0].record, 4);
	assert_string_equal(d.issues[1].msg_key, "import.duplicate_team");
	assert_int_equal(d.issues[1].record, 5);
	import_result_release(&r);
	import_doc_release(&d);

	/* The first three alone: found by short name (any case), and made. */
	static const char ti_ok[] =
		"[{\"official_name\": \"JPCERT Coordination Center\", \"short_name\": \"jpcert/cc\", \"established\": \"1996-10-01\"},"
		" {\"official_name\": \"Example CERT\", \"short_name\": \"EX.CERT\"},"
		" {\"official_name\": \"Long Name Only Team\"}]";
	import_text(&t.db, &d, IMPORT_TI_JSON, ti_ok, NULL, false, &r, &log);
	assert_int_equal(d.nrejected, 0);
	assert_string_equal(r.teams[0].slug, "jpcert");
	assert_int_equal(r.teams[0].outcome, IMPORT_UPDATED);
	assert_string_equal(r.teams[1].slug, "ex-cert");
	assert_string_equal(r.teams[2].slug, "long-name-only-team");
	assert_int_equal(r.created, 2);
	json_t *rec = record(&t.db, "jpcert");
	assert_string_equal(str_at(rec, "established"), "1996-10-01");
	json_decref(rec);
	import_result_release(&r);
	import_doc_release(&d);
	testdb_close(&t);
}

static void a_security_txt_updates_only_a_team_that_exists(void **state)
{
	struct testdb t;
	testdb_open(&t);
	make_team(&t.db, "team-seven", seven);
	static const char txt[] = "Contact: mailto:psirt@t7.example.jp\nExpires: 2099-01-01T00:00:00Z\n";
	struct import_doc d;
	struct import_result r;
	struct audit_log log = {&t.db, ""};
	import_text(&t.db, &d, IMPORT_SECURITYTXT, txt, NULL, false, &r, &log);
	assert_true(issue_with(&d, "import.team_needed")->rejected);
	import_result_release(&r);
	import_doc_release(&d);
	import_text(&t.db, &d, IMPORT_SECURITYTXT, txt, "no-such-team", false, &r, &log);
	assert_true(issue_with(&d, "import.team_needed")->rejected);
	import_result_release(&r);
	import_doc_release(&d);
	import_text(&t.db, &d, IMPORT_SECURITYTXT, txt, "team-seven", false, &r, &log);
	assert_int_equal(d.nrejected, 0);
	assert_int_equal(r.updated, 1);
	json_t *rec = record(&t.db, "team-seven");
	assert_string_equal(str_at(rec, "contacts[1].value"), "psirt@t7.example.jp");
	assert_int_equal(json_array_size(json_object_get(rec, "contacts")), 4);
	json_decref(rec);
	import_result_release(&r);
	import_doc_release(&d);
	testdb_close(&t);
}

static void a_named_team_is_for_one_team_files(void **state)
{
	struct testdb t;
	testdb_open(&t);
	struct import_doc d;
	struct import_result r;
	struct audit_log log = {&t.db, ""};
	import_text(&t.db, &d, IMPORT_CSV, "slug,name_en\na-1,A\nb-2,B\n", "a-1", false, &r, &log);
	assert_true(issue_with(&d, "import.team_one_record")->rejected);
	import_result_release(&r);
	import_doc_release(&d);
	import_text(&t.db, &d, IMPORT_RFC2350, "2.1 Name of the Team\n   Team\n", "Not/A/Slug", false, &r, &log);
	assert_true(issue_with(&d, "dir.bad_slug")->rejected);
	import_result_release(&r);
	import_doc_release(&d);
	/* "export" is the directory's own path, not a team. */
	import_text(&t.db, &d, IMPORT_CSV, "slug,name_en\nexport,Export\n", NULL, false, &r, &log);
	assert_true(issue_with(&d, "dir.slug_reserved")->rejected);
	import_result_release(&r);
	import_doc_release(&d);
	import_text(&t.db, &d, IMPORT_TI_JSON, "[{\"official_name\": \"Export\"}]", NULL, false, &r, &log);
	assert_true(issue_with(&d, "dir.slug_reserved")->rejected);
	import_result_release(&r);
	import_doc_release(&d);
	/* A new team needs a name; a short name will do. */
	import_text(&t.db, &d, IMPORT_CSV, "slug,short_name,country\nnameless,,JP\nshort,SHORT,JP\n", NULL, false, &r, &log);
	assert_int_equal(d.nrejected, 1);
	assert_int_equal(issue_with(&d, "import.name_needed")->record, 1);
	import_result_release(&r);
	import_doc_release(&d);
	import_text(&t.db, &d, IMPORT_CSV, "slug,short_name,country\nshort,SHORT,JP\n", NULL, false, &r, &log);
	assert_int_equal(r.created, 1);
	json_t *rec = record(&t.db, "short");
	assert_string_equal(str_at(rec, "name.en"), "SHORT");
	json_decref(rec);
	import_result_release(&r);
	import_doc_release(&d);
	testdb_close(&t);
}

/* The RFC 2350 document the directory exports for a team, imported back:
 * nothing to change, people and contacts keep what the document leaves
 * out (their addresses, visibility). */
static void its_own_rfc2350_export_changes_nothing(void **state)
{
	struct testdb t;
	testdb_open(&t);
	make_team(&t.db, "team-seven", seven);
	make_team(&t.db, "team-nine",
	          "{\"name\":{\"en\":\"Team Nine\"},\"short_name\":\"T9\",\"address\":{\"en\":\"1-1 Chiyoda\\nTokyo\"},"
	          "\"business_hours\":{\"en\":\"9-17\"},\"tz\":\"Asia/Tokyo\",\"website\":\"https://t9.example.jp/\","
	          "\"contacts\":[{\"kind\":\"email_incident\",\"value\":\"csirt@t9.example.jp\",\"hours\":\"24/7\"},"
	          "{\"kind\":\"fax\",\"value\":\"+81 3-9999-0000\",\"visibility\":\"secretariat\"}],"
	          "\"people\":[{\"name\":\"Hanako Yamada\",\"role\":\"primary_poc\",\"email\":\"h@t9.example.jp\"}],"
	          "\"texts\":{\"mission\":{\"en\":\"We coordinate.\\n\\nAnd teach.\"},\"services\":{\"en\":\"Response.\"}}}");
	json_t *before = record(&t.db, "team-nine");
	struct buf doc;
	buf_init(&doc, 1 << 20);
	assert_int_equal(export_rfc2350(&doc, before, "en", "2024-04-01"), 0);
	struct import_doc d;
	struct import_result r;
	struct audit_log log = {&t.db, ""};
	import_text(&t.db, &d, IMPORT_RFC2350, doc.data, NULL, false, &r, &log);
	if (d.nrejected)
		dump_issues(&d);
	assert_int_equal(d.nrejected, 0);
	assert_string_equal(r.teams[0].slug, "team-nine");
	assert_int_equal(r.unchanged, 1);
	json_t *after = record(&t.db, "team-nine");
	assert_true(json_equal(before, after));
	json_decref(before);
	json_decref(after);
	import_result_release(&r);
	import_doc_release(&d);
	buf_release(&doc);
	testdb_close(&t);
}

/* The security.txt the directory writes for a team (securitytxt.c),
 * imported back into it: each address and number keeps its kind and
 * form, so nothing changes; a new address is an incident address. */
static void its_own_security_txt_changes_nothing(void **state)
{
	struct testdb t;
	testdb_open(&t);
	make_team(&t.db, "team-seven", seven);
	make_team(&t.db, "team-ten",
	          "{\"name\":{\"en\":\"Team Ten\"},\"country\":\"JP\",\"contacts\":["
	          "{\"kind\":\"email_general\",\"value\":\"info@t10.example.jp\"},"
	          "{\"kind\":\"phone_voice\",\"value\":\"03-1111-1111 ext. 12\",\"visibility\":\"public\"},"
	          "{\"kind\":\"email_incident\",\"value\":\"csirt+report@t10.example.jp\"},"
	          "{\"kind\":\"phone_emergency\",\"value\":\"+81 90-1111-2222\",\"visibility\":\"public\"}]}");
	json_t *before = record(&t.db, "team-ten");
	struct buf txt;
	buf_init(&txt, 1 << 16);
	struct securitytxt_opts so = {.base_url = "https://shisa.example.jp", .instance_name = "shisa", .audience = "public",
	                              .now = 1700000000, .expires = 4102444800};
	assert_int_equal(securitytxt_write(&txt, before, &so), 1);
	struct import_doc d;
	struct import_result r;
	struct audit_log log = {&t.db, ""};
	import_text(&t.db, &d, IMPORT_SECURITYTXT, txt.data, "team-ten", false, &r, &log);
	if (d.nrejected)
		dump_issues(&d);
	assert_int_equal(d.nrejected, 0);
	assert_int_equal(r.unchanged, 1);
	json_t *after = record(&t.db, "team-ten");
	assert_true(json_equal(before, after));
	json_decref(after);
	import_result_release(&r);
	import_doc_release(&d);

	/* A new address, escaped as RFC 6068 allows. */
	import_text(&t.db, &d, IMPORT_SECURITYTXT, "Contact: mailto:new%2Bsec@t10.example.jp\nExpires: 2099-01-01T00:00:00Z\n",
	            "team-ten", false, &r, &log);
	assert_int_equal(r.updated, 1);
	after = record(&t.db, "team-ten");
	assert_string_equal(str_at(after, "contacts[2].kind"), "email_incident");
	assert_string_equal(str_at(after, "contacts[2].value"), "new+sec@t10.example.jp");
	json_decref(after);
	json_decref(before);
	import_result_release(&r);
	import_doc_release(&d);
	buf_release(&txt);
	testdb_close(&t);
}

int main(void)
{
	char err[256];
	if (i18n_load(err, sizeof(err)) < 0)
		fail_msg("%s", err);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_round_trip_into_a_fresh_and_the_same_database),
		cmocka_unit_test(one_refused_value_writes_nothing_and_every_one_is_listed),
		cmocka_unit_test(a_dry_run_reports_and_writes_nothing),
		cmocka_unit_test(the_file_replaces_only_the_kinds_it_gives),
		cmocka_unit_test(refusals_name_the_line_the_value_came_from),
		cmocka_unit_test(finds_teams_by_slug_short_name_or_name),
		cmocka_unit_test(a_security_txt_updates_only_a_team_that_exists),
		cmocka_unit_test(a_named_team_is_for_one_team_files),
		cmocka_unit_test(its_own_rfc2350_export_changes_nothing),
		cmocka_unit_test(its_own_security_txt_changes_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
