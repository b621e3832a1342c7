/* POST /api/v1/lookup: up to a million constituency lookups in one
 * request, answered as JSON lines in the order asked, one line per query
 * (lookup_answer.h), streamed while they are computed.
 *
 * The work runs on the worker pool, so the event loop only copies the
 * body and hands out finished pieces: other requests on the loop are
 * answered throughout, and both cores work on a big batch. First one job
 * checks the body whole (format, UTF-8, how many queries) and notes where
 * each turn of TURN_QUERIES queries starts, so a request that cannot be
 * answered gets one plain 4xx. Then the turns are computed by pool jobs,
 * up to TURNS_AHEAD of them at once, each reading its own stretch of the
 * body, looking its queries up GROUP at a time (rindex_lookup_batch,
 * team_cards_find_many) and writing their lines into its own buffer; the
 * loop writes the turns out in order, each as soon as it is ready and
 * the one before has been written (the generator's proceed). One index
 * and one set of routing cards are held for the whole batch, so it is
 * answered from one consistent picture of the directory.
 *
 * The body is copied out of h2o's buffer because pool jobs may still be
 * reading it when the client goes away and h2o frees the request. A
 * reader that stops reading would hold all this forever (h2o 2.2 has no
 * write timeout): a turn not written within the request timeout shuts
 * the connection down. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/log.h"
#include "directory/directory_http.h"
#include "directory/lookup.h"
#include "directory/lookup_answer.h"
#include "directory/lookup_input.h"
#include "http/respond.h"
#include "http/server.h"
#include "http/worker.h"

/* At most this many queries per request. */
#define BATCH_MAX_QUERIES 1000000
/* Queries per pool job, and jobs computed ahead of the turn being written. */
#define TURN_QUERIES 4096
#define TURNS_AHEAD 3
#define MARKS (BATCH_MAX_QUERIES / TURN_QUERIES + 1)
/* Queries looked up together (rindex_lookup_batch wants a few dozen). */
#define GROUP 64
/* A turn's answer; each line is at most 32 cards, far less than this. */
#define TURN_MAX_BYTES ((size_t)256 << 20)

/* Why an item is not looked up: a stable reason for programs and a
 * message for people (messages.tsv "lookup.bad.REASON"). */
struct reason {
	const char *code;
	const char *msg_key;
};

static const struct reason item_reasons[] = {
	[LOOKUP_ITEM_NOT_JSON] = {"not_json", "lookup.bad.not_json"},
	[LOOKUP_ITEM_NOT_STRING] = {"not_a_string", "lookup.bad.not_a_string"},
	[LOOKUP_ITEM_TOO_LONG] = {"too_long", "lookup.bad.too_long"},
};

static const struct reason parse_reasons[RINDEX_E__COUNT] = {
	[RINDEX_EEMPTY] = {"empty", "lookup.bad.empty"},
	[RINDEX_EIPV4] = {"ipv4", "lookup.bad.ipv4"},
	[RINDEX_EIPV4_OCTET] = {"ipv4_octet", "lookup.bad.ipv4_octet"},
	[RINDEX_EIPV6] = {"ipv6", "lookup.bad.ipv6"},
	[RINDEX_EPREFIX] = {"prefix", "lookup.bad.prefix"},
	[RINDEX_EASN] = {"asn", "lookup.bad.asn"},
	[RINDEX_EDOMAIN_LENGTH] = {"domain_length", "lookup.bad.domain_length"},
	[RINDEX_ELABEL_EMPTY] = {"label_empty", "lookup.bad.label_empty"},
	[RINDEX_ELABEL_LENGTH] = {"label_length", "lookup.bad.label_length"},
	[RINDEX_ELABEL_HYPHEN] = {"label_hyphen", "lookup.bad.label_hyphen"},
	[RINDEX_ECHAR] = {"char", "lookup.bad.char"},
	[RINDEX_ENONASCII] = {"non_ascii", "lookup.bad.non_ascii"},
	[RINDEX_ENUMERIC_TLD] = {"numeric_tld", "lookup.bad.numeric_tld"},
	[RINDEX_EWILDCARD] = {"wildcard", "lookup.bad.wildcard"},
};

struct batch;

/* What the request and the pool jobs share; freed by whoever lets go
 * last. REFS is only touched on the loop thread (job completions run
 * there); the rest is written before the jobs that read it are queued. */
struct batch_work {
	int refs;
	struct batch *b;            /* the request's side; NULL once it is gone */
	char *body;
	size_t len;
	enum lookup_format fmt;
	struct actor actor;
	enum lang lang;
	struct lookup_asker asker;
	struct rindex *ix;
	struct team_cards *cards;
	enum lookup_input_status status;
	size_t count, nturns;
	struct lookup_input_mark marks[MARKS];
};

