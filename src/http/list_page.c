/* Keyset pages of a list; see list_page.h. */
#include <stdio.h>
#include "http/list_page.h"

bool list_page_take(struct list_page *p, int64_t id)
{
	if (p->n == p->limit) {
		p->more = true;
		return false;
	}
	p->n++;
	p->last = id;
	return true;
}

void list_page_json_begin(struct jw *w)
{
	jw_obj_begin(w);
	jw_key(w, "items");
	jw_arr_begin(w);
}

void list_page_json_end(struct jw *w, const struct list_page *p)
{
	jw_arr_end(w);
	jw_key(w, "next_cursor");
	if (p->more) {
		char s[24];
		snprintf(s, sizeof(s), "%lld", (long long)p->last);
		jw_str(w, s);
	} else {
		jw_null(w);
	}
	jw_obj_end(w);
}
