/* The directory in standard formats: an RFC 2350 document and vCard 4.0
 * cards (RFC 6350) per team, and a CSV list that Excel in Japan opens
 * (UTF-8 with a byte order mark). Each works from the JSON record that
 * team_write_json produced for the reader, so an export can never hold a
 * field the reader may not see. */
#ifndef SHISA_EXPORT_H
#define SHISA_EXPORT_H
#include <jansson.h>
#include "core/buf.h"

/* RFC 2350 text of TEAM in LANG ("en" or "ja": which texts to prefer).
 * UPDATED is the date line (YYYY-MM-DD). Return 0 or -1. */
int export_rfc2350(struct buf *out, json_t *team, const char *lang, const char *updated);
/* vCard 4.0: one card for the team (KIND:org) and one per person with a
 * PoC role. CRLF lines, folded at 75 octets. Return 0 or -1. */
int export_vcard(struct buf *out, json_t *team);
/* The CSV header line, with the byte order mark. */
int export_csv_header(struct buf *out);
/* One CSV line for TEAM (a full record). Cells that a spreadsheet would
 * run as a formula are prefixed with an apostrophe. Return 0 or -1. */
int export_csv_row(struct buf *out, json_t *team);

#endif