/* One item of a group, between reading and answering. */
struct pending {
	const struct reason *bad;   /* NULL: looked up */
	const char *text;
	size_t len, text_off;       /* TEXT, or where it was kept in the arena */
	bool text_is_json, in_arena;
};

/* One turn: its queries' answers, and the room to compute them. */
struct turn {
	struct batch_work *w;
	size_t index;
	bool queued, ready, failed;
	struct buf out;
	struct lookup_input in;
	struct buf arena;           /* texts of a group that are not in the body */
	struct pending items[GROUP];
	struct rindex_query qs[GROUP];
	struct rindex_match matches[GROUP * LOOKUP_MAX_MATCHES];
	size_t counts[GROUP];
	int64_t team_ids[GROUP * LOOKUP_MAX_MATCHES];           /* of the matches, in a row */
	const struct team_card *cards_of[GROUP * LOOKUP_MAX_MATCHES];
};

/* The request's side, in its memory pool. */
struct batch {
	h2o_generator_t gen;        /* first: h2o hands it back */
	struct ctx *c;
	struct batch_work *w;
	struct turn *turns[TURNS_AHEAD];   /* turn k in turns[k % TURNS_AHEAD] */
	size_t next_send, next_queue;
	bool sending;
	h2o_timeout_entry_t stall;  /* armed while h2o writes a turn */
};

static void work_release(struct batch_work *w)
{
	if (--w->refs > 0)
		return;
	lookup_release(w->asker.level, w->ix);
	lookup_cards_release(w->cards);
	free(w->body);
	free(w);
}

static void turn_free(struct turn *t)
{
	buf_release(&t->out);
	buf_release(&t->arena);
	free(t);
}

/* Pool side: read up to GROUP items of T, look them up together, write
 * their answers. N is how many are left in the turn. */
static int answer_group(struct turn *t, size_t left)
{
	const struct batch_work *w = t->w;
	size_t n = 0;
	buf_reset(&t->arena);
	while (n < GROUP && n < left) {
		struct lookup_item it;
		if (lookup_input_next(&t->in, &it) <= 0)
			break;   /* cannot happen: the body was checked whole */
		struct pending *p = &t->items[n];
		struct rindex_query *q = &t->qs[n];
		memset(p, 0, sizeof(*p));
		q->kind = RINDEX_NONE;
		p->text_is_json = it.text_is_json;
		p->text = it.text;
		p->len = it.len;
		if (it.text && it.text >= t->in.scratch && it.text < t->in.scratch + sizeof(t->in.scratch)) {
			p->in_arena = true;
			p->text_off = t->arena.len;
			if (buf_add(&t->arena, it.text, it.len) < 0)
				return -1;
		}
		if (it.problem != LOOKUP_ITEM_OK) {
			p->bad = &item_reasons[it.problem];
		} else {
			char text[LOOKUP_QUERY_MAX + 1];
			memcpy(text, it.text, it.len);
			text[it.len] = '\0';
			int e = rindex_parse_query(text, q);
			if (e != RINDEX_OK) {
				q->kind = RINDEX_NONE;
				p->bad = e < RINDEX_E__COUNT && parse_reasons[e].code ? &parse_reasons[e]
				                                                       : &parse_reasons[RINDEX_ECHAR];
			}
		}
		n++;
	}
	if (w->ix)
		rindex_lookup_batch(w->ix, t->qs, n, t->matches, LOOKUP_MAX_MATCHES, t->counts);
	else
		memset(t->counts, 0, sizeof(t->counts));
	/* The cards of all the group's matches at once (their memory asked
	 * for together), then the answers. */
	size_t nids = 0;
	for (size_t i = 0; i < n; i++) {
		if (t->counts[i] > LOOKUP_MAX_MATCHES)
			t->counts[i] = LOOKUP_MAX_MATCHES;
		for (size_t j = 0; j < t->counts[i]; j++)
			t->team_ids[nids++] = t->matches[i * LOOKUP_MAX_MATCHES + j].team_id;
	}
	team_cards_find_many(w->cards, t->team_ids, nids, t->cards_of);
	int rc = 0;
	const struct team_card *const *cards = t->cards_of;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct pending *p = &t->items[i];
		const char *text = p->in_arena ? t->arena.data + p->text_off : p->text;
		if (p->bad) {
			rc = lookup_answer_bad(&t->out, text, p->len, p->text_is_json, p->bad->code,
			                       i18n_get(w->lang, p->bad->msg_key));
		} else {
			rc = lookup_answer_write(&t->out, &w->asker, text, p->len, &t->matches[i * LOOKUP_MAX_MATCHES],
			                         cards, t->counts[i]);
			cards += t->counts[i];
		}
		rc |= buf_addc(&t->out, '\n');
	}
	return rc ? -1 : (int)n;
}

