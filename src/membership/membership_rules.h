/* The texts an applicant accepts before submitting: the association's
 * rules, TLP 2.0 and the Chatham House Rule, each in English and
 * Japanese. The secretariat edits them (kept in the settings table); until
 * it does, the built-in texts of messages.tsv apply. Their version is a
 * hash of all six texts, so an application that accepted one version can
 * tell when the texts have changed since. */
#ifndef SHISA_MEMBERSHIP_RULES_H
#define SHISA_MEMBERSHIP_RULES_H
#include <stdbool.h>
#include "core/i18n.h"
#include "db/db.h"

enum rules_text { RULES_ASSOCIATION, RULES_TLP, RULES_CHATHAM_HOUSE, RULES__COUNT };

#define RULES_TEXT_MAX 20000       /* characters of one text */
#define RULES_VERSION_LEN 64       /* hex SHA-256 */

struct membership_rules {
	char *text[RULES__COUNT][LANG__COUNT];   /* owned */
	bool custom[RULES__COUNT][LANG__COUNT];  /* set by the secretariat, not built in */
	char version[RULES_VERSION_LEN + 1];
};

/* "association", "tlp", "chatham_house": the API's names of the texts. */
const char *rules_text_name(enum rules_text t);

/* The texts in force and their version into R (free with
 * membership_rules_free, even after an error). Return 0 or -1. */
int membership_rules_load(struct db *db, struct membership_rules *r);
void membership_rules_free(struct membership_rules *r);
/* Replace every text by TEXTS (all six, already checked) inside the
 * caller's transaction. Return 0 or -1. */
int membership_rules_save(struct db *db, const char *const texts[RULES__COUNT][LANG__COUNT]);
/* The version of TEXTS into OUT. */
void membership_rules_version(const char *const texts[RULES__COUNT][LANG__COUNT], char out[RULES_VERSION_LEN + 1]);

#endif
