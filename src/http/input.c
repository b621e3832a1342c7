/* Form and JSON input with field-level validation; see input.h. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/json_writer.h"
#include "auth/password.h"
#include "http/input.h"
#include "http/respond.h"
#include "mail/message.h"

struct json_hold {
	json_t *v;
};

static void release_json(void *p)
{
	json_decref(((struct json_hold *)p)->v);
}

json_t *input_decode_json_object(const char *body, size_t n, bool *want_object)
{
	json_error_t jerr;
	*want_object = false;
	/* jansson stops at a NUL after a value ("[1]\0x" reads as [1]), so
	 * UTF-8 without NUL is checked first, over the whole body. */
	if (!utf8_valid(body, n))
		return NULL;
	json_t *v = json_loadb(body, n, JSON_REJECT_DUPLICATES, &jerr);
	if (v && !json_is_object(v)) {
		json_decref(v);
		*want_object = true;
		return NULL;
	}
	return v;
}

bool input_json(struct ctx *c, const char *const allowed[])
{
	h2o_iovec_t ct = ctx_header(c, "content-type");
	if (!ct.base || ct.len < 16 || strncasecmp(ct.base, "application/json", 16) != 0 ||
	    (ct.len > 16 && ct.base[16] != ';' && ct.base[16] != ' ')) {
		http_error(c, ERR_UNSUPPORTED_MEDIA, "err.want_json");
		return false;
	}
	/* JSON is UTF-8 (RFC 8259): a charset parameter may only say so. */
	for (size_t i = 16; i + 8 <= ct.len; i++) {
		if (strncasecmp(ct.base + i, "charset=", 8) != 0)
			continue;
		const char *v = ct.base + i + 8;
		size_t vl = ct.len - i - 8;
		if (vl && *v == '"') {
			v++;
			vl--;
		}
		if (vl < 5 || strncasecmp(v, "utf-8", 5) != 0 || (vl > 5 && v[5] != '"' && v[5] != ';' && v[5] != ' ')) {
			http_error(c, ERR_UNSUPPORTED_MEDIA, "err.want_utf8");
			return false;
		}
	}
	const char *body = c->req->entity.base ? c->req->entity.base : "";
	size_t len = c->req->entity.base ? c->req->entity.len : 0;
	bool want_object = false;
	json_t *v = input_decode_json_object(body, len, &want_object);
	if (!v) {
		http_error(c, ERR_INVALID_JSON, want_object ? "err.want_object" : NULL);
		return false;
	}
	struct json_hold *hold = h2o_mem_alloc_shared(&c->req->pool, sizeof(*hold), release_json);
	hold->v = v;
	const char *key;
	json_t *val;
	json_object_foreach(v, key, val) {
		bool known = !allowed;   /* NULL: the caller checks each field itself */
		for (size_t i = 0; allowed && allowed[i]; i++)
			if (!strcmp(allowed[i], key))
				known = true;
		if (!known)
			ctx_field_error(c, ctx_strndup(c, key, strlen(key)), "field.unknown");
	}
	if (!input_ok(c)) {
		http_error(c, ERR_VALIDATION, NULL);
		return false;
	}
	c->json = v;
	return true;
}

/* The raw value of NAME as text, or NULL. Records a type error for JSON
 * values that are not strings. */
static const char *raw(struct ctx *c, const char *name)
{
	if (c->json) {
		json_t *v = json_object_get(c->json, name);
		if (!v || json_is_null(v))
			return NULL;
		if (!json_is_string(v)) {
			ctx_field_error(c, name, "field.want_string");
			return NULL;
		}
		return json_string_value(v);
	}
	return form_get(&c->form, name);
}

static size_t chars(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			k++;
	return k;
}

const char *input_text(struct ctx *c, const char *name, bool required, size_t max_chars, bool multiline)
{
	const char *s = raw(c, name);
	if (s) {
		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		size_t n = strlen(s);
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
			n--;
		if (n == 0) {
			s = NULL;
		} else {
			if (chars(s, n) > max_chars) {
				ctx_field_error(c, name, "field.too_long");
				return NULL;
			}
			for (size_t i = 0; i < n; i++) {
				unsigned char ch = (unsigned char)s[i];
				if ((ch < 0x20 && !(multiline && (ch == '\n' || ch == '\r' || ch == '\t'))) || ch == 0x7f) {
					ctx_field_error(c, name, "field.bad_chars");
					return NULL;
				}
			}
			s = ctx_strndup(c, s, n);
		}
	}
	if (!s && required)
		ctx_field_error(c, name, "field.required");
	return s;
}

