/* Compiler and renderer behind template.h. Compiling turns the source into
 * a flat array of nodes (literal text, slots, and blocks that know where
 * their else branch and their end are) while a tokenizer, a cut-down copy of
 * the HTML standard's, follows the literal markup to choose each slot's
 * escaping. The branches of a block must leave the tokenizer in the same
 * state, so the choice holds whichever branch runs and however often a loop
 * turns. Rendering walks the nodes; #each scopes are chained on the C stack. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "web/template.h"

enum op { OP_TEXT, OP_VAR, OP_RAW, OP_T, OP_PARTIAL, OP_IF, OP_UNLESS, OP_EACH };

static const char *const op_names[] = {
	[OP_IF] = "if", [OP_UNLESS] = "unless", [OP_EACH] = "each",
};

/* How a slot's text is written out. */
enum esc {
	ESC_HTML,       /* text or a quoted attribute value */
	ESC_URL,        /* start of a URL attribute: check the scheme, encode */
	ESC_URL_PART,   /* later in a URL attribute: one percent-encoded part */
};

struct node {
	uint8_t op, esc;
	uint32_t off, len;      /* text, path, key or partial name in the pool */
	uint32_t alt, end;      /* blocks: first node of the else branch; past the end */
};

struct tpl {
	char *pool;             /* every string of the template, NUL-terminated */
	struct node *nodes;
	uint32_t n;
};

/* Tokenizer states. Those from H_TAG_NAME to H_VALUE_UNQ are inside a tag. */
enum hst {
	H_TEXT, H_TAG_OPEN, H_END_TAG_OPEN, H_TAG_NAME, H_BEFORE_ATTR,
	H_ATTR_NAME, H_AFTER_ATTR_NAME, H_TAG_JOIN, H_BEFORE_VALUE,
	H_VALUE_DQ, H_VALUE_SQ, H_VALUE_UNQ, H_MARKUP, H_COMMENT, H_BOGUS,
	H_RAWTEXT,
};

enum attr_kind { A_PLAIN, A_URL, A_CODE };

/* Elements whose content is text up to their closing tag, so markup inside
 * them must not move the tokenizer. Slots are refused in the first two (the
 * content is code) and escaped as text in the others. */
enum raw_kind { RAW_NONE, RAW_SCRIPT, RAW_STYLE };
static const char *const raw_tags[] = {
	"", "script", "style", "textarea", "title", "xmp", "iframe", "noembed",
	"noframes",
};
static const char *const raw_where[] = {
	"", "inside <script>", "inside <style>", "inside <textarea>",
	"inside <title>", "inside <xmp>", "inside <iframe>", "inside <noembed>",
	"inside <noframes>",
};

/* Where the literal markup has got to. Fields that do not matter in a state
 * are zero, so two contexts are the same exactly when their bytes are. */
struct hctx {
	uint8_t st;
	uint8_t end_tag;        /* the tag is a closing one */
	uint8_t raw;            /* index in raw_tags of the element it opens */
	uint8_t attr;           /* enum attr_kind of the attribute being read */
	uint8_t url_start;      /* nothing yet in this URL attribute's value */
	uint8_t dashes;         /* '-' just seen in a comment, at most 2 */
	uint8_t nlen;           /* bytes in name; sizeof name when it overflowed */
	char name[16];          /* the tag or attribute name, lowercased */
};

struct block {
	uint32_t node;
	int line;
	bool has_else;
	struct hctx entry;      /* context at the opening directive */
	struct hctx then;       /* context at {{else}} */
};

struct comp {
	const char *name;
	char *err;
	size_t errlen;
	int line;
	const char *dir;        /* the directive being compiled, for messages */
	size_t dirn;
	struct hctx h;
	struct buf pool;
	struct node *nodes;
	uint32_t n, cap;
	int depth;
	struct block stack[TPL_MAX_DEPTH];
};

