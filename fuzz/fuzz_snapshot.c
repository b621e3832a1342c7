/* libFuzzer target for src/directory/snapshot_format.c and the key parsers
 * of snapshot_key.c and snapshot_key_history.c: what `shisa directory verify` reads from a file that
 * anyone may have handed a member. The seeds (a small HTML and JSON
 * snapshot, a key file) were signed with the key below, whose secret half
 * was thrown away after making them, so only a seed as it was signed (at
 * most without its final newline) may verify: besides the sanitizers, an
 * input that verifies must read back as a header naming that key. */
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "directory/snapshot_format.h"
#include "directory/snapshot_key_history.h"

/* The key that signed fuzz/corpus/snapshot/. */
static const char seed_key[] = "ed25519:oyDDnamXxghLs/5HyUReOWc1hYiBJp2WGIYyLWzL8A4=";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char pk[SNAPKEY_PK_BYTES];
	static bool ready;
	if (!ready) {
		if (sodium_init() < 0 || snapkey_parse(seed_key, strlen(seed_key), pk) < 0)
			abort();
		ready = true;
	}
	struct snapshot_header h;
	enum snapshot_check c = snapshot_verify(data, size, pk, &h);
	if (c == SNAPSHOT_OK) {
		struct snapshot_header again;
		if (snapshot_read_header(data, size, &again) != SNAPSHOT_OK || strcmp(again.public_key, seed_key) != 0)
			abort();
	}
	if (strlen(h.instance) >= sizeof(h.instance) || strlen(h.public_key) >= sizeof(h.public_key))
		abort();
	unsigned char got[SNAPKEY_PK_BYTES];
	snapkey_parse((const char *)data, size, got);
	/* A key file with retired keys: never more of them than it holds. */
	struct snapkey_history keys;
	if (snapkey_history_parse((const char *)data, size, &keys) == 0 && keys.nretired > SNAPKEY_RETIRED_MAX)
		abort();
	return 0;
}
