/* Fan a directory change out to what is derived from it; see changed.h.
 * The change is first recorded as seen by the watch on other processes'
 * changes (dir_version.h), before any rebuild is asked for: that order is
 * what lets the watch skip it safely. */
#include "directory/changed.h"
#include "directory/dir_version.h"
#include "directory/lookup.h"
#include "directory/search_service.h"
#include "directory/snapshot_service.h"
#include "http/response_cache.h"

void directory_changed(unsigned what)
{
	dir_version_seen(what);
	response_cache_invalidate();
	search_service_changed();
	if (what & DIR_CHANGED_RULES)
		lookup_changed();
	else if (what & DIR_CHANGED_RECORD)
		lookup_cards_changed();
	if (what & (DIR_CHANGED_RECORD | DIR_CHANGED_RULES))
		snapshot_changed();
}
