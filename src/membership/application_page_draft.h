/* The applicant's part of the application page (application_page.c):
 * the draft form (the organisation, the team record and the sponsors,
 * chosen from the member teams), the rules to read and accept, what is
 * still missing before submitting, replacing a sponsor that declined, and
 * withdrawing. */
#ifndef SHISA_APPLICATION_PAGE_DRAFT_H
#define SHISA_APPLICATION_PAGE_DRAFT_H
#include <jansson.h>
#include "membership/application_page_form.h"
#include "membership/application_store.h"

/* The form's values of A as stored: "org_name_ja", "org_group",
 * "contact_name", "team_slug", "team.X" and "sponsors[K]", added to
 * VALUES. Return 0 or -1. */
int app_page_draft_values(struct db *db, const struct application *a, json_t *values);

/* Add the applicant's forms for A, as O (application_json's view) shows
 * it, to page data D, drawn with V. Return 0 or -1. */
int app_page_applicant_forms(struct app_form_view *v, const struct application *a, json_t *o, json_t *d);

#endif
