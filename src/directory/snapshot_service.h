/* The server's own offline snapshot (snapshot.h), the one members
 * download: two files in a folder beside the database, DB_PATH-snapshot/
 * (directory.html and directory.json), so they survive restarts; a backup
 * need not hold them, because they are derived: a restored database gets
 * a current snapshot at the next start. A thread with its own database
 * connection remakes them
 *  - at start, unless the stored files verify and were made from the
 *    directory as it is: a third file beside them, directory.made, names
 *    the directory's stamp (dir_version.h), the settings and key and the
 *    time they were made from, which must be the same stamp, settings and
 *    key, at most a day old, with no record or key changed with time since
 *    (or made within the hour); a start with nothing changed thus costs a
 *    few reads, not a pass over every team;
 *  - after directory_changed(), from this process or, through the watch
 *    on the change counters (dir_version.h), another one (a second after
 *    the last of a burst of changes, at most ten seconds after the
 *    first), and after a new signing key;
 *  - at the hourly look, when the same test fails (a key expired, a
 *    record became overdue).
 * A snapshot whose content is unchanged is not rewritten: its time says
 * since when the directory has been as it shows. */
#ifndef SHISA_SNAPSHOT_SERVICE_H
#define SHISA_SNAPSHOT_SERVICE_H
#include <stdbool.h>
#include "core/config.h"
#include "directory/snapshot_format.h"

/* Open the connection, make the signing key on first use (audited), make
 * the folder (given to CFG->user when started as root, so the server can
 * still write there once it drops privileges), read the stored snapshot
 * and start the thread. Return 0, or -1 with a message in ERR. */
int snapshot_service_start(const struct config *cfg, char *err, size_t errlen);
/* Stop the thread (a snapshot being made is abandoned) and close. */
void snapshot_service_stop(void);
/* Ask for a new snapshot after a committed directory change; cheap. */
void snapshot_changed(void);

/* The public key. False when the service is not running. */
bool snapshot_service_key(unsigned char pk[SNAPKEY_PK_BYTES]);
/* The header of the current snapshot (the JSON file's). False when there
 * is none yet (the first is being made) or the service is not running. */
bool snapshot_service_latest(struct snapshot_header *h);
/* The path of the current file of KIND into OUT. False when there is none
 * yet or the service is not running. */
bool snapshot_service_path(enum snapshot_kind kind, char *out, size_t n);

#endif
