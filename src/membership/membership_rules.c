/* The texts applicants accept; see membership_rules.h. Each is the
 * settings row "membership.rules.<name>.<lang>" when the secretariat has
 * written one, else the built-in "rules.default.<name>" of messages.tsv. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/secret.h"
#include "membership/membership_rules.h"

static const char *const names[RULES__COUNT] = {"association", "tlp", "chatham_house"};

const char *rules_text_name(enum rules_text t)
{
	return (unsigned)t < RULES__COUNT ? names[t] : "invalid";
}

static void setting_key(enum rules_text t, enum lang l, char *out, size_t n)
{
	snprintf(out, n, "membership.rules.%s.%s", names[t], lang_code(l));
}

void membership_rules_version(const char *const texts[RULES__COUNT][LANG__COUNT], char out[RULES_VERSION_LEN + 1])
{
	/* Each text with its length before it, so that moving words from one
	 * text to the next is a change too. */
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	for (int t = 0; t < RULES__COUNT; t++) {
		for (int l = 0; l < LANG__COUNT; l++) {
			char len[24];
			int n = snprintf(len, sizeof(len), "%zu:", strlen(texts[t][l]));
			crypto_hash_sha256_update(&st, (const unsigned char *)len, (unsigned long long)n);
			crypto_hash_sha256_update(&st, (const unsigned char *)texts[t][l], strlen(texts[t][l]));
		}
	}
	unsigned char hash[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&st, hash);
	secret_hex(hash, sizeof(hash), out);
}

int membership_rules_load(struct db *db, struct membership_rules *r)
{
	static const char sql[] = "SELECT value FROM settings WHERE key = ?";
	memset(r, 0, sizeof(*r));
	for (int t = 0; t < RULES__COUNT; t++) {
		for (int l = 0; l < LANG__COUNT; l++) {
			char key[64], dflt[64];
			setting_key((enum rules_text)t, (enum lang)l, key, sizeof(key));
			snprintf(dflt, sizeof(dflt), "rules.default.%s", names[t]);
			sqlite3_stmt *st = db_stmt(db, sql);
			if (!st)
				return -1;
			sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
			int rc = sqlite3_step(st);
			r->custom[t][l] = rc == SQLITE_ROW;
			r->text[t][l] = strdup(rc == SQLITE_ROW ? db_col_text(st, 0) : i18n_get((enum lang)l, dflt));
			sqlite3_reset(st);
			if ((rc != SQLITE_ROW && rc != SQLITE_DONE) || !r->text[t][l])
				return -1;
		}
	}
	membership_rules_version((const char *const(*)[LANG__COUNT])r->text, r->version);
	return 0;
}

void membership_rules_free(struct membership_rules *r)
{
	for (int t = 0; t < RULES__COUNT; t++)
		for (int l = 0; l < LANG__COUNT; l++)
			free(r->text[t][l]);
	memset(r, 0, sizeof(*r));
}

int membership_rules_save(struct db *db, const char *const texts[RULES__COUNT][LANG__COUNT])
{
	static const char sql[] = "INSERT INTO settings (key, value) VALUES (?1, ?2)"
	                          " ON CONFLICT (key) DO UPDATE SET value = ?2";
	for (int t = 0; t < RULES__COUNT; t++) {
		for (int l = 0; l < LANG__COUNT; l++) {
			char key[64];
			setting_key((enum rules_text)t, (enum lang)l, key, sizeof(key));
			sqlite3_stmt *st = db_stmt(db, sql);
			if (!st)
				return -1;
			sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(st, 2, texts[t][l], -1, SQLITE_STATIC);
			if (db_run(db, st) < 0)
				return -1;
		}
	}
	return 0;
}
