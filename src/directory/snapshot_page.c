/* Template data and rendering of the snapshot page; see snapshot_page.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "core/embed.h"
#include "core/i18n.h"
#include "directory/snapshot_page.h"
#include "directory/team_input.h"
#include "web/template.h"

enum piece { P_HEAD, P_ROW, P_MIDDLE, P_TEAM, P_FOOT, P__COUNT };

static const char *const piece_files[P__COUNT] = {
	"src/web/templates/snapshot_head.html", "src/web/templates/snapshot_row.html",
	"src/web/templates/snapshot_middle.html", "src/web/templates/snapshot_team.html",
	"src/web/templates/snapshot_foot.html",
};

struct snapshot_page {
	struct tpl *tpl[P__COUNT];
	json_t *labels;        /* i18n key -> "English / 日本語", made on first use */
	json_t *letters;       /* [{letter, id}] in page order */
	char letter_id[8];     /* of the team before */
};

/* KEY in both languages: "English / 日本語", or one of them when they are
 * the same. The strings live as long as PG. */
static const char *both(struct snapshot_page *pg, const char *key)
{
	json_t *have = json_object_get(pg->labels, key);
	if (have)
		return json_string_value(have);
	const char *en = i18n_get(LANG_EN, key), *ja = i18n_get(LANG_JA, key);
	char *text = NULL;
	if (!strcmp(en, ja) ? asprintf(&text, "%s", en) < 0 : asprintf(&text, "%s / %s", en, ja) < 0)
		return NULL;
	json_object_set_new(pg->labels, key, json_string(text));
	free(text);
	return json_string_value(json_object_get(pg->labels, key));
}

static const char *translate(void *ctx, const char *key)
{
	return both(ctx, key);
}

struct snapshot_page *snapshot_page_new(char *err, size_t errlen)
{
	struct snapshot_page *pg = calloc(1, sizeof(*pg));
	if (!pg) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pg->labels = json_object();
	pg->letters = json_array();
	for (int i = 0; i < P__COUNT; i++) {
		const struct embed_file *f = embed_find(piece_files[i]);
		pg->tpl[i] = f ? tpl_compile(piece_files[i], (const char *)f->data, f->len, err, errlen) : NULL;
		if (!pg->tpl[i]) {
			if (!f)
				snprintf(err, errlen, "%s is not embedded", piece_files[i]);
			snapshot_page_free(pg);
			return NULL;
		}
	}
	return pg;
}

void snapshot_page_free(struct snapshot_page *pg)
{
	if (!pg)
		return;
	for (int i = 0; i < P__COUNT; i++)
		tpl_free(pg->tpl[i]);
	json_decref(pg->labels);
	json_decref(pg->letters);
	free(pg);
}

