/* security.txt (RFC 9116) of a team record; see securitytxt.h. */
#include <stdio.h>
#include <string.h>
#include "core/clock.h"
#include "directory/securitytxt.h"

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool securitytxt_tel_uri(const char *phone, const char *country, char *out, size_t n)
{
	struct buf b;
	buf_init(&b, 256);
	const char *p = phone;
	bool global = *p == '+';
	if (!global && strcmp(country ? country : "", "JP") != 0) {
		buf_release(&b);
		return false;
	}
	/* Japan's trunk prefix is the leading 0 of a domestic number:
	 * "03-1234-5678" is "+81-3-1234-5678" from abroad. */
	buf_adds(&b, global ? "tel:+" : "tel:+81");
	bool first = true, skip_trunk = !global, in_group = false;
	for (; *p && *p != 'e' && *p != 'E' && *p != 'x' && *p != 'X'; p++) {
		if (!is_digit(*p)) {
			in_group = false;
			continue;
		}
		if (skip_trunk) {
			skip_trunk = false;
			if (*p == '0')
				continue;
		}
		if (!in_group && (!first || !global))
			buf_addc(&b, '-');
		buf_addc(&b, *p);
		in_group = true;
		first = false;
	}
	if (*p) {
		while (*p && !is_digit(*p))
			p++;
		buf_adds(&b, ";ext=");
		buf_adds(&b, p);
	}
	bool ok = b.data && !first && b.len < n;
	if (ok)
		memcpy(out, b.data, b.len + 1);
	buf_release(&b);
	return ok;
}

bool securitytxt_mailto_uri(const char *email, char *out, size_t n)
{
	static const char keep[] = "-._~!$'*+=@";
	size_t o = 0;
	if (n < 8)
		return false;
	memcpy(out, "mailto:", 7);
	o = 7;
	for (const unsigned char *p = (const unsigned char *)email; *p; p++) {
		bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || is_digit((char)*p) || strchr(keep, *p);
		if (o + (plain ? 1 : 3) >= n)
			return false;
		if (plain)
			out[o++] = (char)*p;
		else
			o += (size_t)snprintf(out + o, n - o, "%%%02X", *p);
	}
	out[o] = '\0';
	return true;
}

/* A comment line: text as it is but with control characters as spaces,
 * so a record can never start a field of its own. */
static void comment(struct buf *out, const char *text)
{
	buf_adds(out, "# ");
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		buf_addc(out, *p < 0x20 || *p == 0x7f ? ' ' : (char)*p);
	buf_addc(out, '\n');
}

/* Contact lines in the order a reporter should try them. */
static int contacts(struct buf *out, json_t *record)
{
	static const char *const order[] = {"email_incident", "phone_emergency", "phone_voice", "email_general", NULL};
	const char *country = str(record, "country");
	int n = 0;
	for (size_t k = 0; order[k]; k++) {
		size_t i;
		json_t *c;
		json_array_foreach(json_object_get(record, "contacts"), i, c) {
			if (strcmp(str(c, "kind"), order[k]) != 0)
				continue;
			char uri[512];
			bool ok = !strncmp(order[k], "email", 5) ? securitytxt_mailto_uri(str(c, "value"), uri, sizeof(uri))
			                                         : securitytxt_tel_uri(str(c, "value"), country, uri, sizeof(uri));
			if (ok) {
				buf_printf(out, "Contact: %s\n", uri);
				n++;
			}
		}
	}
	return n;
}

/* The languages the team writes in, from its texts (else its names):
 * Japanese first for a team in Japan, English first elsewhere. */
static void languages(struct buf *out, json_t *record)
{
	bool ja = false, en = false;
	const char *section;
	json_t *body;
	json_object_foreach(json_object_get(record, "texts"), section, body) {
		ja |= *str(body, "ja") != '\0';
		en |= *str(body, "en") != '\0';
	}
	if (!ja && !en) {
		ja = *str(json_object_get(record, "name"), "ja") != '\0';
		en = *str(json_object_get(record, "name"), "en") != '\0';
	}
	if (!ja && !en)
		return;
	bool ja_first = !strcmp(str(record, "country"), "JP");
	buf_adds(out, "Preferred-Languages: ");
	if (ja && en)
		buf_adds(out, ja_first ? "ja, en" : "en, ja");
	else
		buf_adds(out, ja ? "ja" : "en");
	buf_addc(out, '\n');
}

