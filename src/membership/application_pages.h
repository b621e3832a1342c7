/* The membership pages: the public form and the verification of its
 * address (apply_page.c), one application as each reader may see and act
 * on it (application_page.c, application_page_actions.c), the list of
 * applications (application_list_page.c), and the secretariat's form for
 * the rules texts (rules_page.c). Server-rendered forms that work without
 * JavaScript, each calling the same services as the JSON API
 * (application_http.h): a problem comes back next to its field with
 * everything as typed, a refusal as a readable message. */
#ifndef SHISA_APPLICATION_PAGES_H
#define SHISA_APPLICATION_PAGES_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "directory/team_form.h"
#include "http/router.h"

/* What a refused form on the application page sent, to show again. */
struct app_page_posted {
	json_t *values;                /* {name: text} as typed */
	const struct team_form *tf;    /* its team fields, to place their problems (or NULL) */
	const int *sponsor_slots;      /* the form slot of each sponsor sent (or NULL) */
	size_t nslots;
};

/* Answer with the page of application ID (the path's {id}) as the reader
 * sees it, with STATUS: PROBLEM (a refusal's message, or NULL) at the top
 * and the field errors recorded on C beside their fields; POSTED (or
 * NULL) is the form that was refused. An application the reader may not
 * see is a 404. */
void app_page_show(struct ctx *c, int64_t id, int status, const char *problem, const struct app_page_posted *posted);

extern const struct route apply_page_routes[];
extern const struct route application_page_routes[];
extern const struct route application_list_page_routes[];
extern const struct route membership_rules_page_routes[];

#endif
