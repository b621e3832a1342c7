/* What the membership pages (application_pages.h) draw their forms and
 * texts with: controls for the shared template team_form_input.html, each
 * with its label, value, hint and problem; the applicant's draft of the
 * team record (names, organisation and category, contacts), the same on
 * the public form and on the application page; the posted "team." fields
 * read into the very change the API takes (team_form.h); the problems of
 * a refused form placed next to their fields, with a summary that links
 * to each; and messages and times in the reader's language and zone. */
#ifndef SHISA_APPLICATION_PAGE_FORM_H
#define SHISA_APPLICATION_PAGE_FORM_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "directory/team_form.h"
#include "http/ctx.h"

#define APP_FORM_NAME_MAX (TEAM_FORM_NAME_MAX + 8)   /* "team." and a name of the team form */

enum app_widget { APP_W_TEXT, APP_W_EMAIL, APP_W_URL, APP_W_TEXTAREA, APP_W_SELECT };

/* A form being drawn: the values to show, and its problems by field. */
struct app_form_view {
	struct ctx *c;
	json_t *values;               /* {name: text}, borrowed */
	json_t *errs;                 /* {name: message} */
	json_t *summary;              /* [{href, label, message}] in page order */
	json_t *shown;                /* {name: true}: problems shown beside a field */
};

/* Start V over VALUES with the problems recorded on C's request, each on
 * the form's name for it: a "team.X" one through TF (the posted team
 * fields; NULL when the problems are about the stored draft), and
 * "sponsors[K]" at the slot SPONSOR_SLOTS[K] it was posted in (NULL: the
 * K-th slot). Release V with app_form_finish. */
void app_form_begin(struct app_form_view *v, struct ctx *c, json_t *values, const struct team_form *tf,
                    const int *sponsor_slots, size_t nslots);
/* A control for field NAME labelled LABEL (SUMMARY_LABEL names it in the
 * summary of problems; NULL: LABEL), with the hint HINT_KEY (or NULL). */
json_t *app_form_control(struct app_form_view *v, const char *name, const char *label, const char *summary_label,
                         enum app_widget w, const char *hint_key);
/* A select over CHOICES labelled PREFIX + choice ("" labelled EMPTY_KEY);
 * DFLT is chosen when the field has no value yet. */
json_t *app_form_select(struct app_form_view *v, const char *name, const char *label, const char *const choices[],
                        const char *prefix, const char *empty_key, const char *dflt);
/* The problem with a whole list (NAME: "sponsors", "team.contacts"), or
 * "", summarised as LABEL and linked to ANCHOR. */
json_t *app_form_list_error(struct app_form_view *v, const char *name, const char *label, const char *anchor);

/* The draft of the team record as sections [{id, title, hint, items:
 * [{label, multi, inputs}]}] and its contacts as rows [{legend, inputs}],
 * the stored or posted ones and two blank rows to fill in. */
json_t *app_form_record_sections(struct app_form_view *v);
json_t *app_form_contact_rows(struct app_form_view *v);

/* Put the summary of the problems into page data D ("summary", and
 * "summary_title" from TITLE_KEY with {count}), with those no field
 * showed, and release V. */
void app_form_finish(struct app_form_view *v, json_t *d, const char *title_key);

/* Whether C's form has only the fields NAMES (NULL-terminated), the
 * CSRF token, "team.X" ones when TEAM (app_form_read_team judges those)
 * and "sponsors[K]" (K below APP_SPONSORS_MAX) when SPONSORS, none of
 * them twice. Otherwise the form was crafted: the request is answered
 * (400, naming the field) and false returned. */
bool app_form_only(struct ctx *c, const char *const names[], bool team, bool sponsors);
/* The posted fields named "team.X" of C's form, read as the team edit
 * form's (team_form_read) into TF. Return 0; or -1 after answering: a
 * field the form does not have, or one sent twice (400), or out of memory.
 * Release TF with team_form_release either way. */
int app_form_read_team(struct ctx *c, struct team_form *tf);
/* The form's values of DRAFT (a stored draft, every field) as
 * {"team.X": text} added to VALUES. Return 0 or -1. */
int app_form_record_values(json_t *draft, json_t *values);

/* Every posted field of C's form but the CSRF token, as typed, to show
 * again (new reference). */
json_t *app_form_posted(struct ctx *c);

/* The string member KEY of O, or "" (never NULL). */
const char *app_json_text(json_t *o, const char *key);
/* The label of VALUE among choices labelled PREFIX + value
 * ("app.state." "draft"), or VALUE itself when there is none. */
const char *app_page_label(struct ctx *c, const char *prefix, const char *value);
/* KEY's text in the reader's language with VARS (key, value, ...,
 * NULL) filled in, in the request's pool. */
const char *app_page_fill(struct ctx *c, const char *key, const char *const vars[]);
/* The time ISO ("2026-11-25T10:00:00Z", NULL or "" for none) in the
 * reader's zone ("2026-11-25 19:00 JST"), in the pool; "" for none. */
const char *app_page_when(struct ctx *c, const char *iso);

#endif
