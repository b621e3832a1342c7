/* The association's membership before the directory: `shisa stats import
 * FILE.csv` loads it into member_history (schema/0011_member_history.sql)
 * so the statistics can start with the association's past.
 *
 * The file is CSV as Excel writes it (RFC 4180: commas, quotes doubled
 * inside quoted cells, CRLF or LF, an optional UTF-8 byte order mark) in
 * UTF-8, with a header row naming the columns in any order, in English or
 * Japanese:
 *   name               team name (required; one row per name)      チーム名
 *   joined             YYYY, YYYY-MM or YYYY-MM-DD (required)       加盟日
 *   left               the same, empty while a member               退会日
 *   sector             industry: the directory's key or label       業種
 *   region             region: key or label                         地域
 *   csirt_type         CSIRT type: key or label                     種別
 *   established        the team's founding date, as joined          設立日
 *   org_department     organising department (free text)            取り纏め部署
 *   staff_at_founding  staff when founded (0 to 100000)             設立時の人数
 *   staff_now          staff now                                    現在の人数
 * Lines starting with '#' outside a quoted cell are comments; blank lines
 * are skipped. "/" may separate a date's parts ("2017/7/1").
 *
 * Two steps, like the directory's import: history_parse reads the bytes
 * (no database) and lists every problem with its line; history_apply then
 * checks the rows against the database (a name already imported, a name
 * several directory teams have) and, when nothing at all was found wrong,
 * writes every row in one transaction; otherwise nothing. A row whose
 * name is a directory team's name (name_key.h) is linked to that team,
 * whose record then counts instead. */
#ifndef SHISA_HISTORY_H
#define SHISA_HISTORY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/buf.h"
#include "core/i18n.h"
#include "db/db.h"
#include "stats/name_key.h"
#include "stats/partial_date.h"

#define HISTORY_MAX_BYTES ((size_t)32 << 20)   /* the largest file read */
#define HISTORY_MAX_ROWS 100000
#define HISTORY_MAX_ISSUES 1000                /* problems listed; more are counted */
#define HISTORY_TEXT_MAX 200                   /* characters of a name or a department */
#define HISTORY_STAFF_MAX 100000

enum history_column {
	HC_NAME, HC_JOINED, HC_LEFT, HC_SECTOR, HC_REGION, HC_CSIRT_TYPE, HC_ESTABLISHED, HC_DEPARTMENT,
	HC_STAFF_AT_FOUNDING, HC_STAFF_NOW, HC__COUNT
};

/* The columns' English names ("staff_at_founding"). */
extern const char *const history_column_names[HC__COUNT];

struct history_entry {
	size_t line;                    /* where the row starts in the file */
	char *name;
	char name_key[NAME_KEY_MAX];
	char joined[PARTIAL_DATE_MAX], left[PARTIAL_DATE_MAX], established[PARTIAL_DATE_MAX];   /* canonical, or "" */
	const char *sector, *region, *csirt_type;   /* the directory's keys, or "" */
	char *department;
	int64_t staff_at_founding, staff_now;       /* -1: not given */
	int64_t team_id;                /* the directory team of the same name (history_apply), 0 none */
};

/* A problem, at LINE (1-based; 0 for the file as a whole), in COLUMN
 * (a history_column_names entry, a header cell's text, or ""). The
 * message is the i18n key MSG_KEY with {value} filled from DETAIL (the
 * value, cut to 60 characters, made printable) and {line} or {choices}
 * from EXTRA. */
struct history_issue {
	size_t line;
	char column[48];
	const char *msg_key;
	char detail[200];
	char extra[200];
};

struct history_file {
	struct history_entry *rows;
	size_t nrows, cap;
	struct history_issue *issues;   /* the first HISTORY_MAX_ISSUES */
	size_t nissues, issue_cap;
	size_t nproblems;               /* every problem found, listed or not */
};

void history_file_init(struct history_file *f);
void history_file_release(struct history_file *f);

/* Read the N bytes at DATA; TODAY (YYYY-MM-DD) is the latest date a row
 * may give. Rows that read well go to F->rows, problems to F->issues.
 * Return 0, or -1 when memory ran out. */
int history_parse(struct history_file *f, const char *data, size_t n, const char *today);

struct history_result {
	size_t added;                   /* rows written */
	size_t linked;                  /* of them, linked to a directory team */
	int64_t removed;                /* rows --replace removed */
};

struct history_options {
	bool replace;                   /* remove every row before, in the same transaction */
	bool dry_run;                   /* check everything, write nothing */
	int64_t now;
	/* Inside the transaction, after the rows: the audit row. 0 or -1. */
	int (*audit)(void *arg, const struct history_result *res);
	void *audit_arg;
	/* Now and then while writing: DONE of TOTAL rows. */
	void (*progress)(void *arg, size_t done, size_t total);
	void *progress_arg;
};

/* Check F's rows against DB (names imported before, unless replacing;
 * names of several directory teams), link each to its directory team,
 * and write them all when F has no problem at all. Return 0 (written, or
 * a clean dry run), 1 (problems: nothing written; F->issues says which),
 * or -1 (a database error: nothing written). */
int history_apply(struct db *db, struct history_file *f, const struct history_options *opt, struct history_result *res);

/* IS as one line of text in LANG ("sector: unknown value ..."), without
 * the line number. Return 0 or -1. */
int history_issue_text(const struct history_issue *is, enum lang lang, struct buf *out);

#endif