__attribute__((format(printf, 2, 3)))
static int fail(struct comp *c, const char *fmt, ...)
{
	if (!c->errlen)
		return -1;
	int n = snprintf(c->err, c->errlen, "%s:%d: ", c->name, c->line);
	if (n >= 0 && (size_t)n < c->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static bool is_space(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\f' || ch == '\r';
}

static bool is_alpha(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static bool is_alnum(int ch)
{
	return is_alpha(ch) || (ch >= '0' && ch <= '9');
}

/* ---- the HTML tokenizer ---- */

/* Enter state ST, keeping only what the new state needs. */
static void go(struct hctx *h, enum hst st)
{
	struct hctx n = { .st = st };
	if ((st >= H_TAG_NAME && st <= H_VALUE_UNQ) || st == H_RAWTEXT)
		n.raw = h->raw;
	if (st >= H_TAG_NAME && st <= H_VALUE_UNQ)
		n.end_tag = h->end_tag;
	*h = n;
}

static void name_add(struct hctx *h, int ch)
{
	if (h->nlen >= sizeof h->name - 1) {
		h->nlen = sizeof h->name;
		return;
	}
	h->name[h->nlen++] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
}

static bool name_is(const struct hctx *h, const char *s)
{
	return h->nlen == strlen(s) && !memcmp(h->name, s, h->nlen);
}

/* The tag name is complete: remember whether it opens raw text. */
static void tag_named(struct hctx *h, enum hst next)
{
	for (uint8_t i = 1; !h->end_tag && i < sizeof raw_tags / sizeof *raw_tags; i++)
		if (name_is(h, raw_tags[i]))
			h->raw = i;
	go(h, next);
}

static void tag_end(struct hctx *h)
{
	go(h, h->raw && !h->end_tag ? H_RAWTEXT : H_TEXT);
}

/* The attribute name is complete: classify it and move on. */
static void attr_named(struct hctx *h, enum hst next)
{
	static const char *const urls[] = {
		"href", "src", "action", "formaction", "poster", "cite", "data",
		"xlink:href",
	};
	uint8_t kind = A_PLAIN;
	for (size_t i = 0; i < sizeof urls / sizeof *urls; i++)
		if (name_is(h, urls[i]))
			kind = A_URL;
	if ((h->nlen >= 2 && !memcmp(h->name, "on", 2)) || name_is(h, "style")
	    || name_is(h, "srcdoc"))
		kind = A_CODE;
	go(h, next);
	h->attr = kind;
}

/* In raw text, find the closing tag (or refuse a script's "<!--", which
 * would let "</script>" stop closing it). Return where the scan resumes. */
static size_t rawtext(struct hctx *h, const char *s, size_t n, size_t i,
	const char **err)
{
	const char *tag = raw_tags[h->raw];
	size_t tl = strlen(tag);
	for (; i < n; i++) {
		if (s[i] != '<')
			continue;
		if (h->raw == RAW_SCRIPT && n - i >= 4 && !memcmp(s + i, "<!--", 4)) {
			*err = "<!-- inside <script>";
			return i;
		}
		if (n - i > tl + 2 && s[i + 1] == '/'
		    && !strncasecmp(s + i + 2, tag, tl)
		    && (is_space(s[i + 2 + tl]) || s[i + 2 + tl] == '/'
			|| s[i + 2 + tl] == '>')) {
			go(h, H_TAG_NAME);
			h->end_tag = 1;
			return i + 2 + tl;
		}
	}
	return n;
}

/* Feed N bytes of literal markup to H. Return NULL, or what is wrong with
 * *AT set to the offending byte. */
static const char *scan(struct hctx *h, const char *s, size_t n, size_t *at)
{
	const char *err = NULL;
	size_t i = 0;
	while (i < n && !err) {
		int ch = (unsigned char)s[i];
		*at = i;
		if (h->st == H_RAWTEXT) {
			i = rawtext(h, s, n, i, &err);
			*at = i;
			continue;
		}
		switch (h->st) {
		case H_TEXT:
			if (ch == '<')
				go(h, H_TAG_OPEN);
			break;
		case H_TAG_OPEN:
			if (ch == '!') {
				go(h, H_MARKUP);
			} else if (ch == '/') {
				go(h, H_END_TAG_OPEN);
			} else if (is_alpha(ch)) {
				go(h, H_TAG_NAME);
				name_add(h, ch);
			} else if (ch == '?') {
				go(h, H_BOGUS);
			} else {
				go(h, H_TEXT);
				continue;       /* look at this byte again as text */
			}
			break;
		case H_END_TAG_OPEN:
			if (is_alpha(ch)) {
				go(h, H_TAG_NAME);
				h->end_tag = 1;
				name_add(h, ch);
			} else {
				go(h, ch == '>' ? H_TEXT : H_BOGUS);
			}
			break;
		case H_TAG_NAME:
			if (is_space(ch) || ch == '/' || ch == '>')
				tag_named(h, H_BEFORE_ATTR);
			else
				name_add(h, ch);
			if (ch == '>')
				tag_end(h);
			break;
		case H_TAG_JOIN:
			if (!is_space(ch) && ch != '/' && ch != '>') {
				err = "attribute after a block needs a space before it";
				break;
			}
			/* fall through */
		case H_BEFORE_ATTR:
			if (ch == '>') {
				tag_end(h);
			} else if (!is_space(ch) && ch != '/') {
				go(h, H_ATTR_NAME);
				name_add(h, ch);
			} else {
				go(h, H_BEFORE_ATTR);
			}
			break;
		case H_ATTR_NAME:
			if (is_space(ch))
				attr_named(h, H_AFTER_ATTR_NAME);
			else if (ch == '=')
				attr_named(h, H_BEFORE_VALUE);
			else if (ch == '/')
				go(h, H_BEFORE_ATTR);
			else if (ch == '>')
				tag_end(h);
			else
				name_add(h, ch);
			break;
		case H_AFTER_ATTR_NAME:
			if (ch == '=') {
				h->st = H_BEFORE_VALUE;
			} else if (ch == '/') {
				go(h, H_BEFORE_ATTR);
			} else if (ch == '>') {
				tag_end(h);
			} else if (!is_space(ch)) {
				go(h, H_ATTR_NAME);
				name_add(h, ch);
			}
			break;
		case H_BEFORE_VALUE:
			if (ch == '"' || ch == '\'') {
				h->st = ch == '"' ? H_VALUE_DQ : H_VALUE_SQ;
				h->url_start = h->attr == A_URL;
			} else if (ch == '>') {
				tag_end(h);
			} else if (!is_space(ch)) {
				go(h, H_VALUE_UNQ);
			}
			break;
		case H_VALUE_DQ:
		case H_VALUE_SQ:
			if (ch == (h->st == H_VALUE_DQ ? '"' : '\''))
				go(h, H_BEFORE_ATTR);
			else if (!is_space(ch))
				h->url_start = 0;
			break;
		case H_VALUE_UNQ:
			if (is_space(ch))
				go(h, H_BEFORE_ATTR);
			else if (ch == '>')
				tag_end(h);
			break;
		case H_MARKUP:          /* after "<!"; dashes counts a "--" */
			if (ch == '[' && !h->dashes) {
				err = "<![CDATA[ is not supported";
			} else if (ch == '-' && h->dashes == 1) {
				go(h, H_COMMENT);
				h->dashes = 2;  /* so "<!-->" and "<!--->" close at once */
			} else if (ch == '-') {
				h->dashes = 1;
			} else {
				go(h, ch == '>' ? H_TEXT : H_BOGUS);
			}
			break;
		case H_COMMENT:
			if (ch == '>' && h->dashes == 2)
				go(h, H_TEXT);
			else if (ch != '-')
				h->dashes = 0;
			else if (h->dashes < 2)
				h->dashes++;
			break;
		case H_BOGUS:
			if (ch == '>')
				go(h, H_TEXT);
			break;
		}
		i++;
	}
	return err;
}

/* Where a slot at H would be, when that is not a place for one. */
static const char *where(const struct hctx *h)
{
	switch (h->st) {
	case H_TEXT:
		return NULL;
	case H_TAG_OPEN: case H_END_TAG_OPEN: case H_TAG_NAME:
		return "in a tag name";
	case H_BEFORE_ATTR: case H_ATTR_NAME: case H_AFTER_ATTR_NAME:
	case H_TAG_JOIN:
		return "in an attribute name";
	case H_BEFORE_VALUE: case H_VALUE_UNQ:
		return "in an unquoted attribute value";
	case H_VALUE_DQ: case H_VALUE_SQ:
		return h->attr == A_CODE ? "in an event-handler or style attribute" : NULL;
	case H_MARKUP: case H_COMMENT: case H_BOGUS:
		return "in an HTML comment";
	default:
		return h->raw <= RAW_STYLE ? raw_where[h->raw] : NULL;
	}
}

/* Where H is, when that is not plain text. */
static const char *where_not_text(const struct hctx *h)
{
	const char *w = where(h);
	if (w || h->st == H_TEXT)
		return w;
	return h->st == H_RAWTEXT ? raw_where[h->raw] : "in an attribute value";
}

static bool in_tag_between_attrs(const struct hctx *h)
{
	return h->st == H_BEFORE_ATTR || h->st == H_ATTR_NAME
		|| h->st == H_AFTER_ATTR_NAME || h->st == H_TAG_JOIN;
}

/* Merge B into A, the contexts two paths through a block end in. A URL
 * value that may or may not have begun counts as begun (its slots are then
 * encoded whole, which is safe at the start too). A tag that may be in its
 * name, between attributes or in an attribute's name must go on with a
 * space or its end, and both paths must agree on whether it opens raw text.
 * Return -1 when the paths cannot be reconciled. */
static int join(struct hctx *a, const struct hctx *b)
{
	struct hctx x = *a, y = *b;
	if (!memcmp(&x, &y, sizeof x))
		return 0;
	x.url_start = y.url_start = 0;
	if (!memcmp(&x, &y, sizeof x)) {
		*a = x;
		return 0;
	}
	if (x.st == H_TAG_NAME)
		tag_named(&x, H_BEFORE_ATTR);
	if (y.st == H_TAG_NAME)
		tag_named(&y, H_BEFORE_ATTR);
	if (!in_tag_between_attrs(&x) || !in_tag_between_attrs(&y)
	    || x.raw != y.raw || x.end_tag != y.end_tag)
		return -1;
	go(&x, H_TAG_JOIN);
	*a = x;
	return 0;
}

/* ---- the compiler ---- */

static bool chars_ok(const char *s, size_t n, const char *extra)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum((unsigned char)s[i]) && (!s[i] || !strchr(extra, s[i])))
			return false;
	return true;
}

/* ".", "@index", or names joined by single dots. */
static bool path_ok(const char *s, size_t n)
{
	if ((n == 1 && s[0] == '.') || (n == 6 && !memcmp(s, "@index", 6)))
		return true;
	if (!chars_ok(s, n, "_-."))
		return false;
	if (s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 1; i < n; i++)
		if (s[i] == '.' && s[i - 1] == '.')
			return false;
	return true;
}

static int emit(struct comp *c, enum op op, enum esc esc, const char *s, size_t n)
{
	if (c->n == c->cap) {
		uint32_t cap = c->cap ? c->cap * 2 : 64;
		struct node *p = realloc(c->nodes, cap * sizeof *p);
		if (!p)
			return fail(c, "out of memory");
		c->nodes = p;
		c->cap = cap;
	}
	c->nodes[c->n] = (struct node){ .op = op, .esc = esc, .off = (uint32_t)c->pool.len,
		.len = (uint32_t)n };
	if (buf_add(&c->pool, s, n) < 0 || buf_addc(&c->pool, '\0') < 0)
		return fail(c, "out of memory");
	c->n++;
	return 0;
}

static int literal(struct comp *c, const char *s, size_t n)
{
	size_t at = 0;
	const char *err = scan(&c->h, s, n, &at);
	for (size_t i = 0; i < (err ? at : n); i++)
		c->line += s[i] == '\n';
	if (err)
		return fail(c, "%s", err);
	return emit(c, OP_TEXT, ESC_HTML, s, n);
}

/* A value or translation: escaped as its place in the markup demands. */
static int slot(struct comp *c, enum op op, const char *s, size_t n)
{
	const char *w = where(&c->h);
	if (w)
		return fail(c, "{{%.*s}} %s", (int)c->dirn, c->dir, w);
	enum esc esc = ESC_HTML;
	if (c->h.attr == A_URL)
		esc = c->h.url_start ? ESC_URL : ESC_URL_PART;
	c->h.url_start = 0;
	return emit(c, op, esc, s, n);
}

/* {{raw x}} and {{> partial}} write markup, so they belong in text only. */
static int markup(struct comp *c, enum op op, const char *s, size_t n)
{
	const char *w = where_not_text(&c->h);
	if (w)
		return fail(c, "{{%.*s}} %s", (int)c->dirn, c->dir, w);
	return emit(c, op, ESC_HTML, s, n);
}

static int block_open(struct comp *c, const char *s, size_t n)
{
	size_t w = 0;
	while (w < n && is_alpha((unsigned char)s[w]))
		w++;
	const char *arg = s + w;
	size_t an = n - w;
	while (an && is_space(*arg))
		arg++, an--;
	enum op op = OP_IF;
	while (op <= OP_EACH && (strlen(op_names[op]) != w || memcmp(s, op_names[op], w)))
		op++;
	if (op > OP_EACH || arg == s + w || !path_ok(arg, an))
		return fail(c, "unknown directive {{%.*s}}", (int)c->dirn, c->dir);
	if (c->depth == TPL_MAX_DEPTH)
		return fail(c, "blocks nested deeper than %d", TPL_MAX_DEPTH);
	c->stack[c->depth++] = (struct block){ .node = c->n, .line = c->line,
		.entry = c->h };
	return emit(c, op, ESC_HTML, arg, an);
}

static int block_else(struct comp *c)
{
	if (!c->depth)
		return fail(c, "{{else}} outside a block");
	struct block *b = &c->stack[c->depth - 1];
	if (b->has_else)
		return fail(c, "second {{else}} in {{#%s}} from line %d",
			op_names[c->nodes[b->node].op], b->line);
	b->has_else = true;
	b->then = c->h;
	c->h = b->entry;
	c->nodes[b->node].alt = c->n;
	return 0;
}

static int block_close(struct comp *c, const char *s, size_t n)
{
	if (!c->depth)
		return fail(c, "{{/%.*s}} without an open block", (int)n, s);
	struct block *b = &c->stack[c->depth - 1];
	struct node *nd = &c->nodes[b->node];
	const char *name = op_names[nd->op];
	if (strlen(name) != n || memcmp(s, name, n))
		return fail(c, "{{/%.*s}} closes {{#%s}} from line %d", (int)n, s,
			name, b->line);
	struct hctx then = b->has_else ? b->then : c->h;
	struct hctx other = b->has_else ? c->h : b->entry;
	if (nd->op == OP_EACH) {
		struct hctx loop = b->entry;
		if (join(&loop, &then) || memcmp(&loop, &b->entry, sizeof loop))
			return fail(c, "{{#each}} from line %d does not end in the"
				" HTML context it starts in", b->line);
		then = b->entry;
	}
	if (join(&then, &other))
		return fail(c, "branches of {{#%s}} from line %d end in different"
			" HTML contexts", name, b->line);
	c->h = then;
	if (!b->has_else)
		nd->alt = c->n;
	nd->end = c->n;
	c->depth--;
	return 0;
}

static int directive(struct comp *c, const char *s, size_t n)
{
	while (n && is_space(*s))
		s++, n--;
	while (n && is_space(s[n - 1]))
		n--;
	c->dir = s;
	c->dirn = n < 40 ? n : 40;
	if (n && *s == '!')
		return 0;
	if (n && *s == '#')
		return block_open(c, s + 1, n - 1);
	if (n && *s == '/')
		return block_close(c, s + 1, n - 1);
	if (n == 4 && !memcmp(s, "else", 4))
		return block_else(c);
	if (n && *s == '>') {
		size_t k = 1;
		while (k < n && is_space(s[k]))
			k++;
		if (chars_ok(s + k, n - k, "_-./"))
			return markup(c, OP_PARTIAL, s + k, n - k);
	}
	size_t w = 0;
	while (w < n && !is_space(s[w]))
		w++;
	const char *arg = s + w;
	size_t an = n - w;
	while (an && is_space(*arg))
		arg++, an--;
	if (w == n && path_ok(s, n))
		return slot(c, OP_VAR, s, n);
	if (w == 1 && *s == 't' && an > 2 && arg[0] == '"' && arg[an - 1] == '"'
	    && chars_ok(arg + 1, an - 2, "_-."))
		return slot(c, OP_T, arg + 1, an - 2);
	if (w == 3 && !memcmp(s, "raw", 3) && path_ok(arg, an))
		return markup(c, OP_RAW, arg, an);
	return fail(c, "unknown directive {{%.*s}}", (int)c->dirn, c->dir);
}

static int compile(struct comp *c, const char *src, size_t len)
{
	if (len > TPL_MAX_SOURCE)
		return fail(c, "template larger than %zu bytes", TPL_MAX_SOURCE);
	size_t pos = 0;
	while (pos < len) {
		const char *open = memmem(src + pos, len - pos, "{{", 2);
		size_t q = open ? (size_t)(open - src) : len;
		if (q > pos && literal(c, src + pos, q - pos) < 0)
			return -1;
		if (!open)
			break;
		const char *close = memmem(open + 2, len - q - 2, "}}", 2);
		if (!close)
			return fail(c, "unclosed {{");
		if (directive(c, open + 2, (size_t)(close - open - 2)) < 0)
			return -1;
		for (const char *p = open; p < close; p++)
			c->line += *p == '\n';
		pos = (size_t)(close - src) + 2;
	}
	if (c->depth) {
		const struct block *b = &c->stack[c->depth - 1];
		c->line = b->line;
		return fail(c, "unclosed {{#%s}}", op_names[c->nodes[b->node].op]);
	}
	const char *w = where_not_text(&c->h);
	return w ? fail(c, "template ends %s", w) : 0;
}

struct tpl *tpl_compile(const char *name, const char *src, size_t len,
	char *err, size_t errlen)
{
	struct comp c = { .name = name ? name : "template", .err = err,
		.errlen = errlen, .line = 1 };
	buf_init(&c.pool, 2 * TPL_MAX_SOURCE + 2);
	struct tpl *t = NULL;
	if (compile(&c, src, len) == 0 && !(t = malloc(sizeof *t)))
		fail(&c, "out of memory");
	if (t) {
		/* NULL only for an empty pool, which no node will read. */
		t->pool = buf_detach(&c.pool, NULL);
		t->nodes = c.nodes;
		t->n = c.n;
		c.nodes = NULL;
	}
	buf_release(&c.pool);
	free(c.nodes);
	return t;
}

void tpl_free(struct tpl *t)
{
	if (!t)
		return;
	free(t->pool);
	free(t->nodes);
	free(t);
}

/* ---- the renderer ---- */

struct scope {
	json_t *v;
	json_t *index;          /* position in the #each; NULL for the data */
	const struct scope *up;
};

struct render {
	const struct tpl_env *env;
	struct buf *out;
	size_t steps;
	int partials;
};

/* The first name of PATH is looked up from the innermost scope outwards;
 * the rest inside what it found. */
static json_t *lookup(const char *path, const struct scope *sc)
{
	if (!strcmp(path, "."))
		return sc->v;
	if (!strcmp(path, "@index"))
		return sc->index;
	size_t n = strcspn(path, ".");
	json_t *v = NULL;
	for (; sc && !v; sc = sc->up)
		v = json_object_getn(sc->v, path, n);
	while (v && path[n]) {
		path += n + 1;
		n = strcspn(path, ".");
		v = json_object_getn(v, path, n);
	}
	return v;
}

static bool truthy(const json_t *v)
{
	if (!v)
		return false;
	switch (json_typeof(v)) {
	case JSON_STRING:  return json_string_length(v) > 0;
	case JSON_INTEGER: return json_integer_value(v) != 0;
	case JSON_REAL:    return json_real_value(v) != 0.0;
	case JSON_ARRAY:   return json_array_size(v) > 0;
	case JSON_OBJECT:  return json_object_size(v) > 0;
	case JSON_TRUE:    return true;
	default:           return false;
	}
}

/* Point *S and *N at the text V renders as, formatting numbers into TMP. */
static void text_of(const json_t *v, char tmp[32], const char **s, size_t *n)
{
	int k = 0;
	if (json_is_string(v)) {
		*s = json_string_value(v);
		*n = json_string_length(v);
		return;
	}
	*s = tmp;
	if (json_is_integer(v)) {
		k = snprintf(tmp, 32, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	} else if (json_is_real(v)) {
		double d = json_real_value(v);
		if (d > -1e15 && d < 1e15 && d == (double)(long long)d) {
			k = snprintf(tmp, 32, "%lld", (long long)d);
		} else {
			k = snprintf(tmp, 32, "%.15g", d);
			if (strtod(tmp, NULL) != d)
				k = snprintf(tmp, 32, "%.17g", d);
		}
	} else if (json_is_boolean(v)) {
		k = snprintf(tmp, 32, "%s", json_is_true(v) ? "true" : "false");
	}
	*n = k > 0 ? (size_t)k : 0;
}

static int put_html(struct buf *b, const char *s, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (s[i]) {
		case '&':  rep = "&amp;"; break;
		case '<':  rep = "&lt;"; break;
		case '>':  rep = "&gt;"; break;
		case '"':  rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:   continue;
		}
		if (buf_add(b, s + run, i - run) < 0 || buf_adds(b, rep) < 0)
			return -1;
		run = i + 1;
	}
	return buf_add(b, s + run, n - run);
}

/* Relative, or http:, https: or mailto:. */
static bool url_scheme_ok(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] != ':' && s[i] != '/' && s[i] != '?' && s[i] != '#')
		i++;
	if (i == n || s[i] != ':')
		return true;
	return (i == 4 && !strncasecmp(s, "http", 4))
		|| (i == 5 && !strncasecmp(s, "https", 5))
		|| (i == 6 && !strncasecmp(s, "mailto", 6));
}

