/* What follows a committed change to the directory: everything derived
 * from the records (the constituency router, the offline snapshot) is
 * brought up to date in the background. Every writer (API, web form,
 * import, key upload) calls directory_changed after its commit; changes
 * made by another process reach the server through the watch on the
 * directory's change counters (dir_version.h), which calls it too. */
#ifndef SHISA_DIRECTORY_CHANGED_H
#define SHISA_DIRECTORY_CHANGED_H

enum dir_change {
	DIR_CHANGED_RECORD = 1,   /* fields, contacts, people, keys, texts */
	DIR_CHANGED_RULES = 2,    /* constituency rules or a team's state: also reroute */
};

/* WHAT is a set of dir_change bits. Cheap: several calls in a row make one
 * rebuild of each derived thing. */
void directory_changed(unsigned what);

#endif
