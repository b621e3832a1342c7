/* Fan a directory change out to what is derived from it; see changed.h. */
#include "directory/changed.h"
#include "directory/lookup.h"
#include "directory/search_service.h"
#include "directory/snapshot_service.h"
#include "http/response_cache.h"

void directory_changed(unsigned what)
{
	response_cache_invalidate();
	search_service_changed();
	if (what & DIR_CHANGED_RULES)
		lookup_changed();
	else if (what & DIR_CHANGED_RECORD)
		lookup_cards_changed();
	if (what & (DIR_CHANGED_RECORD | DIR_CHANGED_RULES))
		snapshot_changed();
}
