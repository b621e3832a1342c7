/* Constituency types as a search filter and facet; see constituency_type.h. */
#include <string.h>
#include "directory/constituency_type.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* IN without the blanks around it: its start, and its length in *LEN. */
static const char *trimmed(const char *in, size_t *len)
{
	while (blank(*in))
		in++;
	size_t n = strlen(in);
	while (n && blank(in[n - 1]))
		n--;
	*len = n;
	return in;
}

int constituency_type_key(const char *in, struct buf *out)
{
	size_t n;
	const char *s = trimmed(in, &n);
	char *at = buf_reserve(out, n);
	if (!at)
		return -1;
	for (size_t i = 0; i < n; i++)
		*at++ = ascii_lower(s[i]);
	buf_commit(out, at);
	return 0;
}

bool constituency_type_same(const char *a, const char *b)
{
	size_t na, nb;
	a = trimmed(a, &na);
	b = trimmed(b, &nb);
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (ascii_lower(a[i]) != ascii_lower(b[i]))
			return false;
	return true;
}

int constituency_type_rows(struct db *db, int (*each)(int64_t team_id, const char *key, enum visibility v, void *arg),
                           void *arg)
{
	static const char sql[] =
		"SELECT team_id, k, min(" CONSTITUENCY_TYPE_VIS_SQL("visibility") ") FROM (SELECT team_id, visibility, "
		CONSTITUENCY_TYPE_KEY_SQL("value") " AS k FROM team_constituency WHERE kind = 'type')"
		" WHERE k != '' GROUP BY team_id, k ORDER BY team_id, k";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (each(sqlite3_column_int64(st, 0), db_col_text(st, 1), (enum visibility)sqlite3_column_int(st, 2), arg) < 0)
			break;
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int constituency_type_labels(struct db *db, enum dir_level level,
                             int (*each)(const char *key, const char *spelling, void *arg), void *arg)
{
	static const char sql[] = "WITH " CONSTITUENCY_TYPE_LABELS_CTE " SELECT k, s FROM type_labels ORDER BY k";
	sqlite3_stmt *st = db_stmt(db, sql);
	if (!st)
		return -1;
	sqlite3_bind_int(st, 2, (int)level);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (each(db_col_text(st, 0), db_col_text(st, 1), arg) < 0)
			break;
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
