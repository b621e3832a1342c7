/* A team's security.txt (RFC 9116), written from its record as a reader
 * sees it: Contact (mailto: for the incident and general addresses, tel:
 * for the emergency and voice phones), Expires, Encryption (where this
 * instance serves each key), Preferred-Languages (the languages the team
 * writes its texts in), Canonical (the team's own website's
 * /.well-known/security.txt) and Policy (the team's RFC 2350 document
 * here), under a comment that says where the file came from. The team
 * signs it (gpg --clearsign) and publishes it on its own website. */
#ifndef SHISA_SECURITYTXT_H
#define SHISA_SECURITYTXT_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "core/buf.h"

struct securitytxt_opts {
	const char *base_url;      /* this instance, absolute, without a trailing "/" */
	const char *instance_name; /* for the comment */
	const char *audience;      /* whose view the file shows: "public", "members" */
	int64_t now;
	int64_t expires;           /* Unix seconds */
};

/* Write the file for RECORD (a team_write_json record). Return 1, 0 when
 * the record has no contact the reader may see (RFC 9116 requires one, so
 * no valid file can be made; nothing is written), or -1. */
int securitytxt_write(struct buf *out, json_t *record, const struct securitytxt_opts *o);

/* How the team's admins publish the file, for their page (new reference):
 *   {"file": "SLUG-security.txt" (the name it downloads as),
 *    "command": the gpg command that clearsigns it into security.txt (with
 *               --local-user and the team's first unexpired key, if any),
 *    "canonical": where it goes on the team's website (absent without one)} */
json_t *securitytxt_publish_steps(json_t *record);

/* A phone number as the record keeps it ("+81 3-1234-5678 ext. 12", or
 * "03-1234-5678" for a team in COUNTRY JP) as an RFC 3966 tel: URI into
 * OUT ("tel:+81-3-1234-5678;ext=12"). A domestic number of another or an
 * unknown country has no global form we can know: false. */
bool securitytxt_tel_uri(const char *phone, const char *country, char *out, size_t n);
/* An email address as a mailto: URI (RFC 6068), %-escaping what a URI
 * may not hold. False when it does not fit in N bytes. */
bool securitytxt_mailto_uri(const char *email, char *out, size_t n);

#endif
