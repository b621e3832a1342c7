/* Lists in pages by keyset: a reader asks for LIMIT + 1 rows after a
 * cursor; at most LIMIT are kept, and one more means there is a next page,
 * named by the id of the last row kept. The API sends a page as
 *   {"items":[...],"next_cursor":"ID"|null}. */
#ifndef SHISA_LIST_PAGE_H
#define SHISA_LIST_PAGE_H
#include <stdbool.h>
#include <stdint.h>
#include "core/json_writer.h"

struct list_page {
	int limit, n;
	int64_t last;        /* the id of the last row kept */
	bool more;           /* a row past LIMIT came: there is a next page */
};

/* Keep the row ID, or not when the page is full (noting that more came). */
bool list_page_take(struct list_page *p, int64_t id);

/* Open the API's page object at "items":[ ... */
void list_page_json_begin(struct jw *w);
/* ... close the items and the object, with next_cursor. */
void list_page_json_end(struct jw *w, const struct list_page *p);

#endif
