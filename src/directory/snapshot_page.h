/* The HTML of the offline snapshot (snapshot.h): what each template
 * (src/web/templates/snapshot_*.html) is given, made from the records as
 * team_write_json wrote them, with every label in both languages
 * ("English / 日本語") because one file serves every reader. The page is
 * rendered in pieces, a team at a time, so a large directory never has to
 * be held in memory as one page. */
#ifndef SHISA_SNAPSHOT_PAGE_H
#define SHISA_SNAPSHOT_PAGE_H
#include <jansson.h>
#include "core/buf.h"
#include "directory/snapshot_format.h"

struct snapshot_page;

/* Compile the snapshot templates. NULL with a message in ERR on failure. */
struct snapshot_page *snapshot_page_new(char *err, size_t errlen);
void snapshot_page_free(struct snapshot_page *pg);

/* The quick-reference row of TEAM into ROW and its full record into
 * RECORD. Teams come in page order: a team whose first letter differs
 * from the one before opens a new letter group. Return 0 or -1. */
int snapshot_page_team(struct snapshot_page *pg, json_t *team, struct buf *row, struct buf *record);
/* The page from <html> up to the quick-reference rows (after the header
 * lines), once every team has been given: the index needs the letters.
 * TZ is the zone the generation time is also shown in. */
int snapshot_page_head(struct snapshot_page *pg, const struct snapshot_header *h, const char *tz, struct buf *out);
/* Between the quick-reference rows and the records. */
int snapshot_page_middle(struct snapshot_page *pg, struct buf *out);
/* After the records, to </html>. */
int snapshot_page_foot(struct snapshot_page *pg, const struct snapshot_header *h, struct buf *out);

#endif