static int render(struct snapshot_page *pg, enum piece p, json_t *data, struct buf *out)
{
	struct tpl_env env = {.translate = translate, .load = NULL, .ctx = pg};
	int rc = data ? tpl_render(pg->tpl[p], data, &env, out) : -1;
	json_decref(data);
	return rc;
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* The label of VALUE in group PREFIX ("dir.sector." + "finance") in both
 * languages, or VALUE itself when there is none. */
static const char *choice(struct snapshot_page *pg, const char *prefix, const char *value)
{
	char key[96];
	snprintf(key, sizeof(key), "%s%s", prefix, value);
	return *value && i18n_has(key) ? both(pg, key) : value;
}

/* Add {label, value, value_ja, pre} to FACTS when VALUE is not empty. */
static void fact(struct snapshot_page *pg, json_t *facts, const char *label_key, const char *value,
                 const char *value_ja, bool pre)
{
	if (!*value && (!value_ja || !*value_ja))
		return;
	json_t *f = json_pack("{s:s,s:s,s:b}", "label", both(pg, label_key), "value", *value ? value : value_ja, "pre",
	                      pre);
	if (*value && value_ja && *value_ja && strcmp(value, value_ja) != 0)
		json_object_set_new(f, "value_ja", json_string(value_ja));
	json_array_append_new(facts, f);
}

/* A bilingual field {en, ja} of TEAM as a fact. */
static void fact_bi(struct snapshot_page *pg, json_t *facts, json_t *team, const char *field, const char *label_key,
                    bool pre)
{
	json_t *v = json_object_get(team, field);
	fact(pg, facts, label_key, str(v, "en"), str(v, "ja"), pre);
}

/* "YYYY-MM-DD" of Unix time T (UTC). */
static void day_of(int64_t t, char out[32])
{
	clock_iso_utc(t, out, 32);
	out[10] = '\0';
}

static json_t *facts_of(struct snapshot_page *pg, json_t *team)
{
	json_t *facts = json_array();
	char line[96];
	fact_bi(pg, facts, team, "host_org", "dir.field.host_org", false);
	fact(pg, facts, "dir.field.registered_name", str(team, "registered_name"), NULL, false);
	fact(pg, facts, "dir.field.sector", choice(pg, "dir.sector.", str(team, "sector")), NULL, false);
	fact(pg, facts, "dir.field.region", choice(pg, "dir.region.", str(team, "region")), NULL, false);
	fact(pg, facts, "dir.field.csirt_type", choice(pg, "dir.type.", str(team, "csirt_type")), NULL, false);
	fact(pg, facts, "dir.field.country", str(team, "country"), NULL, false);
	fact(pg, facts, "dir.field.established", str(team, "established"), NULL, false);
	fact(pg, facts, "dir.field.joined", str(team, "joined"), NULL, false);
	fact(pg, facts, "dir.field.website", str(team, "website"), NULL, false);
	fact(pg, facts, "dir.field.tz", str(team, "tz"), NULL, false);
	fact_bi(pg, facts, team, "business_hours", "dir.field.business_hours", true);
	fact_bi(pg, facts, team, "address", "dir.field.address", true);
	fact(pg, facts, "dir.field.org_department", str(team, "org_department"), NULL, false);
	json_t *then = json_object_get(team, "staff_at_founding"), *now = json_object_get(team, "staff_now");
	if (json_is_integer(then) || json_is_integer(now)) {
		char a[24] = "-", b[24] = "-";
		if (json_is_integer(then))
			snprintf(a, sizeof(a), "%lld", (long long)json_integer_value(then));
		if (json_is_integer(now))
			snprintf(b, sizeof(b), "%lld", (long long)json_integer_value(now));
		snprintf(line, sizeof(line), "%s / %s", a, b);
		fact(pg, facts, "dir.field.staff", line, NULL, false);
	}
	const char *spread = str(team, "structure_spread"), *staffing = str(team, "structure_staffing");
	snprintf(line, sizeof(line), "%s%s%s", spread, *spread && *staffing ? ", " : "", staffing);
	fact(pg, facts, "dir.field.structure", line, NULL, false);
	snprintf(line, sizeof(line), "%.10s", str(team, "last_verified"));
	fact(pg, facts, "dir.field.last_verified", line, NULL, false);
	return facts;
}

/* Contacts with labels; the 24/7 phones, incident addresses and voice
 * phones also into the lists the quick reference shows. */
static json_t *contacts_of(struct snapshot_page *pg, json_t *team, json_t *emergency, json_t *emails, json_t *phones)
{
	json_t *out = json_array(), *c;
	size_t i;
	json_array_foreach(json_object_get(team, "contacts"), i, c) {
		const char *kind = str(c, "kind");
		json_t *row = json_pack("{s:s,s:s,s:s,s:s,s:b}", "label", choice(pg, "dir.contact.", kind), "value",
		                        str(c, "value"), "hours", str(c, "hours"), "note", str(c, "note"), "emergency",
		                        !strcmp(kind, "phone_emergency"));
		json_array_append(out, row);
		if (!strcmp(kind, "phone_emergency"))
			json_array_append(emergency, row);
		else if (!strcmp(kind, "email_incident"))
			json_array_append(emails, row);
		else if (!strcmp(kind, "phone_voice"))
			json_array_append(phones, row);
		json_decref(row);
	}
	return out;
}

static json_t *people_of(struct snapshot_page *pg, json_t *team)
{
	json_t *out = json_array(), *p;
	size_t i;
	json_array_foreach(json_object_get(team, "people"), i, p)
		json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", str(p, "name"), "role",
		                                     choice(pg, "dir.role.", str(p, "role")), "email", str(p, "email"),
		                                     "phone", str(p, "phone"), "key", str(p, "key_fingerprint")));
	return out;
}

