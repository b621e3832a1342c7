/* The offline snapshot over HTTP: members download the server's latest
 * snapshot (snapshot_service.h), anyone may fetch the key that signs it. */
#ifndef SHISA_SNAPSHOT_HTTP_H
#define SHISA_SNAPSHOT_HTTP_H
#include <jansson.h>
#include "http/router.h"

extern const struct route snapshot_routes[];

/* For the directory page: when the reader may download the snapshot, an
 * object "snapshot" in PAGE with the time it was generated (in the
 * reader's time zone) and the signing key, for the download box. */
void snapshot_page_box(struct ctx *c, json_t *page);

#endif