const char *input_secret(struct ctx *c, const char *name, bool required)
{
	const char *s = raw(c, name);
	if (s && !*s)
		s = NULL;
	if (!s && required)
		ctx_field_error(c, name, "field.required");
	return s;
}

const char *input_new_password(struct ctx *c, const char *email)
{
	const char *pw = input_secret(c, "password", true);
	const char *again = input_secret(c, "password_confirm", true);
	const char *bad = pw ? password_rule_violation(pw, email) : NULL;
	if (bad) {
		ctx_field_error(c, "password", bad);
		return NULL;
	}
	if (pw && again && strcmp(pw, again) != 0) {
		ctx_field_error(c, "password_confirm", "pw.mismatch");
		return NULL;
	}
	return again ? pw : NULL;
}

bool input_bool(struct ctx *c, const char *name, bool dflt)
{
	if (c->json) {
		json_t *v = json_object_get(c->json, name);
		if (!v || json_is_null(v))
			return dflt;
		if (!json_is_boolean(v)) {
			ctx_field_error(c, name, "field.want_bool");
			return dflt;
		}
		return json_is_true(v);
	}
	const char *s = form_get(&c->form, name);
	if (!s)
		return c->form.n ? false : dflt;   /* an unticked checkbox is absent */
	return !strcmp(s, "on") || !strcmp(s, "1") || !strcmp(s, "true");
}

int64_t input_int(struct ctx *c, const char *name, int64_t dflt, int64_t min, int64_t max)
{
	if (c->json) {
		json_t *v = json_object_get(c->json, name);
		if (!v || json_is_null(v))
			return dflt;
		if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
			ctx_field_error(c, name, "field.want_int_range");
			return dflt;
		}
		return json_integer_value(v);
	}
	const char *s = form_get(&c->form, name);
	if (!s || !*s)
		return dflt;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max) {
		ctx_field_error(c, name, "field.want_int_range");
		return dflt;
	}
	return v;
}

const char *input_choice(struct ctx *c, const char *name, const char *const choices[], const char *dflt)
{
	const char *s = raw(c, name);
	if (!s || !*s) {
		if (!dflt)
			ctx_field_error(c, name, "field.required");
		return dflt;
	}
	for (size_t i = 0; choices[i]; i++)
		if (!strcmp(choices[i], s))
			return choices[i];
	ctx_field_error(c, name, "field.bad_choice");
	return dflt;
}

const char *input_email(struct ctx *c, const char *name, bool required)
{
	const char *s = input_text(c, name, required, 254, false);
	if (s && !mail_addr_valid(s)) {
		ctx_field_error(c, name, "field.bad_email");
		return NULL;
	}
	return s;
}

bool input_ok(const struct ctx *c)
{
	return c->nfield_errors == 0;
}

int input_limit(struct ctx *c)
{
	const char *s = form_get(&c->query, "limit");
	if (!s)
		return 50;
	char *end;
	long v = strtol(s, &end, 10);
	if (*end || end == s || v < 1 || v > 200) {
		ctx_field_error(c, "limit", "field.bad_limit");
		return 50;
	}
	return (int)v;
}

int64_t input_cursor(struct ctx *c)
{
	const char *s = form_get(&c->query, "cursor");
	if (!s || !*s)
		return 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (*end || v < 0 || strlen(s) > 18) {
		ctx_field_error(c, "cursor", "field.bad_cursor");
		return 0;
	}
	return v;
}

const char *input_next(struct ctx *c, const char *name, const char *dflt)
{
	const char *s = form_get(&c->form, name);
	if (!s)
		s = form_get(&c->query, name);
	if (!s || s[0] != '/' || s[1] == '/' || s[1] == '\\' || strlen(s) > 500)
		return dflt;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x21 || *p == '\\')
			return dflt;
	return s;
}

const char *input_query_text(struct ctx *c, const char *name, size_t max_chars)
{
	const char *s = form_get(&c->query, name);
	if (!s)
		return NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0)
		return NULL;
	if (chars(s, n) > max_chars) {
		ctx_field_error(c, name, "field.too_long");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			ctx_field_error(c, name, "field.bad_chars");
			return NULL;
		}
	}
	return ctx_strndup(c, s, n);
}

int64_t input_query_id(struct ctx *c, const char *name)
{
	const char *s = form_get(&c->query, name);
	if (!s || !*s)
		return 0;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < 1 || strlen(s) > 18 || *s < '0' || *s > '9') {
		ctx_field_error(c, name, "field.bad_id");
		return 0;
	}
	return v;
}
