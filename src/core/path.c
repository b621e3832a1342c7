/* File paths; see path.h. */
#include <stdio.h>
#include <string.h>
#include "core/path.h"

void path_folder(const char *path, char *out, size_t n)
{
	snprintf(out, n, "%s", path);
	char *slash = strrchr(out, '/');
	if (!slash)
		snprintf(out, n, ".");
	else if (slash == out)
		out[1] = '\0';
	else
		*slash = '\0';
}
