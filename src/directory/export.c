/* Standard formats of directory records; see export.h. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "directory/export.h"

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* A bilingual {en, ja} value in LANG, else the other language. */
static const char *bi(json_t *o, const char *key, const char *lang)
{
	json_t *v = json_object_get(o, key);
	const char *mine = str(v, lang), *other = str(v, strcmp(lang, "ja") ? "ja" : "en");
	return *mine ? mine : other;
}

/* Contacts of one kind, joined by ", ". */
static void contacts_of(struct buf *out, json_t *team, const char *kind)
{
	size_t i, n = 0;
	json_t *c;
	json_array_foreach(json_object_get(team, "contacts"), i, c) {
		if (strcmp(str(c, "kind"), kind) != 0)
			continue;
		if (n++)
			buf_adds(out, ", ");
		buf_adds(out, str(c, "value"));
		if (*str(c, "hours"))
			buf_printf(out, " (%s)", str(c, "hours"));
	}
}

static void section(struct buf *out, const char *num, const char *title)
{
	buf_printf(out, "\n%s %s\n", num, title);
}

static void value_or_none(struct buf *out, size_t before)
{
	if (out->len == before)
		buf_adds(out, "   Not published.");
	buf_addc(out, '\n');
}

static void text_section(struct buf *out, json_t *team, const char *key, const char *lang)
{
	json_t *texts = json_object_get(team, "texts");
	const char *body = json_object_get(texts, key) ? bi(texts, key, lang) : "";
	size_t before = out->len;
	if (*body) {
		/* Indent each line by three spaces, as RFC 2350's template does. */
		buf_adds(out, "   ");
		for (const char *p = body; *p; p++) {
			buf_addc(out, *p);
			if (*p == '\n' && p[1])
				buf_adds(out, "   ");
		}
	}
	value_or_none(out, before);
}

int export_rfc2350(struct buf *out, json_t *team, const char *lang, const char *updated)
{
	size_t before;
	buf_printf(out, "Description of %s, according to RFC 2350\n", bi(team, "name", "en"));
	buf_adds(out, "==========================================================\n");
	section(out, "1.", "Document Information");
	section(out, "1.1", "Date of Last Update");
	buf_printf(out, "   %s\n", updated);
	section(out, "1.2", "Distribution List for Notifications");
	buf_adds(out, "   None: the current version is kept in the association's directory.\n");
	section(out, "1.3", "Locations where this Document May Be Found");
	buf_printf(out, "   The team's page in the directory (/directory/%s/rfc2350.txt).\n", str(team, "slug"));

	section(out, "2.", "Contact Information");
	section(out, "2.1", "Name of the Team");
	buf_printf(out, "   %s", bi(team, "name", lang));
	if (*str(team, "short_name"))
		buf_printf(out, " (%s)", str(team, "short_name"));
	buf_addc(out, '\n');
	section(out, "2.2", "Address");
	before = out->len;
	if (*bi(team, "address", lang))
		buf_printf(out, "   %s", bi(team, "address", lang));
	value_or_none(out, before);
	section(out, "2.3", "Time Zone");
	before = out->len;
	if (*str(team, "tz"))
		buf_printf(out, "   %s", str(team, "tz"));
	value_or_none(out, before);
	static const char *const contact_sections[][3] = {
		{"2.4", "Telephone Number", "phone_voice"}, {"2.5", "Facsimile Number", "fax"},
		{"2.6", "Other Telecommunication (24/7 emergency)", "phone_emergency"},
		{"2.7", "Electronic Mail Address", "email_incident"},
	};
	struct buf list;
	buf_init(&list, 1 << 16);
	for (size_t k = 0; k < 4; k++) {
		section(out, contact_sections[k][0], contact_sections[k][1]);
		before = out->len;
		buf_reset(&list);
		contacts_of(&list, team, contact_sections[k][2]);
		if (list.len)
			buf_printf(out, "   %s", list.data);
		value_or_none(out, before);
	}
	buf_release(&list);
	section(out, "2.8", "Public Keys and Encryption Information");
	before = out->len;
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(team, "keys"), i, x)
		buf_printf(out, "   %s (%s)\n", str(x, "fingerprint"), str(x, "algo"));
	if (out->len == before)
		buf_adds(out, "   Not published.\n");
	section(out, "2.9", "Team Members");
	before = out->len;
	json_array_foreach(json_object_get(team, "people"), i, x)
		buf_printf(out, "   %s (%s)\n", str(x, "name"), str(x, "role"));
	if (out->len == before)
		buf_adds(out, "   Not published.\n");
	section(out, "2.10", "Other Information");
	before = out->len;
	if (*str(team, "website"))
		buf_printf(out, "   Website: %s", str(team, "website"));
	value_or_none(out, before);
	section(out, "2.11", "Points of Customer Contact");
	before = out->len;
	if (*bi(team, "business_hours", lang))
		buf_printf(out, "   Business hours: %s", bi(team, "business_hours", lang));
	value_or_none(out, before);

	static const char *const texts[][3] = {
		{"3.", "Charter", NULL}, {"3.1", "Mission Statement", "mission"}, {"3.2", "Constituency", "constituency"},
		{"3.3", "Sponsorship and/or Affiliation", "sponsorship"}, {"3.4", "Authority", "authority"},
		{"4.", "Policies", NULL}, {"4.1", "Types of Incidents and Level of Support", "policy_incident_types"},
		{"4.2", "Co-operation, Interaction and Disclosure of Information", "policy_cooperation"},
		{"4.3", "Communication and Authentication", "policy_communication"},
		{"5.", "Services", "services"}, {"6.", "Incident Reporting Forms", "incident_reporting"},
		{"7.", "Disclaimers", "disclaimers"},
	};
	for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
		section(out, texts[k][0], texts[k][1]);
		if (texts[k][2])
			text_section(out, team, texts[k][2], lang);
	}
	return out->data ? 0 : -1;
}