/* An OpenPGP fingerprint in groups of four, easier to read out on the phone. */
static void group_fingerprint(const char *fpr, char *out, size_t n)
{
	size_t o = 0, len = strlen(fpr);
	for (size_t i = 0; i < len && o + 2 < n; i++) {
		if (i && i % 4 == 0)
			out[o++] = ' ';
		out[o++] = fpr[i];
	}
	out[o] = '\0';
}

static json_t *keys_of(struct snapshot_page *pg, json_t *team)
{
	json_t *out = json_array(), *k, *u;
	size_t i, j;
	json_array_foreach(json_object_get(team, "keys"), i, k) {
		char fpr[128], created[32], expires[32] = "";
		group_fingerprint(str(k, "fingerprint"), fpr, sizeof(fpr));
		day_of(json_integer_value(json_object_get(k, "created")), created);
		if (json_integer_value(json_object_get(k, "expires")) > 0)
			day_of(json_integer_value(json_object_get(k, "expires")), expires);
		const char *status = str(k, "status");
		json_t *row = json_pack("{s:s,s:s,s:s,s:s}", "fingerprint", fpr, "algo", str(k, "algo"), "created", created,
		                        "expires", expires);
		if (!strcmp(status, "expired") || !strcmp(status, "expiring"))
			json_object_set_new(row, "status", json_string(both(pg, !strcmp(status, "expired")
			                                                               ? "snap.key_expired" : "snap.key_expiring")));
		struct buf uids;
		buf_init(&uids, 1 << 16);
		json_array_foreach(json_object_get(k, "uids"), j, u) {
			buf_printf(&uids, "%s%s", j ? ", " : "", str(u, "name"));
			if (*str(u, "email"))
				buf_printf(&uids, " <%s>", str(u, "email"));
		}
		json_object_set_new(row, "uids", json_string(uids.data ? uids.data : ""));
		buf_release(&uids);
		json_array_append_new(out, row);
	}
	return out;
}

/* The rules by kind, in the order of team_rule_kinds: {label, values}. */
static json_t *constituency_of(struct snapshot_page *pg, json_t *team)
{
	json_t *out = json_array(), *r;
	size_t i;
	for (size_t k = 0; team_rule_kinds[k]; k++) {
		struct buf values;
		buf_init(&values, 1 << 20);
		json_array_foreach(json_object_get(team, "constituency"), i, r) {
			if (strcmp(str(r, "kind"), team_rule_kinds[k]) != 0)
				continue;
			if (values.len)
				buf_adds(&values, ", ");
			buf_adds(&values, str(r, "value"));
		}
		if (values.len) {
			char key[48];
			snprintf(key, sizeof(key), "snap.rule.%s", team_rule_kinds[k]);
			json_array_append_new(out, json_pack("{s:s,s:s}", "label", both(pg, key), "values", values.data));
		}
		buf_release(&values);
	}
	return out;
}

/* The texts in the order of team_text_sections, each in both languages. */
static json_t *texts_of(struct snapshot_page *pg, json_t *team)
{
	json_t *out = json_array(), *texts = json_object_get(team, "texts");
	for (size_t k = 0; team_text_sections[k]; k++) {
		json_t *t = json_object_get(texts, team_text_sections[k]);
		if (!t || (!*str(t, "en") && !*str(t, "ja")))
			continue;
		json_array_append_new(out, json_pack("{s:s,s:s,s:s}", "label", choice(pg, "dir.text.", team_text_sections[k]),
		                                     "en", str(t, "en"), "ja", str(t, "ja")));
	}
	return out;
}

