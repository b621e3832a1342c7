/* libFuzzer target for JSON request bodies: how a handler decodes one, and
 * how src/core/json_writer.c writes it back.
 *
 * The decoding is the server's own: input_decode_json_object() from
 * src/http/input.c, which every JSON route uses through input_json().
 *
 * Asserted besides the sanitizers:
 *  - a body that decodes is valid UTF-8 with no NUL (utf8_valid agrees);
 *  - writing the decoded value with jw_* gives JSON that jansson reads back
 *    as an equal value (unless it nests deeper than JW_MAX_DEPTH, when the
 *    writer must say it failed); numbers compare by value, since JSON has
 *    one number type and jw_double writes 2.0 as "2";
 *  - json_escape_into turns any bytes, even invalid UTF-8 and NUL, into a
 *    JSON string that jansson reads back, and valid UTF-8 unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "core/buf.h"
#include "core/json_writer.h"
#include "http/input.h"

static json_t *decode_body(const uint8_t *data, size_t size)
{
	bool want_object;
	return input_decode_json_object((const char *)data, size, &want_object);
}

static int depth_of(const json_t *v)
{
	int d = 0;
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)v, k, x) {
			int e = depth_of(x);
			d = e > d ? e : d;
		}
		return d + 1;
	}
	if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++) {
			int e = depth_of(json_array_get(v, i));
			d = e > d ? e : d;
		}
		return d + 1;
	}
	return 0;
}

static void write_value(struct jw *w, const json_t *v)
{
	const char *k;
	json_t *x;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		jw_obj_begin(w);
		json_object_foreach((json_t *)v, k, x) {
			jw_key(w, k);
			write_value(w, x);
		}
		jw_obj_end(w);
		break;
	case JSON_ARRAY:
		jw_arr_begin(w);
		for (size_t i = 0; i < json_array_size(v); i++)
			write_value(w, json_array_get(v, i));
		jw_arr_end(w);
		break;
	case JSON_STRING: jw_strn(w, json_string_value(v), json_string_length(v)); break;
	case JSON_INTEGER: jw_int(w, json_integer_value(v)); break;
	case JSON_REAL: jw_double(w, json_real_value(v)); break;
	case JSON_TRUE: jw_bool(w, true); break;
	case JSON_FALSE: jw_bool(w, false); break;
	case JSON_NULL: jw_null(w); break;
	}
}

/* json_equal, but an integer and a real are equal when their values are. */
static bool same(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b)) {
		if (json_is_integer(a) && json_is_integer(b))
			return json_integer_value(a) == json_integer_value(b);
		return json_number_value(a) == json_number_value(b);
	}
	if (json_typeof(a) != json_typeof(b))
		return false;
	if (json_is_object(a)) {
		const char *k;
		json_t *x;
		if (json_object_size(a) != json_object_size(b))
			return false;
		json_object_foreach((json_t *)a, k, x) {
			const json_t *y = json_object_get(b, k);
			if (!y || !same(x, y))
				return false;
		}
		return true;
	}
	if (json_is_array(a)) {
		if (json_array_size(a) != json_array_size(b))
			return false;
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!same(json_array_get(a, i), json_array_get(b, i)))
				return false;
		return true;
	}
	return json_equal((json_t *)a, (json_t *)b);
}

static void check_writer(const json_t *v)
{
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	write_value(&w, v);
	if (depth_of(v) > JW_MAX_DEPTH) {
		if (!w.failed)
			abort();
	} else {
		json_error_t err;
		json_t *back = w.failed || !b.data ? NULL : json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &err);
		if (!back || !same(v, back))
			abort();
		json_decref(back);
	}
	buf_release(&b);
}

static void check_escape(const uint8_t *data, size_t size)
{
	struct buf b;
	buf_init(&b, 0);
	buf_addc(&b, '"');
	if (json_escape_into(&b, (const char *)data, size) < 0)
		abort();
	buf_addc(&b, '"');
	json_error_t err;
	json_t *s = json_loadb(b.data, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	if (!s || !json_is_string(s))
		abort();
	/* Valid UTF-8 comes back byte for byte (NUL included). */
	bool valid = true;
	for (size_t i = 0; i < size && valid;) {
		int l = data[i] ? utf8_seq_len(data + i, size - i) : 1;
		valid = l > 0;
		i += (size_t)(l > 0 ? l : 1);
	}
	if (valid && (json_string_length(s) != size || memcmp(json_string_value(s), data, size)))
		abort();
	json_decref(s);
	buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *v = decode_body(data, size);
	if (v) {
		if (!utf8_valid((const char *)data, size))
			abort();
		check_writer(v);
		json_decref(v);
	}
	/* jansson alone, as bodies are read: whatever it accepts is UTF-8, but
	 * not always free of NUL. jansson 2.14 drops a NUL byte that directly
	 * follows a number ("[1\0]" reads as [1], also "7\0" with
	 * JSON_DECODE_ANY): its stream buffer uses NUL as the "refill" mark.
	 * Body decoding must therefore reject NUL itself, as decode_body() does
	 * with utf8_valid(). */
	json_error_t err;
	json_t *raw = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &err);
	if (raw) {
		if (!memchr(data, 0, size) && !utf8_valid((const char *)data, size))
			abort();
		json_decref(raw);
	}
	check_escape(data, size);
	return 0;
}