/* Percent-encode S for a URL attribute. WHOLE: S is the URL, so keep its
 * punctuation after checking the scheme; otherwise S is one component. */
static int put_url(struct buf *b, const char *s, size_t n, bool whole)
{
	if (whole) {
		while (n && (unsigned char)*s <= ' ')
			s++, n--;
		if (!url_scheme_ok(s, n))
			return buf_adds(b, "about:invalid");
	}
	const char *keep = whole ? "-._~/?#&=:;%+,@!$'()*" : "-._~";
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		int rc;
		if (ch == '&' && whole)
			rc = buf_adds(b, "&amp;");
		else if (ch == '\'' && whole)
			rc = buf_adds(b, "&#39;");
		else if (is_alnum(ch) || (ch && strchr(keep, ch)))
			rc = buf_addc(b, (char)ch);
		else
			rc = buf_printf(b, "%%%02X", ch);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int put(struct buf *b, enum esc esc, const char *s, size_t n)
{
	if (esc == ESC_HTML)
		return put_html(b, s, n);
	return put_url(b, s, n, esc == ESC_URL);
}

static int render(struct render *r, const struct tpl *t, uint32_t i,
	uint32_t end, const struct scope *sc);

static int each(struct render *r, const struct tpl *t, uint32_t i,
	const struct scope *sc)
{
	const struct node *nd = &t->nodes[i];
	json_t *xs = lookup(t->pool + nd->off, sc);
	size_t n = json_is_array(xs) ? json_array_size(xs) : 0;
	if (!n)
		return render(r, t, nd->alt, nd->end, sc);
	json_t *index = json_integer(0);
	if (!index)
		return -1;
	int rc = 0;
	for (size_t k = 0; k < n && !rc; k++) {
		struct scope in = { json_array_get(xs, k), index, sc };
		json_integer_set(index, (json_int_t)k);
		rc = ++r->steps > TPL_MAX_STEPS ? -1 : render(r, t, i + 1, nd->alt, &in);
	}
	json_decref(index);
	return rc;
}

static int render(struct render *r, const struct tpl *t, uint32_t i,
	uint32_t end, const struct scope *sc)
{
	while (i < end) {
		const struct node *nd = &t->nodes[i];
		const char *s = t->pool + nd->off;
		const struct tpl *p;
		char tmp[32];
		size_t n;
		int rc = 0;
		if (++r->steps > TPL_MAX_STEPS)
			return -1;
		switch (nd->op) {
		case OP_TEXT:
			rc = buf_add(r->out, s, nd->len);
			break;
		case OP_VAR:
			text_of(lookup(s, sc), tmp, &s, &n);
			rc = put(r->out, nd->esc, s, n);
			break;
		case OP_RAW:
			text_of(lookup(s, sc), tmp, &s, &n);
			rc = buf_add(r->out, s, n);
			break;
		case OP_T:
			if (r->env && r->env->translate)
				s = r->env->translate(r->env->ctx, s);
			else
				s = NULL;
			rc = s ? put(r->out, nd->esc, s, strlen(s)) : -1;
			break;
		case OP_PARTIAL:
			p = r->env && r->env->load ? r->env->load(r->env->ctx, s) : NULL;
			if (!p || r->partials == TPL_MAX_PARTIALS)
				return -1;
			r->partials++;
			rc = render(r, p, 0, p->n, sc);
			r->partials--;
			break;
		case OP_IF:
		case OP_UNLESS:
			if (truthy(lookup(s, sc)) == (nd->op == OP_IF))
				rc = render(r, t, i + 1, nd->alt, sc);
			else
				rc = render(r, t, nd->alt, nd->end, sc);
			i = nd->end - 1;
			break;
		case OP_EACH:
			rc = each(r, t, i, sc);
			i = nd->end - 1;
			break;
		}
		if (rc < 0)
			return -1;
		i++;
	}
	return 0;
}

int tpl_render(const struct tpl *t, json_t *data, const struct tpl_env *env,
	struct buf *out)
{
	struct render r = { .env = env, .out = out };
	struct scope top = { data, NULL, NULL };
	return render(&r, t, 0, t->n, &top);
}