/* The letter group of a team: A-Z by the English name, digits, then the rest. */
static void letter_of(const char *name, char letter[8], char id[8])
{
	unsigned char c = (unsigned char)name[0];
	if (c >= 'a' && c <= 'z')
		c = (unsigned char)(c - 'a' + 'A');
	if (c >= 'A' && c <= 'Z') {
		snprintf(letter, 8, "%c", c);
		snprintf(id, 8, "%c", c);
	} else if (c >= '0' && c <= '9') {
		snprintf(letter, 8, "0-9");
		snprintf(id, 8, "digits");
	} else {
		snprintf(letter, 8, "#");
		snprintf(id, 8, "other");
	}
}

int snapshot_page_team(struct snapshot_page *pg, json_t *team, struct buf *row, struct buf *record)
{
	json_t *name = json_object_get(team, "name");
	const char *en = str(name, "en"), *ja = str(name, "ja");
	char anchor[96], letter[8], id[8];
	snprintf(anchor, sizeof(anchor), "team-%s", str(team, "slug"));
	letter_of(*en ? en : ja, letter, id);
	json_t *emergency = json_array(), *emails = json_array(), *phones = json_array();
	json_t *d = json_pack("{s:s,s:s,s:s,s:s,s:b}", "anchor", anchor, "name_en", *en ? en : ja, "name_ja",
	                      *en && strcmp(en, ja) != 0 ? ja : "", "short_name", str(team, "short_name"), "overdue",
	                      json_is_true(json_object_get(team, "overdue")));
	json_t *bh = json_object_get(team, "business_hours");
	json_object_set_new(d, "business_hours", json_string(*str(bh, "ja") ? str(bh, "ja") : str(bh, "en")));
	json_object_set_new(d, "contacts", contacts_of(pg, team, emergency, emails, phones));
	json_object_set_new(d, "emergency", emergency);
	json_object_set_new(d, "emails", emails);
	json_object_set_new(d, "phones", phones);
	if (strcmp(id, pg->letter_id) != 0) {
		snprintf(pg->letter_id, sizeof(pg->letter_id), "%s", id);
		json_object_set_new(d, "letter", json_string(letter));
		json_object_set_new(d, "letter_id", json_string(id));
		json_array_append_new(pg->letters, json_pack("{s:s,s:s}", "letter", letter, "id", id));
	}
	int rc = render(pg, P_ROW, json_incref(d), row);
	json_object_set_new(d, "facts", facts_of(pg, team));
	json_object_set_new(d, "people", people_of(pg, team));
	json_object_set_new(d, "keys", keys_of(pg, team));
	json_object_set_new(d, "constituency", constituency_of(pg, team));
	json_object_set_new(d, "texts", texts_of(pg, team));
	if (rc == 0)
		rc = render(pg, P_TEAM, json_incref(d), record);
	json_decref(d);
	return rc;
}

static json_t *page_data(const struct snapshot_header *h)
{
	return json_pack("{s:s,s:s,s:s,s:I,s:s}", "instance", h->instance, "url", h->url, "generated_utc", h->generated,
	                 "teams", (json_int_t)h->teams, "public_key", h->public_key);
}

int snapshot_page_head(struct snapshot_page *pg, const struct snapshot_header *h, const char *tz, struct buf *out)
{
	json_t *d = page_data(h);
	int64_t t = 0;
	char local[64] = "";
	if (clock_parse_iso_utc(h->generated, &t) == 0)
		clock_local(t, tz, local, sizeof(local));
	json_object_set_new(d, "generated_local", json_string(local));
	json_object_set(d, "letters", pg->letters);
	return render(pg, P_HEAD, d, out);
}

int snapshot_page_middle(struct snapshot_page *pg, struct buf *out)
{
	return render(pg, P_MIDDLE, json_object(), out);
}

int snapshot_page_foot(struct snapshot_page *pg, const struct snapshot_header *h, struct buf *out)
{
	return render(pg, P_FOOT, page_data(h), out);
}
