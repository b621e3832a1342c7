/* The statistics tables written out: a CSV file that Excel in Japan opens
 * (UTF-8 with a byte order mark, CRLF, a header row; the same choice as
 * the directory's CSV export), an SVG chart (svg_chart.h), and the API's
 * JSON. Each works from one stats_table, so the file, the chart and the
 * page's table carry the same numbers. */
#ifndef SHISA_STATS_OUTPUT_H
#define SHISA_STATS_OUTPUT_H
#include <stdbool.h>
#include "core/buf.h"
#include "core/json_writer.h"
#include "stats/stats_table.h"

/* T as CSV: the row heading and the column labels, then a line per row
 * with its label and numbers (no thousands separators; empty where there
 * is no value). Text that a spreadsheet would run as a formula gets a
 * leading apostrophe. Return 0 or -1 (OUT full). */
int stats_output_csv(const struct stats_table *t, struct buf *out);

/* T as an SVG chart whose element ids start with T's name; SHOW_TITLE
 * draws the title inside (for a file of its own). Return 0 or -1. */
int stats_output_svg(const struct stats_table *t, bool show_title, struct buf *out);

/* The JSON of the figures S in LANG: an object with the as-of day, the
 * reader's view ("public", "members", "secretariat"), member_target, the
 * members on the day and those left out, and "charts", an array of every
 * chart the reader may see (CHART < 0) or of CHART alone. Each chart has
 * its id, title, description, notes, columns and rows (values by column
 * key, null where none); the growth chart also its projection, the public
 * category charts how many categories were folded. Return 0 or -1. */
int stats_output_json(const struct stats *s, int chart, enum lang lang, struct jw *w);

#endif