/* Pool side: the answers of turn T's queries into T's buffer. */
static void compute_turn(void *arg)
{
	struct turn *t = arg;
	const struct batch_work *w = t->w;
	size_t left = w->count - t->index * TURN_QUERIES;
	if (left > TURN_QUERIES)
		left = TURN_QUERIES;
	buf_reset(&t->out);
	lookup_input_resume(&t->in, w->body, w->len, w->fmt, &w->marks[t->index]);
	while (left > 0) {
		int n = answer_group(t, left);
		if (n <= 0) {
			t->failed = true;
			return;
		}
		left -= (size_t)n;
	}
}

static void send_ready(struct batch *b);

/* Loop side: a turn is computed. */
static void turn_done(struct ctx *c, void *arg)
{
	struct turn *t = arg;
	t->queued = false;
	if (!c) {
		/* The request is gone; it left this turn to its job. */
		struct batch_work *w = t->w;
		turn_free(t);
		work_release(w);
		return;
	}
	t->ready = true;
	send_ready(t->w->b);
}

/* Loop side: queue the next turn in T's slot. */
static void queue_turn(struct batch *b, struct turn *t)
{
	t->index = b->next_queue++;
	t->ready = t->failed = false;
	t->queued = worker_submit(b->c, compute_turn, turn_done, t) == 0;
	if (!t->queued)
		t->failed = true;   /* the pool is stopping: send_ready ends the answer */
}

static void on_stall(h2o_timeout_entry_t *entry)
{
	struct batch *b = H2O_STRUCT_FROM_MEMBER(struct batch, stall, entry);
	http_stream_stalled(b->c, "batch lookup");
}

/* Loop side: write the next turn if it is computed and h2o is free. */
static void send_ready(struct batch *b)
{
	if (b->sending || b->next_send >= b->w->nturns)
		return;
	struct turn *t = b->turns[b->next_send % TURNS_AHEAD];
	if (t->queued || (!t->ready && !t->failed))
		return;
	if (t->failed) {
		/* Too late for a status: end the answer cut short, so the
		 * client sees fewer lines than it asked for. */
		log_kv(LOG_ERROR, "batch lookup: cannot compute an answer", "rid", b->c->rid, NULL);
		b->next_send = b->w->nturns;
		http_stream_abort(b->c);
		return;
	}
	b->sending = true;
	bool last = b->next_send + 1 == b->w->nturns;
	h2o_iovec_t piece = h2o_iovec_init(t->out.data, t->out.len);
	/* Unlinked when h2o has written it (proceed), or with the request
	 * after the last piece. */
	h2o_timeout_link(b->c->req->conn->ctx->loop, &b->c->req->conn->ctx->http1.req_timeout, &b->stall);
	http_stream_send(b->c, &piece, 1, last);
}

/* Loop side: the turn being written is out; its slot takes the next. */
static void on_proceed(h2o_generator_t *gen, h2o_req_t *req)
{
	struct batch *b = (struct batch *)gen;
	h2o_timeout_unlink(&b->stall);
	b->sending = false;
	struct turn *t = b->turns[b->next_send++ % TURNS_AHEAD];
	if (b->next_queue < b->w->nturns)
		queue_turn(b, t);
	send_ready(b);
}

static void on_stop(h2o_generator_t *gen, h2o_req_t *req)
{
	struct batch *b = (struct batch *)gen;
	h2o_timeout_unlink(&b->stall);
	http_stream_stopped(b->c);
}

/* When the request's memory goes: turns in a job are left to the job
 * (turn_done frees them). Each turn holds a reference to the work. */
static void on_dispose(void *p)
{
	struct batch *b = p;
	struct batch_work *w = b->w;
	if (h2o_timeout_is_linked(&b->stall))
		h2o_timeout_unlink(&b->stall);
	w->b = NULL;
	for (size_t i = 0; i < TURNS_AHEAD; i++) {
		if (b->turns[i] && !b->turns[i]->queued) {
			turn_free(b->turns[i]);
			work_release(w);
		}
	}
	work_release(w);
}

/* Pool side: check the body and mark where each turn starts. */
static void check_body(void *arg)
{
	struct batch_work *w = arg;
	w->status = lookup_input_check(w->body, w->len, w->fmt, BATCH_MAX_QUERIES, &w->count, TURN_QUERIES,
	                               w->marks);
	w->nturns = (w->count + TURN_QUERIES - 1) / TURN_QUERIES;
}

