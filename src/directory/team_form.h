/* The team edit page's form and the API's JSON, both ways. The page
 * (directory_form_http.c) posts flat fields ("name.en", "contacts[3].value",
 * one text area of constituency rules per visibility); team_form_read turns
 * them into the very object PATCH /api/v1/teams/{slug} takes, so every
 * value goes through the API's own checks (team_input.c), and
 * team_form_place maps the place of each problem in that object
 * ("contacts[1].value", "constituency[4].value") back to the field and line
 * the person typed it in. Pure: no HTTP, no SQL. */
#ifndef SHISA_TEAM_FORM_H
#define SHISA_TEAM_FORM_H
#include <jansson.h>
#include <stddef.h>
#include "http/form.h"

/* Contact or people rows one form may post: more than the API takes (50),
 * so that too many is the API's field error rather than a refused form. */
#define TEAM_FORM_MAX_ROWS 60
#define TEAM_FORM_NAME_MAX 96      /* room for any field name of the form */

/* The constituency text areas, one per visibility (enum visibility order):
 * "constituency.public", "constituency.members", "constituency.secretariat". */
extern const char *const team_form_rule_fields[3];

struct team_form_rule_src {
	int vis;                      /* enum visibility: which text area */
	int line;                     /* 1-based line in it */
};

struct team_form {
	json_t *change;               /* the API's change object */
	json_t *values;               /* every posted field as {name: text}, to show again */
	int contact_row[TEAM_FORM_MAX_ROWS];   /* form row of change.contacts[i] */
	int person_row[TEAM_FORM_MAX_ROWS];    /* form row of change.people[i] */
	size_t ncontacts, npeople;
	struct team_form_rule_src *rule_src;   /* of change.constituency[i] (malloc'd) */
	size_t nrules;
	const char *bad_field;        /* a field the form does not have, or has twice */
};

/* Read the posted form F into TF. Rows left blank (or marked for removal)
 * are left out; single-line text is trimmed and CRLF from text areas
 * becomes LF, as a browser's encoding is not what the person typed.
 * Return 0, or -1 when F holds a field the edit form does not have or the
 * same field twice (TF->bad_field, pointing into F, names it): a crafted
 * form, refused whole. Release TF with team_form_release either way. */
int team_form_read(const struct form *f, struct team_form *tf);
void team_form_release(struct team_form *tf);

/* Where a problem reported at PATH, a place in TF->change, shows on the
 * form: the field's name into NAME (at least TEAM_FORM_NAME_MAX bytes),
 * and the 1-based line of a constituency text area into *LINE (0 for
 * every other field). Places the form has no field for keep their path. */
void team_form_place(const struct team_form *tf, const char *path, char name[static TEAM_FORM_NAME_MAX], int *line);

/* The form's fields as {name: text} for RECORD, a team as team_write_json
 * writes it for the team itself (every field, with "visibility"), whose
 * "visibility" object also holds each text section's as "text.<section>".
 * New reference, or NULL when out of memory. */
json_t *team_form_values(json_t *record);

/* Rows of LIST ("contacts" or "people") in VALUES: one more than the
 * highest row index present, 0 for none. */
int team_form_rows(json_t *values, const char *list);

#endif
