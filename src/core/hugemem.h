/* Memory for large tables read at random (the constituency router, the
 * directory search index): from HUGEMEM_MIN up, aligned to and asking for
 * transparent huge pages, since with 4 KB pages most random reads of a
 * large table would also miss the TLB; smaller ones aligned to cache
 * lines. Free it with free(). NOTHP in the environment turns the huge
 * pages off (to measure what they bring). */
#ifndef SHISA_HUGEMEM_H
#define SHISA_HUGEMEM_H
#include <stddef.h>

#define HUGEMEM_PAGE ((size_t)2 << 20)
#define HUGEMEM_MIN ((size_t)4 << 20)

/* BYTES of such memory, or NULL. */
void *huge_alloc(size_t bytes);

/* A copy of the N elements of SIZE at P in such memory; P is freed. NULL
 * when out of memory or N is 0. */
void *huge_move(void *p, size_t n, size_t size);

#endif
