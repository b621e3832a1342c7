/* The message catalogue; see i18n.h. Loaded once into a sorted array and
 * searched by binary search: a few hundred keys, looked up per page. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/embed.h"
#include "core/i18n.h"

struct msg {
	const char *key;
	const char *text[LANG__COUNT];
};

static struct msg *msgs;
static size_t nmsgs;
static char *storage;
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

static int msg_cmp(const void *a, const void *b)
{
	return strcmp(((const struct msg *)a)->key, ((const struct msg *)b)->key);
}

/* Turn the two-character escapes \n and \t in a field into real characters. */
static void unescape(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && (r[1] == 'n' || r[1] == 't')) {
			*w++ = r[1] == 'n' ? '\n' : '\t';
			r++;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

static int parse_catalogue(char *err, size_t errlen)
{
	const struct embed_file *f = embed_find("src/web/messages.tsv");
	if (!f) {
		snprintf(err, errlen, "messages.tsv is not embedded");
		return -1;
	}
	storage = malloc(f->len + 1);
	memcpy(storage, f->data, f->len + 1);
	size_t cap = 256;
	msgs = calloc(cap, sizeof(*msgs));
	int lineno = 0;
	for (char *line = storage, *next; line && *line; line = next) {
		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		char *en = strchr(line, '\t');
		char *ja = en ? strchr(en + 1, '\t') : NULL;
		if (!en || !ja || strchr(ja + 1, '\t')) {
			snprintf(err, errlen, "messages.tsv line %d: want key<TAB>English<TAB>Japanese", lineno);
			return -1;
		}
		*en++ = '\0';
		*ja++ = '\0';
		if (!*line || !*en || !*ja) {
			snprintf(err, errlen, "messages.tsv line %d: key %s lacks %s", lineno, line,
			         !*en ? "English" : "Japanese");
			return -1;
		}
		unescape(en);
		unescape(ja);
		if (nmsgs == cap) {
			cap *= 2;
			msgs = realloc(msgs, cap * sizeof(*msgs));
		}
		msgs[nmsgs].key = line;
		msgs[nmsgs].text[LANG_EN] = en;
		msgs[nmsgs].text[LANG_JA] = ja;
		nmsgs++;
	}
	qsort(msgs, nmsgs, sizeof(*msgs), msg_cmp);
	for (size_t i = 1; i < nmsgs; i++) {
		if (strcmp(msgs[i - 1].key, msgs[i].key) == 0) {
			snprintf(err, errlen, "messages.tsv: key %s appears twice", msgs[i].key);
			return -1;
		}
	}
	return 0;
}

int i18n_load(char *err, size_t errlen)
{
	int rc = 0;
	pthread_mutex_lock(&load_lock);
	if (!msgs) {
		rc = parse_catalogue(err, errlen);
		if (rc < 0) {
			free(msgs);
			free(storage);
			msgs = NULL;
			storage = NULL;
			nmsgs = 0;
		}
	}
	pthread_mutex_unlock(&load_lock);
	return rc;
}

static const struct msg *find(const char *key)
{
	struct msg probe = {.key = key};
	return msgs ? bsearch(&probe, msgs, nmsgs, sizeof(*msgs), msg_cmp) : NULL;
}

const char *i18n_get(enum lang lang, const char *key)
{
	const struct msg *m = find(key);
	if (!m || (unsigned)lang >= LANG__COUNT)
		return key;
	return m->text[lang];
}

bool i18n_has(const char *key)
{
	return find(key) != NULL;
}

size_t i18n_count(void)
{
	return nmsgs;
}

const char *i18n_key_at(size_t i)
{
	return i < nmsgs ? msgs[i].key : NULL;
}

const char *lang_code(enum lang lang)
{
	return lang == LANG_JA ? "ja" : "en";
}

int lang_parse(const char *s, size_t n, enum lang *out)
{
	if (n < 2 || (n > 2 && s[2] != '-' && s[2] != '_'))
		return -1;
	if (strncasecmp(s, "ja", 2) == 0)
		*out = LANG_JA;
	else if (strncasecmp(s, "en", 2) == 0)
		*out = LANG_EN;
	else
		return -1;
	return 0;
}

enum lang lang_from_accept(const char *hdr, size_t n, enum lang fallback)
{
	/* Pick the supported language with the highest q; ties go to the first. */
	enum lang best = fallback;
	double best_q = -1;
	size_t i = 0;
	while (i < n) {
		while (i < n && (hdr[i] == ' ' || hdr[i] == ','))
			i++;
		size_t start = i;
		while (i < n && hdr[i] != ',' && hdr[i] != ';' && hdr[i] != ' ')
			i++;
		size_t tag_len = i - start;
		double q = 1.0;
		while (i < n && hdr[i] != ',') {
			if (hdr[i] == 'q' && i + 1 < n && hdr[i + 1] == '=') {
				char tmp[8] = {0};
				size_t k = 0;
				for (i += 2; i < n && k < sizeof(tmp) - 1 && hdr[i] != ',' && hdr[i] != ';'; i++)
					tmp[k++] = hdr[i];
				q = strtod(tmp, NULL);
				continue;
			}
			i++;
		}
		enum lang l;
		if (tag_len && lang_parse(hdr + start, tag_len, &l) == 0 && q > best_q && q > 0) {
			best = l;
			best_q = q;
		}
	}
	return best;
}

int i18n_fill(struct buf *out, const char *text, const char *const vars[])
{
	int rc = 0;
	const char *p = text;
	while (*p) {
		const char *open = strchr(p, '{');
		const char *close = open ? strchr(open, '}') : NULL;
		if (!open || !close) {
			rc |= buf_adds(out, p);
			break;
		}
		rc |= buf_add(out, p, (size_t)(open - p));
		size_t kl = (size_t)(close - open - 1);
		const char *val = NULL;
		for (size_t i = 0; vars && vars[i] && vars[i + 1]; i += 2)
			if (strlen(vars[i]) == kl && !strncmp(vars[i], open + 1, kl))
				val = vars[i + 1];
		rc |= val ? buf_adds(out, val) : buf_add(out, open, kl + 2);
		p = close + 1;
	}
	return rc ? -1 : 0;
}
