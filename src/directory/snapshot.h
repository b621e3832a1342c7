/* The offline snapshot of the directory, for when the platform is down:
 * the members-visible directory (every team a member team may see, each
 * record exactly as team_write_json writes it at DIR_MEMBERS) as two
 * signed files (snapshot_format.h):
 *  - one self-contained HTML page: no external assets, no script, both
 *    languages side by side, a quick-reference table of every team (24/7
 *    phones first) and each full record, in name order grouped by first
 *    letter, printable, and searchable with the browser's find;
 *  - one JSON document: the header and the records, one per line.
 * Both are made in one pass over the teams inside one read transaction, so
 * they show the same moment. Each file is written under a temporary name
 * in its directory and renamed into place, so a reader never sees half a
 * snapshot. */
#ifndef SHISA_SNAPSHOT_H
#define SHISA_SNAPSHOT_H
#include <stdatomic.h>
#include <stdbool.h>
#include "db/db.h"
#include "directory/snapshot_format.h"

struct snapshot_params {
	const char *instance;         /* instance_name, named in the header */
	const char *url;              /* base_url, or "" */
	const char *tz;               /* IANA zone for the time shown on the page */
	int64_t generated_at;         /* the time to name in the header; 0: now */
	const char *dir;              /* where the files go */
	const char *html_name;        /* file names inside DIR */
	const char *json_name;
	int file_mode;                /* of the files written (e.g. 0640) */
	/* When not NULL: a content id (snapshot_header.content_id). If the new
	 * snapshot's content id equals it, nothing is written and
	 * snapshot_generate returns 0. */
	const char *unless_content_id;
	/* Called after each team (may be NULL); on a terminal it shows progress. */
	void (*progress)(void *arg, int done, int total);
	void *progress_arg;
	const atomic_bool *cancel;    /* set: stop soon and write nothing (may be NULL) */
};

struct snapshot_result {
	struct snapshot_header header;   /* of the JSON file; the HTML one differs only in kind */
	size_t html_bytes, json_bytes;
	/* What the content was read from: the directory's state (its stamp,
	 * dir_version.h) and the time, both as of the read transaction. */
	int64_t directory_stamp;
	int64_t as_of;
};

/* Make the snapshot of the directory in DB, signed with the key pair
 * PK/SK, as P says. Return 1 written, 0 unchanged (see
 * unless_content_id; R is filled as if written) or cancelled, -1 on error with a message in ERR
 * (nothing is left behind: no temporary file, the old files untouched). */
int snapshot_generate(struct db *db, const struct snapshot_params *p, const unsigned char pk[SNAPKEY_PK_BYTES],
                      const unsigned char sk[SNAPKEY_SK_BYTES], struct snapshot_result *r, char *err,
                      size_t errlen);

#endif
