/* An allocator for the parsers that take one (form_parse, multipart_parse):
 * everything a test or a fuzz run allocated is freed at once. Shared by the
 * unit tests and the fuzz targets. */
#ifndef SHISA_TEST_ARENA_H
#define SHISA_TEST_ARENA_H
#include <stdlib.h>
#include <string.h>

struct arena {
	void **p;
	size_t n, cap;
};

static inline void *arena_alloc(void *owner, size_t n)
{
	struct arena *a = owner;
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->p = realloc(a->p, a->cap * sizeof(*a->p));
		if (!a->p)
			abort();
	}
	void *m = malloc(n ? n : 1);
	if (!m)
		abort();
	return a->p[a->n++] = m;
}

static inline void arena_free(struct arena *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->p[i]);
	free(a->p);
	memset(a, 0, sizeof(*a));
}

#endif
