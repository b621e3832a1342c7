/* Header and signature lines of a snapshot, and checking them; see
 * snapshot_format.h for the layout. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "directory/snapshot_format.h"

#define SIG_TEXT_LEN 88   /* base64 of the 64-byte signature */

static const char html_open[] = "<!DOCTYPE html>\n<!-- " SNAPSHOT_FORMAT " ";
static const char html_close[] = " -->";
static const char json_open[] = "{\"snapshot\":";
static const char json_close[] = ",";
static const char html_sig_open[] = "<!-- shisa-signature ed25519:";
static const char html_sig_close[] = " -->";
static const char json_sig_open[] = "\"signature\":\"ed25519:";
static const char json_sig_close[] = "\"}";

static const char *kind_name(enum snapshot_kind k)
{
	return k == SNAPSHOT_HTML ? "html" : "json";
}

int snapshot_write_header(const struct snapshot_header *h, struct buf *out)
{
	json_t *o = json_pack("{s:s,s:i,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:s}", "format", SNAPSHOT_FORMAT, "version",
	                      SNAPSHOT_VERSION, "kind", kind_name(h->kind), "instance", h->instance, "url", h->url,
	                      "generated", h->generated, "teams", (json_int_t)h->teams, "level", h->level, "public_key",
	                      h->public_key, "generator", h->generator, "content_id", h->content_id);
	char *text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	if (!text)
		return -1;
	if (h->kind == SNAPSHOT_HTML) {
		buf_adds(out, html_open);
		/* Only inside strings can these appear: escaping them keeps the JSON. */
		for (const char *p = text; *p; p++) {
			if (*p == '<' || *p == '>' || *p == '&')
				buf_printf(out, "\\u%04x", (unsigned)*p);
			else
				buf_addc(out, *p);
		}
		buf_adds(out, html_close);
	} else {
		buf_adds(out, json_open);
		buf_adds(out, text);
		buf_adds(out, json_close);
	}
	free(text);
	return buf_addc(out, '\n');
}

int snapshot_write_signature(enum snapshot_kind kind, const unsigned char *msg, size_t len,
                             const unsigned char sk[SNAPKEY_SK_BYTES], struct buf *out)
{
	unsigned char sig[crypto_sign_BYTES];
	char text[SIG_TEXT_LEN + 1];
	if (crypto_sign_detached(sig, NULL, msg, len, sk) != 0)
		return -1;
	sodium_bin2base64(text, sizeof(text), sig, sizeof(sig), sodium_base64_VARIANT_ORIGINAL);
	if (kind == SNAPSHOT_HTML)
		return buf_printf(out, "%s%s%s\n", html_sig_open, text, html_sig_close);
	return buf_printf(out, "%s%s%s\n", json_sig_open, text, json_sig_close);
}

static bool starts_with(const unsigned char *data, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && !memcmp(data, prefix, n);
}

static void copy_string(json_t *o, const char *key, char *out, size_t n)
{
	const char *s = json_string_value(json_object_get(o, key));
	snprintf(out, n, "%s", s ? s : "");
}

enum snapshot_check snapshot_read_header(const unsigned char *data, size_t len, struct snapshot_header *h)
{
	memset(h, 0, sizeof(*h));
	const char *open, *close;
	if (starts_with(data, len, html_open)) {
		h->kind = SNAPSHOT_HTML;
		open = html_open;
		close = html_close;
	} else if (starts_with(data, len, json_open)) {
		h->kind = SNAPSHOT_JSON;
		open = json_open;
		close = json_close;
	} else {
		return SNAPSHOT_NOT_SNAPSHOT;
	}
	size_t from = strlen(open), room = len - from, cn = strlen(close);
	if (room > SNAPSHOT_HEADER_MAX)
		room = SNAPSHOT_HEADER_MAX;
	const unsigned char *nl = memchr(data + from, '\n', room);
	if (!nl || (size_t)(nl - data) < from + cn || memcmp(nl - cn, close, cn) != 0)
		return SNAPSHOT_BAD_HEADER;
	json_t *o = json_loadb((const char *)data + from, (size_t)(nl - data) - cn - from, JSON_REJECT_DUPLICATES, NULL);
	enum snapshot_check rc = SNAPSHOT_BAD_HEADER;
	json_t *version = json_object_get(o, "version"), *teams = json_object_get(o, "teams");
	const char *format = json_string_value(json_object_get(o, "format"));
	const char *kind = json_string_value(json_object_get(o, "kind"));
	if (!format || strcmp(format, SNAPSHOT_FORMAT) != 0 || !json_is_integer(version) ||
	    json_integer_value(version) < 1)
		goto out;
	h->version = json_integer_value(version) > 1000 ? 1000 : (int)json_integer_value(version);
	copy_string(o, "instance", h->instance, sizeof(h->instance));
	copy_string(o, "url", h->url, sizeof(h->url));
	copy_string(o, "generated", h->generated, sizeof(h->generated));
	copy_string(o, "level", h->level, sizeof(h->level));
	copy_string(o, "public_key", h->public_key, sizeof(h->public_key));
	copy_string(o, "generator", h->generator, sizeof(h->generator));
	copy_string(o, "content_id", h->content_id, sizeof(h->content_id));
	h->teams = json_integer_value(teams);
	if (h->version > SNAPSHOT_VERSION) {
		rc = SNAPSHOT_NEWER_FORMAT;
		goto out;
	}
	if (!kind || strcmp(kind, kind_name(h->kind)) != 0 || !json_is_integer(teams) || !h->generated[0] ||
	    !h->public_key[0])
		goto out;
	rc = SNAPSHOT_OK;
out:
	json_decref(o);
	return rc;
}