/* Append one vCard content line, escaped (RFC 6350 3.4) and folded at
 * 75 octets without splitting a UTF-8 character. */
static void vline(struct buf *out, const char *name, const char *value)
{
	struct buf line;
	buf_init(&line, 1 << 16);
	buf_adds(&line, name);
	buf_addc(&line, ':');
	for (const char *p = value; *p; p++) {
		if (*p == '\\' || *p == ',' || *p == ';')
			buf_addc(&line, '\\');
		if (*p == '\n')
			buf_adds(&line, "\\n");
		else if (*p != '\r')
			buf_addc(&line, *p);
	}
	size_t col = 0;
	for (size_t k = 0; line.data && k < line.len; k++) {
		unsigned char ch = (unsigned char)line.data[k];
		if (col >= 75 && (ch & 0xC0) != 0x80) {
			buf_adds(out, "\r\n ");
			col = 1;
		}
		buf_addc(out, (char)ch);
		col++;
	}
	buf_adds(out, "\r\n");
	buf_release(&line);
}

int export_vcard(struct buf *out, json_t *team)
{
	size_t i;
	json_t *x;
	const char *org = bi(team, "name", "en");
	buf_adds(out, "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org\r\n");
	vline(out, "FN", org);
	vline(out, "ORG", org);
	json_array_foreach(json_object_get(team, "contacts"), i, x) {
		const char *kind = str(x, "kind");
		if (!strncmp(kind, "email", 5))
			vline(out, "EMAIL;TYPE=work", str(x, "value"));
		else
			vline(out, !strcmp(kind, "fax") ? "TEL;TYPE=fax" : "TEL;TYPE=voice", str(x, "value"));
	}
	if (*str(team, "website"))
		vline(out, "URL", str(team, "website"));
	json_array_foreach(json_object_get(team, "keys"), i, x) {
		char fpr[128];
		snprintf(fpr, sizeof(fpr), "openpgp4fpr:%s", str(x, "fingerprint"));
		vline(out, "KEY", fpr);
	}
	buf_adds(out, "END:VCARD\r\n");
	json_array_foreach(json_object_get(team, "people"), i, x) {
		const char *role = str(x, "role");
		if (strcmp(role, "primary_poc") != 0 && strcmp(role, "secondary_poc") != 0)
			continue;
		buf_adds(out, "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:individual\r\n");
		vline(out, "FN", str(x, "name"));
		vline(out, "ORG", org);
		vline(out, "ROLE", !strcmp(role, "primary_poc") ? "Primary point of contact" : "Secondary point of contact");
		if (*str(x, "email"))
			vline(out, "EMAIL;TYPE=work", str(x, "email"));
		if (*str(x, "phone"))
			vline(out, "TEL;TYPE=voice", str(x, "phone"));
		if (*str(x, "key_fingerprint")) {
			char fpr[128];
			snprintf(fpr, sizeof(fpr), "openpgp4fpr:%s", str(x, "key_fingerprint"));
			vline(out, "KEY", fpr);
		}
		buf_adds(out, "END:VCARD\r\n");
	}
	return out->data ? 0 : -1;
}

static void cell(struct buf *out, const char *s, bool last)
{
	/* A leading = + - @ (or tab/CR) makes spreadsheets evaluate the cell. */
	bool formula = strchr("=+-@\t\r", s[0]) && s[0];
	buf_addc(out, '"');
	if (formula)
		buf_addc(out, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			buf_addc(out, '"');
		buf_addc(out, *p);
	}
	buf_addc(out, '"');
	buf_adds(out, last ? "\r\n" : ",");
}

int export_csv_header(struct buf *out)
{
	return buf_adds(out, "\xEF\xBB\xBF" "slug,name_en,name_ja,short_name,host_org_en,host_org_ja,country,region,"
	                     "sector,csirt_type,website,email_incident,phone_emergency,constituency\r\n");
}

int export_csv_row(struct buf *out, json_t *team)
{
	json_t *name = json_object_get(team, "name"), *host = json_object_get(team, "host_org");
	cell(out, str(team, "slug"), false);
	cell(out, str(name, "en"), false);
	cell(out, str(name, "ja"), false);
	cell(out, str(team, "short_name"), false);
	cell(out, str(host, "en"), false);
	cell(out, str(host, "ja"), false);
	cell(out, str(team, "country"), false);
	cell(out, str(team, "region"), false);
	cell(out, str(team, "sector"), false);
	cell(out, str(team, "csirt_type"), false);
	cell(out, str(team, "website"), false);
	struct buf tmp;
	buf_init(&tmp, 1 << 20);
	contacts_of(&tmp, team, "email_incident");
	cell(out, tmp.data ? tmp.data : "", false);
	buf_reset(&tmp);
	contacts_of(&tmp, team, "phone_emergency");
	cell(out, tmp.data ? tmp.data : "", false);
	buf_reset(&tmp);
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(team, "constituency"), i, x) {
		if (tmp.len)
			buf_addc(&tmp, ' ');
		buf_adds(&tmp, str(x, "value"));
	}
	cell(out, tmp.data ? tmp.data : "", true);
	buf_release(&tmp);
	return out->data ? 0 : -1;
}
