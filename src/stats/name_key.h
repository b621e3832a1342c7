/* How the statistics compare team names: a history row of `shisa stats
 * import` is the directory's team when their names compare equal, so
 * that one team is never counted twice. Equal means equal after trimming,
 * runs of blanks (the ideographic space included) as one space, full-width
 * letters and digits (ＣＳＩＲＴ) as their ASCII forms, and ASCII letters
 * lowercased: "NCA-CSIRT", "nca-csirt " and "ＮＣＡ－ＣＳＩＲＴ" are one
 * name. Pure functions over UTF-8 text. */
#ifndef SHISA_NAME_KEY_H
#define SHISA_NAME_KEY_H
#include <stddef.h>

#define NAME_KEY_MAX 512   /* room for a key, NUL included; longer names are cut */

/* The key of NAME (NULL counts as "") into OUT (NAME_KEY_MAX bytes). */
void name_key(const char *name, char out[static NAME_KEY_MAX]);

#endif