/* Does the line of N bytes at LINE hold a signature line of KIND? 1 yes
 * (SIG filled in), 0 it is no signature line, -1 it starts like one but
 * is incomplete or its signature is not 64 bytes of base64. */
static int signature_line(enum snapshot_kind kind, const unsigned char *line, size_t n,
                          unsigned char sig[crypto_sign_BYTES])
{
	const char *open = kind == SNAPSHOT_HTML ? html_sig_open : json_sig_open;
	const char *close = kind == SNAPSHOT_HTML ? html_sig_close : json_sig_close;
	size_t on = strlen(open), cn = strlen(close);
	if (!starts_with(line, n, open))
		return 0;
	size_t got = 0;
	const char *end = NULL;
	const char *text = (const char *)line + on;
	if (n != on + SIG_TEXT_LEN + cn || memcmp(line + on + SIG_TEXT_LEN, close, cn) != 0 ||
	    sodium_base642bin(sig, crypto_sign_BYTES, text, SIG_TEXT_LEN, NULL, &got, &end,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    end != text + SIG_TEXT_LEN || got != crypto_sign_BYTES)
		return -1;
	return 1;
}

/* Is there a signature line of KIND anywhere in the N bytes at DATA? */
static bool signature_inside(enum snapshot_kind kind, const unsigned char *data, size_t n)
{
	char needle[64];
	snprintf(needle, sizeof(needle), "\n%s", kind == SNAPSHOT_HTML ? html_sig_open : json_sig_open);
	return memmem(data, n, needle, strlen(needle)) != NULL;
}

enum snapshot_check snapshot_verify(const unsigned char *data, size_t len, const unsigned char pk[SNAPKEY_PK_BYTES],
                                    struct snapshot_header *h)
{
	enum snapshot_check rc = snapshot_read_header(data, len, h);
	if (rc != SNAPSHOT_OK)
		return rc;
	/* The last line, without the newline that ends it. */
	size_t end = len;
	if (end && data[end - 1] == '\n')
		end--;
	const unsigned char *nl = end ? memrchr(data, '\n', end) : NULL;
	if (!nl)
		return SNAPSHOT_NO_SIGNATURE;
	size_t signed_len = (size_t)(nl - data) + 1;
	unsigned char sig[crypto_sign_BYTES];
	int found = signature_line(h->kind, data + signed_len, end - signed_len, sig);
	if (found < 0)
		return SNAPSHOT_BAD_SIGNATURE_LINE;
	if (found == 0)
		return signature_inside(h->kind, data, signed_len) ? SNAPSHOT_TRAILING : SNAPSHOT_NO_SIGNATURE;
	if (crypto_sign_verify_detached(sig, data, signed_len, pk) == 0)
		return SNAPSHOT_OK;
	char mine[SNAPKEY_TEXT_LEN + 1];
	snapkey_text(pk, mine);
	return strcmp(mine, h->public_key) != 0 ? SNAPSHOT_OTHER_KEY : SNAPSHOT_MISMATCH;
}

enum snapshot_check snapshot_verify_file(const char *path, const unsigned char pk[SNAPKEY_PK_BYTES],
                                         struct snapshot_header *h)
{
	memset(h, 0, sizeof(*h));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return SNAPSHOT_UNREADABLE;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return SNAPSHOT_UNREADABLE;
	}
	if (st.st_size == 0) {
		close(fd);
		return SNAPSHOT_NOT_SNAPSHOT;
	}
	void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	int saved = errno;
	close(fd);
	if (m == MAP_FAILED) {
		errno = saved;
		return SNAPSHOT_UNREADABLE;
	}
	enum snapshot_check rc = snapshot_verify(m, (size_t)st.st_size, pk, h);
	munmap(m, (size_t)st.st_size);
	return rc;
}

const char *snapshot_check_text(enum snapshot_check c)
{
	switch (c) {
	case SNAPSHOT_OK:
		return "the signature is good: this is the snapshot as the instance signed it";
	case SNAPSHOT_NOT_SNAPSHOT:
		return "this is not a shisa directory snapshot (it does not begin with a snapshot header)";
	case SNAPSHOT_BAD_HEADER:
		return "the snapshot header (its first lines) is damaged";
	case SNAPSHOT_NEWER_FORMAT:
		return "the snapshot was made by a newer shisa, in a format this one does not know: update shisa";
	case SNAPSHOT_NO_SIGNATURE:
		return "there is no signature at the end of the file: it was cut short, or the signature was removed";
	case SNAPSHOT_TRAILING:
		return "something was added after the signature";
	case SNAPSHOT_BAD_SIGNATURE_LINE:
		return "the signature line at the end is damaged or incomplete";
	case SNAPSHOT_OTHER_KEY:
		return "the signature does not verify with this key, and the snapshot names another signing key: it "
		       "was signed by another instance (or changed after signing)";
	case SNAPSHOT_MISMATCH:
		return "the signature does not match the content: the file was changed after it was signed";
	case SNAPSHOT_UNREADABLE:
		return "the file cannot be read";
	}
	return "unknown answer";
}