/* Loop side: the body is checked; refuse it, or start the answer. */
static void start_answer(struct ctx *c, struct batch_work *w)
{
	struct batch *b = w->b;
	switch (w->status) {
	case LOOKUP_INPUT_OK:
		break;
	case LOOKUP_INPUT_BAD_UTF8:
		http_error(c, ERR_BAD_REQUEST, "lookup.batch_bad_utf8");
		return;
	case LOOKUP_INPUT_WANT_ARRAY:
		http_error(c, ERR_INVALID_JSON, "lookup.batch_want_array");
		return;
	case LOOKUP_INPUT_BAD_JSON:
		http_error(c, ERR_INVALID_JSON, NULL);
		return;
	case LOOKUP_INPUT_EMPTY:
		http_error(c, ERR_BAD_REQUEST, "lookup.batch_empty");
		return;
	case LOOKUP_INPUT_TOO_MANY:
		http_error(c, ERR_TOO_LARGE, "lookup.batch_too_many");
		return;
	}
	for (size_t i = 0; i < TURNS_AHEAD && i < w->nturns; i++) {
		struct turn *t = calloc(1, sizeof(*t));
		if (!t) {
			http_error(c, ERR_INTERNAL, NULL);
			return;
		}
		t->w = w;
		w->refs++;   /* each turn keeps the work alive while a job has it */
		buf_init(&t->out, TURN_MAX_BYTES);
		buf_init(&t->arena, (size_t)GROUP * (LOOKUP_QUERY_MAX + 4));
		b->turns[i] = t;
	}
	http_stream_start(c, 200, "application/x-ndjson", &b->gen);
	for (size_t i = 0; i < TURNS_AHEAD && i < w->nturns; i++)
		queue_turn(b, b->turns[i]);
	send_ready(b);
}

static void body_checked(struct ctx *c, void *arg)
{
	struct batch_work *w = arg;
	if (c)
		start_answer(c, w);
	work_release(w);   /* the check's reference */
}

/* The body's format from Content-Type; a charset may only say UTF-8. */
static bool body_format(struct ctx *c, enum lookup_format *fmt)
{
	static const struct {
		const char *type;
		enum lookup_format fmt;
	} types[] = {
		{"application/json", LOOKUP_JSON_ARRAY},
		{"application/x-ndjson", LOOKUP_JSON_LINES},
		{"application/jsonl", LOOKUP_JSON_LINES},
		{"text/plain", LOOKUP_TEXT_LINES},
	};
	h2o_iovec_t ct = ctx_header(c, "content-type");
	if (!ct.base)
		return false;
	size_t n = 0;
	while (n < ct.len && ct.base[n] != ';' && ct.base[n] != ' ')
		n++;
	bool known = false;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]) && !known; i++) {
		if (strlen(types[i].type) == n && strncasecmp(ct.base, types[i].type, n) == 0) {
			*fmt = types[i].fmt;
			known = true;
		}
	}
	for (size_t i = n; known && i + 8 <= ct.len; i++) {
		if (strncasecmp(ct.base + i, "charset=", 8) != 0)
			continue;
		const char *v = ct.base + i + 8;
		size_t vl = ct.len - i - 8;
		if (vl && *v == '"') {
			v++;
			vl--;
		}
		if (vl < 5 || strncasecmp(v, "utf-8", 5) != 0 || (vl > 5 && v[5] != '"' && v[5] != ';' && v[5] != ' '))
			known = false;
	}
	return known;
}

static void lookup_post(struct ctx *c)
{
	enum lookup_format fmt;
	if (!body_format(c, &fmt)) {
		http_error(c, ERR_UNSUPPORTED_MEDIA, "lookup.batch_want_type");
		return;
	}
	size_t len = c->req->entity.base ? c->req->entity.len : 0;
	struct batch_work *w = calloc(1, sizeof(*w));
	char *body = malloc(len + 1);
	if (!w || !body) {
		free(w);
		free(body);
		http_error(c, ERR_INTERNAL, NULL);
		return;
	}
	if (len)
		memcpy(body, c->req->entity.base, len);
	w->refs = 1;   /* the request's */
	w->body = body;
	w->len = len;
	w->fmt = fmt;
	w->actor = c->actor;
	w->lang = c->lang;
	w->asker.actor = &w->actor;
	w->asker.level = team_level_for(&c->actor, 0);
	w->ix = lookup_acquire(w->asker.level);
	w->cards = lookup_cards_acquire();
	w->asker.cards = w->cards;

	struct batch *b = h2o_mem_alloc_shared(&c->req->pool, sizeof(*b), on_dispose);
	memset(b, 0, sizeof(*b));
	b->gen.proceed = on_proceed;
	b->gen.stop = on_stop;
	b->c = c;
	b->w = w;
	b->stall.cb = on_stall;
	w->b = b;
	w->refs++;   /* the check's */
	if (worker_submit(c, check_body, body_checked, w) < 0) {
		w->refs--;
		http_error(c, ERR_UNAVAILABLE, NULL);
	}
}

const struct route lookup_batch_routes[] = {
	{"POST", "/api/v1/lookup", ACT_DIRECTORY_READ, lookup_post, ROUTE_API | ROUTE_BULK_BODY},
	{0},
};