/* The security.txt address on the team's own website: RFC 9116 wants it
 * under /.well-known/ of the site's origin, over https. */
static bool canonical(const char *website, char *out, size_t n)
{
	bool https = !strncmp(website, "https://", 8);
	if (!https && strncmp(website, "http://", 7) != 0)
		return false;
	const char *host = website + (https ? 8 : 7);
	size_t len = strcspn(host, "/?#");
	/* An http site's port is not where its https site listens. */
	if (!https && host[0] != '[' && memchr(host, ':', len))
		len = (size_t)((const char *)memchr(host, ':', len) - host);
	if (!https && host[0] == '[')
		len = strcspn(host, "]") + 1;
	int w = snprintf(out, n, "https://%.*s/.well-known/security.txt", (int)len, host);
	return len > 0 && w > 0 && (size_t)w < n;
}

json_t *securitytxt_publish_steps(json_t *record)
{
	char file[160], command[400], canon[600];
	const char *key = NULL;
	size_t i;
	json_t *k;
	json_array_foreach(json_object_get(record, "keys"), i, k) {
		if (!key && strcmp(str(k, "status"), "expired") != 0 && *str(k, "fingerprint"))
			key = str(k, "fingerprint");
	}
	snprintf(file, sizeof(file), "%s-security.txt", str(record, "slug"));
	if (key)
		snprintf(command, sizeof(command), "gpg --local-user %s --output security.txt --clearsign %s", key, file);
	else
		snprintf(command, sizeof(command), "gpg --output security.txt --clearsign %s", file);
	json_t *v = json_pack("{s:s,s:s}", "file", file, "command", command);
	if (canonical(str(record, "website"), canon, sizeof(canon)))
		json_object_set_new(v, "canonical", json_string(canon));
	return v;
}

int securitytxt_write(struct buf *out, json_t *record, const struct securitytxt_opts *o)
{
	struct buf fields;
	buf_init(&fields, 1 << 20);
	if (contacts(&fields, record) == 0) {
		buf_release(&fields);
		return 0;
	}
	const char *slug = str(record, "slug");
	char when[32], line[1024];
	clock_iso_utc(o->expires, when, sizeof(when));
	buf_printf(&fields, "Expires: %s\n", when);
	size_t i;
	json_t *k;
	json_array_foreach(json_object_get(record, "keys"), i, k) {
		if (strcmp(str(k, "status"), "expired") != 0 && *str(k, "fingerprint"))
			buf_printf(&fields, "Encryption: %s/directory/%s/keys/%s.asc\n", o->base_url, slug, str(k, "fingerprint"));
	}
	languages(&fields, record);
	char canon[600];
	bool has_canon = canonical(str(record, "website"), canon, sizeof(canon));
	if (has_canon)
		buf_printf(&fields, "Canonical: %s\n", canon);
	buf_printf(&fields, "Policy: %s/directory/%s/rfc2350.txt\n", o->base_url, slug);

	json_t *name = json_object_get(record, "name");
	const char *display = *str(name, "en") ? str(name, "en") : str(name, "ja");
	if (*str(record, "short_name"))
		snprintf(line, sizeof(line), "security.txt (RFC 9116) of %s (%s)", display, str(record, "short_name"));
	else
		snprintf(line, sizeof(line), "security.txt (RFC 9116) of %s", display);
	comment(out, line);
	snprintf(line, sizeof(line), "From the team directory of %s: %s/directory/%s", o->instance_name, o->base_url, slug);
	comment(out, line);
	clock_iso_utc(o->now, when, sizeof(when));
	snprintf(line, sizeof(line), "Made %s from the fields of the record visible to %s.", when, o->audience);
	comment(out, line);
	snprintf(line, sizeof(line), "The team signs it (gpg --clearsign) and publishes it at %s.",
	         has_canon ? canon : "https://its-website/.well-known/security.txt");
	comment(out, line);
	buf_addc(out, '\n');
	int rc = fields.data ? buf_add(out, fields.data, fields.len) : -1;
	buf_release(&fields);
	return rc < 0 || !out->data ? -1 : 1;
}
