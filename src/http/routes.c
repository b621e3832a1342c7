/* The route tables of every domain. A new domain adds its table here. */
#include "accounts/account_http.h"
#include "accounts/admin_api.h"
#include "accounts/admin_http.h"
#include "accounts/org_status_api.h"
#include "accounts/org_status_http.h"
#include "audit/audit_http.h"
#include "auth/auth_http.h"
#include "directory/directory_http.h"
#include "directory/snapshot_http.h"
#include "membership/application_http.h"
#include "membership/application_pages.h"
#include "http/router.h"
#include "stats/stats_http.h"
#include "web/site.h"

const struct route *const route_tables[] = {
	site_routes,
	auth_routes,
	account_routes,
	account_api_routes,
	admin_routes,
	admin_api_routes,
	audit_routes,
	export_routes,          /* before directory_api_routes: /api/v1/teams/export is not a {slug} */
	directory_api_routes,
	directory_edit_routes,
	directory_form_routes,
	directory_page_routes,
	lookup_routes,
	lookup_batch_routes,
	application_api_routes,
	membership_rules_routes,
	apply_page_routes,
	application_list_page_routes,
	application_page_routes,
	membership_rules_page_routes,
	key_routes,
	stale_routes,
	snapshot_routes,
	import_routes,
	org_status_routes,
	org_status_api_routes,
	stats_routes,
	NULL,
};
